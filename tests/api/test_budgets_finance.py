"""Finance (PPK-SKPD) enters the pagu from the DPA; revisions keep the history; every reader
sees the pagu with what the cases commit, what came back by STS, and what is left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.models import BudgetEntry, Case
from cases.services.budgets import list_budgets, set_budget
from cases.services.facts import budget_remaining
from infra.runtime import Runtime
from tests.api.helpers import Api
from tests.conftest import FakeClock
from tests.web.helpers import Pages
from workflows import Actor

DPA: dict[str, Any] = {"dpa_number": "DPA/2.16.2.20.0.00.01.0000/001/2026",
                       "dpa_date": "2026-01-02"}
READERS = ("rina", "siti", "ahmad", "dewi", "fina", "audra")


def code(response: Any) -> str:
    return str(response.json()["detail"]["code"])


def reason_codes(response: Any) -> list[str]:
    return [r["code"] for r in response.json()["detail"]["reasons"]]


def put(api: Api, who: str, amount: int, *, workflow: str = "grant", year: int = 2026,
        **body: Any) -> Any:
    return api.put(who, f"/api/budgets/{workflow}/{year}", json={"amount": amount, **body})


def budgets_of(api: Api, who: str = "fina") -> list[dict[str, Any]]:
    response = api.get(who, "/api/budgets")
    assert response.status_code == 200, response.text
    return list(response.json())


def test_finance_enters_the_pagu_from_the_dpa(api: Api) -> None:
    response = put(api, "fina", 250_000_000, **DPA, note="DPA murni")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "workflow": "grant", "fiscal_year": 2026, "amount": 250_000_000, "committed": 0,
        "refunded": 0, "realised": 0, "remaining": 250_000_000, "used": 0,
        "dpa_number": DPA["dpa_number"], "dpa_date": "2026-01-02", "entries": 1}
    for who in READERS:
        assert budgets_of(api, who) == [response.json()], who


def test_a_revision_after_the_apbd_p_becomes_the_pagu_and_the_history_is_kept(
    api: Api, clock: FakeClock
) -> None:
    assert put(api, "fina", 250_000_000, **DPA).status_code == 200
    clock.advance(days=200)  # APBD-P, August 2026
    api.forget_tokens()
    revised = put(api, "fina", 300_000_000, dpa_number="DPPA/001/2026",
                  dpa_date="2026-08-20", note="Revisi setelah APBD-P")
    assert revised.status_code == 200, revised.text
    assert revised.json()["amount"] == 300_000_000
    assert revised.json()["dpa_number"] == "DPPA/001/2026"
    assert revised.json()["dpa_date"] == "2026-08-20"
    assert revised.json()["entries"] == 2
    history = api.get("audra", "/api/budgets/grant/2026/entries")
    assert history.status_code == 200, history.text
    rows = history.json()
    assert [(r["seq"], r["amount"], r["previous_amount"], r["dpa_number"]) for r in rows] == [
        (2, 300_000_000, 250_000_000, "DPPA/001/2026"),
        (1, 250_000_000, None, DPA["dpa_number"]),
    ]
    assert {(r["entered_by"], r["entered_by_name"]) for r in rows} == {("fina", "Fina")}
    assert rows[0]["note"] == "Revisi setelah APBD-P"
    assert rows[1]["dpa_date"] == "2026-01-02"
    # Another year and another workflow have their own history.
    assert api.get("audra", "/api/budgets/grant/2025/entries").json() == []
    assert api.get("audra", "/api/budgets/media_verification/2026/entries").json() == []


def test_every_entry_is_in_the_system_audit_chain_with_its_dpa(api: Api) -> None:
    assert put(api, "fina", 250_000_000, **DPA, note="DPA murni").status_code == 200
    entries = api.get("audra", "/api/audit/system").json()
    budget = [e for e in entries if e["action"] == "budget_set"]
    assert len(budget) == 1
    assert budget[0]["target"] == "grant/2026"
    assert budget[0]["payload"] == {"amount": 250_000_000, **DPA, "note": "DPA murni"}
    assert api.audit_check("audra")["status"] == "ok"


@pytest.mark.parametrize("who", ["ahmad", "admin", "audra", "rina", "siti", "dewi"])
def test_only_finance_enters_the_pagu(api: Api, who: str) -> None:
    refused = put(api, who, 250_000_000, **DPA)
    assert refused.status_code == 403, refused.text
    assert code(refused) == "role_not_permitted"
    assert budgets_of(api) == []
    assert api.get("fina", "/api/budgets/grant/2026/entries").json() == []


def test_the_kadis_and_every_reader_read_budgets_and_the_admin_does_not(api: Api) -> None:
    assert put(api, "fina", 1_000, **DPA).status_code == 200
    for who in READERS:
        assert api.get(who, "/api/budgets").status_code == 200, who
        assert api.get(who, "/api/budgets/grant/2026/entries").status_code == 200, who
    # The admin keeps users and settings; the pagu is not theirs to read (cases.permissions).
    assert code(api.get("admin", "/api/budgets")) == "role_not_permitted"


@pytest.mark.parametrize(("body", "reasons"), [
    ({}, ["dpa_number_required", "dpa_date_required"]),
    ({"dpa_date": "2026-01-02"}, ["dpa_number_required"]),
    ({"dpa_number": "   ", "dpa_date": "2026-01-02"}, ["dpa_number_required"]),
    ({"dpa_number": "DPA/1"}, ["dpa_date_required"]),
    ({"dpa_number": "DPA/1", "dpa_date": None}, ["dpa_date_required"]),
])
def test_a_pagu_without_its_dpa_is_refused_with_a_stable_code(
    api: Api, body: dict[str, Any], reasons: list[str]
) -> None:
    refused = put(api, "fina", 250_000_000, **body)
    assert refused.status_code == 422, refused.text
    assert code(refused) == "dpa_required"
    assert reason_codes(refused) == reasons
    assert budgets_of(api) == []


@pytest.mark.parametrize(("body", "reason"), [
    ({"dpa_date": "2026-02-05"}, "dpa_date_implausible"),  # after today (4 February 2026)
    ({"dpa_date": "2024-12-30"}, "dpa_date_implausible"),  # two years before the TA
    ({"dpa_number": "DPA\n001"}, "dpa_number_invalid"),
    ({"dpa_number": "DPA\x07001"}, "dpa_number_invalid"),
    ({"note": "x\x1b"}, "note_invalid"),
])
def test_an_implausible_dpa_is_refused(api: Api, body: dict[str, Any], reason: str) -> None:
    refused = put(api, "fina", 250_000_000, **{**DPA, **body})
    assert refused.status_code == 422, refused.text
    assert code(refused) == "invalid_budget"
    assert reason in reason_codes(refused)
    assert budgets_of(api) == []


@pytest.mark.parametrize("body", [
    {"dpa_number": "D" * 101}, {"note": "n" * 501}, {"dpa_date": "02-01-2026"},
    {"amount": -1}, {"amount": "250000000"}, {"amount": 10**16}, {"extra": 1},
])
def test_a_malformed_body_is_refused(api: Api, body: dict[str, Any]) -> None:
    refused = api.put("fina", "/api/budgets/grant/2026",
                      json={"amount": 250_000_000, **DPA, **body})
    assert refused.status_code == 422, refused.text
    assert budgets_of(api) == []


def test_an_unknown_workflow_or_year_is_refused(api: Api) -> None:
    refused = put(api, "fina", 1_000, workflow="lelang", **DPA)
    assert (refused.status_code, code(refused)) == (422, "unknown_workflow")
    unknown = api.get("audra", "/api/budgets/lelang/2026/entries")
    assert (unknown.status_code, code(unknown)) == (422, "unknown_workflow")
    assert put(api, "fina", 1_000, year=1999, **DPA).status_code == 422
    assert budgets_of(api) == []


def _case(session: Session, n: int, state: str, approved: int | None, paid: int | None,
          refunded: int | None, year: int = 2026) -> None:
    now = datetime(2026, 2, 4, 1, 0, tzinfo=UTC)
    session.add(Case(reference=f"HB-{year}-{n:04d}", workflow="grant", state=state,
                     created_at=now, updated_at=now, fiscal_year=year, title="Hibah",
                     applicant={}, applicant_name="PWI", data={}, amount=approved or 1_000,
                     approved_amount=approved, paid_amount=paid, refunded_amount=refunded))


def test_the_view_shows_committed_refunded_realised_and_remaining(
    api: Api, runtime: Runtime
) -> None:
    assert put(api, "fina", 500_000_000, **DPA).status_code == 200
    with runtime.sessions() as session:
        _case(session, 1, "approved", 100_000_000, None, None)
        _case(session, 2, "paid", 150_000_000, 150_000_000, None)
        _case(session, 3, "reported", 80_000_000, 80_000_000, 5_000_000)
        _case(session, 4, "reviewed", None, None, None)  # holds nothing yet
        _case(session, 5, "rejected", 70_000_000, None, None)  # terminal, holds nothing
        _case(session, 6, "approved", 20_000_000, None, None, year=2025)  # another year
        session.commit()
    [view] = budgets_of(api, "audra")
    assert view["committed"] == 330_000_000
    assert view["refunded"] == 5_000_000
    assert view["realised"] == 225_000_000  # paid 230 less 5 refunded
    assert view["remaining"] == 175_000_000  # 500 − 330 + 5
    assert view["used"] == 325_000_000
    with runtime.sessions() as session:
        # What approvals are checked against is what the page shows.
        assert budget_remaining(session, "grant", 2026) == view["remaining"]
        assert list_budgets(session)[0].remaining == view["remaining"]


def test_each_entry_is_a_row_and_the_pagu_row_is_one(api: Api, runtime: Runtime) -> None:
    for amount in (1_000, 2_000, 3_000):
        assert put(api, "fina", amount, **DPA).status_code == 200
    with runtime.sessions() as session:
        entries = session.exec(select(BudgetEntry).order_by(BudgetEntry.id)).all()  # type: ignore[arg-type]
        assert [e.amount for e in entries] == [1_000, 2_000, 3_000]
        assert {e.dpa_date for e in entries} == {date(2026, 1, 2)}
    assert [b["amount"] for b in budgets_of(api)] == [3_000]


def test_an_acting_official_changes_no_pagu(runtime: Runtime) -> None:
    """Plh./Plt. take no decision on budget allocation (UU 30/2014 Art. 14): the refusal
    says so, with its basis, rather than a bare role refusal."""
    from cases.errors import Forbidden
    from workflows.acting import ActingWarrant

    with runtime.sessions() as session:
        from cases.models import User

        siti = session.exec(select(User).where(User.username == "siti")).one()
        assert siti.id is not None
        warrant = ActingWarrant(1, "800/12/Diskominfo/2026", "plh", "kadis", date(2026, 2, 6))
        acting = Actor(siti.id, "siti", frozenset({"kabid", "kadis"}), "Siti", (warrant,))
        with pytest.raises(Forbidden) as refused:
            set_budget(runtime.ctx(session, acting), "grant", 2026, 1_000, "DPA/1",
                       date(2026, 1, 2))
        assert refused.value.code == "acting_limit"
        assert refused.value.reasons[0].basis == "UU 30/2014 Pasal 14; SE BKN 1/SE/I/2021"
        assert list_budgets(session) == []


# --- the page -------------------------------------------------------------------------------


FORM = {"workflow": "grant", "fiscal_year": "2026", "amount": "Rp 250.000.000",
        "dpa_number": "DPA/001/2026", "dpa_date": "2026-01-02", "note": "DPA murni"}


def test_finance_enters_the_pagu_on_the_page_and_readers_see_it_in_indonesian(
    browser_for: Callable[[str], Pages], api: Api
) -> None:
    fina = browser_for("fina")
    form = fina.get("/budgets")
    assert form.status_code == 200
    assert "Catat pagu / revisi pagu (APBD-P)" in form.text
    saved = fina.post("/budgets", FORM, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    [view] = budgets_of(api)
    assert (view["amount"], view["dpa_number"], view["dpa_date"]) == (
        250_000_000, "DPA/001/2026", "2026-01-02")
    for who in ("audra", "ahmad", "rina"):
        page = browser_for(who).get("/budgets")
        assert page.status_code == 200, who
        text = page.text
        for heading in ("Pagu", "Terikat", "Dikembalikan (STS)", "Realisasi", "Sisa",
                        "No./tgl DPA"):
            assert f">{heading}</th>" in text, (who, heading)
        assert "Rp250.000.000" in text
        assert "2 Januari 2026" in text
        assert "DPA/001/2026" in text
        assert "Riwayat pagu" in text
        assert "DPA murni" in text
        assert "Catat pagu / revisi pagu (APBD-P)" not in text, who  # the form is finance's


def test_the_page_form_refuses_in_indonesian_and_keeps_what_was_typed(
    browser_for: Callable[[str], Pages], api: Api
) -> None:
    fina = browser_for("fina")
    fina.get("/budgets")
    missing = fina.post("/budgets", {**FORM, "dpa_number": "", "dpa_date": ""})
    assert missing.status_code == 422
    assert "Nomor DPA wajib diisi" in missing.text
    assert "Tanggal DPA wajib diisi" in missing.text
    assert 'value="Rp 250.000.000"' in missing.text
    bad = fina.post("/budgets", {**FORM, "amount": "dua ratus", "dpa_date": "kemarin"})
    assert bad.status_code == 422
    assert "Nilai pagu harus angka rupiah" in bad.text
    assert "Tanggal DPA tidak valid" in bad.text
    future = fina.post("/budgets", {**FORM, "dpa_date": "2026-12-01"})
    assert future.status_code == 422
    assert "Tanggal DPA tidak boleh setelah hari ini" in future.text
    assert budgets_of(api) == []


def test_only_finance_posts_the_page_form(
    browser_for: Callable[[str], Pages], api: Api
) -> None:
    for who in ("ahmad", "audra"):
        browser = browser_for(who)
        browser.get("/budgets")
        assert browser.post("/budgets", FORM).status_code == 403, who
    assert budgets_of(api) == []

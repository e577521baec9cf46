"""Parties through the API: registration and its checks (NPWP, NIB, kind, duplicates), who
may do what, finding, reading with cases, edits on a version, and the system audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from cases.models import Case, Party
from cases.services import parties as party_service
from infra.runtime import Runtime
from tests.api.helpers import Api

COMPANY = {"kind": "company", "name": "PT Balangan Media Utama", "npwp": "012345678901000",
           "nib": "1234567890123", "address": "Jl. A. Yani, Paringin", "is_pkp": True}
ORGANISATION = {"kind": "organisation", "name": "PWI Kabupaten Balangan",
                "npwp": "3171987654321098"}


def register(api: Api, body: dict[str, Any], who: str = "rina") -> dict[str, Any]:
    response = api.post(who, "/api/parties", json=body)
    assert response.status_code == 201, response.text
    party: dict[str, Any] = response.json()
    return party


def refusal(response: Any, status: int) -> tuple[str, set[str]]:
    """The error's code and the codes of its reasons, after checking its status."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    return detail["code"], {r["code"] for r in detail["reasons"]}


def add_case(runtime: Runtime, party_id: int | None, reference: str, year: int,
             amount: int = 45_000_000) -> int:
    """A case row written straight into the database, belonging to ``party_id``."""
    now = runtime.clock()
    with runtime.sessions() as session:
        case = Case(reference=reference, workflow="media_verification", state="submitted",
                    fiscal_year=year, title=f"Publikasi {year}", applicant_name="Balangan Pos",
                    amount=amount, party_id=party_id, created_at=now, updated_at=now)
        session.add(case)
        session.commit()
        assert case.id is not None
        return case.id


def add_carried_over(runtime: Runtime, name: str) -> int:
    """A party as the migration leaves one: a company with neither NPWP nor NIB."""
    now = runtime.clock()
    with runtime.sessions() as session:
        party = Party(kind="company", name=name, created_at=now, updated_at=now)
        session.add(party)
        session.commit()
        assert party.id is not None
        return party.id


# --- registration ----------------------------------------------------------------------------

def test_officer_registers_a_company_and_kabid_an_organisation(api: Api) -> None:
    company = register(api, COMPANY)
    assert company["kind"] == "company"
    assert company["kind_label"] == "Perusahaan pers"
    assert company["npwp"] == "0012345678901000"  # one form: 16 digits, "0" + the 15
    assert company["npwp_display"] == "01.234.567.8-901.000"
    assert company["nib"] == "1234567890123"
    assert company["is_pkp"] is True
    assert company["version"] == 1
    organisation = register(api, ORGANISATION, who="siti")
    assert organisation["kind_label"] == "Organisasi"
    assert organisation["nib"] is None
    assert organisation["npwp_display"] == "3171 9876 5432 1098"
    assert organisation["is_pkp"] is False
    assert organisation["address"] == ""


@pytest.mark.parametrize(("typed", "digits"), [
    ("01.234.567.8-901.000", "0012345678901000"),
    (" 01 234 567 8 901 000 ", "0012345678901000"),
    ("0012 3456 7890 1000", "0012345678901000"),
    ("3171-0123-4567-8901", "3171012345678901"),
])
def test_npwp_typed_with_punctuation_is_kept_as_its_16_digits(api: Api, typed: str, digits: str
                                                       ) -> None:
    party = register(api, {**COMPANY, "npwp": typed, "nib": "1234 5678 90123"})
    assert party["npwp"] == digits
    assert party["nib"] == "1234567890123"


@pytest.mark.parametrize("npwp", [
    "12345678901234", "12345678901234567", "000000000000000", "0000.0000.0000.0000",
    "01.234.567.8-901.00A", "01/234/567/8/901/000", "", "１２３４５６７８９０１２３４５",
])
def test_an_npwp_not_of_15_or_16_digits_is_refused(api: Api, npwp: str) -> None:
    code, reasons = refusal(api.post("rina", "/api/parties", json={**COMPANY, "npwp": npwp}),
                            422)
    assert code == "invalid_npwp"
    assert reasons == {"invalid_npwp"}


@pytest.mark.parametrize("body", [
    {**COMPANY, "nib": ""},
    {k: v for k, v in COMPANY.items() if k != "nib"},
    {**COMPANY, "nib": "123456789012"},
    {**COMPANY, "nib": "12345678901234"},
    {**COMPANY, "nib": "0000000000000"},
    {**ORGANISATION, "nib": "1234567890123"},
])
def test_a_company_needs_a_nib_of_13_digits_and_an_organisation_has_none(
    api: Api, body: dict[str, Any]
) -> None:
    code, reasons = refusal(api.post("rina", "/api/parties", json=body), 422)
    assert code == "invalid_nib"
    assert reasons == {"invalid_nib"}


def test_every_problem_is_named_at_once(api: Api) -> None:
    response = api.post("rina", "/api/parties", json={
        "kind": "company", "name": "  ", "npwp": "123", "nib": "", "address": "a\nb"})
    code, reasons = refusal(response, 422)
    assert code == "invalid_input"
    assert reasons == {"missing_field", "invalid_npwp", "invalid_nib", "control_character"}
    fields = {r["message"].split(":")[0] for r in response.json()["detail"]["reasons"]}
    assert fields == {"party.name", "party.npwp", "party.nib", "party.address"}


@pytest.mark.parametrize(("body", "code"), [
    ({**COMPANY, "kind": "koperasi"}, "invalid_kind"),
    ({**COMPANY, "name": "N" * 201}, "too_long"),
    ({**COMPANY, "name": "PT Satu\nPT Dua"}, "control_character"),
    ({**COMPANY, "address": "A" * 301}, "too_long"),
])
def test_kind_name_and_address_are_checked(api: Api, body: dict[str, Any], code: str) -> None:
    assert refusal(api.post("rina", "/api/parties", json=body), 422)[0] == code


def test_a_name_of_200_characters_is_kept(api: Api) -> None:
    assert register(api, {**COMPANY, "name": "N" * 200})["name"] == "N" * 200


@pytest.mark.parametrize("body", [
    {**COMPANY, "kind": 5}, {**COMPANY, "is_pkp": "ya"}, {**COMPANY, "extra": 1},
    {**COMPANY, "name": "PT\x00Nul"}, {**COMPANY, "name": "N" * 5000},
    {**COMPANY, "npwp": 12345678901234}, {"kind": "company"}, [],
])
def test_malformed_bodies_are_422_never_500(api: Api, body: Any) -> None:
    assert api.post("rina", "/api/parties", json=body).status_code == 422


def test_an_npwp_is_registered_once(api: Api) -> None:
    first = register(api, COMPANY)
    again = api.post("siti", "/api/parties",
                     json={**ORGANISATION, "npwp": "01.234.567.8-901.000"})
    code, reasons = refusal(again, 409)
    assert code == "duplicate_npwp"
    assert reasons == {"duplicate_npwp"}
    assert COMPANY["name"] in again.json()["detail"]["message"]
    listed = api.get("rina", "/api/parties").json()["items"]
    assert [p["id"] for p in listed] == [first["id"]]


def test_two_registrations_past_the_check_meet_the_unique_constraint(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two officers at once both find no holder; the second insert hits the constraint,
    which is the same 409 as the check's, not a 500."""
    register(api, COMPANY)
    real, calls = party_service._holder, []

    def blind_once(*args: Any, **kw: Any) -> Party | None:
        calls.append(args)
        return None if len(calls) == 1 else real(*args, **kw)

    monkeypatch.setattr(party_service, "_holder", blind_once)
    code, _ = refusal(api.post("siti", "/api/parties", json={**COMPANY, "name": "PT Lain"}),
                      409)
    assert code == "duplicate_npwp"
    assert len(calls) == 2


@pytest.mark.parametrize("who", ["dewi", "admin", "fina", "audra", "ahmad"])
def test_only_officers_and_kabid_register(api: Api, who: str) -> None:
    code, _ = refusal(api.post(who, "/api/parties", json=COMPANY), 403)
    assert code in ("role_not_permitted", "read_only")


@pytest.mark.parametrize("who", ["rina", "siti", "ahmad", "dewi", "fina", "audra"])
def test_every_reader_reads_parties(api: Api, who: str) -> None:
    party = register(api, COMPANY)
    assert api.get(who, "/api/parties").json()["items"][0]["id"] == party["id"]
    assert api.get(who, f"/api/parties/{party['id']}").json()["name"] == COMPANY["name"]


def test_the_administrator_does_not_read_parties(api: Api) -> None:
    party = register(api, COMPANY)
    assert api.get("admin", "/api/parties").status_code == 403
    assert api.get("admin", f"/api/parties/{party['id']}").status_code == 403


def test_the_auditor_reads_but_neither_registers_nor_edits(api: Api) -> None:
    party = register(api, COMPANY)
    assert api.get("audra", f"/api/parties/{party['id']}").status_code == 200
    assert api.post("audra", "/api/parties", json=ORGANISATION).status_code == 403
    edit = api.put("audra", f"/api/parties/{party['id']}",
                   json={**COMPANY, "name": "Diubah", "version": 1})
    assert edit.status_code == 403
    assert api.get("rina", f"/api/parties/{party['id']}").json()["name"] == COMPANY["name"]


# --- edits -----------------------------------------------------------------------------------

def test_an_edit_raises_the_version_and_a_stale_one_is_409(api: Api) -> None:
    party = register(api, COMPANY)
    path = f"/api/parties/{party['id']}"
    edited = api.put("siti", path, json={**COMPANY, "name": "PT Balangan Media", "version": 1})
    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "PT Balangan Media"
    assert edited.json()["version"] == 2
    stale = api.put("rina", path, json={**COMPANY, "address": "Batumandi", "version": 1})
    assert refusal(stale, 409)[0] == "stale_version"
    assert api.get("rina", path).json()["address"] == COMPANY["address"]


def test_an_edit_that_changes_nothing_keeps_the_version(api: Api) -> None:
    party = register(api, COMPANY)
    same = api.put("rina", f"/api/parties/{party['id']}",
                   json={**COMPANY, "npwp": "01.234.567.8-901.000", "version": 1})
    assert same.status_code == 200
    assert same.json()["version"] == 1


def test_an_edit_is_checked_like_a_registration(api: Api) -> None:
    party = register(api, COMPANY)
    other = register(api, ORGANISATION)
    path = f"/api/parties/{party['id']}"
    code, _ = refusal(api.put("rina", path, json={**COMPANY, "nib": "1", "version": 1}),
                            422)
    assert code == "invalid_nib"
    taken = api.put("rina", path, json={**COMPANY, "npwp": other["npwp"], "version": 1})
    assert refusal(taken, 409)[0] == "duplicate_npwp"
    assert api.put("rina", path, json={**COMPANY, "version": 0}).status_code == 422
    assert api.put("rina", "/api/parties/0", json={**COMPANY, "version": 1}).status_code == 422
    missing = api.put("rina", "/api/parties/999", json={**COMPANY, "version": 1})
    assert refusal(missing, 404)[0] == "party_not_found"
    assert api.get("rina", path).json()["version"] == 1


def test_a_carried_over_party_may_stay_without_npwp_until_it_is_known(
    api: Api, runtime: Runtime
) -> None:
    party_id = add_carried_over(runtime, "Balangan Pos")
    path = f"/api/parties/{party_id}"
    read = api.get("rina", path).json()
    assert read["npwp"] is None
    assert read["npwp_display"] == ""
    renamed = api.put("rina", path, json={"kind": "company", "name": "PT Balangan Pos",
                                          "npwp": "", "version": 1})
    assert renamed.status_code == 200, renamed.text
    half = api.put("rina", path, json={"kind": "company", "name": "PT Balangan Pos",
                                       "npwp": "01.234.567.8-901.000", "version": 2})
    assert refusal(half, 422)[0] == "invalid_nib"  # an NPWP typed: every rule applies
    whole = api.put("rina", path, json={**COMPANY, "name": "PT Balangan Pos", "version": 2})
    assert whole.status_code == 200
    assert whole.json()["npwp"] == "0" + COMPANY["npwp"]
    cleared = api.put("rina", path, json={**COMPANY, "npwp": "", "version": 3})
    assert refusal(cleared, 422)[0] == "invalid_npwp"  # once known, never removed


def test_registrations_and_edits_are_in_the_system_audit_chain(api: Api) -> None:
    party = register(api, COMPANY)
    api.put("siti", f"/api/parties/{party['id']}",
            json={**COMPANY, "name": "PT Baru", "is_pkp": False, "version": 1})
    entries = api.get("audra", "/api/audit/system").json()
    mine = [e for e in entries if e["target"] == f"party/{party['id']}"]
    assert [e["action"] for e in mine] == ["party_updated", "party_created"]
    updated, created = mine
    assert updated["actor_name"] == "Siti"
    assert created["actor_name"] == "Rina"
    assert updated["payload"] == {
        "before": {"name": COMPANY["name"], "is_pkp": True},
        "after": {"name": "PT Baru", "is_pkp": False}, "version": 2}
    assert created["payload"]["after"]["npwp"] == "0" + COMPANY["npwp"]
    assert api.audit_check()["status"] == "ok"


# --- finding and reading ---------------------------------------------------------------------

def test_parties_are_found_by_name_npwp_nib_and_kind(api: Api) -> None:
    company = register(api, COMPANY)
    organisation = register(api, ORGANISATION)

    def found(**params: Any) -> list[int]:
        response = api.get("rina", "/api/parties", params=params)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert found() == [company["id"], organisation["id"]]  # by name
    assert found(q="balangan MEDIA") == [company["id"]]
    assert found(q="pwi") == [organisation["id"]]
    assert found(q="01.234.567") == [company["id"]]
    assert found(q="3171-9876") == [organisation["id"]]
    assert found(q="4567890123") == [company["id"]]  # a part of the NIB
    assert found(kind="organisation") == [organisation["id"]]
    assert found(q="100%_") == []
    assert refusal(api.get("rina", "/api/parties", params={"kind": "x"}), 422)[0] == (
        "invalid_kind")


def test_parties_come_a_page_at_a_time(api: Api) -> None:
    names = ["Cahaya", "Abadi", "Bintang", "Abadi", "Delta"]
    for i, name in enumerate(names):
        register(api, {**ORGANISATION, "name": name, "npwp": f"3171{i:012d}"})
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("fina", "/api/parties", params=params).json()
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(names)
    for bad in ("nonsense", "cDowOng", "A" * 401):
        assert api.get("rina", "/api/parties", params={"cursor": bad}).status_code == 422


def test_a_party_is_read_with_its_cases(api: Api, runtime: Runtime) -> None:
    party = register(api, COMPANY)
    other = register(api, ORGANISATION)
    older = add_case(runtime, party["id"], "MV-2025-0001", 2025, 30_000_000)
    newer = add_case(runtime, party["id"], "MV-2026-0001", 2026)
    add_case(runtime, other["id"], "MV-2026-0002", 2026)
    add_case(runtime, None, "MV-2026-0003", 2026)
    detail = api.get("audra", f"/api/parties/{party['id']}").json()
    assert detail["npwp_display"] == "01.234.567.8-901.000"
    assert [c["id"] for c in detail["cases"]] == [newer, older]
    assert detail["cases"][1] == {
        "id": older, "reference": "MV-2025-0001", "workflow": "media_verification",
        "state": "submitted", "fiscal_year": 2025, "title": "Publikasi 2025",
        "amount": 30_000_000}
    assert api.get("rina", f"/api/parties/{other['id']}").json()["cases"][0]["reference"] == (
        "MV-2026-0002")
    assert refusal(api.get("rina", "/api/parties/999"), 404)[0] == "party_not_found"


def test_the_npwp_is_stored_as_its_16_digits_only(api: Api, runtime: Runtime) -> None:
    register(api, {**COMPANY, "npwp": "01.234.567.8-901.000"})
    register(api, ORGANISATION)
    with runtime.sessions() as session:
        assert sorted(session.exec(select(Party.npwp)).all()) == [
            "0012345678901000", "3171987654321098"]


# --- one taxpayer, one NPWP: the 15-digit form and its 16-digit one ---------------------------

@pytest.mark.parametrize(("first", "second"), [
    ("01.234.567.8-901.000", "0012345678901000"),
    ("0012 3456 7890 1000", "012345678901000"),
])
def test_one_taxpayer_under_both_npwp_forms_is_registered_once(
    api: Api, first: str, second: str
) -> None:
    """A non-individual taxpayer's 16-digit NPWP is "0" and its 15-digit one: the same
    taxpayer, whichever form was typed first (else its cases would look like two parties'
    to the eligibility checks across years)."""
    party = register(api, {**COMPANY, "npwp": first})
    again = api.post("siti", "/api/parties", json={**COMPANY, "name": "PT Lain",
                                                   "npwp": second})
    assert refusal(again, 409)[0] == "duplicate_npwp"
    assert "01.234.567.8-901.000" in again.json()["detail"]["message"]
    other = register(api, ORGANISATION)
    path = f"/api/parties/{other['id']}"
    taken = api.put("rina", path, json={**ORGANISATION, "npwp": second, "version": 1})
    assert refusal(taken, 409)[0] == "duplicate_npwp"
    assert [p["id"] for p in api.get("rina", "/api/parties").json()["items"]] == [
        party["id"], other["id"]]


@pytest.mark.parametrize("q", ["012345678901000", "0012345678901000", "01.234.567.8-901.000",
                               "0012 3456", "567.8-901"])
def test_an_npwp_is_found_in_either_form(api: Api, q: str) -> None:
    party = register(api, COMPANY)
    register(api, ORGANISATION)
    found = api.get("rina", "/api/parties", params={"q": q}).json()["items"]
    assert [p["id"] for p in found] == [party["id"]]


def test_an_edit_to_the_other_form_of_the_same_npwp_changes_nothing(api: Api) -> None:
    party = register(api, COMPANY)
    same = api.put("rina", f"/api/parties/{party['id']}",
                   json={**COMPANY, "npwp": "0012.3456.7890.1000", "version": 1})
    assert (same.status_code, same.json()["version"]) == (200, 1)


@pytest.mark.parametrize(("stored", "shown"), [
    ("0012345678901000", "01.234.567.8-901.000"),
    ("3171012345678901", "3171 0123 4567 8901"),
    ("012345678901000", "01.234.567.8-901.000"),
    (None, ""), ("", ""),
])
def test_an_npwp_is_shown_as_people_read_it(stored: str | None, shown: str) -> None:
    assert party_service.npwp_display(stored) == shown


# --- a party whose cases went on: what may no longer change ----------------------------------

def edit(api: Api, party: dict[str, Any], who: str = "rina", **changes: Any) -> Any:
    body = {k: "" if party[k] is None else party[k]
            for k in ("kind", "name", "npwp", "nib", "address", "is_pkp")}
    return api.put(who, f"/api/parties/{party['id']}",
                   json={**body, **changes, "version": party["version"]})


def test_the_kind_of_a_party_with_a_case_stays(api: Api, runtime: Runtime) -> None:
    """A company's cases are media contracts, an organisation's grants: a party with a case
    changes kind no more (its cases would belong to a party of the wrong kind)."""
    party = register(api, COMPANY)
    add_case(runtime, party["id"], "MV-2026-0001", 2026)
    response = edit(api, party, kind="organisation", nib="")
    code, reasons = refusal(response, 409)
    assert (code, reasons) == ("party_in_use", {"party_in_use"})
    assert "sudah memiliki berkas" in response.json()["detail"]["message"]
    assert response.json()["detail"]["reasons"][0]["message"].startswith("party.kind: ")
    assert api.get("rina", f"/api/parties/{party['id']}").json()["kind"] == "company"
    other = register(api, ORGANISATION)  # without cases: its kind may be corrected
    corrected = edit(api, other, kind="company", nib="9876543210123")
    assert corrected.status_code == 200, corrected.text


@pytest.mark.parametrize("state", ["approved", "paid", "reported"])
@pytest.mark.parametrize(("field", "value", "words"), [
    ("npwp", "3171012345678901", "pembayaran"),
    ("is_pkp", False, "PPN"),
])
def test_the_tax_identity_of_a_party_with_an_approved_case_stays(
    api: Api, runtime: Runtime, state: str, field: str, value: Any, words: str
) -> None:
    """Payments were made (or approved) to that NPWP, and PPN withheld on that PKP status:
    changing either would rewrite what the payments were made to."""
    party = register(api, COMPANY)
    case_id = add_case(runtime, party["id"], "MV-2026-0001", 2026)
    with runtime.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.state = state
        session.add(case)
        session.commit()
    response = edit(api, party, **{field: value})
    code, reasons = refusal(response, 409)
    assert (code, reasons) == ("party_in_use", {"party_in_use"})
    detail = response.json()["detail"]
    assert words in detail["message"]
    assert "MV-2026-0001" in detail["message"]
    assert detail["reasons"][0]["message"].startswith(f"party.{field}: ")
    now = api.get("rina", f"/api/parties/{party['id']}").json()
    assert (now["npwp"], now["is_pkp"], now["version"]) == (party["npwp"], True, 1)
    # The name and the address stay editable, in the audit chain as ever.
    renamed = edit(api, party, name="PT Balangan Media", address="Batumandi")
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["version"] == 2
    entries = [e for e in api.get("audra", "/api/audit/system").json()
               if e["target"] == f"party/{party['id']}"]
    assert entries[0]["payload"]["after"] == {"name": "PT Balangan Media",
                                              "address": "Batumandi"}


@pytest.mark.parametrize("state", ["submitted", "returned", "reviewed", "rejected", "withdrawn"])
def test_the_tax_identity_may_be_corrected_until_a_case_is_approved(
    api: Api, runtime: Runtime, state: str
) -> None:
    party = register(api, COMPANY)
    case_id = add_case(runtime, party["id"], "MV-2026-0001", 2026)
    with runtime.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.state = state
        session.add(case)
        session.commit()
    corrected = edit(api, party, npwp="3171012345678901", is_pkp=False)
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["npwp"], corrected.json()["is_pkp"]) == ("3171012345678901", False)


def test_an_approved_case_through_the_workflow_fixes_its_party_tax_identity(api: Api) -> None:
    """The same, for a case the Kadis approved through the API (the party's NPWP and PKP
    status are those the SPK and its termins are paid to)."""
    case_id = api.to_approved_media()
    party = api.get("rina", f"/api/parties/{api.case('rina', case_id)['party']['id']}").json()
    assert refusal(edit(api, party, npwp="3171012345678901"), 409)[0] == "party_in_use"
    assert refusal(edit(api, party, is_pkp=not party["is_pkp"]), 409)[0] == "party_in_use"
    both = edit(api, party, kind="organisation", nib="", npwp="3171012345678901")
    code, reasons = refusal(both, 409)
    assert (code, reasons) == ("party_in_use", {"party_in_use"})
    fields = {r["message"].split(":")[0] for r in both.json()["detail"]["reasons"]}
    assert fields == {"party.kind", "party.npwp"}
    assert edit(api, party, address="Jl. Baru").status_code == 200


def test_a_carried_over_party_with_a_paid_case_may_have_its_npwp_recorded(
    api: Api, runtime: Runtime
) -> None:
    """Old data has no NPWP: recording it the first time changes no identity a payment was
    made to; once recorded, it stays like any other."""
    party_id = add_carried_over(runtime, "Balangan Pos")
    case_id = add_case(runtime, party_id, "MV-2025-0001", 2025)
    with runtime.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.state = "paid"
        session.add(case)
        session.commit()
    path = f"/api/parties/{party_id}"
    recorded = api.put("rina", path, json={"kind": "company", "name": "Balangan Pos",
                                           "npwp": "01.234.567.8-901.000",
                                           "nib": "1234567890123", "version": 1})
    assert recorded.status_code == 200, recorded.text
    assert refusal(edit(api, recorded.json(), npwp="3171012345678901"), 409)[0] == (
        "party_in_use")

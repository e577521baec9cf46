"""Case listing with keyset paging and filters; the workflow definitions served to clients."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from cases.services.counts import state_counts
from infra.runtime import Runtime
from tests.api.helpers import MEDIA_REVIEW_DOCS, Api
from tests.conftest import FakeClock


def test_keyset_paging_walks_every_case_once(api: Api) -> None:
    ids = [api.create_media()["id"] for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("rina", "/api/cases", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_filters_and_search(api: Api) -> None:
    media = api.create_media()["id"]
    grant = api.create_grant()["id"]
    api.fire("fajar", media, "withdraw", comment="mundur")

    def ids(**params: object) -> list[int]:
        return [c["id"] for c in api.get("rina", "/api/cases", params=params).json()["items"]]

    assert ids(workflow="grant") == [grant]
    assert ids(state="withdrawn") == [media]
    assert ids(q="pwi") == [grant]
    assert ids(q="MV-2026") == [media]
    assert ids(q="100%_") == []
    assert api.get("rina", "/api/cases", params={"cursor": "!!"}).json()["detail"]["code"] == \
        "invalid_cursor"
    assert api.get("rina", "/api/cases", params={"limit": 0}).status_code == 422


def test_workflows_describe_states_transitions_documents_and_fields(api: Api) -> None:
    flows = {w["name"]: w for w in api.get("rina", "/api/workflows").json()}
    assert set(flows) == {"media_verification", "grant"}
    media = flows["media_verification"]
    assert media["states"][0] == {"code": "submitted", "label": "Diajukan", "terminal": False}
    review = next(t for t in media["transitions"] if t["trigger"] == "review")
    assert review["roles"] == ["kabid", "officer"]
    # Every case needs these eight; radio and TV the IPP as well (not listed for all).
    assert review["required_documents"] == list(MEDIA_REVIEW_DOCS)
    # The factual verification is asked at review; the category is derived, never a field.
    assert [f["name"] for f in review["fields"]] == ["site_visit_note"]
    assert not any(f["name"] == "tier" for t in media["transitions"] for f in t["fields"])
    media_steps = {t["trigger"]: t for t in media["transitions"]}
    assert [f["name"] for f in media_steps["approve"]["fields"]] == [
        "spk_number", "spk_date", "approved_amount", "contract_start", "contract_end"]
    termin = media_steps["record_payment"]
    assert (termin["source"], termin["dest"], termin["roles"]) == (
        ["approved"], "approved", ["treasurer"])
    assert termin["required_documents"] == media_steps["pay"]["required_documents"] == ["spk"]
    assert {f["name"] for f in termin["fields"]} >= {
        "spm_number", "spm_date", "sp2d_number", "sp2d_date", "bast_document_id", "bast_date",
        "publication_document_id", "gross", "pph23", "ppn", "net"}
    assert "closing_reason" in {f["name"] for f in media_steps["pay"]["fields"]}
    assert media_steps["report"]["required_documents"] == ["laporan_akhir"]
    grant = {t["trigger"]: t for t in flows["grant"]["transitions"]}
    assert grant["approve"]["required_documents"] == ["nphd"]  # moved from pay to approve
    assert grant["pay"]["required_documents"] == ["kuitansi"]
    # The NPHD's number and date are typed with the payment only for a grant approved
    # before approval asked for them (revision 2): optional.
    pay_fields = {f["name"]: f for f in grant["pay"]["fields"]}
    assert list(pay_fields) == [
        "spm_number", "spm_date", "sp2d_number", "sp2d_date", "gross", "nphd_number",
        "nphd_date"]
    assert [pay_fields[n]["required"] for n in ("nphd_number", "nphd_date")] == [False, False]
    assert [f["name"] for f in flows["grant"]["data_fields"]][:3] == [
        "keputusan_number", "keputusan_date", "keputusan_amount"]
    deadline = next(d for d in flows["grant"]["deadlines"] if d["state"] == "paid")
    assert deadline["next_year_on"] == "01-10"
    report = next(d for d in media["deadlines"] if d["state"] == "paid")
    assert (report["working_days"], report["calendar_days"]) == (10, None)


def test_diagram_is_mermaid_text(api: Api) -> None:
    response = api.get("rina", "/api/workflows/grant/diagram", params={"current": "paid"})
    assert response.headers["content-type"].startswith("text/plain")
    assert "approved --> paid : pay" in response.text
    assert "class paid current" in response.text


def test_sorting_by_due_date_pages_by_keyset_soonest_first(api: Api, clock: FakeClock) -> None:
    ids = []
    for day in (12, 10, 11):  # registered on these February days, out of order
        clock.now = datetime(2026, 2, day, 1, tzinfo=UTC)
        ids.append(api.create_media("rina")["id"])
    first = api.get("rina", "/api/cases", params={"sort": "due", "limit": 2}).json()
    assert [c["id"] for c in first["items"]] == [ids[1], ids[2]]
    assert [c["deadline"]["due_date"] for c in first["items"]] == ["2026-02-19", "2026-02-20"]
    rest = api.get("rina", "/api/cases", params={"sort": "due", "limit": 2,
                                                 "cursor": first["next_cursor"]}).json()
    assert ([c["id"] for c in rest["items"]], rest["next_cursor"]) == ([ids[0]], None)


def test_state_counts_follow_every_registration_and_transition(api: Api, runtime: Runtime
                                                               ) -> None:
    first, second = api.create_media("rina")["id"], api.create_media("rina")["id"]
    api.create_grant("rina")
    api.fire("fajar", first, "return_for_revision", comment="NIB")
    api.fire("siti", second, "withdraw", comment="mundur")
    api.fire("fajar", first, "resubmit", comment="diperbaiki")
    with runtime.sessions() as session:
        kept = {k: v for k, v in state_counts(session).items() if v}
        counted = {(w, s): n for w, s, n in session.execute(text(
            "SELECT workflow, state, count(*) FROM cases GROUP BY workflow, state"))}
    assert kept == counted == {("media_verification", "submitted"): 1,
                               ("media_verification", "withdrawn"): 1, ("grant", "submitted"): 1}

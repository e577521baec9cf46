"""Registration data may be corrected or completed until the case is approved: a grant carried
over from before the Keputusan Bupati was asked gets it, and can then be approved."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from infra.config import Settings
from tests.api.helpers import DECISION, GRANT_REVIEW_DOCS, NPHD, Api
from tests.api.test_walks import reasons_of


def _forget_decision(settings: Settings, case_id: int) -> None:
    """Make the case look carried over from revision 1: no Keputusan in its data."""
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET data = :data WHERE id = :id"),
                     {"data": '{"purpose": "Peningkatan kapasitas wartawan"}', "id": case_id})
    engine.dispose()


def test_a_carried_over_grant_gets_its_decision_and_can_then_be_approved(
    api: Api, settings: Settings
) -> None:
    api.set_budget("grant", 500_000_000)
    case_id = api.create_grant(amount=150_000_000)["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    api.fire("fajar", case_id, "review", data={"recommended_amount": 125_000_000})
    api.upload_valid("rina", case_id, ("nphd",))
    _forget_decision(settings, case_id)
    refused = api.fire("ahmad", case_id, "approve", data=NPHD)
    assert reasons_of(refused.json()) == ["missing_decision"]

    version = api.case("rina", case_id)["version"]
    too_low = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": version, "data": {**DECISION, "keputusan_amount": 100_000_000}})
    assert too_low.status_code == 422
    assert reasons_of(too_low.json()) == ["over_decision"]
    partial = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": version, "data": {"keputusan_number": "188.45/045/2026"}})
    assert reasons_of(partial.json()) == ["missing_field", "missing_field"]
    assert api.put("dewi", f"/api/cases/{case_id}/data",
                   json={"version": version, "data": DECISION}).status_code == 403

    done = api.put("rina", f"/api/cases/{case_id}/data", json={"version": version,
                                                                "data": DECISION})
    assert done.status_code == 200, done.text
    assert done.json()["data"]["keputusan_amount"] == 150_000_000
    assert done.json()["data"]["purpose"] == "Peningkatan kapasitas wartawan"
    stale = api.put("rina", f"/api/cases/{case_id}/data", json={"version": version,
                                                                 "data": DECISION})
    assert stale.status_code == 409
    assert stale.json()["detail"]["code"] == "stale_version"

    trail = api.get("rina", f"/api/cases/{case_id}/audit").json()
    [changed] = [e for e in trail if e["action"] == "case_data_changed"]
    assert changed["payload"]["before"]["keputusan_amount"] is None
    assert changed["payload"]["after"]["keputusan_amount"] == 150_000_000

    assert api.fire("ahmad", case_id, "approve", data=NPHD).status_code == 200
    fixed = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": api.case("rina", case_id)["version"], "data": DECISION})
    assert fixed.status_code == 409
    assert fixed.json()["detail"]["code"] == "case_data_fixed"
    assert api.audit_check()["ok"] is True


def test_once_reviewed_a_recorded_value_stays_what_the_reviewer_checked(api: Api) -> None:
    case_id = api.create_grant(amount=150_000_000)["id"]
    version = api.case("rina", case_id)["version"]
    corrected = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": version, "data": {**DECISION, "keputusan_number": "188.45/046/2026"}})
    assert corrected.status_code == 200, corrected.text
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    api.fire("fajar", case_id, "review", data={"recommended_amount": 125_000_000})
    changed = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": api.case("rina", case_id)["version"],
        "data": {"keputusan_amount": 200_000_000}})
    assert changed.status_code == 409
    assert changed.json()["detail"]["code"] == "case_data_fixed"
    completed = api.put("rina", f"/api/cases/{case_id}/data", json={
        "version": api.case("rina", case_id)["version"], "data": {"purpose": "Pelatihan"}})
    assert completed.status_code == 200, completed.text

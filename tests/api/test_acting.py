"""Acting officials (issue 14): a kabid appointed Plh. Kadis by a warrant signs off within
its window, under the same separation of duties, without the Kadis's budget or staffing
powers, and not a second after the warrant ended or was revoked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest

from tests.api.helpers import NPHD, PDF, PNG, Api
from tests.conftest import FakeClock, People

PLH_NUMBER = "800.1.3/045/SETDA/2026"
CAPACITY = "Plh. Kepala Dinas Komunikasi dan Informatika"
WITA = ZoneInfo("Asia/Makassar")
ACTING_BASIS = "UU 30/2014 Pasal 14; SE BKN 1/SE/I/2021"


def user_id(api: Api, username: str) -> int:
    users = api.get("admin", "/api/users").json()
    return next(int(u["id"]) for u in users if u["username"] == username)


def warrant_form(api: Api, **overrides: Any) -> dict[str, Any]:
    """A Plh. Kadis warrant for siti (the kabid) while ahmad (the kadis) is away, 4 to 6
    February 2026 (Wednesday to Friday), signed by the Sekda."""
    return {"kind": "plh", "number": PLH_NUMBER, "issued_on": "2026-02-03",
            "issuer_name": "H. Ahmad Rizani",
            "issuer_title": "Sekretaris Daerah Kabupaten Balangan",
            "role": "kadis", "covered_user_id": user_id(api, "ahmad"),
            "acting_user_id": user_id(api, "siti"), "valid_from": "2026-02-04",
            "valid_until": "2026-02-06", "note": "Kadis cuti tahunan", **overrides}


def register(api: Api, who: str = "admin", scan: bytes = PDF, **overrides: Any
             ) -> httpx.Response:
    form = {k: str(v) for k, v in warrant_form(api, **overrides).items() if v is not None}
    return api.post(who, "/api/warrants", data=form,
                    files={"file": ("sp-plh.pdf", scan, "application/pdf")})


def registered(api: Api, **overrides: Any) -> dict[str, Any]:
    response = register(api, **overrides)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def reviewed_grant(api: Api) -> int:
    """A grant case reviewed by fajar with its NPHD MS: only the Kadis's decision is left."""
    api.set_budget("grant", 500_000_000)
    return api.to_reviewed_grant()


def approve(api: Api, case_id: int, who: str = "siti") -> httpx.Response:
    return api.fire(who, case_id, "approve", data=NPHD)


def at_wita(clock: FakeClock, api: Api, *moment: int) -> None:
    """Move the clock to ``moment`` (year, month, day, hour, minute, second) in WITA."""
    clock.now = datetime(*moment, tzinfo=WITA).astimezone(UTC)
    api.forget_tokens()


# --- signing off under a warrant -----------------------------------------------------------


def test_a_plh_kadis_approves_a_reviewed_case_and_the_audit_names_the_warrant(api: Api
                                                                             ) -> None:
    warrant = registered(api)
    case_id = reviewed_grant(api)
    response = approve(api, case_id)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "approved"
    entry = api.get("siti", f"/api/cases/{case_id}/audit").json()[-1]
    assert entry["actor"] == f"{CAPACITY}, Siti"
    assert entry["payload"]["warrant"] == {
        "id": warrant["id"], "number": PLH_NUMBER, "kind": "plh", "role": "kadis",
        "capacity": CAPACITY}


def test_me_names_the_position_a_warrant_lends(api: Api) -> None:
    warrant = registered(api)
    me = api.get("siti", "/api/me").json()
    assert me["roles"] == ["kabid"]
    assert me["acting"] == [{"warrant_id": warrant["id"], "number": PLH_NUMBER, "kind": "plh",
                             "role": "kadis", "capacity": CAPACITY,
                             "valid_until": "2026-02-06"}]
    assert api.get("ahmad", "/api/me").json()["acting"] == []


def test_the_kadis_in_their_own_right_signs_without_a_warrant_trace(api: Api) -> None:
    registered(api)
    case_id = reviewed_grant(api)
    assert approve(api, case_id, "ahmad").status_code == 200
    entry = api.get("ahmad", f"/api/cases/{case_id}/audit").json()[-1]
    assert entry["actor"] == "Ahmad"
    assert "warrant" not in entry["payload"]


def test_a_plh_kadis_may_not_approve_a_case_they_reviewed(api: Api) -> None:
    registered(api)
    api.set_budget("grant", 500_000_000)
    case_id: int = api.create_grant("rina")["id"]
    from tests.api.helpers import GRANT_REVIEW_DOCS

    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    reviewed = api.fire("siti", case_id, "review", data={"recommended_amount": 125_000_000})
    assert reviewed.status_code == 200, reviewed.text
    api.upload_valid("rina", case_id, ("nphd",))
    refused = approve(api, case_id)
    assert refused.status_code == 403
    assert [r["code"] for r in refused.json()["detail"]["reasons"]] == ["same_actor"]
    assert api.case("siti", case_id)["state"] == "reviewed"


def test_a_plh_kadis_may_not_change_the_pagu(api: Api) -> None:
    registered(api)
    refused = api.put("siti", "/api/budgets/grant/2026", json={
        "amount": 1_000_000_000, "dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"})
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert detail["code"] == "acting_limit"
    assert detail["reasons"][0]["basis"] == ACTING_BASIS
    assert api.get("siti", "/api/budgets").json() == []


def test_a_plh_kadis_may_not_change_roles_or_warrants(api: Api) -> None:
    warrant = registered(api)
    roles = api.put("siti", f"/api/users/{user_id(api, 'rina')}/roles",
                    json={"roles": ["kabid"]})
    assert (roles.status_code, roles.json()["detail"]["code"]) == (403, "acting_limit")
    revoke = api.post("siti", f"/api/warrants/{warrant['id']}/revoke", json={"reason": "x"})
    assert (revoke.status_code, revoke.json()["detail"]["code"]) == (403, "acting_limit")


def test_an_acting_official_keeps_the_powers_of_their_own_roles(api: Api, people: People
                                                                 ) -> None:
    """The limits bind what the warrant lends, not what the person holds in their own right:
    an admin who is also Plh. Kadis still administers accounts."""
    people.add("yudi", "kabid", "admin")
    registered(api, acting_user_id=user_id(api, "yudi"))
    created = api.post("yudi", "/api/users", json={
        "username": "baru", "full_name": "Baru", "email": "baru@example.test",
        "roles": ["officer"], "password": "kata-sandi-panjang-2026"})
    assert created.status_code == 201, created.text


def test_a_kabid_without_a_warrant_may_not_approve(api: Api) -> None:
    case_id = reviewed_grant(api)
    refused = approve(api, case_id)
    assert refused.status_code == 403
    assert refused.json()["detail"]["reasons"][0]["code"] == "role_not_permitted"


# --- the window, to the second ---------------------------------------------------------------


def test_the_warrant_holds_until_midnight_wita_of_its_last_day(api: Api, clock: FakeClock
                                                                ) -> None:
    registered(api)
    first, second = reviewed_grant(api), reviewed_grant(api)
    at_wita(clock, api, 2026, 2, 6, 23, 59, 59)
    assert approve(api, first).status_code == 200
    at_wita(clock, api, 2026, 2, 7, 0, 0, 1)
    refused = approve(api, second)
    assert refused.status_code == 403
    detail = refused.json()["detail"]
    assert detail["code"] == "warrant_expired"
    assert detail["reasons"][0]["basis"] == ACTING_BASIS
    assert PLH_NUMBER in detail["reasons"][0]["message"]
    assert api.case("siti", second)["state"] == "reviewed"


def test_a_warrant_grants_nothing_before_its_window(api: Api, clock: FakeClock) -> None:
    registered(api, issued_on="2026-02-03", valid_from="2026-02-05", valid_until="2026-02-06")
    case_id = reviewed_grant(api)
    at_wita(clock, api, 2026, 2, 4, 23, 59, 59)
    assert approve(api, case_id).status_code == 403
    at_wita(clock, api, 2026, 2, 5, 0, 0, 0)
    assert approve(api, case_id).status_code == 200


def test_a_revoked_warrant_grants_nothing_from_that_moment(api: Api) -> None:
    warrant = registered(api)
    case_id = reviewed_grant(api)
    revoked = api.post("admin", f"/api/warrants/{warrant['id']}/revoke",
                       json={"reason": "Kadis kembali lebih awal"})
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    refused = approve(api, case_id)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (403, "warrant_revoked")
    again = api.post("admin", f"/api/warrants/{warrant['id']}/revoke",
                     json={"reason": "dua kali"})
    assert (again.status_code, again.json()["detail"]["code"]) == (409, "warrant_revoked")


def test_the_case_page_lists_approve_for_the_plh_only_within_the_window(
    api: Api, clock: FakeClock
) -> None:
    registered(api)
    case_id = reviewed_grant(api)

    def approve_offered() -> bool:
        case = api.case("siti", case_id)
        return any(t["trigger"] == "approve" and t["allowed"]
                   for t in case["available_transitions"])

    assert approve_offered()
    at_wita(clock, api, 2026, 2, 7, 8, 0, 0)
    assert not approve_offered()


# --- the register ----------------------------------------------------------------------------


def test_registering_a_warrant_keeps_its_scan_and_records_it_in_the_system_log(api: Api) -> None:
    warrant = registered(api, scan=PNG)
    assert warrant["capacity"] == CAPACITY
    assert (warrant["status"], warrant["acting_username"], warrant["covered_name"]) == (
        "in_force", "siti", "Ahmad")
    scan = api.get("audra", warrant["scan_url"])
    assert (scan.status_code, scan.content, scan.headers["content-type"]) == (
        200, PNG, "image/png")
    entry = api.get("admin", "/api/audit/system").json()[0]
    assert (entry["action"], entry["target"]) == ("warrant_registered", PLH_NUMBER)
    assert entry["payload"]["acting_user"] == "siti"


def test_the_register_lists_warrants_in_force_first_and_filters_by_active(
    api: Api, people: People
) -> None:
    people.add("budi", "officer")
    past = registered(api, number="SP/1", issued_on="2026-01-05", valid_from="2026-01-05",
                      valid_until="2026-01-09")
    current = registered(api)
    coming = registered(api, number="SP/3", acting_user_id=user_id(api, "budi"),
                        issued_on="2026-02-03", valid_from="2026-03-02",
                        valid_until="2026-03-06")
    listed = api.get("audra", "/api/warrants").json()
    assert [w["id"] for w in listed] == [current["id"], coming["id"], past["id"]]
    assert [w["id"] for w in api.get("siti", "/api/warrants?active=true").json()] == [
        current["id"]]
    assert {w["id"] for w in api.get("siti", "/api/warrants?active=false").json()} == {
        past["id"], coming["id"]}


@pytest.mark.parametrize(("overrides", "status", "code"), [
    ({"valid_from": "2026-02-06", "valid_until": "2026-02-09"}, 409, "warrant_overlap"),
    ({"acting_user_id": "ahmad"}, 422, "warrant_to_covered_user"),
    ({"covered_user_id": None}, 422, "invalid_warrant"),
    ({"covered_user_id": "rina"}, 422, "covered_user_not_holder"),
    ({"acting_user_id": "audra"}, 422, "acting_user_not_official"),
    ({"acting_user_id": "admin"}, 422, "acting_user_not_official"),
    ({"acting_user_id": "fina"}, 422, "conflicting_roles"),
    ({"role": "admin"}, 422, "invalid_warrant"),
    ({"kind": "pj"}, 422, "invalid_warrant"),
    ({"valid_until": "2026-02-01"}, 422, "invalid_warrant"),
    ({"issued_on": "2026-02-05"}, 422, "invalid_warrant"),
    ({"number": "  "}, 422, "invalid_warrant"),
])
def test_a_warrant_that_cannot_stand_is_refused_and_nothing_is_kept(
    api: Api, overrides: dict[str, Any], status: int, code: str
) -> None:
    registered(api)
    resolved = {k: user_id(api, v) if k.endswith("user_id") and isinstance(v, str) else v
                for k, v in overrides.items()}
    refused = register(api, **{"number": "SP/2", **resolved})
    assert refused.status_code == status, refused.text
    assert refused.json()["detail"]["code"] == code
    assert len(api.get("admin", "/api/warrants").json()) == 1


def test_a_warrant_for_an_inactive_user_is_refused(api: Api, people: People) -> None:
    people.add("lama", "officer")
    lama = user_id(api, "lama")
    assert api.post("admin", f"/api/users/{lama}/active", json={"active": False}
                    ).status_code == 200
    refused = register(api, acting_user_id=lama)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (422, "user_inactive")


def test_a_warrant_scan_must_be_a_pdf_or_an_image(api: Api) -> None:
    refused = register(api, scan=b"<html>bukan pindaian</html>")
    assert (refused.status_code, refused.json()["detail"]["code"]) == (
        415, "unsupported_file_type")
    assert api.get("admin", "/api/warrants").json() == []


def test_only_the_admin_registers_or_revokes_warrants(api: Api) -> None:
    for who in ("ahmad", "siti", "fina"):
        assert register(api, who=who).status_code == 403
    assert register(api, who="audra").status_code == 403
    warrant = registered(api)
    refused = api.post("ahmad", f"/api/warrants/{warrant['id']}/revoke", json={"reason": "x"})
    assert refused.status_code == 403


def test_a_revocation_needs_a_reason(api: Api) -> None:
    warrant = registered(api)
    refused = api.post("admin", f"/api/warrants/{warrant['id']}/revoke", json={"reason": " "})
    assert refused.status_code == 422
    assert api.get("admin", f"/api/warrants/{warrant['id']}").json()["status"] == "in_force"


def test_an_unknown_warrant_is_a_404(api: Api) -> None:
    response = api.get("admin", "/api/warrants/999")
    assert (response.status_code, response.json()["detail"]["code"]) == (404,
                                                                         "warrant_not_found")


# --- absences --------------------------------------------------------------------------------


def test_the_kadis_marks_and_cancels_an_absence(api: Api) -> None:
    marked = api.post("ahmad", "/api/absences", json={
        "starts_on": "2026-02-09", "ends_on": "2026-02-13", "note": "Dinas luar ke Jakarta"})
    assert marked.status_code == 201, marked.text
    absence = marked.json()
    assert (absence["username"], absence["starts_on"]) == ("ahmad", "2026-02-09")
    overlap = api.post("ahmad", "/api/absences", json={
        "starts_on": "2026-02-13", "ends_on": "2026-02-16"})
    assert (overlap.status_code, overlap.json()["detail"]["code"]) == (409, "absence_overlap")
    assert [a["id"] for a in api.get("siti", "/api/absences").json()] == [absence["id"]]
    cancelled = api.post("ahmad", f"/api/absences/{absence['id']}/cancel")
    assert cancelled.status_code == 200
    assert api.get("siti", "/api/absences").json() == []
    actions = [e["action"] for e in api.get("admin", "/api/audit/system").json()[:2]]
    assert actions == ["absence_cancelled", "absence_marked"]


def test_an_officer_marks_no_absence_and_nobody_marks_anothers_but_the_admin(
    api: Api
) -> None:
    assert api.post("rina", "/api/absences", json={
        "starts_on": "2026-02-09", "ends_on": "2026-02-13"}).status_code == 403
    other = api.post("siti", "/api/absences", json={
        "starts_on": "2026-02-09", "ends_on": "2026-02-13", "user_id": user_id(api, "ahmad")})
    assert other.status_code == 403
    by_admin = api.post("admin", "/api/absences", json={
        "starts_on": "2026-02-09", "ends_on": "2026-02-13", "user_id": user_id(api, "ahmad")})
    assert by_admin.status_code == 201, by_admin.text


# --- what a reviewer tried --------------------------------------------------------------------


def test_a_warrant_lends_nothing_once_its_holders_roles_conflict_with_it(
    api: Api, people: People
) -> None:
    """Roles change after a warrant is registered: an account that became finance may not
    approve against the pagu as Plh. Kadis (finance + kadis conflict), whatever the warrant."""
    people.add("budi", "officer")
    budi = user_id(api, "budi")
    warrant = registered(api, acting_user_id=budi)
    case_id = reviewed_grant(api)
    refused_change = api.put("admin", f"/api/users/{budi}/roles", json={"roles": ["finance"]})
    assert (refused_change.status_code, refused_change.json()["detail"]["code"]) == (
        409, "roles_conflict_with_warrant")
    # Had the roles been changed behind the service's back, the warrant still lends nothing.
    with api.client.app.state.runtime.sessions() as session:  # type: ignore[attr-defined]
        from sqlalchemy import text

        session.execute(text("UPDATE users SET roles = :r WHERE id = :i"),
                        {"r": '["finance"]', "i": budi})
        session.commit()
    api.forget_tokens()
    refused = approve(api, case_id, "budi")
    assert (refused.status_code, refused.json()["detail"]["code"]) == (403, "warrant_suspended")
    assert api.get("budi", "/api/me").json()["acting"] == []
    assert warrant["status"] == "in_force"


def test_an_act_other_than_a_transition_under_a_warrant_names_it(api: Api, people: People
                                                                 ) -> None:
    """An officer as Plh. Kabid enters a paper submission with its real date (a kabid's
    power): the case's first entry names the warrant."""
    people.add("budi", "officer")
    registered(api, role="kabid", covered_user_id=user_id(api, "siti"),
               acting_user_id=user_id(api, "budi"), number="800/7/Diskominfo/2026")
    party = api.party_org()
    from tests.api.helpers import DECISION, GRANT_APPLICANT

    created = api.post("budi", "/api/cases", json={
        "workflow": "grant", "title": "Hibah PWI 2026", "fiscal_year": 2026,
        "amount": 150_000_000, "party_id": party, "applicant": GRANT_APPLICANT,
        "data": DECISION, "submitted_at": "2026-02-02T10:00:00+08:00"})
    assert created.status_code == 201, created.text
    entry = api.get("budi", f"/api/cases/{created.json()['id']}/audit").json()[0]
    assert entry["actor"].startswith("Plh. Kepala Bidang Pengelolaan Informasi")
    assert entry["payload"]["warrant"]["number"] == "800/7/Diskominfo/2026"


def test_an_admin_does_not_appoint_themselves(api: Api, people: People) -> None:
    people.add("yudi", "kabid", "admin")
    refused = register(api, who="yudi", acting_user_id=user_id(api, "yudi"))
    assert (refused.status_code, refused.json()["detail"]["code"]) == (
        422, "warrant_to_registrant")


@pytest.mark.parametrize(("overrides", "code"), [
    ({"kind": "plt"}, "invalid_warrant"),  # a Plt. fills a vacancy: nobody is covered
    ({"valid_until": "9999-12-31"}, "invalid_warrant"),
    ({"issued_on": "0001-01-01"}, "invalid_warrant"),
    ({"issued_on": "2026-02-05", "valid_from": "2026-02-05"}, "invalid_warrant"),  # not yet
])
def test_a_warrant_with_impossible_facts_is_refused(api: Api, overrides: dict[str, Any],
                                                     code: str) -> None:
    refused = register(api, **overrides)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (422, code)
    assert api.get("admin", "/api/warrants").json() == []


def test_a_plt_for_a_vacant_post_names_nobody_covered(api: Api) -> None:
    warrant = registered(api, kind="plt", covered_user_id=None)
    assert (warrant["capacity"], warrant["covered_user_id"]) == (
        "Plt. Kepala Dinas Komunikasi dan Informatika", None)


def test_one_person_acts_in_one_position_at_a_time(api: Api) -> None:
    registered(api)
    second = register(api, number="SP/9", role="treasurer", covered_user_id=user_id(api, "dewi"))
    assert (second.status_code, second.json()["detail"]["code"]) == (409, "warrant_overlap")


def test_a_warrant_that_has_ended_is_not_revoked_after_the_fact(api: Api, clock: FakeClock
                                                                 ) -> None:
    warrant = registered(api)
    at_wita(clock, api, 2026, 2, 9, 9, 0, 0)
    refused = api.post("admin", f"/api/warrants/{warrant['id']}/revoke", json={"reason": "x"})
    assert (refused.status_code, refused.json()["detail"]["code"]) == (409, "warrant_ended")
    assert api.get("admin", f"/api/warrants/{warrant['id']}").json()["status"] == "ended"


def test_a_plh_kabid_sees_no_absence_form_of_their_own(api: Api, people: People) -> None:
    """A warrant lends a position, not the person's leave: marking an absence is the
    holder's own act."""
    people.add("budi", "officer")
    registered(api, role="kabid", covered_user_id=user_id(api, "siti"),
               acting_user_id=user_id(api, "budi"))
    refused = api.post("budi", "/api/absences", json={"starts_on": "2026-02-09",
                                                      "ends_on": "2026-02-10"})
    assert refused.status_code == 403

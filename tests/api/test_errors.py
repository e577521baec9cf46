"""Bad input gets a clear 4xx with a stable code, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import (
    COMPANY,
    DECISION,
    GRANT_APPLICANT,
    MEDIA_APPLICANT,
    MEDIA_REVIEW_DOCS,
    ORGANISATION,
    PNG,
    SITE_VISIT,
    Api,
)


def code(response: Any) -> str:
    return str(response.json()["detail"]["code"])


def audit_length(api: Api, case_id: int) -> int:
    return len(api.get("siti", f"/api/cases/{case_id}/audit").json())


def new_case(**changes: Any) -> dict[str, Any]:
    """A media registration; its party (the press company) is added by ``with_party``."""
    body = {"workflow": "media_verification", "title": "Uji", "fiscal_year": 2026,
            "amount": 1_000_000, "applicant": MEDIA_APPLICANT, "data": {}}
    return {**body, **changes}


def new_grant(**changes: Any) -> dict[str, Any]:
    body = {"workflow": "grant", "title": "Hibah", "fiscal_year": 2026,
            "amount": 100_000_000, "applicant": GRANT_APPLICANT, "data": DECISION}
    return {**body, **changes}


def with_party(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the party its workflow serves, unless it names one (or None) itself."""
    party = ORGANISATION if body["workflow"] == "grant" else COMPANY
    return {"party_id": api.party(party), **body}


def test_routes_need_a_token(client: TestClient) -> None:
    response = client.get("/api/cases")
    assert response.status_code == 401
    assert code(response) == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/cases", headers={"Authorization": "Bearer x.y.z"}).status_code == 401
    assert client.get("/healthz").json() == {"status": "ok"}


def test_wrong_password_is_refused_without_saying_which_part(api: Api) -> None:
    bad = api.client.post("/api/auth/token", data={"username": "rina", "password": "salah"})
    unknown = api.client.post("/api/auth/token", data={"username": "nobody", "password": "x"})
    assert bad.status_code == unknown.status_code == 401
    assert code(bad) == code(unknown) == "invalid_credentials"


def test_me_returns_the_user_and_roles(api: Api) -> None:
    me = api.get("siti", "/api/me").json()
    assert (me["username"], me["roles"]) == ("siti", ["kabid"])


@pytest.mark.parametrize(("body", "status", "expected"), [
    (new_case(workflow="pengadaan"), 422, "unknown_workflow"),
    (new_case(amount=-5), 422, "invalid_request"),
    (new_case(amount=10**15), 422, "invalid_request"),
    (new_case(amount="1000"), 422, "invalid_request"),
    (new_case(fiscal_year=1999), 422, "invalid_request"),
    (new_case(title=""), 422, "invalid_request"),
    (new_case(applicant={}), 422, "invalid_input"),
    (new_case(applicant={**MEDIA_APPLICANT, "media_type": "koran"}), 422, "invalid_input"),
    # The company's own particulars are the party's now, never the applicant's.
    (new_case(applicant={**MEDIA_APPLICANT, "company_name": "PT A"}), 422, "invalid_input"),
    # Media cases keep no registration data; a grant's is its Keputusan Bupati.
    (new_case(data={"contract_start": "2026-03-02"}), 422, "invalid_input"),
    (new_grant(data={**DECISION, "keputusan_date": "kemarin"}), 422, "invalid_input"),
    (new_grant(data={"purpose": "Pelatihan"}), 422, "invalid_input"),
    (new_grant(amount=150_000_001), 422, "invalid_input"),  # over the Keputusan's amount
    (new_case(party_id=None), 422, "missing_party"),
    (new_case(party_id=987_654), 422, "unknown_party"),
    (new_case(party_id=0), 422, "invalid_request"),
    (new_case(extra="x"), 422, "invalid_request"),
])
def test_bad_case_registrations_are_refused(
    api: Api, body: dict[str, Any], status: int, expected: str
) -> None:
    response = api.post("rina", "/api/cases", json=with_party(api, body))
    assert response.status_code == status, response.text
    assert code(response) == expected
    assert api.get("rina", "/api/cases").json()["items"] == []


def test_a_case_is_registered_only_for_the_kind_of_party_its_workflow_serves(api: Api) -> None:
    media_for_an_organisation = {**new_case(), "party_id": api.party(ORGANISATION)}
    grant_for_a_company = {**new_grant(), "party_id": api.party(COMPANY)}
    for body in (media_for_an_organisation, grant_for_a_company):
        response = api.post("rina", "/api/cases", json=body)
        assert (response.status_code, code(response)) == (422, "wrong_party_kind")
    assert api.get("rina", "/api/cases").json()["items"] == []


def test_a_grant_asks_no_more_than_its_keputusan_bupati_says(api: Api) -> None:
    response = api.post("rina", "/api/cases", json=with_party(api, new_grant(
        amount=150_000_001)))
    reasons = response.json()["detail"]["reasons"]
    assert [r["code"] for r in reasons] == ["over_decision"]
    assert "Rp150.000.000" in reasons[0]["message"]
    assert reasons[0]["basis"]
    assert api.post("rina", "/api/cases", json=with_party(api, new_grant(
        amount=150_000_000))).status_code == 201


def test_malformed_json_is_a_422_not_a_500(api: Api) -> None:
    headers = {**api.headers("rina"), "Content-Type": "application/json"}
    response = api.client.post("/api/cases", content=b"{not json", headers=headers)
    assert response.status_code == 422
    assert code(response) == "invalid_request"


def test_only_officers_register_and_only_kabid_backdates(api: Api) -> None:
    assert code(api.post("dewi", "/api/cases", json=with_party(api, new_case()))) == \
        "role_not_permitted"
    backdated = with_party(api, new_case(submitted_at="2026-01-20T09:00:00+08:00"))
    assert api.post("rina", "/api/cases", json=backdated).status_code == 403
    created = api.post("siti", "/api/cases", json=backdated)
    assert created.status_code == 201
    assert created.json()["created_at"].startswith("2026-01-20T01:00:00")


def test_unknown_case_document_and_trigger_are_404(api: Api) -> None:
    case_id = api.create_media()["id"]
    assert code(api.get("rina", "/api/cases/999")) == "case_not_found"
    assert code(api.get("rina", f"/api/cases/{case_id}/documents/999")) == "document_not_found"
    assert code(api.fire("fajar", case_id, "publish")) == "unknown_trigger"
    assert code(api.get("rina", "/api/workflows/pengadaan/diagram")) == "unknown_workflow"
    assert api.get("rina", "/api/cases/abc").status_code == 422


def test_transition_statuses_403_409_422(api: Api) -> None:
    case_id = api.create_media()["id"]
    before = audit_length(api, case_id)
    forbidden = api.fire("dewi", case_id, "review", data=SITE_VISIT)
    assert (forbidden.status_code, code(forbidden)) == (403, "not_permitted")
    wrong_state = api.fire("dewi", case_id, "pay")
    assert (wrong_state.status_code, code(wrong_state)) == (409, "invalid_state")
    # Named as people know the step (its label), never by its trigger code.
    assert wrong_state.json()["detail"]["message"] == (
        "Catat pembayaran termin terakhir tidak berlaku pada status Diajukan")
    stale = api.fire("fajar", case_id, "return_for_revision", comment="x", version=7)
    assert (stale.status_code, code(stale)) == (409, "stale_version")
    no_reason = api.fire("fajar", case_id, "return_for_revision")
    assert (no_reason.status_code, code(no_reason)) == (422, "guards_unmet")
    assert [r["code"] for r in no_reason.json()["detail"]["reasons"]] == ["missing_reason"]
    bad_type = api.fire("fajar", case_id, "review", data={"site_visit_note": 3})
    assert (bad_type.status_code, code(bad_type)) == (422, "invalid_input")
    unknown_key = api.fire("fajar", case_id, "review", data={**SITE_VISIT, "bonus": 1})
    assert code(unknown_key) == "invalid_input"
    # The category follows the Dewan Pers status: nobody chooses it at review.
    chosen_tier = api.fire("fajar", case_id, "review", data={**SITE_VISIT, "tier": "A"})
    assert (chosen_tier.status_code, code(chosen_tier)) == (422, "invalid_input")
    no_version = api.post("fajar", f"/api/cases/{case_id}/transitions/withdraw",
                          json={"comment": "x"})
    assert code(no_version) == "invalid_request"
    after = api.case("rina", case_id)
    assert (after["state"], after["version"]) == ("submitted", 1)
    assert audit_length(api, case_id) == before


def test_admin_fires_no_transition(api: Api) -> None:
    case_id = api.create_media()["id"]
    response = api.fire("admin", case_id, "withdraw", comment="x")
    assert response.status_code == 403


def test_upload_checks_kind_emptiness_size_and_content(api: Api) -> None:
    case_id = api.create_media()["id"]
    before = audit_length(api, case_id)
    assert code(api.upload("rina", case_id, "ktp")) == "unknown_document_kind"
    assert code(api.upload("rina", case_id, "nib", content=b"")) == "empty_file"
    big = api.upload("rina", case_id, "nib", content=b"%PDF-" + b"0" * 70_000)
    assert (big.status_code, code(big)) == (413, "file_too_large")
    fake = api.upload("rina", case_id, "nib", content=b"MZ\x90\x00 not a pdf", filename="a.pdf")
    assert (fake.status_code, code(fake)) == (415, "unsupported_file_type")
    assert code(api.upload("ahmad", case_id, "nib")) == "role_not_permitted"
    assert api.case("rina", case_id)["documents"] == []
    assert audit_length(api, case_id) == before


def test_download_returns_the_same_bytes_as_an_attachment(api: Api) -> None:
    case_id = api.create_media()["id"]
    uploaded = api.upload("rina", case_id, "nib", content=PNG, filename="../../etc/nib scan.pdf")
    assert uploaded.status_code == 201
    doc = uploaded.json()
    assert doc["size"] == len(PNG)
    download = api.get("rina", f"/api/cases/{case_id}/documents/{doc['id']}")
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    listed = api.case("rina", case_id)["documents"][0]
    assert listed["filename"] == "nib scan.png"
    import hashlib

    assert listed["sha256"] == hashlib.sha256(PNG).hexdigest()


def test_marking_a_document_invalid_needs_a_note(api: Api) -> None:
    case_id = api.create_media()["id"]
    doc_id = api.upload("rina", case_id, "nib").json()["id"]
    path = f"/api/cases/{case_id}/documents/{doc_id}/check"
    assert code(api.post("rina", path, json={"valid": False})) == "missing_note"
    assert code(api.post("rina", path, json={"valid": "ya"})) == "invalid_request"
    assert code(api.post("dewi", path, json={"valid": True})) == "role_not_permitted"
    checked = api.post("rina", path, json={"valid": False, "note": "kedaluwarsa"}).json()
    assert (checked["status"], checked["note"]) == ("invalid", "kedaluwarsa")


def test_budget_is_for_finance_only_and_must_be_sane(api: Api) -> None:
    dpa = {"dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"}
    for who in ("rina", "ahmad", "admin"):  # the Kadis and the admin no longer enter it
        assert code(api.put(who, "/api/budgets/grant/2026", json={"amount": 1, **dpa})) == \
            "role_not_permitted"
    assert code(api.put("fina", "/api/budgets/grant/2026", json={"amount": -1, **dpa})) == \
        "invalid_request"
    assert code(api.put("fina", "/api/budgets/lelang/2026", json={"amount": 1, **dpa})) == \
        "unknown_workflow"
    assert code(api.put("fina", "/api/budgets/grant/2026", json={"amount": 1})) == \
        "dpa_required"
    assert api.get("fina", "/api/budgets").json() == []
    assert api.put("fina", "/api/budgets/grant/2026",
                   json={"amount": 1, **dpa}).status_code == 200


def test_assign_and_comment(api: Api) -> None:
    case_id = api.create_media()["id"]
    assert code(api.post("rina", f"/api/cases/{case_id}/assign",
                         json={"username": "dewi"})) == "not_an_officer"
    assert code(api.post("rina", f"/api/cases/{case_id}/assign",
                         json={"username": "ghost"})) == "unknown_user"
    assigned = api.post("siti", f"/api/cases/{case_id}/assign", json={"username": "fajar"})
    assert assigned.json()["assignee"] == "fajar"
    assert api.post("rina", f"/api/cases/{case_id}/comments",
                    json={"body": "   "}).status_code == 422
    posted = api.post("dewi", f"/api/cases/{case_id}/comments", json={"body": "SP2D menyusul"})
    assert posted.status_code == 201
    actions = [e["action"] for e in api.get("rina", f"/api/cases/{case_id}/audit").json()]
    assert actions == ["case_created", "assigned", "comment_added"]


def test_review_of_media_needs_every_review_document_valid(api: Api) -> None:
    case_id = api.create_media()["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS[:-1])
    response = api.fire("fajar", case_id, "review", data=SITE_VISIT)
    assert response.status_code == 422
    reasons = response.json()["detail"]["reasons"]
    assert [r["code"] for r in reasons] == ["missing_document"]
    assert reasons[0]["message"].startswith("Rekening bank atas nama perusahaan")
    assert reasons[0]["basis"]


def test_review_of_media_needs_each_document_checked_ms_and_the_ipp_of_broadcasters(
    api: Api
) -> None:
    case_id = api.create_media()["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS[:-2])
    assert api.upload("rina", case_id, "box_redaksi").status_code == 201  # not yet checked
    rekening = api.upload("rina", case_id, "rekening").json()["id"]
    api.check("rina", case_id, rekening, valid=False)  # TMS
    response = api.fire("fajar", case_id, "review", data=SITE_VISIT)
    assert [r["code"] for r in response.json()["detail"]["reasons"]] == [
        "unchecked_document", "invalid_document"]
    radio = api.create_media(media_type="radio")["id"]
    api.upload_valid("rina", radio, MEDIA_REVIEW_DOCS)
    response = api.fire("fajar", radio, "review", data=SITE_VISIT)
    reasons = response.json()["detail"]["reasons"]
    assert [r["code"] for r in reasons] == ["missing_document"]
    assert "(IPP)" in reasons[0]["message"]

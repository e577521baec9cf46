"""Both workflows walked from registration to reported through the API, as real users."""

from __future__ import annotations

import itertools

from tests.api.helpers import GRANT_REVIEW_DOCS, MEDIA_REVIEW_DOCS, Api


def reasons_of(response_json: dict[str, object]) -> list[str]:
    detail = response_json["detail"]
    assert isinstance(detail, dict)
    return [r["code"] for r in detail["reasons"]]


def test_media_case_walks_from_submitted_to_reported_with_four_eyes(api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    case = api.create_media("rina")
    assert case["state"] == "submitted"
    assert case["version"] == 1
    assert case["reference"] == "MV-2026-0001"
    case_id = case["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)

    refused = api.fire("rina", case_id, "review", data={"tier": "A"})
    assert refused.status_code == 403
    assert reasons_of(refused.json()) == ["same_actor"]

    reviewed = api.fire("fajar", case_id, "review", comment="lengkap", data={"tier": "A"})
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["state"] == "reviewed"
    assert reviewed.json()["reviewed_by"] == "fajar"

    approved = api.fire("ahmad", case_id, "approve", comment="setuju")
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_amount"] == 45_000_000

    for kind in ("kontrak", "rekening"):
        assert api.upload("rina", case_id, kind).status_code == 201
    paid = api.fire("dewi", case_id, "pay", data={
        "sp2d_number": "SP2D/0001/BLG/2026", "paid_at": "2026-04-15", "paid_amount": 45_000_000,
    })
    assert paid.status_code == 200, paid.text
    assert paid.json()["sp2d_number"] == "SP2D/0001/BLG/2026"
    assert paid.json()["paid_at"] == "2026-04-15"

    assert api.upload("fajar", case_id, "bukti_tayang").status_code == 201
    reported = api.fire("fajar", case_id, "report", comment="tayang 12 kali")
    assert reported.status_code == 200, reported.text
    assert reported.json()["state"] == "reported"

    trail = api.get("siti", f"/api/cases/{case_id}/audit").json()
    moves = [(e["from_state"], e["to_state"]) for e in trail if e["action"] == "transition"]
    assert moves == [("submitted", "reviewed"), ("reviewed", "approved"), ("approved", "paid"),
                     ("paid", "reported")]
    assert trail[0]["action"] == "case_created"
    assert [e["seq"] for e in trail] == list(range(1, len(trail) + 1))
    assert all(e["prev_hash"] == p["hash"] for p, e in itertools.pairwise(trail))
    verify = api.audit_check()
    assert verify["ok"] is True
    assert verify["entries"] == len(trail)


def test_grant_walk_needs_refund_slip_when_underspent(api: Api) -> None:
    api.set_budget("grant", 250_000_000)
    case_id = api.create_grant("rina", amount=150_000_000)["id"]
    assert api.case("rina", case_id)["reference"] == "HB-2026-0001"
    assert api.case("rina", case_id)["flags"] == []
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)

    over = api.fire("fajar", case_id, "review", data={"recommended_amount": 160_000_000})
    assert over.status_code == 422
    assert reasons_of(over.json()) == ["over_requested"]
    assert api.fire("fajar", case_id, "review",
                    data={"recommended_amount": 125_000_000}).status_code == 200
    assert api.fire("ahmad", case_id, "approve").json()["approved_amount"] == 125_000_000

    for kind in ("nphd", "kuitansi"):
        assert api.upload("rina", case_id, kind).status_code == 201
    paid = api.fire("dewi", case_id, "pay", data={
        "sp2d_number": "SP2D/0099/BLG/2026", "paid_at": "2026-05-02", "paid_amount": 125_000_000,
        "nphd_number": "NPHD/07/DISKOMINFO/2026",
    })
    assert paid.status_code == 200, paid.text
    assert paid.json()["nphd_number"] == "NPHD/07/DISKOMINFO/2026"

    for kind in ("lpj", "pernyataan_penggunaan"):
        assert api.upload("rina", case_id, kind).status_code == 201
    no_sts = api.fire("rina", case_id, "report", data={"spent_amount": 120_000_000})
    assert no_sts.status_code == 422
    assert reasons_of(no_sts.json()) == ["missing_document"]
    assert "sts" in no_sts.json()["detail"]["reasons"][0]["message"]

    assert api.upload("rina", case_id, "sts").status_code == 201
    reported = api.fire("rina", case_id, "report", data={"spent_amount": 120_000_000})
    assert reported.status_code == 200, reported.text
    assert reported.json()["refunded_amount"] == 5_000_000
    assert reported.json()["state"] == "reported"


def test_return_and_resubmit_loop_back_to_submitted(api: Api) -> None:
    case_id = api.create_media()["id"]
    returned = api.fire("fajar", case_id, "return_for_revision", comment="NIB tidak sesuai")
    assert returned.json()["state"] == "returned"
    resubmitted = api.fire("rina", case_id, "resubmit", comment="NIB diperbaiki")
    assert resubmitted.json()["state"] == "submitted"


def test_kadis_may_reject_and_withdraw_closes_the_case(api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    first, second = api.create_media()["id"], api.create_media()["id"]
    api.upload_valid("rina", first, MEDIA_REVIEW_DOCS)
    api.fire("fajar", first, "review", data={"tier": "B"})
    assert api.fire("ahmad", first, "reject", comment="belum terdata").json()["state"] == "rejected"
    withdrawn = api.fire("ahmad", second, "withdraw", comment="mundur")
    assert withdrawn.json()["state"] == "withdrawn"
    closed = api.upload("rina", second, "nib")
    assert closed.status_code == 409
    assert closed.json()["detail"]["code"] == "case_closed"


def test_case_lists_every_transition_with_why_it_is_blocked(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    listed = {t["trigger"]: t for t in api.case("rina", case_id)["available_transitions"]}
    assert set(listed) == {"review", "return_for_revision", "resubmit", "approve", "reject",
                           "pay", "report", "withdraw"}
    review_codes = [r["code"] for r in listed["review"]["reasons"]]
    assert review_codes[0] == "same_actor"
    assert review_codes.count("missing_document") == 7
    assert listed["return_for_revision"]["allowed"] is True
    assert [r["code"] for r in listed["pay"]["reasons"]] == ["invalid_state"]


def test_approval_is_bounded_by_the_remaining_budget(api: Api) -> None:
    case_id = api.create_media(amount=40_000_000)["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    api.fire("fajar", case_id, "review", data={"tier": "A"})
    no_budget = api.fire("ahmad", case_id, "approve")
    assert no_budget.status_code == 422
    assert reasons_of(no_budget.json()) == ["no_budget"]

    api.set_budget("media_verification", 12_000_000)
    over = api.fire("ahmad", case_id, "approve")
    assert reasons_of(over.json()) == ["over_budget"]
    assert "Rp 12.000.000" in over.json()["detail"]["reasons"][0]["message"]

    api.set_budget("media_verification", 100_000_000)
    assert api.fire("ahmad", case_id, "approve", data={"approved_amount": 30_000_000}).json()[
        "approved_amount"] == 30_000_000
    budgets = api.get("ahmad", "/api/budgets").json()
    assert budgets == [{"workflow": "media_verification", "fiscal_year": 2026,
                        "amount": 100_000_000, "used": 30_000_000, "remaining": 70_000_000}]


def test_grant_approval_is_refused_while_an_earlier_report_is_overdue(api: Api) -> None:
    api.set_budget("grant", 500_000_000)
    old = api.post("rina", "/api/cases", json={
        "workflow": "grant", "title": "Hibah PWI 2025", "fiscal_year": 2025,
        "amount": 100_000_000, "applicant": {"organisation": "PWI Kabupaten Balangan",
                                             "chair": "Ketua"},
    }).json()["id"]
    api.put("ahmad", "/api/budgets/grant/2025", json={"amount": 500_000_000})
    api.upload_valid("rina", old, GRANT_REVIEW_DOCS)
    api.fire("fajar", old, "review", data={"recommended_amount": 100_000_000})
    api.fire("ahmad", old, "approve")
    for kind in ("nphd", "kuitansi"):
        api.upload("rina", old, kind)
    api.fire("dewi", old, "pay", data={"sp2d_number": "S1", "paid_at": "2025-06-01",
                                       "paid_amount": 100_000_000})
    new = api.create_grant()["id"]
    assert [f["code"] for f in api.case("ahmad", new)["flags"]] == ["previous_year_grant"]
    assert "HB-2025-0001" in api.case("ahmad", new)["flags"][0]["message"]
    api.upload_valid("rina", new, GRANT_REVIEW_DOCS)
    api.fire("fajar", new, "review", data={"recommended_amount": 100_000_000})
    # The clock says 4 February 2026: the 2025 LPJ was due 10 January 2026.
    refused = api.fire("ahmad", new, "approve")
    assert refused.status_code == 422
    assert reasons_of(refused.json()) == ["overdue_report"]

"""Both workflows walked through the API as DOMAIN.md revision 2 says, step by step, as real
users: a media contract paid per termin only after delivery, a grant disbursed under the
Bupati's decision and closed by its LPJ with a refund."""

from __future__ import annotations

import itertools
from typing import Any

from tests.api.helpers import (
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    NPHD,
    SITE_VISIT,
    SPK,
    Api,
    termin,
)


def reasons_of(response_json: dict[str, Any]) -> list[str]:
    detail = response_json["detail"]
    assert isinstance(detail, dict)
    return [r["code"] for r in detail["reasons"]]


def test_media_contract_is_paid_per_termin_after_delivery_then_reported(api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    case = api.create_media("rina", amount=45_000_000)
    assert (case["state"], case["state_label"]) == ("submitted", "Diajukan")
    assert case["reference"] == "MV-2026-0001"
    assert case["party"]["name"] == "PT Balangan Media Utama"
    case_id = case["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    _review_and_approve_media(api, case_id)
    _pay_media_in_three_termins(api, case_id)

    # Report: the final report, MS, and the evaluation of the partner.
    unreported = api.fire("fajar", case_id, "report", data={"evaluation": "tepat waktu"})
    assert reasons_of(unreported.json()) == ["missing_document"]
    api.upload_valid("rina", case_id, ("laporan_akhir",))
    reported = api.fire("fajar", case_id, "report", data={"evaluation": "tepat waktu"})
    assert reported.status_code == 200, reported.text
    assert (reported.json()["state"], reported.json()["state_label"]) == ("reported", "Selesai")

    trail = api.get("audra", f"/api/cases/{case_id}/audit").json()
    moves = [(e["from_state"], e["to_state"]) for e in trail if e["action"] == "transition"]
    assert moves == [("submitted", "reviewed"), ("reviewed", "approved"),
                     ("approved", "approved"), ("approved", "approved"),
                     ("approved", "paid"), ("paid", "reported")]
    assert [e["seq"] for e in trail] == list(range(1, len(trail) + 1))
    assert all(e["prev_hash"] == p["hash"] for p, e in itertools.pairwise(trail))
    assert api.audit_check()["ok"] is True


def _review_and_approve_media(api: Api, case_id: int) -> None:
    # Review: not the registrant; factual verification; the category is derived.
    assert reasons_of(api.fire("rina", case_id, "review", data=SITE_VISIT).json()) == [
        "same_actor"]
    unseen = api.fire("fajar", case_id, "review")
    assert unseen.status_code == 422
    assert reasons_of(unseen.json()) == ["missing_factual_verification"]
    assert unseen.json()["detail"]["reasons"][0]["basis"].startswith("Peraturan Dewan Pers")
    reviewed = api.fire("fajar", case_id, "review", comment="lengkap", data=SITE_VISIT,
                        full=True)
    assert reviewed.status_code == 200, reviewed.text
    assert (reviewed.json()["state_label"], reviewed.json()["tier"]) == ("Terverifikasi", "A")

    # Approve: the Kadis records the SPK; its value within the proposal and the pagu.
    no_spk = api.fire("ahmad", case_id, "approve")
    assert no_spk.status_code == 422
    assert set(reasons_of(no_spk.json())) == {"missing_field"}
    approved = api.fire("ahmad", case_id, "approve",
                        data={**SPK, "approved_amount": 45_000_000}, full=True)
    assert approved.status_code == 200, approved.text
    assert approved.json()["state_label"] == "Disetujui Kadis"
    assert approved.json()["data"]["spk_number"] == SPK["spk_number"]


def _pay_media_in_three_termins(api: Api, case_id: int) -> None:
    # Termin 1: only against its BAST and proof of publication, with the signed SPK MS.
    bast1, tayang1 = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    no_spk_doc = api.fire("dewi", case_id, "record_payment",
                          data=termin(bast1, tayang1, 20_000_000))
    assert reasons_of(no_spk_doc.json()) == ["missing_document"]
    api.upload_valid("rina", case_id, ("spk",))
    first = api.fire("dewi", case_id, "record_payment", data=termin(bast1, tayang1, 20_000_000),
                     full=True)
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "approved"
    assert first.json()["paid_amount"] == 20_000_000
    [paid] = first.json()["payments"]
    assert (paid["seq"], paid["gross"], paid["pph23"], paid["net"]) == (
        1, 20_000_000, 400_000, 19_600_000)
    assert paid["recorded_by"] == "dewi"

    # Termin 2: a document that paid termin 1 pays nothing more.
    again = api.fire("dewi", case_id, "record_payment",
                     data=termin(bast1, tayang1, 20_000_000, n=2))
    assert again.status_code == 422
    assert reasons_of(again.json()) == ["document_already_paid", "document_already_paid"]
    bast2, tayang2 = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    second = api.fire("dewi", case_id, "record_payment",
                      data=termin(bast2, tayang2, 20_000_000, n=2), full=True)
    assert second.status_code == 200, second.text
    assert [p["seq"] for p in second.json()["payments"]] == [1, 2]

    # The final termin: the rest of the contract, and no more.
    bast3, tayang3 = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    over = api.fire("dewi", case_id, "pay", data=termin(bast3, tayang3, 6_000_000, n=3))
    assert reasons_of(over.json()) == ["over_contract"]
    final = api.fire("dewi", case_id, "pay", data=termin(bast3, tayang3, 5_000_000, n=3),
                     full=True)
    assert final.status_code == 200, final.text
    assert (final.json()["state_label"], final.json()["paid_amount"]) == ("Dibayar", 45_000_000)
    assert final.json()["payments"][-1]["final"] is True


def test_grant_is_disbursed_under_the_decision_and_closed_by_lpj_with_refund(api: Api) -> None:
    api.set_budget("grant", 500_000_000)
    too_much = api.post("rina", "/api/cases", json={
        "workflow": "grant", "title": "Hibah PWI 2026", "fiscal_year": 2026,
        "amount": 160_000_000, "party_id": api.party_org(), "applicant": {"chair": "Ketua"},
        "data": {"keputusan_number": "188.45/123/KUM/2026", "keputusan_date": "2026-01-15",
                 "keputusan_amount": 150_000_000}})
    assert too_much.status_code == 422
    assert reasons_of(too_much.json()) == ["over_decision"]

    case = api.create_grant("rina", amount=150_000_000)
    case_id = case["id"]
    assert (case["reference"], case["applicant_name"]) == ("HB-2026-0001",
                                                           "PWI Kabupaten Balangan")
    assert case["data"]["keputusan_amount"] == 150_000_000
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    over = api.fire("fajar", case_id, "review", data={"recommended_amount": 160_000_000})
    assert reasons_of(over.json()) == ["over_requested"]
    evaluated = api.fire("fajar", case_id, "review", data={"recommended_amount": 125_000_000})
    assert evaluated.json()["state_label"] == "Dievaluasi"
    _approve_and_disburse_grant(api, case_id)
    _close_grant_with_refund(api, case_id)
    # The refund is credited back to the pagu: 500 − 125 + 5 million remain.
    [budget] = api.get("fina", "/api/budgets").json()
    assert budget["remaining"] == 380_000_000


def _approve_and_disburse_grant(api: Api, case_id: int) -> None:
    # Approve: the NPHD signed by both parties, MS, with its number and date.
    without = api.fire("ahmad", case_id, "approve", data=NPHD)
    assert reasons_of(without.json()) == ["missing_document"]
    [nphd] = api.upload_valid("rina", case_id, ("nphd",))
    api.check("rina", case_id, nphd, valid=False)
    tms = api.fire("ahmad", case_id, "approve", data=NPHD)
    assert reasons_of(tms.json()) == ["invalid_document"]
    assert "TMS" in tms.json()["detail"]["reasons"][0]["message"]
    api.check("rina", case_id, nphd, valid=True)
    approved = api.fire("ahmad", case_id, "approve", data=NPHD, full=True)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_amount"] == 125_000_000
    assert approved.json()["nphd_date"] == NPHD["nphd_date"]

    # Pay: kuitansi MS, SPM and SP2D, the SP2D not before the NPHD.
    disbursement = {"spm_number": "SPM/099/LS/2026", "spm_date": "2026-03-12",
                    "sp2d_number": "SP2D/099/LS/2026", "sp2d_date": "2026-03-13",
                    "gross": 125_000_000}
    no_receipt = api.fire("dewi", case_id, "pay", data=disbursement)
    assert reasons_of(no_receipt.json()) == ["missing_document"]
    api.upload_valid("rina", case_id, ("kuitansi",))
    early = api.fire("dewi", case_id, "pay", data={**disbursement, "spm_date": "2026-03-01",
                                                   "sp2d_date": "2026-03-09"})
    assert reasons_of(early.json()) == ["sp2d_before_nphd"]
    more = api.fire("dewi", case_id, "pay", data={**disbursement, "gross": 130_000_000})
    assert reasons_of(more.json()) == ["over_approved"]
    paid = api.fire("dewi", case_id, "pay", data=disbursement, full=True)
    assert paid.status_code == 200, paid.text
    assert (paid.json()["state_label"], paid.json()["paid_amount"]) == ("Dicairkan", 125_000_000)
    assert paid.json()["payments"][0]["sp2d_number"] == "SP2D/099/LS/2026"


def _close_grant_with_refund(api: Api, case_id: int) -> None:
    # Report: LPJ and statement MS; 5 million unspent went back by an STS that is MS.
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan"))
    no_sts = api.fire("rina", case_id, "report", data={"spent_amount": 120_000_000})
    assert reasons_of(no_sts.json()) == ["refund_mismatch", "missing_field", "missing_document"]
    [sts] = api.upload_valid("rina", case_id, ("sts",))
    api.check("rina", case_id, sts, valid=False)
    refund = {"spent_amount": 120_000_000, "refund_amount": 5_000_000,
              "refund_date": "2026-12-20"}
    invalid_sts = api.fire("rina", case_id, "report", data=refund)
    assert reasons_of(invalid_sts.json()) == ["invalid_document"]
    api.check("rina", case_id, sts, valid=True)
    reported = api.fire("rina", case_id, "report", data=refund, full=True)
    assert reported.status_code == 200, reported.text
    assert (reported.json()["state_label"], reported.json()["refunded_amount"]) == (
        "LPJ diterima", 5_000_000)


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
    api.fire("fajar", first, "review", data=SITE_VISIT)
    assert api.fire("ahmad", first, "reject", comment="tidak layak").json()["state"] == "rejected"
    withdrawn = api.fire("ahmad", second, "withdraw", comment="mundur")
    assert withdrawn.json()["state"] == "withdrawn"
    closed = api.upload("rina", second, "nib")
    assert closed.status_code == 409
    assert closed.json()["detail"]["code"] == "case_closed"


def test_case_lists_every_transition_with_why_it_is_blocked_and_its_basis(api: Api) -> None:
    case_id = api.create_media("rina")["id"]
    listed = {t["trigger"]: t for t in api.case("rina", case_id)["available_transitions"]}
    assert set(listed) == {"review", "return_for_revision", "resubmit", "approve", "reject",
                           "record_payment", "pay", "report", "withdraw"}
    review = listed["review"]["reasons"]
    assert review[0]["code"] == "same_actor"
    assert review[0]["basis"].startswith("PP 60/2008")
    missing = [r for r in review if r["code"] == "missing_document"]
    assert len(missing) == len(MEDIA_REVIEW_DOCS)
    assert all(r["basis"] for r in missing)
    assert listed["return_for_revision"]["allowed"] is True
    assert [r["code"] for r in listed["pay"]["reasons"]] == ["invalid_state"]


def test_approval_is_bounded_by_the_remaining_budget(api: Api) -> None:
    case_id = api.create_media(amount=40_000_000)["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    api.fire("fajar", case_id, "review", data=SITE_VISIT)
    no_budget = api.fire("ahmad", case_id, "approve", data={**SPK, "approved_amount": 40_000_000})
    assert reasons_of(no_budget.json()) == ["no_budget"]

    api.set_budget("media_verification", 12_000_000)
    over = api.fire("ahmad", case_id, "approve", data={**SPK, "approved_amount": 40_000_000})
    assert reasons_of(over.json()) == ["over_budget"]
    assert "Rp12.000.000" in over.json()["detail"]["reasons"][0]["message"]

    api.set_budget("media_verification", 100_000_000)
    above = api.fire("ahmad", case_id, "approve", data={**SPK, "approved_amount": 41_000_000})
    assert reasons_of(above.json()) == ["over_recommended"]
    assert api.fire("ahmad", case_id, "approve", data={**SPK, "approved_amount": 30_000_000},
                    full=True).json()["approved_amount"] == 30_000_000


def test_grant_approval_is_refused_while_the_partys_earlier_lpj_is_overdue(api: Api) -> None:
    api.set_budget("grant", 500_000_000, fiscal_year=2025)
    old = api.create_grant(fiscal_year=2025, amount=100_000_000,
                           keputusan_number="188.45/050/2025", keputusan_date="2025-01-20")["id"]
    api.upload_valid("rina", old, GRANT_REVIEW_DOCS)
    api.fire("fajar", old, "review", data={"recommended_amount": 100_000_000})
    api.upload_valid("rina", old, ("nphd", "kuitansi"))
    assert api.fire("ahmad", old, "approve", data={
        "nphd_number": "NPHD/01/2025", "nphd_date": "2025-05-01"}).status_code == 200
    assert api.fire("dewi", old, "pay", data={
        "spm_number": "SPM/1/2025", "spm_date": "2025-06-01", "sp2d_number": "S1",
        "sp2d_date": "2025-06-01", "gross": 100_000_000}).status_code == 200

    api.set_budget("grant", 500_000_000)
    new = api.create_grant()["id"]
    assert [f["code"] for f in api.case("ahmad", new)["flags"]] == ["previous_year_grant"]
    assert "HB-2025-0001" in api.case("ahmad", new)["flags"][0]["message"]
    api.upload_valid("rina", new, GRANT_REVIEW_DOCS)
    api.fire("fajar", new, "review", data={"recommended_amount": 100_000_000})
    api.upload_valid("rina", new, ("nphd",))
    # The clock says 4 February 2026: the 2025 LPJ was due 10 January 2026.
    refused = api.fire("ahmad", new, "approve", data=NPHD)
    assert refused.status_code == 422
    assert reasons_of(refused.json()) == ["overdue_report"]

    # Another organisation of the same name but another NPWP is another party: no flag.
    other = api.create_grant(party={"kind": "organisation", "name": "PWI Kabupaten Balangan",
                                    "npwp": "09.876.543.2-109.000"})
    assert api.case("ahmad", other["id"])["flags"] == []

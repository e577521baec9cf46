"""Grant rules an auditor checks beyond the walk: one Keputusan Bupati is disbursed once,
however many cases carry it; no disbursement without a recorded, MS NPHD (a grant approved
before approval asked for it records it with the payment); a refund credits the pagu only
when it went back within the fiscal year."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from infra.config import Settings
from tests.api.helpers import GRANT_REVIEW_DOCS, NPHD, Api
from tests.api.test_walks import reasons_of

DISBURSEMENT = {"spm_number": "SPM/099/LS/2026", "spm_date": "2026-03-12",
                "sp2d_number": "SP2D/099/LS/2026", "sp2d_date": "2026-03-13",
                "gross": 125_000_000}


def _reviewed_grant(api: Api, amount: int, recommended: int) -> int:
    case_id: int = api.create_grant(amount=amount)["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)
    api.fire("fajar", case_id, "review", data={"recommended_amount": recommended})
    api.upload_valid("rina", case_id, ("nphd",))
    return case_id


def test_one_decision_is_disbursed_once_across_cases(api: Api) -> None:
    api.set_budget("grant", 500_000_000)
    first = _reviewed_grant(api, 100_000_000, 100_000_000)
    second = _reviewed_grant(api, 100_000_000, 100_000_000)
    assert api.fire("ahmad", first, "approve", data=NPHD).status_code == 200
    refused = api.fire("ahmad", second, "approve", data=NPHD)
    assert reasons_of(refused.json()) == ["over_decision"]
    assert "Rp100.000.000 sudah disetujui" in refused.json()["detail"]["reasons"][0]["message"]
    within = api.fire("ahmad", second, "approve", data={**NPHD, "approved_amount": 50_000_000})
    assert within.status_code == 200, within.text


def _forget_nphd(settings: Settings, case_id: int) -> None:
    """Make the case look approved under revision 1, when the NPHD was recorded at pay."""
    engine = create_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET nphd_number = NULL, nphd_date = NULL WHERE id = :id"),
                     {"id": case_id})
    engine.dispose()


def test_a_grant_approved_without_nphd_records_it_with_the_payment(
    api: Api, settings: Settings
) -> None:
    case_id = api.to_approved_grant()
    api.upload_valid("rina", case_id, ("kuitansi",))
    twice = api.fire("dewi", case_id, "pay", data={**DISBURSEMENT, **NPHD})
    assert reasons_of(twice.json()) == ["nphd_already_recorded"]

    _forget_nphd(settings, case_id)
    missing = api.fire("dewi", case_id, "pay", data=DISBURSEMENT)
    assert reasons_of(missing.json()) == ["missing_nphd"]
    early = api.fire("dewi", case_id, "pay", data={**DISBURSEMENT, **NPHD,
                                                   "nphd_date": "2026-03-14"})
    assert reasons_of(early.json()) == ["sp2d_before_nphd"]
    paid = api.fire("dewi", case_id, "pay", data={**DISBURSEMENT, **NPHD}, full=True)
    assert paid.status_code == 200, paid.text
    assert (paid.json()["nphd_number"], paid.json()["nphd_date"]) == (
        NPHD["nphd_number"], NPHD["nphd_date"])


def test_a_refund_after_the_fiscal_year_is_not_credited_back_to_its_pagu(api: Api) -> None:
    case_id = api.to_approved_grant()
    api.upload_valid("rina", case_id, ("kuitansi",))
    assert api.fire("dewi", case_id, "pay", data=DISBURSEMENT).status_code == 200
    api.upload_valid("rina", case_id, ("lpj", "pernyataan_penggunaan", "sts"))
    late = {"spent_amount": 120_000_000, "refund_amount": 5_000_000,
            "refund_date": "2027-01-05"}
    reported = api.fire("rina", case_id, "report", data=late, full=True)
    assert reported.status_code == 200, reported.text
    assert (reported.json()["refunded_amount"], reported.json()["refund_date"]) == (
        5_000_000, "2027-01-05")
    [budget] = api.get("fina", "/api/budgets").json()
    # 500 − 125 million: the January refund is next year's income, not this pagu's.
    assert budget["remaining"] == 375_000_000

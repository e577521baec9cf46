"""Media verification that bites (issue 13): the IPP for broadcasters, the category derived
from the Dewan Pers status with the deployment's SSH ceilings, PPN only from a PKP, the final
termin or a closing reason, and the final termin's deadline after the contract's end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app import create_app
from infra.config import Settings
from tests.api.helpers import COMPANY, MEDIA_REVIEW_DOCS, SITE_VISIT, SPK, Api, termin
from tests.api.test_walks import reasons_of
from tests.conftest import FakeClock, People

PKP = {**COMPANY, "name": "PT Siaran Banua", "npwp": "0123456789012345", "nib": "9876543210123",
       "is_pkp": True}


def reviewed(api: Api, amount: int = 45_000_000, **applicant: str) -> int:
    case_id: int = api.create_media("rina", amount=amount, **applicant)["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    return case_id


def test_radio_and_tv_need_their_broadcast_licence(api: Api) -> None:
    case_id = reviewed(api, media_type="radio")
    refused = api.fire("fajar", case_id, "review", data=SITE_VISIT)
    assert reasons_of(refused.json()) == ["missing_document"]
    reason = refused.json()["detail"]["reasons"][0]
    assert "IPP" in reason["message"]
    assert reason["basis"].startswith("UU 32/2002")
    api.upload_valid("rina", case_id, ("ipp",))
    assert api.fire("fajar", case_id, "review", data=SITE_VISIT).status_code == 200


def test_a_verified_report_of_the_site_visit_stands_for_the_note(api: Api) -> None:
    case_id = reviewed(api)
    api.upload_valid("rina", case_id, ("ba_verifikasi_faktual",))
    assert api.fire("fajar", case_id, "review", full=True).json()["tier"] == "A"


@pytest.mark.parametrize(("status", "amount", "tier"), [
    ("administrative", 36_000_000, "B"), ("in_process", 18_000_000, "C")])
def test_the_category_follows_the_dewan_pers_status(
    api: Api, status: str, amount: int, tier: str
) -> None:
    case_id = reviewed(api, amount=amount, dewan_pers_status=status)
    assert api.fire("fajar", case_id, "review", data=SITE_VISIT,
                    full=True).json()["tier"] == tier


def test_a_proposal_above_the_categorys_ceiling_is_refused_at_review(api: Api) -> None:
    case_id = reviewed(api, amount=36_000_001, dewan_pers_status="administrative")
    refused = api.fire("fajar", case_id, "review", data=SITE_VISIT)
    assert reasons_of(refused.json()) == ["over_category_ceiling"]
    assert "Rp36.000.000" in refused.json()["detail"]["reasons"][0]["message"]


def test_a_company_unknown_to_the_dewan_pers_is_not_eligible(api: Api) -> None:
    case_id = reviewed(api, amount=10_000_000, dewan_pers_status="none")
    refused = api.fire("fajar", case_id, "review", data=SITE_VISIT)
    assert reasons_of(refused.json()) == ["not_eligible_category"]


@pytest.fixture
def perbup_api(settings: Settings, clock: FakeClock, people: People) -> Iterator[Api]:
    """Berkas where the Perbup admits unregistered media as category C and sets the SSH's
    ceiling of category C at Rp20.000.000."""
    overrides = {"media_verification": {"category_by_status": {"none": "C"},
                                        "category_ceilings": {"C": 20_000_000}}}
    local = settings.model_copy(update={"workflow_parameters": overrides})
    with TestClient(create_app(local, clock)) as client:
        yield Api(client)


def test_the_settings_set_the_ceilings_and_may_admit_unregistered_media(perbup_api: Api) -> None:
    case_id = reviewed(perbup_api, amount=20_000_000, dewan_pers_status="none")
    done = perbup_api.fire("fajar", case_id, "review", data=SITE_VISIT, full=True)
    assert done.status_code == 200, done.text
    assert done.json()["tier"] == "C"


def test_settings_naming_an_unknown_parameter_stop_the_start(settings: Settings,
                                                            clock: FakeClock) -> None:
    wrong = settings.model_copy(update={"workflow_parameters": {
        "media_verification": {"tier_ceilings": {"A": 1}}}})
    with pytest.raises(ValueError, match="unknown parameter 'tier_ceilings'"):
        create_app(wrong, clock)


def test_ppn_is_withheld_only_from_a_pkp(api: Api) -> None:
    case_id = api.to_approved_media()
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    with_ppn = {**termin(bast, tayang, 20_000_000), "ppn": 2_200_000, "net": 17_400_000}
    assert reasons_of(api.fire("dewi", case_id, "record_payment", data=with_ppn).json()) == [
        "ppn_not_pkp"]
    wrong_net = {**termin(bast, tayang, 20_000_000), "net": 20_000_000}
    assert reasons_of(api.fire("dewi", case_id, "record_payment", data=wrong_net).json()) == [
        "net_mismatch"]

    api.set_budget("media_verification", 600_000_000)
    pkp_case: int = api.create_media("rina", party=PKP)["id"]
    api.upload_valid("rina", pkp_case, MEDIA_REVIEW_DOCS)
    api.fire("fajar", pkp_case, "review", data=SITE_VISIT)
    api.fire("ahmad", pkp_case, "approve", data={**SPK, "approved_amount": 45_000_000})
    api.upload_valid("rina", pkp_case, ("spk",))
    bast, tayang = api.upload_valid("rina", pkp_case, ("bast", "bukti_tayang"))
    paid = api.fire("dewi", pkp_case, "record_payment", data=with_ppn | {
        "bast_document_id": bast, "publication_document_id": tayang}, full=True)
    assert paid.status_code == 200, paid.text
    assert paid.json()["payments"][0]["ppn"] == 2_200_000


def test_sp2d_dated_before_the_bast_is_refused(api: Api) -> None:
    case_id = api.to_approved_media()
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    early = termin(bast, tayang, 20_000_000, sp2d_date="2026-05-14")
    refused = api.fire("dewi", case_id, "record_payment", data={**early,
                                                                "spm_date": "2026-05-13"})
    # The SPM, which goes with the BAST, is then before it too.
    assert reasons_of(refused.json()) == ["spm_before_bast", "sp2d_before_bast"]
    assert refused.json()["detail"]["reasons"][1]["basis"].startswith("UU 1/2004")


def test_a_payment_needs_a_checked_bast_of_this_case(api: Api) -> None:
    case_id = api.to_approved_media()
    tayang = api.upload_valid("rina", case_id, ("bukti_tayang",))[0]
    unchecked = api.upload("rina", case_id, "bast").json()["id"]
    refused = api.fire("dewi", case_id, "record_payment",
                       data=termin(unchecked, tayang, 20_000_000))
    assert reasons_of(refused.json()) == ["unchecked_document"]
    not_a_bast = api.fire("dewi", case_id, "record_payment",
                          data=termin(tayang, tayang, 20_000_000))
    assert reasons_of(not_a_bast.json()) == ["missing_document"]
    before = api.case("dewi", case_id)
    assert (before["payments"], before["paid_amount"]) == ([], None)


def test_the_last_termin_may_be_nothing_more_with_a_reason(api: Api) -> None:
    case_id = api.to_approved_media()
    nothing_yet = api.fire("dewi", case_id, "pay", data={"closing_reason": "kontrak diputus"})
    assert reasons_of(nothing_yet.json()) == ["nothing_paid"]
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    api.fire("dewi", case_id, "record_payment", data=termin(bast, tayang, 30_000_000))
    both = api.fire("dewi", case_id, "pay", data={
        **termin(bast, tayang, 1_000_000, n=2), "closing_reason": "sisa tidak ditagih"})
    assert reasons_of(both.json())[0] == "payment_and_closing"
    closed = api.fire("dewi", case_id, "pay", data={"closing_reason": "sisa tidak ditagih"},
                      full=True)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["state"], closed.json()["paid_amount"]) == ("paid", 30_000_000)
    assert len(closed.json()["payments"]) == 1


def test_the_final_termin_is_due_ten_working_days_after_the_contract_ends(api: Api) -> None:
    case_id = api.to_approved_media(contract_end="2026-11-30")
    deadline = api.case("dewi", case_id)["deadline"]
    # 30 November 2026 is a Monday: ten working days later is Monday 14 December.
    assert deadline["due_date"] == "2026-12-14"
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    api.fire("dewi", case_id, "record_payment", data=termin(bast, tayang, 20_000_000))
    assert api.case("dewi", case_id)["deadline"] == deadline


def test_the_approver_never_pays_even_holding_the_treasurer_role(
    api: Api, people: People
) -> None:
    people.add("kadis_bendahara", "kadis", "treasurer")
    api.set_budget("media_verification", 600_000_000)
    case_id = reviewed(api)
    api.fire("fajar", case_id, "review", data=SITE_VISIT)
    approved = api.fire("kadis_bendahara", case_id, "approve",
                        data={**SPK, "approved_amount": 45_000_000})
    assert approved.status_code == 200, approved.text
    api.upload_valid("rina", case_id, ("spk",))
    bast, tayang = api.upload_valid("rina", case_id, ("bast", "bukti_tayang"))
    refused = api.fire("kadis_bendahara", case_id, "record_payment",
                       data=termin(bast, tayang, 20_000_000))
    assert refused.status_code == 403
    assert reasons_of(refused.json()) == ["same_actor"]


def test_the_reviewer_does_not_decide_either_way(api: Api, people: People) -> None:
    people.add("kabid_kadis", "kabid", "kadis")
    case_id = reviewed(api)
    api.fire("kabid_kadis", case_id, "review", data=SITE_VISIT)
    refused = api.fire("kabid_kadis", case_id, "reject", comment="tidak layak")
    assert refused.status_code == 403
    assert reasons_of(refused.json()) == ["same_actor"]

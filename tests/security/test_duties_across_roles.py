"""Separation of duties holds per case, whatever roles one account holds (docs/domain.md, issue 11):
the registrant does not review, the reviewer does not approve, the approver does not pay."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import (
    GRANT_REVIEW_DOCS,
    MEDIA_REVIEW_DOCS,
    NPHD,
    SITE_VISIT,
    SPK,
    Api,
    disbursement,
    termin,
)
from tests.conftest import People

# What the Kadis signs when approving: the SPK of a media contract, the NPHD of a grant.
APPROVAL = {"media_verification": {**SPK, "approved_amount": 45_000_000}, "grant": NPHD}


def reviewed_case(api: Api, workflow: str) -> int:
    """A case of ``workflow`` registered by rina and reviewed by fajar, with its pagu set and
    the documents its approval and payment need checked MS (the media's SPK, a termin's BAST
    and proof of publication; the grant's NPHD and receipt)."""
    api.set_budget(workflow, 600_000_000)
    if workflow == "media_verification":
        case_id = api.to_reviewed_media()
        api.upload_valid("rina", case_id, ("spk", "bast", "bukti_tayang"))
    else:
        case_id = api.to_reviewed_grant()
        api.upload_valid("rina", case_id, ("kuitansi",))
    return case_id


def pay(api: Api, who: str, case_id: int, workflow: str) -> Any:
    """The payment in full: the media's final termin (45 000 000), the grant's disbursement
    (the 125 000 000 recommended and approved)."""
    if workflow == "grant":
        return api.fire(who, case_id, "pay", data=disbursement(125_000_000))
    documents = {d["kind"]: d["id"] for d in api.case(who, case_id)["documents"]}
    return api.fire(who, case_id, "pay", data=termin(documents["bast"],
                                                     documents["bukti_tayang"], 45_000_000))


def codes(response: Any) -> list[str]:
    return [r["code"] for r in response.json()["detail"]["reasons"]]


@pytest.mark.parametrize("workflow", sorted(APPROVAL))
def test_an_account_that_approved_a_case_may_not_record_its_payment_as_treasurer(
    api: Api, people: People, workflow: str
) -> None:
    people.add("multi", "kadis", "treasurer")
    case_id = reviewed_case(api, workflow)
    approved = api.fire("multi", case_id, "approve", comment="setuju",
                        data=APPROVAL[workflow], full=True)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_by"] == "multi"

    listed = {t["trigger"]: t for t in api.case("multi", case_id)["available_transitions"]}
    assert listed["pay"]["allowed"] is False
    assert [r["code"] for r in listed["pay"]["reasons"]] == ["same_actor"]
    if workflow == "media_verification":  # nor any termin before the final one
        assert [r["code"] for r in listed["record_payment"]["reasons"]] == ["same_actor"]

    refused = pay(api, "multi", case_id, workflow)
    assert refused.status_code == 403  # four eyes is about who acts: 403, as for review
    assert codes(refused) == ["same_actor"]
    assert "menyetujui" in refused.json()["detail"]["reasons"][0]["message"]
    assert api.case("multi", case_id)["state"] == "approved"

    paid = pay(api, "dewi", case_id, workflow)
    assert paid.status_code == 200, paid.text
    assert paid.json()["state"] == "paid"


def test_an_account_that_reviewed_a_case_may_not_approve_it_as_kadis(
    api: Api, people: People
) -> None:
    people.add("dual", "officer", "kadis")
    api.set_budget("media_verification", 600_000_000)
    case_id = api.create_media("rina")["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS)
    assert api.fire("dual", case_id, "review", data=SITE_VISIT).status_code == 200

    approval = APPROVAL["media_verification"]
    refused = api.fire("dual", case_id, "approve", comment="setuju", data=approval)
    assert refused.status_code == 403
    assert codes(refused) == ["same_actor"]
    # Nor may the reviewer reject it (separation of duties either way).
    rejected = api.fire("dual", case_id, "reject", comment="tidak layak")
    assert rejected.status_code == 403
    assert codes(rejected) == ["same_actor"]
    assert api.fire("ahmad", case_id, "approve", comment="setuju",
                    data=approval).status_code == 200


def test_an_account_that_registered_a_case_may_not_review_it_as_kabid(
    api: Api, people: People
) -> None:
    people.add("both", "officer", "kabid")
    case_id = api.create_grant("both")["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)

    refused = api.fire("both", case_id, "review", data={"recommended_amount": 100_000_000})
    assert refused.status_code == 403
    assert codes(refused) == ["same_actor"]

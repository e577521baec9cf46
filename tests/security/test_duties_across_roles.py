"""Separation of duties holds per case, whatever roles one account holds (docs/domain.md, issue 11):
the registrant does not review, the reviewer does not approve, the approver does not pay."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import GRANT_REVIEW_DOCS, MEDIA_REVIEW_DOCS, Api
from tests.conftest import People

PAYMENT = {"sp2d_number": "SP2D/0042/BLG/2026", "paid_at": "2026-04-15"}
WALKS: dict[str, dict[str, Any]] = {
    "media_verification": {"docs": MEDIA_REVIEW_DOCS, "review": {"tier": "A"},
                           "pay_docs": ("kontrak", "rekening"), "amount": 45_000_000},
    "grant": {"docs": GRANT_REVIEW_DOCS, "review": {"recommended_amount": 150_000_000},
              "pay_docs": ("nphd", "kuitansi"), "amount": 150_000_000},
}


def reviewed_case(api: Api, workflow: str) -> int:
    """A case of ``workflow`` registered by rina and reviewed by fajar, with its pagu set."""
    walk = WALKS[workflow]
    api.set_budget(workflow, 600_000_000)
    case = api.create_media() if workflow == "media_verification" else api.create_grant()
    api.upload_valid("rina", case["id"], walk["docs"])
    reviewed = api.fire("fajar", case["id"], "review", data=walk["review"])
    assert reviewed.status_code == 200, reviewed.text
    for kind in walk["pay_docs"]:
        assert api.upload("rina", case["id"], kind).status_code == 201
    return int(case["id"])


def pay(api: Api, who: str, case_id: int, workflow: str) -> Any:
    return api.fire(who, case_id, "pay",
                    data={**PAYMENT, "paid_amount": WALKS[workflow]["amount"]})


def codes(response: Any) -> list[str]:
    return [r["code"] for r in response.json()["detail"]["reasons"]]


@pytest.mark.parametrize("workflow", sorted(WALKS))
def test_an_account_that_approved_a_case_may_not_record_its_payment_as_treasurer(
    api: Api, people: People, workflow: str
) -> None:
    people.add("multi", "kadis", "treasurer")
    case_id = reviewed_case(api, workflow)
    approved = api.fire("multi", case_id, "approve", comment="setuju")
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_by"] == "multi"

    listed = {t["trigger"]: t for t in api.case("multi", case_id)["available_transitions"]}
    assert listed["pay"]["allowed"] is False
    assert [r["code"] for r in listed["pay"]["reasons"]] == ["same_actor"]

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
    assert api.fire("dual", case_id, "review", data={"tier": "A"}).status_code == 200

    refused = api.fire("dual", case_id, "approve", comment="setuju")
    assert refused.status_code == 403
    assert codes(refused) == ["same_actor"]
    assert api.fire("ahmad", case_id, "approve", comment="setuju").status_code == 200


def test_an_account_that_registered_a_case_may_not_review_it_as_kabid(
    api: Api, people: People
) -> None:
    people.add("both", "officer", "kabid")
    case_id = api.create_grant("both")["id"]
    api.upload_valid("rina", case_id, GRANT_REVIEW_DOCS)

    refused = api.fire("both", case_id, "review", data={"recommended_amount": 100_000_000})
    assert refused.status_code == 403
    assert codes(refused) == ["same_actor"]

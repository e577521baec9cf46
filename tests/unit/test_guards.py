"""Each guard, both outcomes. Guards are pure: facts in, reasons out."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from workflows import DEFINITIONS, Actor, CaseFacts, DocumentStatus, TransitionInput
from workflows.guards import GUARDS, GuardContext

OFFICER = Actor(1, "rina", frozenset({"officer"}))
ALL_VALID = {d.code: DocumentStatus.VALID for d in DEFINITIONS["grant"].documents}


def context(
    trigger: str,
    workflow: str = "grant",
    actor: Actor = OFFICER,
    comment: str = "",
    data: dict[str, Any] | None = None,
    **facts: Any,
) -> GuardContext:
    definition = DEFINITIONS[workflow]
    spec = definition.transition(trigger)
    assert spec is not None
    base = CaseFacts(workflow=workflow, state=spec.sources[0], registered_by=2, amount=100,
                     documents=ALL_VALID)
    return GuardContext(definition, spec, replace(base, **facts), actor,
                        TransitionInput(comment, data or {}))


def codes(name: str, ctx: GuardContext) -> list[str]:
    return [r.code for r in GUARDS[name].check(ctx)]


# (guard, context where it passes, context where it fails, the failing code)
CASES = [
    ("has_role", context("review"), context("approve"), "role_not_permitted"),
    ("is_not_registrant", context("review"), context("review", registered_by=1), "same_actor"),
    ("is_not_reviewer", context("approve", reviewed_by=5),
     context("approve", reviewed_by=1), "same_actor"),
    ("is_not_approver", context("pay", approved_by=5), context("pay", approved_by=1),
     "same_actor"),
    ("has_gate_documents", context("review"), context("review", documents={}),
     "missing_document"),
    ("has_gate_documents", context("review"),
     context("review", documents={**ALL_VALID, "npwp": DocumentStatus.UNCHECKED}),
     "unchecked_document"),
    ("has_gate_documents", context("pay", documents={"nphd": DocumentStatus.UNCHECKED,
                                                     "kuitansi": DocumentStatus.UNCHECKED}),
     context("pay", documents={**ALL_VALID, "nphd": DocumentStatus.INVALID}),
     "invalid_document"),
    ("has_comment", context("reject", comment="tidak layak"), context("reject", comment="  "),
     "missing_reason"),
    ("has_required_fields", context("review", data={"recommended_amount": 1}),
     context("review"), "missing_field"),
    ("is_recommendation_within_request", context("review", data={"recommended_amount": 100}),
     context("review", data={"recommended_amount": 101}), "over_requested"),
    ("is_approval_within_recommendation", context("approve", recommended_amount=80),
     context("approve", recommended_amount=80, data={"approved_amount": 81}),
     "over_recommended"),
    ("is_within_budget", context("approve", budget_remaining=100),
     context("approve", budget_remaining=99), "over_budget"),
    ("is_within_budget", context("approve", budget_remaining=100),
     context("approve", budget_remaining=None), "no_budget"),
    ("is_within_tier_ceiling",
     context("approve", "media_verification", tier="C", amount=18_000_000),
     context("approve", "media_verification", tier="C", amount=18_000_001),
     "over_tier_ceiling"),
    ("has_no_overdue_report", context("approve"),
     context("approve", recipient_has_overdue_report=True), "overdue_report"),
    ("is_payment_within_approval", context("pay", approved_amount=50,
                                           data={"paid_amount": 50}),
     context("pay", approved_amount=50, data={"paid_amount": 51}), "over_approved"),
    ("is_spending_within_payment", context("report", paid_amount=50, data={"spent_amount": 50}),
     context("report", paid_amount=50, data={"spent_amount": 51}), "over_paid"),
    ("has_refund_slip_when_underspent",
     context("report", paid_amount=50, data={"spent_amount": 40}),
     context("report", paid_amount=50, data={"spent_amount": 40},
             documents={"lpj": DocumentStatus.VALID}), "missing_document"),
]


@pytest.mark.parametrize(("guard", "passing", "failing", "code"), CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_guard_passes_and_fails_with_its_reason_code(
    guard: str, passing: GuardContext, failing: GuardContext, code: str
) -> None:
    assert codes(guard, passing) == []
    assert code in codes(guard, failing)


def test_every_registered_guard_is_tested_both_ways() -> None:
    assert {c[0] for c in CASES} == set(GUARDS)


def test_every_guard_named_by_a_workflow_exists() -> None:
    named = {g for d in DEFINITIONS.values() for t in d.transitions for g in t.guards}
    assert named <= set(GUARDS)


# Separation of duties (docs/domain.md): each step of the main line refuses the previous
# step's actor.
FOUR_EYES = {"review": "is_not_registrant", "approve": "is_not_reviewer", "pay": "is_not_approver"}


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_each_main_line_step_refuses_whoever_took_the_step_before(workflow: str) -> None:
    for trigger, guard in FOUR_EYES.items():
        spec = DEFINITIONS[workflow].transition(trigger)
        assert spec is not None
        assert guard in spec.guards, (workflow, trigger)


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_pay_is_refused_to_the_approver_even_when_they_also_hold_the_treasurer_role(
    workflow: str
) -> None:
    both = Actor(1, "ahmad", frozenset({"kadis", "treasurer"}))
    mine = GUARDS["is_not_approver"].check(context("pay", workflow, both, approved_by=1))
    assert [(r.code, r.forbids) for r in mine] == [("same_actor", True)]
    assert "menyetujui" in mine[0].message
    assert codes("is_not_approver", context("pay", workflow, both, approved_by=7)) == []


def test_people_reasons_forbid_and_data_reasons_do_not() -> None:
    same = GUARDS["is_not_registrant"].check(context("review", registered_by=1))
    missing = GUARDS["has_gate_documents"].check(context("review", documents={}))
    assert all(r.forbids for r in same)
    assert not any(r.forbids for r in missing)


def test_over_budget_message_states_what_is_left_in_rupiah() -> None:
    ctx = context("approve", amount=20_000_000, budget_remaining=12_000_000)
    (reason,) = GUARDS["is_within_budget"].check(ctx)
    assert reason.message == "sisa pagu Rp 12.000.000"


def test_refund_slip_is_not_needed_when_everything_was_spent() -> None:
    ctx = context("report", paid_amount=50, data={"spent_amount": 50}, documents={})
    assert codes("has_refund_slip_when_underspent", ctx) == []


def test_approval_defaults_to_the_recommended_amount() -> None:
    ctx = context("approve", recommended_amount=70, budget_remaining=70)
    assert codes("is_within_budget", ctx) == []
    assert ctx.input.data == {}

"""The workflow engine, with no database: every (state, trigger) pair, evaluation, diagrams."""

from __future__ import annotations

from datetime import date

import pytest

from workflows import (
    DEFINITIONS,
    Actor,
    CaseFacts,
    CaseState,
    DocumentStatus,
    GuardsUnmet,
    NotPermitted,
    TransitionInput,
    UnknownTrigger,
    UnknownWorkflow,
    WrongState,
    get_engine,
    mermaid,
)

EVERYONE = Actor(1, "semua", frozenset({"officer", "kabid", "kadis", "treasurer"}))
VALID_INPUT = {
    "review": {"tier": "A", "recommended_amount": 10_000_000},
    "pay": {"sp2d_number": "SP2D/1", "paid_at": date(2026, 4, 1), "paid_amount": 10_000_000},
    "report": {"spent_amount": 10_000_000},
}


def ready_facts(workflow: str, state: str) -> CaseFacts:
    """Facts under which every guard of every transition passes."""
    kinds = {d.code: DocumentStatus.VALID for d in DEFINITIONS[workflow].documents}
    return CaseFacts(
        workflow=workflow, state=state, registered_by=2, reviewed_by=3, amount=10_000_000,
        recommended_amount=10_000_000, approved_amount=10_000_000, paid_amount=10_000_000,
        tier="A", documents=kinds, budget_remaining=10**9,
    )


def valid_input(workflow: str, trigger: str) -> TransitionInput:
    names = {f.name for f in get_engine(workflow).spec(trigger).fields}
    data = {k: v for k, v in VALID_INPUT.get(trigger, {}).items() if k in names}
    return TransitionInput(comment="alasan tertulis", data=data)


PAIRS = [
    (workflow, state, spec.trigger)
    for workflow, definition in DEFINITIONS.items()
    for state in CaseState
    for spec in definition.transitions
]


@pytest.mark.parametrize(("workflow", "state", "trigger"), PAIRS)
def test_every_state_trigger_pair_moves_exactly_as_declared(
    workflow: str, state: CaseState, trigger: str
) -> None:
    engine = get_engine(workflow)
    spec = engine.spec(trigger)
    facts = ready_facts(workflow, state)
    if state in spec.sources:
        outcome = engine.fire(trigger, facts, EVERYONE, valid_input(workflow, trigger))
        assert (outcome.source, outcome.dest) == (state, spec.dest)
    else:
        with pytest.raises(WrongState) as refused:
            engine.fire(trigger, facts, EVERYONE, valid_input(workflow, trigger))
        assert refused.value.code == "invalid_state"
        assert refused.value.state == state


def test_both_workflows_share_states_and_trigger_names() -> None:
    media, grant = DEFINITIONS["media_verification"], DEFINITIONS["grant"]
    assert [s.code for s in media.states] == [s.code for s in grant.states] == list(CaseState)
    assert [t.trigger for t in media.transitions] == [t.trigger for t in grant.transitions]


def test_terminal_states_have_no_way_out() -> None:
    for definition in DEFINITIONS.values():
        for state in (s for s in definition.states if s.terminal):
            assert not any(state.code in t.sources for t in definition.transitions)


def test_a_role_refusal_is_not_permitted_not_a_guard_failure() -> None:
    engine = get_engine("media_verification")
    treasurer = Actor(9, "bendahara", frozenset({"treasurer"}))
    with pytest.raises(NotPermitted) as refused:
        engine.fire("review", ready_facts("media_verification", "submitted"), treasurer,
                    valid_input("media_verification", "review"))
    assert [r.code for r in refused.value.reasons] == ["role_not_permitted"]


def test_unmet_guards_are_all_listed_at_once() -> None:
    engine = get_engine("grant")
    facts = CaseFacts(workflow="grant", state="approved", registered_by=2, approved_amount=5)
    with pytest.raises(GuardsUnmet) as refused:
        engine.fire("pay", facts, EVERYONE, TransitionInput())
    codes = [r.code for r in refused.value.reasons]
    assert codes == ["missing_document", "missing_document", "missing_field", "missing_field",
                     "missing_field"]


def test_evaluate_skips_form_guards_but_reports_fact_guards() -> None:
    engine = get_engine("media_verification")
    facts = ready_facts("media_verification", "submitted")
    results = {e.trigger: e for e in engine.evaluate(facts, EVERYONE)}
    assert results["review"].allowed  # tier is asked in the form, not held against the case
    assert results["return_for_revision"].allowed  # the reason, too
    assert not results["approve"].allowed
    assert [r.code for r in results["approve"].reasons] == ["invalid_state"]


def test_firing_does_not_touch_the_shared_machine_state() -> None:
    engine = get_engine("media_verification")
    facts = ready_facts("media_verification", "submitted")
    engine.fire("review", facts, EVERYONE, valid_input("media_verification", "review"))
    again = engine.fire("review", facts, EVERYONE, valid_input("media_verification", "review"))
    assert again.dest == "reviewed"


def test_effects_record_who_reviewed_and_what_was_approved() -> None:
    engine = get_engine("grant")
    reviewer = Actor(7, "fajar", frozenset({"officer"}))
    outcome = engine.fire("review", ready_facts("grant", "submitted"), reviewer,
                          valid_input("grant", "review"))
    assert outcome.changes == {"recommended_amount": 10_000_000, "reviewed_by": 7}
    approval = engine.fire("approve", ready_facts("grant", "reviewed"), EVERYONE,
                           TransitionInput())
    assert approval.changes == {"approved_by": 1, "approved_amount": 10_000_000}


def test_unknown_names_raise_their_own_errors() -> None:
    with pytest.raises(UnknownWorkflow):
        get_engine("pengadaan")
    with pytest.raises(UnknownTrigger):
        get_engine("grant").spec("publish")


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_mermaid_diagram_draws_every_transition_from_the_definition(workflow: str) -> None:
    definition = DEFINITIONS[workflow]
    text = mermaid(definition, current="reviewed")
    assert text.startswith("stateDiagram-v2\n")
    for spec in definition.transitions:
        for source in spec.sources:
            assert f"{source.value} --> {spec.dest.value} : {spec.trigger}" in text
    assert "class reviewed current" in text

"""The workflow engine, with no database: every (state, trigger) pair, evaluation, diagrams."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from workflows import (
    DEFINITIONS,
    Actor,
    CaseFacts,
    CaseState,
    DocumentStatus,
    FieldValue,
    GuardsUnmet,
    NotPermitted,
    TransitionInput,
    UnknownTrigger,
    UnknownWorkflow,
    WrongState,
    get_engine,
    mermaid,
)
from workflows.facts import DocumentFact

EVERYONE = Actor(1, "semua", frozenset({"officer", "kabid", "kadis", "treasurer"}))
D = date.fromisoformat
# Uploaded documents by id: a termin names its BAST and proof of publication.
BAST, TAYANG = 41, 42
TERMIN: dict[str, FieldValue] = {
    "spm_number": "SPM/1", "spm_date": D("2026-05-18"), "sp2d_number": "SP2D/1",
    "sp2d_date": D("2026-05-20"), "bast_document_id": BAST, "bast_date": D("2026-05-15"),
    "publication_document_id": TAYANG, "gross": 5_000_000, "pph23": 100_000, "ppn": 0,
    "net": 4_900_000,
}
VALID_INPUT: dict[str, dict[str, dict[str, FieldValue]]] = {
    "media_verification": {
        "review": {"site_visit_note": "kantor redaksi dikunjungi"},
        "approve": {"spk_number": "SPK/1", "spk_date": D("2026-03-02"),
                    "approved_amount": 10_000_000, "contract_start": D("2026-03-02"),
                    "contract_end": D("2026-11-30")},
        "record_payment": TERMIN,
        "pay": TERMIN,
        "report": {"evaluation": "mitra tepat waktu"},
    },
    "grant": {
        "review": {"recommended_amount": 10_000_000},
        "approve": {"nphd_number": "NPHD/1", "nphd_date": D("2026-03-10")},
        "pay": {"spm_number": "SPM/1", "spm_date": D("2026-04-01"), "sp2d_number": "SP2D/1",
                "sp2d_date": D("2026-04-02"), "gross": 10_000_000},
        "report": {"spent_amount": 10_000_000},
    },
}


def ready_facts(workflow: str, state: str) -> CaseFacts:
    """Facts under which every guard of every transition passes: every document MS (the
    termin's BAST accepting exactly what it pays, after the SPK), a factual press company
    (category A), the Keputusan Bupati recorded, half the contract paid so far."""
    kinds = {d.code: DocumentStatus.VALID for d in DEFINITIONS[workflow].documents}
    return CaseFacts(
        workflow=workflow, state=state, registered_by=2, reviewed_by=3, amount=10_000_000,
        recommended_amount=10_000_000, approved_amount=20_000_000, paid_amount=10_000_000,
        tier="A", documents=kinds, budget_remaining=10**9,
        applicant={"dewan_pers_status": "factual", "media_type": "print"},
        data={"keputusan_amount": 10_000_000, "spk_date": "2026-03-02",
              "contract_start": "2026-03-02"}, nphd_date=D("2026-03-10"),
        uploads={BAST: DocumentFact("bast", DocumentStatus.VALID, value=5_000_000),
                 TAYANG: DocumentFact("bukti_tayang", DocumentStatus.VALID)},
        payments=1,
    )


def valid_input(workflow: str, trigger: str) -> TransitionInput:
    names = {f.name for f in get_engine(workflow).spec(trigger).fields}
    given = VALID_INPUT[workflow].get(trigger, {})
    assert set(given) <= names, (workflow, trigger, set(given) - names)
    return TransitionInput(comment="alasan tertulis", data=dict(given))


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
    """Both keep the main line and its trigger names; media adds only ``record_payment``, a
    termin that leaves the case approved (docs/domain.md, Case types)."""
    media, grant = DEFINITIONS["media_verification"], DEFINITIONS["grant"]
    assert [s.code for s in media.states] == [s.code for s in grant.states] == list(CaseState)
    media_triggers = [t.trigger for t in media.transitions]
    grant_triggers = [t.trigger for t in grant.transitions]
    assert [t for t in media_triggers if t not in grant_triggers] == ["record_payment"]
    assert [t for t in media_triggers if t != "record_payment"] == grant_triggers
    termin = media.transition("record_payment")
    assert termin is not None
    assert (termin.sources, termin.dest) == ((CaseState.APPROVED,), CaseState.APPROVED)


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
    reasons = refused.value.reasons
    # The kuitansi, then SPM number and date, SP2D number and date, and the amount
    # disbursed; then the NPHD, whose number and date are recorded nowhere and whose
    # document is not uploaded (no disbursement without a signed NPHD).
    assert [r.code for r in reasons] == ["missing_document", *["missing_field"] * 5,
                                         "missing_nphd", "missing_document"]
    assert [r.message.split(":")[0] for r in reasons[1:6]] == [
        "spm_number", "spm_date", "sp2d_number", "sp2d_date", "gross"]
    assert "NPHD" in reasons[-1].message
    assert all(r.basis for r in reasons)  # every refusal names its legal basis


def test_evaluate_skips_form_guards_but_reports_fact_guards() -> None:
    engine = get_engine("media_verification")
    facts = ready_facts("media_verification", "submitted")
    results = {e.trigger: e for e in engine.evaluate(facts, EVERYONE)}
    # The factual verification (the site-visit note) is asked in the form, not held against
    # the case; the category follows the Dewan Pers status.
    assert results["review"].allowed
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
                           valid_input("grant", "approve"))
    assert approval.changes == {"nphd_number": "NPHD/1", "nphd_date": D("2026-03-10"),
                                "approved_by": 1, "approved_amount": 10_000_000}


def test_effects_derive_the_media_category_and_add_each_termin_to_what_was_paid() -> None:
    engine = get_engine("media_verification")
    reviewer = Actor(7, "fajar", frozenset({"officer"}))
    facts = replace(ready_facts("media_verification", "submitted"), tier=None)
    outcome = engine.fire("review", facts, reviewer, valid_input("media_verification", "review"))
    assert outcome.changes == {"site_visit_note": "kantor redaksi dikunjungi",
                               "reviewed_by": 7, "tier": "A"}
    administrative = replace(facts, applicant={"dewan_pers_status": "administrative"})
    outcome = engine.fire("review", administrative, reviewer,
                          valid_input("media_verification", "review"))
    assert outcome.changes["tier"] == "B"
    termin = engine.fire("record_payment", ready_facts("media_verification", "approved"),
                         EVERYONE, valid_input("media_verification", "record_payment"))
    assert (termin.source, termin.dest) == ("approved", "approved")
    assert termin.changes["paid_amount"] == 15_000_000  # 10 000 000 before, 5 000 000 now


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

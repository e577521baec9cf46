"""Issue 12, "A workflow is one module": every rule of a workflow is read from its definition.

A third workflow declared in the test suite (``tests.event_support``) is registered and
walked through the engine, with no database. The built-in workflows' rules, now fields of
their definitions, are checked against the values the layers used to hold themselves, so the
move changed no behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from cases.services.worklist import signoff_states
from tests.event_support import (
    ACTIONS,
    EVENT_SUPPORT,
    KIND_LABELS,
    NAME,
    SCALE_LABELS,
    E,
)
from web import labels
from workflows import (
    DEFINITIONS,
    Actor,
    CaseFacts,
    DocumentStatus,
    GuardsUnmet,
    InvalidDefinition,
    NotPermitted,
    StateSpec,
    TransitionInput,
    UnknownWorkflow,
    WorkflowDefinition,
    WorkflowEngine,
    WrongState,
    get_engine,
    mermaid,
    path_to,
    register,
    registered,
    unregister,
)
from workflows.diagram import svg
from workflows.warnings import History, warnings_for

ROOT = Path(__file__).resolve().parents[2]
RINA = Actor(1, "rina", frozenset({"officer"}))
FAJAR = Actor(2, "fajar", frozenset({"officer"}))
AHMAD = Actor(4, "ahmad", frozenset({"kadis"}))


@pytest.fixture
def engine() -> Iterator[WorkflowEngine]:
    with registered(EVENT_SUPPORT) as registered_engine:
        yield registered_engine


class Stray(StrEnum):
    """A state the event-support workflow does not declare."""

    LOST = "lost"


def facts(state: str, **more: Any) -> CaseFacts:
    base = CaseFacts(workflow=NAME, state=state, registered_by=RINA.user_id, amount=5_000_000)
    return replace(base, **more)


# --- registering --------------------------------------------------------------------------

def test_a_registered_workflow_is_known_until_it_is_unregistered() -> None:
    assert NAME not in DEFINITIONS
    with registered(EVENT_SUPPORT) as engine:
        assert DEFINITIONS[NAME] is EVENT_SUPPORT
        assert get_engine(NAME) is engine
    assert NAME not in DEFINITIONS
    with pytest.raises(UnknownWorkflow):
        get_engine(NAME)


def test_a_taken_name_is_refused_and_an_unknown_one_cannot_be_unregistered(
    engine: WorkflowEngine,
) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        register(EVENT_SUPPORT)
    assert refused.value.code == "invalid_definition"
    assert get_engine(NAME) is engine  # the first registration stands
    with pytest.raises(UnknownWorkflow):
        unregister("pengadaan")


def test_a_definition_that_names_what_it_does_not_declare_is_refused_with_every_problem() -> None:
    endorse = replace(EVENT_SUPPORT.transitions[0], guards=("is_magic",), effects=("poof",),
                      dest=E.CLOSED, sources=(E.PROPOSED, Stray.LOST))
    broken = replace(
        EVENT_SUPPORT, name="broken", transitions=(endorse, *EVENT_SUPPORT.transitions[1:]),
        warnings=("moon_phase",), applicant_name_field="nobody",
        states=(*EVENT_SUPPORT.states[:-1], StateSpec(E.CLOSED, "Selesai", cell=(0, 0)),
                StateSpec(E.CLOSED, "Lagi", cell=(0, 0))),
        applicant_fields=(replace(EVENT_SUPPORT.applicant_fields[1],
                                  choice_labels={**KIND_LABELS, "rave": "Pesta"}),),
    )
    with pytest.raises(InvalidDefinition) as refused:
        register(broken)
    problems = " | ".join(r.message for r in refused.value.reasons)
    for expected in ("state closed declared twice", "endorse: undeclared state lost",
                     "two states share the diagram cell (0, 0)", "unknown guard is_magic",
                     "unknown effect poof", "unknown warning moon_phase",
                     "applicant_name_field nobody", "label for rave, which is no choice"):
        assert expected in problems
    assert "broken" not in DEFINITIONS


# --- the third workflow through the engine ------------------------------------------------

def test_the_third_workflow_walks_through_the_engine_on_its_own_rules(
    engine: WorkflowEngine,
) -> None:
    form = TransitionInput("", {"scale": "regency"})
    with pytest.raises(NotPermitted):  # four eyes: whoever registered does not endorse
        engine.fire("endorse", facts(E.PROPOSED), RINA, form)
    with pytest.raises(GuardsUnmet) as missing:
        engine.fire("endorse", facts(E.PROPOSED), FAJAR, form)
    assert [r.code for r in missing.value.reasons] == ["missing_document"]
    documents = {"proposal_kegiatan": DocumentStatus.VALID}
    endorsed = engine.fire("endorse", facts(E.PROPOSED, documents=documents), FAJAR, form)
    assert (endorsed.dest, endorsed.changes) == (E.ENDORSED, {"scale": "regency",
                                                               "reviewed_by": FAJAR.user_id})
    with pytest.raises(GuardsUnmet) as no_budget:
        engine.fire("fund", facts(E.ENDORSED, reviewed_by=2), AHMAD, TransitionInput())
    assert [r.code for r in no_budget.value.reasons] == ["no_budget"]
    funded = engine.fire("fund", facts(E.ENDORSED, reviewed_by=2, budget_remaining=10**8),
                         AHMAD, TransitionInput())
    assert funded.changes == {"approved_by": AHMAD.user_id, "approved_amount": 5_000_000}
    with pytest.raises(WrongState):
        engine.fire("fund", facts(E.FUNDED), AHMAD, TransitionInput())


def test_its_columns_are_what_its_effects_declare_and_its_choices_stay_in_the_data(
    engine: WorkflowEngine,
) -> None:
    assert engine.case_columns == {"reviewed_by", "approved_by", "approved_amount"}
    assert "scale" not in engine.case_columns


PAIRS = [(s.code, t.trigger) for s in EVENT_SUPPORT.states for t in EVENT_SUPPORT.transitions]


@pytest.mark.parametrize(("state", "trigger"), PAIRS)
def test_every_state_trigger_pair_of_the_third_workflow_moves_exactly_as_declared(
    engine: WorkflowEngine, state: E, trigger: str
) -> None:
    spec = engine.spec(trigger)
    ready = facts(state, reviewed_by=2, budget_remaining=10**8,
                  documents={d.code: DocumentStatus.VALID for d in EVENT_SUPPORT.documents})
    form = TransitionInput("alasan", {"scale": "village"} if trigger == "endorse" else {})
    everyone = Actor(9, "semua", frozenset({"officer", "kadis"}))
    if state in spec.sources:
        assert engine.fire(trigger, ready, everyone, form).dest == spec.dest
    else:
        with pytest.raises(WrongState):
            engine.fire(trigger, ready, everyone, form)


def test_its_diagram_is_laid_out_without_cells_and_draws_its_own_states(
    engine: WorkflowEngine,
) -> None:
    drawn = svg(engine.definition, E.FUNDED)
    for state in EVENT_SUPPORT.states:
        assert drawn.count(f">{state.label}</text>") == 1
    assert 'class="state current"' in drawn
    text = mermaid(engine.definition, E.FUNDED)
    assert "[*] --> proposed" in text
    assert "endorsed --> funded : fund" in text


def test_the_way_to_each_of_its_states_comes_from_its_graph() -> None:
    assert path_to(EVENT_SUPPORT, E.CLOSED) == ("endorse", "fund", "close")
    assert path_to(EVENT_SUPPORT, E.DECLINED) == ("decline",)
    island = replace(EVENT_SUPPORT, transitions=EVENT_SUPPORT.transitions[:1])
    with pytest.raises(ValueError, match="cannot be reached"):
        path_to(island, E.CLOSED)


def choice_labels(definition: WorkflowDefinition) -> dict[str, str]:
    """Every choice of every field of ``definition``, as the pages show it."""
    specs = (*definition.applicant_fields, *definition.data_fields,
             *(f for t in definition.transitions for f in t.fields))
    return {code: spec.choice_label(code) for spec in specs for code in spec.choices}


def gate_labels(definition: WorkflowDefinition) -> dict[str, str]:
    """Every gate of ``definition``, as the pages name its documents ("Syarat …")."""
    return {d.gate: definition.gate_label(d.gate) for d in definition.documents}


def test_the_pages_read_the_third_workflows_labels_from_its_definition(
    engine: WorkflowEngine,
) -> None:
    assert choice_labels(engine.definition) == {**KIND_LABELS, **SCALE_LABELS}
    assert gate_labels(engine.definition) == {"endorse": "telaah", "close": "laporan kegiatan"}
    assert ("endorsed", "Direkomendasikan") in labels.state_options()
    assert labels.default_workflow() == "media_verification"
    assert {s.code: s.action for s in engine.definition.states if s.action} == ACTIONS


def test_the_kadis_signs_off_the_built_in_reviewed_states_only() -> None:
    assert signoff_states() == {"media_verification": ("reviewed",), "grant": ("reviewed",)}
    with registered(EVENT_SUPPORT):  # its Kadis decides by ``fund``, not the queue's triggers
        assert NAME not in signoff_states()


# --- the built-in workflows: the rules moved, the values are docs/domain.md's -----------

# What the layers held themselves before issue 12 (notifications/templates.py ACTIONS,
# cases/services/facts.py COMMITTED_STATES, cases/services/transitions.py CASE_COLUMNS,
# workflows/diagram.py CELLS, web/labels.py CHOICE_LABELS and GATE_LABELS, the dashboard's
# and the sign-off queue's CaseState.REVIEWED), as revision 2 of docs/domain.md changed
# them: the media's approved state awaits termins and its paid state the final report; the
# grant's the disbursement and the LPJ.
SHARED_ACTIONS = {
    "submitted": "verifikasi berkas, atau kembalikan untuk perbaikan",
    "returned": "tindak lanjuti perbaikan dari pemohon",
    "reviewed": "setujui atau tolak",
}
ACTIONS_OF = {
    "media_verification": {
        **SHARED_ACTIONS,
        "approved": "catat pembayaran termin berikutnya atau terakhir (BAST, bukti tayang, "
                    "SP2D)",
        "paid": "catat laporan akhir kerja sama",
    },
    "grant": {
        **SHARED_ACTIONS,
        "approved": "catat pembayaran (SPM, SP2D)",
        "paid": "terima LPJ hibah",
    },
}
OLD_COMMITTED_STATES = ("approved", "paid", "reported")
# Payments (SP2D number and date) are rows of their own now, no case columns; the category
# ("tier") is derived at review and still kept on the case; a grant's refund keeps its date
# (a refund credits the pagu only when dated within the fiscal year).
CASE_COLUMNS = {
    "tier", "recommended_amount", "approved_amount", "approved_by", "reviewed_by",
    "paid_amount", "spent_amount", "refunded_amount", "refund_date", "nphd_number",
    "nphd_date",
}
OLD_CELLS = {
    "returned": (1, 0), "withdrawn": (2, 0), "submitted": (0, 1), "reviewed": (1, 1),
    "approved": (2, 1), "paid": (3, 1), "reported": (4, 1), "rejected": (2, 2),
}
# The category is no choice any more (it follows the Dewan Pers status).
CHOICE_LABELS = {
    "print": "Cetak", "online": "Daring (online)", "radio": "Radio", "tv": "Televisi",
    "factual": "Terverifikasi faktual", "administrative": "Terverifikasi administrasi",
    "in_process": "Dalam proses pendataan", "none": "Belum terdata",
}
GATE_LABELS_OF = {
    "media_verification": {"review": "verifikasi", "payment": "pembayaran",
                           "report": "laporan akhir"},
    "grant": {"review": "evaluasi", "approve": "persetujuan", "pay": "pencairan",
              "report": "LPJ"},
}
BUILT_IN = sorted(DEFINITIONS)


@pytest.mark.parametrize("workflow", BUILT_IN)
def test_each_state_says_what_its_deadline_asks_as_the_reminders_did(workflow: str) -> None:
    definition = DEFINITIONS[workflow]
    assert {s.code: s.action for s in definition.states if s.action} == ACTIONS_OF[workflow]
    assert definition.committed_states() == OLD_COMMITTED_STATES
    assert {s.code: s.cell for s in definition.states} == OLD_CELLS


@pytest.mark.parametrize("workflow", BUILT_IN)
def test_only_the_approval_locks_the_budget(workflow: str) -> None:
    locking = [t.trigger for t in DEFINITIONS[workflow].transitions if t.locks_budget]
    assert locking == ["approve"]


def test_the_columns_transitions_write_are_the_ones_the_service_listed() -> None:
    columns = set().union(*(get_engine(name).case_columns for name in BUILT_IN))
    assert columns == CASE_COLUMNS


def test_the_labels_pages_read_from_the_definitions_are_the_ones_they_held() -> None:
    gathered: dict[str, str] = {}
    for name in BUILT_IN:
        gathered |= choice_labels(DEFINITIONS[name])
        assert gate_labels(DEFINITIONS[name]) == GATE_LABELS_OF[name]
    assert gathered == CHOICE_LABELS
    assert labels.state_options() == [(s.code.value, s.label) for s in
                                      DEFINITIONS["media_verification"].states]


def test_only_the_grant_warns_of_last_years_grant() -> None:
    assert {name: d.warnings for name, d in DEFINITIONS.items()} == {
        "media_verification": (), "grant": ("previous_year_grant",)}
    grant = DEFINITIONS["grant"]
    warned = warnings_for(grant, History(2026, "HB-2025-0001"))
    assert [(r.code, r.message) for r in warned] == [
        ("previous_year_grant",
         "penerima (NPWP yang sama) juga mendapat hibah tahun 2025 (HB-2025-0001)")]
    assert all(r.basis for r in warned)
    assert warnings_for(grant, History(2026)) == []
    assert warnings_for(DEFINITIONS["media_verification"], History(2026, "MV-2025-0001")) == []


# --- nothing outside a workflow's module names it -----------------------------------------

APP_SOURCES = [ROOT / "app.py", *(p for top in ("workflows", "cases", "notifications", "web",
                                                  "migrations")
                                   for p in sorted((ROOT / top).rglob("*"))
                                   if p.suffix in (".py", ".html"))]


def test_no_module_outside_the_tests_names_the_third_workflow() -> None:
    named = [str(p.relative_to(ROOT)) for p in APP_SOURCES
             if re.search(rf"{NAME}|EventState|Dukungan kegiatan", p.read_text("utf-8"))]
    assert named == []


# A workflow's name, a literal trigger or state compared, or a state constant: a rule of
# one workflow written outside its definition (issue 12).
WORKFLOW_RULE = re.compile(
    r"""["'](media_verification|grant)["']|DEFINITIONS\[["']|"""
    r"""\b(trigger|workflow|state) [!=]= ["']|CaseState\.[A-Z]""")
# Where one remains, and why. Remove an entry when its owner moves the rule.
KNOWN = {
    "workflows/media_verification.py": "its own definition",
    "workflows/grant.py": "its own definition",
    "workflows/common.py": "the parts both built-in definitions share",
    "cases/demo.py": "demo data: the cases it creates are of named workflows",
    "cases/demo_data.py": "demo data: the stories it tells are of named workflows",
    # The auditor's recaps (issue 15) read one named workflow's data each (the hibah's
    # Keputusan, NPHD and LPJ; the media contracts' termins and taxes): to move into the
    # definitions as declared recaps when a third workflow needs one.
    "cases/services/recaps.py": "recaps of the hibah and of the media contracts",
    # A migration is frozen at its revision: it cannot read today's definitions.
    "migrations/versions/0006_lawful_workflows_parties_payments_budget_entries.py":
        "data migration: moves each named workflow's applicant into a party",
}


def test_no_module_but_a_definition_holds_a_rule_of_one_workflow() -> None:
    found = {str(p.relative_to(ROOT)) for p in APP_SOURCES
             if WORKFLOW_RULE.search(p.read_text("utf-8"))}
    assert found <= KNOWN.keys(), sorted(found - KNOWN.keys())

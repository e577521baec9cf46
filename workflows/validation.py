"""Checks a workflow definition before it is registered, so a mistake fails at start-up.

A definition refers to its own states, triggers and fields, and to guards, effects and
warnings by name; a name that points nowhere would otherwise fail on the first case that
reaches it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator

from workflows.definition import FieldSpec, WorkflowDefinition
from workflows.effects import EFFECTS
from workflows.errors import InvalidDefinition
from workflows.guards import GUARDS
from workflows.reasons import Reason
from workflows.registration import REGISTRATION_CHECKS
from workflows.warnings import WARNINGS


def check_definition(definition: WorkflowDefinition) -> None:
    """Raise :class:`InvalidDefinition` listing every problem of ``definition``."""
    problems = [*_states(definition), *_names(definition), *_fields(definition)]
    if problems:
        raise InvalidDefinition(
            f"Definisi alur {definition.name!r} tidak sah",
            [Reason("invalid_definition", problem) for problem in problems],
        )


def _duplicates(values: Iterable[Hashable]) -> list[Hashable]:
    return [value for value, count in Counter(values).items() if count > 1]


def _states(definition: WorkflowDefinition) -> Iterator[str]:
    codes = {s.code for s in definition.states}
    yield from (f"state {c} declared twice" for c in _duplicates(s.code for s in definition.states))
    used = [("initial", definition.initial)]
    for spec in definition.transitions:
        used += [(spec.trigger, state) for state in (*spec.sources, spec.dest)]
    used += [("deadline", rule.state) for rule in definition.deadlines]
    yield from (f"{where}: undeclared state {state}" for where, state in used
                if state not in codes)
    cells = [s.cell for s in definition.states if s.cell is not None]
    yield from (f"two states share the diagram cell {cell}" for cell in _duplicates(cells))


def _names(definition: WorkflowDefinition) -> Iterator[str]:
    triggers = [t.trigger for t in definition.transitions]
    yield from (f"trigger {t} declared twice" for t in _duplicates(triggers))
    for spec in definition.transitions:
        yield from (f"{spec.trigger}: unknown guard {g}" for g in spec.guards if g not in GUARDS)
        yield from (f"{spec.trigger}: unknown effect {e}" for e in spec.effects
                    if e not in EFFECTS)
    yield from (f"unknown warning {w}" for w in definition.warnings if w not in WARNINGS)
    gates = {t.gate for t in definition.transitions}
    yield from (f"document {d.code}: unknown gate {d.gate}" for d in definition.documents
                if d.gate not in gates)
    yield from (f"unknown registration check {c}" for c in definition.registration_checks
                if c not in REGISTRATION_CHECKS)
    yield from (f"basis for {g}, which no transition asks" for g in definition.bases
                if g not in {name for t in definition.transitions for name in t.guards})
    yield from (f"document {c} declared twice"
                for c in _duplicates(d.code for d in definition.documents))


def _fields(definition: WorkflowDefinition) -> Iterator[str]:
    applicant = {f.name for f in definition.applicant_fields}
    if definition.applicant_name_field and definition.applicant_name_field not in applicant:
        yield f"applicant_name_field {definition.applicant_name_field} is no applicant field"
    forms: list[FieldSpec] = [f for t in definition.transitions for f in t.fields]
    for spec in (*definition.applicant_fields, *definition.data_fields, *forms):
        yield from (f"{spec.name}: label for {code}, which is no choice"
                    for code in spec.choice_labels if code not in spec.choices)

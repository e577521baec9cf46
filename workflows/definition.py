"""The vocabulary in which workflows are declared: states, transitions, fields, documents.

A workflow is data. These frozen dataclasses hold it; guards, effects and warnings are referred
to by name and looked up in their registries, so a definition carries no logic of its own.
Every rule that differs between workflows is a field here (issue 12, "A workflow is one
module"): the engine, the services, the API, the pages, the diagrams, the reminders and the
demo read it from the definition, and never ask which workflow a case belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class CaseState(StrEnum):
    """Stored state identifiers of the two built-in workflows. Renaming one needs a migration.

    Another workflow may declare states of its own, in a ``StrEnum`` of its own module.
    """

    SUBMITTED = "submitted"
    RETURNED = "returned"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    REPORTED = "reported"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    OFFICER = "officer"
    KABID = "kabid"
    KADIS = "kadis"
    TREASURER = "treasurer"
    ADMIN = "admin"


ROLE_LABELS: Mapping[str, str] = {
    Role.OFFICER: "Petugas / verifikator Bidang PIKP",
    Role.KABID: "Kepala Bidang PIKP",
    Role.KADIS: "Kepala Dinas",
    Role.TREASURER: "Bendahara Pengeluaran",
    Role.ADMIN: "Administrator sistem",
}


class FieldType(StrEnum):
    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One input field: of a case's applicant or data, or of a transition's form.

    ``choices`` are the stored codes of a choice field, ``choice_labels`` what people read
    for them (a code without a label is shown as itself). ``column`` says the value is kept
    in the case's own column of that name (guards and lists read it there), not in its data.
    """

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 500
    choice_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    column: bool = False

    def choice_label(self, code: str) -> str:
        """The label people read for the stored ``code``."""
        return self.choice_labels.get(code, code)


@dataclass(frozen=True, slots=True)
class StateSpec:
    """One state. Besides its label:

    - ``action``: what whoever holds the state's deadline must do (reminders, task notices);
    - ``commits_budget``: a case here holds its approved amount against the year's budget;
    - ``owes_report``: a case here still owes the recipient's report; an earlier case left
      here past its deadline blocks the recipient's next approval (``has_no_overdue_report``);
    - ``signoff``: a case here waits for the Kadis's decision (approve or reject): it is in
      the Kadis's sign-off queue and counted on their dashboard;
    - ``cell``: (column, row) in the drawn diagram; without one for every state, the diagram
      lays the states out by itself.
    """

    code: StrEnum
    label: str
    terminal: bool = False
    action: str = ""
    commits_budget: bool = False
    owes_report: bool = False
    signoff: bool = False
    cell: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """A document the applicant supplies, and the transition (gate) that needs it."""

    code: str
    label: str
    gate: str
    legal_basis: str = ""
    conditional: bool = False  # required only in some cases; a guard decides (e.g. `sts`)


@dataclass(frozen=True, slots=True)
class TransitionSpec:
    """One transition. ``locks_budget``: it spends budget, so the service takes the budget's
    lock before its guards read what remains (two at once cannot both spend the last rupiah).
    ``gate_label``: how the list of documents this transition needs is named ("Syarat …")."""

    trigger: str
    label: str
    sources: tuple[StrEnum, ...]
    dest: StrEnum
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    comment_required: bool = False
    effects: tuple[str, ...] = ()
    # Documents at this gate only need to be present (not checked valid) when False.
    documents_must_be_valid: bool = False
    locks_budget: bool = False
    gate_label: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long the people holding ``role`` have to move a case out of ``state``.

    Exactly one of ``working_days``, ``calendar_days`` or ``next_year_on`` (month, day of the
    year after the fiscal year) is set.
    """

    state: StrEnum
    role: Role
    working_days: int | None = None
    calendar_days: int | None = None
    next_year_on: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """A whole workflow; its cases start in ``initial``. ``warnings`` name the warnings
    (``workflows.warnings``) shown to the people deciding on its cases; unlike guards they
    never refuse anything."""

    name: str
    label: str
    reference_prefix: str
    initial: StrEnum
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    documents: tuple[DocumentKind, ...]
    applicant_fields: tuple[FieldSpec, ...]
    data_fields: tuple[FieldSpec, ...]
    deadlines: tuple[DeadlineRule, ...]
    applicant_name_field: str
    amount_label: str
    parameters: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def state(self, code: str) -> StateSpec:
        return next(s for s in self.states if s.code == code)

    def transition(self, trigger: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.trigger == trigger), None)

    def document(self, code: str) -> DocumentKind | None:
        return next((d for d in self.documents if d.code == code), None)

    def gate_documents(self, trigger: str) -> tuple[DocumentKind, ...]:
        """Documents a transition always requires (conditional ones are left to guards)."""
        return tuple(d for d in self.documents if d.gate == trigger and not d.conditional)

    def gate_label(self, trigger: str) -> str:
        """How the documents of ``trigger``'s gate are named: its ``gate_label``, else its
        label, else the trigger itself."""
        spec = self.transition(trigger)
        return (spec.gate_label or spec.label) if spec else trigger

    def deadline(self, state: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.state == state), None)

    def committed_states(self) -> tuple[str, ...]:
        """Codes of the states whose cases hold their approved amount against the budget."""
        return tuple(s.code.value for s in self.states if s.commits_budget)

    def report_owing_states(self) -> tuple[str, ...]:
        """Codes of the states whose cases still owe the recipient's report."""
        return tuple(s.code.value for s in self.states if s.owes_report)

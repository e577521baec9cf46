"""The vocabulary in which workflows are declared: states, transitions, fields, documents.

A workflow is data. These frozen dataclasses hold it; guards and effects are referred to by
name and looked up in their registries, so a definition carries no logic of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class CaseState(StrEnum):
    """Stored state identifiers, shared by every workflow. Renaming one needs a migration."""

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
    """One input field: of a case's applicant or data, or of a transition's form."""

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 500


@dataclass(frozen=True, slots=True)
class StateSpec:
    code: CaseState
    label: str
    terminal: bool = False


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
    trigger: str
    label: str
    sources: tuple[CaseState, ...]
    dest: CaseState
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    comment_required: bool = False
    effects: tuple[str, ...] = ()
    # Documents at this gate only need to be present (not checked valid) when False.
    documents_must_be_valid: bool = False


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long the people holding ``role`` have to move a case out of ``state``.

    Exactly one of ``working_days``, ``calendar_days`` or ``next_year_on`` (month, day of the
    year after the fiscal year) is set.
    """

    state: CaseState
    role: Role
    working_days: int | None = None
    calendar_days: int | None = None
    next_year_on: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    name: str
    label: str
    reference_prefix: str
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    documents: tuple[DocumentKind, ...]
    applicant_fields: tuple[FieldSpec, ...]
    data_fields: tuple[FieldSpec, ...]
    deadlines: tuple[DeadlineRule, ...]
    applicant_name_field: str
    amount_label: str
    parameters: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    initial: CaseState = CaseState.SUBMITTED

    def state(self, code: str) -> StateSpec:
        return next(s for s in self.states if s.code == code)

    def transition(self, trigger: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.trigger == trigger), None)

    def document(self, code: str) -> DocumentKind | None:
        return next((d for d in self.documents if d.code == code), None)

    def gate_documents(self, trigger: str) -> tuple[DocumentKind, ...]:
        """Documents a transition always requires (conditional ones are left to guards)."""
        return tuple(d for d in self.documents if d.gate == trigger and not d.conditional)

    def deadline(self, state: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.state == state), None)

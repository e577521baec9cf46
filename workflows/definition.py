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
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_LABELS: Mapping[str, str] = {
    Role.OFFICER: "Petugas / verifikator Bidang PIKP",
    Role.KABID: "Kepala Bidang PIKP (PPTK)",
    Role.KADIS: "Kepala Dinas (Pengguna Anggaran)",
    Role.TREASURER: "Bendahara Pengeluaran",
    Role.FINANCE: "PPK-SKPD (Kasubbag Keuangan)",
    Role.AUDITOR: "Pemeriksa (Inspektorat / BPK)",
    Role.ADMIN: "Administrator sistem",
}

ParameterValue = int | str
Parameters = Mapping[str, Mapping[str, ParameterValue]]


class FieldType(StrEnum):
    TEXT = "text"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"
    DOCUMENT = "document"  # the id of one of the case's documents, of ``document_kind``


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
    document_kind: str = ""

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
    """A document the applicant supplies, and the gate that needs it (a transition's
    ``document_gate``, by default its trigger).

    - ``conditional``: required only in some cases, which a guard decides (e.g. ``sts``);
    - ``required_when``: required only when an applicant field holds one of the values
      (the ``ipp`` of radio and TV: ``("media_type", ("radio", "tv"))``);
    - ``per_payment``: one is chosen for each payment (a termin's BAST), never required as a
      kind; the payment's guards check the one chosen;
    - ``valued``: whoever checks it MS records the value it states (what a BAST accepted),
      which bounds the payment made against it.
    """

    code: str
    label: str
    gate: str
    legal_basis: str = ""
    conditional: bool = False
    required_when: tuple[str, tuple[str, ...]] | None = None
    per_payment: bool = False
    valued: bool = False

    def required_for(self, applicant: Mapping[str, object]) -> bool:
        """Is this kind required of a case whose applicant is ``applicant``?"""
        if self.conditional or self.per_payment:
            return False
        if self.required_when is None:
            return True
        field_name, values = self.required_when
        return applicant.get(field_name) in values


@dataclass(frozen=True, slots=True)
class TransitionSpec:
    """One transition. ``locks_budget``: it spends budget, so the service takes the budget's
    lock before its guards read what remains (two at once cannot both spend the last rupiah).
    ``gate_label``: how the list of documents this transition needs is named ("Syarat …").
    ``document_gate``: the gate whose documents it needs (default: its trigger), so that two
    transitions can share one (a termin and the final payment). ``records_payment``: its
    form is a payment (SPM, SP2D, amounts), kept as a payment row of the case."""

    trigger: str
    label: str
    sources: tuple[StrEnum, ...]
    dest: StrEnum
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    comment_required: bool = False
    effects: tuple[str, ...] = ()
    locks_budget: bool = False
    gate_label: str = ""
    document_gate: str = ""
    records_payment: bool = False

    @property
    def gate(self) -> str:
        return self.document_gate or self.trigger


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long the people holding ``role`` have to move a case out of ``state``.

    Exactly one of ``working_days``, ``calendar_days`` or ``next_year_on`` (month, day of the
    year after the fiscal year) is set. ``after_field``: a date field of the case's data
    (the contract's end); when the case holds it, the period counts from that day rather
    than from the day the state was entered (earlier or later).
    """

    state: StrEnum
    role: Role
    working_days: int | None = None
    calendar_days: int | None = None
    next_year_on: tuple[int, int] | None = None
    after_field: str | None = None


@dataclass(frozen=True, slots=True)
class LetterKind:
    """A document Berkas itself issues on a case of the workflow (a Berita Acara, a letter, a
    draft NPHD), numbered, signed and verifiable (docs/domain.md, Money, dates and letters).

    - ``template``: the file of ``cases/letters/templates`` that lays it out;
    - ``classification``: the archive classification code its number carries
      (Permendagri 83/2022), the ``{code}`` of the number pattern;
    - ``roles``: who may issue it, in their own right or under a warrant (Plh./Plt.), and
      revoke it; the issuer signs it, with the title of the position they issue it by;
    - ``states``: the states of the case in which it may be issued;
    - ``fields``: what the issuer types in besides what the case holds (a termin's period);
      ``period``: two of them, a start and an end, the end not before the start.
    """

    code: str
    label: str
    template: str
    classification: str
    roles: frozenset[Role]
    states: tuple[StrEnum, ...]
    legal_basis: str = ""
    fields: tuple[FieldSpec, ...] = ()
    period: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """A whole workflow; its cases start in ``initial``.

    - ``warnings`` name the warnings (``workflows.warnings``) shown to the people deciding on
      its cases; unlike guards they never refuse anything;
    - ``registration_checks`` name the checks (``workflows.registration``) a new case must
      pass before it is registered;
    - ``party_kind``: the kind of party that applies (``company``, ``organisation``);
    - ``applicant_name_field``: the applicant field that names the case in lists (a media's
      name); empty: the party's name;
    - ``bases``: the legal basis of each guard it names, shown with every refusal;
    - ``parameters``: values its guards read (ceilings, maps), defaults that the settings
      may override per deployment (``GuardContext.parameter``);
    - ``letters``: the documents Berkas issues on its cases (:class:`LetterKind`).
    """

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
    parameters: Parameters = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    registration_checks: tuple[str, ...] = ()
    party_kind: str = "organisation"
    bases: Mapping[str, str] = field(default_factory=dict)
    letters: tuple[LetterKind, ...] = ()

    def state(self, code: str) -> StateSpec:
        return next(s for s in self.states if s.code == code)

    def transition(self, trigger: str) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.trigger == trigger), None)

    def document(self, code: str) -> DocumentKind | None:
        return next((d for d in self.documents if d.code == code), None)

    def letter(self, code: str) -> LetterKind | None:
        return next((k for k in self.letters if k.code == code), None)

    def gate_documents(
        self, gate: str, applicant: Mapping[str, object] | None = None
    ) -> tuple[DocumentKind, ...]:
        """Documents the gate ``gate`` requires of a case whose applicant is ``applicant``
        (without one: those every case needs). Conditional and per-payment kinds are left
        to guards."""
        facts = applicant or {}
        return tuple(d for d in self.documents if d.gate == gate and d.required_for(facts))

    def gate_label(self, gate: str) -> str:
        """How the documents of the gate ``gate`` are named: the ``gate_label`` of the
        transition that needs them (whose ``gate`` it is, e.g. ``payment`` shared by a termin
        and the final payment), else its label, else the gate itself."""
        spec = next((t for t in self.transitions if t.gate == gate), None)
        return (spec.gate_label or spec.label) if spec else gate

    def deadline(self, state: str) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.state == state), None)

    def committed_states(self) -> tuple[str, ...]:
        """Codes of the states whose cases hold their approved amount against the budget."""
        return tuple(s.code.value for s in self.states if s.commits_budget)

    def report_owing_states(self) -> tuple[str, ...]:
        """Codes of the states whose cases still owe the recipient's report."""
        return tuple(s.code.value for s in self.states if s.owes_report)

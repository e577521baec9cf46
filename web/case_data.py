"""What a case holds, as officers read it: the case page's party, "Data berkas", its
decision and agreement blocks (Keputusan Bupati, SPK, NPHD, LPJ), its payments, and the
sign-off queue's note of what the review recorded.

Nothing here knows a workflow: the rows follow the case's definition (its applicant and data
fields, then whatever its transitions record, in the order they record it), and read each
value where the definition keeps it (``FieldSpec.column``). A block gathers the values of
named fields (``keputusan_number``, ``spk_number``, …) wherever a workflow records them, and
applies to a workflow whose definition has its key field; whatever no block shows is a line
of "Data berkas". Labels of values no form field names are in :data:`web.labels.COLUMN_LABELS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cases.models import Case, Document, Party
from cases.services.parties import KIND_LABELS, npwp_display
from cases.views import CaseView, PaymentView, field_value
from web.labels import COLUMN_LABELS, STATUS_SHORT
from web.render import rupiah, tanggal, tgl
from workflows import FieldSpec, FieldType, WorkflowDefinition
from workflows.definition import Parameters
from workflows.effects import EFFECTS
from workflows.payments import CLOSING_REASON

# Columns that name people: the page shows them by name, after the data.
PEOPLE = frozenset({"registered_by", "reviewed_by", "approved_by", "assignee_id"})
# Shown by the payments section, never as a line of data.
PAYMENT_VALUES = frozenset({"paid_amount", CLOSING_REASON})


@dataclass(frozen=True, slots=True)
class Shown:
    """One line of a case's data: what it is, and its value as officers write it."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A group of values the case page shows under a title of its own (the SPK: its number,
    date, value and period), for a workflow that records ``key``.

    ``labels``: page labels that replace the fields' own; ``period``: two date fields shown
    as one line ``(start, end, label)``; ``hidden``: values it accounts for without a line
    of their own (the refund typed, which the refund recorded repeats)."""

    title: str
    key: str
    fields: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    period: tuple[str, str, str] | None = None
    hidden: tuple[str, ...] = ()

    def names(self) -> set[str]:
        period = set(self.period[:2]) if self.period else set()
        return {*self.fields, *period, *self.hidden}


BLOCKS: tuple[Block, ...] = (
    Block("Keputusan Bupati", "keputusan_number",
          ("keputusan_number", "keputusan_date", "keputusan_amount"),
          labels={"keputusan_number": "Nomor", "keputusan_date": "Tanggal",
                  "keputusan_amount": "Nilai hibah"}),
    Block("SPK (kontrak)", "spk_number", ("spk_number", "spk_date", "approved_amount"),
          labels={"spk_number": "Nomor SPK", "spk_date": "Tanggal SPK",
                  "approved_amount": "Nilai kontrak (SPK)"},
          period=("contract_start", "contract_end", "Masa kontrak")),
    Block("NPHD (perjanjian hibah)", "nphd_number",
          ("nphd_number", "nphd_date", "approved_amount"),
          labels={"nphd_number": "Nomor NPHD", "nphd_date": "Tanggal NPHD",
                  "approved_amount": "Nilai hibah disetujui"}),
    Block("LPJ dan sisa dana", "spent_amount",
          ("spent_amount", "refunded_amount", "refund_date"),
          labels={"spent_amount": "Digunakan",
                  "refunded_amount": "Disetor ke Kas Daerah (STS)",
                  "refund_date": "Tanggal setor"},
          hidden=("refund_amount",)),
)


@dataclass(frozen=True, slots=True)
class ShownBlock:
    title: str
    rows: list[Shown]


def all_fields(definition: WorkflowDefinition) -> dict[str, FieldSpec | None]:
    """Every value ``definition`` keeps, by name: its applicant and data fields, its
    transitions' form fields, then the case columns its effects write (no form field, hence
    no spec: an approval's amount, a refund, the category). People are left out."""
    found: dict[str, FieldSpec | None] = {}
    for spec in (*definition.applicant_fields, *definition.data_fields):
        found.setdefault(spec.name, spec)
    for transition in definition.transitions:
        for spec in transition.fields:
            found.setdefault(spec.name, spec)
        for effect in transition.effects:
            for column in EFFECTS[effect].columns:
                found.setdefault(column, None)
    return {name: spec for name, spec in found.items() if name not in PEOPLE}


def recorded_fields(definition: WorkflowDefinition) -> list[tuple[str, FieldSpec | None]]:
    """What the transitions of ``definition`` record, in the order they record it: each
    transition's form fields, then the case columns its effects write. People and the
    fields of payments (kept as payment rows) are left out."""
    found: dict[str, FieldSpec | None] = {}
    for transition in definition.transitions:
        if not transition.records_payment:
            for spec in transition.fields:
                found.setdefault(spec.name, spec)
        for effect in transition.effects:
            for column in EFFECTS[effect].columns:
                found.setdefault(column, None)
    return [(name, spec) for name, spec in found.items() if name not in PEOPLE]


def blocks_of(definition: WorkflowDefinition) -> list[Block]:
    """The blocks that apply to ``definition`` (it records their key field); a value two
    blocks name (the approved amount) goes to the first that applies."""
    names = all_fields(definition)
    return [block for block in BLOCKS if block.key in names]


def shown_blocks(view: CaseView, definition: WorkflowDefinition) -> list[ShownBlock]:
    """The blocks of ``view`` that hold a value yet, each with its lines."""
    specs = all_fields(definition)
    taken: set[str] = set()
    shown = []
    for block in blocks_of(definition):
        rows = []
        for name in block.fields:
            if name in taken:
                continue
            taken.add(name)
            line = _recorded(view, name, specs.get(name), block.labels.get(name))
            if line is not None:
                rows.append(line)
        if block.period:
            start, end, label = block.period
            first, last = _raw(view, start, specs.get(start)), _raw(view, end, specs.get(end))
            if first or last:
                rows.append(Shown(label, f"{tgl(first)} s.d. {tgl(last)}"))
        taken |= block.names()
        if rows:
            shown.append(ShownBlock(block.title, rows))
    return shown


def data_rows(view: CaseView, definition: WorkflowDefinition,
              parameters: Mapping[str, Parameters] | None = None) -> list[Shown]:
    """The case page's "Data berkas": the applicant, the data given at registration, the
    amount asked, then every value its transitions have recorded so far that no block and
    no payment shows (``parameters``: the deployment's overrides, for the category)."""
    in_blocks = set().union(*(b.names() for b in blocks_of(definition)))
    rows = [Shown(spec.label, str(_applicant(spec, view.applicant.get(spec.name))))
            for spec in definition.applicant_fields]
    rows += [Shown(spec.label, _text(spec, value)) for spec in definition.data_fields
             if spec.name not in in_blocks and (value := view.data.get(spec.name))]
    rows.append(Shown(definition.amount_label, rupiah(view.amount)))
    paired = {c.with_column for c in COLUMN_LABELS.values() if c.with_column}
    for name, spec in recorded_fields(definition):
        if name in paired or name in in_blocks or name in PAYMENT_VALUES:
            continue
        if name == "tier":
            if view.tier:
                rows.append(Shown(COLUMN_LABELS["tier"].label,
                                  category_text(view.tier, view.applicant, definition,
                                                parameters or {})))
            continue
        shown = _recorded(view, name, spec)
        if shown is not None:
            rows.append(shown)
    return rows


def category_text(tier: str, applicant: Mapping[str, Any], definition: WorkflowDefinition,
                  parameters: Mapping[str, Parameters]) -> str:
    """``Kategori A (terverifikasi faktual)``: the category, and the applicant's status it
    follows from (the definition's ``category_by_status``, with the deployment's overrides)."""
    by_status = {**definition.parameters.get("category_by_status", {}),
                 **parameters.get(definition.name, {}).get("category_by_status", {})}
    for spec in definition.applicant_fields:
        value = applicant.get(spec.name)
        if spec.choices and value in by_status and str(by_status[value]) == tier:
            return f"Kategori {tier} ({spec.choice_label(value).lower()})"
    return f"Kategori {tier}"


def party_rows(party: Party | None) -> list[Shown]:
    """The party applying, as the case page names it (its name links to its page)."""
    if party is None:
        return []
    rows = [Shown("Jenis", KIND_LABELS.get(party.kind, party.kind)),
            Shown("NPWP", npwp_display(party.npwp) or "belum dicatat")]
    if party.kind == "company" or party.nib:
        rows.append(Shown("NIB", party.nib or "—"))
    rows.append(Shown("PKP", "Ya" if party.is_pkp else "Tidak"))
    if party.address:
        rows.append(Shown("Alamat", party.address))
    return rows


# --- payments ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PaymentColumns:
    """Which columns the payments table of a workflow has: a media termin names its BAST,
    proof of publication and taxes; a grant's disbursement has none of them."""

    documents: bool
    taxes: bool
    noun: str  # "Termin" or "Pencairan"


def payment_columns(definition: WorkflowDefinition) -> PaymentColumns:
    specs = [f for t in definition.transitions if t.records_payment for f in t.fields]
    documents = any(f.type is FieldType.DOCUMENT for f in specs)
    taxes = any(f.name in ("pph23", "ppn") for f in specs)
    return PaymentColumns(documents, taxes, "Termin" if documents else "Pencairan")


@dataclass(frozen=True, slots=True)
class PaymentSummary:
    """The sum paid (gross) against the value it may not exceed, and what is left."""

    paid: int
    ceiling: int | None
    ceiling_label: str
    left: int | None
    refunded: int
    closing_reason: str


def payment_summary(view: CaseView, definition: WorkflowDefinition) -> PaymentSummary:
    paid = sum(p.payment.gross for p in view.payments)
    ceiling = view.approved_amount
    spk = any(b.key == "spk_number" for b in blocks_of(definition))
    return PaymentSummary(
        paid=paid, ceiling=ceiling,
        ceiling_label="nilai kontrak (SPK)" if spk else "nilai yang disetujui",
        left=None if ceiling is None else ceiling - paid,
        refunded=view.refunded_amount or 0,
        closing_reason=str(view.data.get(CLOSING_REASON) or ""),
    )


def used_documents(payments: tuple[PaymentView, ...]) -> dict[int, int]:
    """The documents the case's payments used (BAST, proof of publication): id → the
    termin that used it."""
    used: dict[int, int] = {}
    for view in payments:
        for doc_id in (view.payment.bast_document_id, view.payment.publication_document_id):
            if doc_id is not None:
                used[doc_id] = view.payment.seq
    return used


@dataclass(frozen=True, slots=True)
class DocumentChoice:
    """One option of a form's document select: the document, as the treasurer tells it
    apart from the others of its kind (file, upload day, check, the value a BAST accepted,
    the termin that used it). ``used``: a payment already used it, or its very bytes (the
    option is disabled); ``usable``: a payment may use it (it is chosen first)."""

    id: int
    text: str
    usable: bool
    used: bool


def document_choices(documents: tuple[Document, ...], payments: tuple[PaymentView, ...],
                     tz: ZoneInfo, definition: WorkflowDefinition,
                     paid_elsewhere: frozenset[int] = frozenset()
                     ) -> dict[str, list[DocumentChoice]]:
    """The case's documents by kind, newest first, as the options of a document field.
    ``paid_elsewhere``: those whose bytes some payment used (here as another upload, or on
    another case): a payment refuses them."""
    used = used_documents(payments)
    valued = {d.code for d in definition.documents if d.valued}
    choices: dict[str, list[DocumentChoice]] = {}
    for doc in sorted(documents, key=lambda d: d.id or 0, reverse=True):
        assert doc.id is not None
        seq = used.get(doc.id)
        parts = [doc.filename, f"diunggah {tgl(_local_day(doc.uploaded_at, tz))}",
                 STATUS_SHORT.get(doc.status, doc.status)]
        missing_value = False
        if doc.kind in valued and doc.status == "valid":
            missing_value = doc.value is None
            parts.append("nilai diterima belum dicatat" if missing_value
                         else f"diterima {rupiah(doc.value)}")
        if seq is not None:
            parts.append(f"sudah dipakai termin {seq}")
        elif doc.id in paid_elsewhere:
            parts.append("berkas yang sama sudah dipakai pembayaran lain")
        taken = seq is not None or doc.id in paid_elsewhere
        choices.setdefault(doc.kind, []).append(DocumentChoice(
            doc.id, " — ".join(parts), doc.status == "valid" and not taken and not missing_value,
            taken))
    return choices


def document_values(documents: tuple[Document, ...]) -> dict[int, int]:
    """The value each document states, as recorded when it was checked MS (a BAST's
    accepted value), by id: the payments table shows it beside the termin's gross."""
    return {doc.id: doc.value for doc in documents if doc.id is not None and doc.value is not None}


# Fields a payment form asks only of a case that has not recorded them: a grant approved
# before approval asked for its NPHD (revision 1). Once its date is recorded, ``has_nphd``
# refuses them (``nphd_already_recorded``), so the form leaves them out.
RECORDED_ONCE = frozenset({"nphd_number", "nphd_date"})


@dataclass(frozen=True, slots=True)
class LateFields:
    """What a payment form does with the fields of :data:`RECORDED_ONCE`, by trigger:
    ``hidden``, the names it leaves out; ``asked``, the triggers that ask them (the case
    has not recorded them), with a note saying why."""

    hidden: dict[str, frozenset[str]]
    asked: frozenset[str]


def late_fields(view: CaseView, definition: WorkflowDefinition) -> LateFields:
    hidden: dict[str, frozenset[str]] = {}
    asked: set[str] = set()
    for transition in definition.transitions:
        names = frozenset(f.name for f in transition.fields if f.name in RECORDED_ONCE)
        if not transition.records_payment or not names:
            continue
        if view.nphd_date is not None:
            hidden[transition.trigger] = names
        else:
            asked.add(transition.trigger)
    return LateFields(hidden, frozenset(asked))


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


# --- the registration data: its form and its changes -------------------------------------

@dataclass(frozen=True, slots=True)
class DataInput:
    """One field of the form "Ubah data pendaftaran": its spec, its value as the input
    shows it, and whether it is ``locked`` (recorded when the case was reviewed: only what is
    still missing may be completed then)."""

    spec: FieldSpec
    text: str
    locked: bool


def data_form(view: CaseView, definition: WorkflowDefinition) -> list[DataInput]:
    """The registration data of ``view`` as its form shows them, or none while they can no
    longer change (the case approved, or closed) or the workflow registers none."""
    state = definition.state(view.state)
    if state.commits_budget or state.terminal:
        return []
    reviewed = view.reviewed_by is not None
    inputs = []
    for spec in definition.data_fields:
        value = view.data.get(spec.name)
        empty = value is None or value == ""
        inputs.append(DataInput(spec, "" if empty else _typed_text(spec, value),
                                reviewed and not empty))
    return inputs


def _typed_text(spec: FieldSpec, value: Any) -> str:
    """A value as one types it into its input: an amount with thousands dots, a date as
    the date input takes it (ISO), anything else as it is."""
    if spec.type is FieldType.MONEY and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def data_change(definition: WorkflowDefinition, payload: Mapping[str, Any]) -> list[Shown]:
    """What a change of the registration data changed (its audit entry's ``before`` and
    ``after``): each field by its label, "before → after"."""
    specs = {spec.name: spec for spec in definition.data_fields}
    before, after = payload.get("before") or {}, payload.get("after") or {}
    rows = []
    for name, value in after.items():
        spec = specs.get(name)
        old = before.get(name)
        rows.append(Shown(spec.label if spec else name,
                          f"{_shown(spec, old)} → {_shown(spec, value)}"))
    return rows


def _shown(spec: FieldSpec | None, value: Any) -> str:
    return "(kosong)" if value is None or value == "" else _text(spec, value)


# --- the sign-off queue --------------------------------------------------------------------

def review_summary(case: Case, definition: WorkflowDefinition,
                   parameters: Mapping[str, Parameters] | None = None) -> str:
    """What the review that brought ``case`` to its state recorded, as the Kadis reads it:
    the category its effects derived (with the status it follows from), then the values its
    form recorded, each by its label (a recommended amount, the site-visit note)."""
    texts = []
    for transition in definition.transitions:
        if transition.dest != case.state:
            continue
        for effect in transition.effects:
            if "tier" in EFFECTS[effect].columns and case.tier:
                texts.append(category_text(case.tier, case.applicant, definition,
                                           parameters or {}))
        for spec in transition.fields:
            value = field_value(case, spec)
            if value is not None and value != "":
                column = COLUMN_LABELS.get(spec.name)
                texts.append(f"{column.label if column else spec.label}: {_text(spec, value)}")
    return "; ".join(dict.fromkeys(texts))


# --- values as officers write them ---------------------------------------------------------

def _applicant(spec: FieldSpec, value: Any) -> Any:
    return (spec.choice_label(value) if value is not None else None) or "—"


def _raw(view: CaseView, name: str, spec: FieldSpec | None) -> Any:
    """The value of ``name`` on ``view``: by its spec (column or data), else its own column,
    else its data."""
    if spec is not None:
        return field_value(view, spec)
    if hasattr(view, name):
        return getattr(view, name)
    return view.data.get(name)


def _recorded(view: CaseView, name: str, spec: FieldSpec | None, label: str | None = None
              ) -> Shown | None:
    """The line of a value recorded on the case (named ``label``, else as its column or
    field is), or None while it has none."""
    value = _raw(view, name, spec)
    column = COLUMN_LABELS.get(name)
    if value is None or value == "" or (column and column.zero_is_empty and not value):
        return None
    text = _text(spec, value)
    if column and column.with_column and label is None:
        text = f"{text}, {tanggal(getattr(view, column.with_column, None))}"
    return Shown(label or (column.label if column else spec.label if spec else name), text)


def _text(spec: FieldSpec | None, value: Any) -> str:
    """A value as officers write it: by its field's type, or (a column an effect wrote, with
    no field) by its own: whole numbers are amounts, dates are dates."""
    kind = spec.type if spec else None
    if kind is FieldType.MONEY or (kind is None and isinstance(value, int)):
        return rupiah(value)
    if kind is FieldType.DATE or isinstance(value, date):
        return tanggal(value)
    if spec is not None and kind is FieldType.CHOICE:
        return spec.choice_label(value)
    return str(value)

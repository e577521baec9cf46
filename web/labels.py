"""Indonesian labels of stored codes that pages show (audit actions, document checks, the
case's own columns), the reasons of a refusal as officers read them, and the choices pages
offer over every registered workflow.

A workflow's own labels live in its definition (``StateSpec.label``, ``FieldSpec.label`` and
``choice_label``, ``TransitionSpec.gate_label``): pages ask the definition for them. Codes
(a reason's, a state's, a field's) stay in the API: no page shows one to a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from workflows import DEFINITIONS, FieldSpec, Reason, WorkflowDefinition

ACTION_LABELS: Mapping[str, str] = {
    "case_created": "mendaftarkan berkas",
    "case_data_changed": "mengubah data pendaftaran",
    "transition": "mengubah status",
    "document_added": "mengunggah dokumen",
    "document_checked": "memeriksa dokumen",
    "assigned": "menugaskan petugas",
    "comment_added": "berkomentar",
    "reminder_sent": "mengirim pengingat",
}

# A document's check, as DOMAIN.md names it ("Memenuhi syarat (MS)" / "Tidak memenuhi
# syarat (TMS)"), and the short form where space is scarce (a select's option).
STATUS_LABELS: Mapping[str, str] = {
    "unchecked": "Belum diperiksa",
    "valid": "Memenuhi syarat (MS)",
    "invalid": "Tidak memenuhi syarat (TMS)",
}
STATUS_SHORT: Mapping[str, str] = {"unchecked": "belum diperiksa", "valid": "MS",
                                   "invalid": "TMS"}


@dataclass(frozen=True, slots=True)
class ColumnLabel:
    """How the case page names a recorded value, where that differs from the label of the
    form field that records it (a form asks "Nilai yang disetujui (kosongkan: sesuai
    usulan)", the page states "Nilai disetujui"), or where no field records it (a column an
    effect writes, such as the category).

    ``with_column``: a value shown after this one, on its line (a number and its date).
    ``zero_is_empty``: zero means nothing happened (no refund), so it is not shown.
    """

    label: str
    with_column: str = ""
    zero_is_empty: bool = False


# Keyed by the name of the column or data field, not by workflow: the names are shared by
# every workflow that records into them.
COLUMN_LABELS: Mapping[str, ColumnLabel] = {
    "approved_amount": ColumnLabel("Nilai disetujui"),
    "paid_amount": ColumnLabel("Dibayar"),
    "nphd_number": ColumnLabel("NPHD", with_column="nphd_date"),
    "spent_amount": ColumnLabel("Digunakan"),
    "refunded_amount": ColumnLabel("Dikembalikan (STS)", zero_is_empty=True),
    "tier": ColumnLabel("Kategori media"),
    "site_visit_note": ColumnLabel("Catatan kunjungan lapangan"),
    "closing_reason": ColumnLabel("Alasan tidak ada lagi yang dibayar"),
}

# A short help under a transition's field, by field name (what the treasurer must know to
# fill a payment in right).
FIELD_HINTS: Mapping[str, str] = {
    "gross": "Boleh diketik 12.500.000 atau 12500000.",
    "pph23": "Kosongkan bila tidak ada yang dipotong.",
    "ppn": "Hanya bila perusahaan Pengusaha Kena Pajak (PKP).",
    "net": "Bruto dikurangi PPh 23 dan PPN: yang ditransfer ke rekening.",
    "approved_amount": "Boleh diketik 12.500.000 atau 12500000.",
}


def gates_of(definition: WorkflowDefinition) -> list[str]:
    """The gates of ``definition``'s documents, in the order its documents name them."""
    return list(dict.fromkeys(d.gate for d in definition.documents))


def _fields(definition: WorkflowDefinition) -> Iterator[FieldSpec]:
    yield from definition.applicant_fields
    yield from definition.data_fields
    for transition in definition.transitions:
        yield from transition.fields


# A reason that names a field first: ``data.gross: …``, ``spm_number: …``, ``case.title: …``.
_NAMED = re.compile(r"^(?:(?:data|applicant|case)\.)?([a-z][a-z0-9_]*): (.*)$", re.DOTALL)
# Fields of the pages' own forms (the case, a comment, a check's note), by the name a
# refusal gives them.
_PAGE_FIELDS = {"title": "Judul", "fiscal_year": "Tahun anggaran", "amount": "Nilai",
                "submitted_at": "Tanggal pengajuan", "party_id": "Pihak pemohon",
                "body": "Komentar", "comment": "Catatan", "note": "Catatan pemeriksaan"}


def reason_message(reason: Reason, definition: WorkflowDefinition | None = None) -> str:
    """The message of ``reason`` as an officer reads it: a field named by its code at the
    start (``spm_number: Nomor SPM wajib diisi``) by its label instead, and the choices of a
    refused choice by their labels. Never the reason's code. ``definition``: the workflow
    whose fields the message may name (None: every workflow's)."""
    match = _NAMED.match(reason.message)
    if not match:
        return reason.message
    name, rest = match.groups()
    # Without the case's workflow (a sign-off result), any workflow's field of that name.
    searched = [definition] if definition else list(DEFINITIONS.values())
    spec = next((s for d in searched for s in _fields(d) if s.name == name), None)
    label = spec.label if spec else _PAGE_FIELDS.get(name)
    if label is None:
        return reason.message
    rest = choice_message(rest, spec)
    # "Nomor SPM wajib diisi" already names its field; "harus tanggal" does not.
    return rest if rest.lower().startswith(label.lower()) else f"{label}: {rest}"


def choice_message(message: str, spec: FieldSpec | None) -> str:
    """A refusal shown under a choice field, its choices by their labels."""
    if spec is None or not spec.choices or not message.startswith("pilihan yang sah"):
        return message
    return "pilihan yang sah: " + ", ".join(spec.choice_label(c) for c in spec.choices)


def state_options() -> list[tuple[str, str]]:
    """Every state code of the registered workflows once, with the label of the first
    workflow that declares it: the choices of a state filter over all workflows."""
    options: dict[str, str] = {}
    for definition in DEFINITIONS.values():
        for state in definition.states:
            options.setdefault(state.code.value, state.label)
    return list(options.items())


def default_workflow() -> str:
    """The workflow a page shows when none is named: the first registered."""
    return next(iter(DEFINITIONS))

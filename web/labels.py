"""Indonesian labels of stored codes that pages show (audit actions, document status, the
case's own columns), and the choices pages offer over every registered workflow.

A workflow's own labels live in its definition (``StateSpec.label``, ``FieldSpec.label`` and
``choice_label``, ``WorkflowDefinition.gate_label``): pages ask the definition for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workflows import DEFINITIONS

ACTION_LABELS: Mapping[str, str] = {
    "case_created": "mendaftarkan berkas",
    "transition": "mengubah status",
    "document_added": "mengunggah dokumen",
    "document_checked": "memeriksa dokumen",
    "assigned": "menugaskan petugas",
    "comment_added": "berkomentar",
    "reminder_sent": "mengirim pengingat",
}

STATUS_LABELS: Mapping[str, str] = {
    "unchecked": "diunggah, belum diperiksa", "valid": "sah", "invalid": "tidak sah",
}


@dataclass(frozen=True, slots=True)
class ColumnLabel:
    """How the case page names a value kept in a case's own column, where that differs from
    the label of the form field that records it (a form asks "Nilai yang disetujui
    (kosongkan: sesuai usulan)", the page states "Nilai disetujui").

    ``with_column``: a column shown after this one, on its line (a number and its date).
    ``zero_is_empty``: zero means nothing happened (no refund), so it is not shown.
    """

    label: str
    with_column: str = ""
    zero_is_empty: bool = False


# Keyed by column, not by workflow: the columns are the case table's (``cases.models.Case``),
# shared by every workflow that records into them.
COLUMN_LABELS: Mapping[str, ColumnLabel] = {
    "approved_amount": ColumnLabel("Nilai disetujui"),
    "sp2d_number": ColumnLabel("SP2D", with_column="paid_at"),
    "paid_amount": ColumnLabel("Dibayar"),
    "nphd_number": ColumnLabel("NPHD", with_column="nphd_date"),
    "spent_amount": ColumnLabel("Digunakan"),
    "refunded_amount": ColumnLabel("Dikembalikan (STS)", zero_is_empty=True),
}


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

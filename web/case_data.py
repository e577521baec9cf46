"""What a case holds, as officers read it: the case page's "Data berkas" and the sign-off
queue's note of what the review recorded.

Nothing here knows a workflow: the rows follow the case's definition (its applicant and data
fields, then whatever its transitions record, in the order they record it), and read each
value where the definition keeps it (``FieldSpec.column``). Only the case table's own columns
have page labels of their own (:data:`web.labels.COLUMN_LABELS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.models import Case
from cases.views import CaseView, field_value
from web.labels import COLUMN_LABELS
from web.render import rupiah, tanggal
from workflows import FieldSpec, FieldType, WorkflowDefinition
from workflows.effects import EFFECTS

# Columns that name people: the page shows them by name, after the data.
PEOPLE = frozenset({"registered_by", "reviewed_by", "approved_by", "assignee_id"})


@dataclass(frozen=True, slots=True)
class Shown:
    """One line of a case's data: what it is, and its value as officers write it."""

    label: str
    text: str


def recorded_fields(definition: WorkflowDefinition) -> list[tuple[str, FieldSpec | None]]:
    """What the transitions of ``definition`` record, in the order they record it: each
    transition's form fields, then the case columns its effects write (these have no form
    field, hence no spec: an approval's amount, a refund). People are left out."""
    found: dict[str, FieldSpec | None] = {}
    for transition in definition.transitions:
        for spec in transition.fields:
            found.setdefault(spec.name, spec)
        for effect in transition.effects:
            for column in EFFECTS[effect].columns:
                found.setdefault(column, None)
    return [(name, spec) for name, spec in found.items() if name not in PEOPLE]


def data_rows(view: CaseView, definition: WorkflowDefinition) -> list[Shown]:
    """The case page's "Data berkas": the applicant, the data given at registration, the
    amount asked, then every value its transitions have recorded so far."""
    rows = [Shown(spec.label, str(_applicant(spec, view.applicant.get(spec.name))))
            for spec in definition.applicant_fields]
    # Shown as registered (a date as its ISO text), as the page always has.
    rows += [Shown(spec.label, str(spec.choice_label(value) if spec.choices else value))
             for spec in definition.data_fields if (value := view.data.get(spec.name))]
    rows.append(Shown(definition.amount_label, rupiah(view.amount)))
    paired = {c.with_column for c in COLUMN_LABELS.values() if c.with_column}
    for name, spec in recorded_fields(definition):
        shown = None if name in paired else _recorded(view, name, spec)
        if shown is not None:
            rows.append(shown)
    return rows


def review_summary(case: Case, definition: WorkflowDefinition) -> str:
    """What the transitions into ``case``'s state recorded on their forms (the sign-off
    queue's "Rekomendasi / tingkat": a recommended amount, a tier), as officers read it."""
    specs = {spec.name: spec for t in definition.transitions if t.dest == case.state
             for spec in t.fields}
    texts = [_text(spec, value) for spec in specs.values()
             if (value := field_value(case, spec)) is not None and value != ""]
    return "; ".join(texts)


def _applicant(spec: FieldSpec, value: Any) -> Any:
    return (spec.choice_label(value) if value is not None else None) or "—"


def _recorded(view: CaseView, name: str, spec: FieldSpec | None) -> Shown | None:
    """The line of a value a transition recorded, or None while it has none."""
    value = field_value(view, spec) if spec else getattr(view, name, None)
    column = COLUMN_LABELS.get(name)
    if value is None or value == "" or (column and column.zero_is_empty and not value):
        return None
    text = _text(spec, value)
    if column and column.with_column:
        text = f"{text}, {tanggal(getattr(view, column.with_column, None))}"
    label = column.label if column else spec.label if spec else name
    return Shown(label, text)


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

"""From HTML forms to the service layer's input, and its refusals back to the fields.

Browsers send text; the services take typed values. Amounts may be typed as officers write
them (``45.000.000``, ``12500000``, ``Rp 45.000.000``); a document chosen from a select is its
id; anything unreadable is passed on as text so that the service's own validation names the
field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from starlette.datastructures import FormData

from workflows import FieldSpec, FieldType, Reason
from workflows.fields import date_problem

_AMOUNT = re.compile(r"(?:rp\.?)?\s*([0-9][0-9.\s]*)", re.IGNORECASE)


def amount(text: str) -> int | str:
    """``Rp 45.000.000`` → 45000000; unreadable text comes back unchanged."""
    match = _AMOUNT.fullmatch(text.strip())
    if not match:
        return text
    digits = re.sub(r"[.\s]", "", match.group(1))
    return int(digits) if digits.isdigit() and len(digits) <= 16 else text


def plausible_day(text: str) -> date | None:
    """A date as ``<input type="date">`` sends it, in the years Berkas serves; else None
    (year 1 became a timestamp overflow when moved to UTC, a 500 before issue 11)."""
    try:
        day = datetime.fromisoformat(text).date()
    except ValueError:
        return None
    return day if date_problem(day) is None else None


def field_values(specs: Iterable[FieldSpec], form: FormData, prefix: str) -> dict[str, object]:
    """The values of ``specs`` in ``form`` (named ``prefix.name``), typed where they can be."""
    values: dict[str, object] = {}
    for spec in specs:
        raw = form.get(f"{prefix}.{spec.name}", "")
        text = raw.replace("\x00", "").strip() if isinstance(raw, str) else ""
        if not text:
            continue
        values[spec.name] = _typed(spec, text)
    return values


def _typed(spec: FieldSpec, text: str) -> object:
    if spec.type is FieldType.MONEY:
        return amount(text)
    if spec.type is FieldType.DOCUMENT:
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else text
    return text


def by_field(reasons: Sequence[Reason]) -> dict[str, list[str]]:
    """Reasons keyed by the field they name (``applicant.media_name: …``); others under ""."""
    out: dict[str, list[str]] = defaultdict(list)
    for reason in reasons:
        field, sep, message = reason.message.partition(": ")
        if sep and "." in field and " " not in field:
            out[field].append(message)
        else:
            out[""].append(reason.message)
    return dict(out)

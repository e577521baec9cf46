"""Parsing of typed input fields (a case's applicant and data, a transition's form).

Input arrives as JSON-ish values; this turns it into typed values or lists every problem at
once, so a person fixes a form in one go. The bounds every layer shares live here too: the
plausible years and dates, the largest amount, and which characters no text may hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from workflows.definition import FieldSpec, FieldType
from workflows.errors import InvalidInput
from workflows.facts import FieldValue
from workflows.reasons import Reason

MAX_AMOUNT = 10**13  # Rp 10 trillion: above any regency budget, so larger means a typo
# Fiscal years and dates Berkas accepts: anything outside is a typo (``0206`` for ``2026``),
# and would overflow a timestamp when moved between time zones (issue 11).
FIRST_YEAR, LAST_YEAR = 2000, 2100
EARLIEST_DATE, LATEST_DATE = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
# A text field longer than this is a note, shown as a textarea and allowed several lines.
SINGLE_LINE_MAX = 500

# C0 controls other than tab, LF and CR, and DEL: no person types them, in any text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The invisible steering of text direction: the embeddings and overrides (U+202A–U+202E), the
# isolates (U+2066–U+2069) and the marks (LRM, RLM, ALM). One of them makes a name read
# otherwise than it is in every list and export ("PT Sinar\u202eusaP" shows as
# "PT SinarPasu"), or the digits of a number in another order; Indonesian text never needs them.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Line breaks, which a one-line text (a name, a number, a title) may not hold.
_LINE_BREAK = re.compile(r"[\n\r\x85\u2028\u2029]")


def control_problem(text: str, *, multiline: bool) -> Reason | None:
    """Why ``text`` may not be stored: a control character (a bidi control included), or a
    line break in one line."""
    if _CONTROL.search(text):
        return Reason("control_character", "tidak boleh berisi karakter kendali")
    if _BIDI.search(text):
        return Reason("control_character", "tidak boleh berisi karakter kendali arah teks "
                                           "(bidi)")
    if not multiline and _LINE_BREAK.search(text):
        return Reason("control_character", "harus satu baris, tanpa baris baru")
    return None


def date_problem(day: date) -> Reason | None:
    """Why ``day`` is not a plausible date for a case (outside the years Berkas serves)."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return Reason("date_out_of_range", f"tanggal harus antara tahun {FIRST_YEAR} dan {LAST_YEAR}")


def is_multiline(spec: FieldSpec) -> bool:
    """Whether a text field is a note (several lines, a textarea) or a one-line value."""
    return spec.max_length > SINGLE_LINE_MAX


def parse_fields(
    specs: Iterable[FieldSpec],
    raw: Mapping[str, object],
    *,
    where: str,
    enforce_required: bool,
) -> dict[str, FieldValue]:
    """Validate ``raw`` against ``specs``; raise :class:`InvalidInput` listing every problem."""
    by_name = {spec.name: spec for spec in specs}
    reasons = [
        Reason("unknown_field", f"{where}.{name}: kolom tidak dikenal")
        for name in raw
        if name not in by_name
    ]
    parsed: dict[str, FieldValue] = {}
    for name, spec in by_name.items():
        value = raw.get(name)
        if value is None or value == "":
            if enforce_required and spec.required:
                reasons.append(Reason("missing_field", f"{where}.{name}: {spec.label} wajib diisi"))
            continue
        result = _parse_value(spec, value)
        if isinstance(result, Reason):
            reasons.append(Reason(result.code, f"{where}.{name}: {result.message}"))
        else:
            parsed[name] = result
    if reasons:
        raise InvalidInput("Isian tidak valid", reasons)
    return parsed


def _parse_value(spec: FieldSpec, value: object) -> FieldValue | Reason:
    parse = _PARSERS.get(spec.type)
    if parse is not None:
        return parse(value)
    if not isinstance(value, str):
        return Reason("invalid_field", "harus berupa teks")
    text = value.strip()
    if len(text) > spec.max_length:
        return Reason("invalid_field", f"paling banyak {spec.max_length} karakter")
    if spec.type is FieldType.CHOICE and text not in spec.choices:
        return Reason("invalid_field", f"pilihan yang sah: {', '.join(spec.choices)}")
    return control_problem(text, multiline=is_multiline(spec)) or text


def _parse_money(value: object) -> int | Reason:
    # bool is an int in Python; `true` is never an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        return Reason("invalid_field", "harus bilangan bulat Rupiah")
    if value < 0:
        return Reason("invalid_amount", "tidak boleh negatif")
    if value > MAX_AMOUNT:
        return Reason("invalid_amount", "nilai tidak masuk akal")
    return value


def _parse_document_id(value: object) -> int | Reason:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        return Reason("invalid_field", "harus nomor dokumen yang diunggah pada berkas ini")
    return value


def _parse_date(value: object) -> date | Reason:
    if isinstance(value, date):
        return date_problem(value) or value
    if not isinstance(value, str):
        return Reason("invalid_field", "harus tanggal (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return Reason("invalid_field", "harus tanggal (YYYY-MM-DD)")
    return date_problem(day) or day


_PARSERS: dict[FieldType, Callable[[object], FieldValue | Reason]] = {
    FieldType.MONEY: _parse_money,
    FieldType.DATE: _parse_date,
    FieldType.DOCUMENT: _parse_document_id,
}

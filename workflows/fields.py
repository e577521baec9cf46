"""Parsing of typed input fields (a case's applicant and data, a transition's form).

Input arrives as JSON-ish values; this turns it into typed values or lists every problem at
once, so a person fixes a form in one go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from workflows.definition import FieldSpec, FieldType
from workflows.errors import InvalidInput
from workflows.facts import FieldValue
from workflows.reasons import Reason

MAX_AMOUNT = 10**13  # Rp 10 trillion: above any regency budget, so larger means a typo


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
    if spec.type is FieldType.MONEY:
        return _parse_money(value)
    if spec.type is FieldType.DATE:
        return _parse_date(value)
    if not isinstance(value, str):
        return Reason("invalid_field", "harus berupa teks")
    text = value.strip()
    if len(text) > spec.max_length:
        return Reason("invalid_field", f"paling banyak {spec.max_length} karakter")
    if spec.type is FieldType.CHOICE and text not in spec.choices:
        return Reason("invalid_field", f"pilihan yang sah: {', '.join(spec.choices)}")
    return text


def _parse_money(value: object) -> int | Reason:
    # bool is an int in Python; `true` is never an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        return Reason("invalid_field", "harus bilangan bulat Rupiah")
    if value < 0:
        return Reason("invalid_amount", "tidak boleh negatif")
    if value > MAX_AMOUNT:
        return Reason("invalid_amount", "nilai tidak masuk akal")
    return value


def _parse_date(value: object) -> date | Reason:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return Reason("invalid_field", "harus tanggal (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        return Reason("invalid_field", "harus tanggal (YYYY-MM-DD)")

"""Typed input fields and Rupiah formatting."""

from __future__ import annotations

from datetime import date

import pytest

from workflows import DEFINITIONS, MAX_AMOUNT, InvalidInput, format_rupiah, parse_fields

APPLICANT = DEFINITIONS["media_verification"].applicant_fields
PAY = DEFINITIONS["grant"].transition("pay").fields  # type: ignore[union-attr]
GOOD = {"company_name": "PT A", "media_name": "A", "media_type": "online",
        "editor_in_chief": "B", "dewan_pers_status": "factual"}


def reason_codes(fields: object, raw: dict[str, object], required: bool = True) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        parse_fields(fields, raw, where="x", enforce_required=required)  # type: ignore[arg-type]
    return [r.code for r in error.value.reasons]


def test_valid_applicant_parses_to_stripped_text() -> None:
    parsed = parse_fields(APPLICANT, {**GOOD, "media_name": "  Balangan Pos "}, where="applicant",
                          enforce_required=True)
    assert parsed["media_name"] == "Balangan Pos"


def test_every_problem_is_reported_at_once() -> None:
    raw = {"media_type": "koran", "company_name": 5, "surprise": "x"}
    assert sorted(reason_codes(APPLICANT, raw)) == sorted([
        "unknown_field", "invalid_field", "invalid_field", "missing_field", "missing_field",
        "missing_field",
    ])


@pytest.mark.parametrize(("value", "code"), [
    (-1, "invalid_amount"), (MAX_AMOUNT + 1, "invalid_amount"), (True, "invalid_field"),
    ("1000", "invalid_field"), (10.5, "invalid_field"),
])
def test_money_must_be_a_sane_whole_rupiah_amount(value: object, code: str) -> None:
    assert reason_codes(PAY, {"paid_amount": value}, required=False) == [code]


def test_dates_are_iso_and_parsed() -> None:
    parsed = parse_fields(PAY, {"paid_at": "2026-04-15"}, where="data", enforce_required=False)
    assert parsed == {"paid_at": date(2026, 4, 15)}
    assert reason_codes(PAY, {"paid_at": "15/04/2026"}, required=False) == ["invalid_field"]


def test_required_fields_are_left_to_guards_when_not_enforced() -> None:
    assert parse_fields(PAY, {}, where="data", enforce_required=False) == {}


@pytest.mark.parametrize(("amount", "text"), [
    (12_500_000, "Rp 12.500.000"), (0, "Rp 0"), (999, "Rp 999"), (-5_000, "-Rp 5.000"),
])
def test_rupiah_uses_dots_for_thousands(amount: int, text: str) -> None:
    assert format_rupiah(amount) == text

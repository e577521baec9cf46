"""Typed input fields and Rupiah formatting."""

from __future__ import annotations

from datetime import date

import pytest

from workflows import DEFINITIONS, MAX_AMOUNT, InvalidInput, format_rupiah, parse_fields

APPLICANT = DEFINITIONS["media_verification"].applicant_fields
PAY = DEFINITIONS["grant"].transition("pay").fields  # type: ignore[union-attr]
TERMIN = DEFINITIONS["media_verification"].transition(  # type: ignore[union-attr]
    "record_payment").fields
GOOD = {"media_name": "A", "media_type": "online", "editor_in_chief": "B",
        "dewan_pers_status": "factual"}


def reason_codes(fields: object, raw: dict[str, object], required: bool = True) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        parse_fields(fields, raw, where="x", enforce_required=required)  # type: ignore[arg-type]
    return [r.code for r in error.value.reasons]


def test_valid_applicant_parses_to_stripped_text() -> None:
    parsed = parse_fields(APPLICANT, {**GOOD, "media_name": "  Balangan Pos "}, where="applicant",
                          enforce_required=True)
    assert parsed["media_name"] == "Balangan Pos"


def test_every_problem_is_reported_at_once() -> None:
    # The company's name is the party's now: an applicant field of that name is unknown.
    raw = {"media_type": "koran", "media_name": 5, "company_name": "PT A", "surprise": "x"}
    assert sorted(reason_codes(APPLICANT, raw)) == sorted([
        "unknown_field", "unknown_field", "invalid_field", "invalid_field", "missing_field",
        "missing_field",
    ])


@pytest.mark.parametrize(("value", "code"), [
    (-1, "invalid_amount"), (MAX_AMOUNT + 1, "invalid_amount"), (True, "invalid_field"),
    ("1000", "invalid_field"), (10.5, "invalid_field"),
])
def test_money_must_be_a_sane_whole_rupiah_amount(value: object, code: str) -> None:
    assert reason_codes(PAY, {"gross": value}, required=False) == [code]


def test_dates_are_iso_and_parsed() -> None:
    parsed = parse_fields(PAY, {"sp2d_date": "2026-04-15"}, where="data",
                          enforce_required=False)
    assert parsed == {"sp2d_date": date(2026, 4, 15)}
    assert reason_codes(PAY, {"sp2d_date": "15/04/2026"}, required=False) == ["invalid_field"]


@pytest.mark.parametrize("value", [0, -3, True, "12", 1.5, 2**31])
def test_a_document_field_takes_only_a_plausible_document_id(value: object) -> None:
    assert parse_fields(TERMIN, {"bast_document_id": 12}, where="data",
                        enforce_required=False) == {"bast_document_id": 12}
    assert reason_codes(TERMIN, {"bast_document_id": value}, required=False) == [
        "invalid_field"]


def test_required_fields_are_left_to_guards_when_not_enforced() -> None:
    assert parse_fields(PAY, {}, where="data", enforce_required=False) == {}


@pytest.mark.parametrize(("amount", "text"), [
    (12_500_000, "Rp12.500.000"), (0, "Rp0"), (999, "Rp999"), (-5_000, "-Rp5.000"),
])
def test_rupiah_uses_dots_for_thousands(amount: int, text: str) -> None:
    assert format_rupiah(amount) == text

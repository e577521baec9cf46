"""One-line fields refuse line breaks and control characters; notes keep their lines (issue 11).

A CR/LF in a media name or an SP2D number splits it in every export, mail header and log line
that carries it; a person never types one into a one-line field.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import MEDIA_APPLICANT, Api
from workflows import DEFINITIONS, InvalidInput, parse_fields

PAY = DEFINITIONS["grant"].transition("pay").fields  # type: ignore[union-attr]
BREAKS = ["Balangan\r\nPos", "Balangan\nPos", "Balangan\rPos", "Balangan\x1bPos",
          "Balangan\u2028Pos", "Balangan\x0bPos"]


def register(api: Api, **changes: Any) -> Any:
    body = {"workflow": "media_verification", "title": "Kerja sama 2026", "fiscal_year": 2026,
            "amount": 1_000_000, "applicant": MEDIA_APPLICANT, "data": {}, **changes}
    return api.post("rina", "/api/cases", json=body)


def reasons(response: Any) -> list[tuple[str, str]]:
    return [(r["code"], r["message"].split(":")[0])
            for r in response.json()["detail"]["reasons"]]


@pytest.mark.parametrize("value", BREAKS)
@pytest.mark.parametrize("field", ["company_name", "media_name", "editor_in_chief", "address"])
def test_a_one_line_applicant_field_with_a_line_break_is_refused_by_name(
    api: Api, field: str, value: str
) -> None:
    response = register(api, applicant={**MEDIA_APPLICANT, field: value})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == "invalid_input"
    assert reasons(response) == [("control_character", f"applicant.{field}")]
    assert api.get("rina", "/api/cases").json()["items"] == []


@pytest.mark.parametrize("value", ["Kerja sama\n2026", "Kerja\rsama", "Kerja\x07sama"])
def test_a_title_with_a_line_break_or_control_character_is_refused(
    api: Api, value: str
) -> None:
    response = register(api, title=value)
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "body.title")]


def test_a_full_name_with_a_line_break_is_refused(api: Api) -> None:
    response = api.post("admin", "/api/users", json={
        "username": "baru", "full_name": "Nama\r\nBcc: x@example.test", "roles": ["officer"],
        "password": "rahasia-uji-123"})
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "body.full_name")]


def test_notes_and_comments_keep_their_lines(api: Api) -> None:
    note = "Baris satu\r\nBaris dua\n\tdan tiga"
    case = register(api, data={"site_visit_note": note})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    assert case.json()["data"]["site_visit_note"] == note
    comment = api.post("rina", f"/api/cases/{case_id}/comments", json={"body": note})
    assert comment.status_code == 201, comment.text
    assert comment.json()["body"] == note
    doc = api.upload("rina", case_id, "npwp").json()
    checked = api.post("rina", f"/api/cases/{case_id}/documents/{doc['id']}/check",
                       json={"valid": False, "note": note})
    assert checked.json()["note"] == note
    moved = api.fire("fajar", case_id, "return_for_revision", comment=note)
    assert moved.status_code == 200, moved.text
    trail = api.get("siti", f"/api/cases/{case_id}/audit").json()
    assert trail[-1]["comment"] == note


def test_a_comment_with_a_control_character_other_than_a_line_break_is_refused(
    api: Api,
) -> None:
    case_id = register(api).json()["id"]
    response = api.post("rina", f"/api/cases/{case_id}/comments", json={"body": "a\x1b[31mb"})
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "body.body")]


def test_a_payment_number_with_a_line_break_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_fields(PAY, {"sp2d_number": "SP2D/1\n2"}, where="data", enforce_required=False)
    assert [(r.code, r.message.split(":")[0]) for r in refused.value.reasons] == [
        ("control_character", "data.sp2d_number")]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_payment_date_outside_the_plausible_years_is_refused(day: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_fields(PAY, {"paid_at": day}, where="data", enforce_required=False)
    assert [r.code for r in refused.value.reasons] == ["date_out_of_range"]

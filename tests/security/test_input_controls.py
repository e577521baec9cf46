"""One-line fields refuse line breaks and control characters; notes keep their lines (issue 11).

A CR/LF in a media name or an SP2D number splits it in every export, mail header and log line
that carries it; a person never types one into a one-line field.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import COMPANY, MEDIA_APPLICANT, Api
from workflows import DEFINITIONS, InvalidInput, parse_fields

PAY = DEFINITIONS["grant"].transition("pay").fields  # type: ignore[union-attr]
BREAKS = ["Balangan\r\nPos", "Balangan\nPos", "Balangan\rPos", "Balangan\x1bPos",
          "Balangan\u2028Pos", "Balangan\x0bPos"]


def register(api: Api, **changes: Any) -> Any:
    body = {"workflow": "media_verification", "title": "Kerja sama 2026", "fiscal_year": 2026,
            "amount": 1_000_000, "party_id": api.party(COMPANY), "applicant": MEDIA_APPLICANT,
            "data": {}, **changes}
    return api.post("rina", "/api/cases", json=body)


def reasons(response: Any) -> list[tuple[str, str]]:
    return [(r["code"], r["message"].split(":")[0])
            for r in response.json()["detail"]["reasons"]]


@pytest.mark.parametrize("value", BREAKS)
@pytest.mark.parametrize("field", ["media_name", "editor_in_chief"])
def test_a_one_line_applicant_field_with_a_line_break_is_refused_by_name(
    api: Api, field: str, value: str
) -> None:
    response = register(api, applicant={**MEDIA_APPLICANT, field: value})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == "invalid_input"
    assert reasons(response) == [("control_character", f"applicant.{field}")]
    assert api.get("rina", "/api/cases").json()["items"] == []


@pytest.mark.parametrize("value", BREAKS)
@pytest.mark.parametrize("field", ["name", "address"])
def test_a_party_field_with_a_line_break_is_refused_by_name(
    api: Api, field: str, value: str
) -> None:
    """The company's name and address are the party's now (they were applicant fields)."""
    response = api.post("rina", "/api/parties", json={**COMPANY, field: value})
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", f"party.{field}")]
    assert api.get("rina", "/api/parties").json()["items"] == []


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
    case = api.create_grant(purpose=note)  # a note of the registration's data
    case_id = case["id"]
    assert case["data"]["purpose"] == note
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
        parse_fields(PAY, {"sp2d_date": day}, where="data", enforce_required=False)
    assert [r.code for r in refused.value.reasons] == ["date_out_of_range"]


# --- bidi controls: a name that reads otherwise than it is (issue: security review) ----------

# The embeddings and overrides, the isolates, and the marks that steer the direction of text:
# one of them makes "PT Sinar\u202eusaP" read "PT Sinar Pasu" in a list, or reorders the
# digits of an amount.
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("mark", BIDI)
def test_a_party_name_with_a_bidi_control_is_refused(api: Api, mark: str) -> None:
    response = api.post("rina", "/api/parties", json={**COMPANY, "name": f"PT Sinar{mark}usaP"})
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "party.name")]
    assert api.get("rina", "/api/parties").json()["items"] == []


def test_a_case_title_with_a_right_to_left_override_is_refused(api: Api) -> None:
    response = register(api, title="Kerja sama \u202e6202")
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "body.title")]
    assert api.get("rina", "/api/cases").json()["items"] == []


def test_a_full_name_with_a_bidi_control_is_refused(api: Api) -> None:
    response = api.post("admin", "/api/users", json={
        "username": "baru", "full_name": "Nama \u202eBaru", "roles": ["officer"],
        "password": "rahasia-uji-123"})
    assert response.status_code == 422, response.text
    assert reasons(response) == [("control_character", "body.full_name")]


@pytest.mark.parametrize("mark", ["\u202e", "\u2067", "\u200f"])
def test_notes_and_applicant_fields_refuse_bidi_controls_too(api: Api, mark: str) -> None:
    """A note keeps its line breaks, never a direction override."""
    applicant = register(api, applicant={**MEDIA_APPLICANT, "media_name": f"Banua{mark}Pos"})
    assert reasons(applicant) == [("control_character", "applicant.media_name")]
    case_id = register(api).json()["id"]
    comment = api.post("rina", f"/api/cases/{case_id}/comments",
                       json={"body": f"Baris satu\nBaris{mark} dua"})
    assert comment.status_code == 422, comment.text
    assert reasons(comment) == [("control_character", "body.body")]


def test_names_in_other_scripts_and_with_accents_are_kept(api: Api) -> None:
    """Only the invisible steering is refused: letters of any script stay welcome."""
    name = "PT Média Banua — مطبعة"
    response = api.post("rina", "/api/parties", json={**COMPANY, "name": name})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


# --- the DPA date: an ISO date, never a number read as a Unix time ----------------------------

@pytest.mark.parametrize("day", [1767312000, 1767312000.0, 0, True, "1767312000",
                                 "20260102", "2026-W01-5", "2026-01-02T00:00:00",
                                 "02-01-2026", ""])
def test_the_dpa_date_is_an_iso_date_only(api: Api, day: Any) -> None:
    response = api.put("fina", "/api/budgets/media_verification/2026", json={
        "amount": 600_000_000, "dpa_number": "DPA/2026/2.16.01", "dpa_date": day})
    assert response.status_code == 422, response.text
    assert api.get("fina", "/api/budgets").json() == []


def test_an_iso_dpa_date_is_kept(api: Api) -> None:
    response = api.put("fina", "/api/budgets/media_verification/2026", json={
        "amount": 600_000_000, "dpa_number": "DPA/2026/2.16.01", "dpa_date": "2026-01-02"})
    assert response.status_code == 200, response.text
    assert response.json()["dpa_date"] == "2026-01-02"

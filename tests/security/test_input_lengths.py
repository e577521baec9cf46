"""Texts longer than their column are a 422 naming the field, on every database (issue 11).

Before, PostgreSQL answered them with a 500 (``value too long for type character varying``)
and SQLite kept them. One length table (``cases.limits.TEXTS``) sizes the API's schemas, the
page forms and the services' checks; these tests hold it to the model's columns.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from sqlmodel import SQLModel

from cases import models  # noqa: F401 - registers the tables on SQLModel.metadata
from cases.api import schemas
from cases.limits import TEXTS
from cases.services import parties
from tests.api.helpers import MEDIA_APPLICANT, Api
from workflows import DEFINITIONS


def column_length(column: str) -> int:
    table, name = column.split(".")
    length = SQLModel.metadata.tables[table].c[name].type.length
    assert isinstance(length, int), column
    return length


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_length_table_matches_the_model_columns(name: str) -> None:
    assert TEXTS[name].max_length == column_length(TEXTS[name].column)


def test_texts_copied_into_the_audit_trail_fit_its_comment_column() -> None:
    audit = column_length("audit_entries.comment")
    for name in ("comment", "document_note", "transition_comment"):
        assert TEXTS[name].max_length <= audit, name


@pytest.mark.parametrize("workflow", sorted(DEFINITIONS))
def test_workflow_fields_stored_in_columns_fit_the_length_table(workflow: str) -> None:
    definition = DEFINITIONS[workflow]
    if definition.applicant_name_field:
        name_field = next(f for f in definition.applicant_fields
                          if f.name == definition.applicant_name_field)
        assert name_field.max_length <= TEXTS["applicant_name"].max_length
    else:  # the case is named by its party
        assert TEXTS["applicant_name"].max_length >= parties.NAME_MAX
    for spec in (f for t in definition.transitions for f in t.fields if f.name in TEXTS):
        # A choice is one of its values; free text is at most its declared length.
        longest = max(map(len, spec.choices)) if spec.choices else spec.max_length
        assert longest <= TEXTS[spec.name].max_length, spec.name
    # The category is derived from the Dewan Pers status, by a map the settings may extend.
    categories = definition.parameters.get("category_by_status", {})
    assert all(len(str(c)) <= TEXTS["tier"].max_length for c in categories.values())


@pytest.mark.parametrize(("model", "field", "name"), [
    (schemas.CaseCreate, "title", "title"),
    (schemas.CheckIn, "note", "document_note"),
    (schemas.CommentIn, "body", "comment"),
    (schemas.TransitionIn, "comment", "transition_comment"),
    (schemas.UserIn, "username", "username"),
    (schemas.UserIn, "full_name", "full_name"),
    (schemas.UserIn, "email", "email"),
])
def test_the_api_schemas_take_their_lengths_from_the_table(
    model: type[BaseModel], field: str, name: str
) -> None:
    documented = model.model_json_schema()["properties"][field]["maxLength"]
    assert documented == TEXTS[name].max_length


def reasons(response: Any) -> list[tuple[str, str]]:
    return [(r["code"], r["message"]) for r in response.json()["detail"]["reasons"]]


def audit_length(api: Api, case_id: int) -> int:
    return len(api.get("siti", f"/api/cases/{case_id}/audit").json())


def test_a_document_note_longer_than_its_column_is_refused_and_changes_nothing(
    api: Api,
) -> None:
    case_id = api.create_media()["id"]
    doc = api.upload("rina", case_id, "npwp").json()
    before = audit_length(api, case_id)
    path = f"/api/cases/{case_id}/documents/{doc['id']}/check"
    long = api.post("rina", path, json={"valid": False, "note": "x" * 2001})
    assert long.status_code == 422, long.text
    assert reasons(long)[0][0] == "string_too_long"
    assert reasons(long)[0][1].startswith("body.note:")
    assert api.case("rina", case_id)["documents"][0]["status"] == "unchecked"
    assert audit_length(api, case_id) == before
    fits = api.post("rina", path, json={"valid": False, "note": "x" * 2000})
    assert fits.status_code == 200, fits.text


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/cases", {"workflow": "media_verification", "title": "x" * 301, "fiscal_year": 2026,
                    "amount": 1, "applicant": MEDIA_APPLICANT}, "body.title"),
    ("/api/cases/{id}/comments", {"body": "x" * 4001}, "body.body"),
    ("/api/cases/{id}/transitions/return_for_revision", {"version": 1, "comment": "x" * 4001},
     "body.comment"),
])
def test_case_texts_longer_than_their_column_are_refused(
    api: Api, path: str, body: dict[str, Any], field: str
) -> None:
    case_id = api.create_media()["id"]
    response = api.post("fajar", path.format(id=case_id), json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]["code"] == "invalid_request"
    assert reasons(response)[0][1].startswith(f"{field}:")
    assert len(api.get("rina", "/api/cases").json()["items"]) == 1
    assert audit_length(api, case_id) == 1
    assert api.case("rina", case_id)["state"] == "submitted"


def test_a_full_name_longer_than_its_column_is_refused(api: Api) -> None:
    response = api.post("admin", "/api/users", json={
        "username": "panjang", "full_name": "x" * 201, "roles": ["officer"],
        "password": "rahasia-uji-123"})
    assert response.status_code == 422, response.text
    assert reasons(response)[0] == ("string_too_long",
                                    "body.full_name: String should have at most 200 characters")

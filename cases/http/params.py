"""What every route shares, API and pages alike: path and query parameters, and the body of
every error (documented once for the OpenAPI description)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel

from cases.limits import MAX_INT32

# Row ids in paths: the columns are 32-bit INTEGERs, so anything larger is bad input.
Id = Annotated[int, Path(ge=1, le=MAX_INT32)]
# Free text in a query string: PostgreSQL's text columns cannot hold a NUL character.
QueryText = Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")]


class ReasonOut(BaseModel):
    """One unmet condition: a stable ``code``, the Indonesian ``message`` and the legal
    ``basis`` of the rule (empty where the rule is Berkas's own, e.g. a malformed field)."""

    code: str
    message: str
    basis: str = ""


class ErrorDetail(BaseModel):
    code: str
    message: str
    reasons: list[ReasonOut]


class ErrorOut(BaseModel):
    """Every error the API answers: a stable ``code``, a message, and every reason."""

    detail: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    # Errors are JSON even where the success is not (the plain-text diagram).
    status: {"model": ErrorOut, "description": description, "content": {"application/json": {}}}
    for status, description in (
        (401, "Not logged in, the token expired, or the session was ended"),
        (403, "The role may not, or four eyes forbids"),
        (404, "Unknown case, document, trigger, workflow or notification"),
        (409, "Wrong state, stale version or closed case"),
        (413, "Body or file too large (refused while it streams in)"),
        (415, "Not a PDF, JPEG or PNG"),
        (422, "Bad input or unmet guards, with every reason"),
        (429, "Too many login attempts from one address or on one account"),
    )
}

"""Document upload, check and download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from cases.api import presenters, schemas
from cases.http.attachments import attachment
from cases.http.deps import CtxDep, RuntimeDep
from cases.http.params import Id
from cases.limits import TEXTS
from cases.services import documents as document_service

router = APIRouter(tags=["documents"])


@router.post("/cases/{case_id}/documents", status_code=201)
def upload(
    ctx: CtxDep,
    runtime: RuntimeDep,
    case_id: Id,
    kind: Annotated[str, Form(max_length=TEXTS["document_kind"].max_length)],
    file: Annotated[UploadFile, File()],
) -> schemas.DocumentOut:
    limit = runtime.settings.max_upload_bytes
    # Read one byte past the limit: enough to know it is too large without holding more.
    content = file.file.read(limit + 1)
    doc = document_service.upload_document(ctx, case_id, kind, file.filename, content, limit)
    return presenters.document(doc)


@router.post("/cases/{case_id}/documents/{document_id}/check")
def check(
    ctx: CtxDep, case_id: Id, document_id: Id, body: schemas.CheckIn
) -> schemas.DocumentOut:
    doc = document_service.check_document(ctx, case_id, document_id, body.valid, body.note,
                                          body.value)
    return presenters.document(doc)


@router.get("/cases/{case_id}/documents/{document_id}", response_class=Response)
def download(ctx: CtxDep, case_id: Id, document_id: Id) -> Response:
    """The stored bytes, as an attachment: never rendered inline by the browser."""
    doc, content = document_service.read_document(ctx.session, case_id, document_id)
    return attachment(doc, content)



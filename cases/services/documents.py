"""Documents: upload (type checked by content), check valid/invalid, download the same bytes.

Bytes live in the database beside their metadata, committed in the same transaction as the
audit entry, so an acknowledged upload is never lost and every instance sees it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from cases import audit
from cases.errors import BadInput, NotFound, PayloadTooLarge, UnsupportedFileType
from cases.limits import checked_text
from cases.models import Case, Document, DocumentBlob
from cases.permissions import require
from cases.repository import CaseRepository
from cases.services.acting import under_warrant
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import MAX_AMOUNT, DocumentStatus, get_definition

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(content: bytes) -> tuple[str, str]:
    """Content type and extension from the first bytes; the file name is never trusted."""
    for magic, content_type, ext in SIGNATURES:
        if content.startswith(magic):
            return content_type, ext
    raise UnsupportedFileType("Hanya PDF, JPEG atau PNG yang diterima", "unsupported_file_type")


def safe_filename(name: str | None, ext: str) -> str:
    """A harmless display name: no path, no control characters, bounded length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" ._")[:120]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'dokumen'}{ext}"


def _checked_upload(case: Case, kind: str, content: bytes, max_bytes: int) -> tuple[str, str]:
    """The content type and extension of an upload of ``kind`` to ``case``, or its refusal:
    a kind the workflow does not know, an empty or oversized file, a type not accepted."""
    definition = get_definition(case.workflow)
    if definition.document(kind) is None:
        known = ", ".join(d.code for d in definition.documents)
        raise BadInput(f"Jenis dokumen {kind!r} tidak dikenal (yang sah: {known})",
                       "unknown_document_kind")
    if not content:
        raise BadInput("Berkas kosong", "empty_file")
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"Ukuran melebihi {max_bytes // (1024 * 1024)} MB", "file_too_large")
    return sniff(content)


def upload_document(
    ctx: Ctx, case_id: int, kind: str, filename: str | None, content: bytes, max_bytes: int
) -> Document:
    """Store an upload of ``kind`` on an open case; its type is read from its bytes, checked
    before the write lock is taken."""
    require(ctx.actor, "upload_document")
    case = CaseRepository(ctx.session).get(case_id)
    content_type, ext = _checked_upload(case, kind, content, max_bytes)
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock_open(case_id)
        doc = Document(
            case_id=case_id, kind=kind, filename=safe_filename(filename, ext),
            content_type=content_type, size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=ctx.actor.user_id, uploaded_at=ctx.now,
        )
        uow.session.add(doc)
        uow.session.flush()
        assert doc.id is not None
        uow.session.add(DocumentBlob(document_id=doc.id, content=content))
        uow.cases.touch(case, ctx.now)
        audit.append(uow.session, case, actor=ctx.actor, action="document_added", at=ctx.now,
                     payload={"document_id": doc.id, "kind": kind, "sha256": doc.sha256,
                              "size": doc.size, "filename": doc.filename},
                     warrant=under_warrant(ctx, "upload_document"))
    return doc


def check_document(ctx: Ctx, case_id: int, document_id: int, valid: bool, note: str,
                   value: int | None = None) -> Document:
    """Mark a document MS (valid) or TMS (invalid); a TMS one needs a note saying why. A
    kind that states a value (a BAST: what the work accepted was worth) is MS only with the
    value read from it, which bounds the termin paid against it."""
    require(ctx.actor, "check_document")
    note = checked_text("note", "document_note", note)
    if not valid and not note:
        raise BadInput("Catatan wajib diisi bila dokumen tidak memenuhi syarat (TMS)",
                       "missing_note")
    if value is not None and not 0 < value <= MAX_AMOUNT:
        raise BadInput("Nilai pada dokumen tidak masuk akal", "invalid_amount")
    with unit_of_work(ctx) as uow:
        case = uow.cases.lock_open(case_id)
        doc = _document(uow.session, case_id, document_id)
        kind = get_definition(case.workflow).document(doc.kind)
        valued = kind is not None and kind.valued
        if valued and valid and value is None:
            raise BadInput(f"Nilai pekerjaan yang diterima dalam {kind.label if kind else ''} "
                           "wajib dicatat", "missing_value")
        if value is not None and not valued:
            raise BadInput("Jenis dokumen ini tidak memuat nilai", "unexpected_value")
        doc.status = DocumentStatus.VALID if valid else DocumentStatus.INVALID
        doc.value = value if valid else None
        doc.note = note
        doc.checked_by = ctx.actor.user_id
        doc.checked_at = ctx.now
        uow.cases.touch(case, ctx.now)
        audit.append(uow.session, case, actor=ctx.actor, action="document_checked", at=ctx.now,
                     comment=note, payload={"document_id": document_id, "kind": doc.kind,
                                            "status": doc.status, "value": doc.value},
                     warrant=under_warrant(ctx, "check_document"))
    return doc


def _document(session: Session, case_id: int, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None or doc.case_id != case_id:
        raise NotFound(f"Dokumen {document_id} tidak ditemukan", "document_not_found")
    return doc


_OF_CASE = (select(Document).where(col(Document.case_id) == bindparam("case_id"))
            .order_by(col(Document.id)))  # built once: every case response lists them


def list_documents(session: Session, case_id: int) -> list[Document]:
    return list(session.exec(_OF_CASE, params={"case_id": case_id}))


def read_document(session: Session, case_id: int, document_id: int) -> tuple[Document, bytes]:
    doc = _document(session, case_id, document_id)
    blob = session.get(DocumentBlob, document_id)
    assert blob is not None, "every document row is written with its blob"
    return doc, blob.content

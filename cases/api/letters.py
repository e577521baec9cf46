"""Documents Berkas issues (issue 15): issue one on a case, list a case's, download one,
revoke one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from cases.api import schemas
from cases.http.attachments import attachment
from cases.http.deps import CtxDep, RuntimeDep
from cases.http.params import Id
from cases.letters import office_of
from cases.limits import TEXTS
from cases.models import IssuedLetter
from cases.services import letters as letter_service

router = APIRouter(tags=["letters"])

KindCode = Annotated[str, Path(min_length=1, max_length=TEXTS["document_kind"].max_length,
                               pattern=r"^[a-z0-9_]+$")]


class LetterIn(schemas.Strict):
    """What the issuer types besides what the case holds (a termin's period, publications
    and value): the kind's ``fields``; none for most kinds."""

    data: dict[str, Any] = Field(default_factory=dict)


class RevokeIn(schemas.Strict):
    reason: Annotated[str, StringConstraints(
        strip_whitespace=True, min_length=1, max_length=TEXTS["revoke_reason"].max_length)]


class SignerOut(BaseModel):
    name: str
    rank: str
    nip: str
    title: str
    warrant_id: int | None
    warrant_number: str


class LetterOut(BaseModel):
    """An issued document: its number, signature block, digest, and where to download and
    verify it (``verify_url``: the public page its QR code opens)."""

    id: int
    case_id: int
    kind: str
    kind_label: str
    number: str
    seq: int
    year: int
    issued_on: date
    issued_at: datetime
    issued_by: int
    issuing_unit: str
    signer: SignerOut
    filename: str
    size: int
    sha256: str
    download_url: str
    verify_url: str
    status: str  # "valid" or "revoked"
    revoked_at: datetime | None
    revoked_by: int | None
    revoke_reason: str


def _out(letter: IssuedLetter, verify_url: str) -> LetterOut:
    assert letter.id is not None
    return LetterOut(
        id=letter.id, case_id=letter.case_id, kind=letter.kind, kind_label=letter.kind_label,
        number=letter.number, seq=letter.seq, year=letter.year, issued_on=letter.issued_on,
        issued_at=letter.issued_at, issued_by=letter.issued_by,
        issuing_unit=letter.issuing_unit,
        signer=SignerOut(name=letter.signer_name, rank=letter.signer_rank,
                         nip=letter.signer_nip, title=letter.signer_title,
                         warrant_id=letter.warrant_id, warrant_number=letter.warrant_number),
        filename=letter.filename, size=letter.size, sha256=letter.sha256,
        download_url=f"/api/letters/{letter.id}", verify_url=verify_url,
        status="revoked" if letter.revoked_at else "valid", revoked_at=letter.revoked_at,
        revoked_by=letter.revoked_by, revoke_reason=letter.revoke_reason)


@router.post("/cases/{case_id}/letters/{kind}", status_code=201)
def issue(ctx: CtxDep, runtime: RuntimeDep, case_id: Id, kind: KindCode,
          body: LetterIn | None = None) -> LetterOut:
    """Issue a document of ``kind`` on the case, signed by the caller (403 for a role the
    kind does not list, 409 in a state it is not issued in, 404 for a kind the case's
    workflow does not define)."""
    office = office_of(runtime.settings)
    letter = letter_service.issue_letter(ctx, office, case_id, kind,
                                         body.data if body else None)
    return _out(letter, office.verify_url(letter.token))


@router.get("/cases/{case_id}/letters")
def case_letters(ctx: CtxDep, runtime: RuntimeDep, case_id: Id) -> list[LetterOut]:
    office = office_of(runtime.settings)
    return [_out(view.letter, office.verify_url(view.letter.token))
            for view in letter_service.list_letters(ctx, case_id)]


@router.get("/letters/{letter_id}", response_class=Response)
def download(ctx: CtxDep, letter_id: Id) -> Response:
    """The PDF as issued, as an attachment (never rendered inline by the browser)."""
    letter, content = letter_service.read_letter(ctx, letter_id)
    return attachment(letter, content)


@router.post("/letters/{letter_id}/revoke")
def revoke(ctx: CtxDep, runtime: RuntimeDep, letter_id: Id, body: RevokeIn) -> LetterOut:
    letter = letter_service.revoke_letter(ctx, letter_id, body.reason)
    return _out(letter, office_of(runtime.settings).verify_url(letter.token))

"""The warrants register (Plh., Plt.) and absences: thin routes over the services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field

from cases.api import schemas
from cases.api.admin import IsoDay, _iso_day
from cases.http.attachments import attachment
from cases.http.deps import CtxDep, RuntimeDep
from cases.http.params import Id
from cases.limits import MAX_INT32, TEXTS, length, lines
from cases.permissions import require
from cases.services import absences as absence_service
from cases.services import warrants as warrant_service
from infra.context import Ctx

router = APIRouter(tags=["warrants"])

FormDay = Annotated[date, BeforeValidator(_iso_day), Form()]


class WarrantOut(BaseModel):
    """A warrant of the register: ``status`` is ``in_force``, ``upcoming``, ``ended`` or
    ``revoked`` on the day it was read (WITA); ``capacity`` is how the acting official signs;
    ``scan_url`` downloads the scan."""

    id: int
    kind: str
    number: str
    issued_on: date
    issuer_name: str
    issuer_title: str
    role: str
    capacity: str
    covered_user_id: int | None
    covered_name: str
    acting_user_id: int
    acting_username: str
    acting_name: str
    valid_from: date
    valid_until: date
    note: str
    status: str
    filename: str
    content_type: str
    size: int
    sha256: str
    scan_url: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str
    revoke_reason: str


def warrant_out(view: warrant_service.WarrantView) -> WarrantOut:
    w = view.warrant
    assert w.id is not None
    return WarrantOut(
        id=w.id, kind=w.kind, number=w.number, issued_on=w.issued_on, issuer_name=w.issuer_name,
        issuer_title=w.issuer_title, role=w.role, capacity=view.capacity,
        covered_user_id=w.covered_user_id, covered_name=view.covered_name,
        acting_user_id=w.acting_user_id, acting_username=view.acting_username,
        acting_name=view.acting_name, valid_from=w.valid_from, valid_until=w.valid_until,
        note=w.note, status=view.status, filename=w.filename, content_type=w.content_type,
        size=w.size, sha256=w.sha256, scan_url=f"/api/warrants/{w.id}/scan",
        created_by=view.created_by_name, created_at=w.created_at, revoked_at=w.revoked_at,
        revoked_by=view.revoked_by_name, revoke_reason=w.revoke_reason)


def _today(ctx: Ctx) -> date:
    return ctx.calendar.local_date(ctx.now)


@router.post("/warrants", status_code=201)
def register(
    ctx: CtxDep, runtime: RuntimeDep,
    kind: Annotated[str, Form(max_length=8)],
    number: Annotated[str, Form(max_length=TEXTS["warrant_number"].max_length)],
    issued_on: FormDay,
    issuer_name: Annotated[str, Form(max_length=TEXTS["issuer_name"].max_length)],
    issuer_title: Annotated[str, Form(max_length=TEXTS["issuer_title"].max_length)],
    role: Annotated[str, Form(max_length=16)],
    acting_user_id: Annotated[int, Form(ge=1, le=MAX_INT32)],
    valid_from: FormDay,
    valid_until: FormDay,
    file: Annotated[UploadFile, File()],
    covered_user_id: Annotated[int | None, Form(ge=1, le=MAX_INT32)] = None,
    note: Annotated[str, Form(max_length=TEXTS["warrant_note"].max_length)] = "",
) -> WarrantOut:
    """Register a warrant with its scan (PDF, JPEG or PNG), admins only: 201 with the
    warrant. Refused: 422 with every problem of the form, 409 ``warrant_overlap``."""
    limit = runtime.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    given = warrant_service.WarrantInput(
        kind=kind, number=number, issued_on=issued_on, issuer_name=issuer_name,
        issuer_title=issuer_title, role=role, acting_user_id=acting_user_id,
        valid_from=valid_from, valid_until=valid_until, covered_user_id=covered_user_id,
        note=note)
    warrant = warrant_service.register_warrant(ctx, given, file.filename, content, limit)
    assert warrant.id is not None
    return warrant_out(warrant_service.get_warrant(ctx.session, warrant.id, _today(ctx)))


@router.get("/warrants")
def list_warrants(ctx: CtxDep, active: bool | None = Query(default=None)) -> list[WarrantOut]:
    """The register, those in force first; ``active=true`` only those in force today,
    ``active=false`` only the others."""
    require(ctx.actor, "read_warrants")
    return [warrant_out(v) for v in warrant_service.list_warrants(ctx.session, _today(ctx),
                                                                   active)]


@router.get("/warrants/{warrant_id}")
def get_warrant(ctx: CtxDep, warrant_id: Id) -> WarrantOut:
    require(ctx.actor, "read_warrants")
    return warrant_out(warrant_service.get_warrant(ctx.session, warrant_id, _today(ctx)))


@router.get("/warrants/{warrant_id}/scan", response_class=Response)
def scan(ctx: CtxDep, warrant_id: Id) -> Response:
    """The scan as uploaded, as an attachment."""
    require(ctx.actor, "read_warrants")
    warrant, content = warrant_service.read_scan(ctx.session, warrant_id)
    return attachment(warrant, content)


class RevokeIn(schemas.Strict):
    reason: Annotated[str, length("revoke_reason", 1), lines("revoke_reason")]


@router.post("/warrants/{warrant_id}/revoke")
def revoke(ctx: CtxDep, warrant_id: Id, body: RevokeIn) -> WarrantOut:
    """Revoke a warrant from now on, with a reason (admins only)."""
    warrant_service.revoke_warrant(ctx, warrant_id, body.reason)
    return warrant_out(warrant_service.get_warrant(ctx.session, warrant_id, _today(ctx)))


class AbsenceIn(schemas.Strict):
    """Days away (WITA, inclusive); ``user_id`` only when an admin marks it for a holder."""

    starts_on: IsoDay
    ends_on: IsoDay
    note: Annotated[str, length("absence_note"), lines("absence_note")] = ""
    user_id: int | None = Field(default=None, ge=1, le=MAX_INT32)


class AbsenceOut(BaseModel):
    id: int
    user_id: int
    username: str
    user_name: str
    starts_on: date
    ends_on: date
    note: str
    cancelled_at: datetime | None


def _absence_out(view: absence_service.AbsenceView) -> AbsenceOut:
    a = view.absence
    assert a.id is not None
    return AbsenceOut(id=a.id, user_id=a.user_id, username=view.username,
                      user_name=view.user_name, starts_on=a.starts_on, ends_on=a.ends_on,
                      note=a.note, cancelled_at=a.cancelled_at)


@router.post("/absences", status_code=201)
def mark_absence(ctx: CtxDep, body: AbsenceIn) -> AbsenceOut:
    """Mark oneself (a Kadis, Kabid or Bendahara) away; escalations skip them meanwhile."""
    absence = absence_service.mark_absence(ctx, body.starts_on, body.ends_on, body.note,
                                           body.user_id)
    assert absence.id is not None
    return _absence_out(absence_service.get_absence(ctx.session, absence.id))


@router.get("/absences")
def list_absences(ctx: CtxDep) -> list[AbsenceOut]:
    """Absences that have not ended, soonest first."""
    require(ctx.actor, "read_warrants")
    return [_absence_out(v) for v in absence_service.list_absences(ctx.session, _today(ctx))]


@router.post("/absences/{absence_id}/cancel")
def cancel_absence(ctx: CtxDep, absence_id: Id) -> AbsenceOut:
    absence_service.cancel_absence(ctx, absence_id)
    return _absence_out(absence_service.get_absence(ctx.session, absence_id))

"""The warrants register (surat perintah Plh./Plt.): everyone who reads cases lists it; the
admin registers each warrant with its scan, and revokes one with a reason.

The pages call the same service functions as the JSON API (``cases.api.warrants``). A refused
form comes back with every problem beside its field and the typed values kept (the scan must
be chosen again: no browser lets a page fill a file input).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from cases.errors import BadInput, Conflict, PayloadTooLarge, UnsupportedFileType
from cases.http.attachments import attachment
from cases.http.errors import status_of
from cases.http.params import Id
from cases.limits import TEXTS, whole_number
from cases.models import User
from cases.permissions import require
from cases.services import users as user_service
from cases.services import warrants as warrant_service
from web.forms import plausible_day
from web.render import page, tgl
from web.session import Page, PageDep, PostDep, redirect
from workflows import ROLE_LABELS, BerkasError, Reason
from workflows.acting import KIND_LABELS, KIND_PREFIX, POSITION_TITLES

router = APIRouter()

TEXT_FIELDS = ("kind", "number", "issued_on", "issuer_name", "issuer_title", "role",
               "covered_user_id", "acting_user_id", "valid_from", "valid_until", "note")
# What each field of the form is called, for a refusal that names it by its code.
LABELS = {"kind": "Jenis surat perintah", "number": "Nomor surat perintah",
          "issued_on": "Tanggal surat perintah",
          "issuer_name": "Nama penanda tangan", "issuer_title": "Jabatan penanda tangan",
          "role": "Jabatan yang diisi", "covered_user_id": "Pejabat yang digantikan",
          "acting_user_id": "Pejabat Plh./Plt.", "valid_from": "Berlaku mulai",
          "valid_until": "Berlaku sampai", "note": "Catatan", "file": "Pindaian surat perintah",
          "reason": "Alasan pencabutan"}
# The form's field that each refusal of the service is about (shown beside that input).
FIELD_OF = {
    "number_required": "number", "issuer_name_required": "issuer_name",
    "issuer_title_required": "issuer_title", "unknown_warrant_kind": "kind",
    "position_not_coverable": "role", "invalid_window": "valid_until",
    "window_too_long": "valid_until", "warrant_backdated": "valid_from",
    "covered_user_required": "covered_user_id", "covered_user_not_holder": "covered_user_id",
    "user_inactive": "acting_user_id", "warrant_to_covered_user": "acting_user_id",
    "already_holds_role": "acting_user_id", "conflicting_roles": "acting_user_id",
    "empty_file": "file", "file_too_large": "file", "unsupported_file_type": "file",
    "issued_on_invalid": "issued_on", "valid_from_invalid": "valid_from",
    "valid_until_invalid": "valid_until", "acting_user_required": "acting_user_id",
    "missing_reason": "reason",
}
_NAMED = re.compile(r"^([a-z_]+): (.*)$", re.DOTALL)
ACTIVE = {"1": True, "0": False}


def _today(who: Page) -> date:
    return who.ctx.calendar.local_date(who.ctx.now)


def _register(who: Page, *, values: dict[str, str] | None = None,
              errors: dict[str, list[str]] | None = None, active: str = "",
              revoking: int | None = None, status: int = 200) -> Response:
    """The register as it is now (after a refused form too), with the form's errors: those
    of the revoke form of warrant ``revoking`` shown on its row."""
    require(who.actor, "read_warrants")
    who.ctx.fresh()
    views = warrant_service.list_warrants(who.session, _today(who), ACTIVE.get(active))
    users = [u for u in user_service.list_users(who.session) if u.is_active]
    return page(who.request, "warrants.html", {
        "warrants": views, "status_labels": warrant_service.STATUS_LABELS,
        "kinds": KIND_LABELS, "prefixes": KIND_PREFIX,
        "positions": {r: f"{POSITION_TITLES[r]} ({ROLE_LABELS[r]})" for r in POSITION_TITLES},
        "users": users, "user_label": _user_label, "active": active,
        "values": values or {}, "errors": errors or {}, "revoking": revoking,
        "limits": TEXTS, "max_mb": who.runtime.settings.max_upload_bytes // (1024 * 1024),
    }, who=who, status=status)


def _user_label(user: User) -> str:
    """A person in a select: name, and roles as people read them."""
    roles = ", ".join(ROLE_LABELS.get(r, r) for r in user.roles)
    return f"{user.full_name or user.username} — {roles}" if roles else (
        user.full_name or user.username)


@router.get("/admin/warrants")
def register(
    who: PageDep, active: Annotated[str, Query(pattern="^(1|0|)$")] = ""
) -> Response:
    return _register(who, active=active)


@router.post("/admin/warrants")
def create_warrant(posted: PostDep) -> Response:
    """Register a warrant with its scan (admins; the service checks the role too)."""
    who = posted.page
    require(who.actor, "manage_warrants")
    values = {name: posted.text(name) for name in TEXT_FIELDS}
    file = posted.form.get("file")
    try:
        given = _read(values)
        filename, content = None, b""
        limit = who.runtime.settings.max_upload_bytes
        if isinstance(file, UploadFile):
            filename, content = file.filename, file.file.read(limit + 1)
        warrant = warrant_service.register_warrant(who.ctx, given, filename, content, limit)
    except (BadInput, Conflict, PayloadTooLarge, UnsupportedFileType) as exc:
        return _register(who, values=values, errors=_errors(exc), status=status_of(exc))
    assert warrant.id is not None
    view = warrant_service.get_warrant(who.session, warrant.id, _today(who))
    return redirect("/admin/warrants", (
        f"Surat perintah {warrant.number} dicatat: {view.acting_name} sebagai "
        f"{view.capacity}, {tgl(warrant.valid_from)} s.d. {tgl(warrant.valid_until)}."))


def _read(values: dict[str, str]) -> warrant_service.WarrantInput:
    """The warrant as typed, or BadInput naming each date or person that cannot be read (the
    service checks the rest, so every problem of a readable form shows at once)."""
    reasons = []
    days: dict[str, date | None] = {}
    for name in ("issued_on", "valid_from", "valid_until"):
        days[name] = plausible_day(values[name]) if values[name] else None
        if days[name] is None:
            problem = "tidak valid" if values[name] else "wajib diisi"
            reasons.append(Reason(f"{name}_invalid", f"{LABELS[name]} {problem}"))
    acting = whole_number(values["acting_user_id"], 1)
    if acting is None:
        reasons.append(Reason("acting_user_required", "Pilih pejabat Plh./Plt."))
    covered = whole_number(values["covered_user_id"], 1) if values["covered_user_id"] else None
    if values["covered_user_id"] and covered is None:
        reasons.append(Reason("covered_user_not_holder", "Pilih pejabat yang digantikan"))
    issued_on, valid_from, valid_until = (days["issued_on"], days["valid_from"],
                                          days["valid_until"])
    if reasons or acting is None or issued_on is None or valid_from is None \
            or valid_until is None:
        raise BadInput("Surat perintah belum dapat dicatat", "invalid_warrant", reasons)
    return warrant_service.WarrantInput(
        kind=values["kind"], number=values["number"], issued_on=issued_on,
        issuer_name=values["issuer_name"], issuer_title=values["issuer_title"],
        role=values["role"], acting_user_id=acting, valid_from=valid_from,
        valid_until=valid_until, covered_user_id=covered, note=values["note"])


def _errors(exc: BerkasError) -> dict[str, list[str]]:
    """The refusal's messages by the form field they are about ("" for the whole form),
    each as people read it: a field by its label, never a code."""
    out: dict[str, list[str]] = defaultdict(list)
    out[""].append(exc.message)
    code = getattr(exc, "code", "")
    if code in FIELD_OF and not exc.reasons:
        out[FIELD_OF[code]].append(exc.message)
    for reason in exc.reasons:
        field, message = FIELD_OF.get(reason.code, ""), reason.message
        named = _NAMED.match(message)
        if named and named.group(1) in LABELS:  # a text too long: "number: paling banyak …"
            field, message = named.group(1), f"{LABELS[named.group(1)]}: {named.group(2)}"
        if reason.basis:
            message = f"{message} (dasar: {reason.basis})"
        out[field].append(message)
    return dict(out)


@router.post("/admin/warrants/{warrant_id}/revoke")
def revoke(posted: PostDep, warrant_id: Id) -> Response:
    """Revoke a warrant from now on, with the reason (admins; its acts so far stand)."""
    who = posted.page
    try:
        warrant = warrant_service.revoke_warrant(who.ctx, warrant_id, posted.text("reason"))
    except (BadInput, Conflict) as exc:
        return _register(who, errors=_errors(exc), revoking=warrant_id,
                         status=status_of(exc))
    return redirect("/admin/warrants", f"Surat perintah {warrant.number} dicabut.")


@router.get("/admin/warrants/{warrant_id}/scan")
def scan(who: PageDep, warrant_id: Id) -> Response:
    """The warrant's scan as uploaded, as a download."""
    require(who.actor, "read_warrants")
    warrant, content = warrant_service.read_scan(who.session, warrant_id)
    return attachment(warrant, content)


"""Absences: the holder of a position (Kadis, Kabid, Bendahara) marks the days they are away
and cancels the mark when back early; the admin may mark or cancel one for any holder.

Escalations skip an absent holder and go to whoever acts (``notifications.recipients``). The
pages call the same service functions as the JSON API (``cases.api.warrants``); the list is
read by everyone who may read the warrants register, as the API's is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from cases.errors import BadInput, Conflict, NotFound
from cases.http.errors import status_of
from cases.http.params import Id
from cases.limits import TEXTS, whole_number
from cases.permissions import may, require
from cases.services import absences as absence_service
from cases.services import users as user_service
from web.forms import plausible_day
from web.render import page, tgl
from web.session import Page, PageDep, PostDep, redirect
from workflows import ROLE_LABELS, BerkasError, Reason, Role
from workflows.acting import POSITION_TITLES

router = APIRouter()

FIELDS = ("starts_on", "ends_on", "note", "user_id")
LABELS = {"starts_on": "Tidak hadir mulai", "ends_on": "Sampai dengan", "note": "Keterangan",
          "user_id": "Pejabat"}
FIELD_OF = {"invalid_window": "ends_on", "window_too_long": "ends_on",
            "starts_on_invalid": "starts_on", "ends_on_invalid": "ends_on",
            "not_a_position_holder": "user_id", "user_not_found": "user_id",
            "absence_overlap": "starts_on"}


def _today(who: Page) -> date:
    return who.ctx.calendar.local_date(who.ctx.now)


def _is_admin(who: Page) -> bool:
    return Role.ADMIN in who.actor.own_roles


def _absences(who: Page, *, values: dict[str, str] | None = None,
              errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    """The absences not yet over (after a refused form too), with the form's errors."""
    if not may(who.actor, "mark_absence"):
        require(who.actor, "read_warrants")
    who.ctx.fresh()
    today = _today(who)
    holders = []
    if _is_admin(who):
        holders = [(u.id, f"{u.full_name or u.username} — "
                    + ", ".join(ROLE_LABELS[r] for r in u.roles if r in POSITION_TITLES))
                   for u in user_service.list_users(who.session)
                   if u.is_active and set(u.roles) & set(POSITION_TITLES)]
    return page(who.request, "absences.html", {
        "absences": absence_service.list_absences(who.session, today), "today": today,
        "holder": bool(who.actor.own_roles & set(POSITION_TITLES)), "admin": _is_admin(who),
        "holders": holders, "values": values or {}, "errors": errors or {}, "limits": TEXTS,
    }, who=who, status=status)


@router.get("/absences")
def absences(who: PageDep) -> Response:
    return _absences(who)


@router.post("/absences")
def mark(posted: PostDep) -> Response:
    """Mark oneself away (an admin: the holder chosen); the service checks who may."""
    who = posted.page
    require(who.actor, "mark_absence")
    values = {name: posted.text(name) for name in FIELDS}
    try:
        starts_on, ends_on, user_id = _read(values, admin=_is_admin(who))
        absence = absence_service.mark_absence(who.ctx, starts_on, ends_on, values["note"],
                                               user_id)
    except (BadInput, Conflict, NotFound) as exc:
        return _absences(who, values=values, errors=_errors(exc), status=status_of(exc))
    assert absence.id is not None
    view = absence_service.get_absence(who.session, absence.id)
    return redirect("/absences", f"Ketidakhadiran {view.user_name} dicatat: "
                    f"{tgl(absence.starts_on)} s.d. {tgl(absence.ends_on)}.")


def _read(values: dict[str, str], *, admin: bool) -> tuple[date, date, int | None]:
    """The dates as typed and the holder (an admin's choice; else oneself), or BadInput
    naming each one that cannot be read."""
    reasons = []
    days: dict[str, date | None] = {}
    for name in ("starts_on", "ends_on"):
        days[name] = plausible_day(values[name]) if values[name] else None
        if days[name] is None:
            problem = "tidak valid" if values[name] else "wajib diisi"
            reasons.append(Reason(f"{name}_invalid", f"{LABELS[name]} {problem}"))
    user_id = None
    if admin and values["user_id"]:
        user_id = whole_number(values["user_id"], 1)
        if user_id is None:
            reasons.append(Reason("user_not_found", "Pilih pejabat yang tidak hadir"))
    starts_on, ends_on = days["starts_on"], days["ends_on"]
    if reasons or starts_on is None or ends_on is None:
        raise BadInput("Ketidakhadiran belum dapat dicatat", "invalid_absence", reasons)
    return starts_on, ends_on, user_id


def _errors(exc: BerkasError) -> dict[str, list[str]]:
    """The refusal's messages by the form field they are about ("" for the whole form)."""
    out: dict[str, list[str]] = defaultdict(list)
    out[""].append(exc.message)
    code = getattr(exc, "code", "")
    if code in FIELD_OF and not exc.reasons:
        out[FIELD_OF[code]].append(exc.message)
    for reason in exc.reasons:
        field, message = FIELD_OF.get(reason.code, ""), reason.message
        name, sep, rest = message.partition(": ")
        if sep and name in LABELS:  # a note too long: "note: paling banyak …"
            field, message = name, f"{LABELS[name]}: {rest}"
        out[field].append(message)
    return dict(out)


@router.post("/absences/{absence_id}/cancel")
def cancel(posted: PostDep, absence_id: Id) -> Response:
    """Cancel an absence: one's own (an admin: anyone's); the person is back."""
    who = posted.page
    try:
        absence = absence_service.cancel_absence(who.ctx, absence_id)
    except (BadInput, Conflict) as exc:
        return _absences(who, errors=_errors(exc), status=status_of(exc))
    view = absence_service.get_absence(who.session, absence_id)
    return redirect("/absences", f"Ketidakhadiran {view.user_name} "
                    f"{tgl(absence.starts_on)} s.d. {tgl(absence.ends_on)} dibatalkan.")

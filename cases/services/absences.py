"""Absences: the holder of a position (Kadis, Kabid, Bendahara) marks the days they are away
without a warrant; escalations skip them and go to whoever acts (``notifications.recipients``).

A holder marks their own; the admin may mark one for a holder who cannot (a phone call from
the airport). An absence is cancelled, never deleted, and both acts are recorded in the system
audit log with the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput, Conflict, Forbidden, NotFound
from cases.limits import checked_text
from cases.models import Absence, User
from cases.permissions import require
from cases.unit_of_work import unit_of_work
from infra.context import Ctx
from workflows import ROLE_LABELS, Role
from workflows.acting import POSITION_TITLES
from workflows.fields import date_problem

MAX_ABSENCE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class AbsenceView:
    absence: Absence
    user_name: str
    username: str
    roles: tuple[str, ...]

    @property
    def positions(self) -> str:
        return ", ".join(ROLE_LABELS[r] for r in self.roles if r in POSITION_TITLES)


def mark_absence(ctx: Ctx, starts_on: date, ends_on: date, note: str = "",
                 user_id: int | None = None) -> Absence:
    """Mark ``user_id`` (the caller by default) away from ``starts_on`` to ``ends_on``."""
    require(ctx.actor, "mark_absence")
    who = ctx.actor.user_id if user_id is None else user_id
    if who != ctx.actor.user_id and Role.ADMIN not in ctx.actor.own_roles:
        raise Forbidden("Hanya administrator yang dapat mencatat ketidakhadiran orang lain",
                        "role_not_permitted")
    note = checked_text("note", "absence_note", note)
    problem = next((p for p in map(date_problem, (starts_on, ends_on)) if p), None)
    if problem is not None:
        raise BadInput(problem.message, problem.code)
    if ends_on < starts_on:
        raise BadInput("Tanggal akhir tidak boleh sebelum tanggal mulai", "invalid_window")
    if ends_on - starts_on > MAX_ABSENCE:
        raise BadInput("Ketidakhadiran lebih dari satu tahun: periksa tanggal", "window_too_long")
    with unit_of_work(ctx) as uow:
        system_audit.lock_head(uow.session)
        user = uow.session.get(User, who)
        if user is None or not user.is_active:
            raise NotFound(f"Pengguna {who} tidak ditemukan", "user_not_found")
        if not set(user.roles) & set(POSITION_TITLES):
            raise BadInput("Ketidakhadiran dicatat untuk pemegang jabatan (Kepala Dinas, "
                           "Kepala Bidang, Bendahara)", "not_a_position_holder")
        _check_overlap(uow.session, who, starts_on, ends_on)
        absence = Absence(user_id=who, starts_on=starts_on, ends_on=ends_on, note=note,
                          created_by=ctx.actor.user_id, created_at=ctx.now)
        uow.session.add(absence)
        uow.session.flush()
        system_audit.record(uow.session, actor=ctx.actor, action="absence_marked", at=ctx.now,
                            target=user.username, payload={
                                "absence_id": absence.id, "starts_on": starts_on,
                                "ends_on": ends_on, "note": note})
    return absence


def cancel_absence(ctx: Ctx, absence_id: int) -> Absence:
    """Cancel an absence (the person is back early, or it was a mistake)."""
    require(ctx.actor, "mark_absence")
    with unit_of_work(ctx) as uow:
        system_audit.lock_head(uow.session)
        absence = uow.session.get(Absence, absence_id)
        if absence is None:
            raise NotFound(f"Ketidakhadiran {absence_id} tidak ditemukan", "absence_not_found")
        if absence.user_id != ctx.actor.user_id and Role.ADMIN not in ctx.actor.own_roles:
            raise Forbidden("Hanya yang bersangkutan atau administrator yang dapat membatalkan",
                            "role_not_permitted")
        if absence.cancelled_at is not None:
            raise Conflict("Ketidakhadiran ini sudah dibatalkan", "absence_cancelled")
        if absence.ends_on < ctx.calendar.local_date(ctx.now):
            raise Conflict("Ketidakhadiran ini sudah lewat; catatannya disimpan",
                           "absence_ended")
        absence.cancelled_at, absence.cancelled_by = ctx.now, ctx.actor.user_id
        user = uow.session.get(User, absence.user_id)
        system_audit.record(uow.session, actor=ctx.actor, action="absence_cancelled",
                            at=ctx.now, target=user.username if user else "",
                            payload={"absence_id": absence_id})
    return absence


def list_absences(session: Session, today: date, user_id: int | None = None
                  ) -> list[AbsenceView]:
    """Absences not cancelled that have not ended before ``today``, soonest first (one
    user's, or everyone's)."""
    query = select(Absence, User).join(User, col(User.id) == col(Absence.user_id)).where(
        col(Absence.cancelled_at).is_(None), col(Absence.ends_on) >= today)
    if user_id is not None:
        query = query.where(Absence.user_id == user_id)
    rows = session.exec(query.order_by(col(Absence.starts_on), col(Absence.id)))
    return [AbsenceView(a, u.full_name or u.username, u.username, tuple(u.roles))
            for a, u in rows]


def get_absence(session: Session, absence_id: int) -> AbsenceView:
    row = session.exec(select(Absence, User).join(User, col(User.id) == col(Absence.user_id))
                       .where(Absence.id == absence_id)).first()
    if row is None:
        raise NotFound(f"Ketidakhadiran {absence_id} tidak ditemukan", "absence_not_found")
    absence, user = row
    return AbsenceView(absence, user.full_name or user.username, user.username,
                       tuple(user.roles))


def _check_overlap(session: Session, user_id: int, starts_on: date, ends_on: date) -> None:
    clash = session.exec(select(Absence).where(
        Absence.user_id == user_id, col(Absence.cancelled_at).is_(None),
        col(Absence.starts_on) <= ends_on, col(Absence.ends_on) >= starts_on)).first()
    if clash is not None:
        raise Conflict(f"Sudah tercatat tidak hadir {clash.starts_on:%d-%m-%Y} s.d. "
                       f"{clash.ends_on:%d-%m-%Y}", "absence_overlap")

"""Who acts for whom today: the warrants in force, those that lapsed, and who is away.

Read on every request (the actor's warrants, :func:`acting_of`), by the transition that
relies on one (:func:`check_in_force`, under the write lock), and by the notices that must
reach the acting official (:func:`acting_today`, :func:`absent_today`). Windows are dates in
WITA, both ends inclusive, so "in force today" compares dates only: a warrant valid until 7
December grants nothing from 00:00 WITA on 8 December.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session

from cases.errors import Forbidden
from cases.models import Absence, User, Warrant
from cases.permissions import lends, warrant_used
from infra.context import Ctx
from infra.db import table_of
from workflows.acting import ActingWarrant, Lapse, LapsedWarrant

_WARRANTS = table_of(Warrant)
_ABSENCES = table_of(Absence)
_USERS = table_of(User)
# A user's warrants that have begun, newest window first: a handful per user in a career.
_OF_USER = (core_select(_WARRANTS.c.id, _WARRANTS.c.number, _WARRANTS.c.kind, _WARRANTS.c.role,
                        _WARRANTS.c.valid_until, _WARRANTS.c.revoked_at)
            .where(_WARRANTS.c.acting_user_id == bindparam("user_id"),
                   _WARRANTS.c.valid_from <= bindparam("day"))
            .order_by(_WARRANTS.c.valid_until.desc(), _WARRANTS.c.id.desc()))
_IN_FORCE = (core_select(_WARRANTS.c.acting_user_id, _WARRANTS.c.role, _USERS.c.roles)
             .join(_USERS, _USERS.c.id == _WARRANTS.c.acting_user_id)
             .where(_USERS.c.is_active.is_(True), _WARRANTS.c.valid_from <= bindparam("day"),
                    _WARRANTS.c.valid_until >= bindparam("day"),
                    _WARRANTS.c.revoked_at.is_(None)))
_ONE = core_select(_WARRANTS.c.valid_until, _WARRANTS.c.revoked_at).where(
    _WARRANTS.c.id == bindparam("warrant_id"))
_AWAY = (core_select(_ABSENCES.c.user_id)
         .where(_ABSENCES.c.starts_on <= bindparam("day"), _ABSENCES.c.ends_on >= bindparam("day"),
                _ABSENCES.c.cancelled_at.is_(None)))


def acting_of(session: Session, user_id: int, own_roles: Collection[str], day: date
              ) -> tuple[tuple[ActingWarrant, ...], tuple[LapsedWarrant, ...]]:
    """The warrants that lend ``user_id`` a role on ``day`` (none for a role they hold in
    their own right), and, for each other role they once acted in, the latest warrant, to
    explain a refusal (``warrant_expired``, ``warrant_revoked``)."""
    acting: dict[str, ActingWarrant] = {}
    lapsed: dict[str, LapsedWarrant] = {}
    rows = session.connection().execute(_OF_USER, {"user_id": user_id, "day": day})
    for warrant_id, number, kind, role, valid_until, revoked_at in rows:
        if role in own_roles or role in acting:
            continue
        in_force = revoked_at is None and valid_until >= day
        if in_force and lends(own_roles, role):
            acting[role] = ActingWarrant(warrant_id, number, kind, role, valid_until)
        elif role not in lapsed:
            lapse = (Lapse.REVOKED if revoked_at is not None else
                     Lapse.SUSPENDED if in_force else Lapse.EXPIRED)
            lapsed[role] = LapsedWarrant(warrant_id, number, kind, role, lapse, valid_until)
    return (tuple(acting.values()),
            tuple(w for role, w in lapsed.items() if role not in acting))


def check_in_force(session: Session, warrant: ActingWarrant, day: date) -> None:
    """Refuse (403) an act under ``warrant`` unless the row still says it is in force on
    ``day``: read inside the act's transaction, so that a warrant revoked or ended after the
    request was let in lends nothing."""
    row = session.connection().execute(_ONE, {"warrant_id": warrant.id}).first()
    if row is not None and row.revoked_at is None and row.valid_until >= day:
        return
    lapse = Lapse.REVOKED if row is not None and row.revoked_at is not None else Lapse.EXPIRED
    reason = LapsedWarrant(warrant.id, warrant.number, warrant.kind, warrant.role, lapse,
                           row.valid_until if row is not None else warrant.valid_until).reason()
    raise Forbidden("Anda tidak berwenang melakukan transisi ini", lapse.value, [reason])


def under_warrant(ctx: Ctx, action: str) -> ActingWarrant | None:
    """The warrant ``ctx``'s actor does ``action`` under (None in their own right), checked
    in force inside the caller's transaction: its audit entry records it."""
    warrant = warrant_used(ctx.actor, action)
    if warrant is not None:
        check_in_force(ctx.session, warrant, ctx.calendar.local_date(ctx.now))
    return warrant


def acting_today(session: Session, day: date) -> dict[str, list[int]]:
    """The active users acting for each role on ``day`` (a warrant lends its role only to
    whom :func:`~cases.permissions.lends` allows today), by role."""
    by_role: dict[str, list[int]] = defaultdict(list)
    for user_id, role, roles in session.connection().execute(_IN_FORCE, {"day": day}):
        if role not in (roles or ()) and lends(roles or (), role):
            by_role[role].append(int(user_id))
    return dict(by_role)


def absent_today(session: Session, day: date) -> frozenset[int]:
    """The users marked away on ``day``."""
    return frozenset(int(user_id) for (user_id,) in
                     session.connection().execute(_AWAY, {"day": day}))

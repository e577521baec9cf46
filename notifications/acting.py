"""Notices about acting officials (issue 14), sent once a day after the morning digest.

- One working day before a warrant ends, the admins and its acting official hear of it (the
  admins register the next one, if the official covered is not back). The day is the last
  working day before ``valid_until``; if nothing ran that day, the next run up to and
  including ``valid_until`` sends it. Once per warrant and person; never for a revoked one.
- On a working day when every Kadis is marked absent, no warrant lends anyone the position,
  and cases wait for the Kadis's decision, the Kabid hears of it (once per day), so that the
  sign-offs do not wait unseen.

Each notice's key names its cause and its person, so a second run, or a second instance,
sends nothing twice (:func:`notifications.inbox.notify_many`).
"""

from __future__ import annotations

from datetime import date, datetime

import structlog
from sqlmodel import Session, col, select

from cases.models import User, Warrant
from cases.services.counts import state_counts
from cases.services.worklist import signoff_queue, signoff_states
from infra.unit_of_work import UnitOfWork
from notifications import templates
from notifications.inbox import Channels, Notice, notify_many
from notifications.recipients import Person, Recipients
from workflows import Role
from workflows.calendar import WorkingCalendar
from workflows.dates import format_date
from workflows.deadlines import next_working_day

log = structlog.get_logger(__name__)

# How many waiting cases the Kabid's notice lists by name (the rest are counted).
LISTED = 5


def send_acting_notices(session: Session, now: datetime, calendar: WorkingCalendar,
                        channels: Channels) -> int:
    """Send what is owed as of ``now`` (safe to run again); returns how many notices are new."""
    today = calendar.local_date(now)
    with UnitOfWork(session):
        recipients = Recipients(session, today)
        notices = _warrants_ending(session, recipients, today, calendar, channels)
        if calendar.is_working_day(today):
            notices += _kadis_absent(session, recipients, today, channels)
        sent = notify_many(session, channels, notices, now)
    (log.info if sent else log.debug)("reminders.acting", day=today.isoformat(), sent=sent)
    return sent


def _warrants_ending(session: Session, recipients: Recipients, today: date,
                     calendar: WorkingCalendar, channels: Channels) -> list[Notice]:
    """The reminders of the warrants in force today whose reminder day has come.

    A warrant's reminder day is the last working day before its ``valid_until``: it has come
    when no working day lies between today and ``valid_until``, that is when ``valid_until``
    is at most the next working day after today.
    """
    horizon = next_working_day(today, calendar)
    warrants = list(session.exec(
        select(Warrant)
        .where(col(Warrant.revoked_at).is_(None), col(Warrant.valid_from) <= today,
               col(Warrant.valid_until) >= today, col(Warrant.valid_until) <= horizon)
        .order_by(col(Warrant.valid_until), col(Warrant.id))
    ))
    if not warrants:
        return []
    names = _names(session, {i for w in warrants
                             for i in (w.acting_user_id, w.covered_user_id) if i is not None})
    admins = recipients.holders(Role.ADMIN)
    notices = []
    for warrant in warrants:
        assert warrant.id is not None
        message = templates.warrant_ending(warrant, names.get(warrant.acting_user_id, ""),
                                           names.get(warrant.covered_user_id or 0, ""),
                                           channels.base_url)
        acting = recipients.person(warrant.acting_user_id)
        people: dict[int, Person] = {u.id: u for u in admins}
        if acting is not None:
            people[acting.id] = acting
        notices += [Notice(u, f"warrant-ending-{warrant.id}.u{u.id}", "warrant_ending", None,
                           message) for u in people.values()]
    return notices


def _kadis_absent(session: Session, recipients: Recipients, today: date, channels: Channels
                  ) -> list[Notice]:
    """The Kabid's notice, if every Kadis is away today with nobody acting for them and
    cases wait for the Kadis's decision."""
    kadis = [u for u in recipients.holders(Role.KADIS) if Role.KADIS in u.roles]
    if (not kadis or recipients.acting(Role.KADIS)
            or not all(recipients.is_absent(u.id) for u in kadis)):
        return []
    waiting = [item.case for item in signoff_queue(session, limit=LISTED)]
    if not waiting:
        return []
    people = recipients.escalation(Role.KABID)
    if not people:
        log.warning("reminders.nobody", kind="kadis_absent", role=Role.KABID)
        return []
    message = templates.kadis_absent(waiting, max(_waiting_count(session), len(waiting)),
                                     format_date(today), channels.base_url)
    return [Notice(u, f"kadis-absent-{today}.u{u.id}", "kadis_absent", None, message)
            for u in people]


def _waiting_count(session: Session) -> int:
    """How many cases wait for the Kadis's decision, from the counts per state."""
    waiting = signoff_states()
    return sum(n for (workflow, state), n in state_counts(session).items()
               if state in waiting.get(workflow, ()))


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    rows = session.exec(select(User.id, User.full_name, User.username)
                        .where(col(User.id).in_(sorted(user_ids))))
    return {int(i): full_name or username for i, full_name, username in rows if i is not None}

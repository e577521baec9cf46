"""Who hears of a deadline: the people notices, reminders and digests go to.

During a warrant's window the acting official (Plh., Plt.) hears what the holders of the
position hear (docs/domain.md: "Reminders and sign-off queues go to the acting official during
the window"); an escalation skips the holders marked absent that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import structlog
from sqlmodel import Session, select

from cases.models import User
from cases.services.acting import absent_today, acting_today
from cases.services.deadlines import ASSIGNABLE_ROLES
from infra.db import table_of

log = structlog.get_logger(__name__)

_USERS = table_of(User)
_ACTIVE_USERS = (select(_USERS.c.id, _USERS.c.username, _USERS.c.email, _USERS.c.roles)
                 .where(_USERS.c.is_active.is_(True)))


@dataclass(frozen=True, slots=True)
class Person:
    """An active user as notices need them: who, where to write, which roles."""

    id: int
    username: str
    email: str
    roles: tuple[str, ...]


class Recipients:
    """Who must act on a deadline on ``day`` (a WITA date): the assignee where the role allows
    one, otherwise every active holder of the role and whoever acts for it that day. Loads the
    users (plain rows, not ORM objects), the warrants in force and the absences of ``day``
    once, in one query each, for a whole sweep or digest, or for one transition's notices."""

    def __init__(self, session: Session, day: date) -> None:
        self.day = day
        self._users = [Person(int(i), name, email, tuple(roles or ()))
                       for i, name, email, roles in session.connection().execute(_ACTIVE_USERS)]
        self._by_id = {u.id: u for u in self._users}
        # A warrant lends nothing to a deactivated user: only active ones are kept.
        self._acting = {role: frozenset(i for i in ids if i in self._by_id)
                        for role, ids in acting_today(session, day).items()}
        self._absent = absent_today(session, day)
        self._holders: dict[str, tuple[Person, ...]] = {}

    def person(self, user_id: int) -> Person | None:
        """The active user ``user_id``, or None."""
        return self._by_id.get(user_id)

    def acting(self, role: str) -> Sequence[Person]:
        """The active users a warrant in force on the day lends ``role`` to."""
        ids = self._acting.get(role, frozenset())
        return tuple(u for u in self._users if u.id in ids)

    def is_absent(self, user_id: int) -> bool:
        """Whether ``user_id`` is marked away on the day."""
        return user_id in self._absent

    def holders(self, role: str) -> Sequence[Person]:
        """The active holders of ``role`` and those acting for it on the day, each once."""
        found = self._holders.get(role)
        if found is None:
            ids = self._acting.get(role, frozenset())
            found = tuple(u for u in self._users if role in u.roles or u.id in ids)
            self._holders[role] = found
        return found

    def escalation(self, role: str) -> Sequence[Person]:
        """Whom an escalation to ``role`` goes to: its holders (acting ones included) not
        marked absent on the day; if every one is away, the absent ones all the same, so that
        an escalation never goes to nobody."""
        holders = self.holders(role)
        present = tuple(u for u in holders if u.id not in self._absent)
        if present or not holders:
            return present
        log.warning("reminders.escalation_to_absent", role=role, day=self.day.isoformat(),
                    recipients=sorted(u.username for u in holders))
        return holders

    def for_deadline(self, role: str, assignee_id: int | None) -> Sequence[Person]:
        """The assignee where the role allows one (and, while they are marked away, whoever
        acts for the role too), otherwise every holder of the role, acting ones included."""
        assignee = self._by_id.get(assignee_id) if assignee_id is not None else None
        if role in ASSIGNABLE_ROLES and assignee is not None:
            if assignee.id in self._absent:
                return [assignee, *(u for u in self.acting(role) if u.id != assignee.id)]
            return [assignee]
        return self.holders(role)

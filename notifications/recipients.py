"""Who hears of a deadline: the people notices, reminders and digests go to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from cases.models import User
from cases.services.deadlines import ASSIGNABLE_ROLES
from infra.db import table_of

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
    """Who must act on a deadline: the assignee where the role allows one, otherwise every
    active holder of the role. Loads the users once (plain rows, not ORM objects), for a
    whole sweep or digest, or for one transition's notices."""

    def __init__(self, session: Session) -> None:
        self._users = [Person(int(i), name, email, tuple(roles or ()))
                       for i, name, email, roles in session.connection().execute(_ACTIVE_USERS)]
        self._by_id = {u.id: u for u in self._users}

    def holders(self, role: str) -> list[Person]:
        return [u for u in self._users if role in u.roles]

    def for_deadline(self, role: str, assignee_id: int | None) -> Sequence[Person]:
        assignee = self._by_id.get(assignee_id) if assignee_id is not None else None
        if role in ASSIGNABLE_ROLES and assignee is not None:
            return [assignee]
        return self.holders(role)

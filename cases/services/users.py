"""Users: creation, login, and turning a token's user into an :class:`Actor`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from cases.db import write_transaction
from cases.errors import BadInput, Conflict, NotAuthenticated
from cases.models import User
from cases.security import hash_password, verify_password
from workflows import Actor, Role

VALID_ROLES = frozenset(r.value for r in Role)


def to_actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.username, frozenset(user.roles), user.full_name)


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    email: str,
    roles: Iterable[str],
    password: str,
    now: datetime,
) -> User:
    """Register a user; roles must be known and the username free."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in VALID_ROLES]
    if not roles or unknown:
        raise BadInput(f"Peran tidak dikenal: {unknown or 'kosong'}", "unknown_role")
    if len(password) < 8:
        raise BadInput("Kata sandi minimal 8 karakter", "weak_password")
    with write_transaction(session):
        if session.exec(select(User.id).where(User.username == username)).first() is not None:
            raise Conflict(f"Nama pengguna {username} sudah dipakai", "username_taken")
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            roles=roles,
            password_hash=hash_password(password),
            created_at=now,
        )
        session.add(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise NotAuthenticated("Nama pengguna atau kata sandi salah", "invalid_credentials")
    return user


def active_user(session: Session, user_id: int) -> User:
    """The user behind a token, read anew on every request so deactivation bites at once."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("Pengguna tidak aktif", "inactive_user")
    return user


def users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User).where(col(User.id).in_(wanted)))
    return {u.id: u for u in rows if u.id is not None}

"""Users: creation, login, and turning a token's user into an :class:`Actor`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import structlog
from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from cases.db import table_of, write_transaction
from cases.errors import BadInput, Conflict, NotAuthenticated, NotFound, TooManyAttempts
from cases.models import LoginFailure, User
from cases.permissions import require
from cases.security import hash_password, verify_password
from cases.services.context import Ctx
from workflows import Actor, Role

log = structlog.get_logger(__name__)
USERNAME = re.compile(r"[A-Za-z0-9._]{1,64}")

VALID_ROLES = frozenset(r.value for r in Role)


# Statements of the request path are built once (see ``make bench``).
_USERS = table_of(User)


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
    _check_password(password)
    if not USERNAME.fullmatch(username):
        raise BadInput("Nama pengguna hanya huruf, angka, titik dan garis bawah (≤ 64)",
                       "invalid_username")
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


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise BadInput("Kata sandi minimal 8 karakter", "weak_password")


LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 5


def log_in(session: Session, username: str, password: str, now: datetime) -> User:
    """Check a password, at most ``LOGIN_MAX_FAILURES`` wrong tries per username per
    ``LOGIN_WINDOW`` (then 429 until the window passes); a success clears the count."""
    if "\x00" in username or "\x00" in password:  # no such user; and unstorable as text
        raise NotAuthenticated("Nama pengguna atau kata sandi salah", "invalid_credentials")
    since = now - LOGIN_WINDOW
    with write_transaction(session):
        failures = session.exec(
            select(func.count()).select_from(LoginFailure).where(
                LoginFailure.username == username, col(LoginFailure.at) > since)
        ).one()
        if failures >= LOGIN_MAX_FAILURES:
            raise TooManyAttempts("Terlalu banyak percobaan masuk; coba lagi 15 menit lagi",
                                  "too_many_attempts")
        try:
            user: User | None = authenticate(session, username, password)
        except NotAuthenticated:
            user = None
        if user is not None:
            session.execute(delete(LoginFailure).where(col(LoginFailure.username) == username))
            log.info("user.login", username=user.username)
            return user
        session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= since))
        session.add(LoginFailure(username=username[:64], at=now))
    log.info("user.login_failed", username=username[:64], recent_failures=failures + 1)
    raise NotAuthenticated("Nama pengguna atau kata sandi salah", "invalid_credentials")


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise NotAuthenticated("Nama pengguna atau kata sandi salah", "invalid_credentials")
    return user


def _inactive() -> NotAuthenticated:
    """The refusal of a token whose user is gone or deactivated (one code for every path)."""
    return NotAuthenticated("Pengguna tidak aktif", "inactive_user")


def active_user(session: Session, user_id: int) -> User:
    """The user behind a token, read anew on every request so deactivation bites at once."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise _inactive()
    return user


_ACTOR = select(_USERS.c.username, _USERS.c.roles, _USERS.c.full_name,
                _USERS.c.is_active).where(_USERS.c.id == bindparam("user_id"))


def active_actor(session: Session, user_id: int) -> Actor:
    """:func:`active_user` as the actor of a request, from a plain row: the API asks this
    on every call and needs nothing else of the user."""
    row = session.connection().execute(_ACTOR, {"user_id": user_id}).first()
    if row is None or not row.is_active:
        raise _inactive()
    return Actor(user_id, row.username, frozenset(row.roles), row.full_name)


class Names(NamedTuple):
    """How a user is named: ``username`` in the API, ``full_name`` on the pages."""

    username: str
    full_name: str


# Built once: every case response and case page names its people.
_NAMES = (select(_USERS.c.id, _USERS.c.username, _USERS.c.full_name)
          .where(_USERS.c.id.in_(bindparam("ids", expanding=True))))


def names_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, Names]:
    """The names of the users ``ids`` (None skipped), from plain rows in one query."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {int(i): Names(username, full_name) for i, username, full_name
            in session.connection().execute(_NAMES, {"ids": wanted})}


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def register_user(ctx: Ctx, *, username: str, full_name: str, email: str,
                  roles: Iterable[str], password: str) -> User:
    """An admin adds an account (the CLI's ``users create`` does the same without a login)."""
    require(ctx.actor, "manage_users")
    user = create_user(ctx.session, username=username.strip(), full_name=full_name.strip(),
                       email=email.strip(), roles=roles, password=password, now=ctx.now)
    log.info("user.created", username=user.username, roles=user.roles, actor=ctx.actor.username)
    return user


def set_active(ctx: Ctx, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account; its tokens and sessions stop working at once,
    because every request reads the user anew. Admins cannot lock themselves out."""
    require(ctx.actor, "manage_users")
    if user_id == ctx.actor.user_id and not active:
        raise BadInput("Anda tidak dapat menonaktifkan akun sendiri", "cannot_deactivate_self")
    with write_transaction(ctx.session) as session:
        user = _user(session, user_id)
        user.is_active = active
    log.info("user.active", username=user.username, active=active, actor=ctx.actor.username)
    return user


def reset_password(ctx: Ctx, user_id: int, password: str) -> User:
    require(ctx.actor, "manage_users")
    _check_password(password)
    with write_transaction(ctx.session) as session:
        user = _user(session, user_id)
        user.password_hash = hash_password(password)
    log.info("user.password_reset", username=user.username, actor=ctx.actor.username)
    return user


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Pengguna {user_id} tidak ditemukan", "user_not_found")
    return user

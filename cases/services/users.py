"""Users: creation, login, sessions that end when they should, and the admins' user acts.

Every token carries the user's ``token_version``; a logout, a password change or reset,
deactivation and a role change raise it (one atomic ``UPDATE``), which ends every token and
page session of that user at once (issue 11).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

import structlog
from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from cases import system_audit
from cases.errors import BadInput, Conflict, NotAuthenticated, NotFound
from cases.limits import checked_texts
from cases.models import User, Warrant
from cases.permissions import conflicting_pairs, lends, require
from cases.services.acting import acting_of
from cases.services.login import LoggedIn, admit, remember
from cases.unit_of_work import unit_of_work
from infra import security
from infra.context import Ctx
from infra.db import table_of
from infra.unit_of_work import UnitOfWork
from workflows import ROLE_LABELS, Actor, Reason, Role

log = structlog.get_logger(__name__)
USERNAME = re.compile(r"[A-Za-z0-9._]{1,64}")

VALID_ROLES = frozenset(r.value for r in Role)

# Statements of the request path are built once (see ``make bench``).
_USERS = table_of(User)
_END_SESSIONS = (update(_USERS).where(_USERS.c.id == bindparam("b_id"))
                 .values(token_version=_USERS.c.token_version + 1)
                 .returning(_USERS.c.token_version))


def to_actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.username, frozenset(user.roles), user.full_name)


def create_user(session: Session, *, username: str, full_name: str, email: str,
                roles: Iterable[str], password: str, now: datetime) -> User:
    """Register a user without a login (``berkas users create``, the demo); roles must be
    known and the username free. Recorded in the system chain as done by the system."""
    password_hash = _new_hash(password, username)
    with UnitOfWork(session):
        user = _add_user(session, username=username, full_name=full_name, email=email,
                         roles=roles, password_hash=password_hash, now=now)
        system_audit.record(session, actor=None, action="user_created", at=now,
                            target=username, payload={"roles": user.roles})
    return user


def _new_hash(password: str, username: str) -> str:
    """Check a new account's username and password, and hash the password: argon2 is slow
    on purpose, so this runs before (outside) the write transaction and its lock."""
    _check_password(password)
    if not USERNAME.fullmatch(username):
        raise BadInput("Nama pengguna hanya huruf, angka, titik dan garis bawah (≤ 64)",
                       "invalid_username")
    return security.hash_password(password)


def _add_user(session: Session, *, username: str, full_name: str, email: str,
              roles: Iterable[str], password_hash: str, now: datetime) -> User:
    """Insert the user inside the caller's write transaction; every text is held to its
    column (``cases.limits``), whichever entrypoint called."""
    texts = checked_texts({"username": ("username", username), "full_name": ("full_name",
                                                                              full_name),
                           "email": ("email", email)})
    username, full_name, email = texts["username"], texts["full_name"], texts["email"]
    roles = checked_roles(roles)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"Nama pengguna {username} sudah dipakai", "username_taken")
    user = User(username=username, full_name=full_name, email=email, roles=roles,
                password_hash=password_hash, created_at=now)
    session.add(user)
    session.flush()
    return user


def checked_roles(roles: Iterable[str]) -> list[str]:
    """The roles, known and sorted, or :class:`BadInput`: ``unknown_role``, or
    ``conflicting_roles`` for a pair of :data:`CONFLICTING_ROLES` (every path that sets
    roles comes here: the API, the pages, the CLI, the demo)."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in VALID_ROLES]
    if not roles or unknown:
        raise BadInput(f"Peran tidak dikenal: {unknown or 'kosong'}", "unknown_role")
    pairs = conflicting_pairs(roles)
    if pairs:
        raise BadInput(
            "Peran ini tidak boleh dipegang satu akun bersamaan: "
            + ", ".join(f"{one} + {other}" for one, other, _ in pairs), "conflicting_roles",
            [Reason("conflicting_roles", f"{ROLE_LABELS[one]} dan {ROLE_LABELS[other]}: {why}")
             for one, other, why in pairs])
    return roles


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise BadInput("Kata sandi minimal 8 karakter", "weak_password")


# --- login and its throttle -----------------------------------------------------------------

# --- sessions ---------------------------------------------------------------------------------


def _inactive() -> NotAuthenticated:
    """The refusal of a token whose user is gone or deactivated (one code for every path)."""
    return NotAuthenticated("Pengguna tidak aktif", "inactive_user")


def active_user(session: Session, user_id: int) -> User:
    """The user behind a token, read anew on every request so deactivation bites at once."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise _inactive()
    return user


_ACTOR = core_select(_USERS.c.username, _USERS.c.roles, _USERS.c.full_name,
                     _USERS.c.is_active, _USERS.c.token_version
                     ).where(_USERS.c.id == bindparam("user_id"))


def session_actor(session: Session, user_id: int, version: int | None, today: date
                  ) -> Actor:
    """The actor of a request whose token says ``user_id`` at ``version``, from a plain row:
    refused if the user is inactive or the version was raised since the token was issued
    (``version`` None: any, for callers that hold no token). Their roles are their own and
    those a warrant in force ``today`` (WITA) lends them (:mod:`cases.services.acting`)."""
    row = session.connection().execute(_ACTOR, {"user_id": user_id}).first()
    if row is None or not row.is_active:
        raise _inactive()
    if version is not None and row.token_version != version:
        raise NotAuthenticated("Sesi telah diakhiri; silakan masuk lagi", "token_revoked")
    own = frozenset(row.roles)
    acting, lapsed = acting_of(session, user_id, own, today)
    return Actor(user_id, row.username, own | {w.role for w in acting}, row.full_name,
                 acting, lapsed)


def active_actor(session: Session, user_id: int, today: date) -> Actor:
    """The active user ``user_id`` as an actor, for use cases started without a token."""
    return session_actor(session, user_id, None, today)


def _end_sessions(session: Session, user_id: int) -> int:
    """Raise the user's token version inside the caller's transaction; the new version."""
    return int(session.connection().execute(_END_SESSIONS, {"b_id": user_id}).scalar_one())


def log_out(session: Session, user_id: int) -> None:
    """End every token and page session of the user (all their devices)."""
    with UnitOfWork(session):
        _end_sessions(session, user_id)
    log.info("user.logout", user_id=user_id)


def change_password(ctx: Ctx, current: str, new: str, address: str) -> LoggedIn:
    """The user changes their own password: the current one is checked under the login
    throttle (a stolen session cannot guess it freely), and every session ends, this one
    included; the caller gets the version its fresh token must carry."""
    _check_password(new)
    account = admit(ctx.session, ctx.actor.username, address, ctx.now)
    if account is None or not security.verify_password(account.password_hash, current):
        log.info("user.password_change_refused", username=ctx.actor.username, address=address)
        raise BadInput("Kata sandi saat ini salah", "wrong_password")
    new_hash = security.hash_password(new)  # slow on purpose: before the write lock
    with unit_of_work(ctx) as uow:
        uow.session.connection().execute(update(_USERS).where(_USERS.c.id == account.id)
                                     .values(password_hash=new_hash))
        version = _end_sessions(uow.session, account.id)
        remember(uow.session, account.username, address, ctx.now)
        system_audit.record(uow.session, actor=ctx.actor, action="password_changed", at=ctx.now,
                            target=account.username)
    log.info("user.password_changed", username=account.username)
    return LoggedIn(account.id, account.username, account.full_name, version)


# --- the admins' acts -----------------------------------------------------------------------


class Names(NamedTuple):
    """How a user is named: ``username`` in the API, ``full_name`` on the pages."""

    username: str
    full_name: str


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))))


def register_user(ctx: Ctx, *, username: str, full_name: str, email: str,
                  roles: Iterable[str], password: str) -> User:
    """An admin adds an account (the CLI's ``users create`` does the same without a login)."""
    require(ctx.actor, "manage_users")
    username = username.strip()
    password_hash = _new_hash(password, username)
    with unit_of_work(ctx) as uow:
        user = _add_user(uow.session, username=username, full_name=full_name.strip(),
                         email=email.strip(), roles=roles, password_hash=password_hash,
                         now=ctx.now)
        system_audit.record(uow.session, actor=ctx.actor, action="user_created", at=ctx.now,
                            target=username, payload={"roles": user.roles})
    log.info("user.created", username=user.username, roles=user.roles, actor=ctx.actor.username)
    return user


def set_active(ctx: Ctx, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account. Deactivation ends its sessions, and they stay
    ended after a reactivation. Admins cannot lock themselves out."""
    require(ctx.actor, "manage_users")
    if user_id == ctx.actor.user_id and not active:
        raise BadInput("Anda tidak dapat menonaktifkan akun sendiri", "cannot_deactivate_self")
    with unit_of_work(ctx) as uow:
        user = _user(uow.session, user_id)
        user.is_active = active
        if not active:
            _end_sessions(uow.session, user_id)
        system_audit.record(uow.session, actor=ctx.actor, at=ctx.now, target=user.username,
                            action="user_activated" if active else "user_deactivated")
    log.info("user.active", username=user.username, active=active, actor=ctx.actor.username)
    return user


def reset_password(ctx: Ctx, user_id: int, password: str) -> User:
    """An admin sets a user's password; every session of that user ends."""
    require(ctx.actor, "manage_users")
    _check_password(password)
    password_hash = security.hash_password(password)  # slow on purpose: before the write lock
    with unit_of_work(ctx) as uow:
        user = _user(uow.session, user_id)
        user.password_hash = password_hash
        _end_sessions(uow.session, user_id)
        system_audit.record(uow.session, actor=ctx.actor, action="password_reset", at=ctx.now,
                            target=user.username)
    log.info("user.password_reset", username=user.username, actor=ctx.actor.username)
    return user


def change_roles(ctx: Ctx, user_id: int, roles: Iterable[str]) -> User:
    """An admin replaces a user's roles; their sessions end, so no token keeps a role it
    lost. An admin cannot take the admin role from themselves (nobody could give it back)."""
    require(ctx.actor, "manage_users")
    wanted = checked_roles(roles)
    if user_id == ctx.actor.user_id and Role.ADMIN.value not in wanted:
        raise BadInput("Anda tidak dapat mencabut peran admin dari akun sendiri",
                       "cannot_demote_self")
    with unit_of_work(ctx) as uow:
        user = _user(uow.session, user_id)
        _check_warrants_allow(uow.session, user_id, wanted, ctx.calendar.local_date(ctx.now))
        old, user.roles = list(user.roles), wanted
        _end_sessions(uow.session, user_id)
        system_audit.record(uow.session, actor=ctx.actor, action="roles_changed", at=ctx.now,
                            target=user.username, payload={"old": old, "new": wanted})
    log.info("user.roles", username=user.username, old=old, new=wanted,
             actor=ctx.actor.username)
    return user


NIP = re.compile(r"[0-9]{18}")
RANK_MAX = 100  # users.rank


def nip_problem(nip: str) -> str | None:
    """Why ``nip`` is not a civil servant's NIP (18 digits: birth date, appointment month,
    sex 1 or 2, sequence), or None. An empty NIP is allowed: not every user signs."""
    if not nip:
        return None
    if not NIP.fullmatch(nip):
        return "NIP terdiri atas 18 angka"
    if not ("01" <= nip[4:6] <= "12" and "01" <= nip[6:8] <= "31" and "01" <= nip[12:14] <= "12"
            and nip[14] in "12"):
        return "NIP tidak sesuai susunannya (tanggal lahir, TMT, jenis kelamin)"
    return None


def set_signer_profile(ctx: Ctx, user_id: int, rank: str, nip: str) -> User:
    """An admin records the rank (pangkat/golongan) and NIP a user's signature block prints
    on the documents Berkas issues (Permendagri 1/2023); audited with the old values."""
    require(ctx.actor, "manage_users")
    rank = checked_texts({"rank": ("rank", rank)})["rank"]
    nip = re.sub(r"[\s.]", "", nip)
    problem = nip_problem(nip)
    if problem is not None:
        raise BadInput(problem, "invalid_nip")
    with unit_of_work(ctx) as uow:
        user = _user(uow.session, user_id)
        old = {"rank": user.rank, "nip": user.nip}
        user.rank, user.nip = rank, nip
        system_audit.record(uow.session, actor=ctx.actor, action="profile_changed", at=ctx.now,
                            target=user.username, payload={"old": old,
                                                           "new": {"rank": rank, "nip": nip}})
    log.info("user.profile", username=user.username, actor=ctx.actor.username)
    return user


def _check_warrants_allow(session: Session, user_id: int, roles: list[str], today: date
                          ) -> None:
    """Refuse roles with which a warrant the user holds (in force or to come) could not lend
    its position (an auditor or finance as Plh. Kadis): revoke the warrant first. A warrant
    never lends such a role anyway (``cases.permissions.lends``); this says so at once."""
    held = session.exec(select(Warrant).where(
        Warrant.acting_user_id == user_id, col(Warrant.revoked_at).is_(None),
        col(Warrant.valid_until) >= today)).all()
    blocking = [w for w in held if w.role not in roles and not lends(roles, w.role)]
    if blocking:
        numbers = ", ".join(w.number for w in blocking)
        raise Conflict(f"Peran ini tidak dapat diberikan selama surat perintah Plh./Plt. "
                       f"{numbers} berlaku bagi pengguna ini; cabut surat perintahnya dahulu",
                       "roles_conflict_with_warrant")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Pengguna {user_id} tidak ditemukan", "user_not_found")
    return user

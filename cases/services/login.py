"""Logging in: the password check under two throttles, by client address and by account.

Each attempt is counted before its password is checked, by one atomic upsert per key, so that
concurrent tries on any instance cannot over-admit; argon2 runs outside every lock. The right
password from an address that logged into the account before passes the account's throttle,
so a stranger guessing at an official's name cannot lock the official out.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from ipaddress import IPv6Address, ip_address, ip_network
from typing import NamedTuple

import structlog
from sqlalchemy import bindparam, case, delete, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from cases.errors import NotAuthenticated, TooManyAttempts
from cases.models import LoginKnownAddress, LoginThrottle, User
from infra import security
from infra.db import dialect_insert, table_of
from infra.types import UTCDateTime
from infra.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)
_USERS = table_of(User)

LOGIN_WINDOW = timedelta(minutes=15)
ADDRESS_LIMIT = 20  # failed (or unfinished) tries per client address per window
ACCOUNT_LIMIT = 5  # failed tries per account per window, except the right password from a
# known address, so that a stranger cannot lock an official out
_THROTTLE = table_of(LoginThrottle)
_KNOWN = table_of(LoginKnownAddress)


class LoggedIn(NamedTuple):
    """Who logged in, and the token version their token must carry."""

    user_id: int
    username: str
    full_name: str
    token_version: int


class _Account(NamedTuple):
    id: int
    username: str
    full_name: str
    password_hash: str
    is_active: bool
    token_version: int


_ACCOUNT = core_select(_USERS.c.id, _USERS.c.username, _USERS.c.full_name,
                       _USERS.c.password_hash, _USERS.c.is_active, _USERS.c.token_version
                       ).where(_USERS.c.username == bindparam("b_name"))


def log_in(session: Session, username: str, password: str, address: str,
           now: datetime) -> LoggedIn:
    """Check a password from ``address`` under both throttles (see :func:`admit`); the
    attempt is counted before the password is checked, and argon2 runs outside any lock."""
    if "\x00" in username or "\x00" in password:  # no such user; and unstorable as text
        raise _wrong_credentials()
    account = admit(session, username, address, now)
    right = security.verify_password(account.password_hash if account else None, password)
    if account is None or not right or not account.is_active:
        log.info("user.login_failed", address=address, **_named(username, account))
        raise _wrong_credentials()
    with UnitOfWork(session):
        remember(session, account.username, address, now)
    log.info("user.login", username=account.username, address=address)
    return LoggedIn(account.id, account.username, account.full_name, account.token_version)


def _wrong_credentials() -> NotAuthenticated:
    return NotAuthenticated("Nama pengguna atau kata sandi salah", "invalid_credentials")


def admit(session: Session, username: str, address: str, now: datetime) -> _Account | None:
    """Count one attempt for the address, the account and the pair, each by one atomic
    upsert, and read the account in the same short transaction; refuse (429, no password
    checked) past :data:`ADDRESS_LIMIT` or :data:`ACCOUNT_LIMIT`, except from an address
    that logged into this account before, where only the pair's :data:`ACCOUNT_LIMIT` holds.
    Counting first means concurrent tries cannot over-admit."""
    address = throttled_address(address)
    with UnitOfWork(session):
        by_address = _count(session, f"addr:{address}", now)
        by_account = _count(session, f"user:{username[:64]}", now)
        by_pair = _count(session, f"pair:{username[:64]}@{address}", now)
        row = session.connection().execute(_ACCOUNT, {"b_name": username}).first()
        account = _Account(*row) if row is not None else None
        known = account is not None and _known(session.connection(), account.username, address)
    if by_address == 1:  # a new window for this address: tidy the expired counters
        _purge(session, now)
    # From an address the account logged in from before, only that pair's own count holds:
    # neither a stranger sharing the address nor one guessing at the name elsewhere locks
    # the official out, and the pair still allows no more guesses than the account limit.
    if known:
        refused = by_pair > ACCOUNT_LIMIT
    else:
        refused = by_address > ADDRESS_LIMIT or by_account > ACCOUNT_LIMIT
    if refused:
        log.warning("user.login_throttled", address=address, by_address=by_address,
                    by_account=by_account, **_named(username, account))
        raise TooManyAttempts("Terlalu banyak percobaan masuk; coba lagi 15 menit lagi",
                              "too_many_attempts")
    return account


_NOW = bindparam("b_now", type_=UTCDateTime())
_EXPIRED = _THROTTLE.c.window_start <= bindparam("b_cutoff", type_=UTCDateTime())


def _count(session: Session, key: str, now: datetime) -> int:
    """One more attempt under ``key`` in its window (a new window once the old one is
    over), as one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``."""
    insert = dialect_insert(session, _THROTTLE).values(key=bindparam("b_key"), count=1,
                                                          window_start=_NOW)
    upsert = insert.on_conflict_do_update(index_elements=[_THROTTLE.c.key], set_={
        "count": case((_EXPIRED, 1), else_=_THROTTLE.c["count"] + 1),
        "window_start": case((_EXPIRED, _NOW), else_=_THROTTLE.c.window_start),
    }).returning(_THROTTLE.c["count"])
    params = {"b_key": key[:200], "b_now": now, "b_cutoff": now - LOGIN_WINDOW}
    return int(session.connection().execute(upsert, params).scalar_one())


def throttled_address(address: str) -> str:
    """The address as the throttle counts it: an IPv6 client by its /64, which one
    subscriber holds whole (privacy addresses rotate within it); anything else as it is."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped or parsed) if isinstance(parsed, IPv6Address) else str(parsed)


def _known(connection: Connection, username: str, address: str) -> bool:
    query = select(_KNOWN.c.username).where(_KNOWN.c.username == username,
                                            _KNOWN.c.address == address[:64])
    return connection.execute(query).first() is not None


def remember(session: Session, username: str, address: str, now: datetime) -> None:
    """After a right password: clear the account's count, give the address its try back
    (an office behind one address logs in many times a morning) and know the address."""
    address = throttled_address(address)
    connection = session.connection()
    connection.execute(delete(_THROTTLE).where(_THROTTLE.c.key.in_(
        (f"user:{username}", f"pair:{username}@{address}"[:200]))))
    connection.execute(update(_THROTTLE).where(_THROTTLE.c.key == f"addr:{address}"[:200],
                                               _THROTTLE.c["count"] > 0)
                       .values(count=_THROTTLE.c["count"] - 1))
    known = dialect_insert(session, _KNOWN).values(username=username, address=address[:64],
                                                      last_at=now)
    connection.execute(known.on_conflict_do_update(
        index_elements=[_KNOWN.c.username, _KNOWN.c.address], set_={"last_at": now}))


def _purge(session: Session, now: datetime) -> None:
    """Delete expired counters in a transaction of their own, skipping rows another login
    holds (PostgreSQL), so that the purge never waits on a login nor deadlocks with one."""
    expired = (select(_THROTTLE.c.key).where(_EXPIRED).with_for_update(skip_locked=True))
    with UnitOfWork(session):
        session.connection().execute(delete(_THROTTLE).where(_THROTTLE.c.key.in_(expired)),
                                     {"b_cutoff": now - LOGIN_WINDOW})


def _named(username: str, account: _Account | None) -> dict[str, str]:
    """How a login attempt is named in the log: the username when it names an account, else
    a short hash, since a name that names nobody is often a password typed in that field."""
    if account is not None:
        return {"username": account.username}
    return {"username_hash": hashlib.sha256(username.encode()).hexdigest()[:12]}

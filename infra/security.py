"""Passwords (argon2), bearer tokens (JWT, HS256), and who the client is behind a proxy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
ALGORITHM = "HS256"
# Verified against when the username is unknown, so a wrong username costs as much as a
# wrong password and response times do not reveal which usernames exist. A constant made
# with the hasher's parameters (a test holds them equal): hashing it at import cost every
# process argon2's 64 MiB at start, for nothing.
DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$bKDO9JCY4CUnGyhLaUza8g$"
              "Y79k1O7EznLoNcH0hPspmUfuAxXYKVrKBF/GcV5vokU")

Networks = Sequence[IPv4Network | IPv6Network]


class InvalidToken(Exception):
    """A token that cannot be believed (forged, malformed, expired); ``code`` says which.
    The HTTP layer answers it as 401 (``cases.http.deps``)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def needs_rehash(password_hash: str) -> bool:
    """Was ``password_hash`` made with other parameters than the hasher's own?"""
    return _HASHER.check_needs_rehash(password_hash)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class Claims:
    """What a valid token says: whose it is, and the user's token version when issued."""

    user_id: int
    version: int


def issue_token(user_id: int, version: int, secret: str, now: datetime, minutes: int) -> str:
    """A token for ``user_id`` that lives ``minutes`` and only while the user's
    ``token_version`` is still ``version`` (logout, a password change, a reset, deactivation
    and a role change raise it)."""
    claims = {"sub": str(user_id), "ver": version, "iat": now,
              "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str, now: datetime) -> Claims:
    """The claims of a valid token unexpired at ``now``; otherwise :class:`InvalidToken`.

    Expiry is checked against the injected clock, not PyJWT's wall clock, so that tests and
    the server agree on what "now" is. A token without a version (issued before versions
    existed) is refused: it could not be ended by a logout.
    """
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "ver"], "verify_exp": False,
                     "verify_iat": False},
        )
        expired = float(claims["exp"]) <= now.timestamp()
        user_id, version = int(claims["sub"]), claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise TypeError("ver")
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        raise InvalidToken("Token tidak sah", "invalid_token") from None
    if expired:
        raise InvalidToken("Sesi telah berakhir; silakan masuk lagi", "token_expired")
    return Claims(user_id, version)


def client_address(peer: str, forwarded_for: Sequence[str], proxies: Networks) -> str:
    """The address a request comes from, as far as it can be believed.

    The socket peer, unless the peer is one of our reverse ``proxies``: then the right-most
    address of ``X-Forwarded-For`` that is not a proxy of ours (each proxy appends the
    address it saw, so everything left of that one was written by the client and may be
    forged). If every hop is ours, the left-most. This is the rule uvicorn's proxy headers
    middleware applies too, and applying it to an address it already resolved gives the
    same address: ``berkas serve`` may let uvicorn rewrite the peer without a double count.
    """
    if not _is_proxy(peer, proxies):
        return peer[:64]
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        host = _host_of(hop)
        if not _is_proxy(host, proxies):
            return host[:64]
    return (_host_of(hops[0]) if hops else peer)[:64]


def forwarded_https(peer: str, forwarded_proto: str | None, proxies: Networks) -> bool:
    """Whether a proxy of ours says the client spoke HTTPS to it (nobody else is believed)."""
    return (forwarded_proto or "").strip().lower() == "https" and _is_proxy(peer, proxies)


def _is_proxy(host: str, proxies: Networks) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in proxies)


def _host_of(hop: str) -> str:
    """``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80`` or ``::1`` as its address alone."""
    if hop.startswith("["):
        return hop[1:hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop

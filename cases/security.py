"""Passwords (argon2) and bearer tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cases.errors import NotAuthenticated

_HASHER = PasswordHasher()
ALGORITHM = "HS256"
# Verified against when the username is unknown, so a wrong username costs as much as a
# wrong password and response times do not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("berkas-no-such-user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(user_id: int, secret: str, now: datetime, minutes: int) -> str:
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str, now: datetime) -> int:
    """The user id in a valid token unexpired at ``now``; otherwise :class:`NotAuthenticated`.

    Expiry is checked against the injected clock, not PyJWT's wall clock, so that tests and
    the server agree on what "now" is.
    """
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"], "verify_exp": False, "verify_iat": False},
        )
        expired = float(claims["exp"]) <= now.timestamp()
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        raise NotAuthenticated("Token tidak sah", "invalid_token") from None
    if expired:
        raise NotAuthenticated("Sesi telah berakhir; silakan masuk lagi", "token_expired")
    return user_id

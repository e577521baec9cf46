"""The password hasher's constant for unknown usernames stays in step with its parameters."""

from __future__ import annotations

from infra.security import DUMMY_HASH, hash_password, needs_rehash, verify_password


def test_the_unknown_user_hash_is_made_with_the_hashers_own_parameters() -> None:
    # Else a wrong username would cost another time than a wrong password.
    assert not needs_rehash(DUMMY_HASH)
    assert not needs_rehash(hash_password("rahasia-uji-123"))


def test_an_unknown_user_never_logs_in_even_with_the_dummys_own_password() -> None:
    assert verify_password(None, "berkas-no-such-user") is False
    assert verify_password(hash_password("rahasia-uji-123"), "rahasia-uji-123") is True

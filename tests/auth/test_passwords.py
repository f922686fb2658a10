"""Password hashing (fediart/auth/passwords.py): argon2id, length limits, no match without a hash."""

import pytest

from fediart.auth.passwords import MIN_LENGTH, PasswordError, hash_password, needs_rehash, verify_password


def test_hashes_are_argon2id_and_salted():
    first, second = hash_password("a long secret"), hash_password("a long secret")
    assert first.startswith("$argon2id$")
    assert first != second
    assert not needs_rehash(first)


def test_verify_accepts_only_the_password():
    stored = hash_password("a long secret")
    assert verify_password(stored, "a long secret")
    assert not verify_password(stored, "a long secreT")
    assert not verify_password(stored, "")


def test_no_hash_never_matches():
    assert not verify_password(None, "not a password anyone has")
    assert not verify_password("garbage", "anything at all")


def test_short_and_huge_passwords_are_refused():
    with pytest.raises(PasswordError, match=f"at least {MIN_LENGTH}"):
        hash_password("x" * (MIN_LENGTH - 1))
    with pytest.raises(PasswordError, match="too long"):
        hash_password("x" * 5000)
    assert not verify_password(hash_password("x" * MIN_LENGTH), "x" * 5000)

"""Artists' passwords: argon2id hashes (argon2-cffi's defaults), set from the CLI, checked at login."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Account, utcnow

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 1000  # hashing megabytes of "password" is a cheap way to burn our CPU


@functools.cache
def _hasher() -> PasswordHasher:
    # Made on the first sign-in or password change, not at import: a serving process nobody signs in
    # to neither loads argon2 nor spends a hash (64 MiB of work memory, for a moment) at startup.
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    # Checked against when the username is unknown, so that a miss costs as long as a wrong password.
    return _hasher().hash("not a password anyone has")


class PasswordError(ValueError):
    """A password that cannot be set, worded for the person choosing it."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"the password is too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"the password is too long: use at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an account without a password never matches, in the same time."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


async def set_password(session: AsyncSession, account: Account, password: str) -> None:
    """Store a new password for `account` (PasswordError if too short or long); commits."""
    account.password_hash = hash_password(password)
    account.updated_at = utcnow()
    session.add(account)
    await session.commit()

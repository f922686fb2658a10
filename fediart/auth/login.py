"""Signing in, once: the throttle, the password check, and a new session; the pages only parse and show."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.auth import sessions, throttle
from fediart.auth.passwords import hash_password, needs_rehash, verify_password
from fediart.store.accounts import get_account

# One message whether the name is unknown, has no password or the password is wrong.
WRONG = "Wrong username or password."
THROTTLED = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


class LoginRefused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def log_in(session: AsyncSession, username: str, password: str, address: str) -> str:
    """A new session's cookie value for the artist; LoginRefused (429 throttled, 422 wrong) otherwise."""
    if await throttle.throttled(session, username, address):
        raise LoginRefused(THROTTLED, 429)
    account = await get_account(session, throttle.username_key(username)) if username else None
    if account is not None and account.kind != "person":
        account = None  # the instance actor never signs in
    # An unknown name is checked against a stand-in hash: as slow as a wrong password, so timing tells nothing.
    if not verify_password(account.password_hash if account else None, password):
        await throttle.record_failure(session, username, address)
        raise LoginRefused(WRONG, 422)
    if needs_rehash(account.password_hash):  # argon2's defaults grew stronger since it was set
        account.password_hash = hash_password(password)
        session.add(account)
    await throttle.forget_failures(session, username)
    secret, _row = await sessions.start_session(session, account)
    return secret

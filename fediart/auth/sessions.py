"""Server-side login sessions: the browser's cookie holds 256 random bits, the table only their hash.

A stolen database leaks no usable cookie; ending a session (logout) deletes the row, so the cookie dies
at once. The cookie is HttpOnly and SameSite=Lax, and on https `Secure` with the `__Host-` prefix, which
browsers refuse to let a sibling subdomain set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from fediart.oauth.codes import as_utc
from fediart.oauth.tokens import digest, new_secret
from fediart.services import Services
from fediart.store.tables import Account, LoginSession, utcnow

LIFETIME = timedelta(days=14)
SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is refreshed at most this often: not a write per page


@dataclass(frozen=True)
class Login:
    """A signed-in browser: its session row and the artist."""

    row: LoginSession
    account: Account


def secure(services: Services) -> bool:
    return services.config.server.scheme == "https"


def cookie_name(services: Services, base: str) -> str:
    # `__Host-` cookies must be Secure, host-only and path=/: no subdomain can plant one.
    return f"__Host-{base}" if secure(services) else base


def session_cookie(services: Services) -> str:
    return cookie_name(services, "fediart_session")


def set_cookie(services: Services, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure(services), httponly=True,
                        samesite="lax")


async def start_session(session: AsyncSession, account: Account) -> tuple[str, LoginSession]:
    """A new session for `account`: the cookie value (shown once) and its row; commits."""
    secret = new_secret()
    now = utcnow()
    row = LoginSession(session_hash=digest(secret), account_id=account.id, csrf_token=new_secret(),
                       created_at=now, last_seen_at=now, expires_at=now + LIFETIME)
    session.add(row)
    # Expired sessions of anyone are dropped here rather than by a periodic job: logins are rare.
    await session.exec(delete(LoginSession).where(LoginSession.expires_at < now))
    await session.commit()
    return secret, row


async def current_login(services: Services, request: Request) -> Login | None:
    """The browser's live session and its artist, or None."""
    secret = request.cookies.get(session_cookie(services))
    if not secret or len(secret) > 100:
        return None
    async with services.sessions() as session:
        row = (await session.exec(select(LoginSession).where(
            LoginSession.session_hash == digest(secret), LoginSession.expires_at > utcnow()))).first()
        account = await session.get(Account, row.account_id) if row else None
        now = utcnow()
        if row is not None and as_utc(row.last_seen_at) < now - SEEN_EVERY:
            await session.exec(update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now))
            await session.commit()
    if row is None or account is None:
        return None
    return Login(row, account)


async def end_session(services: Services, row: LoginSession) -> None:
    async with services.sessions() as session:
        await session.exec(delete(LoginSession).where(LoginSession.id == row.id))
        await session.commit()


def remember(services: Services, response: Response, secret: str) -> None:
    set_cookie(services, response, session_cookie(services), secret, int(LIFETIME.total_seconds()))


def forget(services: Services, response: Response) -> None:
    set_cookie(services, response, session_cookie(services), "", 0)

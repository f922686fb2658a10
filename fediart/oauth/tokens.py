"""Access tokens: issued as random strings, stored only as their SHA-256, looked up by that hash.

A token is 256 random bits, so its hash cannot be reversed or guessed; looking up by hash means no
secret is ever compared byte by byte in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Account, OAuthToken, utcnow


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Issued:
    access_token: str
    refresh_token: str | None
    row: OAuthToken


async def issue_token(session: AsyncSession, *, app_id: int, account: Account | None, scopes: list[str],
                      refresh: bool = True) -> Issued:
    """Store a new token for `account` (None: the app itself) and return its secrets once; commits."""
    access, refresh_secret = new_secret(), new_secret() if refresh else None
    row = OAuthToken(token_hash=digest(access), refresh_hash=digest(refresh_secret) if refresh_secret else None,
                     app_id=app_id, account_id=account.id if account else None, scopes=" ".join(scopes))
    session.add(row)
    await session.commit()
    return Issued(access, refresh_secret, row)


async def token_row(session: AsyncSession, access_token: str) -> OAuthToken | None:
    """The live (not revoked) token row for a bearer token, or None."""
    row = (await session.exec(select(OAuthToken).where(OAuthToken.token_hash == digest(access_token)))).first()
    return None if row is None or row.revoked_at is not None else row


async def token_and_account(session: AsyncSession, access_token: str) -> tuple[OAuthToken | None, Account | None]:
    """The live token row for a bearer token and the account it acts for, in one query: (None, None) for
    an unknown or revoked token, (row, None) for an app-only token or one whose account is gone."""
    found = (await session.exec(select(OAuthToken, Account).outerjoin(Account, Account.id == OAuthToken.account_id)
                                .where(OAuthToken.token_hash == digest(access_token)))).first()
    if found is None or found[0].revoked_at is not None:
        return None, None
    return found[0], found[1]


async def revoke(session: AsyncSession, row: OAuthToken) -> None:
    row.revoked_at = utcnow()
    session.add(row)
    await session.commit()

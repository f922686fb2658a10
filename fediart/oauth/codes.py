"""Authorization codes: minted after consent, kept hashed, redeemed once within ten minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.oauth.errors import OAuthError
from fediart.oauth.pkce import verifier_matches
from fediart.oauth.tokens import digest, new_secret
from fediart.store.tables import Account, OAuthApp, OAuthCode, OAuthToken, utcnow

LIFETIME = timedelta(minutes=10)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a zone; every one we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def issue_code(session: AsyncSession, *, app: OAuthApp, account: Account, redirect_uri: str,
                     scopes: list[str], code_challenge: str | None, code_challenge_method: str | None) -> str:
    """A new code for `account`'s consent to `app`; returns the code (shown once); commits."""
    code = new_secret()
    now = utcnow()
    session.add(OAuthCode(code_hash=digest(code), app_id=app.id, account_id=account.id, redirect_uri=redirect_uri,
                          scopes=" ".join(scopes), code_challenge=code_challenge,
                          code_challenge_method=code_challenge_method if code_challenge else None,
                          created_at=now, expires_at=now + LIFETIME))
    await session.commit()
    return code


def _invalid(why: str) -> OAuthError:
    return OAuthError("invalid_grant", f"The provided authorization grant is invalid: {why}")


async def redeem_code(session: AsyncSession, app: OAuthApp, code: str | None, redirect_uri: str | None,
                      code_verifier: str | None) -> OAuthCode:
    """The code's row, now marked used; OAuthError invalid_grant if it is unknown, another app's, used,
    expired, or the redirect URI or PKCE verifier does not match. Does not commit."""
    if not code or len(code) > 200:
        raise _invalid("no code")
    row = (await session.exec(select(OAuthCode).where(OAuthCode.code_hash == digest(code)))).first()
    if row is None or row.app_id != app.id:
        raise _invalid("unknown code")
    if row.used_at is not None:
        # RFC 6749 §4.1.2: a replayed code may have been stolen; what it bought is withdrawn.
        await _revoke_issued(session, row)
        raise _invalid("code already used")
    if as_utc(row.expires_at) <= utcnow():
        raise _invalid("code expired")
    if redirect_uri != row.redirect_uri:
        raise _invalid("redirect_uri does not match the one the code was issued for")
    if row.code_challenge and not verifier_matches(row.code_challenge, code_verifier):
        raise _invalid("code_verifier does not match the code_challenge")
    # Conditional on still being unused, so two racing requests cannot both redeem it.
    claimed = await session.exec(update(OAuthCode).where(OAuthCode.id == row.id, OAuthCode.used_at.is_(None))
                                 .values(used_at=utcnow()))
    if claimed.rowcount != 1:
        raise _invalid("code already used")
    return row


async def _revoke_issued(session: AsyncSession, row: OAuthCode) -> None:
    if row.token_id is not None:
        await session.exec(update(OAuthToken).where(OAuthToken.id == row.token_id, OAuthToken.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
        await session.commit()


async def link_token(session: AsyncSession, row: OAuthCode, token: OAuthToken) -> None:
    await session.exec(update(OAuthCode).where(OAuthCode.id == row.id).values(token_id=token.id))
    await session.commit()

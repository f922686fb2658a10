"""POST /oauth/token's grants: authorization_code, client_credentials and refresh_token.

Each takes an authenticated app and the request's parameters and returns the Token entity, or raises
OAuthError in RFC 6749 §5.2's shape.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.api.params import Params
from fediart.oauth import codes
from fediart.oauth.errors import OAuthError
from fediart.oauth.scopes import allows, parse_scopes
from fediart.oauth.tokens import Issued, digest, issue_token
from fediart.store.tables import Account, OAuthApp, OAuthToken, utcnow


class GrantType(StrEnum):
    AUTHORIZATION_CODE = "authorization_code"
    CLIENT_CREDENTIALS = "client_credentials"
    REFRESH_TOKEN = "refresh_token"


def token_to_api(issued: Issued) -> dict:
    """Mastodon's Token entity (Ice Cubes and the iOS app need all four first fields)."""
    doc = {"access_token": issued.access_token, "token_type": "Bearer", "scope": issued.row.scopes,
           "created_at": int(codes.as_utc(issued.row.created_at).timestamp())}
    if issued.refresh_token:
        doc["refresh_token"] = issued.refresh_token
    return doc


def requested_scopes(app: OAuthApp, text: str | None) -> list[str]:
    """The scopes asked for (default: what the app registered), each within the app's registration."""
    try:
        wanted = parse_scopes(text, default=app.scopes)
    except ValueError as exc:
        raise OAuthError("invalid_scope", str(exc)) from None
    registered = frozenset(app.scopes.split())
    outside = [s for s in wanted if not allows(registered, s)]
    if outside:
        raise OAuthError("invalid_scope", f"scope {outside[0]!r} was not registered for this app")
    return wanted


async def authorization_code(session: AsyncSession, app: OAuthApp, params: Params) -> dict:
    row = await codes.redeem_code(session, app, params.text("code"), params.text("redirect_uri"),
                                  params.text("code_verifier"))
    account = await session.get(Account, row.account_id)
    if account is None:
        raise OAuthError("invalid_grant", "The provided authorization grant is invalid: the account is gone")
    issued = await issue_token(session, app_id=app.id, account=account, scopes=row.scopes.split())
    await codes.link_token(session, row, issued.row)
    return token_to_api(issued)


async def client_credentials(session: AsyncSession, app: OAuthApp, params: Params) -> dict:
    """A token for the app itself (no account): what the official apps use to sign up."""
    scopes = requested_scopes(app, params.text("scope"))
    issued = await issue_token(session, app_id=app.id, account=None, scopes=scopes, refresh=False)
    return token_to_api(issued)


async def refresh_token(session: AsyncSession, app: OAuthApp, params: Params) -> dict:
    """A new token for the one the refresh token belongs to, which is revoked: each refresh works once."""
    secret = params.text("refresh_token")
    old = None
    if secret and len(secret) <= 200:
        old = (await session.exec(select(OAuthToken).where(OAuthToken.refresh_hash == digest(secret)))).first()
    if old is None or old.app_id != app.id or old.revoked_at is not None:
        raise OAuthError("invalid_grant", "The provided authorization grant is invalid: unknown refresh token")
    account = await session.get(Account, old.account_id) if old.account_id is not None else None
    if old.account_id is not None and account is None:
        raise OAuthError("invalid_grant", "The provided authorization grant is invalid: the account is gone")
    granted = frozenset(old.scopes.split())
    scopes = old.scopes.split()
    if params.text("scope"):
        try:
            scopes = parse_scopes(params.text("scope"))
        except ValueError as exc:
            raise OAuthError("invalid_scope", str(exc)) from None
        if not all(allows(granted, s) for s in scopes):
            raise OAuthError("invalid_scope", "a refreshed token cannot have more scopes than the original")
    old.revoked_at = utcnow()
    session.add(old)
    return token_to_api(await issue_token(session, app_id=app.id, account=account, scopes=scopes))


GRANTS = {
    GrantType.AUTHORIZATION_CODE: authorization_code,
    GrantType.CLIENT_CREDENTIALS: client_credentials,
    GrantType.REFRESH_TOKEN: refresh_token,
}


async def grant(session: AsyncSession, app: OAuthApp, params: Params) -> dict:
    kind = params.text("grant_type")
    try:
        handler = GRANTS[GrantType(kind)]
    except ValueError:
        raise OAuthError("unsupported_grant_type", f"grant_type {kind!r} is not supported" if kind
                         else "grant_type is missing") from None
    return await handler(session, app, params)


async def revoke_token(session: AsyncSession, app: OAuthApp, secret: str | None) -> None:
    """Revoke the access or refresh token `secret` if it is this app's; anything else is silently a no-op
    (RFC 7009 §2.2: an unknown token is not an error)."""
    if not secret or len(secret) > 200:
        return
    hashed = digest(secret)
    row = (await session.exec(select(OAuthToken).where(
        (OAuthToken.token_hash == hashed) | (OAuthToken.refresh_hash == hashed)))).first()
    if row is None or row.app_id != app.id or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    session.add(row)
    await session.commit()

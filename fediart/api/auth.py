"""Who is calling: the bearer token on a request, checked against the scope an endpoint needs.

A missing, wrong or revoked token gets 401 `{"error": "The access token is invalid"}`; a token without
the scope gets 403, as Mastodon answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.api.errors import ApiError
from fediart.oauth.scopes import allows
from fediart.oauth.tokens import token_and_account
from fediart.services import services_of
from fediart.store.tables import Account, OAuthToken

INVALID = "The access token is invalid"


@dataclass(frozen=True)
class Grant:
    """What a valid token grants: the account it acts for (None for an app-only token) and its scopes."""

    token: OAuthToken
    account: Account | None
    scopes: frozenset[str]

    def require_account(self) -> Account:
        if self.account is None:
            raise ApiError(422, "This method requires an authenticated user")
        return self.account


def bearer_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query_params.get("access_token") or None


async def authenticate(request: Request, scope: str | None, *, required: bool = True,
                       session: AsyncSession | None = None) -> Grant | None:
    """The grant of the request's token. With `required=False` an anonymous request gets None, but a
    token that is present must still be valid. `session` is the request's own, if it reads more in one."""
    secret = bearer_of(request)
    if secret is None:
        if required:
            raise ApiError(401, INVALID)
        return None
    if session is not None:
        row, account = await token_and_account(session, secret)
    else:
        async with services_of(request).sessions() as session:
            row, account = await token_and_account(session, secret)
    if row is None or (row.account_id is not None and account is None):
        raise ApiError(401, INVALID)
    scopes = frozenset(row.scopes.split())
    if scope is not None and not allows(scopes, scope):
        raise ApiError(403, "This action is outside the authorized scopes")
    return Grant(row, account, scopes)


async def require_user(request: Request, scope: str, session: AsyncSession | None = None) -> Account:
    """The account a user token acts for; 401 without a valid token, 403 without the scope."""
    grant = await authenticate(request, scope, session=session)
    assert grant is not None
    return grant.require_account()

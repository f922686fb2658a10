"""Client apps: registration (POST /api/v1/apps), client authentication, and their API shapes."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.actions.errors import ActionError
from fediart.api.params import Params
from fediart.oauth.errors import OAuthError
from fediart.oauth.redirects import RedirectUriError, parse_uris
from fediart.oauth.scopes import parse_scopes
from fediart.oauth.tokens import digest, new_secret
from fediart.store.tables import OAuthApp

MAX_NAME = 200
MAX_WEBSITE = 2000


@dataclass(frozen=True)
class Registered:
    app: OAuthApp
    client_secret: str  # shown once, in the registration response


def _website(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    if len(value) > MAX_WEBSITE or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ActionError("Validation failed: Website must be an http(s) URL")
    return value


async def register_app(session: AsyncSession, *, name: str | None, redirect_uris: str | list[str] | None,
                       scopes: str | None, website: str | None) -> Registered:
    """A new client app with fresh credentials; ActionError (422) on a bad name, URI, scope or website."""
    name = (name or "").strip()
    if not name:
        raise ActionError("Validation failed: Application name can't be blank")
    if len(name) > MAX_NAME:
        raise ActionError(f"Validation failed: Application name is too long (maximum is {MAX_NAME} characters)")
    try:
        uris = parse_uris(redirect_uris)
    except RedirectUriError as exc:
        raise ActionError(f"Validation failed: {exc}") from None
    try:
        granted = parse_scopes(scopes)
    except ValueError as exc:
        raise ActionError(f"Validation failed: {exc}") from None
    secret = new_secret()
    app = OAuthApp(name=name, website=_website(website), redirect_uris=uris, scopes=" ".join(granted),
                   client_id=new_secret(), client_secret_hash=digest(secret))
    session.add(app)
    await session.commit()
    return Registered(app, secret)


def registration_params(params: Params) -> dict:
    raw = params.get("redirect_uris")
    uris = params.strings("redirect_uris") if isinstance(raw, (list, dict)) else params.text("redirect_uris")
    return {"name": params.text("client_name"), "redirect_uris": uris, "scopes": params.text("scopes"),
            "website": params.text("website")}


def app_to_api(app: OAuthApp) -> dict:
    """Mastodon's Application entity."""
    return {"id": str(app.id), "name": app.name, "website": app.website, "scopes": app.scopes.split(),
            "redirect_uri": "\n".join(app.redirect_uris), "redirect_uris": list(app.redirect_uris)}


def credential_app_to_api(registered: Registered) -> dict:
    """Mastodon's CredentialApplication: the Application plus its credentials."""
    return {**app_to_api(registered.app), "client_id": registered.app.client_id,
            "client_secret": registered.client_secret, "client_secret_expires_at": 0}


async def app_by_client_id(session: AsyncSession, client_id: str | None) -> OAuthApp | None:
    if not client_id or len(client_id) > 200:
        return None
    return (await session.exec(select(OAuthApp).where(OAuthApp.client_id == client_id))).first()


def client_credentials(request: Request, params: Params) -> tuple[str | None, str | None, bool]:
    """(client_id, client_secret, came by HTTP Basic) from the Authorization header or the parameters."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Client authentication failed", 401, basic=True) from None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise OAuthError("invalid_client", "Client authentication failed", 401, basic=True)
        # RFC 6749 §2.3.1: both halves are form-encoded before Base64.
        return unquote_plus(client_id), unquote_plus(secret), True
    return params.text("client_id"), params.text("client_secret"), False


async def authenticate_client(session: AsyncSession, request: Request, params: Params) -> OAuthApp:
    """The app whose id and secret the request carries; OAuthError invalid_client (401) otherwise."""
    client_id, secret, basic = client_credentials(request, params)
    app = await app_by_client_id(session, client_id)
    # Hashes are compared, not secrets, and in constant time all the same.
    if app is None or not secret or not hmac.compare_digest(app.client_secret_hash, digest(secret)):
        raise OAuthError("invalid_client", "Client authentication failed due to unknown client, no client "
                         "authentication included, or unsupported authentication method.", 401, basic=basic)
    return app

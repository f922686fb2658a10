"""GET /oauth/authorize: who asks for what; the consent decision (POST) answers with a code or a refusal.

RFC 6749 §4.1.2.1: a request with an unknown client or a redirect URI that is not registered is shown as
an error page and never redirected, or the server would bounce visitors to any address. Once the
redirect URI is known good, other errors go back to it as `error=...&state=...`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.api.params import Params
from fediart.oauth import pkce
from fediart.oauth.apps import app_by_client_id
from fediart.oauth.redirects import OOB, with_params
from fediart.oauth.scopes import allows, parse_scopes
from fediart.store.tables import OAuthApp

MAX_STATE = 2000


class PageError(Exception):
    """A request that cannot be sent back to the client: shown to the person as a page (400)."""


class RedirectError(Exception):
    """A request refused by telling the client, at its redirect URI."""

    def __init__(self, request: AuthorizeRequest, error: str, description: str) -> None:
        super().__init__(description)
        self.request = request
        self.error = error
        self.description = description

    @property
    def location(self) -> str | None:
        """Where to send the browser, or None for the out-of-band URI (shown as a page instead)."""
        if self.request.redirect_uri == OOB:
            return None
        return with_params(self.request.redirect_uri, {"error": self.error, "error_description": self.description,
                                                       "state": self.request.state})


@dataclass
class AuthorizeRequest:
    app: OAuthApp
    redirect_uri: str
    state: str | None
    scopes: list[str]
    code_challenge: str | None = None
    code_challenge_method: str | None = None

    def hidden_fields(self) -> dict[str, str]:
        """What the consent form posts back, to be checked again."""
        fields = {"client_id": self.app.client_id, "redirect_uri": self.redirect_uri, "response_type": "code",
                  "scope": " ".join(self.scopes), "state": self.state, "code_challenge": self.code_challenge,
                  "code_challenge_method": self.code_challenge_method}
        return {k: v for k, v in fields.items() if v is not None}

    def redirect(self, **params: str | None) -> str:
        return with_params(self.redirect_uri, {**params, "state": self.state})


async def read_request(session: AsyncSession, params: Params) -> AuthorizeRequest:
    """The checked request; PageError for client or redirect URI problems, RedirectError for the rest."""
    app = await app_by_client_id(session, params.text("client_id"))
    if app is None:
        raise PageError("This app is not registered here (unknown client_id).")
    redirect_uri = params.text("redirect_uri")
    if not redirect_uri and len(app.redirect_uris) == 1:
        redirect_uri = app.redirect_uris[0]  # RFC 6749 §3.1.2.3: optional when only one is registered
    if redirect_uri not in app.redirect_uris:
        raise PageError("The redirect URI does not match any registered for this app.")
    state = params.text("state")
    request = AuthorizeRequest(app=app, redirect_uri=redirect_uri, state=state[:MAX_STATE] if state else None,
                               scopes=[])
    if params.text("response_type") != "code":
        raise RedirectError(request, "unsupported_response_type", "Only response_type=code is supported.")
    try:
        request.scopes = parse_scopes(params.text("scope"), default=app.scopes)
    except ValueError as exc:
        raise RedirectError(request, "invalid_scope", str(exc).capitalize() + ".") from None
    registered = frozenset(app.scopes.split())
    outside = [s for s in request.scopes if not allows(registered, s)]
    if outside:
        raise RedirectError(request, "invalid_scope", f"The scope {outside[0]!r} was not registered for this app.")
    challenge = params.text("code_challenge")
    method = params.text("code_challenge_method")
    if challenge is not None:
        # RFC 7636 §4.3: no method means plain, which we refuse like an explicit one.
        if method != pkce.S256:
            raise RedirectError(request, "invalid_request", "Only the S256 code challenge method is supported.")
        if not pkce.valid_challenge(challenge):
            raise RedirectError(request, "invalid_request", "The code challenge is malformed.")
        request.code_challenge, request.code_challenge_method = challenge, method
    elif method is not None:
        raise RedirectError(request, "invalid_request", "code_challenge_method without a code_challenge.")
    return request

"""The JSON side of OAuth: app registration, the token and revoke endpoints, the app's own credentials,
and the RFC 8414 metadata document that tells clients (Phanpy, Mastodon.py) where these are."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.api.auth import authenticate
from fediart.api.json import api_json
from fediart.api.params import read_params
from fediart.oauth.apps import (app_to_api, authenticate_client, credential_app_to_api, register_app,
                                registration_params)
from fediart.oauth.errors import NO_STORE, OAuthError
from fediart.oauth.grants import GrantType, grant, revoke_token
from fediart.oauth.pkce import S256
from fediart.oauth.scopes import KNOWN, TOP
from fediart.services import services_of
from fediart.store.tables import OAuthApp


async def create_app(request: Request) -> Response:
    services = services_of(request)
    params = await read_params(request)
    async with services.sessions() as session:
        registered = await register_app(session, **registration_params(params))
    return api_json(credential_app_to_api(registered), headers=NO_STORE)


async def verify_app(request: Request) -> Response:
    grant_ = await authenticate(request, None)
    assert grant_ is not None
    services = services_of(request)
    async with services.sessions() as session:
        app = await session.get(OAuthApp, grant_.token.app_id)
    return api_json(app_to_api(app))


async def token(request: Request) -> Response:
    services = services_of(request)
    params = await read_params(request)
    try:
        async with services.sessions() as session:
            app = await authenticate_client(session, request, params)
            doc = await grant(session, app, params)
    except OAuthError as exc:
        return exc.response()
    return api_json(doc, headers=NO_STORE)


async def revoke(request: Request) -> Response:
    services = services_of(request)
    params = await read_params(request)
    try:
        async with services.sessions() as session:
            app = await authenticate_client(session, request, params)
            await revoke_token(session, app, params.text("token"))
    except OAuthError as exc:
        return exc.response()
    return api_json({})


async def metadata(request: Request) -> Response:
    base = services_of(request).urls.base
    scopes = [*TOP, *sorted(KNOWN - set(TOP))]
    return api_json({
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": [S256],
        "grant_types_supported": [g.value for g in GrantType],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    })

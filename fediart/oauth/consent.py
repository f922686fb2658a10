"""The browser side of OAuth: GET /oauth/authorize (sign in, then the consent page) and its POST (the
artist's Authorize or Deny), ending in a redirect to the app with a code, or the code on a page (oob)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediart.api.params import TRUE, read_params
from fediart.auth import csrf, sessions
from fediart.auth.sessions import Login
from fediart.oauth.authorize import AuthorizeRequest, PageError, RedirectError, read_request
from fediart.oauth.codes import issue_code
from fediart.oauth.redirects import OOB, csp_source
from fediart.services import Services, services_of
from fediart.web.headers import PAGE_POLICY
from fediart.web.pages import render_page

SCOPE_WORDS = {
    "read": "see everything in your account: posts, timelines, notifications, followers, bookmarks",
    "write": "post, edit and delete, upload images, follow, favourite, boost, block and change your profile",
    "follow": "follow, unfollow, block and mute accounts",
    "push": "send you push notifications",
    "profile": "see your basic profile (name and picture)",
    "admin:read": "read moderation data of the whole server",
    "admin:write": "take moderation actions on the whole server",
}
NOT_SIGNED_IN = "Your sign-in has ended. Go back to the app and start again."


def scope_words(scope: str) -> str:
    if scope in SCOPE_WORDS:
        return SCOPE_WORDS[scope]
    verb, _, what = scope.partition(":")
    return f"{'see' if verb == 'read' else 'change'} your {what.replace('_', ' ')}"


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def error_page(services: Services, message: str, status: int = 400) -> Response:
    return _private(render_page(services, "consent.html", services.site_licence, status=status, error=message))


def _refuse(services: Services, exc: RedirectError) -> Response:
    location = exc.location
    if location is None:  # out of band: there is nowhere to send the refusal but this page
        return error_page(services, f"{exc.description} ({exc.error})")
    return RedirectResponse(location, status_code=302)


def _consent_page(services: Services, login: Login, auth: AuthorizeRequest) -> Response:
    response = render_page(services, "consent.html", services.site_licence, app_name=auth.app.name,
                           website=auth.app.website, account=login.account,
                           scopes=[(s, scope_words(s)) for s in auth.scopes], fields=auth.hidden_fields(),
                           csrf_token=login.row.csrf_token, oob=auth.redirect_uri == OOB)
    # Browsers check form-action against the redirect that follows the post, too: name the app's target.
    source = csp_source(auth.redirect_uri)
    if source:
        response.headers["Content-Security-Policy"] = PAGE_POLICY.replace("form-action 'self'",
                                                                          f"form-action 'self' {source}")
    return _private(response)


def _login_redirect(request: Request, *, drop: str | None = None) -> str:
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != drop])
    return "/login?" + urlencode({"next": f"{request.url.path}?{query}"})


async def authorize_page(request: Request) -> Response:
    services = services_of(request)
    params = await read_params(request)
    try:
        async with services.sessions() as session:
            auth = await read_request(session, params)
    except PageError as exc:
        return error_page(services, str(exc))
    except RedirectError as exc:
        return _refuse(services, exc)
    login = await sessions.current_login(services, request)
    if str(params.get("force_login", "")).lower() in TRUE:
        # The app wants a sign-in now (another account, say): end the current session first.
        if login is not None:
            await sessions.end_session(services, login.row)
        response = RedirectResponse(_login_redirect(request, drop="force_login"), status_code=302)
        sessions.forget(services, response)
        return response
    if login is None:
        return RedirectResponse(_login_redirect(request), status_code=302)
    return _consent_page(services, login, auth)


async def authorize_decision(request: Request) -> Response:
    services = services_of(request)
    params = await read_params(request)
    login = await sessions.current_login(services, request)
    if login is None:
        return error_page(services, NOT_SIGNED_IN, status=403)
    try:
        csrf.check_session_form(login, params.text(csrf.FIELD))
    except csrf.CsrfError:
        return error_page(services, "This form has expired. Go back to the app and start again.", status=403)
    try:
        async with services.sessions() as session:
            auth = await read_request(session, params)
            if params.text("decision") != "authorize":
                raise RedirectError(auth, "access_denied", "The resource owner denied the request.")
            code = await issue_code(session, app=auth.app, account=login.account, redirect_uri=auth.redirect_uri,
                                    scopes=auth.scopes, code_challenge=auth.code_challenge,
                                    code_challenge_method=auth.code_challenge_method)
    except PageError as exc:
        return error_page(services, str(exc))
    except RedirectError as exc:
        return _refuse(services, exc)
    if auth.redirect_uri == OOB:
        return _private(render_page(services, "oob.html", services.site_licence, code=code, app_name=auth.app.name))
    return RedirectResponse(auth.redirect(code=code), status_code=302)

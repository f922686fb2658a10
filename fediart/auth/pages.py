"""The sign-in pages: GET/POST /login (a plain HTML form) and POST /logout."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediart.auth import csrf, sessions, throttle
from fediart.auth.login import LoginRefused, log_in
from fediart.auth.redirect import safe_next
from fediart.services import Services, services_of
from fediart.web.pages import render_page

EXPIRED = "This form has expired. Reload the page and sign in again."
MAX_FIELD = 1000


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _page(services: Services, request: Request, *, next_path: str, status: int = 200, error: str | None = None,
          username: str = "", headers: dict[str, str] | None = None,
          login: sessions.Login | None = None) -> Response:
    token = csrf.login_form_token(services, request)
    response = render_page(services, "login.html", services.site_licence, status=status, next=next_path,
                           csrf_token=token, error=error, username=username,
                           signed_in=login.account if login else None,
                           session_csrf_token=login.row.csrf_token if login else None)
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    csrf.keep_login_token(services, response, token)
    return response


async def login_form(request: Request) -> Response:
    services = services_of(request)
    next_path = safe_next(request.query_params.get("next"))
    login = await sessions.current_login(services, request)
    if login is not None and "next" in request.query_params:
        return RedirectResponse(next_path, status_code=303)
    return _page(services, request, next_path=next_path, login=login)


async def _form(request: Request) -> dict[str, str]:
    try:
        form = await request.form(max_files=0, max_fields=20)
    except Exception:  # noqa: BLE001 - a malformed body is the browser's mistake: treat it as empty
        return {}
    return {k: v[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


async def login_submit(request: Request) -> Response:
    services = services_of(request)
    form = await _form(request)
    next_path = safe_next(form.get("next"))
    username = form.get("username", "").strip()
    try:
        csrf.check_login_form(services, request, form.get(csrf.FIELD))
    except csrf.CsrfError:
        return _page(services, request, next_path=next_path, status=403, error=EXPIRED, username=username)
    try:
        async with services.sessions() as session:
            secret = await log_in(session, username, form.get("password", ""), client_address(request))
    except LoginRefused as exc:
        retry = {"Retry-After": str(int(throttle.WINDOW.total_seconds()))} if exc.status == 429 else None
        return _page(services, request, next_path=next_path, status=exc.status, error=exc.message,
                     username=username, headers=retry)
    response = RedirectResponse(next_path, status_code=303)
    sessions.remember(services, response, secret)
    return response


async def logout(request: Request) -> Response:
    services = services_of(request)
    form = await _form(request)
    login = await sessions.current_login(services, request)
    if login is not None:
        try:
            csrf.check_session_form(login, form.get(csrf.FIELD))
        except csrf.CsrfError:
            return _page(services, request, next_path="/", status=403, error=EXPIRED)
        await sessions.end_session(services, login.row)
    response = RedirectResponse("/", status_code=303)
    sessions.forget(services, response)
    return response

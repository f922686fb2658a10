"""CSRF tokens for every form the web side posts.

Inside a session the token is the session's own random `csrf_token`. The login form comes before any
session, so its token is a random value also kept in a cookie (double submit): another site can make a
browser post, but cannot read the cookie to put the same value in the form.
"""

from __future__ import annotations

import hmac
import re

from starlette.requests import Request
from starlette.responses import Response

from fediart.auth.sessions import Login, cookie_name, set_cookie
from fediart.oauth.tokens import new_secret
from fediart.services import Services

FIELD = "csrf_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class CsrfError(Exception):
    """A form posted without the token it was served with."""


def same(expected: str | None, given: str | None) -> bool:
    # Bytes, because compare_digest refuses non-ASCII str, and a form may hold anything.
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def login_cookie(services: Services) -> str:
    return cookie_name(services, "fediart_csrf")


def login_form_token(services: Services, request: Request) -> str:
    """The token for a login form: the browser's existing one if it has one, else a new one."""
    existing = request.cookies.get(login_cookie(services), "")
    return existing if _TOKEN.match(existing) else new_secret()


def keep_login_token(services: Services, response: Response, token: str) -> None:
    set_cookie(services, response, login_cookie(services), token, None)


def check_login_form(services: Services, request: Request, given: str | None) -> None:
    if not same(request.cookies.get(login_cookie(services)), given):
        raise CsrfError()


def check_session_form(login: Login, given: str | None) -> None:
    if not same(login.row.csrf_token, given):
        raise CsrfError()

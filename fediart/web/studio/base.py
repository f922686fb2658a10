"""What every studio page shares: sign-in, the admin check, CSRF-checked forms, errors and rendering.

`studio_page` wraps a handler `(request, studio) -> Response`: a visitor who is not signed in is sent to
/login and back; an ActionError becomes the page's error message with its status; a form posted without
the session's CSRF token gets 403 and changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediart.actions.errors import ActionError
from fediart.auth import csrf, sessions
from fediart.services import Services, services_of
from fediart.store.states import AccountRole
from fediart.store.tables import Account
from fediart.web.pages import render_page

MAX_FIELD = 10_000  # characters in one text field (a post's text is capped lower by the action)
EXPIRED = "This form has expired. Reload the page and try again."

# Messages shown after a form succeeds, chosen by key: the query string never carries text to show.
NOTICES = {
    "posted": "Your work is posted.",
    "edited": "Your changes are saved and sent to your followers' servers.",
    "deleted": "The post is deleted; your followers' servers are told to remove it.",
    "approved": "Follow request approved.",
    "rejected": "Follow request rejected.",
    "removed": "Follower removed.",
    "saved": "Saved.",
    "blocked": "Domain blocked.",
    "unblocked": "Domain block lifted.",
    "resolved": "Report resolved.",
    "cleared": "Notifications cleared.",
    "follow_sent": "Follow request sent; you follow them once their server accepts.",
    "followed": "You follow them now.",
    "unfollowed": "You no longer follow them.",
    "album_created": "Album created. Add works to it below.",
    "album_saved": "Album saved.",
    "album_deleted": "Album deleted; its works stay posted.",
    "album_added": "Added to the album.",
    "album_moved": "Moved.",
    "album_item_removed": "Removed from the album; the work stays posted.",
    "link_revoked": "The download link is revoked; it no longer works.",
}


class Refused(Exception):
    """A studio request that cannot go on: the page shows `message` with `status`."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Studio:
    """The signed-in artist, for one request."""

    services: Services
    request: Request
    login: sessions.Login

    @property
    def account(self) -> Account:
        return self.login.account

    @property
    def is_admin(self) -> bool:
        return self.account.role == AccountRole.ADMIN

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Refused("Only the server's admins may open this page.", 403)

    async def form(self, *, max_files: int = 0, max_fields: int = 100) -> FormData:
        """The posted form, after checking its CSRF token; text fields are capped at MAX_FIELD."""
        try:
            form = await self.request.form(max_files=max_files, max_fields=max_fields,
                                           max_part_size=MAX_FIELD * 4)
        except Exception:  # noqa: BLE001 - a malformed or oversized body is the browser's mistake
            raise Refused("The form could not be read. Reload the page and try again.", 400) from None
        if any(isinstance(value, str) and "\x00" in value for value in form.values()):
            # No browser sends one from what a person typed, and PostgreSQL cannot store it.
            raise Refused("The form contains a character that cannot be stored (NUL).", 400)
        given = form.get(csrf.FIELD)
        try:
            csrf.check_session_form(self.login, given if isinstance(given, str) else None)
        except csrf.CsrfError:
            raise Refused(EXPIRED, 403) from None
        return form

    def render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        notice = NOTICES.get(self.request.query_params.get("done", ""))
        response = render_page(self.services, template, self.services.site_licence, status=status,
                               me=self.account, is_admin=self.is_admin, csrf_token=self.login.row.csrf_token,
                               notice=notice, path=self.request.url.path, **context)
        response.headers["Cache-Control"] = "no-store"
        return response

    def done(self, path: str, notice: str, **query: str) -> Response:
        """Redirect after a successful POST (so reloading does not post again), naming what happened."""
        params = urlencode({**query, "done": notice})
        return RedirectResponse(f"{self.services.urls.base}{path}?{params}", status_code=303)


def text(form: FormData, name: str, default: str = "") -> str:
    """A text field of a form ("" for a file or a missing field), capped at MAX_FIELD characters."""
    value = form.get(name, default)
    return value[:MAX_FIELD] if isinstance(value, str) else default


def files(form: FormData, name: str) -> list[UploadFile]:
    """The files posted under `name` that have content (a browser posts an empty part for no file)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


Handler = Callable[[Request, Studio], Awaitable[Response]]


def studio_page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a studio handler with sign-in, error pages and CSRF refusals."""

    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        services = services_of(request)
        login = await sessions.current_login(services, request)
        if login is None or login.account.kind != "person":
            next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method != "GET":
                next_path = request.url.path
            return RedirectResponse(f"{services.urls.base}/login?next={quote(next_path, safe='/')}",
                                    status_code=303)
        studio = Studio(services, request, login)
        try:
            return await handler(request, studio)
        except Refused as exc:
            return studio.render("studio/error.html", status=exc.status, message=exc.message)
        except ActionError as exc:
            return studio.render("studio/error.html", status=exc.status, message=exc.message)

    return page

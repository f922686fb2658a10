"""/authorize_interaction?uri=…: the page WebFinger's `subscribe` template sends people to.

Another server's "follow from your own server" box sends an artist here with the account they want to
follow: signed in, they get a Follow button (a CSRF-protected form to the studio's follow action). Anyone
else is told what to paste into their own server's search box. A uri that is not an acct: handle or an
http(s) URL is refused with a 400 page; remote uris are shown as text only, never as links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.webfinger import BadResource, username_for_resource
from fediart.auth.sessions import current_login
from fediart.services import Services, services_of
from fediart.store.accounts import INSTANCE_ACTOR_USERNAME, USERNAME_RE, get_account
from fediart.store.posts import PUBLICLY_VISIBLE, get_post
from fediart.web.pages import render_page

MAX_URI = 2000
_LOCAL_POST = re.compile(r"^/(?:users/(?P<u1>[a-z0-9_]+)/statuses|@(?P<u2>[a-z0-9_]+))/(?P<id>\d{1,18})$")


class TargetKind(StrEnum):
    ACCOUNT = "account"  # a local artist
    POST = "post"  # a local post anyone may read
    REMOTE = "remote"  # anything else: shown as text, never linked


@dataclass(frozen=True)
class Target:
    """What the uri names, and what to paste into a server's search box to reach it."""

    paste: str
    kind: TargetKind
    name: str = ""  # the artist's display name, for local targets


async def _local_post(services: Services, uri: str) -> Target | None:
    parts = urlsplit(uri)
    if f"{parts.scheme}://{parts.netloc.lower()}" != services.urls.base:
        return None
    match = _LOCAL_POST.match(parts.path.lower())
    if match is None:
        return None
    username = match.group("u1") or match.group("u2")
    async with services.sessions() as session:
        found = await get_post(session, username, int(match.group("id")))
    if found is None or found[1].visibility not in PUBLICLY_VISIBLE or found[1].deleted_at is not None:
        return None
    account, post = found
    return Target(services.urls.status_page(account.username, post.id), TargetKind.POST,
                  account.display_name or account.username)


async def describe(services: Services, uri: str) -> Target | None:
    """The target a uri names, or None when the uri is neither an acct: handle nor an http(s) URL."""
    post = None if uri.startswith("acct:") else await _local_post(services, uri)
    if post is not None:
        return post
    try:
        # Also the gate: anything but acct:user@host or an http(s) URL with a host is refused.
        username = username_for_resource(uri, services)
    except BadResource:
        return None
    if username and username != INSTANCE_ACTOR_USERNAME and USERNAME_RE.match(username):
        async with services.sessions() as session:
            account = await get_account(session, username)
        if account is not None and account.kind == "person":
            return Target(f"@{account.username}@{services.config.domain}", TargetKind.ACCOUNT,
                          account.display_name or account.username)
    return Target(uri.removeprefix("acct:"), TargetKind.REMOTE)


async def authorize_interaction(request: Request) -> Response:
    services = services_of(request)
    uri = request.query_params.get("uri", "").strip()
    target = await describe(services, uri) if 0 < len(uri) <= MAX_URI else None
    if target is None:
        return render_page(services, "interaction.html", services.site_licence, status=400, target=None)
    login = await current_login(services, request)
    me = login.account if login is not None and login.account.kind == "person" else None
    # An artist may follow any account but their own from here; posts are opened in their apps.
    can_follow = me is not None and target.kind != TargetKind.POST and target.paste != f"@{me.username}@{services.config.domain}"
    response = render_page(services, "interaction.html", services.site_licence, target=target, me=me,
                           can_follow=can_follow, csrf_token=login.row.csrf_token if login else None,
                           login_url=f"{services.urls.base}/login?next=" + quote(request.url.path + "?" + request.url.query, safe="/"))
    if me is not None:
        response.headers["Cache-Control"] = "no-store"
    return response

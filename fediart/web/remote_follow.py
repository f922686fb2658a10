"""/@{username}/remote_follow: "follow from your server", sending a visitor to their own server's follow page.

The visitor types their handle (or just their server); their server's WebFinger names its
`http://ostatus.org/schema/1.0/subscribe` template (Mastodon, Misskey, Pleroma/Akkoma) and we
answer 303 to it with our artist's acct: URI filled in. Servers without one (GoToSocial), servers
that cannot be reached and answers that lead anywhere but the visitor's server all end on a page
telling the visitor to search for the artist's handle in their app.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from fediart.activitypub.fetch import FetchError, signed_get
from fediart.activitypub.hosts import domain_matches, host_of
from fediart.activitypub.webfinger_client import parse_handle
from fediart.policy.hosts import BadDomain, normalise_domain
from fediart.services import Services, services_of
from fediart.store.accounts import get_artist
from fediart.store.tables import Account
from fediart.web.headers import PAGE_POLICY
from fediart.web.pages import render_page
from fediart.web.safety import safe_url

SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
# The profile's follow form answers with a redirect to the visitor's server, and browsers check
# form-action on every hop of a form's redirects (Chrome, WebKit): the pages holding that form
# allow https targets. The handler itself only ever redirects to the visitor's own server.
FOLLOW_FORM_POLICY = PAGE_POLICY.replace("form-action 'self'", "form-action 'self' https:")


def allow_follow_redirect(response: Response) -> Response:
    """Give a page that holds the follow form the policy that lets its redirect through."""
    response.headers["Content-Security-Policy"] = FOLLOW_FORM_POLICY
    return response


class NotAHandle(ValueError):
    """What the visitor typed is neither user@server nor a server name."""


@dataclass(frozen=True)
class Visitor:
    """Where the visitor's account lives: `authority` (host[:port]) to ask, `host` for policy and checks."""

    user: str | None  # None: they gave only their server
    authority: str
    host: str


def visitor_of(text: str) -> Visitor:
    """@you@server.example, you@server.example, server.example or https://server.example/; else NotAHandle."""
    value = text.strip().removeprefix("acct:")
    if value.startswith(("https://", "http://")):
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unclosed [ in the host
            raise NotAHandle("that is not a web address of a server") from None
        if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise NotAHandle("that is a web address, not a handle")
        value = parts.netloc
    value = value.removeprefix("@")
    if "@" in value:
        try:
            user, authority = parse_handle(value)
        except ValueError:
            raise NotAHandle("that is not a handle like @you@server.example") from None
        host = authority.rsplit(":", 1)[0]  # parse_handle refuses IPv6 literals, so ":" starts a port
    else:
        user, authority = None, value
        host = authority
    try:
        host = normalise_domain(host)
    except BadDomain:
        raise NotAHandle("that is not a handle like @you@server.example, nor a server name") from None
    if user is None:
        authority = host  # a bare server name never carries a port
    return Visitor(user, authority, host)


async def subscribe_template(services: Services, visitor: Visitor) -> str | None:
    """The visitor's server's subscribe template, or None when it has none or cannot be asked."""
    # Mastodon answers WebFinger for its own https://server URL with the instance actor's links,
    # subscribe template included: what its own "follow from your server" dialog asks.
    resource = f"acct:{visitor.user}@{visitor.authority}" if visitor.user else f"https://{visitor.authority}"
    url = str(httpx.URL(f"https://{visitor.authority}/.well-known/webfinger", params={"resource": resource}))
    try:
        response = await signed_get(services.http, url, None, services.config,
                                    accept="application/jrd+json, application/json")
    except FetchError:
        return None
    if response.status != 200:
        return None
    try:
        doc = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    links = doc.get("links") if isinstance(doc, dict) else None
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == SUBSCRIBE_REL and isinstance(link.get("template"), str):
            return link["template"]
    return None


def follow_url(template: str, acct: str, visitor: Visitor) -> str | None:
    """The template filled with our acct: URI, if it leads to the visitor's server (else None: no open redirect)."""
    if "{uri}" not in template:
        return None
    # acct: rather than the actor URL: Mastodon, Misskey and Pleroma all resolve it.
    url = safe_url(template.replace("{uri}", quote(f"acct:{acct}", safe="")))
    # Browsers read "\" as "/" in http(s) URLs, Python does not: https://evil.example\.visitor.example/
    # would be the visitor's server here and evil.example in the browser.
    if url is None or "\\" in url:
        return None
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return None
    try:
        host = normalise_domain(parts.hostname or "")
    except BadDomain:
        return None
    return url if host == host_of(url) and domain_matches(host, visitor.host) else None


async def remote_follow(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    async with services.sessions() as session:
        account = await get_artist(session, username)
    if account is None:
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message=f"There is no artist called @{username} here.")
    typed = request.query_params.get("handle")
    if typed is None:
        return _page(services, account)
    try:
        visitor = visitor_of(typed)
    except NotAHandle as exc:
        return _page(services, account, status=400, typed=typed,
                     error=f"“{typed[:200]}”: {exc}. Type your fediverse handle, like @you@mastodon.social, "
                           "or the name of your server, like mastodon.social.")
    decision = await services.policy.check_host(visitor.host)
    if not decision.allowed:
        # Checked before anything is fetched: a blocked server is never contacted.
        return _page(services, account, status=403, typed=typed,
                     error=f"{services.config.domain} does not federate with {visitor.host}, so you cannot "
                           "follow from there.")
    acct = f"{account.username}@{services.config.domain}"
    if visitor.host == services.config.domain.split(":")[0]:
        return _page(services, account, typed=typed, fallback=f"You are on {services.config.domain} already.")
    template = await subscribe_template(services, visitor)
    target = follow_url(template, acct, visitor) if template else None
    if target is not None:
        return RedirectResponse(target, status_code=303)
    return _page(services, account, typed=typed,
                 fallback=f"{visitor.host} did not tell us where its follow page is.")


def _page(services: Services, account: Account, *, status: int = 200, typed: str = "", error: str = "",
          fallback: str = "") -> Response:
    urls = services.urls
    username = account.username
    licence = services.licence_for(account)
    response = render_page(
        services, "remote_follow.html", licence, status=status,
        account=account, name=account.display_name or username,
        handle=f"@{username}@{services.config.domain}", profile_url=urls.profile(username),
        remote_follow_url=urls.profile(username) + "/remote_follow",
        typed=typed, error=error, fallback=fallback,
    )
    return allow_follow_redirect(response)

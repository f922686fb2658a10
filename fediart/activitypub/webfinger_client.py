"""Looking people up: @user@host[:port] → actor URL through WebFinger (RFC 7033), with the same URL guard as fetches.

A handle's host keeps a port other than its scheme's default, so two servers on one host never
share a handle; the default port is dropped, so `bea@host:443` and `bea@host` are one handle.
"""

from __future__ import annotations

import re

import httpx
import orjson

from fediart.activitypub.fetch import FetchError, signed_get
from fediart.activitypub.hosts import authority_of
from fediart.config import Config

HANDLE_RE = re.compile(r"^@?([^@\s]+)@([^@\s/]+)$")


def parse_handle(handle: str) -> tuple[str, str]:
    """("user", "host[:port]") from "@user@host[:port]", lowercased, the default port dropped.

    ValueError if it is not a handle.
    """
    match = HANDLE_RE.match(handle.strip())
    authority = _authority(match.group(2).lower()) if match else ""
    if not authority:
        raise ValueError(f"{handle!r} is not a handle like @user@server.example")
    return match.group(1), authority


def acct_of(username: str, actor_uri: str) -> str:
    """"user@host[:port]" for a remote actor: its server as its id names it, with a non-default port."""
    return f"{username}@{authority_of(actor_uri)}"


def _scheme(host: str) -> str:
    # Loopback peers in development speak plain http; everything else is https only, like Mastodon.
    return "http" if _is_local(host) else "https"


def _authority(host: str) -> str:
    try:
        url = httpx.URL(f"{_scheme(host)}://{host}/")
    except (httpx.InvalidURL, ValueError):
        return ""
    if url.raw_path != b"/" or url.userinfo or not url.host or ":" in url.host:  # no IPv6 literals in handles
        return ""
    if url.port is not None and not 0 < url.port < 65536:
        return ""
    return authority_of(str(url))


async def resolve_handle(client: httpx.AsyncClient, handle: str, config: Config) -> str:
    """The actor URL a handle names; FetchError when the server does not know it."""
    user, host = parse_handle(handle)
    scheme = _scheme(host) if config.federation.allow_private_addresses else "https"
    url = str(httpx.URL(f"{scheme}://{host}/.well-known/webfinger", params={"resource": f"acct:{user}@{host}"}))
    response = await signed_get(client, url, None, config, accept="application/jrd+json, application/json")
    if response.status != 200:
        raise FetchError(url, f"WebFinger answered HTTP {response.status}", response.status)
    try:
        doc = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise FetchError(url, "WebFinger answer is not JSON") from None
    links = doc.get("links") if isinstance(doc, dict) else None
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or link.get("rel") != "self" or not isinstance(link.get("href"), str):
            continue
        media = str(link.get("type", "")).split(";")[0].strip()
        if media in ("application/activity+json", "application/ld+json"):
            return link["href"]
    raise FetchError(url, "WebFinger answer has no ActivityPub self link")


def _is_local(host: str) -> bool:
    name = host.rsplit(":", 1)[0].strip("[]")
    return name in ("localhost", "127.0.0.1", "::1") or name.startswith("127.")

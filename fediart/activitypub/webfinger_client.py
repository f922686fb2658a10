"""Looking people up: @user@host → actor URL through WebFinger (RFC 7033), with the same URL guard as fetches."""

from __future__ import annotations

import re

import httpx
import orjson

from fediart.activitypub.fetch import FetchError, signed_get
from fediart.config import Config

HANDLE_RE = re.compile(r"^@?([^@\s]+)@([^@\s/]+)$")


def parse_handle(handle: str) -> tuple[str, str]:
    """("user", "host") from "@user@host"; ValueError if it is not a handle."""
    match = HANDLE_RE.match(handle.strip())
    if not match:
        raise ValueError(f"{handle!r} is not a handle like @user@server.example")
    return match.group(1), match.group(2).lower()


async def resolve_handle(client: httpx.AsyncClient, handle: str, config: Config) -> str:
    """The actor URL a handle names; FetchError when the server does not know it."""
    user, host = parse_handle(handle)
    # Loopback peers in development speak plain http; everything else is https only, like Mastodon.
    scheme = "http" if config.federation.allow_private_addresses and _is_local(host) else "https"
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

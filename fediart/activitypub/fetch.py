"""Fetching remote ActivityPub documents: signed GET, size and type limits, and origin re-validation.

A fetched document is trusted only if it came with an ActivityPub content type and its `id` is the
URL it was finally read from; redirects are followed only within the origin first asked for, and
every hop is re-checked like the first URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from fediart.activitypub.hosts import same_origin
from fediart.activitypub.http_client import check_url
from fediart.activitypub.signatures import sign_request
from fediart.activitypub.vocab import AP_ACCEPT
from fediart.config import Config

log = logging.getLogger("fediart.fetch")

MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A remote document could not be had; `status` is the HTTP status when there was one."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.status = url, reason, status

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)


@dataclass(frozen=True)
class Signer:
    """Who signs a request: a key id and the loaded private key."""

    key_id: str
    private_key: RSAPrivateKey


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: httpx.Headers
    content: bytes


def is_activitypub_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("application/activity+json", "application/ld+json")


async def signed_get(client: httpx.AsyncClient, url: str, signer: Signer | None, config: Config,
                     accept: str = AP_ACCEPT) -> Fetched:
    """One GET, signed when a signer is given, its body read up to the configured limit."""
    problem = check_url(url, config)
    if problem:
        raise FetchError(url, problem)
    headers = {"Accept": accept}
    if signer is not None:
        headers.update(sign_request("GET", url, headers, None, signer.key_id, signer.private_key))
    limit = config.federation.max_document_bytes
    try:
        async with client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(url, f"document is {declared} bytes; the limit is {limit}", response.status_code)
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"document exceeds {limit} bytes", response.status_code)
                chunks.append(chunk)
            return Fetched(response.status_code, response.headers, b"".join(chunks))
    except httpx.HTTPError as exc:
        raise FetchError(url, f"{type(exc).__name__}: {exc}") from None


async def fetch_json(client: httpx.AsyncClient, url: str, signer: Signer | None,
                     config: Config) -> tuple[dict[str, Any], str]:
    """The JSON object at `url` and the URL it was finally read from, its `id` not yet checked.

    Only for callers that check the id themselves (a key lookup); everyone else uses fetch_document.
    """
    final_url = url
    response = await signed_get(client, url, signer, config)
    for _ in range(MAX_REDIRECTS):
        if response.status not in _REDIRECTS or "location" not in response.headers:
            break
        try:
            final_url = str(httpx.URL(final_url).join(response.headers["location"]))
        except (httpx.InvalidURL, ValueError):
            raise FetchError(url, "redirect to an invalid URL", response.status) from None
        if not same_origin(final_url, url):
            # Another server's document would arrive under this server's name.
            raise FetchError(url, "redirect to another server", response.status)
        response = await signed_get(client, final_url, signer, config)
    if response.status in _REDIRECTS:
        raise FetchError(url, "too many redirects", response.status)
    if response.status != 200:
        raise FetchError(url, f"HTTP {response.status}", response.status)
    content_type = response.headers.get("content-type", "")
    if not is_activitypub_type(content_type):
        raise FetchError(url, "content type is not ActivityPub", response.status)
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise FetchError(url, "body is not valid JSON", response.status) from None
    if not isinstance(document, dict):
        raise FetchError(url, "body is not a JSON object", response.status)
    return document, final_url


async def fetch_document(client: httpx.AsyncClient, url: str, signer: Signer | None,
                         config: Config) -> dict[str, Any]:
    """The JSON object at `url`, or FetchError saying why not."""
    document, final_url = await fetch_json(client, url, signer, config)
    if document.get("id") != final_url:
        # The document must be what the URL names; otherwise any server could speak for any other.
        raise FetchError(url, "document id is not the URL it came from")
    return document

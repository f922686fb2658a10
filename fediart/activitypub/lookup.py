"""What an artist pastes (a post's or profile's web page, or its id) resolved to its ActivityPub document.

Mastodon answers an ActivityPub request for `https://host/@user/1` with the Note whose id is
`https://host/users/user/statuses/1`; GoToSocial does the same for `/@user/statuses/01H…`. Such a
document only points at its canonical id: it is fetched again there, once, and trusted only if it
is what that URL names and lives on the server the artist pasted (else any page could speak for
any server).
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from fediart.activitypub.fetch import FetchError, Signer, is_activitypub_type, signed_get
from fediart.activitypub.hosts import authority_of, same_origin
from fediart.config import Config

_REDIRECTS = (301, 302, 303, 307, 308)


class LookupRefused(Exception):
    """A pasted URL that cannot be used, worded for the artist."""


async def _get_json(client: httpx.AsyncClient, url: str, signer: Signer | None,
                    config: Config) -> tuple[dict[str, Any], str]:
    # fetch_document's checks but the last: a web page's document may name another id, so the
    # caller compares the id with the URL returned (the one after at most one redirect).
    response = await signed_get(client, url, signer, config)
    final_url = url
    if response.status in _REDIRECTS and "location" in response.headers:
        final_url = str(httpx.URL(url).join(response.headers["location"]))
        response = await signed_get(client, final_url, signer, config)
    if response.status in _REDIRECTS:
        raise FetchError(url, "too many redirects", response.status)
    if response.status != 200:
        raise FetchError(url, f"HTTP {response.status}", response.status)
    content_type = response.headers.get("content-type", "")
    if not is_activitypub_type(content_type):
        raise FetchError(url, f"content type {content_type!r} is not ActivityPub", response.status)
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise FetchError(url, "body is not valid JSON", response.status) from None
    if not isinstance(document, dict):
        raise FetchError(url, "body is not a JSON object", response.status)
    return document, final_url


def _check_origin(pasted: str, found: str) -> None:
    if not same_origin(pasted, found):
        # repr: what a remote server wrote reaches the artist's terminal only escaped.
        raise LookupRefused(f"{pasted} leads to {found!r}, which is on another server "
                            f"({authority_of(found) or 'not a web address'}); refused")


async def object_by_url(client: httpx.AsyncClient, url: str, signer: Signer | None,
                        config: Config) -> dict[str, Any]:
    """The document `url` names, following a web page to its canonical id once.

    FetchError when a server cannot be reached or answers wrongly; LookupRefused when the answer
    points to another server or to a document that is not what its own URL names.
    """
    document, final_url = await _get_json(client, url, signer, config)
    canonical = document.get("id")
    if canonical == final_url:
        _check_origin(url, final_url)
        return document
    if not isinstance(canonical, str) or not canonical:
        raise LookupRefused(f"{url} answers with a document that has no id")
    _check_origin(url, canonical)
    document, fetched_from = await _get_json(client, canonical, signer, config)
    if document.get("id") != fetched_from:
        # Once, not a chain: a page may name its canonical document, that document names itself.
        raise LookupRefused(f"{url} points to {canonical!r}, which answers as {document.get('id')!r}; refused")
    _check_origin(url, fetched_from)  # a redirect on the second fetch may have left the server
    return document

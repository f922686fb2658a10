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

from fediart.activitypub.fetch import Signer, fetch_json
from fediart.activitypub.hosts import authority_of, same_origin
from fediart.config import Config

class LookupRefused(Exception):
    """A pasted URL that cannot be used, worded for the artist."""


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
    # fetch_json follows redirects on the pasted server only and leaves the id for us to judge.
    document, final_url = await fetch_json(client, url, signer, config)
    canonical = document.get("id")
    if canonical == final_url:
        _check_origin(url, final_url)
        return document
    if not isinstance(canonical, str) or not canonical:
        raise LookupRefused(f"{url} answers with a document that has no id")
    _check_origin(url, canonical)
    document, fetched_from = await fetch_json(client, canonical, signer, config)
    if document.get("id") != fetched_from:
        # Once, not a chain: a page may name its canonical document, that document names itself.
        raise LookupRefused(f"{url} points to {canonical!r}, which answers as {document.get('id')!r}; refused")
    _check_origin(url, fetched_from)  # a redirect on the second fetch may have left the server
    return document

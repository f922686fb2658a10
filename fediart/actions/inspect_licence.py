"""What licence terms a remote object carries and what fediart does with them (`fediart inspect URL`).

Fetches the object signed by the instance actor, and its author for inheritance; the parsing is
fediart/licence/incoming.py, the serving rules fediart/licence/remote_signals.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fediart.actions.errors import ActionError
from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.hosts import host_of
from fediart.activitypub.refs import ids_of
from fediart.licence.incoming import Signals, parse_object
from fediart.licence.remote_signals import http_headers
from fediart.services import Services


@dataclass(frozen=True)
class Inspection:
    url: str
    object_type: str
    actor_url: str | None
    actor_error: str | None  # why the author could not be read, if it could not
    signals: Signals
    headers: dict[str, str]


async def _fetch(services: Services, url: str) -> dict[str, Any]:
    if services.policy is not None and not (await services.policy.check_host(host_of(url))).allowed:
        raise ActionError(f"{url} is on a server this instance does not federate with")
    try:
        return await fetch_document(services.http, url, services.instance_signer, services.config)
    except FetchError as exc:
        raise ActionError(f"could not fetch {url}: {exc}") from None


async def inspect_url(services: Services, url: str) -> Inspection:
    """The signals of the object at `url` under its author's; ActionError if it cannot be fetched."""
    if not url.startswith(("https://", "http://")):
        raise ActionError(f"{url} is not an http(s) URL")
    doc = await _fetch(services, url)
    kind = doc.get("type") if isinstance(doc.get("type"), str) else "object"
    authors = ids_of(doc.get("attributedTo"))
    actor_doc, actor_url, actor_error = None, None, None
    if authors:
        actor_url = authors[0]
        try:
            actor_doc = await _fetch(services, actor_url)
        except ActionError as exc:
            actor_error = exc.message
    signals = parse_object(doc, actor_doc)
    return Inspection(url, kind, actor_url, actor_error, signals, http_headers(signals))

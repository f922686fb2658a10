"""The activities of an artist liking or boosting a post (and taking it back): Like, Announce and their Undo.

actions/interactions.py decides when to send them and to whom; these build them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fediart.activitypub.convert import iso
from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.jsonld import object_terms
from fediart.services import Services
from fediart.store.tables import Account, utcnow


def id_prefix(actor: str, segment: str, object_uri: str) -> str:
    # The object's hash in the id lets the Undo find the activity it takes back; a fresh suffix
    # per activity keeps ids unique when an artist likes, unlikes and likes again.
    return f"{actor}#{segment}/{hashlib.sha256(object_uri.encode()).hexdigest()[:20]}"


def like_activity(services: Services, account: Account, object_uri: str, activity_id: str) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": activity_id, "type": "Like", "actor": actor, "object": object_uri,
            **object_terms(services.licence_for(account), actor)}


def announce_activity(services: Services, account: Account, object_uri: str, author: str,
                      activity_id: str) -> dict[str, Any]:
    """A public boost, addressed as Mastodon addresses one (it shows `published` as the boost time)."""
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": activity_id, "type": "Announce", "actor": actor,
            "published": iso(utcnow()), "object": object_uri, "to": [PUBLIC],
            "cc": [author, services.urls.followers(account.username)],
            **object_terms(services.licence_for(account), actor)}


def undo_activity(services: Services, account: Account, original: dict[str, Any]) -> dict[str, Any]:
    """Undo{the original as it was sent}, addressed like it, so every receiver can match it."""
    actor = services.urls.actor(account.username)
    inner = {k: v for k, v in original.items() if k != "@context"}
    addressed = {key: original[key] for key in ("to", "cc") if key in original}
    return {"@context": CONTEXT, "id": original["id"] + "/undo", "type": "Undo", "actor": actor,
            **addressed, "object": inner, **object_terms(services.licence_for(account), actor)}

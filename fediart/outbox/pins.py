"""The activities of an artist pinning a post to the profile or unpinning it: Add and Remove, whose
target is the artist's featured collection, as Mastodon sends them so other servers show the pins.

actions/posts.py decides when to send them (on a change, to the artist's followers); these build them.
"""

from __future__ import annotations

import secrets
from typing import Any

from fediart.activitypub.vocab import CONTEXT
from fediart.licence.jsonld import object_terms
from fediart.services import Services
from fediart.store.tables import Account


def pin_activity(services: Services, account: Account, post_id: int, *, pinned: bool) -> dict[str, Any]:
    """Add{note, target: featured} when `pinned`, else Remove{note, target: featured}.

    Unaddressed, as Mastodon sends them: the delivery to followers' inboxes is the audience, and
    receivers fetch the note itself under its own addressing.
    """
    urls = services.urls
    actor = urls.actor(account.username)
    kind = "Add" if pinned else "Remove"
    # A fresh suffix: pinning, unpinning and pinning again are three distinct activities.
    activity_id = f"{actor}#{kind.lower()}s/{post_id}/{secrets.token_hex(6)}"
    return {"@context": CONTEXT, "id": activity_id, "type": kind, "actor": actor,
            "object": urls.status(account.username, post_id), "target": urls.featured(account.username),
            **object_terms(services.licence_for(account), actor)}

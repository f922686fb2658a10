"""An artist changed their profile or licence: tell every follower's server with Update{Person}."""

from __future__ import annotations

import time
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.actor import person_to_ap
from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.jsonld import object_terms
from fediart.outbox.audience import follower_inboxes
from fediart.outbox.enqueue import enqueue
from fediart.services import Services
from fediart.store.tables import Account


def profile_update_activity(services: Services, account: Account) -> dict[str, Any]:
    licence = services.licence_for(account)
    actor = services.urls.actor(account.username)
    person = person_to_ap(account, services.urls, licence, services.config.domain)
    person.pop("@context")
    return {"@context": CONTEXT, "id": f"{actor}#updates/{time.time_ns()}", "type": "Update", "actor": actor,
            "to": [PUBLIC], "object": person, **object_terms(licence, actor)}


async def send_profile_update(session: AsyncSession, services: Services, account: Account) -> None:
    """Queue the Update for all followers' inboxes; the caller commits (with the change itself)."""
    inboxes = await follower_inboxes(session, account.id)
    if inboxes:
        await enqueue(session, account, profile_update_activity(services, account), inboxes)

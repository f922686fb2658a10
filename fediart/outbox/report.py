"""Flag from the instance actor to a reported actor's server (as Mastodon sends reports)."""

from __future__ import annotations

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.vocab import AS_CONTEXT
from fediart.outbox.enqueue import enqueue
from fediart.services import Services
from fediart.store.accounts import ensure_instance_actor
from fediart.store.tables import Actor


def flag_uri(services: Services) -> str:
    return f"{services.urls.instance_actor}#flags/{uuid.uuid4().hex}"


async def send_flag(session: AsyncSession, services: Services, uri: str, target: Actor, post_uris: list[str],
                    comment: str) -> None:
    """Enqueue the Flag `uri` (actor and post URIs, comment as content) to the target's shared inbox."""
    instance = await ensure_instance_actor(session)
    # The instance actor, not the artist, reports: their server must not learn who complained.
    activity = {"@context": AS_CONTEXT, "id": uri, "type": "Flag", "actor": services.urls.instance_actor,
                "object": [target.uri, *post_uris], "content": comment}
    await enqueue(session, instance, activity, [target.shared_inbox or target.inbox])

"""Actor updates arriving: an actor may only update itself, and its new state is fetched from its
own server rather than read from the embedded copy (CVE-2024-23832 was a spoofed actor taken over).
"""

from __future__ import annotations

import logging
from typing import Any

from fediart.inbox.local import hosts_allowed, id_of
from fediart.services import Services
from fediart.store.tables import InboxItem

log = logging.getLogger("fediart.inbox")


async def on_update(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    target = id_of(activity.get("object"))
    if target != item.actor_uri:
        log.warning("ignored Update %s: %s may not update the actor %s", item.activity_uri, item.actor_uri, target)
        return
    if not await hosts_allowed(services, target, why=f"Update {item.activity_uri}"):
        return
    if await services.remote_actors.known(target) is None:
        return  # never needed it; it will be fetched when it is
    # A failed fetch raises, and the item is retried: the server may be busy mid-update.
    await services.remote_actors.by_uri(target, refresh=True)
    log.info("refreshed remote actor %s", target)

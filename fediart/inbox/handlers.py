"""The dispatch table: which function handles which activity type. Types not listed here fall to
dispatch.ignore; Update is split once more by the type of what it updates.
"""

from __future__ import annotations

from typing import Any

from fediart.activitypub.remote_actors import ACTOR_TYPES
from fediart.inbox import actors, flag, follow, interactions, moderation, notes, removal, undo
from fediart.inbox.dispatch import ignore
from fediart.inbox.local import id_of, type_of
from fediart.services import Services
from fediart.store.tables import InboxItem


async def on_update(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    obj = activity.get("object")
    kind = type_of(obj)
    if kind in ACTOR_TYPES or (kind is None and id_of(obj) == item.actor_uri):
        await actors.on_update(services, activity, item)
    elif kind in notes.NOTE_TYPES or kind is None:  # a bare note IRI is fetched and typed there
        await notes.on_update(services, activity, item)
    else:
        await ignore(services, activity, item)


HANDLERS = {
    "Follow": follow.on_follow,
    "Accept": follow.on_accept,
    "Reject": follow.on_reject,
    "Undo": undo.on_undo,
    "Like": interactions.on_like,
    "Announce": interactions.on_announce,
    "Create": notes.on_create,
    "Update": on_update,
    "Delete": removal.on_delete,
    "Block": moderation.on_block,
    "Move": moderation.on_move,
    "Flag": flag.on_flag,
}

"""A page of statuses as references, not rows: which table each status is in and its id, and for a boost
the few columns of its Interaction that its wrapper shows. Pages are read this light, and the entities
are rendered from the references (api/status_entities.py), mostly out of the document cache."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fediart.store.states import StatusKind
from fediart.store.tables import Interaction, Post, RemotePost


@dataclass(frozen=True, slots=True)
class BoostFields:
    """What a boost's own wrapper status shows (the Interaction's columns of the same names)."""

    id: int
    activity_uri: str
    created_at: datetime
    actor_id: int
    post_id: int | None
    remote_post_id: int | None


@dataclass(frozen=True, slots=True)
class StatusRef:
    kind: StatusKind
    id: int
    boost: BoostFields | None = None

    @property
    def inner(self) -> tuple[StatusKind, int] | None:
        """The boosted status of a boost; the status itself otherwise."""
        if self.boost is None:
            return self.kind, self.id
        if self.boost.post_id is not None:
            return StatusKind.POST, self.boost.post_id
        if self.boost.remote_post_id is not None:
            return StatusKind.REMOTE, self.boost.remote_post_id
        return None


# The Interaction columns a page reads for its boosts, in BoostFields' order.
BOOST_COLUMNS = (Interaction.activity_uri, Interaction.created_at, Interaction.actor_id, Interaction.post_id,
                 Interaction.remote_post_id)


def status_name(kind: StatusKind, status_id: int) -> str:
    """The name a status's cached entity is forgotten by (DocumentCache.forget)."""
    return f"status/{kind}/{status_id}"


def ref_of(item: Any) -> StatusRef:
    """The reference of a row (Post, RemotePost or boost Interaction) or of a reference."""
    if isinstance(item, StatusRef):
        return item
    if isinstance(item, Post):
        return StatusRef(StatusKind.POST, item.id)
    if isinstance(item, RemotePost):
        return StatusRef(StatusKind.REMOTE, item.id)
    return StatusRef(StatusKind.BOOST, item.id, BoostFields(item.id, item.activity_uri, item.created_at,
                                                            item.actor_id, item.post_id, item.remote_post_id))

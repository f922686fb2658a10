"""Read markers: where an artist stopped reading the home timeline and the notifications, so their
other devices open at the same place. Each save bumps the marker's version, as Mastodon's does."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from fediart.actions.errors import ActionError
from fediart.services import Services
from fediart.store.tables import Account, Marker, utcnow

TIMELINES = ("home", "notifications")
ID_MAX = 32  # Marker.last_read_id's column


async def get_markers(services: Services, account: Account, timelines: Iterable[str]) -> list[Marker]:
    """The artist's markers for these timelines (unknown names ignored; those never saved are absent)."""
    wanted = [t for t in dict.fromkeys(timelines) if t in TIMELINES]
    if not wanted:
        return []
    async with services.sessions() as session:
        rows = await session.exec(select(Marker).where(Marker.account_id == account.id, Marker.timeline.in_(wanted)))
        return list(rows.all())


async def save_markers(services: Services, account: Account, positions: dict[str, str]) -> list[Marker]:
    """Save {timeline: last_read_id}; ActionError (422) for an unknown timeline or an unusable id."""
    if not positions:
        raise ActionError("Validation failed: give home[last_read_id] or notifications[last_read_id]")
    for timeline, last_read_id in positions.items():
        if timeline not in TIMELINES:
            raise ActionError(f"Validation failed: {timeline} is not a timeline with markers")
        if not last_read_id or len(last_read_id) > ID_MAX:
            raise ActionError(f"Validation failed: {timeline}[last_read_id] must be an id")
    saved = []
    async with services.sessions() as session:
        for timeline, last_read_id in positions.items():
            marker = await session.get(Marker, (account.id, timeline))
            if marker is None:
                marker = Marker(account_id=account.id, timeline=timeline, last_read_id=last_read_id)
            elif marker.last_read_id != last_read_id:
                marker.last_read_id, marker.version = last_read_id, marker.version + 1
            marker.updated_at = utcnow()
            session.add(marker)
            saved.append(marker)
        await session.commit()
    return saved

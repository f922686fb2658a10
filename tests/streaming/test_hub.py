"""The hub: notifications reach their owner's subscribers only, statuses everyone's, and an event
published on commit is never published when the transaction rolls back."""

from __future__ import annotations

from fediart.store.tables import Notification
from fediart.streaming.hub import Event, EventKind, Hub, Source, publish_on_commit


def test_notifications_go_to_their_owner_statuses_to_everyone():
    hub = Hub()
    ana, bob = hub.subscribe(1), hub.subscribe(2)
    hub.publish(Event(EventKind.NOTIFICATION, Source.NOTIFICATION, 10, account_id=1))
    hub.publish(Event(EventKind.UPDATE, Source.POST, 11))
    assert [e.row_id for e in _drain(ana)] == [10, 11]
    assert [e.row_id for e in _drain(bob)] == [11]
    hub.unsubscribe(bob)
    hub.publish(Event(EventKind.UPDATE, Source.POST, 12))
    assert _drain(bob) == []


def test_a_full_queue_marks_the_subscriber_and_keeps_what_it_had():
    hub = Hub(queue_size=2)
    ana = hub.subscribe(1)
    for number in range(3):
        hub.publish(Event(EventKind.UPDATE, Source.POST, number))
    assert ana.overflowed.is_set()
    assert [e.row_id for e in _drain(ana)] == [0, 1]


async def test_publish_on_commit_waits_for_the_commit_and_forgets_a_rollback(services, make_artist):
    ana = await make_artist("ana")
    listener = services.events.subscribe(ana.id)
    actor_id = await _actor_id(services, ana)
    async with services.sessions() as session:
        kept = Notification(account_id=ana.id, kind="follow", actor_id=actor_id, activity_uri="https://x.example/1")
        session.add(kept)
        publish_on_commit(session, Event.notification(kept))
        assert _drain(listener) == []  # not before the row is committed
        await session.commit()
        assert [e.row_id for e in _drain(listener)] == [kept.id]
        dropped = Notification(account_id=ana.id, kind="follow", actor_id=actor_id, activity_uri="https://x.example/2")
        session.add(dropped)
        publish_on_commit(session, Event.notification(dropped))
        await session.rollback()
        await session.commit()  # a later commit must not publish what was rolled back
    assert _drain(listener) == []


async def _actor_id(services, account) -> int:
    from fediart.store.actors import local_actor

    async with services.sessions() as session:
        actor = await local_actor(session, services.urls, account)
        await session.commit()
    return actor.id


def _drain(subscriber) -> list[Event]:
    found = []
    while not subscriber.queue.empty():
        found.append(subscriber.queue.get_nowait())
    return found

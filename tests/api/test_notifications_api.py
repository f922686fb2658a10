"""Notifications through HTTP: fediart's kinds as Mastodon's types (unknown ones never sent), filters by
type and account, paging, one by id, dismiss and clear, each only on the artist's own."""

from __future__ import annotations

import asyncio

from posting import publish
from sqlmodel import select
from strict import assert_notification
from timeline_world import deliver, note

from fediart.store.tables import Actor, Notification


def _status_url(post) -> str:
    return f"https://art.example/users/ana/statuses/{post.id}"


async def _world(client, network, services, make_artist):
    """ana, with a like, a boost and a reply from bob through the inbox, plus a follow, a follow request,
    a mention and a move (which Mastodon v1 has no type for) from others."""
    ana = await make_artist("ana")
    post = await publish(services, "ana", "Heron study.")
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    await deliver(client, services, bob, "Like", _status_url(post))
    await deliver(client, services, bob, "Announce", _status_url(post))
    await deliver(client, services, bob, "Create", note(bob, "<p>lovely</p>", inReplyTo=_status_url(post)))
    await deliver(client, services, carol, "Create", note(carol, "<p>hi @ana</p>", tag=[
        {"type": "Mention", "href": "https://art.example/users/ana"}]))
    async with services.sessions() as session:
        carol_row = (await session.exec(select(Actor).where(Actor.uri == carol.uri))).one()
        bob_row = (await session.exec(select(Actor).where(Actor.uri == bob.uri))).one()
        for kind in ("follow", "follow_request", "move"):
            session.add(Notification(account_id=ana.id, kind=kind, actor_id=carol_row.id,
                                     activity_uri=carol.new_id()))
        await session.commit()
    return ana, post, bob_row, carol_row


async def test_kinds_become_mastodon_types_and_unknown_ones_are_left_out(client, network, services, make_artist,
                                                                          bearer):
    ana, post, bob, _ = await _world(client, network, services, make_artist)
    response = await client.get("/api/v1/notifications", headers=await bearer(ana))
    assert response.status_code == 200
    found = response.json()
    for entity in found:
        assert_notification(entity)
    assert [n["type"] for n in found] == ["follow_request", "follow", "mention", "mention", "reblog", "favourite"]
    assert all(n["group_key"] == f"ungrouped-{n['id']}" for n in found)
    favourite, reply = found[-1], found[3]
    assert favourite["status"]["id"] == str(post.id) and favourite["account"]["id"] == str(bob.id)
    assert reply["status"]["content"] == "<p>lovely</p>" and reply["status"]["in_reply_to_id"] == str(post.id)
    assert "status" not in found[0]


async def test_types_exclude_types_account_and_paging(client, network, services, make_artist, bearer):
    ana, _, bob, carol = await _world(client, network, services, make_artist)
    headers = await bearer(ana)

    async def types(**params):
        response = await client.get("/api/v1/notifications", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [n["type"] for n in response.json()], response

    assert (await types(**{"types[]": "mention"}))[0] == ["mention", "mention"]
    assert (await types(**{"types[]": ["favourite", "reblog"]}))[0] == ["reblog", "favourite"]
    assert (await types(**{"exclude_types[]": ["follow", "follow_request", "mention"]}))[0] == ["reblog", "favourite"]
    assert (await types(**{"types[]": "move"}))[0] == []  # no such Mastodon type here: nothing, not everything
    assert (await types(account_id=str(bob.id)))[0] == ["mention", "reblog", "favourite"]
    assert (await types(account_id="nobody"))[0] == []
    first, response = await types(limit=2)
    assert first == ["follow_request", "follow"]
    assert 'rel="next"' in response.headers["link"]
    last_id = response.json()[-1]["id"]
    assert (await types(limit=2, max_id=last_id))[0] == ["mention", "mention"]
    assert len((await types(limit=1000))[0]) == 6  # clamped to 80, never refused


async def test_one_dismiss_and_clear_touch_only_the_artists_own(client, network, services, make_artist, bearer):
    ana, _, _, _ = await _world(client, network, services, make_artist)
    zoe = await make_artist("zoe")
    as_ana, as_zoe = await bearer(ana), await bearer(zoe)
    found = (await client.get("/api/v1/notifications", headers=as_ana)).json()
    one = found[0]["id"]
    shown = await client.get(f"/api/v1/notifications/{one}", headers=as_ana)
    assert shown.status_code == 200 and shown.json()["id"] == one
    assert (await client.get(f"/api/v1/notifications/{one}", headers=as_zoe)).json() == {"error": "Record not found"}
    assert (await client.post(f"/api/v1/notifications/{one}/dismiss", headers=as_zoe)).status_code == 404
    dismissed = await client.post(f"/api/v1/notifications/{one}/dismiss", headers=as_ana)
    assert dismissed.status_code == 200 and dismissed.json() == {}
    assert (await client.get(f"/api/v1/notifications/{one}", headers=as_ana)).status_code == 404
    assert (await client.post("/api/v1/notifications/clear", headers=as_zoe)).status_code == 200
    assert len((await client.get("/api/v1/notifications", headers=as_ana)).json()) == len(found) - 1
    assert (await client.post("/api/v1/notifications/clear", headers=as_ana)).json() == {}
    assert (await client.get("/api/v1/notifications", headers=as_ana)).json() == []


async def test_tokens_and_scopes_are_checked(client, make_artist, bearer):
    ana = await make_artist("ana")
    assert (await client.get("/api/v1/notifications")).status_code == 401
    read_only = await bearer(ana, "read")
    assert (await client.post("/api/v1/notifications/clear", headers=read_only)).status_code == 403
    assert (await client.get("/api/v1/notifications/12", headers=read_only)).status_code == 404


async def test_limit_is_clamped_at_80(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    bob = await services.remote_actors.by_uri(network.add_actor("bob").uri)
    async with services.sessions() as session:
        for number in range(85):
            session.add(Notification(account_id=ana.id, kind="follow", actor_id=bob.id,
                                     activity_uri=f"https://remote.example/follows/{number}"))
        await session.commit()
    headers = await bearer(ana)
    assert len((await client.get("/api/v1/notifications?limit=1000", headers=headers)).json()) == 80
    assert len((await client.get("/api/v1/notifications", headers=headers)).json()) == 40


async def test_blocked_and_muted_actors_vanish_from_notifications_until_lifted(client, network, services,
                                                                                make_artist, bearer):
    ana, _, bob, carol = await _world(client, network, services, make_artist)
    headers = await bearer(ana)

    async def who() -> set[str]:
        found = (await client.get("/api/v1/notifications", headers=headers)).json()
        return {n["account"]["id"] for n in found}

    assert await who() == {str(bob.id), str(carol.id)}
    assert (await client.post(f"/api/v1/accounts/{bob.id}/mute", headers=headers)).status_code == 200
    assert (await client.post(f"/api/v1/accounts/{carol.id}/block", headers=headers)).status_code == 200
    assert await who() == set()
    assert (await client.post(f"/api/v1/accounts/{bob.id}/unmute", headers=headers)).status_code == 200
    assert await who() == {str(bob.id)}


async def test_a_notification_about_a_deleted_status_is_left_out(client, network, services, make_artist, bearer):
    """The status's row stays (the notification points at it) and its entity may still be cached: what is
    listed is asked of the row's liveness on every read."""
    from posting import delete

    ana, post, _, _ = await _world(client, network, services, make_artist)
    headers = await bearer(ana)
    types = lambda: client.get("/api/v1/notifications", headers=headers)  # noqa: E731
    before = [n["type"] for n in (await types()).json()]
    assert before.count("favourite") == 1 and before.count("mention") == 2
    await delete(services, post.id)
    after = [n["type"] for n in (await types()).json()]
    assert "favourite" not in after and "reblog" not in after and after.count("mention") == 2
    carol_note = next(n for n in (await types()).json() if n["type"] == "mention"
                      and n["status"]["content"] == "<p>hi @ana</p>")
    uri = carol_note["status"]["uri"]
    carol = network.actors["https://remote.example/users/carol"]
    await deliver(client, services, carol, "Delete", {"id": uri, "type": "Tombstone"})
    assert [n["type"] for n in (await types()).json()].count("mention") == 1


async def test_more_readers_than_connections_never_wait_on_each_other(client, network, services, make_artist, bearer):
    """Each list holds one connection for its whole request (token, page, statuses): nothing inside may
    ask for a second one, or readers that hold every pooled connection would wait for each other until
    the pool gives up. The domain rules are reread on every request here (TTL 0), in the reader's own."""
    ana, *_ = await _world(client, network, services, make_artist)
    headers = await bearer(ana)
    capacity = services.engine.pool.size() + services.engine.pool._max_overflow
    # Every pooled connection opened first, so that the readers below all hold one at once.
    await asyncio.gather(*(client.get("/api/v1/markers", headers=headers) for _ in range(capacity)))
    services.policy.ttl = 0
    for path in ("/api/v1/notifications", "/api/v1/timelines/public"):
        answers = await asyncio.wait_for(asyncio.gather(
            *(client.get(path, headers=headers) for _ in range(2 * capacity))), timeout=20)
        assert {a.status_code for a in answers} == {200}, path

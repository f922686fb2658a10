"""The client API's cached Status and Account parts (api/status_own.py, shared_accounts_to_api): each
change to a status, its author or an actor it names shows on the very next read, never one viewer's
flags in another's answer, and the same bytes out of the cache as built from the rows."""

from __future__ import annotations

from posting import edit, png, publish
from timeline_world import deliver, follow_remote, note

from fediart.api.account_entities import ENTITY
from fediart.api.status_own import STATUS
from fediart.store.states import StatusKind
from fediart.store.tables import ActorRestriction, Following


async def _home(client, headers) -> list[dict]:
    response = await client.get("/api/v1/timelines/home", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _follows(services, account, actor_id: int) -> None:
    async with services.sessions() as session:
        session.add(Following(account_id=account.id, actor_id=actor_id, state="accepted",
                              follow_uri=f"https://art.example/follows/{account.id}-{actor_id}"))
        await session.commit()


async def test_a_busy_timeline_is_the_same_bytes_from_the_cache_as_from_the_rows(client, network, services,
                                                                                   make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    bob, _ = await follow_remote(services, network, ana, "bob")
    carol, carol_row = await follow_remote(services, network, ana, "carol")
    dan, dan_row = await follow_remote(services, network, ana, "dan")
    own = await publish(services, "ana", "A heron #ink for @zoe", images=[(png(), "a heron")])
    await publish(services, "ana", "Only for followers.", visibility="followers")
    own_uri = f"https://art.example/users/ana/statuses/{own.id}"
    await deliver(client, services, bob, "Create", note(bob, "<p>reply</p>", inReplyTo=own_uri, tag=[
        {"type": "Mention", "href": "https://art.example/users/ana"}, {"type": "Hashtag", "name": "#ink"}]))
    await deliver(client, services, bob, "Announce", own_uri, to=["https://www.w3.org/ns/activitystreams#Public"])
    await deliver(client, services, carol, "Create", note(carol, "<p>muted</p>"))
    await deliver(client, services, dan, "Create", note(dan, "<p>blocked</p>"))
    async with services.sessions() as session:
        session.add(ActorRestriction(account_id=ana.id, actor_id=carol_row.id, kind="mute"))
        session.add(ActorRestriction(account_id=ana.id, actor_id=dan_row.id, kind="block"))
        await session.commit()
    await _follows(services, zoe, (await services.remote_actors.by_uri(bob.uri)).id)
    ana_headers, zoe_headers = await bearer(ana), await bearer(zoe)
    await client.post(f"/api/v1/statuses/{own.id}/favourite", headers=zoe_headers)

    services.cache.clear()
    cold = {who: (await client.get("/api/v1/timelines/home", headers=h)).content
            for who, h in (("ana", ana_headers), ("zoe", zoe_headers))}
    warm = {who: (await client.get("/api/v1/timelines/home", headers=h)).content
            for who, h in (("zoe", zoe_headers), ("ana", ana_headers))}  # the other viewer fills it first
    assert warm == cold
    shown = await _home(client, ana_headers)
    assert [s["reblog"]["id"] for s in shown if s["reblog"]] == [str(own.id)]
    reply = next(s for s in shown if s["content"] == "<p>reply</p>")
    assert (reply["in_reply_to_id"], [m["acct"] for m in reply["mentions"]]) == (str(own.id), ["ana"])
    assert not any("muted" in s["content"] or "blocked" in s["content"] for s in shown)
    mine = next(s for s in shown if s["id"] == str(own.id))
    assert "fediart_original_url" in mine["media_attachments"][0]  # the artist's own eyes only
    assert mine["replies_count"] == 1 and mine["favourites_count"] == 1 and mine["favourited"] is False
    theirs = next(s for s in await _home(client, zoe_headers) if s["reblog"])["reblog"]
    assert "fediart_original_url" not in theirs["media_attachments"][0]
    assert theirs["favourited"] is True


async def test_an_edit_and_a_pin_show_at_once(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    post = await publish(services, "ana", "First words.")
    assert "First words." in (await _home(client, headers))[0]["content"]
    await edit(services, post.id, text="Second words.")
    assert "Second words." in (await _home(client, headers))[0]["content"]
    assert (await _home(client, headers))[0]["pinned"] is False
    assert (await client.post(f"/api/v1/statuses/{post.id}/pin", headers=headers)).status_code == 200
    assert (await _home(client, headers))[0]["pinned"] is True
    assert (await client.post(f"/api/v1/statuses/{post.id}/unpin", headers=headers)).status_code == 200
    assert (await _home(client, headers))[0]["pinned"] is False


async def test_a_profile_change_shows_on_the_artists_statuses_at_once(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    await publish(services, "ana", "Heron.")
    assert (await _home(client, headers))[0]["account"]["display_name"] == "Ana"
    response = await client.patch("/api/v1/accounts/update_credentials", headers=headers,
                                  data={"display_name": "Ana Lima"})
    assert response.status_code == 200, response.text
    assert (await _home(client, headers))[0]["account"]["display_name"] == "Ana Lima"


async def test_a_remote_edit_and_a_profile_update_show_at_once(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    bob, _ = await follow_remote(services, network, ana, "bob")
    first = note(bob, "<p>first draft</p>")
    await deliver(client, services, bob, "Create", first)
    [shown] = await _home(client, headers)
    assert (shown["content"], shown["account"]["display_name"]) == ("<p>first draft</p>", "Bob")
    await deliver(client, services, bob, "Update", {**first, "content": "<p>final</p>",
                                                    "updated": "2026-03-02T12:00:00Z"})
    assert (await _home(client, headers))[0]["content"] == "<p>final</p>"
    bob.extra["name"] = "Robert"
    await deliver(client, services, bob, "Update", bob.document())
    assert (await _home(client, headers))[0]["account"]["display_name"] == "Robert"


async def test_a_mentioned_actor_fetched_later_shows_in_mentions(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    bob, _ = await follow_remote(services, network, ana, "bob")
    eve = network.add_actor("eve")  # not known here yet
    await deliver(client, services, bob, "Create", note(bob, "<p>hi eve</p>", tag=[
        {"type": "Mention", "href": eve.uri, "name": "@eve@remote.example"}]))
    assert (await _home(client, headers))[0]["mentions"] == []
    await services.remote_actors.by_uri(eve.uri)
    assert [m["acct"] for m in (await _home(client, headers))[0]["mentions"]] == ["eve@remote.example"]


async def test_deletions_forget_what_was_kept(client, network, services, make_artist, bearer):
    """A deleted note and a deleted actor leave the cache (their pages check liveness anyway; nothing of
    them must linger in memory)."""
    ana = await make_artist("ana")
    headers = await bearer(ana)
    bob, bob_row = await follow_remote(services, network, ana, "bob")
    carol, carol_row = await follow_remote(services, network, ana, "carol")
    first, second = note(bob, "<p>one</p>"), note(carol, "<p>two</p>")
    await deliver(client, services, bob, "Create", first)
    await deliver(client, services, carol, "Create", second)
    [two, one] = await _home(client, headers)
    assert services.cache.recall((STATUS, StatusKind.REMOTE, int(one["id"]))) is not None
    await deliver(client, services, bob, "Delete", {"id": first["id"], "type": "Tombstone"})
    assert services.cache.recall((STATUS, StatusKind.REMOTE, int(one["id"]))) is None
    assert services.cache.recall((ENTITY, carol_row.id)) is not None
    await deliver(client, services, carol, "Delete", carol.uri)
    assert services.cache.recall((STATUS, StatusKind.REMOTE, int(two["id"]))) is None
    assert services.cache.recall((ENTITY, carol_row.id)) is None


async def test_a_move_target_stored_again_is_forgotten(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    new = network.add_actor("bob2", host="new.example")
    new.extra["alsoKnownAs"] = [bob.uri]
    await deliver(client, services, bob, "Follow", "https://art.example/users/ana")
    known = await services.remote_actors.by_uri(new.uri)
    services.cache.remember((ENTITY, known.id), {"display_name": "stale"}, (known.uri,))
    await deliver(client, services, bob, "Move", bob.uri, target=new.uri)
    assert services.cache.recall((ENTITY, known.id)) is None

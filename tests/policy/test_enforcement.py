"""Domain rules enforced through the protocol: nothing fetched from a suspended server, and a limited
server's follows held for the artist's approval."""

import pytest
from inbox.activities import activity, actor_url, received_of, rows, send

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.webfinger_client import resolve_handle
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import Follower, Notification


async def block(services, domain: str, severity: str) -> None:
    async with services.sessions() as session:
        session.add(DomainBlock(domain=domain, severity=severity))
        await session.commit()
    services.policy.forget()


async def test_nothing_is_fetched_from_a_suspended_server_before_any_network_io(services, network):
    eve = network.add_actor("eve", host="shop.blocked.example")
    await block(services, "blocked.example", "suspend")
    with pytest.raises(FetchError) as caught:
        await fetch_document(services.http, eve.uri, services.instance_signer, services.config)
    assert "blocked" in caught.value.reason and "blocked.example" in caught.value.reason
    with pytest.raises(FetchError) as caught:
        await resolve_handle(services.http, "eve@shop.blocked.example", services.config)
    assert "blocked" in caught.value.reason
    assert network.gets == []


async def test_a_follow_from_a_limited_server_waits_for_the_artist(client, services, network, make_artist):
    ana = await make_artist("ana")
    assert not ana.manually_approves_followers
    lim = network.add_actor("lim", host="limited.example")
    await block(services, "limited.example", "silence")
    await send(client, services, lim, activity(lim, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "pending"
    assert received_of(network, lim.inbox, "Accept") == []
    assert [n.kind for n in await rows(services, Notification)] == ["follow_request"]


async def test_a_follow_from_an_unlimited_server_is_still_accepted_at_once(client, services, network, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob", host="fine.example")
    await block(services, "limited.example", "silence")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "accepted"
    assert len(received_of(network, bob.inbox, "Accept")) == 1


async def follow_as(services, account, actor_row) -> None:
    from fediart.store.tables import Following
    async with services.sessions() as session:
        session.add(Following(account_id=account.id, actor_id=actor_row.id, follow_uri=f"{actor_row.uri}#f",
                              state="accepted"))
        await session.commit()


async def test_every_iri_is_judged_replies_boosts_and_mentions_into_a_suspended_server(client, services, network,
                                                                                    make_artist):
    from inbox.activities import add_post, mention, note, post_url

    from fediart.store.tables import Actor, Interaction, Mention, RemotePost

    ana = await make_artist("ana")
    post = await add_post(services, ana)
    dave = network.add_actor("dave", host="fine.example")
    eve = network.add_actor("eve", host="blocked.example")
    await send(client, services, dave, activity(dave, "Follow", actor_url("ana")))
    await send(client, services, eve, activity(eve, "Follow", actor_url("ana")))  # known before the block
    [dave_row] = await rows(services, Actor, Actor.uri == dave.uri)
    await follow_as(services, ana, dave_row)
    await block(services, "blocked.example", "suspend")
    network.gets.clear()

    # A reply into a thread on the suspended server is dropped whole.
    into_blocked = note(dave, inReplyTo="https://blocked.example/statuses/9", tag=[mention("ana")])
    await send(client, services, dave, activity(dave, "Create", into_blocked))
    # A boost of a post there, or of one its booster says was written there, is dropped unfetched.
    await send(client, services, dave, activity(dave, "Announce", "https://blocked.example/statuses/9"))
    claimed = {"id": "https://other.example/notes/1", "type": "Note", "attributedTo": eve.uri}
    await send(client, services, dave, activity(dave, "Announce", claimed))
    assert network.gets == []
    assert await rows(services, RemotePost) == []
    assert [i for i in await rows(services, Interaction) if i.remote_post_id] == []

    # A reply to ana that also mentions eve arrives, but the mention of eve is ignored.
    fine = note(dave, inReplyTo=post_url(post), tag=[mention("ana"), {"type": "Mention", "href": eve.uri}])
    await send(client, services, dave, activity(dave, "Create", fine))
    [stored] = await rows(services, RemotePost)
    [eve_row] = await rows(services, Actor, Actor.uri == eve.uri)
    mentioned = {m.actor_id for m in await rows(services, Mention, Mention.remote_post_id == stored.id)}
    assert mentioned and eve_row.id not in mentioned


async def test_a_limited_servers_posts_stay_out_of_public_views_and_strangers_notifications(
        client, services, network, make_artist, bearer):
    from inbox.activities import add_post, mention, note, post_url

    from fediart.store.tables import Actor

    ana = await make_artist("ana")
    post = await add_post(services, ana)
    headers = await bearer(ana)
    lim = network.add_actor("lim", host="limited.example")
    dave = network.add_actor("dave", host="fine.example")
    await block(services, "limited.example", "silence")
    await send(client, services, lim, activity(lim, "Follow", actor_url("ana")))
    replies = {}
    for actor in (lim, dave):
        reply = note(actor, inReplyTo=post_url(post), tag=[mention("ana"), {"type": "Hashtag", "name": "#art"}])
        await send(client, services, actor, activity(actor, "Create", reply))
        replies[actor.uri] = reply["id"]

    for path in ("/api/v1/timelines/public?remote=true", "/api/v1/timelines/tag/art"):
        page = await client.get(path, headers=headers)
        assert page.status_code == 200
        assert [s["uri"] for s in page.json()] == [replies[dave.uri]], path

    async def notified() -> list[tuple[str, str]]:
        answer = await client.get("/api/v1/notifications", headers=headers)
        assert answer.status_code == 200
        return sorted((n["type"], n["account"]["acct"]) for n in answer.json())

    assert await notified() == [("follow_request", "lim@limited.example"), ("mention", "dave@fine.example")]
    # Once the artist follows the limited account, its notifications are shown again.
    [lim_row] = await rows(services, Actor, Actor.uri == lim.uri)
    await follow_as(services, ana, lim_row)
    assert ("mention", "lim@limited.example") in await notified()


async def test_rejected_media_is_never_kept_while_the_posts_still_arrive(client, services, network, make_artist):
    from inbox.activities import add_post, mention, note, post_url

    from fediart.store.tables import Actor, RemotePost

    ana = await make_artist("ana")
    post = await add_post(services, ana)
    icon = {"type": "Image", "mediaType": "image/png", "url": "https://{}/avatar.png"}
    picky = network.add_actor("pix", host="media.example", extra={"icon": {**icon, "url": icon["url"].format("media.example")}})
    dave = network.add_actor("dave", host="fine.example", extra={"icon": {**icon, "url": icon["url"].format("fine.example")}})
    async with services.sessions() as session:
        session.add(DomainBlock(domain="media.example", severity="noop", reject_media=True))
        await session.commit()
    services.policy.forget()
    for actor in (picky, dave):
        image = {"type": "Document", "mediaType": "image/png", "url": f"https://{actor.host}/files/1.png"}
        reply = note(actor, inReplyTo=post_url(post), tag=[mention("ana")], attachment=[image])
        await send(client, services, actor, activity(actor, "Create", reply))
    by_author = {}
    for row in await rows(services, RemotePost):
        [author] = await rows(services, Actor, Actor.id == row.actor_id)
        by_author[author.uri] = (row, author)
    assert by_author[picky.uri][0].attachments == [] and by_author[picky.uri][1].icon_url is None
    assert len(by_author[dave.uri][0].attachments) == 1 and by_author[dave.uri][1].icon_url
    assert all("media.example" not in str(request.url) or "/users/" in str(request.url) for request in network.gets)


async def test_deliveries_queued_before_a_suspension_are_given_up_not_sent(client, services, network, make_artist,
                                                                            bearer):
    from fediart.store.tables import Delivery
    from fediart.worker import run_due_work

    ana = await make_artist("ana")
    bob = network.add_actor("bob", host="soon.example")
    dave = network.add_actor("dave", host="fine.example")
    for actor in (bob, dave):
        await send(client, services, actor, activity(actor, "Follow", actor_url("ana")))
    answer = await client.post("/api/v1/statuses", json={"status": "new painting"}, headers=await bearer(ana))
    assert answer.status_code == 200
    assert {d.host for d in await rows(services, Delivery, Delivery.state == "pending")} == {"soon.example",
                                                                                            "fine.example"}
    await block(services, "soon.example", "suspend")
    await run_due_work(services)
    creates = [r.url for r in network.received if r.body.get("type") == "Create"]
    assert creates == [dave.shared_inbox_url]
    [given_up] = await rows(services, Delivery, Delivery.host == "soon.example", Delivery.state == "gave_up")
    assert "blocked" in given_up.last_error

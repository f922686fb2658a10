"""inbox/moderation.py through the protocol: remote blocks of our artists, and account moves."""

from activities import actor_url, activity, rows, send

from fediart.outbox.audience import follower_inboxes
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import Follower, Notification, Actor, RemoteBlock


async def test_block_is_recorded_and_ends_the_follow(client, network, services, make_artist):
    ana = await make_artist("ana")
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    block = activity(bob, "Block", actor_url("ana"))
    await send(client, services, bob, block)
    [row] = await rows(services, RemoteBlock)
    assert (row.account_id, row.activity_uri) == (ana.id, block["id"])
    assert await rows(services, Follower) == []
    async with services.sessions() as session:
        assert await follower_inboxes(session, ana.id) == set()
    await send(client, services, bob, activity(bob, "Block", actor_url("nobody")))
    assert len(await rows(services, RemoteBlock)) == 1


def _moved(network, old, username="bob2", host="new.example", also_known_as=True):
    new = network.add_actor(username, host=host)
    if also_known_as:
        new.extra["alsoKnownAs"] = [old.uri]
    return new


async def test_move_is_recorded_and_followed_artists_are_told(client, network, services, make_artist):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    await make_artist("lee")
    bob = network.add_actor("bob")
    for name in ("ana", "zoe"):
        await send(client, services, bob, activity(bob, "Follow", actor_url(name)))
    new = _moved(network, bob)
    sent_before = len(network.received)
    move = activity(bob, "Move", bob.uri, target=new.uri)
    await send(client, services, bob, move)

    moved = {a.uri: a.moved_to for a in await rows(services, Actor)}
    assert moved[bob.uri] == new.uri and new.uri in moved  # the new account is known too
    notes = sorted(n.account_id for n in await rows(services, Notification) if n.kind == "move")
    assert notes == sorted([ana.id, zoe.id])
    assert len(network.received) == sent_before  # nobody was made to follow the new account
    await send(client, services, bob, activity(bob, "Move", bob.uri, target=new.uri))  # again: recorded once
    assert len([n for n in await rows(services, Notification) if n.kind == "move"]) == 2


async def test_move_without_proof_or_of_someone_else_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    unproven = _moved(network, bob, also_known_as=False)
    await send(client, services, bob, activity(bob, "Move", bob.uri, target=unproven.uri))
    claims = _moved(network, bob, "bob3")
    # carol may not move bob, even to an account that names bob.
    await send(client, services, carol, activity(carol, "Move", bob.uri, target=claims.uri))
    # an embedded target claiming alsoKnownAs is not the proof: the fetched document is.
    embedded = {"id": unproven.uri, "type": "Person", "alsoKnownAs": [bob.uri]}
    await send(client, services, bob, activity(bob, "Move", bob.uri, target=embedded))
    await send(client, services, bob, activity(bob, "Move", bob.uri, target="https://gone.example/users/x"))
    assert all(a.moved_to is None for a in await rows(services, Actor))
    assert not [n for n in await rows(services, Notification) if n.kind == "move"]


async def test_move_to_a_blocked_server_is_ignored_without_fetching(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    new = _moved(network, bob, host="blocked.example")
    async with services.sessions() as session:
        session.add(DomainBlock(domain="blocked.example"))
        await session.commit()
    services.policy.forget()
    await send(client, services, bob, activity(bob, "Move", bob.uri, target=new.uri))
    assert all(a.moved_to is None for a in await rows(services, Actor))
    assert not [g for g in network.gets if g.url.host == "blocked.example"]

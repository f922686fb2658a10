"""inbox/follow.py through the protocol: remote Follows of our artists, and answers to our Follows."""

from activities import (actor_url, activity, assert_licensed, assert_processed, assert_signed_by, received_of, rows,
                        send)
from fakes import post_activity

from fediart.activitypub.vocab import CONTEXT
from fediart.outbox.follow import send_follow
from fediart.store.tables import Follower, Following, Notification
from fediart.worker import run_due_work


async def test_follow_is_accepted_with_the_follow_embedded_signed_and_licensed(client, network, services,
                                                                              make_artist):
    ana = await make_artist("ana")
    bob = network.add_actor("bob")
    follow = activity(bob, "Follow", actor_url("ana"))
    await send(client, services, bob, follow, "/users/ana/inbox")

    [follower] = await rows(services, Follower)
    assert (follower.account_id, follower.state, follower.follow_uri) == (ana.id, "accepted", follow["id"])
    [note] = await rows(services, Notification)
    assert (note.kind, note.account_id, note.activity_uri) == ("follow", ana.id, follow["id"])

    # Accept goes to bob's personal inbox, not the shared one: it is about bob alone.
    [delivered] = received_of(network, bob.inbox, "Accept")
    accept = delivered.body
    assert accept["@context"] == CONTEXT
    assert accept["id"] == f"{actor_url('ana')}#accepts/follows/{follower.id}"
    assert accept["actor"] == actor_url("ana")
    embedded = {k: v for k, v in follow.items() if k != "@context"}
    assert accept["object"] == embedded
    assert accept["object"]["object"] == accept["actor"]  # what Pixelfed checks
    assert_licensed(accept)
    assert_signed_by(delivered, ana)
    assert not received_of(network, bob.shared_inbox_url, "Accept")


async def test_embedded_actor_and_object_in_a_follow_become_strings_in_the_accept(client, network, services,
                                                                                 make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    follow = activity(bob, "Follow", {"id": actor_url("ana"), "type": "Person"})
    await send(client, services, bob, follow)
    [delivered] = received_of(network, bob.inbox, "Accept")
    assert delivered.body["object"]["object"] == actor_url("ana")
    assert delivered.body["object"]["actor"] == bob.uri


async def test_manual_approval_holds_the_follow_as_a_request(client, network, services, make_artist):
    ana = await make_artist("ana", manually_approves_followers=True)
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "pending"
    assert [(n.kind, n.account_id) for n in await rows(services, Notification)] == [("follow_request", ana.id)]
    assert network.received == []  # nothing is said until the artist decides


async def test_repeated_follow_resends_accept_without_duplicating_rows(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    first = activity(bob, "Follow", actor_url("ana"))
    await send(client, services, bob, first)
    # The same activity again is a no-op at receive (one id, one activity) ...
    assert (await post_activity(client, bob, first)).status_code == 202
    # ... but a new Follow from a follower means their server lost our Accept.
    second = activity(bob, "Follow", actor_url("ana"))
    await send(client, services, bob, second)

    [follower] = await rows(services, Follower)
    assert follower.follow_uri == second["id"]
    assert len(await rows(services, Notification)) == 1
    accepts = received_of(network, bob.inbox, "Accept")
    assert [a.body["object"]["id"] for a in accepts] == [first["id"], second["id"]]
    assert len({a.body["id"] for a in accepts}) == 2  # one id names one activity


async def test_repeated_follow_while_pending_waits_for_the_artist(client, network, services, make_artist):
    await make_artist("ana", manually_approves_followers=True)
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    assert len(await rows(services, Follower)) == 1
    assert len(await rows(services, Notification)) == 1
    assert network.received == []


async def test_follow_of_an_unknown_user_or_the_instance_actor_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    for target in (actor_url("nobody"), "https://art.example/actor", actor_url("ana") + "/followers",
                   "https://elsewhere.example/users/ana"):
        await send(client, services, bob, activity(bob, "Follow", target))
    assert await rows(services, Follower) == []
    assert network.received == []


async def _our_follow(services, network, account, remote):
    bob_row = await services.remote_actors.by_uri(remote.uri)
    async with services.sessions() as session:
        following = await send_follow(session, services, account, bob_row)
        await session.commit()
    await run_due_work(services)
    return following


async def test_accept_and_reject_of_our_follow(client, network, services, make_artist):
    ana = await make_artist("ana")
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    to_bob = await _our_follow(services, network, ana, bob)
    to_carol = await _our_follow(services, network, ana, carol)

    await send(client, services, bob, activity(bob, "Accept", to_bob.follow_uri))
    embedded = {"id": to_carol.follow_uri, "type": "Follow", "actor": actor_url("ana"), "object": carol.uri}
    await send(client, services, carol, activity(carol, "Reject", embedded))
    states = {f.follow_uri: f.state for f in await rows(services, Following)}
    assert states == {to_bob.follow_uri: "accepted", to_carol.follow_uri: "rejected"}


async def test_accept_with_an_embedded_follow_lacking_our_id_matches_the_pair(client, network, services,
                                                                             make_artist):
    ana = await make_artist("ana")
    bob = network.add_actor("bob")
    await _our_follow(services, network, ana, bob)
    embedded = {"type": "Follow", "actor": actor_url("ana"), "object": bob.uri}
    await send(client, services, bob, activity(bob, "Accept", embedded))
    [following] = await rows(services, Following)
    assert following.state == "accepted"


async def test_accept_by_someone_other_than_the_followed_actor_is_ignored(client, network, services,
                                                                         make_artist):
    ana = await make_artist("ana")
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    mallory = network.add_actor("mallory")  # same server as bob, still not bob
    following = await _our_follow(services, network, ana, bob)
    await send(client, services, eve, activity(eve, "Accept", following.follow_uri))
    await send(client, services, mallory, activity(mallory, "Reject", following.follow_uri))
    [row] = await rows(services, Following)
    assert row.state == "pending"


async def test_accepts_not_about_a_follow_are_ignored_gracefully(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    # GoToSocial approving a reply: Accept{Note-approval} with a `result`.
    approval = activity(bob, "Accept", {"type": "Note", "id": "https://art.example/users/ana/statuses/9"},
                        result=bob.uri + "/reply-approval/1")
    await send(client, services, bob, approval)
    await send(client, services, bob, activity(bob, "Accept", "https://art.example/users/ana#follows/unknown"))
    assert await rows(services, Following) == []


async def test_two_follows_processed_at_once_make_one_follower(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    await services.remote_actors.by_uri(bob.uri)  # known already, so both handlers go straight to the rows
    for _ in range(2):
        assert (await post_activity(client, bob, activity(bob, "Follow", actor_url("ana")))).status_code == 202
    await run_due_work(services)  # claims both items and runs them concurrently
    await assert_processed(services)  # serialised, not merely retried
    assert len(await rows(services, Follower)) == 1
    assert len(await rows(services, Notification)) == 1

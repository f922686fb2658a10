"""inbox/actors.py through the protocol: an actor updates itself from its own server, never anyone else."""

from activities import actor_url, activity, rows, send

from fediart.store.tables import Actor


async def test_update_person_refetches_the_actor_instead_of_trusting_the_copy(client, network, services,
                                                                            make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    bob.extra["name"] = "Bob Renamed"  # what bob's server now serves
    embedded = {**bob.document(), "name": "Something Else", "inbox": "https://evil.example/inbox"}
    await send(client, services, bob, activity(bob, "Update", embedded))
    [row] = await rows(services, Actor)
    assert row.display_name == "Bob Renamed" and row.inbox == bob.inbox


async def test_update_of_someone_else_changes_nothing(client, network, services, make_artist):
    await make_artist("ana")
    bob, mallory = network.add_actor("bob"), network.add_actor("mallory")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    bob.extra["name"] = "Changed Upstream"
    fetches = len(network.gets)
    forged = {**bob.document(), "name": "Pwned", "inbox": "https://remote.example/users/mallory/inbox"}
    await send(client, services, mallory, activity(mallory, "Update", forged))
    bob_row = next(r for r in await rows(services, Actor) if r.uri == bob.uri)
    assert bob_row.display_name == "Bob" and bob_row.inbox == bob.inbox
    assert not [g for g in network.gets[fetches:] if str(g.url) == bob.uri]  # not even refreshed on her word

"""Authorized fetch: what unsigned, signed, badly signed and blocked requesters get of an artist's documents."""

from __future__ import annotations

import pytest
from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers, make_config
from posting import add_remote, publish

from fediart.activitypub.signatures import sign_request
from fediart.store.policy_tables import DomainBlock
from fediart.store.states import Restriction
from fediart.store.tables import ActorRestriction, RemoteBlock

POLICY = "https://art.example/@ana/tdm-policy.json"
REFUSED = {"error": "request must be signed by a server that may fetch this"}


@pytest.fixture
async def config(database_settings, tmp_path, request):
    """The usual test config (authorized fetch on); indirect parameters pass make_config sections."""
    return make_config(database_settings, tmp_path, **getattr(request, "param", {}))


async def _block_domain(services, domain: str) -> None:
    async with services.sessions() as session:
        session.add(DomainBlock(domain=domain))
        await session.commit()
    services.policy.forget()


async def test_unsigned_actor_fetch_gets_the_minimal_actor_with_licence(client, make_artist, network):
    await make_artist("ana")
    response = await client.get("/users/ana", headers={"Accept": AP_ACCEPT})
    assert response.status_code == 200
    assert_licence_headers(response, policy=POLICY)
    doc = response.json()
    assert doc["publicKey"]["id"] == "https://art.example/users/ana#main-key"
    assert doc["inbox"] == "https://art.example/users/ana/inbox"
    assert doc["endpoints"] == {"sharedInbox": "https://art.example/inbox"}
    assert "followers" not in doc and "summary" not in doc and "attachment" not in doc
    assert doc["usageInfo"] and doc["tdmReservation"] == 1  # the licence terms stay
    assert "Signature" in response.headers["vary"]
    signed = (await signed_get(client, network.fetcher(), "/users/ana")).json()
    assert signed["followers"] == "https://art.example/users/ana/followers" and "attachment" in signed


async def test_the_instance_actor_and_discovery_stay_public(client, make_artist):
    await make_artist("ana")
    actor = await client.get("/actor", headers={"Accept": AP_ACCEPT})
    assert actor.status_code == 200 and actor.json()["outbox"].endswith("/actor/outbox")
    for path in ("/.well-known/webfinger?resource=acct:ana@art.example", "/.well-known/nodeinfo",
                 "/nodeinfo/2.1", "/ns/fediart.jsonld"):
        assert (await client.get(path)).status_code == 200, path


async def test_unsigned_notes_and_collections_are_401_and_pages_stay_public(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="Heron")
    for path in (f"/users/ana/statuses/{post.id}", f"/@ana/{post.id}", f"/users/ana/statuses/{post.id}/activity",
                 "/users/ana/outbox", "/users/ana/outbox?page=true", "/users/ana/followers",
                 "/users/ana/following?page=1", "/users/ana/collections/featured", "/users/ana/collections/tags"):
        response = await client.get(path, headers={"Accept": AP_ACCEPT})
        assert response.status_code == 401, path
        assert response.json() == REFUSED
        assert_licence_headers(response)
    page = await client.get(f"/@ana/{post.id}", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and "Heron" in page.text


async def test_a_bad_signature_is_the_same_401(client, services, make_artist, network):
    await make_artist("ana")
    post = await publish(services, text="Heron")
    peer = network.fetcher()
    path = f"/users/ana/statuses/{post.id}"
    # Signed for another path: the signature covers (request-target), so it is replayed here in vain.
    headers = {"Accept": AP_ACCEPT}
    headers.update(sign_request("GET", "https://art.example/users/ana/outbox", headers, None,
                                peer.key_id, peer.private_key))
    replayed = await client.get(path, headers=headers)
    assert replayed.status_code == 401 and replayed.json() == REFUSED
    assert (await signed_get(client, peer, path)).status_code == 200


async def test_followers_only_posts_go_to_servers_with_an_accepted_follower(client, services, make_artist, network):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana)
    await add_remote(services, network, "pending", host="slow.example", follows=ana, state="pending")
    secret = await publish(services, text="For followers", visibility="followers")
    path = f"/users/ana/statuses/{secret.id}"
    # The follower itself, and its server's instance actor (servers fetch on their users' behalf).
    instance = network.add_actor("remote.example", host="remote.example", actor_type="Application")
    for signer in (bob, instance):
        response = await signed_get(client, signer, path)
        assert response.status_code == 200
        assert response.json()["content"].startswith("<p>For followers")
        assert response.headers["cache-control"] == "private"
        assert_licence_headers(response, policy=POLICY)
    activity = await signed_get(client, bob, path + "/activity")
    assert activity.status_code == 200 and activity.json()["type"] == "Create"
    # A server with no follower, or only a pending one: as if the post did not exist.
    stranger = network.add_actor("eve", host="other.example")
    pending = network.actors["https://slow.example/users/pending"]
    for signer in (stranger, pending):
        assert (await signed_get(client, signer, path)).status_code == 404
    # Never in the outbox, whoever asks.
    page = (await signed_get(client, bob, "/users/ana/outbox?page=true")).json()
    assert page["orderedItems"] == []


async def test_direct_posts_go_only_to_servers_of_those_mentioned(client, services, make_artist, network):
    ana = await make_artist("ana")
    follower = await add_remote(services, network, "fan", host="fans.example", follows=ana)
    bob = await add_remote(services, network, "bob")
    note = await publish(services, text="@bob@remote.example just for you", visibility="direct")
    path = f"/users/ana/statuses/{note.id}"
    assert (await signed_get(client, bob, path)).status_code == 200
    neighbour = network.add_actor("carol", host="remote.example")
    assert (await signed_get(client, neighbour, path)).status_code == 200  # the same server
    assert (await signed_get(client, follower, path)).status_code == 404  # following is not enough


@pytest.mark.parametrize("table", ["restriction", "their_block"])
async def test_an_actor_the_artist_blocked_gets_no_private_posts(client, services, make_artist, network, table):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana)
    secret = await publish(services, text="For followers", visibility="followers")
    async with services.sessions() as session:
        stored = await services.remote_actors.known(bob.uri)
        if table == "restriction":
            session.add(ActorRestriction(account_id=ana.id, actor_id=stored.id, kind=Restriction.BLOCK))
        else:
            session.add(RemoteBlock(account_id=ana.id, actor_id=stored.id, activity_uri=bob.new_id()))
        await session.commit()
    assert (await signed_get(client, bob, f"/users/ana/statuses/{secret.id}")).status_code == 404


async def test_a_blocked_server_gets_exactly_what_the_unsigned_get(client, services, make_artist, network):
    ana = await make_artist("ana")
    spy = await add_remote(services, network, "spy", host="spy.example", follows=ana)
    secret = await publish(services, text="For followers", visibility="followers")
    await _block_domain(services, "spy.example")
    network.gets.clear()
    for path in (f"/users/ana/statuses/{secret.id}", "/users/ana/outbox", "/users/ana/followers"):
        signed = await signed_get(client, spy, path)
        unsigned = await client.get(path, headers={"Accept": AP_ACCEPT})
        assert signed.status_code == unsigned.status_code == 401, path
        assert signed.content == unsigned.content
    actor = await signed_get(client, spy, "/users/ana")
    assert actor.json() == (await client.get("/users/ana", headers={"Accept": AP_ACCEPT})).json()
    assert not [g for g in network.gets if g.url.host == "spy.example"]  # its key was never fetched


async def test_hidden_collections_show_counts_only(client, services, make_artist, network, bearer):
    ana = await make_artist("ana")
    await add_remote(services, network, "bob", follows=ana)
    headers = await bearer(ana)
    changed = await client.patch("/api/v1/accounts/update_credentials", data={"hide_collections": "true"},
                                 headers=headers)
    assert changed.status_code == 200 and changed.json()["source"]["hide_collections"] is True
    peer = network.fetcher()
    for path in ("/users/ana/followers", "/users/ana/followers?page=1", "/users/ana/following?page=1"):
        doc = (await signed_get(client, peer, path)).json()
        assert doc["type"] == "OrderedCollection" and "first" not in doc and "orderedItems" not in doc, path
    assert (await signed_get(client, peer, "/users/ana/followers")).json()["totalItems"] == 1
    await client.patch("/api/v1/accounts/update_credentials", data={"hide_collections": "false"},
                       headers=headers)
    shown = (await signed_get(client, peer, "/users/ana/followers?page=1")).json()
    assert shown["orderedItems"] == ["https://remote.example/users/bob"]


@pytest.mark.parametrize("config", [{"federation": {"authorized_fetch": False}}], indirect=True)
async def test_without_authorized_fetch_public_documents_are_open_and_private_posts_signed(
        client, services, make_artist, network):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana)
    public = await publish(services, text="Open")
    secret = await publish(services, text="For followers", visibility="followers")
    assert (await client.get(f"/users/ana/statuses/{public.id}", headers={"Accept": AP_ACCEPT})).status_code == 200
    assert (await client.get("/users/ana/outbox", headers={"Accept": AP_ACCEPT})).status_code == 200
    assert "followers" in (await client.get("/users/ana", headers={"Accept": AP_ACCEPT})).json()
    unsigned = await client.get(f"/users/ana/statuses/{secret.id}", headers={"Accept": AP_ACCEPT})
    assert unsigned.status_code == 404
    assert (await signed_get(client, bob, f"/users/ana/statuses/{secret.id}")).status_code == 200

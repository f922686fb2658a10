"""/api/v1/accounts/…, /blocks and /mutes as a Mastodon client sees them, over HTTP."""

from urllib.parse import parse_qs, urlparse

from posting import add_remote, png
from sqlmodel import select
from strict import assert_account, assert_relationship

from fediart.store.actors import local_actor
from fediart.store.tables import Account, Actor, Follower, Following, Notification
from fediart.worker import run_due_work

JSON = "application/json; charset=utf-8"


async def actor_id(services, account) -> str:
    async with services.sessions() as session:
        actor = await local_actor(session, services.urls, account)
        await session.commit()
        return str(actor.id)


async def remote_id(services, uri: str) -> str:
    async with services.sessions() as session:
        return str((await session.exec(select(Actor.id).where(Actor.uri == uri))).one())


async def rows(services, model, *where):
    async with services.sessions() as session:
        return list((await session.exec(select(model).where(*where))).all())


async def relationship(client, headers, target: str) -> dict:
    response = await client.get("/api/v1/accounts/relationships", params={"id[]": target}, headers=headers)
    assert response.status_code == 200
    [found] = response.json()
    assert_relationship(found)
    return found


async def test_verify_credentials_needs_a_token_with_the_scope(client, make_artist, bearer):
    ana = await make_artist("ana")
    missing = await client.get("/api/v1/accounts/verify_credentials")
    assert missing.status_code == 401 and missing.headers["content-type"] == JSON
    assert missing.json() == {"error": "The access token is invalid"}
    wrong = await client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    narrow = await client.get("/api/v1/accounts/verify_credentials", headers=await bearer(ana, "read:statuses"))
    assert narrow.status_code == 403 and narrow.json() == {"error": "This action is outside the authorized scopes"}
    response = await client.get("/api/v1/accounts/verify_credentials", headers=await bearer(ana, "read:accounts"))
    assert response.status_code == 200 and response.headers["content-type"] == JSON
    doc = response.json()
    assert_account(doc)
    assert (doc["username"], doc["acct"], doc["display_name"]) == ("ana", "ana", "Ana")
    assert doc["source"]["privacy"] == "public" and doc["source"]["follow_requests_count"] == 0
    assert doc["source"]["licence"]["key"] == "all-rights-reserved"
    assert doc["source"]["licence"]["ai_training"] == "reserved"


async def test_update_credentials_changes_the_profile_and_federates_update_person(client, services, network,
                                                                                   make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana)
    headers = await bearer(ana)
    response = await client.patch("/api/v1/accounts/update_credentials", headers=headers, data={
        "display_name": "Ana Lima", "note": "Herons & light\nhttps://ana.example",
        "fields_attributes[0][name]": "Shop", "fields_attributes[0][value]": "https://shop.example",
        "fields_attributes[1][name]": "", "fields_attributes[1][value]": "",
        "locked": "true", "source[privacy]": "unlisted", "licence": "cc-by-nc-nd-4.0",
    }, files={"avatar": ("me", png(), "application/octet-stream")})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert_account(doc)
    assert doc["display_name"] == "Ana Lima" and doc["locked"] is True
    assert "Herons &amp; light" in doc["note"] and 'href="https://ana.example"' in doc["note"]
    assert [f["name"] for f in doc["fields"]] == ["Shop"]
    assert doc["source"]["note"] == "Herons & light\nhttps://ana.example"
    assert doc["source"]["licence"]["key"] == "cc-by-nc-nd-4.0"
    assert doc["avatar"].startswith(services.config.base_url + "/") and "/static/" not in doc["avatar"]
    await run_due_work(services)
    [update] = [d for d in network.deliveries_to(bob.shared_inbox_url or bob.inbox) if d["type"] == "Update"]
    assert update["object"]["type"] == "Person" and update["object"]["name"] == "Ana Lima"
    assert update["object"]["manuallyApprovesFollowers"] is True
    again = await client.get(f"/api/v1/accounts/{doc['id']}")
    assert again.json()["display_name"] == "Ana Lima"


async def test_update_credentials_refuses_bad_input_with_422(client, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    fields = {f"fields_attributes[{i}][name]": f"f{i}" for i in range(5)}
    too_many = await client.patch("/api/v1/accounts/update_credentials", headers=headers, data=fields)
    assert too_many.status_code == 422 and "at most 4" in too_many.json()["error"]
    licence = await client.patch("/api/v1/accounts/update_credentials", headers=headers, json={"licence": "nope"})
    assert licence.status_code == 422 and licence.headers["content-type"] == JSON
    junk = await client.patch("/api/v1/accounts/update_credentials", headers=headers,
                              files={"header": ("h.png", b"not an image", "image/png")})
    assert junk.status_code == 422 and junk.json()["error"].startswith("header")
    read_only = await client.patch("/api/v1/accounts/update_credentials", headers=await bearer(ana, "read"),
                                   json={"display_name": "X"})
    assert read_only.status_code == 403
    me = await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert me.json()["display_name"] == "Ana" and me.json()["fields"] == []


async def test_show_and_lookup_find_local_and_known_remote_accounts_without_the_network(client, services, network,
                                                                                        make_artist):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    ana_id, bob_id = await actor_id(services, ana), await remote_id(services, bob.uri)
    shown = await client.get(f"/api/v1/accounts/{ana_id}")  # public: no token
    assert shown.status_code == 200
    assert_account(shown.json())
    for acct in ("ana", "@ana", f"ana@{services.config.domain}"):
        found = await client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert found.status_code == 200 and found.json()["id"] == ana_id, acct
    remote = await client.get("/api/v1/accounts/lookup", params={"acct": "bob@remote.example"})
    assert remote.json()["id"] == bob_id and remote.json()["acct"] == "bob@remote.example"
    assert_account(remote.json())
    network.add_actor("carol")
    gets = len(network.gets)
    unknown = await client.get("/api/v1/accounts/lookup", params={"acct": "carol@remote.example"})
    assert unknown.status_code == 404 and unknown.json() == {"error": "Record not found"}
    assert len(network.gets) == gets  # lookup never fetches
    for bad in ("12345", "abc", "-1", "99999999999999999999999"):
        missing = await client.get(f"/api/v1/accounts/{bad}")
        assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}
    assert (await client.get("/api/v1/accounts/lookup")).status_code == 400


async def test_the_instance_actor_is_never_an_account(client, services, make_artist):
    await make_artist("ana")
    async with services.sessions() as session:
        instance = (await session.exec(select(Account).where(Account.kind == "instance"))).one()
        row = await local_actor(session, services.urls, instance)
        await session.commit()
    assert (await client.get(f"/api/v1/accounts/{row.id}")).status_code == 404
    assert (await client.get("/api/v1/accounts/lookup", params={"acct": instance.username})).status_code == 404


async def test_local_follow_flips_both_sides_at_once_and_sends_nothing(client, services, network, make_artist,
                                                                        bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    ana_h, bea_h = await bearer(ana), await bearer(bea)
    ana_id, bea_id = await actor_id(services, ana), await actor_id(services, bea)
    response = await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)
    assert response.status_code == 200
    assert_relationship(response.json())
    assert response.json()["following"] is True and response.json()["requested"] is False
    back = await relationship(client, bea_h, ana_id)
    assert back["followed_by"] is True and back["following"] is False
    [note] = await rows(services, Notification, Notification.account_id == bea.id)
    assert note.kind == "follow" and str(note.actor_id) == ana_id
    counts = (await client.get(f"/api/v1/accounts/{bea_id}")).json()
    assert counts["followers_count"] == 1
    listed = await client.get(f"/api/v1/accounts/{bea_id}/followers")
    assert [a["id"] for a in listed.json()] == [ana_id]
    following = await client.get(f"/api/v1/accounts/{ana_id}/following")
    assert [a["id"] for a in following.json()] == [bea_id]
    await run_due_work(services)
    assert network.received == []  # a local follow is never delivered over HTTP

    again = await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)  # idempotent
    assert again.json()["following"] is True and len(await rows(services, Following)) == 1
    gone = await client.post(f"/api/v1/accounts/{bea_id}/unfollow", headers=ana_h)
    assert gone.json()["following"] is False
    assert (await relationship(client, bea_h, ana_id))["followed_by"] is False
    assert await rows(services, Following) == [] and await rows(services, Follower) == []
    self_follow = await client.post(f"/api/v1/accounts/{ana_id}/follow", headers=ana_h)
    assert self_follow.status_code == 422 and "error" in self_follow.json()


async def test_locked_local_account_gets_a_request_and_authorize_completes_it(client, services, make_artist,
                                                                               bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea", manually_approves_followers=True)
    ana_h, bea_h = await bearer(ana), await bearer(bea)
    ana_id, bea_id = await actor_id(services, ana), await actor_id(services, bea)
    response = await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)
    assert response.json()["requested"] is True and response.json()["following"] is False
    assert (await relationship(client, bea_h, ana_id))["requested_by"] is True
    [note] = await rows(services, Notification, Notification.account_id == bea.id)
    assert note.kind == "follow_request"
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=bea_h)).json()
    assert me["source"]["follow_requests_count"] == 1
    authorized = await client.post(f"/api/v1/follow_requests/{ana_id}/authorize", headers=bea_h)
    assert authorized.status_code == 200 and authorized.json()["followed_by"] is True
    assert authorized.json()["requested_by"] is False
    mine = await relationship(client, ana_h, bea_id)
    assert mine["following"] is True and mine["requested"] is False


async def test_remote_follow_queues_a_follow_delivered_by_the_worker(client, services, network, make_artist,
                                                                      bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    bob_id = await remote_id(services, bob.uri)
    headers = await bearer(ana)
    response = await client.post(f"/api/v1/accounts/{bob_id}/follow", headers=headers)
    assert response.json()["requested"] is True and response.json()["following"] is False
    await run_due_work(services)
    [follow] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Follow"]
    assert follow["object"] == bob.uri and follow["actor"] == services.urls.actor("ana")
    await client.post(f"/api/v1/accounts/{bob_id}/unfollow", headers=headers)
    await run_due_work(services)
    [undo] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Undo"]
    assert undo["object"]["id"] == follow["id"]
    no_scope = await client.post(f"/api/v1/accounts/{bob_id}/follow", headers=await bearer(ana, "read"))
    assert no_scope.status_code == 403
    anonymous = await client.post(f"/api/v1/accounts/{bob_id}/follow")
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "The access token is invalid"}
    missing = await client.post("/api/v1/accounts/424242/follow", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "Record not found"}


async def test_block_severs_follows_both_ways_and_tells_the_remote(client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", shared_inbox=False, follows=ana)
    bob_id = await remote_id(services, bob.uri)
    headers = await bearer(ana)
    await client.post(f"/api/v1/accounts/{bob_id}/follow", headers=headers)
    async with services.sessions() as session:
        following = (await session.exec(select(Following))).one()
        following.state = "accepted"
        session.add(following)
        await session.commit()
    before = await relationship(client, headers, bob_id)
    assert before["following"] is True and before["followed_by"] is True
    blocked = await client.post(f"/api/v1/accounts/{bob_id}/block", headers=headers)
    assert blocked.status_code == 200
    assert_relationship(blocked.json())
    assert blocked.json()["blocking"] is True
    assert blocked.json()["following"] is False and blocked.json()["followed_by"] is False
    assert await rows(services, Following) == [] and await rows(services, Follower) == []
    await run_due_work(services)
    kinds = [d["type"] for d in network.deliveries_to(bob.inbox)]
    assert "Undo" in kinds and "Block" in kinds
    [block] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Block"]
    assert block["object"] == bob.uri
    listed = await client.get("/api/v1/blocks", headers=headers)
    assert [a["id"] for a in listed.json()] == [bob_id]
    unblocked = await client.post(f"/api/v1/accounts/{bob_id}/unblock", headers=headers)
    assert unblocked.json()["blocking"] is False
    await run_due_work(services)
    [undo_block] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Undo"
                    and d["object"].get("type") == "Block"]
    assert undo_block["object"]["id"] == block["id"]
    assert (await client.get("/api/v1/blocks", headers=headers)).json() == []


async def test_local_block_severs_both_follows_and_shows_as_blocked_by(client, services, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    ana_h, bea_h = await bearer(ana), await bearer(bea)
    ana_id, bea_id = await actor_id(services, ana), await actor_id(services, bea)
    await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)
    await client.post(f"/api/v1/accounts/{ana_id}/follow", headers=bea_h)
    blocked = (await client.post(f"/api/v1/accounts/{bea_id}/block", headers=ana_h)).json()
    assert (blocked["blocking"], blocked["following"], blocked["followed_by"]) == (True, False, False)
    seen_by_bea = await relationship(client, bea_h, ana_id)
    assert seen_by_bea["blocked_by"] is True and seen_by_bea["following"] is False
    assert await rows(services, Following) == [] and await rows(services, Follower) == []
    for headers, target in ((bea_h, ana_id), (ana_h, bea_id)):  # neither side may follow while it stands
        refused = await client.post(f"/api/v1/accounts/{target}/follow", headers=headers)
        assert refused.status_code == 403 and refused.json() == {"error": "This action is not allowed"}
    assert await rows(services, Following) == []
    await client.post(f"/api/v1/accounts/{bea_id}/unblock", headers=ana_h)
    assert (await client.post(f"/api/v1/accounts/{ana_id}/follow", headers=bea_h)).json()["following"] is True


async def test_mute_and_unmute_are_private(client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    bob_id = await remote_id(services, bob.uri)
    headers = await bearer(ana)
    muted = (await client.post(f"/api/v1/accounts/{bob_id}/mute", headers=headers)).json()
    assert muted["muting"] is True and muted["muting_notifications"] is True
    assert [a["id"] for a in (await client.get("/api/v1/mutes", headers=headers)).json()] == [bob_id]
    assert (await client.post(f"/api/v1/accounts/{bob_id}/unmute", headers=headers)).json()["muting"] is False
    await run_due_work(services)
    assert network.received == []
    assert (await client.get("/api/v1/mutes")).status_code == 401


async def test_relationships_one_per_known_id_with_every_boolean(client, services, network, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    bob = await add_remote(services, network, "bob", follows=ana)
    ids = [await actor_id(services, bea), await remote_id(services, bob.uri)]
    response = await client.get("/api/v1/accounts/relationships", headers=await bearer(ana),
                                params=[("id[]", ids[0]), ("id[]", "9999"), ("id[]", ids[1])])
    found = response.json()
    assert [r["id"] for r in found] == ids
    for entity in found:
        assert_relationship(entity)
    assert found[1]["followed_by"] is True and found[0]["followed_by"] is False
    assert (await client.get("/api/v1/accounts/relationships", params={"id[]": ids[0]})).status_code == 401


async def test_followers_pages_carry_an_absolute_next_link(client, services, network, make_artist):
    ana = await make_artist("ana")
    for name in ("bob", "carol", "dan"):
        await add_remote(services, network, name, follows=ana)
    await add_remote(services, network, "eve", follows=ana, state="pending")  # a request is not a follower
    ana_id = await actor_id(services, ana)
    first = await client.get(f"/api/v1/accounts/{ana_id}/followers", params={"limit": 2})
    assert [a["username"] for a in first.json()] == ["dan", "carol"]
    for account in first.json():
        assert_account(account)
    link = first.headers["link"]
    next_url = link.split(";")[0].strip("<>")
    assert next_url.startswith(services.config.base_url + f"/api/v1/accounts/{ana_id}/followers?")
    assert 'rel="next"' in link
    assert parse_qs(urlparse(next_url).query)["limit"] == ["2"]
    second = await client.get(next_url)
    assert [a["username"] for a in second.json()] == ["bob"]
    last = await client.get(second.headers["link"].split(";")[0].strip("<>"))
    assert last.json() == [] and 'rel="next"' not in last.headers.get("link", "")


async def test_account_search_and_the_empty_lists(client, services, network, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea", display_name="Beatriz")
    await add_remote(services, network, "benno")
    headers = await bearer(ana)
    found = await client.get("/api/v1/accounts/search", params={"q": "be"}, headers=headers)
    assert [a["acct"] for a in found.json()] == ["bea", "benno@remote.example"]  # local artists first
    by_name = await client.get("/api/v1/accounts/search", params={"q": "beatr"}, headers=headers)
    assert [a["acct"] for a in by_name.json()] == ["bea"]
    wildcard = await client.get("/api/v1/accounts/search", params={"q": "%"}, headers=headers)
    assert wildcard.json() == []
    assert (await client.get("/api/v1/accounts/search", params={"q": "be"})).status_code == 401
    bea_id = await actor_id(services, bea)
    familiar = await client.get("/api/v1/accounts/familiar_followers", params={"id[]": bea_id}, headers=headers)
    assert familiar.json() == [{"id": bea_id, "accounts": []}]
    assert (await client.get(f"/api/v1/accounts/{bea_id}/featured_tags")).json() == []
    assert (await client.get(f"/api/v1/accounts/{bea_id}/lists", headers=headers)).json() == []
    assert (await client.get("/api/v1/accounts/1/featured_tags")).status_code == 404

"""/api/v1/statuses and friends, as a Mastodon client uses them: what the client sees, what other
servers receive, and what the artists on this instance are notified of."""

import pytest
from fakes import signed_get
from posting import add_remote, jpeg
from sqlmodel import select
from strict import assert_account, assert_status

from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp
from fediart.store.tables import Actor, Media, Mention, Notification, Post, PostEdit, RemotePost
from fediart.worker import run_due_work

BASE = "https://art.example"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


@pytest.fixture
async def bea(make_artist):
    return await make_artist("bea")


async def rows(services, table, *where):
    async with services.sessions() as session:
        return list((await session.exec(select(table).where(*where))).all())


async def upload(client, headers, description: str = "") -> str:
    response = await client.post("/api/v2/media", headers=headers, data={"description": description},
                                 files={"file": ("file", jpeg(), "image/jpeg")})
    assert response.status_code == 200
    return response.json()["id"]


async def post(client, headers, **body) -> dict:
    response = await client.post("/api/v1/statuses", headers=headers, json=body)
    assert response.status_code == 200, response.text
    assert_status(response.json())
    return response.json()


async def remote_post(services, fake, **fields) -> RemotePost:
    async with services.sessions() as session:
        author = (await session.exec(select(Actor).where(Actor.uri == fake.uri))).one()
        row = RemotePost(uri=fake.new_id("statuses"), actor_id=author.id, content="<p>a remote heron</p>", **fields)
        session.add(row)
        await session.commit()
        return row


def local_deliveries(network) -> list:
    return [r for r in network.received if r.url.startswith(BASE)]


async def test_create_with_media_alt_and_licence_federates_a_licensed_note(client, services, network, bearer, ana):
    carol = await add_remote(services, network, "carol", follows=ana)
    headers = await bearer(ana)
    media_id = await upload(client, headers, "A grey heron in reeds")
    status = await post(client, headers, status="Heron study #ink", media_ids=[media_id], licence="cc-by-4.0",
                        visibility="public", language="en", spoiler_text="")
    assert status["media_attachments"][0]["id"] == media_id
    assert status["media_attachments"][0]["description"] == "A grey heron in reeds"
    assert status["licence"]["url"] == CC_BY and status["favourited"] is False
    assert status["tags"][0]["name"] == "ink" and status["language"] == "en"
    await run_due_work(services)
    [create] = network.deliveries_to(carol.shared_inbox_url)
    note = create["object"]
    assert create["type"] == "Create" and note["id"] == status["uri"]
    assert note["license"] == CC_BY and note["attachment"][0]["license"] == CC_BY
    assert note["attachment"][0]["name"] == "A grey heron in reeds"
    # The upload is the post's now: another post cannot take it.
    again = await client.post("/api/v1/statuses", headers=headers, json={"media_ids": [media_id]})
    assert again.status_code == 422


async def test_form_encoded_post_without_status_key_and_followers_only_visibility(client, services, bearer, ana):
    headers = await bearer(ana)
    media_id = await upload(client, headers)
    response = await client.post("/api/v1/statuses", headers=headers,
                                 data={"media_ids[]": media_id, "visibility": "private", "sensitive": "1"})
    assert response.status_code == 200
    status = response.json()
    assert status["visibility"] == "private" and status["sensitive"] is True and status["content"] == ""
    [row] = await rows(services, Post)
    assert row.visibility == "followers"


async def test_refusals_are_422_with_a_message(client, bearer, ana):
    headers = await bearer(ana)
    for body, words in (({}, "text or at least one image"), ({"status": "x", "licence": "nope"}, "unknown licence"),
                        ({"status": "x", "visibility": "secret"}, "visibility"),
                        ({"status": "x", "media_ids": ["123"]}, "media 123"),
                        ({"status": "x", "poll": {"options": ["a", "b"], "expires_in": 60}}, "polls"),
                        ({"status": "x", "scheduled_at": "2030-01-01T00:00:00Z"}, "scheduled")):
        response = await client.post("/api/v1/statuses", headers=headers, json=body)
        assert response.status_code == 422, body
        assert words in response.json()["error"]


async def test_idempotency_key_returns_the_same_post(client, services, bearer, ana):
    headers = {**(await bearer(ana)), "Idempotency-Key": "compose-1"}
    first = await post(client, headers, status="Once only")
    second = await post(client, headers, status="Once only")
    assert first["id"] == second["id"]
    assert len(await rows(services, Post)) == 1
    other = await post(client, {**headers, "Idempotency-Key": "compose-2"}, status="Once only")
    assert other["id"] != first["id"]


async def test_no_token_is_401_and_a_read_only_token_is_403(client, bearer, ana):
    anonymous = await client.post("/api/v1/statuses", json={"status": "hi"})
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "The access token is invalid"}
    assert anonymous.headers["content-type"] == "application/json; charset=utf-8"
    read_only = await client.post("/api/v1/statuses", headers=await bearer(ana, "read"), json={"status": "hi"})
    assert read_only.status_code == 403 and "scopes" in read_only.json()["error"]


async def test_public_posts_are_readable_without_a_token_others_are_not(client, bearer, ana, bea):
    headers = await bearer(ana)
    public = await post(client, headers, status="For all")
    private = await post(client, headers, status="For followers", visibility="private")
    anonymous = await client.get(f"/api/v1/statuses/{public['id']}")
    assert anonymous.status_code == 200 and "favourited" not in anonymous.json()
    assert_status(anonymous.json())
    assert (await client.get(f"/api/v1/statuses/{private['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/statuses/{private['id']}", headers=await bearer(bea))).status_code == 404
    mine = await client.get(f"/api/v1/statuses/{private['id']}", headers=headers)
    assert mine.status_code == 200 and mine.json()["visibility"] == "private"
    assert (await client.get("/api/v1/statuses/not-a-number")).status_code == 404
    bad_token = await client.get(f"/api/v1/statuses/{public['id']}", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401


async def test_edit_keeps_history_fixes_alt_text_and_federates_an_update(client, services, network, bearer, ana):
    carol = await add_remote(services, network, "carol", follows=ana)
    headers = await bearer(ana)
    media_id = await upload(client, headers, "a bird")
    status = await post(client, headers, status="First words", media_ids=[media_id])
    edited = await client.put(f"/api/v1/statuses/{status['id']}", headers=headers, json={
        "status": "Second words", "spoiler_text": "", "sensitive": False, "media_ids": [media_id],
        "media_attributes": [{"id": media_id, "description": "A grey heron", "focus": "0.0,0.5"}]})
    assert edited.status_code == 200
    doc = edited.json()
    assert_status(doc)
    assert "Second words" in doc["content"] and doc["edited_at"] is not None
    assert doc["media_attachments"][0]["description"] == "A grey heron"
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history", headers=headers)).json()
    assert ["First words" in v["content"] for v in history] == [True, False]
    assert history[0]["media_attachments"][0]["description"] == "a bird"
    assert history[1]["media_attachments"][0]["description"] == "A grey heron"
    assert_account(history[0]["account"])
    source = (await client.get(f"/api/v1/statuses/{status['id']}/source", headers=headers)).json()
    assert source == {"id": status["id"], "text": "Second words", "spoiler_text": ""}
    await run_due_work(services)
    sent = {d["type"]: d for d in network.deliveries_to(carol.shared_inbox_url)}
    assert sorted(sent) == ["Create", "Update"]
    update = sent["Update"]["object"]
    assert update["attachment"][0]["name"] == "A grey heron" and update["attachment"][0]["focalPoint"] == [0.0, 0.5]


async def test_edit_can_drop_an_image_and_an_unedited_post_has_one_version(client, services, bearer, ana):
    headers = await bearer(ana)
    first, second = await upload(client, headers, "one"), await upload(client, headers, "two")
    status = await post(client, headers, status="Two images", media_ids=[first, second])
    history = (await client.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert len(history) == 1
    edited = (await client.put(f"/api/v1/statuses/{status['id']}", headers=headers,
                               json={"status": "One image", "media_ids": [second]})).json()
    assert [m["id"] for m in edited["media_attachments"]] == [second]
    assert len(await rows(services, PostEdit)) == 1


async def test_another_artists_post_cannot_be_edited_deleted_or_pinned(client, bearer, ana, bea):
    status = await post(client, await bearer(ana), status="Mine")
    theirs = await bearer(bea)
    put = await client.put(f"/api/v1/statuses/{status['id']}", headers=theirs, json={"status": "Theirs"})
    assert put.status_code == 404 and put.json() == {"error": "Record not found"}
    assert (await client.delete(f"/api/v1/statuses/{status['id']}", headers=theirs)).status_code == 404
    assert (await client.post(f"/api/v1/statuses/{status['id']}/pin", headers=theirs)).status_code == 404
    assert (await client.get(f"/api/v1/statuses/{status['id']}/source", headers=theirs)).status_code == 404
    still = (await client.get(f"/api/v1/statuses/{status['id']}")).json()
    assert "Mine" in still["content"]


async def test_delete_returns_the_source_for_redraft_and_federates(client, services, network, bearer, ana):
    carol = await add_remote(services, network, "carol", follows=ana)
    headers = await bearer(ana)
    status = await post(client, headers, status="Draft me again", spoiler_text="birds")
    deleted = await client.delete(f"/api/v1/statuses/{status['id']}", headers=headers)
    assert deleted.status_code == 200
    assert deleted.json()["text"] == "Draft me again" and deleted.json()["spoiler_text"] == "birds"
    assert (await client.get(f"/api/v1/statuses/{status['id']}", headers=headers)).status_code == 404
    assert (await client.delete(f"/api/v1/statuses/{status['id']}", headers=headers)).status_code == 404
    await run_due_work(services)
    assert network.deliveries_to(carol.shared_inbox_url)[-1]["type"] == "Delete"


async def test_local_favourite_and_reblog_set_flags_counts_and_notify_without_http(client, services, network,
                                                                                   bearer, ana, bea):
    status = await post(client, await bearer(ana), status="Like me")
    headers = await bearer(bea)
    path = f"/api/v1/statuses/{status['id']}"
    liked = (await client.post(path + "/favourite", headers=headers)).json()
    assert liked["favourited"] is True and liked["favourites_count"] == 1
    again = (await client.post(path + "/favourite", headers=headers)).json()
    assert again["favourites_count"] == 1  # idempotent
    boost = await client.post(path + "/reblog", headers=headers)
    assert boost.status_code == 200
    wrapper = boost.json()
    assert_status(wrapper)
    assert wrapper["reblog"]["id"] == status["id"] and wrapper["id"] != status["id"]
    assert wrapper["account"]["acct"] == "bea" and wrapper["reblog"]["reblogged"] is True
    assert wrapper["reblog"]["reblogs_count"] == 1
    # The boost is a status of its own: readable by its id.
    assert (await client.get(f"/api/v1/statuses/{wrapper['id']}")).json()["reblog"]["id"] == status["id"]
    seen_by_ana = (await client.get(path, headers=await bearer(ana))).json()
    assert seen_by_ana["favourited"] is False and seen_by_ana["favourites_count"] == 1
    notes = await rows(services, Notification)
    [bea_actor] = await rows(services, Actor, Actor.uri == f"{BASE}/users/bea")
    assert sorted(n.kind for n in notes) == ["boost", "like"]
    assert {n.actor_id for n in notes} == {bea_actor.id} and {n.account_id for n in notes} == {ana.id}
    people = await client.get(path + "/favourited_by")
    assert [a["acct"] for a in people.json()] == ["bea"]
    assert [a["acct"] for a in (await client.get(path + "/reblogged_by")).json()] == ["bea"]

    unliked = (await client.post(path + "/unfavourite", headers=headers)).json()
    assert unliked["favourited"] is False and unliked["favourites_count"] == 0
    unboosted = (await client.post(path + "/unreblog", headers=headers)).json()
    assert unboosted["reblogged"] is False and unboosted["reblogs_count"] == 0
    assert await rows(services, Notification) == []
    await run_due_work(services)
    assert local_deliveries(network) == []


async def test_followers_only_posts_cannot_be_boosted(client, bearer, ana):
    headers = await bearer(ana)
    status = await post(client, headers, status="Quiet", visibility="private")
    refused = await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=headers)
    assert refused.status_code == 422 and "boosted" in refused.json()["error"]


async def test_boost_of_a_local_post_reaches_only_the_boosters_remote_followers(client, services, network,
                                                                               bearer, ana, bea):
    dora = await add_remote(services, network, "dora", host="follower.example", follows=bea)
    status = await post(client, await bearer(ana), status="Share me")
    await client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=await bearer(bea))
    await run_due_work(services)
    [announce] = network.deliveries_to(dora.shared_inbox_url)
    assert announce["type"] == "Announce" and announce["object"] == status["uri"]
    assert local_deliveries(network) == []


async def test_favourite_and_boost_of_a_remote_post_deliver_like_announce_and_undo(client, services, network,
                                                                                  bearer, ana):
    carol = await add_remote(services, network, "carol")
    row = await remote_post(services, carol)
    headers = await bearer(ana)
    path = f"/api/v1/statuses/{row.id}"
    liked = (await client.post(path + "/favourite", headers=headers)).json()
    assert liked["favourited"] is True and liked["favourites_count"] == 1 and liked["uri"] == row.uri
    wrapper = (await client.post(path + "/reblog", headers=headers)).json()
    assert wrapper["reblog"]["id"] == str(row.id)
    await client.post(path + "/unfavourite", headers=headers)
    await run_due_work(services)
    # Deliveries run concurrently: their order on the wire is not the order they were made in.
    sent = {d["type"]: d for d in network.deliveries_to(carol.shared_inbox_url)}
    assert sorted(sent) == ["Announce", "Like", "Undo"]
    assert sent["Like"]["object"] == row.uri and sent["Undo"]["object"]["id"] == sent["Like"]["id"]
    favourites = await client.get("/api/v1/favourites", headers=headers)
    assert favourites.json() == []


async def test_bookmarks_and_favourites_lists_page_with_link_headers(client, services, bearer, ana):
    headers = await bearer(ana)
    ids = [(await post(client, headers, status=f"Post {n}"))["id"] for n in range(3)]
    for status_id in ids:
        marked = (await client.post(f"/api/v1/statuses/{status_id}/bookmark", headers=headers)).json()
        assert marked["bookmarked"] is True
        await client.post(f"/api/v1/statuses/{status_id}/favourite", headers=headers)
    first = await client.get("/api/v1/bookmarks?limit=2", headers=headers)
    assert [s["id"] for s in first.json()] == [ids[2], ids[1]]
    assert 'rel="next"' in first.headers["link"]
    next_url = first.headers["link"].split(">")[0].lstrip("<")
    rest = await client.get(next_url, headers=headers)
    assert [s["id"] for s in rest.json()] == [ids[0]]
    favourites = await client.get("/api/v1/favourites", headers=headers)
    assert [s["id"] for s in favourites.json()] == list(reversed(ids))
    await client.post(f"/api/v1/statuses/{ids[1]}/unbookmark", headers=headers)
    assert [s["id"] for s in (await client.get("/api/v1/bookmarks", headers=headers)).json()] == [ids[2], ids[0]]
    assert (await client.get("/api/v1/bookmarks", headers=await bearer(ana, "read:statuses"))).status_code == 403


async def test_pins_are_limited_to_five_and_fill_the_featured_collection(client, services, bearer, ana, network):
    headers = await bearer(ana)
    ids = [(await post(client, headers, status=f"Work {n}"))["id"] for n in range(6)]
    for status_id in ids[:5]:
        pinned = await client.post(f"/api/v1/statuses/{status_id}/pin", headers=headers)
        assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    sixth = await client.post(f"/api/v1/statuses/{ids[5]}/pin", headers=headers)
    assert sixth.status_code == 422 and "5" in sixth.json()["error"]
    featured = (await signed_get(client, network.fetcher(), "/users/ana/collections/featured")).json()
    assert featured["totalItems"] == 5 and featured["orderedItems"][0]["type"] == "Note"
    assert featured["usageInfo"] == services.urls.terms("ana")  # the licence travels with the collection
    unpinned = await client.post(f"/api/v1/statuses/{ids[0]}/unpin", headers=headers)
    assert unpinned.json()["pinned"] is False
    assert (await client.post(f"/api/v1/statuses/{ids[5]}/pin", headers=headers)).status_code == 200
    featured = (await signed_get(client, network.fetcher(), "/users/ana/collections/featured")).json()
    assert featured["orderedItems"][0]["id"].endswith(ids[5])


async def test_reply_and_mention_of_local_artists_notify_them_and_build_the_context(client, services, network,
                                                                                   bearer, ana, bea, make_artist):
    await make_artist("cleo")
    carol = await add_remote(services, network, "carol")
    parent = await post(client, await bearer(ana), status="A thread starts")
    reply = await post(client, await bearer(bea), status="Lovely! @cleo look", in_reply_to_id=parent["id"])
    assert reply["in_reply_to_id"] == parent["id"] and reply["in_reply_to_account_id"] == parent["account"]["id"]
    assert {m["acct"] for m in reply["mentions"]} == {"ana", "cleo"}
    remote = await remote_post(services, carol, in_reply_to=reply["uri"])
    context = (await client.get(f"/api/v1/statuses/{reply['id']}/context")).json()
    assert [s["id"] for s in context["ancestors"]] == [parent["id"]]
    assert [s["id"] for s in context["descendants"]] == [str(remote.id)]
    for status in context["ancestors"] + context["descendants"]:
        assert_status(status)
    top = (await client.get(f"/api/v1/statuses/{parent['id']}/context")).json()
    assert [s["id"] for s in top["descendants"]] == [reply["id"], str(remote.id)]
    assert (await client.get(f"/api/v1/statuses/{parent['id']}")).json()["replies_count"] == 1
    notes = {(n.account_id, n.kind) for n in await rows(services, Notification)}
    cleo = [a for a in await rows(services, Actor, Actor.uri == f"{BASE}/users/cleo")][0]
    assert notes == {(ana.id, "reply"), (cleo.account_id, "mention")}
    assert len(await rows(services, Mention, Mention.post_id == int(reply["id"]))) == 2
    await run_due_work(services)
    assert local_deliveries(network) == []


async def test_a_followers_only_reply_is_hidden_from_the_context_of_strangers(client, bearer, ana, bea):
    parent = await post(client, await bearer(ana), status="Open")
    await post(client, await bearer(bea), status="Just for my followers", in_reply_to_id=parent["id"],
               visibility="private")
    seen = (await client.get(f"/api/v1/statuses/{parent['id']}/context")).json()
    assert seen["descendants"] == []


async def test_a_direct_post_is_seen_by_those_it_mentions_local_or_remote(client, services, network, bearer,
                                                                          ana, bea, make_artist):
    cleo = await make_artist("cleo")
    carol = await add_remote(services, network, "carol")
    status = await post(client, await bearer(ana), status="@bea @carol@remote.example a secret", visibility="direct")
    assert {m["acct"] for m in status["mentions"]} == {"bea", "carol@remote.example"}
    assert len(await rows(services, Mention, Mention.post_id == int(status["id"]))) == 2
    path = f"/api/v1/statuses/{status['id']}"
    assert (await client.get(path, headers=await bearer(bea))).status_code == 200
    assert (await client.get(path, headers=await bearer(cleo))).status_code == 404
    await run_due_work(services)
    [create] = network.deliveries_to(carol.shared_inbox_url)
    assert set(create["object"]["to"]) == {carol.uri, f"{BASE}/users/bea"}
    assert local_deliveries(network) == []
    assert {(n.account_id, n.kind) for n in await rows(services, Notification)} == {(bea.id, "mention")}


async def test_delete_and_redraft_keeps_the_images_for_the_redraft(client, services, bearer, ana):
    headers = await bearer(ana)
    media_id = await upload(client, headers, "A heron, first try")
    status = await post(client, headers, status="Redraft me", media_ids=[media_id])
    deleted = (await client.delete(f"/api/v1/statuses/{status['id']}", headers=headers)).json()
    assert deleted["text"] == "Redraft me"
    [attachment] = deleted["media_attachments"]
    assert attachment["id"] == media_id and attachment["description"] == "A heron, first try"
    [row] = await rows(services, Media, Media.id == int(media_id))
    assert row.post_id is None and (services.media_dir / row.file).is_file()
    # The file stays served while it waits for the redraft.
    assert (await client.get(attachment["url"].removeprefix(BASE))).status_code == 200
    redraft = await post(client, headers, status="Redrafted", media_ids=[media_id])
    assert [m["id"] for m in redraft["media_attachments"]] == [media_id]


async def test_delete_with_delete_media_removes_the_images(client, services, bearer, ana):
    headers = await bearer(ana)
    media_id = await upload(client, headers)
    status = await post(client, headers, status="Gone for good", media_ids=[media_id])
    [row] = await rows(services, Media, Media.id == int(media_id))
    deleted = await client.delete(f"/api/v1/statuses/{status['id']}?delete_media=true", headers=headers)
    assert deleted.status_code == 200 and deleted.json()["media_attachments"][0]["id"] == media_id
    assert await rows(services, Media, Media.id == int(media_id)) == []
    assert not (services.media_dir / row.file).exists()
    again = await client.post("/api/v1/statuses", headers=headers, json={"media_ids": [media_id]})
    assert again.status_code == 422


async def test_pin_and_unpin_send_add_and_remove_to_followers(client, services, network, bearer, ana):
    carol = await add_remote(services, network, "carol", follows=ana)
    headers = await bearer(ana)
    status = await post(client, headers, status="Pin me")
    await run_due_work(services)
    await client.post(f"/api/v1/statuses/{status['id']}/pin", headers=headers)
    await client.post(f"/api/v1/statuses/{status['id']}/pin", headers=headers)  # already pinned: nothing new
    await run_due_work(services)
    await client.post(f"/api/v1/statuses/{status['id']}/unpin", headers=headers)
    await run_due_work(services)
    sent = network.deliveries_to(carol.shared_inbox_url)
    assert [d["type"] for d in sent] == ["Create", "Add", "Remove"]
    for activity in sent[1:]:
        assert activity["actor"] == f"{BASE}/users/ana"
        assert activity["object"] == status["uri"]
        assert activity["target"] == f"{BASE}/users/ana/collections/featured"
    assert sent[1]["id"] != sent[2]["id"]
    assert local_deliveries(network) == []


async def test_an_edit_notifies_only_the_artists_it_names_for_the_first_time(client, services, bearer, ana, bea,
                                                                             make_artist):
    cleo = await make_artist("cleo")
    headers = await bearer(ana)
    status = await post(client, headers, status="Hello @bea")
    path = f"/api/v1/statuses/{status['id']}"
    edited = await client.put(path, headers=headers, json={"status": "Hello @bea and @cleo"})
    assert edited.status_code == 200
    again = await client.put(path, headers=headers, json={"status": "Hello again @bea and @cleo"})
    assert again.status_code == 200
    notes = sorted((n.account_id, n.kind) for n in await rows(services, Notification))
    assert notes == sorted([(bea.id, "mention"), (cleo.id, "mention")])
    seen = (await client.get("/api/v1/notifications", headers=await bearer(cleo))).json()
    assert [(n["type"], n["status"]["id"]) for n in seen] == [("mention", status["id"])]


async def test_blocks_hide_posts_both_ways_and_mutes_hide_them_from_threads_only(client, services, network,
                                                                                  bearer, ana, bea, make_artist):
    carol = await add_remote(services, network, "carol")
    parent = await post(client, await bearer(ana), status="A thread")
    by_bea = await post(client, await bearer(bea), status="Reply by bea", in_reply_to_id=parent["id"])
    by_dora = await post(client, await bearer(await make_artist("dora")), status="Reply by dora",
                         in_reply_to_id=parent["id"])
    under_dora = await post(client, await bearer(bea), status="Reply to dora", in_reply_to_id=by_dora["id"])
    remote = await remote_post(services, carol, in_reply_to=parent["uri"])
    headers = await bearer(ana)
    assert (await client.post(f"/api/v1/accounts/{by_bea['account']['id']}/block", headers=headers)).status_code == 200
    assert (await client.post(f"/api/v1/accounts/{by_dora['account']['id']}/mute", headers=headers)).status_code == 200

    # ana blocked bea: bea's posts are gone for ana, looked up or in a thread; strangers still see them.
    assert (await client.get(f"/api/v1/statuses/{by_bea['id']}", headers=headers)).status_code == 404
    assert (await client.get(f"/api/v1/statuses/{by_bea['id']}")).status_code == 200
    # dora is muted: her post opens by id, but the thread leaves it out (and not the replies to it).
    assert (await client.get(f"/api/v1/statuses/{by_dora['id']}", headers=headers)).status_code == 200
    thread = (await client.get(f"/api/v1/statuses/{parent['id']}/context", headers=headers)).json()
    assert [s["id"] for s in thread["descendants"]] == [str(remote.id)]
    up = (await client.get(f"/api/v1/statuses/{under_dora['id']}/context", headers=await bearer(bea))).json()
    # bea was blocked by ana, a local artist: ana's post is invisible to bea, by id and in threads.
    assert [s["id"] for s in up["ancestors"]] == [by_dora["id"]]
    assert (await client.get(f"/api/v1/statuses/{parent['id']}", headers=await bearer(bea))).status_code == 404
    everyone = (await client.get(f"/api/v1/statuses/{parent['id']}/context")).json()
    assert len(everyone["descendants"]) == 4

    # A blocked remote author's post, and a boost of it, are gone too.
    boost = (await client.post(f"/api/v1/statuses/{remote.id}/reblog", headers=await bearer(bea))).json()
    assert (await client.get(f"/api/v1/statuses/{boost['id']}", headers=headers)).status_code == 404  # bea boosted
    carol_id = (await rows(services, Actor, Actor.uri == carol.uri))[0].id
    assert (await client.post(f"/api/v1/accounts/{carol_id}/block", headers=headers)).status_code == 200
    assert (await client.get(f"/api/v1/statuses/{remote.id}", headers=headers)).status_code == 404
    assert (await client.post(f"/api/v1/statuses/{remote.id}/favourite", headers=headers)).status_code == 404


async def served_licence(client, url: str) -> str | None:
    response = await client.get(url.removeprefix(BASE))
    assert response.status_code == 200
    return read_xmp_rights(embedded_xmp(response.content))["web_statement"]


async def test_an_uploaded_image_carries_the_licence_its_post_chooses(client, services, bearer, ana):
    headers = await bearer(ana)
    media_id = await upload(client, headers)
    uploaded = (await client.get(f"/api/v1/media/{media_id}", headers=headers)).json()
    assert await served_licence(client, uploaded["url"]) != CC_BY  # the account's licence, until the post
    status = await post(client, headers, status="Heron, CC BY", media_ids=[media_id], licence="cc-by-4.0")
    [attachment] = status["media_attachments"]
    assert await served_licence(client, attachment["url"]) == CC_BY
    assert await served_licence(client, attachment["preview_url"]) == CC_BY
    # The file under the old name, with the old licence, is gone.
    assert (await client.get(uploaded["url"].removeprefix(BASE))).status_code == 404
    assert len(list((services.media_dir / "ana").iterdir())) == 2

    # An image added by an edit takes the post's licence too.
    added = await upload(client, headers)
    edited = await client.put(f"/api/v1/statuses/{status['id']}", headers=headers,
                              json={"media_ids": [media_id, added]})
    assert edited.status_code == 200
    assert [await served_licence(client, m["url"]) for m in edited.json()["media_attachments"]] == [CC_BY, CC_BY]
    assert len(list((services.media_dir / "ana").iterdir())) == 4

"""Timelines through HTTP: what a followed remote actor sends reaches home (and only the homes it should),
boosts show as wrappers, public, tag and account lists filter as Mastodon's do, and pages move by id."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from posting import publish
from sqlmodel import select
from strict import assert_status
from timeline_world import PUBLIC, add_posts, deliver, follow_remote, note

from fediart.store.tables import ActorRestriction, Interaction, Media, Mention, RemotePost


async def _statuses(client, path: str, headers=None, **params):
    response = await client.get(path, params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    for status in response.json():
        assert_status(status)
    return response


async def test_a_followed_actors_note_arrives_through_the_inbox_and_shows_in_home(client, network, services,
                                                                                 make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    bob, _ = await follow_remote(services, network, ana, "bob")
    carol = network.add_actor("carol")  # nobody here follows carol
    painted = note(bob, None, contentMap={"fr": "<p>Une <b>aquarelle</b></p>"}, sensitive=True, summary="nu",
                   attachment=[{"type": "Document", "mediaType": "image/png", "url": "https://remote.example/m/1.png",
                                "name": "A heron in watercolour", "blurhash": "LEHV6nWB2yk8", "width": 1200,
                                "height": 800, "focalPoint": [0.25, -0.5]}],
                   tag=[{"type": "Hashtag", "name": "#Watercolour", "href": "https://remote.example/tags/watercolour"},
                        {"type": "Mention", "href": "https://art.example/users/zoe", "name": "@zoe"}],
                   license="https://creativecommons.org/licenses/by-nc/4.0/",
                   usageInfo="https://remote.example/terms")
    del painted["content"]
    await deliver(client, services, bob, "Create", painted)
    await deliver(client, services, carol, "Create", note(carol, "<p>not for ana</p>"))
    own = await publish(services, "ana", "My own heron.")

    response = await _statuses(client, "/api/v1/timelines/home", headers=await bearer(ana))
    mine, theirs = response.json()
    assert mine["id"] == str(own.id) and "My own heron." in mine["content"]
    assert theirs["uri"] == painted["id"] and theirs["content"] == "<p>Une <b>aquarelle</b></p>"
    assert (theirs["visibility"], theirs["language"], theirs["sensitive"], theirs["spoiler_text"]) == (
        "public", "fr", True, "nu")
    assert theirs["account"]["acct"] == "bob@remote.example"
    [image] = theirs["media_attachments"]
    assert (image["url"], image["description"], image["blurhash"]) == (
        "https://remote.example/m/1.png", "A heron in watercolour", "LEHV6nWB2yk8")
    assert image["meta"]["original"]["width"] == 1200 and image["meta"]["focus"] == {"x": 0.25, "y": -0.5}
    assert [t["name"] for t in theirs["tags"]] == ["Watercolour"]
    assert [m["acct"] for m in theirs["mentions"]] == ["zoe"]
    # The licence terms it came with are kept as sent, for the licence parser to read.
    assert theirs["licence"] == {"license": "https://creativecommons.org/licenses/by-nc/4.0/",
                                 "usageInfo": "https://remote.example/terms"}
    # carol's note was not stored at all: it concerns nobody here.
    async with services.sessions() as session:
        kept = (await session.exec(select(RemotePost.uri))).all()
        assert kept == [painted["id"]]
        assert len((await session.exec(select(Mention))).all()) == 1  # zoe, mentioned
    # zoe follows nobody: her home has nothing of bob's.
    assert (await _statuses(client, "/api/v1/timelines/home", headers=await bearer(zoe))).json() == []
    assert (await client.get("/api/v1/timelines/home")).status_code == 401


async def test_updates_edit_and_deletes_remove_what_home_shows(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    first = note(bob, "<p>first draft</p>")
    await deliver(client, services, bob, "Create", first)
    await deliver(client, services, bob, "Update", {**first, "content": "<p>final</p>", "tag": [
        {"type": "Hashtag", "name": "#ink"}], "updated": "2026-03-02T12:00:00Z"})
    headers = await bearer(ana)
    [shown] = (await _statuses(client, "/api/v1/timelines/home", headers=headers)).json()
    assert shown["content"] == "<p>final</p>" and shown["tags"][0]["name"] == "ink" and shown["edited_at"]
    await deliver(client, services, bob, "Delete", {"id": first["id"], "type": "Tombstone"})
    assert (await _statuses(client, "/api/v1/timelines/home", headers=headers)).json() == []


async def test_an_edit_that_overtakes_its_create_shows_the_edited_post_once(client, network, services, make_artist,
                                                                          bearer):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    first = note(bob, "<p>first draft</p>")
    await deliver(client, services, bob, "Update", {**first, "content": "<p>final</p>", "updated": "2026-03-02T12:00:00Z"})
    await deliver(client, services, bob, "Create", first)
    [shown] = (await _statuses(client, "/api/v1/timelines/home", headers=await bearer(ana))).json()
    assert shown["content"] == "<p>final</p>"
    stranger = network.add_actor("stranger", host="elsewhere.example")
    await deliver(client, services, stranger, "Update", note(stranger, "<p>nobody follows me</p>"))
    async with services.sessions() as session:
        assert len((await session.exec(select(RemotePost))).all()) == 1


async def test_a_boost_by_a_followed_actor_shows_as_a_wrapper_until_undone(client, network, services, make_artist,
                                                                          bearer):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    carol = network.add_actor("carol", host="other.example")
    original = network.add_document({"@context": "https://www.w3.org/ns/activitystreams",
                                     **note(carol, "<p>carol's sketch</p>")})
    # The booster's embedded copy is not trusted: the note is fetched from carol's server.
    boost = await deliver(client, services, bob, "Announce", {**original, "content": "<p>forged</p>"},
                          to=[PUBLIC])
    headers = await bearer(ana)
    [wrapper] = (await _statuses(client, "/api/v1/timelines/home", headers=headers)).json()
    assert wrapper["reblog"]["uri"] == original["id"] and wrapper["reblog"]["content"] == "<p>carol's sketch</p>"
    assert wrapper["account"]["acct"] == "bob@remote.example"
    assert wrapper["reblog"]["account"]["acct"] == "carol@other.example"
    assert wrapper["content"] == "" and wrapper["id"] != wrapper["reblog"]["id"]
    await deliver(client, services, bob, "Undo", {"id": boost["id"], "type": "Announce", "actor": bob.uri,
                                                  "object": original["id"]})
    assert (await _statuses(client, "/api/v1/timelines/home", headers=headers)).json() == []


async def test_boosts_of_private_posts_or_by_strangers_are_not_kept(client, network, services, make_artist):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    stranger = network.add_actor("stranger")
    carol = network.add_actor("carol", host="other.example")
    followers_only = network.add_document(note(carol, to=[carol.uri + "/followers"], cc=[]))
    public = network.add_document(note(carol))
    await deliver(client, services, bob, "Announce", followers_only["id"])
    await deliver(client, services, stranger, "Announce", public["id"])
    async with services.sessions() as session:
        assert (await session.exec(select(Interaction))).all() == []


async def test_a_followers_only_post_is_seen_by_followers_only(client, network, services, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    bob, bob_row = await follow_remote(services, network, ana, "bob")
    await follow_remote(services, network, zoe, "dan")  # zoe follows someone, so a remote note reaches her too
    private = note(bob, "<p>for my followers</p>", to=[bob.uri + "/followers"], cc=[])
    await deliver(client, services, bob, "Create", private)
    as_ana, as_zoe = await bearer(ana), await bearer(zoe)
    [seen] = (await _statuses(client, "/api/v1/timelines/home", headers=as_ana)).json()
    assert seen["visibility"] == "private"
    path = f"/api/v1/accounts/{bob_row.id}/statuses"
    assert [s["uri"] for s in (await _statuses(client, path, headers=as_ana)).json()] == [private["id"]]
    assert (await _statuses(client, path, headers=as_zoe)).json() == []
    assert (await _statuses(client, path)).json() == []
    assert (await _statuses(client, "/api/v1/timelines/public", headers=as_ana)).json() == []


async def test_muted_and_blocked_actors_leave_home(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    bob, bob_row = await follow_remote(services, network, ana, "bob")
    await deliver(client, services, bob, "Create", note(bob))
    headers = await bearer(ana)
    assert len((await _statuses(client, "/api/v1/timelines/home", headers=headers)).json()) == 1
    async with services.sessions() as session:
        session.add(ActorRestriction(account_id=ana.id, actor_id=bob_row.id, kind="mute"))
        await session.commit()
    assert (await _statuses(client, "/api/v1/timelines/home", headers=headers)).json() == []
    assert (await _statuses(client, "/api/v1/timelines/public", headers=headers)).json() == []
    assert len((await _statuses(client, "/api/v1/timelines/public")).json()) == 1  # others still see it


async def test_home_pages_by_id_in_every_direction(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    ids = [p.id for p in await add_posts(services, ana, 6)]  # oldest first
    headers = await bearer(ana)

    async def page(**params):
        response = await _statuses(client, "/api/v1/timelines/home", headers=headers, **params)
        return [int(s["id"]) for s in response.json()], response.headers.get("link")

    first, link = await page(limit=2)
    assert first == [ids[5], ids[4]]
    links = {part.split("; ")[1]: part.split("; ")[0].strip("<>") for part in link.split(", ")}
    assert {'rel="next"', 'rel="prev"'} <= set(links)  # beside the licence's rel="license" links
    next_url = urlparse(links['rel="next"'])
    assert next_url.scheme == "https" and next_url.netloc == "art.example"
    assert parse_qs(next_url.query) == {"limit": ["2"], "max_id": [str(ids[4])]}
    assert parse_qs(urlparse(links['rel="prev"']).query)["min_id"] == [str(ids[5])]
    assert (await page(limit=2, max_id=ids[4]))[0] == [ids[3], ids[2]]
    assert (await page(limit=2, since_id=ids[1]))[0] == [ids[5], ids[4]]  # the newest above since_id
    assert (await page(limit=2, min_id=ids[1]))[0] == [ids[3], ids[2]]  # just above min_id, newest first
    assert (await page(max_id=ids[5], since_id=ids[2]))[0] == [ids[4], ids[3]]  # Tusky's gap filling
    empty, empty_link = await page(since_id=ids[5])
    assert empty == [] and 'rel="next"' not in empty_link and 'rel="prev"' not in empty_link


async def test_limit_is_clamped_not_refused(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    await add_posts(services, ana, 45)
    headers = await bearer(ana)
    response = await _statuses(client, "/api/v1/timelines/home", headers=headers, limit=1000)
    assert len(response.json()) == 40
    response = await _statuses(client, "/api/v1/timelines/home", headers=headers, limit="lots")
    assert len(response.json()) == 20


async def test_public_and_tag_timelines_choose_local_remote_and_media(client, network, services, make_artist):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    local = await publish(services, "ana", "Ink #inktober")
    [quiet] = await add_posts(services, ana, 1, visibility="unlisted")
    remote = note(bob, "<p>#inktober too</p>", tag=[{"type": "Hashtag", "name": "#InkTober"}],
                  attachment=[{"type": "Image", "url": "https://remote.example/i.png", "mediaType": "image/png"}])
    await deliver(client, services, bob, "Create", remote)
    await deliver(client, services, bob, "Create", note(bob, "<p>unlisted</p>", to=[bob.uri + "/followers"],
                                                        cc=[PUBLIC]))

    async def uris(path, **params):
        return [s["uri"] for s in (await _statuses(client, path, **params)).json()]

    local_uri = f"https://art.example/users/ana/statuses/{local.id}"
    assert await uris("/api/v1/timelines/public") == [remote["id"], local_uri]  # no token needed
    assert await uris("/api/v1/timelines/public", local="true") == [local_uri]
    assert await uris("/api/v1/timelines/public", remote="1") == [remote["id"]]
    assert await uris("/api/v1/timelines/public", only_media="true") == [remote["id"]]
    assert await uris("/api/v1/timelines/tag/inktober") == [remote["id"], local_uri]
    assert await uris("/api/v1/timelines/tag/InkTober", local="true") == [local_uri]
    assert await uris("/api/v1/timelines/tag/ink") == []  # a whole tag, not a prefix
    assert str(quiet.id) not in str(await uris("/api/v1/timelines/public"))


async def test_an_artists_statuses_filter_as_mastodons_do(client, network, services, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    await follow_remote(services, network, ana, "bob")
    plain = await publish(services, "ana", "Plain words #studies")
    [reply] = await add_posts(services, ana, 1, in_reply_to="https://remote.example/users/bob/statuses/1")
    [pinned] = await add_posts(services, ana, 1)
    [with_media] = await add_posts(services, ana, 1)
    async with services.sessions() as session:
        from fediart.store.actors import local_actor

        ana_actor = await local_actor(session, services.urls, ana)
        zoe_actor = await local_actor(session, services.urls, zoe)
        row = await session.get(type(pinned), pinned.id)
        from fediart.store.tables import utcnow

        row.pinned_at = utcnow()
        session.add(row)
        session.add(Media(account_id=ana.id, post_id=with_media.id, file="ana/x.png", thumbnail_file="ana/x_t.png",
                          media_type="image/png", thumbnail_media_type="image/png", width=10, height=10))
        boost = Interaction(kind="boost", activity_uri="https://art.example/boosts/1", post_id=plain.id,
                            actor_id=zoe_actor.id)
        session.add(boost)
        await session.commit()
        ana_id, zoe_id = ana_actor.id, zoe_actor.id

    async def ids(actor_id, **params):
        return [int(s["id"]) for s in (await _statuses(client, f"/api/v1/accounts/{actor_id}/statuses",
                                                       **params)).json()]

    assert await ids(ana_id) == [with_media.id, pinned.id, reply.id, plain.id]
    assert await ids(ana_id, only_media="true") == [with_media.id]
    assert await ids(ana_id, exclude_replies="true") == [with_media.id, pinned.id, plain.id]
    assert await ids(ana_id, pinned="true") == [pinned.id]
    assert await ids(ana_id, tagged="studies") == [plain.id]
    assert await ids(zoe_id) == [boost.id]
    assert await ids(zoe_id, exclude_reblogs="true") == []
    assert (await client.get("/api/v1/accounts/123/statuses")).status_code == 404
    assert (await client.get("/api/v1/accounts/abc/statuses")).json() == {"error": "Record not found"}


async def test_posts_remote_posts_and_boosts_share_one_id_order(client, network, services, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    await make_artist("max")
    bob, _ = await follow_remote(services, network, ana, "bob")
    async with services.sessions() as session:
        from fediart.store.actors import local_actor
        from fediart.store.tables import Following

        zoe_actor = await local_actor(session, services.urls, zoe)
        session.add(Following(account_id=ana.id, actor_id=zoe_actor.id, state="accepted",
                              follow_uri="https://art.example/follows/ana-zoe"))
        await session.commit()
    carol = network.add_actor("carol", host="other.example")
    boosted = network.add_document(note(carol, "<p>carol</p>"))
    own = await publish(services, "ana", "one")
    remote = note(bob, "<p>two</p>")
    await deliver(client, services, bob, "Create", remote)
    zoes = await publish(services, "zoe", "three")
    await publish(services, "max", "nobody here follows max")
    await deliver(client, services, bob, "Announce", boosted["id"])
    headers = await bearer(ana)

    seen, max_id = [], None
    while True:
        params = {"limit": 1, **({"max_id": max_id} if max_id else {})}
        page = (await _statuses(client, "/api/v1/timelines/home", headers=headers, **params)).json()
        if not page:
            break
        seen.append((page[0]["reblog"] or page[0])["uri"])
        max_id = page[0]["id"]
    assert seen == [boosted["id"], f"https://art.example/users/zoe/statuses/{zoes.id}", remote["id"],
                    f"https://art.example/users/ana/statuses/{own.id}"]


async def test_direct_notes_are_kept_only_for_whom_they_name(client, network, services, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    bob, _ = await follow_remote(services, network, ana, "bob")
    await follow_remote(services, network, zoe, "bob")
    await deliver(client, services, bob, "Create", note(bob, to=["https://remote.example/users/carol"], cc=[]))
    async with services.sessions() as session:
        assert (await session.exec(select(RemotePost))).all() == []  # a message to others: not kept
    to_ana = note(bob, "<p>psst</p>", to=["https://art.example/users/ana"], cc=[])
    await deliver(client, services, bob, "Create", to_ana)
    as_ana, as_zoe = await bearer(ana), await bearer(zoe)
    [seen] = (await _statuses(client, "/api/v1/timelines/home", headers=as_ana)).json()
    assert seen["visibility"] == "direct"
    assert (await _statuses(client, "/api/v1/timelines/home", headers=as_zoe)).json() == []
    # An edit that names zoe too lets her read it (Mention rows follow the edit).
    await deliver(client, services, bob, "Update", {**to_ana, "to": [*to_ana["to"], "https://art.example/users/zoe"]})
    assert len((await _statuses(client, "/api/v1/timelines/home", headers=as_zoe)).json()) == 1


async def test_a_note_kept_under_a_hashed_id_has_no_url(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    _, bob_row = await follow_remote(services, network, ana, "bob")
    async with services.sessions() as session:
        session.add(RemotePost(uri="urn:sha256:" + "0" * 64, actor_id=bob_row.id, content="<p>long id</p>"))
        await session.commit()
    [shown] = (await _statuses(client, "/api/v1/timelines/home", headers=await bearer(ana))).json()
    assert shown["url"] is None and shown["uri"].startswith("urn:sha256:")

"""GET /api/v2/search: accounts by name or handle, posts by URL, and resolving what is not known yet."""

from inbox.activities import note
from posting import add_remote, publish
from sqlmodel import select
from strict import assert_account, assert_status

from fediart.store.tables import Actor, RemotePost, Tombstone

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def test_resolve_finds_a_remote_handle_by_webfinger_and_stores_the_actor(client, services, network,
                                                                                make_artist, bearer):
    ana = await make_artist("ana")
    carol = network.add_actor("carol")
    headers = await bearer(ana)
    unresolved = await client.get("/api/v2/search", params={"q": "@carol@remote.example"}, headers=headers)
    assert unresolved.json() == {"accounts": [], "statuses": [], "hashtags": []}
    response = await client.get("/api/v2/search", params={"q": "@carol@remote.example", "resolve": "true"},
                                headers=headers)
    assert response.status_code == 200
    [found] = response.json()["accounts"]
    assert_account(found)
    assert found["acct"] == "carol@remote.example"
    async with services.sessions() as session:
        stored = (await session.exec(select(Actor).where(Actor.uri == carol.uri))).one()
    assert found["id"] == str(stored.id)
    # Known now: found again without resolving, and by lookup.
    again = await client.get("/api/v2/search", params={"q": "carol@remote.example", "type": "accounts"},
                             headers=headers)
    assert [a["id"] for a in again.json()["accounts"]] == [found["id"]]
    missing = await client.get("/api/v2/search", params={"q": "@nobody@remote.example", "resolve": "1"},
                               headers=headers)
    assert missing.status_code == 200 and missing.json()["accounts"] == []


async def test_resolving_needs_a_signed_in_user(client, network, make_artist):
    await make_artist("ana")
    network.add_actor("carol")
    gets = len(network.gets)
    refused = await client.get("/api/v2/search", params={"q": "@carol@remote.example", "resolve": "true"})
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json; charset=utf-8"
    assert "authentication" in refused.json()["error"]
    assert len(network.gets) == gets
    anonymous = await client.get("/api/v2/search", params={"q": "an"})
    assert [a["acct"] for a in anonymous.json()["accounts"]] == ["ana"]
    paged = await client.get("/api/v2/search", params={"q": "an", "offset": "5"})
    assert paged.status_code == 401
    bad_type = await client.get("/api/v2/search", params={"q": "an", "type": "everything"})
    assert bad_type.status_code == 422


async def test_resolve_stores_a_public_remote_post_by_url(client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    post = network.add_document(note(bob, "<p>Heron <script>x</script>at dawn</p>", url=f"{bob.uri}/p/1",
                                     sensitive=True,
                                     attachment=[{"type": "Image", "mediaType": "image/jpeg", "name": "a heron",
                                                  "url": "https://remote.example/media/1.jpg",
                                                  "width": 800, "height": 600}]))
    headers = await bearer(ana)
    unknown = await client.get("/api/v2/search", params={"q": post["id"]}, headers=headers)
    assert unknown.json()["statuses"] == []
    response = await client.get("/api/v2/search", params={"q": post["id"], "resolve": "true"}, headers=headers)
    [status] = response.json()["statuses"]
    assert_status(status)
    assert status["uri"] == post["id"] and "<script>" not in status["content"] and "Heron" in status["content"]
    assert status["sensitive"] is True and status["visibility"] == "public"
    assert status["media_attachments"][0]["description"] == "a heron"
    [row] = await _remote_posts(services)
    assert str(row.id) == status["id"]
    again = await client.get("/api/v2/search", params={"q": post["id"], "resolve": "true"}, headers=headers)
    assert again.json()["statuses"][0]["id"] == status["id"] and len(await _remote_posts(services)) == 1


async def test_private_or_misattributed_posts_are_not_stored(client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    network.add_actor("mallory", host="evil.example")
    private = network.add_document(note(bob, to=[f"{bob.uri}/followers"]))
    forged = network.add_document(note(bob, attributedTo="https://evil.example/users/mallory"))
    headers = await bearer(ana)
    for doc in (private, forged):
        response = await client.get("/api/v2/search", params={"q": doc["id"], "resolve": "true"}, headers=headers)
        assert response.status_code == 200 and response.json()["statuses"] == []
    assert await _remote_posts(services) == []


async def test_local_post_urls_and_profile_urls_are_found_without_fetching(client, services, network,
                                                                           make_artist, bearer):
    ana = await make_artist("ana")
    post = await publish(services, "ana", "Blue heron.")
    headers = await bearer(ana)
    gets = len(network.gets)
    for url in (services.urls.status(ana.username, post.id), services.urls.status_page(ana.username, post.id)):
        response = await client.get("/api/v2/search", params={"q": url, "resolve": "true"}, headers=headers)
        assert [s["id"] for s in response.json()["statuses"]] == [str(post.id)], url
    profile = await client.get("/api/v2/search", params={"q": services.urls.profile("ana"), "resolve": "true"},
                               headers=headers)
    assert [a["acct"] for a in profile.json()["accounts"]] == ["ana"]
    assert len(network.gets) == gets


async def _remote_posts(services):
    async with services.sessions() as session:
        return list((await session.exec(select(RemotePost))).all())


async def test_search_shows_no_post_the_viewer_may_not_see(client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    await make_artist("bea")
    bob = await add_remote(services, network, "bob")
    post = await publish(services, "ana", "Just for followers.", visibility="followers")
    async with services.sessions() as session:
        actor = (await session.exec(select(Actor).where(Actor.uri == bob.uri))).one()
        session.add(RemotePost(uri=f"{bob.uri}/statuses/9", actor_id=actor.id, content="<p>hi</p>",
                               visibility="followers"))
        session.add(Tombstone(uri=f"{bob.uri}/statuses/10"))
        await session.commit()
    network.add_document(note(bob, id=f"{bob.uri}/statuses/10"))  # deleted before: never stored again
    headers = await bearer(ana)
    for url in (services.urls.status("ana", post.id), f"{bob.uri}/statuses/9"):
        anonymous = await client.get("/api/v2/search", params={"q": url})
        assert anonymous.json()["statuses"] == [], url
    assert [s["id"] for s in (await client.get("/api/v2/search", params={"q": services.urls.status("ana", post.id)},
                                               headers=headers)).json()["statuses"]] == [str(post.id)]
    # A post page under another artist's name is not that post.
    wrong_page = services.urls.status_page("bea", post.id)
    assert (await client.get("/api/v2/search", params={"q": wrong_page}, headers=headers)).json()["statuses"] == []
    gone = await client.get("/api/v2/search", params={"q": f"{bob.uri}/statuses/10", "resolve": "true"},
                            headers=headers)
    assert gone.json()["statuses"] == [] and len(await _remote_posts(services)) == 1


async def test_a_nul_in_the_query_is_refused_plainly_not_a_server_error(client, make_artist, bearer):
    # Found by schemathesis on PostgreSQL, which cannot compare text holding a NUL.
    headers = await bearer(await make_artist("ana"))
    response = await client.get("/api/v2/search", params={"q": "ana\x00"}, headers=headers)
    assert response.status_code == 422
    assert "NUL" in response.json()["error"]

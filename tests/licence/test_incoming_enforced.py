"""Remote posts keep their licence signals, and posts that refuse indexing stay out of public feeds.

Delivered through the inbox as a remote server would; read back through the client API."""

from __future__ import annotations

from api.timeline_world import deliver, follow_remote, note

from fediart.store.tables import Actor, RemotePost
from sqlmodel import select


async def _uris(client, path, headers=None):
    response = await client.get(path, headers=headers or {})
    assert response.status_code == 200, response.text
    return {s["uri"] for s in response.json()}


async def test_posts_that_refuse_indexing_stay_out_of_public_feeds(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    network.add_actor("bob", extra={"indexable": True})
    network.add_actor("kim", extra={"indexable": False})  # Mastodon's default: posts not indexable
    bob, _ = await follow_remote(services, network, ana, "bob")
    kim, _ = await follow_remote(services, network, ana, "kim")
    plain = note(bob, "<p>open #ink</p>", tag=[{"type": "Hashtag", "name": "#ink"}])
    noindex = note(bob, "<p>quiet #ink</p>", tag=[{"type": "Hashtag", "name": "#ink"}], xRobotsTag="noindex")
    only_me = note(bob, "<p>mine</p>", searchableBy=[bob.uri])
    from_kim = note(kim, "<p>kim's</p>")
    for item in (plain, noindex, only_me):
        await deliver(client, services, bob, "Create", item)
    await deliver(client, services, kim, "Create", from_kim)

    assert await _uris(client, "/api/v1/timelines/public") == {plain["id"]}
    assert await _uris(client, "/api/v1/timelines/tag/ink") == {plain["id"]}
    # The home timeline is the artist's own view, not a public feed: everything followed is there.
    home = await _uris(client, "/api/v1/timelines/home", await bearer(ana))
    assert home == {plain["id"], noindex["id"], only_me["id"], from_kim["id"]}

    async with services.sessions() as session:
        rows = {p.uri: p for p in (await session.exec(select(RemotePost))).all()}
        kim_row = (await session.exec(select(Actor).where(Actor.uri == kim.uri))).one()
    # The terms are kept as sent, with the parsed signals; the actor's signals are stored and inherited.
    assert rows[noindex["id"]].licence["raw"] == {"xRobotsTag": "noindex"}
    assert rows[noindex["id"]].licence["signals"]["search"] == "denied"
    assert rows[plain["id"]].licence["signals"]["search"] == "allowed"  # from bob's indexable: true
    assert kim_row.licence["raw"] == {"indexable": False} and kim_row.licence["signals"]["search"] == "denied"
    assert rows[from_kim["id"]].licence["signals"]["search"] == "denied"


async def test_accounts_that_refuse_search_are_not_found_by_name(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    network.add_actor("kimo", extra={"indexable": False, "name": "Kimo"})
    network.add_actor("kira", extra={"name": "Kira"})  # says nothing: found by name
    for fake in network.actors.values():
        await services.remote_actors.by_uri(fake.uri)
    headers = await bearer(ana)

    async def accounts(q):
        response = await client.get("/api/v2/search", params={"q": q, "type": "accounts"}, headers=headers)
        assert response.status_code == 200, response.text
        return [a["acct"] for a in response.json()["accounts"]]

    assert await accounts("ki") == ["kira@remote.example"]
    assert await accounts("kimo@remote.example") == ["kimo@remote.example"]  # an exact handle is a lookup


async def test_one_remote_post_is_served_with_its_own_terms(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    open_note = note(bob, "<p>free</p>", license="https://creativecommons.org/licenses/by/4.0/",
                     tdmReservation=0, contentUsage="train-ai=y", searchableBy=["as:Public"])
    await deliver(client, services, bob, "Create", open_note)
    headers = await bearer(ana)
    [status] = (await client.get("/api/v1/timelines/home", headers=headers)).json()
    response = await client.get(f"/api/v1/statuses/{status['id']}", headers=headers)
    assert response.status_code == 200
    assert response.headers["tdm-reservation"] == "0"
    assert response.headers["content-usage"] == "train-ai=y"
    assert response.headers["x-robots-tag"] == "all"
    assert response.headers["link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert response.json()["licence"]["license"] == "https://creativecommons.org/licenses/by/4.0/"

    quiet = note(bob, "<p>quiet</p>")  # says nothing: served reserved, not indexable
    await deliver(client, services, bob, "Create", quiet)
    statuses = (await client.get("/api/v1/timelines/home", headers=headers)).json()
    quiet_id = next(s["id"] for s in statuses if s["uri"] == quiet["id"])
    response = await client.get(f"/api/v1/statuses/{quiet_id}", headers=headers)
    assert response.headers["tdm-reservation"] == "1"
    assert response.headers["x-robots-tag"] == "noai, noimageai, noarchive, noindex"
    assert "link" not in response.headers or "rel=\"license\"" not in response.headers["link"]

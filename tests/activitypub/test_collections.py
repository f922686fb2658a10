"""Outbox, followers, following, featured and featured tags: counts, pages, cursors, licence on each."""

from __future__ import annotations

from fakes import signed_get
from helpers import AP_ACCEPT, assert_licence_headers
from posting import add_remote, delete, publish
from sqlmodel import select

from fediart.store.tables import Following, Actor

ACTOR = "https://art.example/users/ana"
OUTBOX = ACTOR + "/outbox"
POLICY = "https://art.example/@ana/tdm-policy.json"


async def get(client, network, url: str) -> dict:
    response = await signed_get(client, network.fetcher(), url.removeprefix("https://art.example"), AP_ACCEPT)
    assert response.status_code == 200, url
    assert response.headers["content-type"] == "application/activity+json"
    assert_licence_headers(response, policy=POLICY)
    doc = response.json()
    assert doc["tdmReservation"] == 1 and doc["copyrightNotice"] and doc["searchableBy"] == [ACTOR]
    return doc


def note_ids(page: dict) -> list[int]:
    return [int(item["object"]["id"].rsplit("/", 1)[1]) for item in page["orderedItems"]]


async def test_outbox_counts_public_posts_and_walks_pages_newest_first(client, services, network, make_artist):
    ana = await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    await add_remote(services, network, "dan", host="other.example", follows=ana)
    posts = [await publish(services, text=f"work {n}") for n in range(45)]
    await publish(services, text="followers only", visibility="followers")
    await publish(services, text="@dan@other.example hi", visibility="direct")
    quiet = await publish(services, text="unlisted", visibility="unlisted")
    await delete(services, posts[10].id)
    listed = sorted([p.id for p in posts if p.id != posts[10].id] + [quiet.id], reverse=True)

    outbox = await get(client, network, OUTBOX)
    assert outbox["type"] == "OrderedCollection" and outbox["id"] == OUTBOX
    assert outbox["totalItems"] == 45 == len(listed)
    assert outbox["first"] == OUTBOX + "?page=true" and outbox["last"] == OUTBOX + "?min_id=0&page=true"

    first = await get(client, network, outbox["first"])
    assert first["type"] == "OrderedCollectionPage" and first["partOf"] == OUTBOX and "prev" not in first
    assert note_ids(first) == listed[:20]
    second = await get(client, network, first["next"])
    assert second["id"] == first["next"] == f"{OUTBOX}?max_id={listed[19]}&page=true"
    assert note_ids(second) == listed[20:40]
    third = await get(client, network, second["next"])
    assert note_ids(third) == listed[40:] and "next" not in third
    back = await get(client, network, second["prev"])
    assert note_ids(back) == listed[:20] and "prev" not in back
    last = await get(client, network, outbox["last"])
    assert note_ids(last) == listed[-20:] and "next" not in last

    item = first["orderedItems"][1]  # [0] is the unlisted post
    assert item["type"] == "Create" and item["actor"] == ACTOR and "@context" not in item
    assert item["license"] == item["object"]["license"] == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert item["object"]["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert "followers only" not in str(first) and " hi" not in str(first)


async def test_outbox_page_ignores_junk_cursors(client, services, make_artist, network):
    await make_artist("ana")
    await publish(services, text="one")
    page = await get(client, network, OUTBOX + "?page=true&max_id=abc&junk=1")
    assert len(page["orderedItems"]) == 1
    empty = await get(client, network, OUTBOX + "?page=true&max_id=1")
    assert empty["orderedItems"] == [] and "next" not in empty and "prev" not in empty


async def test_followers_and_following_give_counts_and_pages(client, services, network, make_artist):
    ana = await make_artist("ana")
    for n in range(23):
        await add_remote(services, network, f"fan{n}", follows=ana)
    await add_remote(services, network, "waiting", follows=ana, state="pending")
    idol = await add_remote(services, network, "idol", host="other.example")
    async with services.sessions() as session:
        row = (await session.exec(select(Actor).where(Actor.uri == idol.uri))).one()
        session.add(Following(account_id=ana.id, actor_id=row.id, follow_uri=ACTOR + "#follows/1", state="accepted"))
        await session.commit()

    followers = await get(client, network, ACTOR + "/followers")
    assert followers["type"] == "OrderedCollection" and followers["totalItems"] == 23
    page = await get(client, network, followers["first"])
    assert page["type"] == "OrderedCollectionPage" and page["partOf"] == ACTOR + "/followers"
    assert page["orderedItems"][0] == "https://remote.example/users/fan22" and len(page["orderedItems"]) == 20
    rest = await get(client, network, page["next"])
    assert len(rest["orderedItems"]) == 3 and "next" not in rest and rest["prev"] == followers["first"]
    assert "waiting" not in str(page) + str(rest)

    following = await get(client, network, ACTOR + "/following")
    assert following["totalItems"] == 1
    assert (await get(client, network, following["first"]))["orderedItems"] == [idol.uri]


async def test_featured_and_featured_tags_are_empty_but_licensed(client, make_artist, network):
    await make_artist("ana")
    featured = await get(client, network, ACTOR + "/collections/featured")
    assert featured["type"] == "OrderedCollection" and featured["orderedItems"] == [] and featured["totalItems"] == 0
    tags = await get(client, network, ACTOR + "/collections/tags")
    assert tags["type"] == "Collection" and tags["items"] == []


async def test_collections_of_unknown_accounts_are_404(client, make_artist, network):
    for path in ("/users/nobody/outbox", "/users/nobody/followers", "/users/Bad!/following",
                 "/users/nobody/collections/featured"):
        assert (await signed_get(client, network.fetcher(), path, AP_ACCEPT)).status_code == 404, path


async def test_outbox_sees_a_new_post_at_once(client, services, make_artist, network):
    await make_artist("ana")
    assert (await get(client, network, OUTBOX))["totalItems"] == 0
    await publish(services, text="new")
    assert (await get(client, network, OUTBOX))["totalItems"] == 1

"""An album as ActivityPub: a signed fetch gets the OrderedCollection of its Note ids in the artist's order,
with the licence terms (they expand to full IRIs) and headers; unsigned fetches are 401 under authorized
fetch; followers-only posts are never listed; a deleted post drops out; past 100 items it pages."""

from __future__ import annotations

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers
from posting import delete, publish
from sqlmodel import select
from web.works_support import add_work  # the web tests' posts written straight into the store

from fediart.actions.albums import add_to_album, create_album, move_in_album, update_album
from fediart.activitypub.jsonld import expand
from fediart.store.album_tables import AlbumItem
from fediart.store.tables import Account

ACTOR = "https://art.example/users/ana"
POLICY = "https://art.example/@ana/tdm-policy.json"
REFUSED = {"error": "request must be signed by a server that may fetch this"}
CC = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


def note(post_id: int) -> str:
    return f"{ACTOR}/statuses/{post_id}"


async def fetch(client, network, path: str, status: int = 200) -> dict:
    response = await signed_get(client, network.fetcher(), path.removeprefix("https://art.example"), AP_ACCEPT)
    assert response.status_code == status, (path, response.text)
    assert response.headers["content-type"] == "application/activity+json"
    assert_licence_headers(response, policy=POLICY)
    return response.json()


async def _ana(services, make_artist) -> Account:
    return await make_artist("ana", licence_key="cc-by-nc-nd-4.0")


async def test_a_signed_fetch_gets_the_ordered_collection_with_the_licence(client, services, network, make_artist):
    ana = await _ana(services, make_artist)
    first = await publish(services, text="First heron")
    quiet = await publish(services, text="Unlisted heron", visibility="unlisted")
    own_licence = await publish(services, text="Free heron", licence_key="cc-by-4.0")
    album = await create_album(services, ana, "Herons 2026", "Grey <birds>\nby the river")
    await add_to_album(services, ana, album.id, [quiet.id, first.id, own_licence.id])
    await move_in_album(services, ana, album.id, own_licence.id, position=1)
    path = f"/users/ana/albums/{album.id}"

    doc = await fetch(client, network, path)
    assert doc["type"] == "OrderedCollection" and doc["id"] == f"https://art.example{path}"
    assert doc["name"] == "Herons 2026" and doc["attributedTo"] == ACTOR
    assert doc["summary"] == "<p>Grey &lt;birds&gt;<br>by the river</p>"
    assert doc["url"] == f"https://art.example/@ana/albums/{album.id}"
    assert doc["totalItems"] == 3
    # The outbox lists unlisted posts, so the album does too; in the artist's order.
    assert doc["orderedItems"] == [note(own_licence.id), note(quiet.id), note(first.id)]
    assert doc["published"].endswith("Z") and doc["updated"].endswith("Z")
    assert doc["license"] == CC and doc["tdmReservation"] == 1 and doc["contentUsage"] == "train-ai=n, search=n"
    assert doc["usageInfo"] and doc["copyrightNotice"] and doc["creditText"] and doc["tdmPolicy"] == POLICY
    assert doc["searchableBy"] == [ACTOR]
    expanded = expand(doc)[0]
    assert not [key for key in expanded if key.startswith("_:")]
    for iri in ("http://purl.org/dc/terms/license", "http://schema.org/usageInfo", "http://schema.org/copyrightNotice",
                "http://www.w3.org/ns/tdmrep#reservation", "http://www.w3.org/ns/tdmrep#policy",
                "https://w3id.org/fediart/ns#contentUsage"):
        assert expanded.get(iri), iri
    # The page address answers servers the same document.
    assert (await fetch(client, network, f"/@ana/albums/{album.id}")) == doc


async def test_unsigned_fetches_are_401_and_browsers_get_the_page(client, services, make_artist):
    ana = await _ana(services, make_artist)
    post = await publish(services, text="Heron")
    album = await create_album(services, ana, "Herons")
    await add_to_album(services, ana, album.id, [post.id])
    for path in (f"/users/ana/albums/{album.id}", f"/@ana/albums/{album.id}", f"/users/ana/albums/{album.id}?page=1"):
        response = await client.get(path, headers={"Accept": AP_ACCEPT})
        assert response.status_code == 401, path
        assert response.json() == REFUSED
        assert_licence_headers(response)
    page = await client.get(f"/users/ana/albums/{album.id}", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and "<h1>Herons</h1>" in page.text


async def test_followers_only_posts_are_never_listed_and_deleted_ones_drop_out(client, services, network,
                                                                              make_artist):
    ana = await _ana(services, make_artist)
    kept = await publish(services, text="Kept heron")
    doomed = await publish(services, text="Doomed heron")
    secret = await publish(services, text="For followers", visibility="followers")
    album = await create_album(services, ana, "Herons")
    await add_to_album(services, ana, album.id, [kept.id, doomed.id])
    async with services.sessions() as session:
        session.add(AlbumItem(album_id=album.id, post_id=secret.id, position=0))  # no action lets this in
        await session.commit()
    path = f"/users/ana/albums/{album.id}"
    before = await fetch(client, network, path)
    assert before["orderedItems"] == [note(kept.id), note(doomed.id)] and before["totalItems"] == 2

    await delete(services, doomed.id)  # the cached document is dropped with the artist's others
    after = await fetch(client, network, path)
    assert after["orderedItems"] == [note(kept.id)] and after["totalItems"] == 1
    assert str(secret.id) not in str(after) and str(doomed.id) not in str(after)


async def test_changes_show_at_once_and_unknown_albums_are_404(client, services, network, make_artist):
    ana = await _ana(services, make_artist)
    bea = await make_artist("bea")
    album = await create_album(services, ana, "Herons")
    path = f"/users/ana/albums/{album.id}"
    assert (await fetch(client, network, path))["orderedItems"] == []
    await update_album(services, ana, album.id, title="Egrets")
    assert (await fetch(client, network, path))["name"] == "Egrets"
    peer = network.fetcher()
    for wrong in (f"/users/bea/albums/{album.id}", f"/users/ana/albums/{album.id + 1}",
                  f"/users/nobody/albums/{album.id}"):
        response = await signed_get(client, peer, wrong, AP_ACCEPT)
        assert response.status_code == 404 and response.json() == {"error": "no such album here"}, wrong
    _ = bea


async def test_more_than_100_items_page_with_first_and_next(client, services, network, make_artist):
    ana = await _ana(services, make_artist)
    posts = [await add_work(services, ana, source=f"Heron {n}") for n in range(105)]
    album = await create_album(services, ana, "Many")
    await add_to_album(services, ana, album.id, [p.id for p in posts])
    collection = f"https://art.example/users/ana/albums/{album.id}"
    doc = await fetch(client, network, collection)
    assert doc["totalItems"] == 105 and "orderedItems" not in doc
    assert doc["first"] == collection + "?page=1" and doc["last"] == collection + "?page=2"
    first = await fetch(client, network, doc["first"])
    assert first["type"] == "OrderedCollectionPage" and first["partOf"] == collection and "prev" not in first
    assert first["orderedItems"] == [note(p.id) for p in posts[:100]] and first["license"] == CC
    second = await fetch(client, network, first["next"])
    assert second["orderedItems"] == [note(p.id) for p in posts[100:]]
    assert second["prev"] == doc["first"] and "next" not in second
    async with services.sessions() as session:
        assert len((await session.exec(select(AlbumItem))).all()) == 105

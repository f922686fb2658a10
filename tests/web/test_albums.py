"""Albums in the studio (create, add, reorder, remove, rename, delete; CSRF refused; another artist's album
404) and on the public pages (list, grid in the artist's order, warnings blurred, paging, licence)."""

from __future__ import annotations

import re

from helpers import BROWSER_ACCEPT, assert_licence_headers
from signin import forms
from sqlmodel import select
from studio_support import signed_in, studio_form
from works_support import add_work, tile_ids, tiles

from fediart.actions.albums import add_to_album, create_album
from fediart.store.album_tables import Album, AlbumItem

GPT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; +https://openai.com/gptbot)"


async def _albums(services) -> list[Album]:
    async with services.sessions() as session:
        return list((await session.exec(select(Album).order_by(Album.id))).all())


async def _order(services, album_id: int) -> list[int]:
    async with services.sessions() as session:
        rows = await session.exec(select(AlbumItem.post_id).where(AlbumItem.album_id == album_id)
                                  .order_by(AlbumItem.position, AlbumItem.id))
        return list(rows.all())


def _options(html: str) -> list[int]:
    select_html = re.search(r'<select id="album-add-post" name="post_id">(.*?)</select>', html, re.S).group(1)
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select_html)]


def _move_form(html: str, post_id: int, direction: str):
    [form] = [f for f in forms(html) if f.action.endswith(f"/items/{post_id}/move")
              and f.fields.get("direction") == direction]
    return form


async def test_an_artist_makes_an_album_adds_orders_and_removes_works(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    first = await add_work(services, ana, source="First heron")
    second = await add_work(services, ana, source="Second heron", visibility="unlisted")
    secret = await add_work(services, ana, source="For followers", visibility="followers")
    form = await studio_form(client, "/studio/albums", "/studio/albums")
    created = await client.post(form.action, data=form.submit(title="  Herons   2026 ", description="Grey birds"))
    assert created.status_code == 303
    [album] = await _albums(services)
    assert (album.title, album.description, album.account_id) == ("Herons 2026", "Grey birds", ana.id)
    assert created.headers["location"].endswith(f"/studio/albums/{album.id}?done=album_created")
    page = await client.get(created.headers["location"])
    assert "Album created." in page.text and 'value="Herons 2026"' in page.text
    # Only public and unlisted live works are offered; followers-only ones cannot be in a public album.
    assert _options(page.text) == [second.id, first.id]
    assert secret.id not in _options(page.text)

    path = f"/studio/albums/{album.id}"
    for post in (first, second):
        add = await studio_form(client, path, f"{path}/add")
        answered = await client.post(add.action, data={**add.fields, "post_id": str(post.id)})
        assert answered.status_code == 303 and answered.headers["location"].endswith("?done=album_added")
    assert await _order(services, album.id) == [first.id, second.id]
    page = await client.get(path)
    assert "All your recent public and unlisted works are in this album already." in page.text

    down = _move_form(page.text, first.id, "down")
    assert (await client.post(down.action, data=down.submit())).headers["location"].endswith("?done=album_moved")
    assert await _order(services, album.id) == [second.id, first.id]
    page = await client.get(path)
    up = _move_form(page.text, first.id, "up")
    await client.post(up.action, data=up.submit())
    assert await _order(services, album.id) == [first.id, second.id]

    remove = await studio_form(client, path, f"{path}/items/{first.id}/remove")
    removed = await client.post(remove.action, data=remove.submit())
    assert removed.headers["location"].endswith("?done=album_item_removed")
    assert await _order(services, album.id) == [second.id]

    rename = await studio_form(client, path, path)
    saved = await client.post(rename.action, data={**rename.fields, "title": "Herons", "description": "New words"})
    assert saved.status_code == 303
    [album] = await _albums(services)
    assert (album.title, album.description) == ("Herons", "New words")
    listing = await client.get("/studio/albums")
    assert "Herons" in listing.text and "1 work" in listing.text

    delete = await studio_form(client, path, f"{path}/delete")
    gone = await client.post(delete.action, data=delete.submit())
    assert gone.headers["location"].endswith("/studio/albums?done=album_deleted")
    assert await _albums(services) == [] and await _order(services, album.id) == []


async def test_a_followers_only_post_is_refused_even_when_posted_by_hand(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    secret = await add_work(services, ana, source="For followers", visibility="followers")
    album = await create_album(services, ana, "Herons")
    page = await client.get(f"/studio/albums/{album.id}")
    assert "All your recent public and unlisted works are in this album already." in page.text
    token = (await studio_form(client, f"/studio/albums/{album.id}", f"/studio/albums/{album.id}/delete")).fields
    refused = await client.post(f"/studio/albums/{album.id}/add", data={**token, "post_id": str(secret.id)})
    assert refused.status_code == 422 and "Only public or unlisted posts" in refused.text
    assert await _order(services, album.id) == []


async def test_album_forms_without_the_csrf_token_change_nothing(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    work, other = await add_work(services, ana), await add_work(services, ana)
    album = await create_album(services, ana, "Herons")
    await add_to_album(services, ana, album.id, [work.id, other.id])
    path = f"/studio/albums/{album.id}"
    attempts = {
        "/studio/albums": {"title": "Forged"},
        path: {"title": "Forged"},
        f"{path}/add": {"post_id": str(other.id)},
        f"{path}/items/{work.id}/move": {"direction": "down"},
        f"{path}/items/{work.id}/remove": {},
        f"{path}/delete": {},
    }
    for action, data in attempts.items():
        for token in ({"csrf_token": "forged"}, {}):
            response = await client.post(action, data={**data, **token})
            assert response.status_code == 403, action
            assert "This form has expired" in response.text
    [stored] = await _albums(services)
    assert stored.title == "Herons" and await _order(services, album.id) == [work.id, other.id]


async def test_another_artists_album_is_not_found_in_the_studio(client, services, make_artist):
    ana = await make_artist("ana")
    work = await add_work(services, ana)
    album = await create_album(services, ana, "Herons")
    await add_to_album(services, ana, album.id, [work.id])
    bea = await signed_in(client, services, make_artist, "bea")
    own = await create_album(services, bea, "Mine")
    token = (await studio_form(client, f"/studio/albums/{own.id}", f"/studio/albums/{own.id}/delete"))
    path = f"/studio/albums/{album.id}"
    assert (await client.get(path)).status_code == 404
    for action, data in {path: {"title": "Taken"}, f"{path}/add": {"post_id": str(work.id)},
                         f"{path}/items/{work.id}/move": {"direction": "up"},
                         f"{path}/items/{work.id}/remove": {}, f"{path}/delete": {}}.items():
        response = await client.post(action, data={**token.fields, **data})
        assert response.status_code == 404, action
        assert "There is no such album of yours." in response.text
    # Nor can bea put ana's post in her own album.
    add = await client.post(f"/studio/albums/{own.id}/add", data={**token.fields, "post_id": str(work.id)})
    assert add.status_code == 404
    albums = {a.title: a for a in await _albums(services)}
    assert set(albums) == {"Herons", "Mine"} and await _order(services, album.id) == [work.id]
    assert await _order(services, own.id) == []


async def test_the_studio_album_pages_need_sign_in(client, services, make_artist):
    response = await client.get("/studio/albums")
    assert response.status_code == 303 and "/login?next=/studio/albums" in response.headers["location"]


async def test_public_album_list_and_page_show_the_works_in_order_with_the_licence(client, services, make_artist):
    ana = await make_artist("ana")
    first = await add_work(services, ana, source="First heron", description="a heron standing")
    warned = await add_work(services, ana, source="Fish", summary="fish guts", images=2)
    words = await add_work(services, ana, images=0, source="Words about herons", visibility="unlisted")
    secret = await add_work(services, ana, source="Secret heron", visibility="followers")
    gone = await add_work(services, ana, source="Gone heron")
    album = await create_album(services, ana, "Herons <2026>", "Grey birds\nby the river")
    touchy = await add_work(services, ana, source="Touchy", sensitive=True)
    await add_to_album(services, ana, album.id, [warned.id, first.id, words.id, gone.id, touchy.id])
    await create_album(services, ana, "Empty one")
    async with services.sessions() as session:
        # A row no form can make (followers-only post), and a post deleted after it was added.
        session.add(AlbumItem(album_id=album.id, post_id=secret.id, position=99))
        row = await session.get(type(gone), gone.id)
        row.deleted_at = row.published
        session.add(row)
        await session.commit()
    services.cache.clear()

    listing = await client.get("/@ana/albums", headers={"Accept": BROWSER_ACCEPT})
    assert listing.status_code == 200
    assert_licence_headers(listing, policy="https://art.example/@ana/tdm-policy.json")
    assert '<meta name="tdm-reservation" content="1">' in listing.text
    assert "Herons &lt;2026&gt;" in listing.text and "<2026>" not in listing.text
    assert "4 works" in listing.text and "0 works" in listing.text
    # The first work is warned: it is not shown as the cover.
    assert f"ana/{warned.id}-0.thumb.jpg" not in listing.text
    assert f'href="https://art.example/@ana/albums/{album.id}"' in listing.text

    page = await client.get(f"/@ana/albums/{album.id}", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    assert_licence_headers(page, policy="https://art.example/@ana/tdm-policy.json")
    assert 'rel="license"' in page.text and "not licensed for AI training" in page.text
    assert "<p>Grey birds</p><p>by the river</p>" in page.text
    assert tile_ids(page.text) == [warned.id, first.id, words.id, touchy.id]
    [warned_tile, first_tile, words_tile, touchy_tile] = tiles(page.text)
    assert page.text.count('class="work work-hidden"') == 2 and "sensitive content" in touchy_tile
    assert "Content warning:</strong> fish guts" in warned_tile and "2 images" in warned_tile
    assert 'alt="a heron standing"' in first_tile and "Words about herons" in words_tile
    assert "Secret heron" not in page.text and "Gone heron" not in page.text
    assert f'href="https://art.example/users/ana/albums/{album.id}"' in page.text  # the collection, for servers
    profile = await client.get("/@ana")
    assert 'href="https://art.example/@ana/albums"' in profile.text


async def test_album_pages_page_by_24_and_refuse_what_is_not_theirs(client, services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    posts = [await add_work(services, ana, source=f"Heron {n}") for n in range(25)]
    album = await create_album(services, ana, "Many")
    await add_to_album(services, ana, album.id, [p.id for p in posts])
    one = await client.get(f"/@ana/albums/{album.id}")
    assert tile_ids(one.text) == [p.id for p in posts[:24]]
    assert f'href="https://art.example/@ana/albums/{album.id}?page=2"' in one.text
    two = await client.get(f"/@ana/albums/{album.id}?page=2")
    assert tile_ids(two.text) == [posts[24].id] and "Previous page" in two.text
    assert (await client.get(f"/@ana/albums/{album.id}?page=x")).status_code == 400
    assert (await client.get(f"/@bea/albums/{album.id}")).status_code == 404  # ana's album under bea's name
    assert (await client.get(f"/@ana/albums/{album.id + 1}")).status_code == 404
    assert (await client.get("/@nobody/albums")).status_code == 404
    assert f"{bea.display_name or 'bea'} has no albums yet." in (await client.get("/@bea/albums")).text


async def test_ai_crawlers_are_refused_the_album_pages(client, make_artist, services):
    ana = await make_artist("ana")
    album = await create_album(services, ana, "Herons")
    for path in ("/@ana/albums", f"/@ana/albums/{album.id}", f"/users/ana/albums/{album.id}"):
        response = await client.get(path, headers={"User-Agent": GPT})
        assert response.status_code == 403, path
        assert response.headers["tdm-reservation"] == "1"


async def test_a_refused_album_form_comes_back_filled_in(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    form = await studio_form(client, "/studio/albums", "/studio/albums")
    refused = await client.post(form.action, data=form.submit(title="   ", description="Grey <birds>"))
    assert refused.status_code == 422 and "Give the album a title." in refused.text
    assert ">Grey &lt;birds&gt;</textarea>" in refused.text and await _albums(services) == []
    album = await create_album(services, ana, "Herons", "Kept")
    path = f"/studio/albums/{album.id}"
    rename = await studio_form(client, path, path)
    refused = await client.post(path, data={**rename.fields, "title": "", "description": "Changed"})
    assert refused.status_code == 422 and "Give the album a title." in refused.text
    assert ">Changed</textarea>" in refused.text
    [stored] = await _albums(services)
    assert (stored.title, stored.description) == ("Herons", "Kept")

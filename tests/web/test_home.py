"""The front page: the instance's artists with their latest works, and the licence stance in words."""

from __future__ import annotations

import re

from helpers import BROWSER_ACCEPT, assert_licence_headers
from sqlalchemy import event
from works_support import add_work, tile_ids


async def front(client) -> str:
    response = await client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert_licence_headers(response)
    return response.text


def cards(html: str) -> dict[str, str]:
    """Each artist card's HTML by the artist's handle."""
    found = re.findall(r'<li class="artist-card">(.*?)</ul>\s*(?:</li>)?', html, re.S)
    return {re.search(r'<span class="handle">([^<]+)</span>', card).group(1): card for card in found}


async def test_artists_with_their_four_latest_works(client, services, make_artist):
    ana = await make_artist("ana", display_name="Ana Lima")
    bea = await make_artist("bea")
    await make_artist("cy")
    ana_works = [await add_work(services, ana, description=f"ana {n}") for n in range(6)]
    bea_works = [await add_work(services, bea, images=2, description="bea work")]
    await add_work(services, bea, visibility="unlisted", description="unlisted one")
    await add_work(services, bea, deleted=True, description="deleted one")
    html = await front(client)
    by_handle = cards(html)
    assert set(by_handle) == {"@ana@art.example", "@bea@art.example", "@cy@art.example"}
    assert tile_ids(by_handle["@ana@art.example"]) == [p.id for p in reversed(ana_works)][:4]
    assert tile_ids(by_handle["@bea@art.example"]) == [bea_works[0].id]
    assert "2 images" in by_handle["@bea@art.example"]
    assert "<li class=\"work" not in by_handle["@cy@art.example"]
    assert "Ana Lima" in html and "unlisted one" not in html and "deleted one" not in html
    assert '<a class="artist-link" href="https://art.example/@ana">' in html
    assert "@art.example@art.example" not in html  # the instance actor is no artist


async def test_the_stance_is_in_plain_words_with_a_link_to_about(client, make_artist):
    await make_artist("ana")
    html = await front(client)
    assert "The art on this server is not licensed for AI training." in html
    assert '<a href="https://art.example/about">About this server</a>' in html
    assert '<a href="https://art.example/terms">Terms</a>' in html


async def test_warned_works_stay_blurred_on_the_front_page(client, services, make_artist):
    ana = await make_artist("ana")
    await add_work(services, ana, summary="eye strain", description="a flashing pattern")
    html = await front(client)
    summary = re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)
    assert "eye strain" in summary and "a flashing pattern" not in summary


async def test_the_front_page_asks_the_database_the_same_number_of_times_for_any_number_of_artists(
        client, services, make_artist):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name in ("ana", "bea"):
            await add_work(services, await make_artist(name))
        await front(client)  # once first: what the app loads once and keeps is not the page's cost
        statements.clear()
        await front(client)
        with_two = len(statements)
        for name in ("cy", "dee", "eve", "fay"):
            await add_work(services, await make_artist(name))
        statements.clear()
        await front(client)
        assert len(statements) == with_two == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)

"""/@name as a portfolio: pinned works first, pages of 24, labelled images, warnings, the licence in words."""

from __future__ import annotations

import re

from helpers import BROWSER_ACCEPT, assert_licence_headers
from posting import png, publish
from works_support import add_work, tile_ids, tiles

from fediart.actions.posts import pin_status


async def profile(client, path: str = "/@ana", *, reserved: bool = True) -> str:
    response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert_licence_headers(response, reserved=reserved)
    return response.text


async def test_pinned_works_come_first_then_the_newest(client, services, make_artist):
    ana = await make_artist("ana")
    old = await publish(services, text="Old heron", images=[(png(), "an old heron")])
    pinned = await publish(services, text="Best one", images=[(png(), "my best heron")])
    new = await publish(services, text="New heron", images=[(png(), "a new heron")])
    await publish(services, text="Words only, no work")
    await publish(services, text="Unlisted", images=[(png(), "unlisted heron")], visibility="unlisted")
    await publish(services, text="Friends", images=[(png(), "friends heron")], visibility="followers")
    await pin_status(services, ana, pinned.id)
    html = await profile(client)
    assert tile_ids(html) == [pinned.id, new.id, old.id]
    assert ['<span class="work-pin">Pinned</span>' in tile for tile in tiles(html)] == [True, False, False]
    assert "unlisted heron" not in html and "friends heron" not in html and "Words only" not in html


async def test_every_image_is_labelled_and_sized(client, services, make_artist):
    ana = await make_artist("ana", display_name="Ana Lima")
    described = await add_work(services, ana, description="a heron in ink")
    worded = await add_work(services, ana, description="", source="Sketchbook page,\n  day 3")
    bare = await add_work(services, ana, description="   ")
    html = await profile(client)
    alts = {post_id: re.search(r'<img [^>]*alt="([^"]*)"', tile).group(1) for post_id, tile in zip(tile_ids(html), tiles(html))}
    assert alts == {described.id: "a heron in ink", worded.id: "Sketchbook page, day 3", bare.id: "Artwork by Ana Lima"}
    # 1280×960 originals have 640×480 thumbnails: the grid keeps its shape while they load.
    assert all('width="640" height="480"' in tile for tile in tiles(html))
    assert 'alt=""' not in html.split('<section class="gallery"')[1]


async def test_multi_image_posts_say_how_many_images(client, services, make_artist):
    ana = await make_artist("ana")
    three = await add_work(services, ana, images=3)
    one = await add_work(services, ana, images=1)
    by_id = dict(zip(tile_ids(await profile(client)), tiles(await profile(client))))
    assert "3 images" in by_id[three.id]
    assert "images" not in by_id[one.id]
    assert by_id[three.id].count("<img") == 1  # the first image stands for the post


async def test_warned_and_sensitive_works_stay_blurred_until_opened(client, services, make_artist):
    await make_artist("ana")
    warned = await publish(services, text="Gory heron", images=[(png(), "a gory heron")], cw="blood")
    flagged = await publish(services, text="Nude study", images=[(png(), "a nude figure")], sensitive=True)
    plain = await publish(services, text="Calm heron", images=[(png(), "a calm heron")])
    by_id = dict(zip(tile_ids(html := await profile(client)), tiles(html)))
    for post_id, warning in ((warned.id, "blood"), (flagged.id, "sensitive content")):
        tile = by_id[post_id]
        summary = re.search(r"<summary>(.*?)</summary>", tile, re.S).group(1)
        # Closed, a <details> shows only its summary: the warning over the blurred thumbnail.
        assert '<details class="work-cw">' in tile and warning in summary and "<img" in summary
        assert 'alt="Blurred preview"' in summary
        assert "heron" not in summary and "nude" not in summary
    assert "a gory heron" in by_id[warned.id].split("</summary>")[1]
    assert "<details" not in by_id[plain.id] and 'alt="a calm heron"' in by_id[plain.id]
    css = (await client.get("/static/site.css")).text
    assert ".work-cw:not([open]) img { filter: blur(" in css


async def test_the_gallery_has_pages_of_24(client, services, make_artist):
    ana = await make_artist("ana")
    posts = [await add_work(services, ana, description=f"work {n}") for n in range(30)]
    await add_work(services, ana, deleted=True)
    newest_first = [p.id for p in reversed(posts)]
    first = await profile(client)
    assert tile_ids(first) == newest_first[:24]
    assert '<a rel="next" href="https://art.example/@ana?page=2">Older works →</a>' in first
    assert 'rel="prev"' not in first
    assert '<link rel="alternate" type="application/atom+xml"' in first
    second = await profile(client, "/@ana?page=2")
    assert tile_ids(second) == newest_first[24:]
    assert '<a rel="prev" href="https://art.example/@ana">← Newer works</a>' in second
    assert 'rel="next"' not in second
    beyond = await profile(client, "/@ana?page=7")
    assert tile_ids(beyond) == []
    assert "There are no works on page 7." in beyond and '<a href="https://art.example/@ana">Back to the first page</a>' in beyond
    assert (await profile(client, "/users/ana?page=2")).count("<li class=\"work") == 6


async def test_a_page_that_is_not_a_number_is_400(client, make_artist):
    await make_artist("ana")
    for value in ("0", "-1", "abc", "1.5", "", "1e3", "01", "9999999", "%3Cscript%3E"):
        response = await client.get(f"/@ana?page={value}", headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 400, value
        assert "That is not a page of this gallery" in response.text and "<script>" not in response.text
    assert (await client.get("/@nobody?page=x", headers={"Accept": BROWSER_ACCEPT})).status_code == 404


async def test_the_licence_is_a_badge_in_plain_words(client, make_artist):
    await make_artist("ana", display_name="Ana Lima", licence_key="cc-by-nc-4.0")
    html = await profile(client)
    box = html.split('<aside class="licence-box"')[1].split("</aside>")[0]
    assert '<span class="badge badge-no-ai">No AI training</span>' in box
    assert '<a class="badge badge-licence" rel="license" href="https://creativecommons.org/licenses/by-nc/4.0/">CC BY-NC 4.0</a>' in box
    assert "Not licensed for AI training." in box and '<a href="https://art.example/@ana/terms">Full terms</a>' in box
    await make_artist("bea", ai_training_reserved=False)
    bea = await profile(client, "/@bea", reserved=False)
    assert "No AI training" not in bea and '<span class="badge">AI training permitted</span>' in bea
    assert '<a class="badge badge-licence" rel="license" href="https://art.example/@bea/terms">All rights reserved</a>' in bea


async def test_the_profile_offers_to_follow_from_your_server(client, make_artist):
    await make_artist("ana")
    response = await client.get("/@ana", headers={"Accept": BROWSER_ACCEPT})
    form = re.search(r'<form class="remote-follow" method="get" action="([^"]+)">(.*?)</form>', response.text, re.S)
    assert form.group(1) == "https://art.example/@ana/remote_follow"
    assert '<label for="remote-follow-handle">Your fediverse handle</label>' in form.group(2)
    assert 'id="remote-follow-handle" type="text" name="handle"' in form.group(2)
    # The form's answer redirects to the visitor's server; browsers check form-action on that hop.
    policy = response.headers["content-security-policy"]
    assert "form-action 'self' https:;" in policy and "script-src 'none'" in policy
    assert "form-action 'self';" in (await client.get("/about")).headers["content-security-policy"]


async def test_a_pinned_old_work_opens_the_first_page_and_is_not_repeated(client, services, make_artist):
    ana = await make_artist("ana")
    oldest = await add_work(services, ana, pinned=True)
    others = [await add_work(services, ana) for _ in range(25)]
    newest_first = [p.id for p in reversed(others)]
    assert tile_ids(await profile(client)) == [oldest.id, *newest_first[:23]]
    assert tile_ids(await profile(client, "/@ana?page=2")) == newest_first[23:]


async def test_the_cached_page_is_forgotten_when_the_artist_posts_pins_or_deletes(client, services, make_artist):
    from fediart.actions.posts import delete_status

    ana = await make_artist("ana")
    first = await publish(services, text="First", images=[(png(), "first heron")])
    assert tile_ids(await profile(client)) == [first.id]
    second = await publish(services, text="Second", images=[(png(), "second heron")])
    assert tile_ids(await profile(client)) == [second.id, first.id]
    await pin_status(services, ana, first.id)
    assert tile_ids(await profile(client)) == [first.id, second.id]
    await delete_status(services, ana, second.id)
    assert tile_ids(await profile(client)) == [first.id]

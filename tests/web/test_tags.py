"""/tags/NAME: the page every Hashtag `href` fediart publishes points to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers
from posting import delete, png, publish
from works_support import add_work, tile_ids, tiles


async def hashtag_hrefs(client, network, post_id: int) -> dict[str, str]:
    """name -> href of the Hashtags on the Note, as a remote server reads them."""
    note = (await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post_id}", AP_ACCEPT)).json()
    return {t["name"]: t["href"] for t in note["tag"] if t["type"] == "Hashtag"}


async def tag_page(client, href: str):
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}" == "https://art.example"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, href
    assert response.headers["content-type"].startswith("text/html")
    assert_licence_headers(response)
    return response.text


def listed(html: str) -> list[str]:
    """The post pages the tag page links to, in order."""
    return list(dict.fromkeys(re.findall(r'href="https://art\.example/@\w+/(\d+)"', html)))


async def test_the_hashtag_href_lists_public_posts_with_that_tag(client, services, make_artist, network):
    await make_artist("ana", display_name="Ana Lima")
    await make_artist("bea", display_name="Bea")
    first = await publish(services, text="Heron #Ink", images=[(png(), "an ink heron")])
    await publish(services, text="Quiet one #ink", visibility="unlisted")
    await publish(services, text="Friends only #ink", visibility="followers")
    gone = await publish(services, text="Deleted #ink")
    await delete(services, gone.id)
    await publish(services, text="Not this #inkwell")
    other = await publish(services, username="bea", text="Mine too #INK")
    hrefs = await hashtag_hrefs(client, network, first.id)
    assert hrefs == {"#Ink": "https://art.example/tags/ink"}
    html = await tag_page(client, hrefs["#Ink"])
    assert listed(html) == [str(other.id), str(first.id)]
    assert "Heron" in html and "Mine too" in html and "Quiet one" not in html and "Friends only" not in html
    assert 'alt="an ink heron"' in html
    assert '<link rel="license" href="https://art.example/terms">' in html


async def test_tags_with_underscores_and_accents_match_exactly(client, services, make_artist, network):
    await make_artist("ana")
    axb = await publish(services, text="#axb")
    a_b = await publish(services, text="#a_b")
    cafe = await publish(services, text="#Café")
    await publish(services, text="#cafxc3ya9")  # what caf%C3%A9 matches if % were a LIKE wildcard
    assert listed(await tag_page(client, (await hashtag_hrefs(client, network, a_b.id))["#a_b"])) == [str(a_b.id)]
    assert listed(await tag_page(client, (await hashtag_hrefs(client, network, axb.id))["#axb"])) == [str(axb.id)]
    href = (await hashtag_hrefs(client, network, cafe.id))["#Café"]
    assert href == "https://art.example/tags/caf%C3%A9"
    assert listed(await tag_page(client, href)) == [str(cafe.id)]


async def test_an_unknown_tag_is_an_empty_page_and_a_non_tag_is_404(client, make_artist):
    await make_artist("ana")
    html = await tag_page(client, "https://art.example/tags/nothing")
    assert listed(html) == [] and "No public posts are tagged #nothing here." in html
    for path in ("/tags/not%20a%20tag", "/tags/" + "x" * 101, "/tags/%3Cscript%3E"):
        response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 404, path
        assert "<script>" not in response.text


async def test_a_content_warning_hides_the_post_on_the_tag_page_too(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="Gory heron #ink", images=[(png(), "a gory heron")], cw="blood")
    html = await tag_page(client, "https://art.example/tags/ink")
    assert listed(html) == [str(post.id)]
    # Closed, a <details> shows only its summary: the warning over a blurred thumbnail.
    [tile] = tiles(html)
    summary = re.search(r"<summary>(.*?)</summary>", tile, re.S).group(1)
    assert "blood" in summary and "<img" in summary and 'alt="Blurred preview"' in summary
    assert "heron" not in summary.lower()
    assert "Gory heron" not in tile.split("</details>")[1]
    assert tile.split("</summary>")[1].split("</details>")[0].count("a gory heron") == 1


async def test_tagged_works_are_a_grid_with_pages(client, services, make_artist):
    ana = await make_artist("ana")
    bea = await make_artist("bea", display_name="Bea Sol", licence_key="cc-by-4.0")
    tag = [{"type": "Hashtag", "href": "https://art.example/tags/ink", "name": "#ink"}]
    works = [await add_work(services, ana if n % 2 else bea, tags=tag, images=1 + n % 3) for n in range(26)]
    await add_work(services, ana, tags=tag, visibility="unlisted")
    words = await add_work(services, ana, tags=tag, images=0, source="Only words about ink")
    newest_first = [words.id] + [w.id for w in reversed(works)]
    first = await tag_page(client, "https://art.example/tags/ink")
    assert tile_ids(first) == newest_first[:24]
    assert '<ul class="grid">' in first and "3 images" in first
    assert '<a class="work-text" href="https://art.example/@ana/%d">Only words about ink</a>' % words.id in first
    assert '<a href="https://art.example/@bea">Bea Sol</a>' in first
    assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in first
    assert '<a rel="next" href="https://art.example/tags/ink?page=2">Older works →</a>' in first
    second = await tag_page(client, "https://art.example/tags/ink?page=2")
    assert tile_ids(second) == newest_first[24:]
    assert '<a rel="prev" href="https://art.example/tags/ink">← Newer works</a>' in second and 'rel="next"' not in second
    beyond = await tag_page(client, "https://art.example/tags/ink?page=3")
    assert tile_ids(beyond) == [] and "There are no works on page 3." in beyond
    for value in ("0", "x", "-2", "2.0"):
        response = await client.get(f"/tags/ink?page={value}", headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 400, value
        assert "That is not a page of this tag" in response.text

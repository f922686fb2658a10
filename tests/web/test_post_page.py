"""The post page and the profile gallery: alt text, content warnings, and the licence for people and crawlers."""

from __future__ import annotations

import json
import re
from html import unescape

from helpers import BROWSER_ACCEPT, assert_licence_headers
from posting import add_remote, delete, png, publish

BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


async def page(client, path: str):
    response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, path
    return response


def json_ld(html: str) -> dict:
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


async def test_post_page_shows_the_work_its_alt_text_and_the_licence(client, services, make_artist):
    await make_artist("ana", display_name="Ana Lima", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, text="Heron study <script>x</script> #ink",
                         images=[(png(), 'Ink heron "standing" in reeds'), (png("blue"), "")])
    response = await page(client, f"/@ana/{post.id}")
    html = response.text
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    assert '<meta name="robots" content="noai, noimageai, noarchive, noindex">' in html
    assert '<meta name="tdm-reservation" content="1">' in html
    assert f'<link rel="license" href="{BY_NC_ND}">' in html
    assert f'<a rel="license" href="{BY_NC_ND}">CC BY-NC-ND 4.0</a>' in html
    assert "not licensed for AI training" in html
    images = re.findall(r'<img src="https://art.example/media/ana/[0-9a-f]{24}\.png" alt="([^"]*)"', html)
    assert [unescape(alt) for alt in images] == ['Ink heron "standing" in reeds', ""]
    assert "&lt;script&gt;" in html and "<script>x</script>" not in html
    assert 'href="https://art.example/@ana"' in html and "Ana Lima" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', html)
    assert re.search(r'<meta property="og:image" content="https://art.example/media/ana/[0-9a-f]{24}\.png">', html)
    assert f'<link rel="alternate" type="application/activity+json" href="https://art.example/users/ana/statuses/{post.id}">' in html
    assert "<details" not in html

    schema = json_ld(html)
    assert schema["@type"] == "SocialMediaPosting" and schema["license"] == BY_NC_ND
    assert schema["creator"]["name"] == "Ana Lima" and schema["datePublished"].endswith("Z")
    first, second = schema["image"]
    assert first["@type"] == "ImageObject" and first["contentUrl"].startswith("https://art.example/media/ana/")
    assert first["license"] == BY_NC_ND and first["caption"] == 'Ink heron "standing" in reeds'
    assert first["acquireLicensePage"] == "https://art.example/@ana/licensing"
    assert first["copyrightNotice"].startswith("©") and first["creditText"] == "Ana Lima (@ana@art.example)"
    assert "caption" not in second


async def test_content_warning_is_a_details_element_and_hides_the_preview(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="Anatomy study", cw="nudity (figure drawing)", images=[(png(), "figure")])
    html = (await page(client, f"/@ana/{post.id}")).text
    details = html[html.index("<details"):html.index("</details>")]
    assert "<summary>nudity (figure drawing)</summary>" in details
    assert "Anatomy study" in details and 'alt="figure"' in details
    assert 'property="og:image"' not in html
    assert '<meta property="og:description" content="nudity (figure drawing)">' in html
    sensitive = await publish(services, text="no cw", images=[(png(), "x")], sensitive=True)
    html = (await page(client, f"/@ana/{sensitive.id}")).text
    assert "<summary>Sensitive content</summary>" in html and 'property="og:image"' not in html


async def test_a_posts_own_licence_is_the_one_on_its_page(client, services, make_artist):
    await make_artist("ana")  # all rights reserved
    post = await publish(services, text="shared", licence_key="cc-by-4.0")
    html = (await page(client, f"/@ana/{post.id}")).text
    assert '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">' in html
    assert json_ld(html)["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "noai, noimageai" in html  # the reservation stays the artist's


async def test_profile_gallery_shows_public_works_with_alt_text(client, services, network, make_artist):
    ana = await make_artist("ana")
    await add_remote(services, network, "dan", host="other.example", follows=ana)
    shown = await publish(services, text="one", images=[(png(), "A red square"), (png("blue"), "second image")])
    hidden = [await publish(services, text="f", images=[(png(), "followers only")], visibility="followers"),
              await publish(services, text="@dan@other.example", images=[(png(), "direct")], visibility="direct"),
              await publish(services, text="u", images=[(png(), "unlisted")], visibility="unlisted")]
    gone = await publish(services, text="g", images=[(png(), "deleted work")])
    await delete(services, gone.id)
    await publish(services, text="words only")
    cw = await publish(services, text="c", images=[(png(), "behind a warning")], cw="spiders")
    html = (await page(client, "/@ana")).text
    gallery = html[html.index('class="gallery"'):]
    links = re.findall(r'<a href="https://art.example/@ana/(\d+)"><img src="([^"]+)" alt="([^"]*)"', gallery)
    assert [(int(i), alt) for i, _, alt in links] == [(shown.id, "A red square")]
    assert all(re.match(r"https://art.example/media/ana/[0-9a-f]{24}-small\.png$", src) for _, src, _ in links)
    # The warned work: blurred under its warning, its description shown once the visitor opens it.
    assert re.search(r'<details class="work-cw">\s*<summary>\s*<img src="https://art.example/media/ana/[0-9a-f]{24}'
                     r'-small\.png" alt="Blurred preview"', gallery)
    assert '<a href="https://art.example/@ana/%d">Open the work</a>: behind a warning' % cw.id in gallery
    assert not any(str(p.id) in [i for i, _, _ in links] for p in hidden)

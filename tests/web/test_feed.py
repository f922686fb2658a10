"""/@name.atom and /users/name.atom: an artist's public posts as Atom 1.0, with the licence in it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from helpers import assert_licence_headers
from posting import delete, png, publish
from works_support import add_work

A = "{http://www.w3.org/2005/Atom}"


async def read_feed(client, path: str = "/@ana.atom") -> tuple[ET.Element, str]:
    response = await client.get(path, headers={"Accept": "application/atom+xml"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    return ET.fromstring(response.content), response.text


def links(element: ET.Element) -> dict[str, ET.Element]:
    return {link.get("rel"): link for link in element.findall(A + "link")}


async def test_the_feed_is_atom_with_the_artist_and_the_licence(client, services, make_artist):
    await make_artist("ana", display_name="Ana Lima", licence_key="cc-by-nc-4.0")
    post = await publish(services, text="Heron in <ink> & water", images=[(png(), "an ink heron")])
    feed, _ = await read_feed(client)
    assert feed.tag == A + "feed"
    assert feed.findtext(A + "id") == "https://art.example/@ana.atom"
    assert feed.findtext(A + "title") == "Ana Lima (@ana@art.example)"
    assert feed.findtext(A + "updated").endswith("Z")
    assert feed.findtext(f"{A}author/{A}name") == "Ana Lima"
    assert feed.findtext(f"{A}author/{A}uri") == "https://art.example/@ana"
    feed_links = links(feed)
    assert feed_links["self"].get("href") == "https://art.example/@ana.atom"
    assert feed_links["self"].get("type") == "application/atom+xml"
    assert feed_links["alternate"].get("href") == "https://art.example/@ana"
    assert feed_links["license"].get("href") == "https://creativecommons.org/licenses/by-nc/4.0/"
    rights = feed.findtext(A + "rights")
    assert "CC BY-NC 4.0" in rights and "not licensed for AI training" in rights
    [entry] = feed.findall(A + "entry")
    assert entry.findtext(A + "id") == f"https://art.example/users/ana/statuses/{post.id}"
    assert entry.findtext(A + "title") == "Heron in <ink> & water"
    assert entry.findtext(A + "published").endswith("Z") and entry.findtext(A + "updated").endswith("Z")
    assert links(entry)["alternate"].get("href") == f"https://art.example/@ana/{post.id}"
    assert links(entry)["license"].get("href") == "https://creativecommons.org/licenses/by-nc/4.0/"
    content = entry.find(A + "content")
    assert content.get("type") == "html"
    assert "Heron in &lt;ink&gt; &amp; water" in content.text
    assert '<img src="https://art.example/media/ana/' in content.text and 'alt="an ink heron"' in content.text


async def test_both_addresses_serve_it_and_the_profile_links_it(client, make_artist):
    await make_artist("ana")
    first, _ = await read_feed(client, "/@ana.atom")
    second, _ = await read_feed(client, "/users/ana.atom")
    assert first.findtext(A + "id") == second.findtext(A + "id")
    profile = (await client.get("/@ana", headers={"Accept": "text/html"})).text
    assert '<link rel="alternate" type="application/atom+xml" title="Works by Ana" href="https://art.example/@ana.atom">' in profile
    for path in ("/@nobody.atom", "/users/nobody.atom", "/@actor.atom"):
        assert (await client.get(path)).status_code == 404, path
    # The actor document is still the actor document.
    assert (await client.get("/users/ana", headers={"Accept": "text/html"})).status_code == 200


async def test_only_public_posts_are_in_the_feed(client, services, make_artist):
    ana = await make_artist("ana")
    public = await publish(services, text="Public heron")
    await publish(services, text="Unlisted heron", visibility="unlisted")
    await publish(services, text="Friends heron", visibility="followers")
    await add_work(services, ana, source="Secret heron", visibility="direct")
    gone = await publish(services, text="Deleted heron")
    await delete(services, gone.id)
    feed, text = await read_feed(client)
    assert [e.findtext(A + "id") for e in feed.findall(A + "entry")] == [f"https://art.example/users/ana/statuses/{public.id}"]
    assert "Unlisted" not in text and "Friends" not in text and "Secret" not in text and "Deleted" not in text


async def test_a_content_warning_is_the_title_and_hides_the_images(client, services, make_artist):
    await make_artist("ana")
    await publish(services, text="Gory heron", images=[(png(), "a gory heron")], cw="blood & <gore>")
    await publish(services, text="Nude study", images=[(png(), "a nude")], sensitive=True)
    feed, text = await read_feed(client)
    flagged, warned = feed.findall(A + "entry")
    assert warned.findtext(A + "title") == "blood & <gore>"
    assert "<img" not in warned.findtext(A + "content") and "gory heron" not in text.lower()
    assert "blood &amp; &lt;gore&gt;" in warned.findtext(A + "content")
    assert "<img" not in flagged.findtext(A + "content") and "a nude" not in text


async def test_what_the_artist_typed_cannot_break_or_script_the_feed(client, services, make_artist):
    await make_artist("ana", display_name="Ana \x01</name><script>x</script>\x0b")
    await publish(services, text="]]> </content> <script>alert(1)</script> \x02 end",
                  images=[(png(), 'say "hi" <b>\x1b')])
    feed, text = await read_feed(client)  # parses: nothing XML 1.0 forbids came through
    assert "<script>" not in text and "</content> <" not in text
    assert feed.findtext(f"{A}author/{A}name") == "Ana </name><script>x</script>"
    content = feed.find(A + "entry").findtext(A + "content")
    assert "<script>" not in content  # the html inside is escaped text, and the words in it escaped again
    assert "&lt;script&gt;" in content and 'alt="say &#34;hi&#34; &lt;b&gt;"' in content

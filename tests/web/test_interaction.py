"""/authorize_interaction: the page WebFinger's subscribe template sends people to, followed as a server would."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from helpers import BROWSER_ACCEPT, assert_licence_headers
from posting import publish


async def subscribe_link(client, uri: str) -> str:
    """The subscribe template from the artist's WebFinger, filled in as Mastodon fills it (uri escaped)."""
    jrd = (await client.get("/.well-known/webfinger", params={"resource": "acct:ana@art.example"})).json()
    [template] = [link["template"] for link in jrd["links"] if link["rel"] == "http://ostatus.org/schema/1.0/subscribe"]
    url = template.replace("{uri}", quote(uri, safe=""))
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://art.example"
    return f"{parts.path}?{parts.query}"


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


async def test_a_local_artist_gets_a_page_saying_what_to_search_for(client, make_artist):
    await make_artist("ana", display_name="Ana Lima")
    for uri in ("acct:ana@art.example", "https://art.example/users/ana", "https://art.example/@ana"):
        response = await client.get(await subscribe_link(client, uri), headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200, uri
        assert response.headers["content-type"].startswith("text/html")
        assert_licence_headers(response)
        assert '<meta name="tdm-reservation" content="1">' in response.text
        assert "Follow Ana Lima" in response.text
        assert "<code>@ana@art.example</code>" in response.text


async def test_a_local_post_gets_its_page_url_to_paste(client, services, make_artist):
    await make_artist("ana", display_name="Ana Lima")
    post = await publish(services, text="Heron")
    for uri in (f"https://art.example/users/ana/statuses/{post.id}", f"https://art.example/@ana/{post.id}"):
        response = await client.get(await subscribe_link(client, uri), headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200, uri
        assert "Reply to a post by Ana Lima" in response.text
        assert f"<code>https://art.example/@ana/{post.id}</code>" in response.text


async def test_a_remote_uri_is_shown_as_text_never_as_a_link(client, make_artist):
    await make_artist("ana")
    uri = 'https://remote.example/@bob/1?x="><script>alert(1)</script>'
    response = await client.get(await subscribe_link(client, uri), headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert "<code>https://remote.example/@bob/1?x=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code>" in response.text
    # Only our own sign-in link (with the uri as its escaped `next`) may carry it.
    assert not [h for h in hrefs(response.text) if "remote.example" in h and not h.startswith("https://art.example/login?")]
    handle = await client.get(await subscribe_link(client, "acct:bob@remote.example"), headers={"Accept": BROWSER_ACCEPT})
    assert handle.status_code == 200 and "<code>bob@remote.example</code>" in handle.text


async def test_missing_or_hostile_uris_get_a_400_page(client, make_artist):
    await make_artist("ana")
    for query in ("", "?uri=", "?uri=javascript%3Aalert(1)", "?uri=data%3Atext%2Fhtml%2C%3Cscript%3E",
                  "?uri=ftp%3A%2F%2Fremote.example%2Fx", "?uri=acct%3Aana", "?uri=https%3A%2F%2F" + "a" * 2100):
        response = await client.get("/authorize_interaction" + query, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html")
        assert "Nothing to follow here" in response.text
        assert "javascript:" not in " ".join(hrefs(response.text)) and "alert" not in response.text
        assert_licence_headers(response)


async def test_a_signed_in_artist_follows_the_account_another_server_sent_them_here_for(
        client, services, network, make_artist):
    from studio_support import signed_in

    from fediart.store.tables import Following

    await signed_in(client, services, make_artist, "ana")
    bob = network.add_actor("bob")  # a remote account whose server's "follow" box named @ana@art.example
    page = await client.get(await subscribe_link(client, bob.uri), headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and "Follow as @ana" in page.text
    assert page.headers["cache-control"] == "no-store"
    from signin import form_to
    form = form_to(page.text, "/studio/following")
    forged = await client.post(form.action, data={**form.submit(), "csrf_token": "x" * 43})
    assert forged.status_code == 403
    done = await client.post(form.action, data=form.submit())
    assert done.status_code == 303 and "done=follow" in done.headers["location"]
    async with services.sessions() as session:
        from sqlmodel import select
        assert len((await session.exec(select(Following))).all()) == 1
    from fediart.worker import run_due_work
    await run_due_work(services)
    assert [a for a in network.deliveries_to(bob.inbox) if a["type"] == "Follow" and a["object"] == bob.uri]


async def test_an_artist_is_not_offered_to_follow_themselves_and_visitors_are_offered_sign_in(
        client, services, make_artist):
    from studio_support import signed_in

    remote = await client.get("/authorize_interaction", params={"uri": "https://remote.example/users/bob"},
                              headers={"Accept": BROWSER_ACCEPT})
    assert "Sign in</a> to follow it from here" in remote.text and "Follow as" not in remote.text
    await signed_in(client, services, make_artist, "ana")
    own = await client.get(await subscribe_link(client, "acct:ana@art.example"), headers={"Accept": BROWSER_ACCEPT})
    assert "Follow as" not in own.text and "<code>@ana@art.example</code>" in own.text

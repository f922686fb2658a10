"""/@name/remote_follow: "follow from your server" sends the visitor to their own server's follow page."""

from __future__ import annotations

import re

import httpx
import pytest
from helpers import BROWSER_ACCEPT

from fediart.actions.domain_blocks import BlockOptions, add_block

SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe"
OUR_ACCT = "acct%3Aana%40art.example"  # acct:ana@art.example, URL-encoded into the template


def mastodon(host: str, user: str) -> dict:
    """Mastodon 4's WebFinger answer for an account."""
    return {"subject": f"acct:{user}@{host}",
            "aliases": [f"https://{host}/@{user}", f"https://{host}/users/{user}"],
            "links": [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"https://{host}/@{user}"},
                      {"rel": "self", "type": "application/activity+json", "href": f"https://{host}/users/{user}"},
                      {"rel": SUBSCRIBE, "template": f"https://{host}/authorize_interaction?uri={{uri}}"},
                      {"rel": "http://webfinger.net/rel/avatar", "type": "image/png", "href": f"https://{host}/a.png"}]}


def misskey(host: str, user: str) -> dict:
    return {"subject": f"acct:{user}@{host}",
            "links": [{"rel": "self", "type": "application/activity+json", "href": f"https://{host}/users/9abc"},
                      {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"https://{host}/@{user}"},
                      {"rel": SUBSCRIBE, "template": f"https://{host}/authorize-follow?acct={{uri}}"}]}


def akkoma(host: str, user: str) -> dict:
    return {"subject": f"acct:{user}@{host}", "aliases": [f"https://{host}/users/{user}"],
            "links": [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"https://{host}/users/{user}"},
                      {"rel": "self", "type": "application/activity+json", "href": f"https://{host}/users/{user}"},
                      {"rel": "self", "type": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
                       "href": f"https://{host}/users/{user}"},
                      {"rel": SUBSCRIBE, "template": f"https://{host}/ostatus_subscribe?acct={{uri}}"}]}


def gotosocial(host: str, user: str) -> dict:
    """GoToSocial publishes no subscribe template."""
    return {"subject": f"acct:{user}@{host}",
            "aliases": [f"https://{host}/users/{user}", f"https://{host}/@{user}"],
            "links": [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"https://{host}/@{user}"},
                      {"rel": "self", "type": "application/activity+json", "href": f"https://{host}/users/{user}"}]}


@pytest.fixture
def webfinger(network, monkeypatch):
    """Remote WebFinger answers keyed by (host, resource): a JRD dict, or a function of the request."""
    answers: dict[tuple[str, str], object] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        found = answers.get((request.url.host, request.url.params.get("resource", "")))
        if callable(found):
            return found(request)
        if found is None:
            return httpx.Response(404)
        return httpx.Response(200, json=found, headers={"content-type": "application/jrd+json; charset=utf-8"})

    monkeypatch.setattr(network, "_webfinger", answer)
    return answers


def webfinger_gets(network) -> list[str]:
    return [str(r.url) for r in network.gets if r.url.path == "/.well-known/webfinger"]


async def follow(client, handle: str | None, username: str = "ana") -> httpx.Response:
    params = {} if handle is None else {"handle": handle}
    return await client.get(f"/@{username}/remote_follow", params=params, headers={"Accept": BROWSER_ACCEPT})


@pytest.mark.parametrize(("shape", "typed", "location"), [
    (mastodon, "@bob@mastodon.example", f"https://mastodon.example/authorize_interaction?uri={OUR_ACCT}"),
    (misskey, "bob@mastodon.example", f"https://mastodon.example/authorize-follow?acct={OUR_ACCT}"),
    (akkoma, "  @bob@Mastodon.Example  ", f"https://mastodon.example/ostatus_subscribe?acct={OUR_ACCT}"),
])
async def test_the_visitor_goes_to_their_servers_follow_page(client, make_artist, network, webfinger, shape, typed,
                                                              location):
    await make_artist("ana")
    webfinger[("mastodon.example", "acct:bob@mastodon.example")] = shape("mastodon.example", "bob")
    response = await follow(client, typed)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == location
    assert webfinger_gets(network) == ["https://mastodon.example/.well-known/webfinger?resource=acct%3Abob%40mastodon.example"]


async def test_a_bare_server_name_asks_the_server_itself(client, make_artist, network, webfinger):
    await make_artist("ana")
    # Mastodon answers for its own URL with the instance actor, subscribe template included.
    webfinger[("mastodon.example", "https://mastodon.example")] = mastodon("mastodon.example", "mastodon.example")
    for typed in ("mastodon.example", "@mastodon.example", "https://mastodon.example/"):
        response = await follow(client, typed)
        assert response.status_code == 303, typed
        assert response.headers["location"] == f"https://mastodon.example/authorize_interaction?uri={OUR_ACCT}"
    assert set(webfinger_gets(network)) == {
        "https://mastodon.example/.well-known/webfinger?resource=https%3A%2F%2Fmastodon.example"}


async def test_a_server_without_a_template_gets_the_search_page(client, make_artist, webfinger):
    await make_artist("ana", display_name="Ana Lima")
    webfinger[("gts.example", "acct:bob@gts.example")] = gotosocial("gts.example", "bob")
    response = await follow(client, "@bob@gts.example")
    assert response.status_code == 200
    html = response.text
    assert "gts.example did not tell us where its follow page is." in html
    assert "Search for Ana Lima in your app" in html
    assert '<p class="copy-handle"><code>@ana@art.example</code></p>' in html
    # The form again, with what they typed, to try another account.
    assert 'name="handle" value="@bob@gts.example"' in html


@pytest.mark.parametrize("answer", [
    lambda request: httpx.Response(500, text="oops"),
    lambda request: httpx.Response(200, text="<html>not json</html>"),
    lambda request: httpx.Response(200, json=["a", "list"]),
    lambda request: httpx.Response(200, json={"links": "not a list"}),
    lambda request: httpx.Response(200, json={"links": [{"rel": SUBSCRIBE, "template": 42}, "junk"]}),
    lambda request: httpx.Response(200, json={"links": [{"rel": SUBSCRIBE, "template": "https://m.example/follow"}]}),
    lambda request: httpx.Response(200, content=b"{" * 3_000_000),
])
async def test_a_bad_answer_gets_the_search_page_never_a_500(client, make_artist, webfinger, answer):
    await make_artist("ana")
    webfinger[("m.example", "acct:bob@m.example")] = answer
    response = await follow(client, "bob@m.example")
    assert response.status_code == 200
    assert '<code>@ana@art.example</code>' in response.text


async def test_an_unreachable_server_gets_the_search_page(client, make_artist, network, webfinger):
    await make_artist("ana")
    network.down.add("down.example")
    response = await follow(client, "bob@down.example")
    assert response.status_code == 200 and "<code>@ana@art.example</code>" in response.text


@pytest.mark.parametrize("template", [
    "https://evil.example/authorize_interaction?uri={uri}",
    "https://mastodon.example.evil.example/authorize_interaction?uri={uri}",
    "https://mastodon.example@evil.example/authorize_interaction?uri={uri}",
    "https://user:pw@mastodon.example/authorize_interaction?uri={uri}",
    "javascript:alert(1)//{uri}",
    "//evil.example/{uri}",
    "ftp://mastodon.example/{uri}",
    "https://mastodon.example/a b?uri={uri}",
    "https://evil.example\\.mastodon.example/authorize_interaction?uri={uri}",
    "https://evil.example%2F.mastodon.example/authorize_interaction?uri={uri}",
    "https://mastodon.example\\@evil.example/{uri}",
    "https:/\\evil.example/{uri}",
])
async def test_the_template_may_only_lead_to_the_visitors_own_server(client, make_artist, webfinger, template):
    await make_artist("ana")
    webfinger[("mastodon.example", "acct:bob@mastodon.example")] = {"links": [{"rel": SUBSCRIBE, "template": template}]}
    response = await follow(client, "bob@mastodon.example")
    assert response.status_code == 200, template
    assert "location" not in response.headers


async def test_a_subdomain_of_the_visitors_server_is_theirs(client, make_artist, webfinger):
    await make_artist("ana")
    webfinger[("example.social", "acct:bob@example.social")] = {
        "links": [{"rel": SUBSCRIBE, "template": "https://app.example.social/follow?acct={uri}"}]}
    response = await follow(client, "bob@example.social")
    assert response.status_code == 303
    assert response.headers["location"] == f"https://app.example.social/follow?acct={OUR_ACCT}"


@pytest.mark.parametrize("typed", [
    "", "   ", "bob@", "@", "@@mastodon.example", "a@b@c.example", "bob@mastodon.example/path", "not a handle!",
    "javascript:alert(1)", "<script>alert(1)</script>", "https://mastodon.example/@bob", "bob@127.0.0.1",
    "bob@[::1]", "x" * 300, "https://[::1", "https://", "acct:", "bob@host:99999", "bob@exa mple.org",
])
async def test_what_is_not_a_handle_is_refused_with_the_form_again(client, make_artist, network, webfinger, typed):
    await make_artist("ana")
    response = await follow(client, typed)
    assert response.status_code == 400, typed
    assert 'class="error" role="alert"' in response.text
    assert "Type your fediverse handle, like @you@mastodon.social" in response.text
    assert '<label for="remote-follow-handle">Your fediverse handle</label>' in response.text
    assert "<script>alert" not in response.text
    assert webfinger_gets(network) == []


async def test_a_blocked_server_is_refused_without_a_request(client, services, make_artist, network, webfinger):
    await make_artist("ana")
    await add_block(services.sessions, "blocked.example", BlockOptions(severity="suspend"), policy=services.policy)
    webfinger[("sub.blocked.example", "acct:bob@sub.blocked.example")] = mastodon("sub.blocked.example", "bob")
    for typed in ("bob@blocked.example", "bob@sub.blocked.example", "blocked.example"):
        response = await follow(client, typed)
        assert response.status_code == 403, typed
        assert "art.example does not federate with" in response.text
    assert network.gets == []


async def test_without_a_handle_the_page_shows_the_form(client, make_artist):
    await make_artist("ana", display_name="Ana Lima")
    response = await follow(client, None)
    assert response.status_code == 200
    assert "Follow Ana Lima from your server" in response.text
    form = re.search(r'<form class="remote-follow" method="get" action="([^"]+)">', response.text)
    assert form.group(1) == "https://art.example/@ana/remote_follow"
    assert "form-action 'self' https:;" in response.headers["content-security-policy"]
    assert (await follow(client, "bob@mastodon.example", username="nobody")).status_code == 404

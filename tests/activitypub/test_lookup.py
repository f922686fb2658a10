"""object_by_url: pasted web pages resolved to canonical documents, and the answers it must refuse."""

import pytest
from remote_shapes import gotosocial_note, mastodon_note, serve_post, serve_profile

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.lookup import LookupRefused, object_by_url


async def lookup(services, url: str) -> dict:
    return await object_by_url(services.http, url, services.instance_signer, services.config)


def fetched(network) -> list[str]:
    return [str(r.url) for r in network.gets]


async def test_a_mastodon_web_page_leads_to_the_canonical_note(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    page = serve_post(network, note)
    assert page == "https://mastodon.example/@bob/113358201452830421"
    assert await lookup(services, page) == note
    assert fetched(network) == [page, note["id"]]  # the canonical id fetched once, after the page
    for request in network.gets:
        assert request.headers["accept"].startswith("application/activity+json")
        assert "signature" in request.headers  # GoToSocial and secure-mode Mastodon answer signed GETs only


async def test_a_gotosocial_web_page_and_a_profile_page(services, network):
    bea = network.add_actor("bea", host="gts.example")
    note = gotosocial_note(bea)
    page = serve_post(network, note)
    assert page == "https://gts.example/@bea/statuses/01JD5Q2M0KX8Y7T3V9W4R6N2PB"
    assert (await lookup(services, page))["id"] == "https://gts.example/users/bea/statuses/01JD5Q2M0KX8Y7T3V9W4R6N2PB"
    assert (await lookup(services, serve_profile(network, bea)))["id"] == bea.uri


async def test_an_id_is_fetched_once(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    serve_post(network, note)
    assert await lookup(services, note["id"]) == note
    assert fetched(network) == [note["id"]]


async def test_a_canonical_id_on_another_server_is_refused_without_fetching_it(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    page = "https://mastodon.example/@bob/1"
    network.documents[page] = mastodon_note(mallory, "1")  # bob's page claims to be mallory's post
    network.add_document(mastodon_note(mallory, "1"))
    with pytest.raises(LookupRefused, match=r"leads to 'https://evil.example/users/mallory/statuses/1', "
                                            r"which is on another server \(evil.example\); refused"):
        await lookup(services, page)
    assert fetched(network) == [page]
    assert bob  # the page's own server is reachable; only the pointer is wrong


async def test_a_different_port_is_another_server(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    other = network.add_actor("bob", host="mastodon.example:8443")
    page = "https://mastodon.example/@bob/1"
    network.documents[page] = mastodon_note(other, "1")
    with pytest.raises(LookupRefused, match=r"\(mastodon.example:8443\)"):
        await lookup(services, page)
    assert bob


async def test_a_canonical_document_naming_yet_another_id_is_refused_not_followed(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    page = "https://mastodon.example/@bob/1"
    first, second = mastodon_note(bob, "1"), mastodon_note(bob, "2")
    network.documents[page] = first
    network.documents[first["id"]] = second  # the canonical URL answers with another document
    network.add_document(second)
    with pytest.raises(LookupRefused, match=r"points to 'https://mastodon.example/users/bob/statuses/1', "
                                            r"which answers as 'https://mastodon.example/users/bob/statuses/2'"):
        await lookup(services, page)
    assert fetched(network) == [page, first["id"]]  # no third fetch: one hop only


async def test_a_redirect_to_another_server_is_refused(services, network):
    bob = network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    evil = mastodon_note(mallory, "1")
    network.add_document(evil)
    # The page itself redirects away…
    network.redirects["https://mastodon.example/@bob/1"] = evil["id"]
    with pytest.raises(FetchError, match="redirect to another server"):
        await lookup(services, "https://mastodon.example/@bob/1")
    # …or the canonical id (on the right server) redirects away.
    page, canonical = "https://mastodon.example/@bob/2", f"{bob.uri}/statuses/2"
    network.documents[page] = {**mastodon_note(bob, "2")}
    network.redirects[canonical] = evil["id"]
    with pytest.raises(FetchError, match="redirect to another server"):
        await lookup(services, page)


async def test_unreachable_and_non_activitypub_answers_are_fetch_errors(services, network):
    with pytest.raises(FetchError, match="HTTP 404"):
        await lookup(services, "https://mastodon.example/@nobody/1")
    with pytest.raises(FetchError, match="not a valid URL|scheme"):
        await lookup(services, "ftp://mastodon.example/x")
    network.documents["https://mastodon.example/@bob/3"] = {"type": "Note"}
    with pytest.raises(LookupRefused, match="has no id"):
        await lookup(services, "https://mastodon.example/@bob/3")

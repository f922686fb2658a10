"""Fetching remote documents as a remote server can answer: wrong ids, redirects, oversized bodies."""

import httpx
import orjson
import pytest

from fediart.activitypub.fetch import FetchError, fetch_document

AS = "https://www.w3.org/ns/activitystreams"
NOTE = "https://remote.example/notes/1"


def note(uri: str) -> dict:
    return {"@context": AS, "id": uri, "type": "Note", "content": "<p>hi</p>",
            "attributedTo": "https://remote.example/users/bob"}


async def fetch(services, url: str) -> dict:
    return await fetch_document(services.http, url, services.instance_signer, services.config)


async def test_a_document_is_fetched_signed_and_returned(services, network):
    network.add_document(note(NOTE))
    assert (await fetch(services, NOTE))["content"] == "<p>hi</p>"
    [get] = network.gets
    assert "signature" in get.headers  # authorized-fetch servers answer only signed GETs


async def test_a_document_whose_id_is_not_its_url_is_refused(services, network):
    # remote.example serves a document claiming to be another server's note
    network.responses[NOTE] = lambda request: _ap(note("https://victim.example/notes/1"))
    with pytest.raises(FetchError, match="document id is not the URL it came from"):
        await fetch(services, NOTE)


async def test_a_redirect_to_another_server_is_refused(services, network):
    other = "https://other.example/notes/1"
    network.redirects[NOTE] = other
    network.add_document(note(other))
    with pytest.raises(FetchError, match="redirect to another server"):
        await fetch(services, NOTE)
    assert [str(g.url) for g in network.gets] == [NOTE]  # the other server was never asked


async def test_a_redirect_on_the_same_server_is_followed_and_its_id_checked_again(services, network):
    moved = "https://remote.example/notes/1-moved"
    network.redirects[NOTE] = moved
    network.add_document(note(moved))
    assert (await fetch(services, NOTE))["id"] == moved
    # a document that still carries the old id after the redirect is not what the final URL names
    network.responses[moved] = lambda request: _ap(note(NOTE))
    with pytest.raises(FetchError, match="document id"):
        await fetch(services, NOTE)


async def test_redirect_hops_are_capped(services, network):
    hops = [f"https://remote.example/hop/{i}" for i in range(10)]
    for here, there in zip(hops, hops[1:]):
        network.redirects[here] = there
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch(services, hops[0])
    assert len(network.gets) == 4  # the first GET and three redirects


async def test_a_document_declared_too_large_is_refused_before_reading(services, network):
    limit = services.config.federation.max_document_bytes
    body = orjson.dumps(note(NOTE) | {"content": "x" * limit})
    network.responses[NOTE] = lambda request: httpx.Response(
        200, content=body, headers={"content-type": "application/activity+json"})
    with pytest.raises(FetchError, match=f"document is {len(body)} bytes; the limit is {limit}"):
        await fetch(services, NOTE)


async def test_a_document_growing_too_large_while_streamed_is_refused(services, network):
    limit = services.config.federation.max_document_bytes
    body = orjson.dumps(note(NOTE) | {"content": "x" * limit})
    # no Content-Length: only counting the streamed bytes can stop it
    network.responses[NOTE] = lambda request: httpx.Response(
        200, stream=httpx.ByteStream(body), headers={"content-type": "application/activity+json"})
    with pytest.raises(FetchError, match=f"document exceeds {limit} bytes"):
        await fetch(services, NOTE)


def _ap(doc: dict) -> httpx.Response:
    return httpx.Response(200, content=orjson.dumps(doc), headers={"content-type": "application/activity+json"})

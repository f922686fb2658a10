"""Every object type fediart federates or serves carries the licence, checked after JSON-LD expansion.

The documents are the real ones: fetched over HTTP from the app or captured as delivered by the
worker. Accept, Follow and Undo are built by the follow work and tested with it.
"""

from __future__ import annotations

import re

import pytest
from fakes import signed_get
from helpers import AP_ACCEPT, assert_licence_headers
from posting import add_remote, delete, edit, png, publish

from fediart.activitypub.jsonld import expand
from fediart.worker import run_due_work

SCHEMA = "http://schema.org/"
# FEP-6757: `license` is Dublin Core's, and the actor names the licence it prefers.
DC_LICENSE = "http://purl.org/dc/terms/license"
PREFERRED_LICENSE = "https://w3id.org/fep/6757#preferredLicense"
AS = "https://www.w3.org/ns/activitystreams#"
BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"
# docs/licence.md §3: the object terms, and what an image attachment carries instead.
OBJECT_IRIS = {DC_LICENSE, SCHEMA + "usageInfo", SCHEMA + "acquireLicensePage", SCHEMA + "copyrightNotice",
               SCHEMA + "creditText", "http://www.w3.org/ns/tdmrep#reservation", "http://www.w3.org/ns/tdmrep#policy",
               "https://w3id.org/fediart/ns#contentUsage", "https://w3id.org/fediart/ns#xRobotsTag",
               "http://fedibird.com/ns#searchableBy"}
IMAGE_IRIS = (OBJECT_IRIS - {"https://w3id.org/fediart/ns#xRobotsTag", "http://fedibird.com/ns#searchableBy"}) | {
    "http://ns.useplus.org/ldf/xmp/1.0/DataMining"}
# Nodes that describe something other than a work: tags and profile fields.
NOT_WORKS = {AS + "Mention", "http://joinmastodon.org/ns#Hashtag", AS + "Hashtag", "http://schema.org#PropertyValue"}
TYPES = ("Person", "Application", "Note", "Image", "Create", "Update", "Delete", "OrderedCollection",
         "OrderedCollectionPage", "Collection", "Tombstone")


async def _fetch(client, network, path: str, status: int = 200) -> dict:
    response = await signed_get(client, network.fetcher(), path, AP_ACCEPT)
    assert response.status_code == status, path
    assert_licence_headers(response)
    assert re.search(r'<https://art\.example/[^>]*terms>; rel="license"|<https://creativecommons[^>]+>; rel="license"',
                     response.headers["link"]), path
    return response.json()


# The default (all rights reserved: no licence document) and a Creative Commons licence.
LICENCES = {"all-rights-reserved": None, "cc-by-nc-nd-4.0": BY_NC_ND}


@pytest.fixture(params=list(LICENCES))
def licence_key(request) -> str:
    return request.param


@pytest.fixture
async def documents(client, services, network, make_artist, licence_key) -> list[dict]:
    """One of each document, as served or as delivered."""
    ana = await make_artist("ana", licence_key=licence_key)
    await add_remote(services, network, "bob", follows=ana)
    kept = await publish(services, text="Kept #ink", images=[(png(), "a heron")])
    edited = await publish(services, text="Draft", images=[(png(), "reeds")])
    await edit(services, edited.id, text="Final")
    gone = await publish(services, text="Gone")
    await delete(services, gone.id)
    await run_due_work(services)
    served = [
        await _fetch(client, network, "/users/ana"),
        await _fetch(client, network, "/actor"),
        await _fetch(client, network, "/actor/outbox"),
        await _fetch(client, network, "/actor/collections/featured"),
        await _fetch(client, network, f"/users/ana/statuses/{kept.id}"),
        await _fetch(client, network, f"/users/ana/statuses/{kept.id}/activity"),
        await _fetch(client, network, f"/users/ana/statuses/{gone.id}", status=410),
        await _fetch(client, network, "/users/ana/outbox"),
        await _fetch(client, network, "/users/ana/outbox?page=true"),
        await _fetch(client, network, "/users/ana/followers"),
        await _fetch(client, network, "/users/ana/followers?page=1"),
        await _fetch(client, network, "/users/ana/following"),
        await _fetch(client, network, "/users/ana/collections/featured"),
        await _fetch(client, network, "/users/ana/collections/tags"),
    ]
    delivered = [r.body for r in network.received]
    assert {d["type"] for d in delivered} == {"Create", "Update", "Delete"}
    return served + delivered


def _nodes(node: dict):
    """Every node of an expanded document that has a type, with the type's full IRI."""
    if "@value" in node:
        return  # a typed literal (e.g. an xsd:integer), not a node
    for kind in node.get("@type", []):
        yield kind, node
    for key, values in node.items():
        if key.startswith("@"):
            continue
        for value in values if isinstance(values, list) else []:
            if isinstance(value, dict):
                yield from _nodes(value)


def _typed(documents: list[dict]) -> list[tuple[str, dict]]:
    found = []
    for doc in documents:
        [root] = expand(doc)
        found += list(_nodes(root))
    return found


def _assert_licensed(kind: str, node: dict, licence_key: str) -> None:
    undefined = [key for key in node if key.startswith("_:")]
    assert not undefined, f"{kind}: terms the @context does not define: {undefined}"
    expected = IMAGE_IRIS if kind == AS + "Image" else OBJECT_IRIS
    # All rights reserved has no licence document: `license` names the terms page then.
    licence = LICENCES[licence_key] or "https://art.example/@ana/terms"
    if kind == AS + "Application" or str(node.get("@id", "")).startswith("https://art.example/actor/"):
        # The instance actor and its collections carry the instance default: all rights reserved
        # (the site terms) and no acquire licence page (docs/licence.md §1).
        expected = expected - {SCHEMA + "acquireLicensePage"}
        licence = "https://art.example/terms"
    missing = sorted(iri for iri in expected if iri not in node)
    assert not missing, f"{kind} {node.get('@id')} lacks {missing}"
    assert SCHEMA + "license" not in node, kind
    assert node[DC_LICENSE] == [{"@id": licence}], kind
    if kind == AS + "Person":
        assert node[PREFERRED_LICENSE] == [{"@id": licence}]
    assert node["http://www.w3.org/ns/tdmrep#reservation"][0]["@value"] == 1


@pytest.mark.parametrize("type_name", TYPES)
async def test_each_type_carries_the_licence(documents, type_name, licence_key):
    iri = AS + type_name
    nodes = [node for kind, node in _typed(documents) if kind == iri]
    assert nodes, f"no {type_name} among the documents fediart emits"
    for node in nodes:
        _assert_licensed(iri, node, licence_key)
    if type_name == "Image":
        for node in nodes:
            assert node["http://ns.useplus.org/ldf/xmp/1.0/DataMining"] == [
                {"@id": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"}]


async def test_no_other_typed_node_goes_out_unlicensed(documents, licence_key):
    """A type added later without licence terms fails here, even if nobody adds it to TYPES."""
    for kind, node in _typed(documents):
        if kind not in NOT_WORKS:
            assert kind in {AS + t for t in TYPES}, f"{kind} is emitted but not covered by this test"
            _assert_licensed(kind, node, licence_key)

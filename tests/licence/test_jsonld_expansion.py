"""Every document type fediart emits expands with pyld (offline) to full IRIs for each licence term.

The ActivityStreams context maps undefined terms to "_:" IRIs rather than dropping them, so the
assertions look for the exact IRIs, not merely for the values.
"""

import pytest
from fakes import signed_get
from helpers import AP_ACCEPT
from pyld.jsonld import JsonLdError

from fediart.activitypub.jsonld import expand

SCHEMA = "http://schema.org/"
# FEP-6757: Dublin Core `license` on every object, `preferredLicense` on the artist.
DC_LICENSE = "http://purl.org/dc/terms/license"
PREFERRED_LICENSE = "https://w3id.org/fep/6757#preferredLicense"
BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"
LICENCE_IRIS = {
    DC_LICENSE: BY_NC_ND,
    SCHEMA + "usageInfo": None,
    SCHEMA + "acquireLicensePage": None,
    SCHEMA + "copyrightNotice": None,
    SCHEMA + "creditText": None,
    "http://www.w3.org/ns/tdmrep#reservation": 1,
    "http://www.w3.org/ns/tdmrep#policy": None,
    "https://w3id.org/fediart/ns#contentUsage": "train-ai=n, search=n",
    "https://w3id.org/fediart/ns#xRobotsTag": "noai, noimageai, noarchive, noindex",
}
AS = "https://www.w3.org/ns/activitystreams#"


def values(node: dict, iri: str) -> list:
    return [v.get("@id", v.get("@value")) for v in node.get(iri, [])]


def assert_licence_terms(node: dict) -> None:
    undefined = [key for key in node if key.startswith("_:")]
    assert not undefined, f"terms left undefined by the context: {undefined}"
    for iri, expected in LICENCE_IRIS.items():
        got = values(node, iri)
        assert got, f"{iri} missing after expansion"
        if expected is not None:
            assert got == [expected], iri


async def _actor_docs(client, make_artist, network):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    person = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    instance = (await signed_get(client, network.fetcher(), "/actor", AP_ACCEPT)).json()
    return person, instance


async def test_person_expands_with_licence_and_mastodon_terms(client, make_artist, network):
    person, _ = await _actor_docs(client, make_artist, network)
    [node] = expand(person)
    assert_licence_terms(node)
    assert values(node, PREFERRED_LICENSE) == [BY_NC_ND]
    assert node["@type"] == [AS + "Person"]
    for term in ("inbox", "outbox", "followers", "following", "preferredUsername", "name", "summary", "url",
                 "endpoints", "manuallyApprovesFollowers", "published"):
        assert (AS + term) in node or ("http://www.w3.org/ns/ldp#" + term) in node, term
    assert "https://w3id.org/security#publicKey" in node
    assert "http://joinmastodon.org/ns#featured" in node
    assert values(node, "http://joinmastodon.org/ns#indexable") == [False]
    assert values(node, "http://joinmastodon.org/ns#discoverable") == [True]
    for field in node[AS + "attachment"]:
        assert field["@type"] == ["http://schema.org#PropertyValue"]
        assert values(field, AS + "name") and values(field, "http://schema.org#value")


async def test_instance_actor_expands_with_licence_terms(client, make_artist, network):
    _, instance = await _actor_docs(client, make_artist, network)
    [node] = expand(instance)
    assert node["@type"] == [AS + "Application"]
    assert values(node, "http://www.w3.org/ns/tdmrep#reservation") == [1]
    assert values(node, "https://w3id.org/fediart/ns#contentUsage")


async def test_extension_context_document_defines_the_same_terms(client):
    context = (await client.get("/ns/fediart.jsonld")).json()
    doc = {"@context": [context["@context"]], "id": "https://art.example/x", "license": "https://l.example/",
           "preferredLicense": "https://p.example/", "xRobotsTag": "noai", "tdmReservation": 1, "contentUsage": "train-ai=n", "dataMining": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"}
    [node] = expand(doc)
    assert values(node, DC_LICENSE) == ["https://l.example/"]
    assert values(node, PREFERRED_LICENSE) == ["https://p.example/"]
    assert values(node, "https://w3id.org/fediart/ns#xRobotsTag") == ["noai"]
    assert values(node, "http://ns.useplus.org/ldf/xmp/1.0/DataMining") == ["http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED"]


def test_the_loader_refuses_unknown_contexts():
    with pytest.raises(JsonLdError):
        expand({"@context": "https://evil.example/context.jsonld", "id": "https://x.example/"})

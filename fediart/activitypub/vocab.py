"""ActivityStreams vocabulary: the @context fediart emits, content types and well-known IRIs."""

from __future__ import annotations

import json
from importlib import resources

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

# The extension namespace is fixed and independent of any instance's domain, so every fediart
# server's documents mean the same thing.
FEDIART_NS = "https://w3id.org/fediart/ns#"

AP_CONTENT_TYPE = "application/activity+json"
LD_CONTENT_TYPE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP_ACCEPT = f"{AP_CONTENT_TYPE}, {LD_CONTENT_TYPE}"

# Mastodon's extension terms, copied in meaning from what Mastodon emits, so that Mastodon-style
# consumers (which read compacted keys) see exactly what they expect.
_MASTODON_TERMS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    "movedTo": {"@id": "as:movedTo", "@type": "@id"},
    "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
    "toot": "http://joinmastodon.org/ns#",
    "Emoji": "toot:Emoji",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
    "blurhash": "toot:blurhash",
    "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    "votersCount": "toot:votersCount",
    "suspended": "toot:suspended",
    "memorial": "toot:memorial",
    "ostatus": "http://ostatus.org#",
    "atomUri": "ostatus:atomUri",
    # Mastodon's schema.org prefix ends in '#'; kept for PropertyValue so consumers match it.
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    # FEP-2c59: the actor's canonical acct: address.
    "webfinger": {"@id": "https://purl.archive.org/socialweb/webfinger#webfinger",
                  "@type": "http://www.w3.org/2001/XMLSchema#string"},
}


def _load_bundled(name: str) -> dict:
    return json.loads(resources.files("fediart.activitypub").joinpath("contexts", name).read_text("utf-8"))


def extension_terms() -> dict:
    """The licence terms of the bundled fediart context, for inlining."""
    terms = dict(_load_bundled("fediart.jsonld")["@context"])
    terms.pop("@version", None)
    return terms


def document_context() -> list:
    """The @context of every document fediart emits: AS2, security, then the inlined terms."""
    return [AS_CONTEXT, SECURITY_CONTEXT, {**_MASTODON_TERMS, **extension_terms()}]


CONTEXT = document_context()

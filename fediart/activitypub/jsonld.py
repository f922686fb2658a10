"""JSON-LD processing with bundled contexts only: the document loader never reaches the network."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from fediart.activitypub.vocab import AS_CONTEXT, SECURITY_CONTEXT

_BUNDLED = {
    AS_CONTEXT: "activitystreams.jsonld",
    "http://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
    "https://www.w3.org/ns/activitystreams.jsonld": "activitystreams.jsonld",
    SECURITY_CONTEXT: "security-v1.jsonld",
    "https://w3id.org/fediart/ns": "fediart.jsonld",
}


class UnknownContextError(Exception):
    """A document referred to a context that is not bundled; we refuse rather than fetch it."""


@lru_cache(maxsize=None)
def read_bundled_context(name: str) -> dict:
    return json.loads(resources.files("fediart.activitypub").joinpath("contexts", name).read_text("utf-8"))


def offline_loader(url: str, options: dict | None = None) -> dict:
    """pyld document loader that serves bundled contexts and refuses everything else."""
    name = _BUNDLED.get(url.split("#")[0])
    if name is None:
        raise UnknownContextError(f"JSON-LD context {url} is not bundled; refusing to fetch it")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": read_bundled_context(name)}


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Expand a document with the offline loader; raises pyld's JsonLdError on unknown contexts."""
    # Imported here: pyld brings requests and lxml (~25 MiB), which a server that never expands
    # a document (the hot paths read compacted keys) should not hold.
    from pyld import jsonld

    return jsonld.expand(document, {"documentLoader": offline_loader})

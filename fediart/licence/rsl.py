"""Licence rendered as RSL 1.0 (Really Simple Licensing, application/rsl+xml): the instance and per-artist files.

Built with ElementTree, so names and URLs from accounts are escaped by the serialiser, never by hand.
The mapping from a Licence to usage tokens is in docs/licence.md §4.2.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from fediart.licence.model import Licence

RSL_NS = "https://rslstandard.org/rsl"

ET.register_namespace("", RSL_NS)

_CC0 = "https://creativecommons.org/publicdomain/"


def artist_paths(username: str) -> tuple[str, ...]:
    """RFC 9309 patterns for everything of one artist: "$" ends the bare pages so /@ana is not /@anabel."""
    return (f"/@{username}$", f"/@{username}/*", f"/users/{username}$", f"/users/{username}/*",
            f"/media/{username}/*")


def usage_terms(licence: Licence) -> tuple[list[str], list[str]]:
    """(permitted, prohibited) RSL usage tokens.

    A `permits` list means "only these", so it names every use the artist allows: `all` when
    nothing is reserved. Generative-only artists keep `ai-index` (retrieval without generation) open.
    """
    if not licence.ai_training_reserved:
        ai_allowed, ai_denied = ["ai-all"], []
    elif licence.generative_only:
        ai_allowed, ai_denied = ["ai-index"], ["ai-train", "ai-input"]
    else:
        ai_allowed, ai_denied = [], ["ai-train", "ai-input", "ai-index"]
    permitted = (["search"] if licence.search_indexing else []) + ai_allowed
    if permitted == ["search", "ai-all"]:
        permitted = ["all"]
    prohibited = ([] if licence.search_indexing else ["search"]) + ai_denied
    return permitted, prohibited


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{RSL_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _payment(parent: ET.Element, licence: Licence) -> None:
    """CC licences by their standard URL: attribution for CC BY-*, free for CC0; nothing for all rights reserved."""
    if not licence.url:
        return
    kind = "free" if licence.url.startswith(_CC0) else "attribution"
    _sub(_sub(parent, "payment", type=kind), "standard", licence.url)


def content_element(parent: ET.Element, url: str, licence: Licence, holder: str = "person") -> ET.Element:
    """One <content> block: usage permitted/prohibited, payment, rights holder and terms page."""
    content = _sub(parent, "content", url=url)
    terms = _sub(content, "license")
    permitted, prohibited = usage_terms(licence)
    if permitted:
        _sub(terms, "permits", " ".join(permitted), type="usage")
    if prohibited:
        _sub(terms, "prohibits", " ".join(prohibited), type="usage")
    _payment(terms, licence)
    contact = {"contactUrl": licence.acquire_licence_url} if licence.acquire_licence_url else {}
    _sub(content, "copyright", licence.creator, type=holder, **contact)
    _sub(content, "terms", licence.usage_info_url)
    return content


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def artist_rsl(username: str, licence: Licence, posts: Sequence[tuple[str, Licence]] = ()) -> bytes:
    """/@NAME/license.xml: the artist's terms for each of their paths, then posts under another licence."""
    root = ET.Element(f"{{{RSL_NS}}}rsl")
    for path in artist_paths(username):
        content_element(root, path, licence)
    for path, post_licence in posts:
        content_element(root, path, post_licence)
    return _serialise(root)


def site_rsl(site: Licence, per_artist: Sequence[tuple[str, Licence]],
             posts: Sequence[tuple[str, Licence]] = ()) -> bytes:
    """/license.xml: each artist's paths with their own terms, single posts, then the instance default.

    RSL applies the narrower scope first, so "/" only governs what no artist block matches, and a
    post's own block wins over its artist's.
    """
    root = ET.Element(f"{{{RSL_NS}}}rsl")
    for username, licence in per_artist:
        for path in artist_paths(username):
            content_element(root, path, licence)
    for path, post_licence in posts:
        content_element(root, path, post_licence)
    content_element(root, "/", site, holder="organization")
    return _serialise(root)

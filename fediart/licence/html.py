"""Licence rendered for HTML pages: robots and TDMRep meta, rel=license, and schema.org JSON-LD."""

from __future__ import annotations

from typing import Any

import orjson

from fediart.licence.model import Licence


def robots_meta(licence: Licence) -> str:
    return licence.x_robots_tag


def schema_org(licence: Licence, *, kind: str, url: str, name: str, image: str | None = None,
               creator_url: str | None = None) -> dict[str, Any]:
    """A schema.org description (ProfilePage, ImageObject, CreativeWork) with the licence terms."""
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": kind, "url": url, "name": name}
    if image:
        doc["contentUrl" if kind == "ImageObject" else "image"] = image
    doc["license"] = licence.url or licence.usage_info_url
    doc["usageInfo"] = licence.usage_info_url
    if licence.acquire_licence_url:
        doc["acquireLicensePage"] = licence.acquire_licence_url
    doc["creditText"] = licence.credit_text
    doc["copyrightNotice"] = licence.copyright_notice
    creator: dict[str, Any] = {"@type": "Person", "name": licence.creator}
    if creator_url:
        creator["url"] = creator_url
    doc["creator"] = creator
    return doc


def schema_org_script(doc: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block, safe against '</script>' in user text."""
    return orjson.dumps(doc).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

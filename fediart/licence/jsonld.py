"""Licence rendered as ActivityStreams JSON-LD properties (terms defined in the document @context)."""

from __future__ import annotations

from html import escape
from typing import Any

from fediart.licence.model import Licence

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def object_terms(licence: Licence, author: str) -> dict[str, Any]:
    """Properties for every object, collection and activity fediart federates, by `author` (actor URL)."""
    # FEP-6757 (dcterms:license). All rights reserved has no licence document, so the terms page is
    # the licence then, as in the Link header; receivers that must have a licence IRI get one.
    terms: dict[str, Any] = {"license": licence.document_url}
    terms["usageInfo"] = licence.usage_info_url
    if licence.acquire_licence_url:
        terms["acquireLicensePage"] = licence.acquire_licence_url
    terms["copyrightNotice"] = licence.copyright_notice
    terms["creditText"] = licence.credit_text
    terms["tdmReservation"] = licence.tdm_reservation
    terms["tdmPolicy"] = licence.tdm_policy_url
    terms["contentUsage"] = licence.content_usage
    # FEP-5e53: the X-Robots-Tag value this object would be served with, for receivers that re-serve it.
    terms["xRobotsTag"] = licence.x_robots_tag
    # FEP-268d: who may find this through search. An empty list counts as "unset", so when the
    # artist has not opted in, only the author may search it.
    terms["searchableBy"] = [PUBLIC] if licence.search_indexing else [author]
    return terms


def actor_terms(licence: Licence, actor: str) -> dict[str, Any]:
    """The object terms plus FEP-6757 `preferredLicense`: what the artist licenses new work under.

    FEP-6757 says it is not a fallback for objects without a licence; each object carries its own.
    """
    return {**object_terms(licence, actor), "preferredLicense": licence.document_url}


def attachment_terms(licence: Licence) -> dict[str, Any]:
    """Properties for each image attachment, including the IPTC value that survives metadata stripping."""
    terms = {k: v for k, v in object_terms(licence, "").items() if k not in ("searchableBy", "xRobotsTag")}
    terms["dataMining"] = licence.data_mining
    return terms


def actor_fields(licence: Licence) -> list[dict[str, str]]:
    """PropertyValue fields that Mastodon shows on the profile, so people see the licence too."""
    if licence.ai_training_reserved:
        ai = "Not permitted (TDM rights reserved)"
        if licence.generative_only:
            ai = "Generative AI training not permitted (TDM rights reserved)"
    else:
        ai = "Permitted"
    if licence.url:
        rights = f'<a href="{escape(licence.url)}" rel="license nofollow noopener" target="_blank">{escape(licence.name)}</a>'
    else:
        rights = f'All rights reserved · <a href="{escape(licence.usage_info_url)}" rel="nofollow noopener" target="_blank">terms</a>'
    return [
        {"type": "PropertyValue", "name": "AI training", "value": ai},
        {"type": "PropertyValue", "name": "Licence", "value": rights},
    ]

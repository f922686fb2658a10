"""Licence rendered as HTTP response headers (TDMRep, IETF AIPREF, X-Robots-Tag, Link rel=license, RSL)."""

from __future__ import annotations

from fediart.licence.model import Licence

RSL_MEDIA_TYPE = "application/rsl+xml"


def http_headers(licence: Licence) -> dict[str, str]:
    """Headers for every response that serves the artist's work or pages about it."""
    headers = {
        "tdm-reservation": str(licence.tdm_reservation),
        "tdm-policy": licence.tdm_policy_url,
        "Content-Usage": licence.content_usage,
        "X-Robots-Tag": licence.x_robots_tag,
    }
    # All rights reserved has no licence document: the terms page is the licence then.
    links = [f'<{licence.document_url}>; rel="license"']
    links.append(f'<{licence.usage_info_url}>; rel="terms-of-service"')
    # RSL 1.0 discovery; after the plain rel=license, which readers that take the first one expect.
    if licence.rsl_url:
        links.append(f'<{licence.rsl_url}>; rel="license"; type="{RSL_MEDIA_TYPE}"')
    headers["Link"] = ", ".join(links)
    return headers


def request_headers(licence: Licence) -> dict[str, str]:
    """Headers for outgoing inbox POSTs: the AIPREF draft lets receivers reuse body preferences."""
    return {"Content-Usage": licence.content_usage}

"""Jinja filters for what other servers control: links only to http(s), HTML reduced to safe markup.

A remote actor chooses its own `url`, `icon` and post ids; rendered as a link, `javascript:` or
`data:` would run in our origin. Every template renders such values through these filters.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

from fediart.text import ALLOWED_TAGS

SCHEMES = {"http", "https"}
# The microformat and Mastodon classes posts use for mentions and hashtags; no others.
_CLASS = re.compile(r"^(h|p|u|dt|e)-[\w-]+$|^(mention|hashtag|ellipsis|invisible)$")


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else None (render it as text or not at all)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return None
    # Control characters and whitespace never belong in a URL; browsers strip some and would
    # then read a different URL than the one checked here.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    return text


def _keep_class(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    return " ".join(c for c in value.split() if _CLASS.match(c)) or None


def safe_html(markup: str | None) -> Markup:
    """Stored post or bio HTML, cleaned again as it is rendered: links limited to http(s)."""
    return Markup(nh3.clean(
        markup or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "class", "target", "translate"}, "span": {"class", "translate"},
                    "p": {"class"}},
        url_schemes=SCHEMES,
        link_rel="nofollow noopener noreferrer",
        attribute_filter=_keep_class,
    ))


FILTERS = {"safe_url": safe_url, "safe_html": safe_html}

"""Turning what people type into safe HTML, and cleaning HTML that arrives from elsewhere."""

from __future__ import annotations

import html
import re

import nh3

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")

# Mastodon's allowlist (see research/interop.md §4), so what we store renders the same everywhere.
ALLOWED_TAGS = {"p", "span", "br", "a", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li",
                "blockquote"}
ALLOWED_SCHEMES = {"http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini"}
_CLASS_RE = re.compile(r"^(h|p|u|dt|e)-[\w-]+$|^(mention|hashtag|ellipsis|invisible)$")


def _linkify(escaped: str) -> str:
    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        return f'<a href="{url}" rel="nofollow noopener" target="_blank">{url}</a>'

    return _URL.sub(link, escaped)


def plain_to_html(text: str) -> str:
    """Plain text to paragraphs, with line breaks kept and bare URLs made into links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = [_linkify(html.escape(line, quote=True)) for line in paragraph.splitlines()]
        out.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(out)


def _keep_class(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "class":
        return value
    kept = [c for c in value.split() if _CLASS_RE.match(c)]
    return " ".join(kept) or None


def sanitize_html(markup: str) -> str:
    """Remote or user HTML reduced to Mastodon's allowlist."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "class", "target"}, "span": {"class"}, "p": {"class"}},
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        attribute_filter=_keep_class,
    )

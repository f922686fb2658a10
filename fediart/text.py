"""Turning what people type into safe HTML, cleaning HTML that arrives from elsewhere, and text safe for a terminal."""

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


# Terminal escape sequences, whole, so their parameters do not linger as visible junk: CSI (colours, cursor
# moves, screen clears), the string commands OSC/DCS/SOS/PM/APC (window titles, hyperlinks, clipboard
# writes) up to their terminator, and two-character escapes; each in its 7-bit (ESC …) and 8-bit (C1) form.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
# Whatever would end or rewind a line: one remote value must never start a line of its own.
_LINE_BREAK = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
# Other controls (C0 such as backspace and BEL, DEL, C1), bidirectional overrides, embeddings, isolates
# and marks (they reorder what follows them, so a name could forge the rest of the line), lone surrogates.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def terminal_safe(value: object) -> str:
    """Text from elsewhere made printable on one terminal line: escapes and controls removed, line breaks as spaces."""
    text = _ESCAPE_SEQUENCE.sub("", str(value))
    return _INVISIBLE.sub("", _LINE_BREAK.sub(" ", text))


_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</blockquote>", re.IGNORECASE)


def plain_excerpt(markup: str, limit: int = 60) -> str:
    """Stored HTML as one short line of text (tags dropped, entities decoded, controls removed, whitespace folded)."""
    text = terminal_safe(html.unescape(nh3.clean(_BREAKS.sub(" ", markup), tags=set())))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

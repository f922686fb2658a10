"""What an artist types, as the safe HTML and tags of a Note: links, @mentions and #hashtags.

Pure: mentions are resolved by the caller (outbox/publish.py) and passed in, so this module never
touches the network. Everything the artist typed is escaped; the only markup is what we add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

_URL = r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"
# @user or @user@host. Not after a word character, "/" or "@", so that e-mail addresses and the
# paths of URLs are left alone; the host needs no dot, for loopback peers like localhost:8124.
_MENTION = r"(?<![\w/@.])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)(?:@(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?))?"
_HASHTAG = r"(?<![\w/&#])#(?P<tag>\w{1,100})"
_TOKEN = re.compile(f"(?P<url>{_URL})|(?P<mention>{_MENTION})|(?P<hashtag>{_HASHTAG})", re.IGNORECASE)


@dataclass(frozen=True)
class Mentioned:
    """A resolved mention: the actor's id, the page to link, and the full handle "user@host"."""

    uri: str
    url: str
    acct: str


def find_handles(text: str) -> list[str]:
    """Handles as typed ("user" or "user@host"), first occurrence order, without duplicates."""
    found = [m.group("mention")[1:] for m in _TOKEN.finditer(text) if m.group("mention")]
    return list(dict.fromkeys(h.lower() for h in found))


def _is_hashtag(name: str) -> bool:
    # Mastodon ignores "#1" and "#_": a tag needs a letter.
    return any(c.isalpha() for c in name)


def render_text(text: str, mentions: Mapping[str, Mentioned], tag_url: Callable[[str], str]) -> tuple[str, list[dict[str, Any]]]:
    """(HTML, tags): paragraphs and line breaks kept; unresolved mentions stay plain text.

    `mentions` maps a handle as find_handles returns it to whom it names. Tags are Mention and
    Hashtag objects as ActivityStreams wants them, each once.
    """
    tags: dict[str, dict[str, Any]] = {}

    def token(match: re.Match[str]) -> str:
        if match.group("url"):
            url = escape(match.group("url"))
            return f'<a href="{url}" rel="nofollow noopener" target="_blank">{url}</a>'
        if match.group("mention"):
            target = mentions.get(match.group("mention")[1:].lower())
            if target is None:
                return escape(match.group(0))
            tags.setdefault("m:" + target.uri, {"type": "Mention", "href": target.uri, "name": "@" + target.acct})
            user = escape(target.acct.split("@", 1)[0])
            return (f'<span class="h-card" translate="no"><a href="{escape(target.url)}" class="u-url mention">'
                    f"@<span>{user}</span></a></span>")
        name = match.group("tag")
        if not _is_hashtag(name):
            return escape(match.group(0))
        href = tag_url(name)
        tags.setdefault("t:" + name.lower(), {"type": "Hashtag", "href": href, "name": "#" + name})
        return f'<a href="{escape(href)}" class="mention hashtag" rel="tag">#<span>{escape(name)}</span></a>'

    def line(raw: str) -> str:
        out, last = [], 0
        for match in _TOKEN.finditer(raw):
            out.append(escape(raw[last:match.start()]))
            out.append(token(match))
            last = match.end()
        out.append(escape(raw[last:]))
        return "".join(out)

    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = "".join("<p>" + "<br>".join(line(raw) for raw in p.splitlines()) + "</p>" for p in paragraphs)
    return html, list(tags.values())

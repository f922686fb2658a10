"""A remote Note, Article or Page as RemotePost fields: pure conversion, no database and no network.

Everything here is remote input: HTML is sanitised, URLs must be http(s) and fit their column, lists are
capped, and the licence terms a note carried are kept as sent (the licence parser reads them later).
"""

from __future__ import annotations

import re
from typing import Any

from fediart.activitypub.refs import id_of, ids_of, type_of
from fediart.activitypub.vocab import PUBLIC
from fediart.licence.remote_signals import post_record
from fediart.media.provenance import normalise_source_type
from fediart.store.fit import fit_text, fit_url
from fediart.store.states import Visibility
from fediart.text import sanitize_html

CONTENT_MAX = 100_000  # characters of HTML kept of a remote note; long-form Articles fit, floods don't
SUMMARY_MAX = 1000  # RemotePost.summary's column
ATTACHMENTS_MAX = 16
TAGS_MAX = 64
MENTIONS_MAX = 64
DESCRIPTION_MAX = 5000
LICENCE_MAX_KEYS = 32
PUBLIC_FORMS = {PUBLIC, "as:Public", "Public"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$")
# The properties licence terms travel in, by the names servers compact them to: schema.org's license and
# usageInfo (also as full IRIs), the TDM reservation vocabulary, ODRL policies and fediart's own terms.
_LICENCE_NAMES = {"license", "licence", "usageInfo", "copyrightNotice", "creditText", "acquireLicensePage",
                  "copyrightHolder", "tdmReservation", "tdmPolicy", "contentUsage", "hasPolicy", "policy",
                  "rights", "searchableBy"}


def fit_html(text: str, limit: int) -> str:
    """Sanitised HTML of at most `limit` characters, cut between tags and still well-formed."""
    budget = limit
    while budget > 0:
        cut = text[:budget]
        if cut.rfind("<") > cut.rfind(">"):  # half a tag or half an entity would show as text
            cut = cut[:cut.rfind("<")]
        if cut.rfind("&") > cut.rfind(";"):
            cut = cut[:cut.rfind("&")]
        clean = sanitize_html(cut)  # nh3 drops NUL too
        if len(clean) <= limit:
            return clean
        # Sanitising closed the elements the cut left open, or escaped characters: cut deeper.
        budget -= max(1, len(clean) - limit)
    return ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _content_map(note: dict[str, Any]) -> dict[str, Any]:
    return note.get("contentMap") if isinstance(note.get("contentMap"), dict) else {}


def content_of(note: dict[str, Any]) -> str:
    content = note.get("content")
    if not isinstance(content, str):
        content = next((v for v in _content_map(note).values() if isinstance(v, str)), "")
    return fit_html(content, CONTENT_MAX)


def summary_of(note: dict[str, Any]) -> str:
    summary = note.get("summary")
    return fit_html(summary, SUMMARY_MAX) if isinstance(summary, str) else ""


def url_of(note: dict[str, Any]) -> str | None:
    url = note.get("url")
    if isinstance(url, list):
        url = url[0] if url else None
    if isinstance(url, dict):
        url = url.get("href")
    return fit_url(url)


def language_of(note: dict[str, Any]) -> str | None:
    """The language the note's contentMap names (its first key), if it is a plausible BCP 47 tag."""
    return next((key for key in _content_map(note) if isinstance(key, str) and _LANGUAGE.match(key)), None)


def visibility_of(note: dict[str, Any], followers_url: str | None) -> Visibility:
    """Visibility from the addressing, as Mastodon reads it."""
    to, cc = set(ids_of(note.get("to"))), set(ids_of(note.get("cc")))
    if to & PUBLIC_FORMS:
        return Visibility.PUBLIC
    if cc & PUBLIC_FORMS:
        return Visibility.UNLISTED
    if followers_url and followers_url in to | cc:
        return Visibility.FOLLOWERS
    return Visibility.DIRECT


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e6 else None


def _focal(value: Any) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return max(-1.0, min(1.0, float(value[0]))), max(-1.0, min(1.0, float(value[1])))
    return 0.0, 0.0


def _attachment_url(item: dict[str, Any]) -> str | None:
    url = item.get("url")
    for candidate in _list(url):
        found = fit_url(candidate.get("href") if isinstance(candidate, dict) else candidate)
        if found:
            return found
    return fit_url(item.get("href"))


# schema.org digitalSourceType by the names a sender may compact it to. Mastodon, Pixelfed and Misskey
# send no equivalent (an AI label is an open request in each: mastodon #30277, pixelfed #5911), so this
# is the one field read; it may also sit on the Note, for every image of it.
_SOURCE_TYPE_NAMES = ("digitalSourceType", "schema:digitalSourceType", "http://schema.org/digitalSourceType",
                      "https://schema.org/digitalSourceType", "http://schema.org#digitalSourceType")


def source_type_of(item: dict[str, Any]) -> str:
    """The IPTC URL a remote object's digitalSourceType names; "" when absent or not an IPTC type."""
    for name in _SOURCE_TYPE_NAMES:
        for value in _list(item.get(name))[:4]:
            found = normalise_source_type((value.get("@id") or value.get("id")) if isinstance(value, dict) else value)
            if found:
                return found
    return ""


def attachments_of(note: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    note_source_type = source_type_of(note)
    for item in _list(note.get("attachment"))[:ATTACHMENTS_MAX]:
        if not isinstance(item, dict):
            continue
        url = _attachment_url(item)
        if url is None:
            continue
        description = item.get("name") if isinstance(item.get("name"), str) else item.get("summary")
        media_type = item.get("mediaType")
        blurhash = item.get("blurhash")
        focal_x, focal_y = _focal(item.get("focalPoint"))
        found.append({
            "url": url,
            "media_type": fit_text(media_type, 64) if isinstance(media_type, str) else None,
            "description": fit_text(description, DESCRIPTION_MAX) if isinstance(description, str) else None,
            "blurhash": fit_text(blurhash, 100) if isinstance(blurhash, str) else None,
            "width": _number(item.get("width")),
            "height": _number(item.get("height")),
            "focal_x": focal_x,
            "focal_y": focal_y,
            **({"digital_source_type": made} if (made := source_type_of(item) or note_source_type) else {}),
        })
    return found


def tags_of(note: dict[str, Any]) -> list[str]:
    names = []
    for tag in _list(note.get("tag")):
        if isinstance(tag, dict) and type_of(tag) == "Hashtag" and isinstance(tag.get("name"), str):
            name = fit_text(tag["name"].strip().lstrip("#"), 100)
            if name and name.lower() not in (n.lower() for n in names):
                names.append(name)
    return names[:TAGS_MAX]


def mention_hrefs(note: dict[str, Any]) -> list[str]:
    """Actor IRIs the note's Mention tags name (what clients list as its mentions)."""
    hrefs = [id_of(t.get("href")) for t in _list(note.get("tag")) if isinstance(t, dict) and type_of(t) == "Mention"]
    return list(dict.fromkeys(h for h in hrefs if h and fit_url(h)))[:MENTIONS_MAX]


def addressed(note: dict[str, Any]) -> list[str]:
    """Actor IRIs the note mentions or addresses (a direct post may carry no Mention tag)."""
    others = [a for a in ids_of(note.get("to")) + ids_of(note.get("cc")) if a not in PUBLIC_FORMS]
    return list(dict.fromkeys(mention_hrefs(note) + others))[:MENTIONS_MAX * 2]


def _licence_name(key: str) -> str:
    # "schema:license", "http://schema.org/license" and "license" are one property to the parser.
    return re.split(r"[#/:]", key)[-1]


def licence_of(note: dict[str, Any]) -> dict[str, Any] | None:
    """The licence-bearing properties as sent, keyed by their names in the note; None if there are none."""
    found = {key: value for key, value in note.items() if _licence_name(key) in _LICENCE_NAMES}
    return dict(list(found.items())[:LICENCE_MAX_KEYS]) or None


def note_fields_from_ap(note: dict[str, Any], followers_url: str | None,
                        actor_licence: Any = None) -> dict[str, Any]:
    """The RemotePost fields a note's author may change (Update applies these again)."""
    return {
        "url": url_of(note),
        "content": content_of(note),
        "summary": summary_of(note),
        "sensitive": note.get("sensitive") is True,
        "language": language_of(note),
        "attachments": attachments_of(note),
        "tags": tags_of(note),
        "mentions": mention_hrefs(note),
        # The terms as sent and the signals parsed under the author's (Actor.licence).
        "licence": post_record(note, actor_licence),
        "visibility": visibility_of(note, followers_url),
    }

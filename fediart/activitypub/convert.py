"""Local posts as ActivityStreams: pure functions from table rows to the JSON we deliver and serve.

Publishing (outbox/publish.py) and the GET routes (objects.py, collections.py) both build their
documents here, so the Note a server fetches later is the Note it was sent. Every object and
activity carries its author's licence terms (docs/licence.md §3); a post may override the licence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.catalogue import licence_by_key
from fediart.licence.jsonld import attachment_terms, object_terms
from fediart.licence.model import Licence
from fediart.store.tables import Account, Media, Post
from fediart.urls import Urls

VISIBILITIES = ("public", "unlisted", "followers", "direct")

# Mastodon's Tombstone carries `atomUri`, which neither our context nor AS2 defines; the term is
# added here (Mastodon's own definition) so the Delete expands without undefined terms.


def iso(moment: datetime) -> str:
    """ActivityStreams date: UTC, seconds, "Z" (SQLite hands datetimes back without a zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_licence(account_licence: Licence, licence_key: str | None) -> Licence:
    """The licence of one post: the account's, with the post's own licence key when it has one.

    Only the copyright licence changes; the AI reservation, credit and policy pages are the artist's.
    """
    if not licence_key or licence_key == account_licence.key:
        return account_licence
    entry = licence_by_key(licence_key)
    return dataclasses.replace(account_licence, key=entry.key, name=entry.name, url=entry.url)


def addressing(visibility: str, followers: str, mentions: Sequence[str]) -> tuple[list[str], list[str]]:
    """(to, cc) as Mastodon addresses each visibility, so receivers classify the post the same way."""
    mentioned = list(dict.fromkeys(mentions))
    if visibility == "public":
        return [PUBLIC], [followers, *mentioned]
    if visibility == "unlisted":
        return [followers], [PUBLIC, *mentioned]
    if visibility == "followers":
        return [followers], mentioned
    if visibility == "direct":
        return mentioned, []
    raise ValueError(f"unknown visibility {visibility!r}")


def licence_notice(licence: Licence) -> str:
    """The human licence line appended to `content`: Mastodon and most clients show no licence field."""
    return f'<p>{escape(licence.summary)} · <a href="{escape(licence.usage_info_url)}">terms</a></p>'


def mentioned_uris(post: Post) -> list[str]:
    """Actor URIs of the post's Mention tags: who is addressed besides the visibility's audience."""
    return [tag["href"] for tag in post.tags if tag.get("type") == "Mention" and tag.get("href")]


def attachment_to_ap(media: Media, urls: Urls, licence: Licence) -> dict[str, Any]:
    """One image: Mastodon reads `name`, GoToSocial `summary`, Pixelfed `name` only, so alt goes in both."""
    alt = media.description or None
    # How it was made (schema.org digitalSourceType, an IPTC URL), only when the file or artist said.
    made = {"digitalSourceType": media.digital_source_type} if media.digital_source_type else {}
    return {
        "type": "Image",
        "mediaType": media.media_type,
        "url": urls.media(media.file),
        "name": alt,
        "summary": alt,
        "width": media.width,
        "height": media.height,
        "blurhash": media.blurhash or None,
        "focalPoint": [media.focal_x, media.focal_y],
        **made,
        **attachment_terms(licence),
    }


def _tag_to_ap(tag: dict[str, Any]) -> dict[str, Any]:
    return {"type": tag["type"], "href": tag["href"], "name": tag["name"]}


def post_to_ap(post: Post, media: Sequence[Media], account: Account, urls: Urls, licence: Licence,
               mentions: Sequence[str] | None = None, *, language: str) -> dict[str, Any]:
    """The Note: Mastodon's fields, the alt texts, and the licence on the Note and on each image.

    `licence` is the post's licence (see post_licence). `mentions` are the actor URIs to address;
    by default those of the post's Mention tags. The post's own language, or else `language` (the
    instance's default, a BCP 47 tag), keys `contentMap`, which Mastodon reads as the post's language.
    """
    name = account.username
    author = urls.actor(name)
    to, cc = addressing(post.visibility, urls.followers(name), mentioned_uris(post) if mentions is None else mentions)
    content = post.content + licence_notice(licence)
    note: dict[str, Any] = {
        "@context": CONTEXT,
        "id": urls.status(name, post.id),
        "type": "Note",
        "summary": post.summary or None,
        "inReplyTo": post.in_reply_to,
        "published": iso(post.published),
        "url": urls.status_page(name, post.id),
        "attributedTo": author,
        "to": to,
        "cc": cc,
        # A content warning hides the media too, as Mastodon does.
        "sensitive": bool(post.sensitive or post.summary),
        "content": content,
        "contentMap": {post.language or language: content},
        "attachment": [attachment_to_ap(m, urls, licence) for m in sorted(media, key=lambda m: m.position)],
        "tag": [_tag_to_ap(t) for t in post.tags],
    }
    if post.updated is not None:
        note["updated"] = iso(post.updated)
    note.update(object_terms(licence, author))
    return note


def _embedded(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "@context"}


def create_activity(note: dict[str, Any], licence: Licence) -> dict[str, Any]:
    """Create{Note}, id "<note>/activity", addressed like the Note."""
    actor = note["attributedTo"]
    return {
        "@context": CONTEXT,
        "id": note["id"] + "/activity",
        "type": "Create",
        "actor": actor,
        "published": note["published"],
        "to": note["to"],
        "cc": note["cc"],
        "object": _embedded(note),
        **object_terms(licence, actor),
    }


def update_activity(note: dict[str, Any], licence: Licence) -> dict[str, Any]:
    """Update{Note}, id "<note>#updates/<unix time of the edit>"; the Note must carry `updated`."""
    updated = note.get("updated")
    if updated is None:
        raise ValueError("an Update needs a Note with `updated` (Mastodon ignores it otherwise)")
    stamp = int(datetime.strptime(updated, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    actor = note["attributedTo"]
    return {
        "@context": CONTEXT,
        "id": f"{note['id']}#updates/{stamp}",
        "type": "Update",
        "actor": actor,
        "published": updated,
        "to": note["to"],
        "cc": note["cc"],
        "object": _embedded(note),
        **object_terms(licence, actor),
    }


def delete_activity(post: Post, account: Account, urls: Urls, licence: Licence) -> dict[str, Any]:
    """Delete{Tombstone}, id "<note>#delete", addressed to Public as Mastodon does for every Delete."""
    author = urls.actor(account.username)
    note_id = urls.status(account.username, post.id)
    terms = object_terms(licence, author)
    return {
        "@context": CONTEXT,
        "id": note_id + "#delete",
        "type": "Delete",
        "actor": author,
        "to": [PUBLIC],
        "object": {"id": note_id, "type": "Tombstone", "atomUri": note_id, **terms},
        **terms,
    }


def tombstone_to_ap(object_id: str, former_type: str, deleted: datetime, author: str,
                    licence: Licence) -> dict[str, Any]:
    """What a deleted post's URL answers (with 410): a Tombstone, still carrying the licence."""
    return {
        "@context": CONTEXT,
        "id": object_id,
        "type": "Tombstone",
        "formerType": former_type,
        "deleted": iso(deleted),
        **object_terms(licence, author),
    }

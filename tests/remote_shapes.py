"""Posts as other servers publish them, and their web pages answering ActivityPub requests.

Shapes follow what Mastodon (StatusesController / NoteSerializer) and GoToSocial (StatusToAS, its
web thread handler) serve: both answer an `Accept: application/activity+json` request for a post's
web page with the Note itself, whose `id` is the canonical /users/… URL.
"""

from __future__ import annotations

from typing import Any

from fakes import FakeActor, FakeNetwork

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def mastodon_note(actor: FakeActor, status_id: str = "113358201452830421", content: str = "<p>A heron.</p>") -> dict:
    uri = f"{actor.uri}/statuses/{status_id}"
    return {
        "@context": ["https://www.w3.org/ns/activitystreams",
                     {"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri",
                      "inReplyToAtomUri": "ostatus:inReplyToAtomUri", "conversation": "ostatus:conversation",
                      "sensitive": "as:sensitive", "toot": "http://joinmastodon.org/ns#",
                      "votersCount": "toot:votersCount"}],
        "id": uri, "type": "Note", "summary": None, "inReplyTo": None, "published": "2026-11-20T10:00:00Z",
        "url": f"https://{actor.host}/@{actor.username}/{status_id}", "attributedTo": actor.uri,
        "to": [PUBLIC], "cc": [actor.uri + "/followers"], "sensitive": False, "atomUri": uri,
        "inReplyToAtomUri": None, "conversation": f"tag:{actor.host},2026-11-20:objectId=1:objectType=Conversation",
        "content": content, "contentMap": {"en": content}, "attachment": [], "tag": [],
        "replies": {"id": uri + "/replies", "type": "Collection",
                    "first": {"type": "CollectionPage", "next": uri + "/replies?only_other_accounts=true&page=true",
                              "partOf": uri + "/replies", "items": []}},
    }


def gotosocial_note(actor: FakeActor, status_id: str = "01JD5Q2M0KX8Y7T3V9W4R6N2PB",
                    content: str = "<p>hello everyone!</p>") -> dict:
    uri = f"{actor.uri}/statuses/{status_id}"
    anyone = {"always": [PUBLIC], "approvalRequired": [], "automaticApproval": [PUBLIC], "manualApproval": []}
    return {
        "@context": ["https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams",
                     {"sensitive": "as:sensitive"}],
        "attachment": [], "attributedTo": actor.uri, "cc": actor.uri + "/followers", "content": content,
        "contentMap": {"en": content}, "id": uri,
        "interactionPolicy": {"canAnnounce": anyone, "canLike": anyone, "canReply": anyone},
        "published": "2026-11-20T10:40:37Z",
        "replies": {"first": {"id": uri + "/replies?page=true", "next": uri + "/replies?only_other_accounts=false&page=true",
                              "partOf": uri + "/replies", "type": "CollectionPage"},
                    "id": uri + "/replies", "type": "Collection"},
        "sensitive": False, "summary": "", "tag": [], "to": PUBLIC, "type": "Note",
        "url": f"https://{actor.host}/@{actor.username}/statuses/{status_id}",
    }


def serve_post(network: FakeNetwork, note: dict[str, Any]) -> str:
    """Serve the Note at its id and at its web page (as its server does); returns the web page URL."""
    network.add_document(note)
    network.documents[note["url"]] = note
    return note["url"]


def serve_profile(network: FakeNetwork, actor: FakeActor) -> str:
    """Serve the actor document at the profile page https://host/@user too; returns that URL."""
    page = f"https://{actor.host}/@{actor.username}"
    network.documents[page] = actor.document()
    return page

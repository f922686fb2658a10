"""Actor documents: a local account as an ActivityPub Person (or the instance's Application)."""

from __future__ import annotations

import mimetypes
import re
from html import escape
from typing import Any

from fediart.activitypub.vocab import CONTEXT
from fediart.licence.jsonld import actor_fields, actor_terms, object_terms
from fediart.licence.model import Licence
from fediart.store.tables import Account
from fediart.urls import Urls


# A URL inside a field's value; trailing punctuation stays text, as in posts (outbox/compose.py).
_FIELD_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
_URL_PREFIX = re.compile(r"^(?:https?://(?:www\.)?)", re.IGNORECASE)
_SHOWN = 30  # Mastodon shows 30 characters of a link after its scheme, then an ellipsis


def _field_link(url: str) -> str:
    # Mastodon's markup for a link in a field: rel "me" (so verification works) and the prefix hidden.
    prefix = _URL_PREFIX.match(url).group(0)
    rest = url[len(prefix):]
    shown, hidden = rest[:_SHOWN], rest[_SHOWN:]
    return (f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener noreferrer me" translate="no">'
            f'<span class="invisible">{escape(prefix)}</span>'
            f'<span class="{"ellipsis" if hidden else ""}">{escape(shown)}</span>'
            f'<span class="invisible">{escape(hidden)}</span></a>')


def field_value_to_html(value: str) -> str:
    """A profile field's value as HTML: text escaped, URLs as links (GoToSocial drops a bare URL)."""
    out, last = [], 0
    for match in _FIELD_URL.finditer(value):
        out.append(escape(value[last:match.start()]))
        out.append(_field_link(match.group(0)))
        last = match.end()
    out.append(escape(value[last:]))
    return "".join(out)


def _image(urls: Urls, filename: str) -> dict[str, Any]:
    media_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return {"type": "Image", "mediaType": media_type, "url": urls.media(filename)}


def person_to_ap(account: Account, urls: Urls, licence: Licence, domain: str) -> dict[str, Any]:
    """The Person document Mastodon, GoToSocial, Pixelfed and Misskey read, with the licence terms."""
    name = account.username
    actor = urls.actor(name)
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": actor,
        "type": "Person",
        "preferredUsername": name,
        "name": account.display_name or name,
        "summary": account.summary,
        "url": urls.profile(name),
        "inbox": urls.inbox(name),
        "outbox": urls.outbox(name),
        "followers": urls.followers(name),
        "following": urls.following(name),
        "featured": urls.featured(name),
        "featuredTags": urls.featured_tags(name),
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": account.manually_approves_followers,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        # Mastodon publishes the creation day at midnight; the exact time is nobody's business.
        "published": account.created_at.strftime("%Y-%m-%dT00:00:00Z"),
        "memorial": False,
        "publicKey": {"id": urls.key_id(name), "owner": actor, "publicKeyPem": account.public_key_pem},
        "attachment": [
            *({"type": "PropertyValue", "name": f["name"], "value": field_value_to_html(f["value"])}
              for f in account.fields),
            *actor_fields(licence),
        ],
        "tag": [],
        # FEP-2c59: the canonical WebFinger address, so peers need not guess it.
        "webfinger": f"acct:{name}@{domain}",
    }
    if account.avatar_file:
        doc["icon"] = _image(urls, account.avatar_file)
    if account.header_file:
        doc["image"] = _image(urls, account.header_file)
    doc.update(actor_terms(licence, actor))
    return doc


def instance_actor_username(domain: str) -> str:
    """The instance actor's name: the host without its port, as Mastodon names its own.

    GoToSocial reads a signer's preferredUsername and resolves acct:NAME@domain by WebFinger; a
    name with a colon ("127.0.0.1:8000") is not a valid username there, so every signed fetch
    from a loopback set-up failed.
    """
    host, sep, port = domain.rpartition(":")
    return host if sep and port.isdigit() else domain


def instance_actor_to_ap(account: Account, urls: Urls, licence: Licence, domain: str) -> dict[str, Any]:
    """The instance actor: signs server-to-server fetches; served unsigned so key checks never deadlock."""
    actor = urls.instance_actor
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": actor,
        "type": "Application",
        "preferredUsername": instance_actor_username(domain),
        "name": domain,
        "url": f"{urls.base}/about",
        "inbox": actor + "/inbox",
        "outbox": actor + "/outbox",
        "featured": actor + "/collections/featured",
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": True,
        "discoverable": False,
        "indexable": False,
        "published": account.created_at.strftime("%Y-%m-%dT00:00:00Z"),
        "publicKey": {"id": urls.instance_key_id, "owner": actor, "publicKeyPem": account.public_key_pem},
    }
    doc.update(object_terms(licence, actor))
    return doc

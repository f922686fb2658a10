"""reject_media: media from a server the admin flagged is never kept, so it is never shown or fetched.

fediart shows remote media by its remote URL (it copies none), so "not stored" is the whole rule: a
flagged server's note attachments and actor avatar are dropped from what is stored, while the post
or actor itself still arrives. Existing rows are cleaned when they are next updated.
"""

from __future__ import annotations

import logging
from typing import Any

from fediart.activitypub.hosts import host_of
from fediart.policy.domains import DomainPolicy

log = logging.getLogger("fediart.policy")

# Fields (of note_fields_from_ap and actor_fields_from_ap) that point at media, with their empty value.
MEDIA_FIELDS = {"attachments": [], "icon_url": None, "image_url": None, "header_url": None}


async def rejects_media(policy: DomainPolicy, uri: str) -> bool:
    """Whether the server of `uri` has its media rejected."""
    rule = await policy.rule_for(host_of(uri))
    return rule is not None and rule.reject_media


async def without_rejected_media(policy: DomainPolicy, uri: str, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with every media reference emptied if the server of `uri` has its media rejected."""
    if not await rejects_media(policy, uri):
        return fields
    dropped = {key: empty for key, empty in MEDIA_FIELDS.items() if key in fields}
    if any(fields[key] for key in dropped):
        log.info("dropped media of %s: its server's media is rejected", uri)
    return {**fields, **dropped}

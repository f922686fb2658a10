"""Mastodon's OAuth scopes: `read`, `write`, `follow`, `push`, `profile` and their granular forms.

A granted scope allows a required one when they are equal, when the granted one is the parent
(`read` allows `read:statuses`), or when `follow` is granted and the required one is among what
Mastodon's legacy `follow` scope covered.
"""

from __future__ import annotations

TOP = ("read", "write", "follow", "push", "profile")
GRANULAR = {
    "read": ("accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
             "notifications", "search", "statuses"),
    "write": ("accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
              "lists", "media", "mutes", "notifications", "reports", "statuses"),
}
FOLLOW_COVERS = {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
KNOWN = set(TOP) | {f"{top}:{name}" for top, names in GRANULAR.items() for name in names} | {"admin:read",
                                                                                             "admin:write"}


def parse_scopes(text: str | None, default: str = "read") -> list[str]:
    """Scopes from a space- or plus-separated string, in order, without repeats; ValueError if unknown."""
    words = (text or default).replace("+", " ").split()
    unknown = [w for w in words if w not in KNOWN]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}")
    return list(dict.fromkeys(words))


def allows(granted: frozenset[str] | set[str], required: str) -> bool:
    if required in granted:
        return True
    parent = required.split(":", 1)[0]
    if parent != required and parent in granted:
        return True
    return "follow" in granted and required in FOLLOW_COVERS

"""Reading references in ActivityStreams JSON: a property may hold an IRI, an object, or a list of either."""

from __future__ import annotations

from typing import Any


def id_of(value: Any) -> str | None:
    """The id of a reference that may be a plain IRI or an embedded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def ids_of(value: Any) -> list[str]:
    """Ids of a property that may be one reference or a list of them (to, cc, attributedTo)."""
    items = value if isinstance(value, list) else [value]
    return [i for i in (id_of(item) for item in items) if i]


def type_of(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else None
    if isinstance(kind, list):  # JSON-LD allows several types; the first is the one servers mean
        kind = kind[0] if kind else None
    return kind if isinstance(kind, str) else None

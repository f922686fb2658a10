"""Mastodon's id-cursor pagination as query terms: which rows a page holds and in what order.

`max_id` pages back (ids below it, newest first); `since_id` gives the newest items above it; `min_id`
gives the items immediately above it, still returned newest first; `max_id` and `since_id` combine
(Tusky fills gaps that way). `limit` is clamped, never refused. Pure: the values come from any mapping
(the client API's parameters); the Link header that names the next pages is api/pagination.py's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from fediart.store.ids import parse_id

CURSORS = ("max_id", "since_id", "min_id")


def _cursor(values: Mapping[str, Any], key: str) -> int | None:
    # Mastodon ignores a cursor it cannot read rather than failing the page.
    return parse_id(str(values.get(key) or "").strip())


def _limit(values: Mapping[str, Any], default: int) -> int:
    text = str(values.get("limit", "")).strip()
    # An unreadable limit is the default, as Mastodon treats it; never an error.
    return int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else default


@dataclass(frozen=True)
class Page:
    """One page's cursors and size."""

    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int

    @classmethod
    def from_params(cls, values: Mapping[str, Any], *, default: int = 20, maximum: int = 40) -> Page:
        """The page a request's parameters (`max_id`, `since_id`, `min_id`, `limit`) ask for."""
        return cls(_cursor(values, "max_id"), _cursor(values, "since_id"), _cursor(values, "min_id"),
                   max(1, min(_limit(values, default) or default, maximum)))

    @property
    def ascending(self) -> bool:
        """min_id pages are read upwards from the cursor, then turned newest-first."""
        return self.min_id is not None

    def conditions(self, column: Any) -> list[ColumnElement[bool]]:
        found = []
        if self.max_id is not None:
            found.append(column < self.max_id)
        if self.since_id is not None:
            found.append(column > self.since_id)
        if self.min_id is not None:
            found.append(column > self.min_id)
        return found

    def order(self, column: Any) -> Any:
        return column.asc() if self.ascending else column.desc()

    def arrange(self, rows: list[Any]) -> list[Any]:
        """Rows as read with order(), turned newest-first."""
        return list(reversed(rows)) if self.ascending else rows

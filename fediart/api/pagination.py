"""Mastodon's id-cursor pagination, once for every list endpoint.

`max_id` pages back (ids below it, newest first); `since_id` gives the newest items above it; `min_id`
gives the items immediately above it, still returned newest first; `max_id` and `since_id` combine
(Tusky fills gaps that way). `limit` is clamped, never refused. The Link header carries absolute URLs
with `max_id` (rel="next") and `min_id` (rel="prev"), repeats the other parameters, and is left off an
empty page, as masto.js, Tusky and the official apps expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement
from starlette.requests import Request

from fediart.api.params import Params
from fediart.store.ids import parse_id

CURSORS = ("max_id", "since_id", "min_id")


def _cursor(params: Params, key: str) -> int | None:
    # Mastodon ignores a cursor it cannot read rather than failing the page.
    return parse_id(str(params.get(key) or "").strip())


@dataclass(frozen=True)
class Page:
    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int

    @classmethod
    def from_params(cls, params: Params, *, default: int = 20, maximum: int = 40) -> Page:
        limit = params.integer("limit", default) if str(params.get("limit", "")).strip().lstrip("-").isdigit() \
            else default
        return cls(_cursor(params, "max_id"), _cursor(params, "since_id"), _cursor(params, "min_id"),
                   max(1, min(limit or default, maximum)))

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


def link_header(request: Request, ids: list[int | str]) -> dict[str, str]:
    """`Link` for a page whose items (newest first) carry these cursor ids; {} for an empty page."""
    if not ids:
        return {}
    base = str(request.url.replace(query=""))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in CURSORS]
    next_url = base + "?" + urlencode([*kept, ("max_id", str(ids[-1]))])
    prev_url = base + "?" + urlencode([*kept, ("min_id", str(ids[0]))])
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}

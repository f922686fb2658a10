"""The `Link` header of Mastodon's id-cursor pagination (the cursors themselves: store/pages.py).

The Link header carries absolute URLs with `max_id` (rel="next") and `min_id` (rel="prev"), repeats the
other parameters, and is left off an empty page, as masto.js, Tusky and the official apps expect.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from fediart.store.pages import CURSORS


def link_header(request: Request, ids: list[int | str]) -> dict[str, str]:
    """`Link` for a page whose items (newest first) carry these cursor ids; {} for an empty page."""
    if not ids:
        return {}
    base = str(request.url.replace(query=""))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in CURSORS]
    next_url = base + "?" + urlencode([*kept, ("max_id", str(ids[-1]))])
    prev_url = base + "?" + urlencode([*kept, ("min_id", str(ids[0]))])
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}

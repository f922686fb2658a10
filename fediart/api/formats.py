"""How the client API writes values: dates as `YYYY-MM-DDTHH:MM:SS.sssZ` (three-digit milliseconds, as
Ice Cubes and Toot! parse them), visibilities by Mastodon's names, and our stored HTML as plain text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

from fediart.store.states import Visibility

# Mastodon's API calls followers-only posts "private".
API_VISIBILITY = {Visibility.PUBLIC: "public", Visibility.UNLISTED: "unlisted", Visibility.FOLLOWERS: "private",
                  Visibility.DIRECT: "direct"}
VISIBILITY_FROM_API = {"public": Visibility.PUBLIC, "unlisted": Visibility.UNLISTED,
                       "private": Visibility.FOLLOWERS, "direct": Visibility.DIRECT}


def api_time(moment: datetime | None) -> str | None:
    """`2026-11-26T16:41:57.000Z`: UTC, three-digit milliseconds, as Ice Cubes and Toot! parse it."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def api_date(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d")


def html_to_text(markup: str) -> str:
    """Plain text of our own stored HTML (a bio's source for editing): paragraphs and breaks kept."""
    text = re.sub(r"<br\s*/?>", "\n", markup)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()

"""Row ids in Mastodon's time-sortable style: milliseconds since the epoch shifted left 16 bits, plus a
16-bit sequence. Clients sort ids by (length, text) and some parse them as numbers, so ids are decimal
integers that grow with time. Posts, remote posts, boosts, notifications, media and actors share this
one space, so a status id names exactly one row whether the post is local or remote.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from datetime import datetime

_lock = threading.Lock()
_last = 0


def new_id() -> int:
    """A fresh id for now, strictly above any this process made before.

    The low 16 bits start at a random value each millisecond, so two processes writing in the same
    millisecond rarely meet; the primary key refuses the rare collision instead of merging rows.
    """
    global _last
    with _lock:
        candidate = (int(time.time() * 1000) << 16) | secrets.randbelow(1 << 15)
        _last = max(candidate, _last + 1)
        return _last


def id_at(at: datetime) -> int:
    """The smallest id any row created at `at` can have: the bound for a timestamp cursor."""
    return int(at.timestamp() * 1000) << 16


MAX_ID = (1 << 63) - 1  # BIGINT's ceiling: a larger number names no row and must not reach the database
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(text: object) -> int | None:
    """An id as a client or a URL gives it (ASCII digits), or None when it cannot name a row."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_ID else None
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None

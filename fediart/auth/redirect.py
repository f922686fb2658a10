"""Where to go after signing in: a path on this server only (the open-redirect guard for `?next=`)."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT = "/"
MAX_LENGTH = 4000


def safe_next(value: str | None) -> str:
    """`value` if it is a local path (with its query), else "/".

    `//evil.example`, `/\\evil.example` and `https://evil.example` all leave the site in a browser, and
    browsers drop tabs and newlines inside URLs, so any of those characters sends the visitor home.
    """
    if not value or len(value) > MAX_LENGTH or not value.startswith("/"):
        return DEFAULT
    if value.startswith(("//", "/\\")) or any(c in value for c in "\\\t\r\n\x00") or not value.isprintable():
        return DEFAULT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT
    return value

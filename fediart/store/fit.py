"""Making remote text fit the database: NUL removed, lengths capped, over-long ids given a stable key.

PostgreSQL refuses NUL in text and strings longer than a VARCHAR column; SQLite accepts both.
Handlers fit what they store explicitly (stored_uri for ids, fit_url, fit_text); guard_columns is
the net under them, so that a field nobody thought of still cannot turn into a 500 or a stuck item.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import String, event

log = logging.getLogger("fediart.store")

URI_MAX = 2000  # the length of every id and URL column


def stored_uri(uri: str) -> str:
    """The key an id is stored and looked up under: itself if it fits, else a hash of it.

    Every Create, Update, Delete and Undo goes through here, so one id always finds one row
    (a cut prefix could not promise that: two long ids may share their first 2000 characters).
    """
    if len(uri) <= URI_MAX and "\x00" not in uri:
        return uri
    return "urn:sha256:" + hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()


def uri_fits(uri: str) -> bool:
    """Whether an id can be stored as it is (an actor's id must be: it is fetched and compared)."""
    return len(uri) <= URI_MAX and "\x00" not in uri


def fit_url(url: Any) -> str | None:
    """An http(s) URL to store, or None: a URL cut short would point somewhere else."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or not uri_fits(url):
        return None
    return url


def fit_text(text: str, limit: int | None = None) -> str:
    """Text without NUL, cut to `limit` characters."""
    text = text.replace("\x00", "")
    return text if limit is None else text[:limit]


def _fit_row(mapper, connection, target) -> None:
    for attribute in mapper.column_attrs:
        # SQLModel's strings are a TypeDecorator (AutoString) around String: look inside.
        kind = getattr(attribute.columns[0].type, "impl_instance", attribute.columns[0].type)
        value = getattr(target, attribute.key, None)
        if not isinstance(value, str) or not isinstance(kind, String):
            continue
        fitted = fit_text(value, kind.length)
        if fitted != value:
            log.info("stored %s.%s cut to fit (%d characters)", mapper.class_.__name__, attribute.key, len(value))
            setattr(target, attribute.key, fitted)


def guard_columns(*models: type) -> None:
    """Fit every string of these models' rows to its column as it is inserted or updated."""
    for model in models:
        event.listen(model, "before_insert", _fit_row)
        event.listen(model, "before_update", _fit_row)

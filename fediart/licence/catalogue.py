"""The licences an artist can pick by key: name and canonical URL of each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    url: str | None  # None: all rights reserved


_CC = "https://creativecommons.org/licenses/"

LICENCES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("all-rights-reserved", "All rights reserved", None),
    CatalogueEntry("cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0", _CC + "by-nc-nd/4.0/"),
    CatalogueEntry("cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0", _CC + "by-nc-sa/4.0/"),
    CatalogueEntry("cc-by-nc-4.0", "CC BY-NC 4.0", _CC + "by-nc/4.0/"),
    CatalogueEntry("cc-by-nd-4.0", "CC BY-ND 4.0", _CC + "by-nd/4.0/"),
    CatalogueEntry("cc-by-sa-4.0", "CC BY-SA 4.0", _CC + "by-sa/4.0/"),
    CatalogueEntry("cc-by-4.0", "CC BY 4.0", _CC + "by/4.0/"),
    CatalogueEntry("cc0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
)

_BY_KEY = {entry.key: entry for entry in LICENCES}


def licence_by_key(key: str) -> CatalogueEntry:
    """The catalogue entry for `key`; KeyError with the known keys when it is unknown."""
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(_BY_KEY)
        raise KeyError(f"unknown licence {key!r}; known licences: {known}") from None

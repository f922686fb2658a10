"""The `?page=N` of listed pages (a gallery, a tag): parsed strictly, with the links around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

PER_PAGE = 24
_PAGE_RE = re.compile(r"^[1-9][0-9]{0,5}$")  # 1 … 999999: beyond that no listing here reaches


class BadPage(ValueError):
    """The page parameter is not a page number."""


def page_number(value: str | None) -> int:
    """The page asked for (1 when not given); BadPage if it is not a positive whole number."""
    if value is None:
        return 1
    if not _PAGE_RE.match(value):
        raise BadPage(f"{value[:40]!r} is not a page number")
    return int(value)


@dataclass(frozen=True)
class Pages:
    """Where page `number` of a listing at `base` sits: its neighbours' links, if they exist."""

    base: str
    number: int
    has_older: bool

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}?page={number}"

    @property
    def newer(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def older(self) -> str | None:
        return self.url(self.number + 1) if self.has_older else None

    @property
    def first(self) -> str:
        return self.url(1)

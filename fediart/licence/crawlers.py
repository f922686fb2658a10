"""The curated list of AI-training crawlers, kept as a data file in the package."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def ai_crawlers() -> tuple[str, ...]:
    text = resources.files("fediart.licence").joinpath("ai_crawlers.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))

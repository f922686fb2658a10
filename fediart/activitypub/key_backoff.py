"""Backoff for key fetches: a key that could not be had is not asked for again for a while, and each
host has a bounded budget of failed fetches per window, so a sender cannot make fediart send signed
GETs to URLs of its choosing at its own pace."""

from __future__ import annotations

import time
from collections.abc import Callable

from fediart.activitypub.hosts import authority_of

MISSING_SECONDS = 300.0  # a key that was missing is not fetched again for five minutes
WINDOW_SECONDS = 300.0
FAILURES_PER_WINDOW = 10  # failed fetches per host per window; after that the host waits
_MAX_ENTRIES = 10_000  # memory bound: beyond it, expired entries are dropped


class KeyBackoff:
    """Remembers failed key fetches, by key id and by host; all in this process's memory."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._missing: dict[str, float] = {}  # key id -> when it may be fetched again
        self._failures: dict[str, list[float]] = {}  # host -> times of recent failures

    def refusal(self, url: str) -> str | None:
        """Why `url` must not be fetched now, or None when it may be."""
        now = self.clock()
        if self._missing.get(url, 0.0) > now:
            return "that key was not found a short while ago"
        host = authority_of(url)
        recent = [t for t in self._failures.get(host, ()) if now - t < WINDOW_SECONDS]
        if recent:
            self._failures[host] = recent
        else:
            self._failures.pop(host, None)
        if len(recent) >= FAILURES_PER_WINDOW:
            return "too many failed key fetches for that server; try later"
        return None

    def failed(self, url: str, *, missing: bool) -> None:
        """A fetch of `url` failed; `missing` when the key itself is not there (404, 410, no answer)."""
        now = self.clock()
        self._prune(now)
        self._failures.setdefault(authority_of(url), []).append(now)
        if missing:
            self._missing[url] = now + MISSING_SECONDS

    def succeeded(self, url: str) -> None:
        self._missing.pop(url, None)
        self._failures.pop(authority_of(url), None)

    def _prune(self, now: float) -> None:
        if len(self._missing) > _MAX_ENTRIES:
            self._missing = {k: v for k, v in self._missing.items() if v > now}
        if len(self._failures) > _MAX_ENTRIES:
            self._failures = {h: ts for h, ts in self._failures.items() if now - ts[-1] < WINDOW_SECONDS}

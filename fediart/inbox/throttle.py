"""Inbox flood control: a token bucket per sending host, kept in this process's memory.

The host is read from the signature's keyId before the body is read, so a flooding server is
turned away before any parsing, key lookup or database work. Only requests that then pass the
whole pipeline (signature verified, activity stored) spend a token: a forger who names another
server's keyId cannot empty that server's bucket, since its forgeries fail verification.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from fediart.activitypub.signatures import key_id_host
from fediart.activitypub.signatures_cavage import read_signature_header
from fediart.activitypub.signatures_rfc9421 import read_signature_fields
from fediart.config import FederationConfig


def sender_host(headers: Mapping[str, str]) -> str:
    """The host named by the request's signature keyId (RFC 9421 first, as parse_signature does); "" if none."""
    try:
        if "signature-input" in headers and "signature" in headers:
            key_id = read_signature_fields(headers["signature-input"], headers["signature"]).params.get("keyid")
        elif "signature" in headers:
            key_id = read_signature_header(headers["signature"]).get("keyId")
        else:
            return ""
    except ValueError:
        return ""
    return key_id_host(key_id) if isinstance(key_id, str) else ""


class InboxThrottle:
    """Token buckets per host: `per_minute` refill, `burst` capacity, at most `max_hosts` remembered."""

    def __init__(self, per_minute: int, burst: int, max_hosts: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(max(1, burst))
        self.max_hosts = max(1, max_hosts)
        self.clock = clock
        # host -> (tokens, when counted); least recently seen first, so the oldest is forgotten first.
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @classmethod
    def from_config(cls, federation: FederationConfig) -> InboxThrottle:
        return cls(federation.inbox_rate_per_minute, federation.inbox_rate_burst, federation.inbox_rate_hosts)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def _tokens(self, host: str, now: float) -> float:
        tokens, then = self.buckets.get(host, (self.burst, now))
        return min(self.burst, tokens + (now - then) * self.rate)

    def retry_after(self, host: str) -> int:
        """Whole seconds until `host` may send again; 0 if it may send now."""
        if not self.enabled or not host:
            return 0
        tokens = self._tokens(host, self.clock())
        return 0 if tokens >= 1.0 else max(1, math.ceil((1.0 - tokens) / self.rate))

    def spend(self, host: str) -> None:
        """Count one accepted activity from `host`."""
        if not self.enabled or not host:
            return
        now = self.clock()
        self.buckets[host] = (self._tokens(host, now) - 1.0, now)
        self.buckets.move_to_end(host)
        while len(self.buckets) > self.max_hosts:
            # Forgetting a host gives it a full bucket again; only the least recently heard go.
            self.buckets.popitem(last=False)

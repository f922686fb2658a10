"""Domain policy on every outgoing request: nothing is fetched from, or sent to, a refused server.

Installed as a request hook on the one shared HTTP client, so documents, keys, WebFinger, NodeInfo
and media fetches are all judged before any network I/O, whatever code asks for them. A refusal is
an httpx.RequestError, which every caller already turns into its own clear error (FetchError,
a failed delivery), so the CLI and API show the reason.
"""

from __future__ import annotations

import logging

import httpx

from fediart.policy.domains import DomainPolicy

log = logging.getLogger("fediart.policy")


class HostRefused(httpx.RequestError):
    """Domain policy forbids contacting this host; no connection was made."""


def install_policy_guard(client: httpx.AsyncClient, policy: DomainPolicy | None) -> None:
    """Make `client` refuse every request to a host the admin's domain rules forbid."""
    if policy is None:
        return

    async def judge(request: httpx.Request) -> None:
        host = request.url.raw_host.decode("ascii").lower().rstrip(".")  # IDNA form, as rules are stored
        decision = await policy.check_host(host)
        if not decision.allowed:
            log.info("refused to contact %s: %s", request.url, decision.reason)
            raise HostRefused(f"refused to contact {request.url}: {decision.reason}", request=request)

    client.event_hooks["request"] = [*client.event_hooks["request"], judge]

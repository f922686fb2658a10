"""The one outgoing HTTP client: httpx's API on aiohttp's transport, with an address guard.

httpx's own connection pool collapses to ~400 requests/s at 50 in flight on this machine, while
the same httpx API over aiohttp's transport reached ~2,100 signed deliveries/s (research/perf.md
§5), so the transport is aiohttp's. The guard resolves names itself and refuses private,
loopback, link-local and reserved addresses at connect time, unless the development switch is on.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

import fediart
from fediart.config import Config


class AddressNotAllowed(OSError):
    pass


def address_allowed(address: str, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_private:
        return not (ip.is_multicast or ip.is_unspecified)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class GuardedResolver(aiohttp.ThreadedResolver):
    """Resolves like the system does, then drops every address the guard forbids."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        results = await super().resolve(host, port, family)
        allowed = [r for r in results if address_allowed(r["host"], self.allow_private)]
        if not allowed:
            raise AddressNotAllowed(f"{host} resolves only to addresses fediart does not contact")
        return allowed


def check_url(url: str, config: Config) -> str | None:
    """Why fediart must not contact this URL, or None if it may (checked again at connect time)."""
    return _check_url(url, config.federation.allow_private_addresses)


def check_origin(url: str, config: Config) -> str | None:
    """check_url for hot paths: judged once per scheme and authority, which is all the check reads."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "not a valid URL"
    return _check_origin(f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}/",
                         config.federation.allow_private_addresses)


def _check_url(url: str, allow_private: bool) -> str | None:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "not a valid URL"
    if parsed.scheme not in ("https", "http") or (parsed.scheme == "http" and not allow_private):
        return f"scheme {parsed.scheme or '(none)'} is not allowed"
    host = parsed.host
    if not host:
        return "URL has no host"
    literal = literal_address(host)
    # aiohttp connects to literal addresses without asking the resolver, so check them here.
    if literal and not address_allowed(literal, allow_private):
        return f"address {literal} is not allowed"
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        return "localhost is not allowed"
    return None


@lru_cache(maxsize=4096)
def _check_origin(origin: str, allow_private: bool) -> str | None:
    return _check_url(origin, allow_private)


def user_agent(config: Config) -> str:
    return f"fediart/{fediart.__version__} (+{config.base_url}/)"


async def post_bytes(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str],
                     timeout: float) -> tuple[int, str | None]:
    """POST body and return the status and any Retry-After; network failures raise httpx.HTTPError.

    The answer's body is never read: an inbox's reply carries nothing we use, and a hostile one
    could be endless.
    """
    async with client.stream("POST", url, content=body, headers=headers, timeout=timeout) as response:
        return response.status_code, response.headers.get("retry-after")


def make_http_client(config: Config, *, max_connections: int = 200) -> httpx.AsyncClient:
    """The shared client; create it inside the running event loop and close it on shutdown."""
    allow_private = config.federation.allow_private_addresses

    def session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(allow_private), limit=max_connections, limit_per_host=16,
            ttl_dns_cache=300,
        )
        return aiohttp.ClientSession(connector=connector, auto_decompress=False)

    return httpx.AsyncClient(
        transport=AiohttpTransport(client=session),
        timeout=httpx.Timeout(config.federation.fetch_timeout_seconds),
        headers={"User-Agent": user_agent(config)},
        follow_redirects=False,
    )

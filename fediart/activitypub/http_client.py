"""The one outgoing HTTP client: httpx's API on aiohttp's transport, with an address guard.

httpx's own connection pool collapses to ~400 requests/s at 50 in flight on this machine, while
the same httpx API over aiohttp's transport reached ~2,100 signed deliveries/s (research/perf.md
§5), so the transport is aiohttp's. The guard has two layers, both inside the client so that no
caller can forget them: every request's URL is checked before it reaches aiohttp (scheme, literal
addresses in any notation, localhost), and names are resolved by fediart, which drops private,
loopback, link-local and reserved addresses (also those embedded in 6to4, Teredo, NAT64 and
IPv4-mapped IPv6 addresses) at connect time. The development switch lets loopback peers through.
A refusal surfaces as AddressRefused and is logged as a refusal, never as a timeout.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

import fediart
from fediart.config import Config


log = logging.getLogger("fediart.http")

# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): the IPv4 address is the last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class AddressNotAllowed(OSError):
    """Raised by the resolver when a name resolves only to addresses fediart does not contact."""


class AddressRefused(httpx.TransportError):
    """fediart refused to contact a URL because of where it points; no connection was made."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo client, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    for prefix in _NAT64:
        if ip in prefix:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_allowed(address: str, allow_private: bool) -> bool:
    """Whether fediart may connect to this IP address (in its standard notation)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if allow_private:
        return not (ip.is_multicast or ip.is_unspecified)
    if not ip.is_global or ip.is_multicast or ip.is_reserved:
        return False
    # A "global" IPv6 address can still lead to a private IPv4 one through a tunnel or translator.
    embedded = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    return embedded is None or address_allowed(str(embedded), allow_private)


def literal_address(host: str) -> str | None:
    """The IP address a URL host names literally, in any notation a resolver accepts, else None.

    inet_aton also reads the old forms "2130706433", "0x7f000001", "0177.0.0.1" and "127.1", which
    some resolvers and clients turn into addresses; they must be judged as the addresses they are.
    """
    bare = host.strip("[]")
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    if bare and all(c in "0123456789abcdefxABCDEFX." for c in bare) and bare[0].isdigit():
        try:
            return socket.inet_ntoa(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def refusal_in(exc: BaseException) -> AddressNotAllowed | None:
    """The guard's refusal behind an exception, however aiohttp and httpx wrapped it."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, AddressNotAllowed):
            return current
        stack.extend([current.__cause__, current.__context__, getattr(current, "os_error", None)])
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
    if literal and literal != host.strip("[]").lower() and ":" not in literal:
        return f"host {host} is an address written in a non-standard form"
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


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks each request's URL before the inner transport sees it, and names refusals as such."""

    def __init__(self, inner: httpx.AsyncBaseTransport, allow_private: bool) -> None:
        self.inner = inner
        self.allow_private = allow_private

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        # Judged once per origin (cached), since that is all the check reads: fan-outs stay cheap.
        problem = _check_origin(f"{request.url.scheme}://{request.url.netloc.decode('ascii')}/", self.allow_private)
        if problem:
            log.warning("refused to contact %s: %s", url, problem)
            raise AddressRefused(f"refused to contact {url}: {problem}", request=request)
        try:
            return await self.inner.handle_async_request(request)
        except httpx.TransportError as exc:
            refusal = refusal_in(exc)
            if refusal is None:
                raise
            # httpx-aiohttp reports every connector failure as a timeout; this one is a decision.
            log.warning("refused to contact %s: %s", url, refusal)
            raise AddressRefused(f"refused to contact {url}: {refusal}", request=request) from exc

    async def aclose(self) -> None:
        await self.inner.aclose()


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing a server sets."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class CookielessClient(httpx.AsyncClient):
    """httpx's client with no cookie jar: what one server sets is never sent back to it, or to anyone.

    A fediverse request carries its identity in its signature; a cookie would only let a server
    link our requests together. Skipping the jar also saves parsing every response's headers for it.
    """

    _jar = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, value) -> None:
        pass


def make_http_client(config: Config, *, max_connections: int = 200,
                     inner: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The shared client; create it inside the running event loop and close it on shutdown.

    `inner` replaces the aiohttp transport under the guard (tests put a fake internet there).
    """
    allow_private = config.federation.allow_private_addresses

    def session() -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(allow_private), limit=max_connections, limit_per_host=16,
            ttl_dns_cache=300,
        )
        return aiohttp.ClientSession(connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())

    return CookielessClient(
        transport=GuardedTransport(inner or AiohttpTransport(client=session), allow_private),
        timeout=httpx.Timeout(config.federation.fetch_timeout_seconds),
        headers={"User-Agent": user_agent(config)},
        follow_redirects=False,
    )

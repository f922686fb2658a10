"""The address guard in production mode (development switch off), through the real client and transport.

Only loopback is ever a real target here: a listener counts connections, and each refusal must come
before one is made. Private and tunnelled addresses are judged without connecting anywhere.
"""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest

from helpers import make_config

from fediart.activitypub.fetch import FetchError, fetch_document, signed_get
from fediart.activitypub.http_client import (AddressRefused, GuardedResolver, address_allowed, check_url,
                                             make_http_client)

REFUSED_ADDRESSES = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "169.254.169.254",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
    "::ffff:10.0.0.1", "::ffff:127.0.0.1",
    "2002:0a00:0001::1",      # 6to4 carrying 10.0.0.1
    "2002:c0a8:0101::",       # 6to4 carrying 192.168.1.1
    "2002:7f00:0001::",       # 6to4 carrying 127.0.0.1
    "64:ff9b::a00:1",         # NAT64 carrying 10.0.0.1
    "64:ff9b::7f00:1",        # NAT64 carrying 127.0.0.1
    "64:ff9b:1::c0a8:101",    # local-use NAT64 carrying 192.168.1.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
]
ALLOWED_ADDRESSES = ["93.184.215.14", "2606:4700:4700::1111", "2002:5db8:d70e::1"]  # the last: 6to4 of a public address


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_address_guard_refuses_private_and_tunnelled_addresses(address):
    assert not address_allowed(address, allow_private=False)


@pytest.mark.parametrize("address", ALLOWED_ADDRESSES)
def test_address_guard_allows_public_addresses(address):
    assert address_allowed(address, allow_private=False)


@pytest.fixture
def production(tmp_path):
    return make_config({"url": f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"}, tmp_path,
                       federation={"allow_private_addresses": False})


@pytest.fixture
async def listener():
    """A loopback server that counts the connections it accepts (there must be none)."""
    accepted: list[int] = []

    async def on_connect(reader, writer):
        accepted.append(1)
        writer.close()

    servers = [await asyncio.start_server(on_connect, "127.0.0.1", 0)]
    port = servers[0].sockets[0].getsockname()[1]
    try:
        servers.append(await asyncio.start_server(on_connect, "::1", port))
    except OSError:
        pass  # no IPv6 loopback on this machine
    yield port, accepted
    for server in servers:
        server.close()
        await server.wait_closed()


@pytest.fixture
def fake_dns(monkeypatch):
    """Names of the test's choosing resolve to loopback (the one DNS answer a hostile server controls)."""
    names = {"evil.example": "127.0.0.1", "evil6.example": "::1", "mapped.example": "::ffff:127.0.0.1"}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(host, bytes):
            host = host.decode()
        if host in names:
            address = names[host]
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if fam == socket.AF_INET6 else (address, int(port or 0))
            return [(fam, socket.SOCK_STREAM, 6, "", sockaddr)]
        return real(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


LITERAL_FORMS = ["https://127.0.0.1:{port}/users/a", "http://127.0.0.1:{port}/users/a",
                 "https://2130706433:{port}/users/a", "https://0x7f000001:{port}/users/a",
                 "https://0x7f.0.0.1:{port}/users/a", "https://127.1:{port}/users/a",
                 "https://[::1]:{port}/users/a", "https://[::ffff:127.0.0.1]:{port}/users/a",
                 "https://localhost:{port}/users/a", "https://a.localhost:{port}/users/a",
                 "ftp://example.org/users/a", "file:///etc/passwd"]


@pytest.mark.parametrize("template", LITERAL_FORMS)
async def test_address_guard_refuses_literal_loopback_in_every_notation(template, production, listener, caplog):
    port, accepted = listener
    url = template.format(port=port)
    client = make_http_client(production)
    try:
        with caplog.at_level(logging.WARNING, logger="fediart.http"):
            with pytest.raises(AddressRefused):
                await client.get(url)
    finally:
        await client.aclose()
    assert accepted == []
    assert check_url(url, production) is not None
    assert any("refused to contact" in r.getMessage() for r in caplog.records)


async def test_address_guard_refuses_octal_addresses_before_any_request(production, listener):
    # httpx itself will not parse a dotted octal address; fediart says so before trying.
    port, accepted = listener
    url = f"https://0177.0.0.1:{port}/users/a"
    assert check_url(url, production) == "not a valid URL"
    client = make_http_client(production)
    try:
        with pytest.raises(FetchError):
            await signed_get(client, url, None, production)
    finally:
        await client.aclose()
    assert accepted == []


@pytest.mark.parametrize("host", ["evil.example", "evil6.example", "mapped.example"])
async def test_address_guard_refuses_names_resolving_to_loopback(host, production, listener, fake_dns, caplog):
    port, accepted = listener
    client = make_http_client(production)
    try:
        with caplog.at_level(logging.WARNING, logger="fediart.http"):
            with pytest.raises(AddressRefused) as refused:
                await client.get(f"https://{host}:{port}/users/a")
    finally:
        await client.aclose()
    assert accepted == []
    assert "timeout" not in str(refused.value).lower()
    assert not isinstance(refused.value, httpx.TimeoutException)
    assert any("refused to contact" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "fd00::5", "2002:a00:1::",
                                     "64:ff9b::c0a8:1"])
async def test_address_guard_resolver_drops_private_answers(address, monkeypatch):
    # Judged at resolution: nothing connects, so private ranges are safe to name here.
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def getaddrinfo(host, port, family_=0, type=0, proto=0, flags=0):
        sockaddr = (address, 443, 0, 0) if family == socket.AF_INET6 else (address, 443)
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    resolver = GuardedResolver(allow_private=False)
    with pytest.raises(OSError, match="does not contact"):
        await resolver.resolve("inside.example", 443, socket.AF_UNSPEC)
    await resolver.close()


class Internet(httpx.AsyncBaseTransport):
    """The public internet: public.example's first page answers a redirect; every other request goes
    to the real transport, where public.example now resolves to loopback (DNS rebinding)."""

    def __init__(self, real: httpx.AsyncBaseTransport, first: str, location: str) -> None:
        self.real, self.first, self.location = real, first, location

    async def handle_async_request(self, request):
        if str(request.url) == self.first:
            return httpx.Response(302, headers={"location": self.location})
        return await self.real.handle_async_request(request)


def _guarded_session():
    import aiohttp

    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=GuardedResolver(False)))


@pytest.mark.parametrize("path", ["/notes/1/canonical", "/users/a"])
async def test_address_guard_refuses_a_same_server_redirect_once_the_name_points_inside(
        path, production, listener, fake_dns):
    from httpx_aiohttp import AiohttpTransport

    port, accepted = listener
    fake_dns["public.example"] = "127.0.0.1"
    first = f"https://public.example:{port}/notes/1"
    client = make_http_client(production, inner=Internet(AiohttpTransport(client=_guarded_session), first,
                                                         f"https://public.example:{port}{path}"))
    try:
        assert (await signed_get(client, first, None, production)).status == 302  # the first hop is allowed
        with pytest.raises(FetchError) as refused:
            await fetch_document(client, first, None, production)
    finally:
        await client.aclose()
    assert accepted == []
    assert refused.value.reason.startswith("AddressRefused: refused to contact")


@pytest.mark.parametrize("target", ["https://127.0.0.1:{port}/n", "https://2130706433:{port}/n",
                                    "https://evil.example:{port}/n", "https://[::1]:{port}/n",
                                    "http://evil.example:{port}/n"])
async def test_redirects_to_another_server_are_refused_before_any_connection(target, production, listener,
                                                                           fake_dns):
    from httpx_aiohttp import AiohttpTransport

    port, accepted = listener
    first = "https://public.example/notes/1"
    client = make_http_client(production, inner=Internet(AiohttpTransport(client=_guarded_session), first,
                                                         target.format(port=port)))
    try:
        with pytest.raises(FetchError) as refused:
            await fetch_document(client, first, None, production)
    finally:
        await client.aclose()
    assert accepted == []
    assert refused.value.reason == "redirect to another server"


async def test_cookies_a_server_sets_are_never_sent_back(tmp_path, fake_dns):
    """A cookie would let a server link our requests together; the signature is the only identity sent."""
    seen: list[str | None] = []

    async def on_connect(reader, writer):
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line)
            seen.append({k.lower(): v for k, v in headers.items()}.get("cookie"))
            length = int({k.lower(): v for k, v in headers.items()}.get("content-length", "0"))
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 202 Accepted\r\nSet-Cookie: track=me; Path=/\r\n"
                         b"Set-Cookie: session=abc; Path=/; Max-Age=3600\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = make_config({"url": f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"}, tmp_path, domain="localhost:8000",
                         federation={"allow_private_addresses": True})
    client = make_http_client(config)
    try:
        for _ in range(3):
            response = await client.post(f"http://evil.example:{port}/inbox", content=b"{}",
                                         headers={"Content-Type": "application/activity+json"})
            assert response.status_code == 202
        await client.get(f"http://evil.example:{port}/users/a")  # a name, not an address: jars keep those
    finally:
        await client.aclose()
        server.close()
    assert seen == [None, None, None, None]
    assert not client.cookies

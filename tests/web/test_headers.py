"""Headers that protect what a browser renders, on every GET route the app has."""

from __future__ import annotations

import re

from helpers import AP_ACCEPT, BROWSER_ACCEPT
from posting import png, publish
from starlette.routing import Mount, Route, WebSocketRoute

from fediart.actions.albums import add_to_album, create_album
from fediart.store.accounts import get_account
from fediart.store.posts import media_for

MEDIA_POLICY = "default-src 'none'; sandbox"


def directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: (d.strip().split(" ", 1) + [""])[1] for d in policy.split(";") if d.strip()}


async def every_get_path(app, services) -> list[str]:
    """Each GET route of the app, its parameters filled with things that exist (so pages render)."""
    post = await publish(services, text="Heron #ink", images=[(png(), "a heron")])
    async with services.sessions() as session:
        [media] = (await media_for(session, [post.id]))[post.id]
        ana = await get_account(session, "ana")
    album = await create_album(services, ana, "Herons")
    await add_to_album(services, ana, album.id, [post.id])
    values = {"username": "ana", "status_id": str(post.id), "name": "ink", "version": "2.1",
              "media_id": str(media.id), "id": "1", "album_id": str(album.id),  # id: API rows
              "rest": "v1/no/such/thing",  # the JSON 404 for unknown /api paths
              "file": "0123456789abcdef0123456789abcdef.jpg", "secret": "x" * 43}  # originals: none here
    paths = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"a mount this test does not know: {route.path}"
            paths.append("/static/site.css")
            continue
        if isinstance(route, WebSocketRoute):
            continue  # no page or document: tests/streaming covers the WebSocket handshake
        assert isinstance(route, Route), route
        if "GET" not in (route.methods or {"GET"}):
            continue
        if route.path == "/media/{username}/{file}":
            paths.append(f"/media/{media.file}")
            continue
        unknown = set(re.findall(r"{(\w+)", route.path)) - values.keys()
        assert not unknown, f"{route.path}: give this test a value for {unknown}"
        paths.append(re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], route.path))
    return paths + ["/no/such/page", "/@nobody", "/authorize_interaction?uri=acct:ana@art.example"]


async def test_every_get_route_sends_protective_headers(app, client, services, make_artist):
    await make_artist("ana")
    paths = await every_get_path(app, services)
    assert len(paths) > 25
    pages = 0
    for path in paths:
        for accept in (BROWSER_ACCEPT, AP_ACCEPT):
            response = await client.get(path, headers={"Accept": accept})
            where = f"{path} ({accept[:20]}) {response.status_code}"
            assert response.headers.get("x-content-type-options") == "nosniff", where
            policy = response.headers.get("content-security-policy", "")
            if path.startswith("/media/"):
                assert response.status_code == 200, where
                assert policy == MEDIA_POLICY, where
                continue
            found = directives(policy)
            assert found.get("default-src") == "'none'", where
            assert found.get("frame-ancestors") == "'none'" or "sandbox" in found, where
            if response.headers.get("content-type", "").startswith("text/html"):
                pages += 1
                assert found.get("script-src") in ("'none'", "'self'"), where
                assert found.get("frame-ancestors") == "'none'", where
                assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert pages >= 12


async def test_pages_have_no_inline_script_handler_or_style(app, client, services, make_artist):
    """What the page policy forbids must not be in the templates, or the pages would break."""
    await make_artist("ana", summary="<p>Painter</p>", fields=[{"name": "Shop", "value": "https://shop.example"}])
    async with services.sessions() as session:
        ana = await get_account(session, "ana")
        ana.header_file = "ana/header.png"
        ana.avatar_file = "ana/avatar.png"
        session.add(ana)
        await session.commit()
    services.cache.clear()
    for path in await every_get_path(app, services):
        response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        html = response.text
        scripts = re.findall(r"<script\b([^>]*)>", html, re.I)
        assert all('type="application/ld+json"' in attrs for attrs in scripts), path
        assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I), path
        assert not re.search(r"<[^>]+\sstyle\s*=", html, re.I) and "<style" not in html.lower(), path
        assert "javascript:" not in html.lower(), path

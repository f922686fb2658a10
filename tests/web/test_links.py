"""Every link fediart advertises answers: follow them all from the front page and the discovery documents."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote, urlsplit

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT
from posting import add_remote, png, publish

BASE = "https://art.example"
STARTS = ["/", "/.well-known/webfinger?resource=acct:ana@art.example",
          "/.well-known/webfinger?resource=acct:art.example@art.example", "/.well-known/host-meta.json",
          "/.well-known/nodeinfo", "/users/ana", "/actor"]
POST_ONLY = re.compile(r"/inbox$")  # inboxes take POSTs only; the inbox tests cover them


def links_in(value) -> list[str]:
    """Our own URLs in a JSON document (templates filled in as a peer fills them)."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in links_in(item)]
    if isinstance(value, list):
        return [link for item in value for link in links_in(item)]
    if isinstance(value, str) and value.startswith(BASE + "/"):
        return [value.replace("{uri}", quote("acct:ana@art.example", safe=""))]
    return []


def links_in_html(html: str) -> list[str]:
    found = re.findall(r'(?:href|src|content)="(https://art\.example/[^"]*)"', html)
    return [unescape(link) for link in found]


async def test_every_advertised_link_answers(client, services, network, make_artist):
    ana = await make_artist("ana", display_name="Ana")
    await add_remote(services, network, "bob", follows=ana)
    await publish(services, text="Heron #ink", images=[(png(), "a heron")])
    seen: dict[str, int] = {}
    queue = list(STARTS)
    while queue and len(seen) < 300:
        path = queue.pop(0)
        if path in seen:
            continue
        for accept in (BROWSER_ACCEPT, AP_ACCEPT):
            response = await signed_get(client, network.fetcher(), path, accept)
            seen[path] = response.status_code
            assert response.status_code == 200, f"{path} ({accept[:20]}) answers {response.status_code}"
            kind = response.headers.get("content-type", "")
            if kind.startswith("text/html"):
                found = links_in_html(response.text)
            elif "json" in kind:
                found = links_in(response.json())
            else:
                found = []
            for link in found:
                parts = urlsplit(link)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if not POST_ONLY.search(parts.path) and target not in seen:
                    queue.append(target)
    # The walk reached the pages this brief is about, and far enough to mean something.
    for reached in ("/about", "/tags/ink", "/actor/outbox", "/actor/collections/featured", "/@ana/terms",
                    "/authorize_interaction?uri=acct%3Aana%40art.example"):
        assert reached in seen, reached
    assert len(seen) > 25

"""Every page people see, in Chromium: no serious or critical axe-core violations, and no sideways
scrolling on a 375 px wide phone.

One server per module, seeded through the CLI with an artist ("mira") and a few works. A page is one
line in PAGES; studio pages are visited signed in as mira, through the real login form.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import pytest
from browsing import PASSWORD, past_the_edge, sign_in
from PIL import Image

PHONE = {"width": 375, "height": 740}
SEVERE = ("serious", "critical")


@dataclass(frozen=True)
class Page:
    path: str  # may name {post} (the page of mira's newest work) and {post_id} (its number)
    signed_in: bool = False


PAGES = [
    Page("/"),
    Page("/about"),
    Page("/login"),
    Page("/@mira"),
    Page("{post}"),
    Page("/tags/painting"),
    Page("/studio", signed_in=True),
    Page("/studio/new", signed_in=True),
    Page("/studio/works", signed_in=True),
    Page("/studio/works/{post_id}/edit", signed_in=True),
    Page("/studio/requests", signed_in=True),
    Page("/studio/followers", signed_in=True),
    Page("/studio/following", signed_in=True),
    Page("/studio/notifications", signed_in=True),
    Page("/studio/profile", signed_in=True),
    Page("/studio/admin/blocks", signed_in=True),
    Page("/studio/admin/reports", signed_in=True),
]
IDS = [p.path.replace("{post_id}", "N").strip("/{}") or "front" for p in PAGES]


@pytest.fixture(scope="module")
def site(servers, tmp_path_factory):
    """A server whose admin is a locked artist with a password, three works and a pending follow request."""
    art = servers("art", title="Millpond Art Collective")
    art.cli("user", "create", "mira", "--display-name", "Mira Okafor", "--manual-approval",
            "--bio", "Ink and watercolour. Nothing here is licensed for AI training.")
    art.cli("user", "password", "mira", "--password-stdin", input=PASSWORD + "\n")
    # mira also administers the server, for the admin pages; a fediart without roles has no admin pages
    # either (they are skipped as not built), so a refusal here is not an error.
    art.cli("user", "update", "mira", "--role", "admin", check=False)
    art.cli("user", "create", "bo", "--display-name", "Bo")
    folder = tmp_path_factory.mktemp("works")
    works = [("Harbour at dusk #painting", "navy", "A harbour at dusk in deep blue washes"),
             ("Study of a fox #sketch", "darkorange", "An orange fox curled asleep"),
             ("Moss, close up #painting", "darkgreen", "Green moss filling the frame")]
    newest = ""
    for number, (text, colour, alt) in enumerate(works):
        picture = folder / f"{number}.jpg"
        Image.new("RGB", (640, 480), colour).save(picture, "JPEG")
        out = art.cli("post", "mira", "--text", text, "--image", str(picture), "--alt", alt).stdout
        newest = re.search(r"(https?://\S+/@mira/\d+)", out).group(1)
    art.cli("follow", "bo", art.handle("mira"))  # a request waiting on /studio/requests
    return {"base_url": art.base_url, "post": newest.removeprefix(art.base_url), "post_id": newest.rsplit("/", 1)[1]}


def visit(new_context, site, page_spec: Page, **context_options):
    """A fresh context at `page_spec` (signed in first if it is a studio page); returns the page."""
    page = new_context(**context_options).new_page()
    if page_spec.signed_in:
        sign_in(page, site["base_url"], "mira")
    path = page_spec.path.format(post=site["post"], post_id=site["post_id"])
    response = page.goto(site["base_url"] + path)
    if response.status == 404 and page_spec.signed_in and not os.environ.get("FEDIART_REQUIRE_BROWSER"):
        pytest.skip(f"{path} is not built on this branch yet")
    assert response.status == 200, f"{path} answered {response.status}"
    return page


def readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("page_spec", PAGES, ids=IDS)
def test_no_serious_accessibility_violations(new_context, site, axe_script, page_spec):
    # axe is injected as a script; the site's CSP (script-src 'none') would refuse it, so only this
    # context bypasses it.
    page = visit(new_context, site, page_spec, bypass_csp=True)
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    severe = [v for v in results["violations"] if v["impact"] in SEVERE]
    assert not severe, f"{page.url}:\n{readable(severe)}"


@pytest.mark.parametrize("page_spec", PAGES, ids=IDS)
def test_fits_a_phone_without_sideways_scrolling(new_context, site, page_spec):
    page = visit(new_context, site, page_spec, viewport=PHONE, is_mobile=True, has_touch=True)
    too_wide = past_the_edge(page)
    assert not too_wide, f"{page.url} does not fit {PHONE['width']}px:\n  " + "\n  ".join(too_wide)


def test_the_checks_see_what_they_look_for(new_context, axe_script):
    # A page with an unlabelled image and a fixed-width box: both checks above must notice it.
    page = new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"><div id="w">wide</div></main></html>')
    page.evaluate("() => { document.getElementById('w').style.width = '600px'; }")
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert "image-alt" in {v["id"] for v in results["violations"] if v["impact"] in SEVERE}
    assert past_the_edge(page)

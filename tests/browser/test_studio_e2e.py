"""The issue's proof, end to end in Chromium: a locked artist approves a follower from another server in
the studio, posts a work through the upload form, sees it in her gallery and on its page with its licence,
and the follower's server receives it.

Two real fediart processes (A: "mira", locked; B: "bo"); bo follows with B's CLI, everything mira does
is done in the browser. Screenshots of the upload form, the gallery (desktop and 375 px) and the post
page go to FEDIART_SCREENSHOTS (`make screenshots`: docs/screenshots), else to the test's tmp_path.
"""

from __future__ import annotations

import json
import math
import os
import re

import httpx
import pytest
from browsing import PASSWORD, past_the_edge, query, sign_in, wait_for
from PIL import Image, ImageDraw

TEXT = "Kingfisher over the millpond, ink and watercolour. #painting"
ALT = "A kingfisher in flight above dark water, orange breast and turquoise wings"
PHONE = {"width": 375, "height": 740}


def artwork(path, hue_shift: int, size=(1200, 900)) -> str:
    """A JPEG that looks like something in a screenshot: soft bands and a few discs."""
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(40 + 120 * t + hue_shift) % 256,
                                              int(90 + 60 * math.sin(t * 3)) % 256, int(160 - 80 * t) % 256))
    for i in range(5):
        r = 60 + 30 * i
        cx, cy = width * (i + 1) // 6, int(height * (0.35 + 0.1 * math.sin(i + hue_shift)))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r],
                     fill=((200 + 11 * i + hue_shift) % 256, (120 + 23 * i) % 256, (60 + 37 * i) % 256))
    picture.save(path, "JPEG", quality=88)
    return str(path)


def studio_is_built(base_url: str) -> bool:
    # Signed out, a studio page sends the visitor to /login; a route that does not exist answers 404.
    return httpx.get(base_url + "/studio/new", follow_redirects=False).status_code != 404


def following_state(b, domain: str) -> str | None:
    rows = query(b, "SELECT following.state FROM following JOIN actor ON actor.id = following.actor_id "
                    "WHERE actor.uri LIKE :uri", uri=f"%{domain}/users/mira")
    return rows[0][0] if rows else None


def created_at_b(b) -> list[dict]:
    """Notes that B's inbox accepted in Create activities."""
    rows = query(b, "SELECT body FROM inbox_item WHERE activity_type = 'Create'")
    return [json.loads(body)["object"] for (body,) in rows]


def loaded(image) -> bool:
    """The <img> was fetched and decoded (not a broken image)."""
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_locked_artist_approves_a_follower_and_posts_a_work_from_the_studio(
        servers, new_context, screenshots, tmp_path):
    a = servers("a", title="Millpond Art Collective")
    if not studio_is_built(a.base_url):
        if os.environ.get("FEDIART_REQUIRE_BROWSER"):
            pytest.fail("/studio/new does not exist")
        pytest.skip("the studio's upload form is not built on this branch yet")
    b = servers("b", title="Harbour Social")
    a.cli("user", "create", "mira", "--display-name", "Mira Okafor", "--manual-approval",
          "--bio", "Ink and watercolour from the river valley. Nothing here is licensed for AI training.")
    a.cli("user", "password", "mira", "--password-stdin", input=PASSWORD + "\n")
    for number, (text, alt) in enumerate([("Heron at dawn #painting", "A grey heron standing in reeds at dawn"),
                                          ("Willows in October", "Yellow willows leaning over a river"),
                                          ("Night ferry", "A lit ferry crossing black water")]):
        a.cli("post", "mira", "--text", text, "--image", artwork(tmp_path / f"{number}.jpg", 40 * number),
              "--alt", alt)
    b.cli("user", "create", "bo", "--display-name", "Bo")

    # bo asks to follow mira from B; the request waits on A.
    b.cli("follow", "bo", a.handle("mira"))
    wait_for(lambda: "pending" in a.cli("follower", "list", "mira").stdout, what="the request at A")
    assert following_state(b, a.domain) == "pending"

    # mira signs in and approves it in the studio; B hears that it was accepted.
    page = new_context().new_page()
    sign_in(page, a.base_url, "mira", next_path="/studio/requests")
    requester = f"@bo@{b.domain}"
    assert requester in page.inner_text("main")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r".*/studio/requests\?done=approved$"))
    assert "Follow request approved." in page.inner_text("main")
    assert requester not in page.inner_text("main")  # no longer waiting
    wait_for(lambda: following_state(b, a.domain) == "accepted", what="the Accept at B")

    # She posts a work through the upload form.
    page.goto(a.base_url + "/studio/new")
    page.locator("[name=text]").fill(TEXT)
    page.locator("[name=image_1]").set_input_files(artwork(tmp_path / "kingfisher.jpg", 90))
    page.locator("[name=alt_1]").fill(ALT)
    page.screenshot(path=screenshots / "upload.png", full_page=True)
    page.get_by_role("button", name="Post", exact=True).click()
    page.wait_for_url(re.compile(r".*/studio/works\?done=posted$"))
    assert "Your work is posted." in page.inner_text("main")

    # The work is in her public gallery, its image loaded, described by its alt text.
    page.goto(a.base_url + "/@mira")
    work = page.locator(f'img[alt="{ALT}"]')
    assert work.count() == 1 and loaded(work)
    page.screenshot(path=screenshots / "gallery.png", full_page=True)

    # Its page, opened from the gallery, shows the image and the licence.
    page.locator(f'a:has(img[alt="{ALT}"])').first.click()
    page.wait_for_url(re.compile(r".*/@mira/\d+$"))
    assert "Kingfisher over the millpond" in page.inner_text("main")
    assert "not licensed for AI training" in page.inner_text("body")
    assert loaded(page.locator(f'img[alt="{ALT}"]'))
    page.screenshot(path=screenshots / "post.png", full_page=True)

    # On a phone the gallery fits the screen.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(a.base_url + "/@mira")
    assert not past_the_edge(phone)
    phone.screenshot(path=screenshots / "gallery-phone.png", full_page=True)

    # bo's server receives the work, with its description.
    notes = wait_for(lambda: [n for n in created_at_b(b) if "Kingfisher over the millpond" in n.get("content", "")],
                     what="the post at B")
    assert [attachment["name"] for attachment in notes[0]["attachment"]] == [ALT]

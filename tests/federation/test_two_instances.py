"""Two fediart instances as real processes on loopback: everything an artist and a follower do.

Every activity crosses real HTTP with real signatures, verified by the receiving instance; the
licence must arrive intact, checked by expanding the received JSON with pyld on the receiving side.
"""

from __future__ import annotations

import re
import sqlite3

import httpx
import orjson
from instance import eventually
from PIL import Image

from fediart.activitypub.jsonld import expand
from fediart.activitypub.keys import load_private_key
from fediart.activitypub.signatures import sign_request
from fediart.config import load_config
from fediart.store.accounts import INSTANCE_ACTOR_USERNAME, get_account
from fediart.store.db import make_engine, make_sessionmaker

AP = {"Accept": "application/activity+json"}


async def signed_by(instance, url: str) -> dict[str, str]:
    """Headers for a GET of `url` signed by `instance`'s instance actor (authorized fetch is on)."""
    engine = make_engine(load_config(instance.config_path))
    try:
        async with make_sessionmaker(engine)() as session:
            account = await get_account(session, INSTANCE_ACTOR_USERNAME)
    finally:
        await engine.dispose()
    headers = dict(AP)
    headers.update(sign_request("GET", url, headers, None, f"{instance.base_url}/actor#main-key",
                                load_private_key(account.private_key_pem)))
    return headers
LICENCE_IRIS = ("http://purl.org/dc/terms/license", "http://www.w3.org/ns/tdmrep#reservation",
                "https://w3id.org/fediart/ns#contentUsage", "http://schema.org/copyrightNotice")


def image_file(path, colour, size=(64, 48)):
    Image.new("RGB", size, colour).save(path, "PNG")
    return str(path)


def post_id_from(output: str) -> str:
    url = re.search(r"https?://\S+/statuses/(\d+)", output) or re.search(r"https?://\S+/@\w+/(\d+)", output)
    assert url, f"no post URL in: {output}"
    return url.group(1)


async def received(instance, activity_type: str) -> list[dict]:
    """Activities of a type that an instance's inbox accepted (read from its own database)."""
    return [orjson.loads(body) for body in await instance_rows(instance, activity_type)]


async def instance_rows(instance, activity_type: str) -> list[str]:
    if instance.schema:
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        from helpers import PG_URL

        engine = create_async_engine(PG_URL, connect_args={"server_settings": {"search_path": instance.schema}})
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT body FROM inbox_item WHERE activity_type = :t"),
                                       {"t": activity_type})).all()
        await engine.dispose()
        return [r[0] for r in rows]
    with sqlite3.connect(instance.root / "fediart.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT body FROM inbox_item WHERE activity_type = ?", (activity_type,))]


async def test_follow_post_interact_edit_delete_unfollow(instances, tmp_path):
    a = await instances("a")
    b = await instances("b")
    a.cli("user", "create", "ana", "--display-name", "Ana", "--licence", "cc-by-nc-nd-4.0")
    b.cli("user", "create", "bob", "--display-name", "Bob")

    # bob follows ana: WebFinger over HTTP, Follow, automatic Accept back.
    b.cli("follow", "bob", a.handle("ana"))
    await eventually(lambda: "accepted" in a.cli("follower", "list", "ana").stdout, what="ana's follower list")
    await eventually(lambda: received(b, "Accept"), what="the Accept at b")
    async with httpx.AsyncClient() as http:
        following = await eventually(lambda: _following_count(http, a, b.actor("bob")), what="bob following ana")
    assert following == 1

    # ana posts two images; the Create reaches b with the licence on the note and both images.
    out = a.cli("post", "ana", "--text", "New work! #painting", "--image", image_file(tmp_path / "1.png", "red"),
                "--alt", "A red square", "--image", image_file(tmp_path / "2.png", "blue"), "--alt", "A blue square")
    post_id = post_id_from(out.stdout)
    note_url = f"{a.actor('ana')}/statuses/{post_id}"
    [create] = await eventually(lambda: received(b, "Create"), what="the Create at b")
    note = create["object"]
    assert note["id"] == note_url
    assert [att["name"] for att in note["attachment"]] == ["A red square", "A blue square"]
    [expanded] = expand(create)
    for iri in LICENCE_IRIS:
        assert iri in expanded
    [note_node] = expanded["https://www.w3.org/ns/activitystreams#object"]
    for iri in LICENCE_IRIS:
        assert iri in note_node
    for image in note_node["https://www.w3.org/ns/activitystreams#attachment"]:
        assert image["http://ns.useplus.org/ldf/xmp/1.0/DataMining"] == [
            {"@id": "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"}]
    async with httpx.AsyncClient() as http:
        media = await http.get(note["attachment"][0]["url"])
        assert media.status_code == 200 and media.headers["tdm-reservation"] == "1"
        assert b"DMI-PROHIBITED-AIMLTRAINING" in media.content  # the XMP inside the file

    # bob likes, boosts (pasting the post's web page) and replies; ana is notified of each.
    assert note["url"] != note_url and note["contentMap"] == {"en": note["content"]}
    b.cli("like", "bob", note_url)
    b.cli("boost", "bob", note["url"])
    b.cli("post", "bob", "--text", f"Lovely, {a.handle('ana')}!", "--reply-to", note_url)
    for kind in ("like", "boost", "reply"):
        await eventually(lambda kind=kind: kind in a.cli("notifications", "ana").stdout, what=f"a {kind} notification")
    [announce] = await received(a, "Announce")
    assert announce["object"] == note_url and announce["published"].endswith("Z")

    # ana edits, then deletes: b receives the Update and the Delete; the note is then gone (410).
    a.cli("post", "edit", post_id, "--text", "New work, varnished. #painting")
    [update] = await eventually(lambda: received(b, "Update"), what="the Update at b")
    assert "varnished" in update["object"]["content"] and update["object"].get("updated")
    a.cli("post", "delete", post_id)
    [delete] = await eventually(lambda: received(b, "Delete"), what="the Delete at b")
    assert delete["object"]["id"] == note_url
    async with httpx.AsyncClient() as http:
        assert (await http.get(note_url, headers=await signed_by(b, note_url))).status_code == 410
        assert (await http.get(note_url, headers=AP)).status_code == 401  # authorized fetch: unsigned

    # bob unfollows: ana no longer has him as a follower.
    b.cli("unfollow", "bob", a.handle("ana"))
    await eventually(lambda: "bob" not in a.cli("follower", "list", "ana").stdout, what="the unfollow at a")
    for instance in (a, b):
        assert "Traceback" not in instance.log()


async def test_manual_approval_and_rejection(instances):
    a = await instances("a")
    b = await instances("b")
    a.cli("user", "create", "cleo", "--manual-approval")
    b.cli("user", "create", "bob")
    b.cli("user", "create", "eve")
    b.cli("follow", "bob", a.handle("cleo"))
    b.cli("follow", "eve", a.handle("cleo"))
    await eventually(lambda: a.cli("follower", "list", "cleo").stdout.count("pending") == 2, what="two pending")
    requests = [line for line in a.cli("notifications", "cleo").stdout.splitlines() if "asks to follow you" in line]
    assert len(requests) == 2 and any("bob" in line for line in requests) and any("eve" in line for line in requests)
    a.cli("follower", "approve", "cleo", b.handle("bob"))
    a.cli("follower", "reject", "cleo", b.handle("eve"))
    await eventually(lambda: received(b, "Accept"), what="the Accept at b")
    await eventually(lambda: received(b, "Reject"), what="the Reject at b")
    listing = a.cli("follower", "list", "cleo").stdout
    assert "bob" in listing and "accepted" in listing and "eve" not in listing


async def _following_count(http: httpx.AsyncClient, fetcher, actor: str) -> int:
    url = actor + "/following"
    doc = (await http.get(url, headers=await signed_by(fetcher, url))).json()
    return doc.get("totalItems", 0)

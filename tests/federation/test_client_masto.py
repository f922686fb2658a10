"""The same day through masto, the npm library Phanpy and Elk are built on, run by Node 22.

masto is stricter than Mastodon.py in the ways web clients are: it refuses a response that is not
`application/json`, polls `GET /api/v1/media/:id` after an upload, follows only an absolute
`Link: <...>; rel="next"`, and this run uses PKCE (S256) as Phanpy does when the server advertises it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from clients.browser import approve_in_browser
from instance import eventually
from PIL import Image

MASTO = Path(__file__).resolve().parents[1] / "clients" / "masto"
NODE = MASTO / "node_modules" / ".bin" / "node"
REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = "read write follow push"
PASSWORD = "a long enough password"


class Masto:
    """One Node process running client.mjs; each call is one JSON line each way."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([str(NODE), str(MASTO / "client.mjs")], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=MASTO)

    def call(self, op: str, **args):
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"masto exited: {self.process.stderr.read() if self.process.stderr else ''}"
        answer = json.loads(line)
        assert answer["ok"], f"masto {op} failed: {answer}"
        return answer["result"]

    async def ask(self, op: str, **args):
        return await asyncio.to_thread(self.call, op, **args)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def masto():
    if not NODE.exists():
        pytest.fail(f"{NODE} is missing: run `npm ci --prefix {MASTO}` (make test does)")
    client = Masto()
    yield client
    client.close()


async def test_a_web_client_logs_in_with_pkce_posts_art_and_pages_its_timeline(instances, masto, tmp_path):
    art, friends = await instances("art"), await instances("friends")
    art.cli("user", "create", "ana", "--display-name", "Ana")
    art.cli("user", "password", "ana", "--password-stdin", input=PASSWORD + "\n")
    friends.cli("user", "create", "bob", "--display-name", "Bob")
    friends.cli("follow", "bob", art.handle("ana"))

    registered = await masto.ask("register", url=art.base_url, redirectUri=REDIRECT, scopes=SCOPES)
    assert "code_challenge_method=S256" in registered["authorizeUrl"]
    code, _ = await asyncio.to_thread(approve_in_browser, registered["authorizeUrl"], "ana", PASSWORD)
    token = await masto.ask("token", code=code, redirectUri=REDIRECT, scopes=SCOPES)
    assert set(token["scope"].split()) == set(SCOPES.split())

    instance = await masto.ask("instance")
    assert instance["configuration"]["urls"]["streaming"] == f"ws://{art.domain}"
    assert instance["configuration"]["mediaAttachments"]["imageMatrixLimit"] >= 33_177_600
    assert (await masto.ask("verify"))["acct"] == "ana"

    picture = tmp_path / "kingfisher"  # no extension, as Ice Cubes uploads
    Image.new("RGB", (900, 600), "orange").save(picture, "PNG")
    media = await masto.ask("upload", path=str(picture), description="A kingfisher diving", focus="-0.5,0.25")
    assert media["url"] and media["description"] == "A kingfisher diving"
    posted = await masto.ask("post", status="Kingfisher, gouache", mediaIds=[media["id"]], visibility="public")
    assert posted["mediaAttachments"][0]["description"] == "A kingfisher diving"
    assert posted["licence"]["aiTraining"] == "reserved"
    edited = await masto.ask("edit", id=posted["id"], status="Kingfisher, gouache on paper", mediaIds=[media["id"]])
    assert "on paper" in edited["content"]
    assert len(await masto.ask("history", id=posted["id"])) == 2

    await eventually(lambda: masto.call("verify")["followersCount"] == 1, what="bob's follow", timeout=60)
    [bob] = (await masto.ask("search", q=friends.handle("bob")))["accounts"]
    relationship = await masto.ask("follow", id=bob["id"])
    assert relationship["following"] or relationship["requested"]

    for n in range(4):
        await masto.ask("post", status=f"Study {n}", visibility="public")
    pages = await masto.ask("home", limit=2, pages=4)  # five posts: the kingfisher and four studies
    assert [len(p) for p in pages if p] == [2, 2, 1]
    flat = [int(i) for page in pages for i in page]
    assert flat == sorted(flat, reverse=True) and len(set(flat)) == 5

"""A Fedify ActivityPub peer for integration tests: a real Node process driven over HTTP.

    from peers.fedify_peer import FedifyPeer, fedify_available

    async with FedifyPeer() as peer:
        await peer.follow("http://127.0.0.1:8000/users/alice")
        accept = await peer.wait_for(type="Accept")

The peer (tests/peers/fedify/peer.mjs) serves one actor at ``peer.actor_url`` on
``http://127.0.0.1:<free port>`` and a JSON control API under ``/_control/``; the methods here
are thin wrappers around that API.  Install its Node packages (Fedify and a Node 22 binary,
all from the npm registry) once with::

    npm ci --prefix tests/peers/fedify

or call ``ensure_installed()``.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

PEER_DIR = Path(__file__).resolve().parent / "fedify"
PEER_SCRIPT = PEER_DIR / "peer.mjs"
NODE = PEER_DIR / "node_modules" / ".bin" / "node"
INSTALL_COMMAND = "npm ci --prefix tests/peers/fedify"

Record = dict[str, Any]


class PeerError(RuntimeError):
    """A control call failed; the message carries the peer's answer and the end of its log."""

    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@functools.cache
def _node_major() -> int | None:
    try:
        out = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    version = out.stdout.strip().lstrip("v")
    try:
        return int(version.split(".")[0])
    except ValueError:
        return None


def fedify_available() -> str | None:
    """None when the peer can run here, else why not (for pytest.skip)."""
    if not (PEER_DIR / "node_modules" / "@fedify" / "fedify" / "package.json").is_file():
        return f"the Fedify peer is not installed: run `{INSTALL_COMMAND}`"
    if not NODE.exists():
        return f"{NODE} is missing (the `node` npm package did not install): run `{INSTALL_COMMAND}`"
    major = _node_major()
    if major is None or major < 22:
        return f"{NODE} is not Node >= 22 (got {major}); Fedify 2 needs it: run `{INSTALL_COMMAND}`"
    return None


def ensure_installed() -> None:
    """Run `npm ci` for the peer if its node_modules is missing or incomplete (idempotent)."""
    if fedify_available() is None:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH; it is needed once to install the Fedify peer")
    print(f"fedify peer: installing ({INSTALL_COMMAND}) ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [npm, "ci", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund"],
        check=True,
    )
    _node_major.cache_clear()
    reason = fedify_available()
    if reason is not None:
        raise RuntimeError(f"npm ci finished but the peer is still unusable: {reason}")
    print(f"fedify peer: installed in {time.monotonic() - started:.0f} s", flush=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FedifyPeer:
    """A Fedify server with one actor, as an async context manager.

    first_knock: the HTTP signature scheme Fedify tries first on a server it has not talked
    to yet ("rfc9421", Fedify's default, or "draft-cavage-http-signatures-12"); it retries
    with the other one on any 4xx/5xx answer.  ed25519=False leaves out the Ed25519 key, so
    deliveries carry no Object Integrity Proof.
    """

    def __init__(
        self,
        *,
        username: str = "fedi",
        first_knock: str | None = None,
        ed25519: bool = True,
        log_level: str = "warning",
        startup_timeout: float = 30.0,
    ) -> None:
        self.username = username
        self.first_knock = first_knock
        self.ed25519 = ed25519
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        self._client: httpx.AsyncClient | None = None

    # -- addresses -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def actor_url(self) -> str:
        return f"{self.base_url}/users/{self.username}"

    @property
    def inbox_url(self) -> str:
        return f"{self.actor_url}/inbox"

    @property
    def shared_inbox_url(self) -> str:
        return f"{self.base_url}/inbox"

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FedifyPeer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        reason = fedify_available()
        if reason is not None:
            raise RuntimeError(reason)
        # A free port can be taken between our probe and node's bind: try a few.
        for attempt in range(3):
            self.port = _free_port()
            self._spawn()
            try:
                await self._wait_healthy()
                return
            except PeerError as error:
                await self.stop()
                if "EADDRINUSE" in str(error) and attempt < 2:
                    continue
                raise
            except BaseException:  # cancelled, interrupted: never leave the process behind
                await self.stop()
                raise

    def _spawn(self) -> None:
        args = [str(NODE), str(PEER_SCRIPT), "--port", str(self.port), "--username", self.username]
        args += ["--log-level", self.log_level]
        if self.first_knock:
            args += ["--first-knock", self.first_knock]
        if not self.ed25519:
            args.append("--no-ed25519")
        # A file, not a pipe: nobody reads it while the peer runs, and a full pipe would block it.
        self._log_file = tempfile.NamedTemporaryFile(prefix="fedify-peer-", suffix=".log", delete=False)
        self._proc = subprocess.Popen(
            args,
            cwd=PEER_DIR,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches any child too
        )
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=30.0)

    async def _wait_healthy(self) -> None:
        assert self._proc is not None and self._client is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise PeerError(f"the Fedify peer exited with {self._proc.returncode}:\n{self.log_text()}")
            try:
                r = await self._client.get("/_control/health", timeout=2.0)
                if r.status_code == 200 and r.json().get("ok"):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        raise PeerError(f"the Fedify peer did not answer within {self.startup_timeout} s:\n{self.log_text()}")

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            for _ in range(50):
                if proc.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        if self._log_file is not None:
            self._log_file.close()
            # Kept only while the peer runs: failures quote it in their messages before this.
            Path(self._log_file.name).unlink(missing_ok=True)
            self._log_file = None

    def log_text(self) -> str:
        """What the peer wrote to stdout/stderr (Fedify's log at `log_level`)."""
        if self._log_file is None:
            return ""
        try:
            return Path(self._log_file.name).read_text(errors="replace")
        except OSError:
            return ""

    # -- control API -----------------------------------------------------------------------

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if self._client is None:
            raise RuntimeError("the peer is not running")
        r = await self._client.request(method, f"/_control/{path}", json=body)
        try:
            data = r.json()
        except ValueError:
            data = r.text
        if r.status_code >= 400:
            tail = "\n".join(self.log_text().splitlines()[-40:])
            raise PeerError(
                f"{method} /_control/{path} -> {r.status_code}: {data}\n--- peer log (tail) ---\n{tail}",
                status=r.status_code,
                body=data,
            )
        return data

    async def follow(self, actor: str) -> str:
        """Send a Follow to `actor` (an actor URL); returns the Follow's id."""
        return (await self._call("POST", "follow", {"actor": actor}))["id"]

    async def unfollow(self, actor: str) -> str:
        """Send Undo(Follow) for an actor we follow; returns the Undo's id."""
        return (await self._call("POST", "unfollow", {"actor": actor}))["id"]

    async def like(self, obj: str) -> str:
        """Fetch `obj` (signed), send a Like of it to its author; returns the Like's id."""
        return (await self._call("POST", "like", {"object": obj}))["id"]

    async def reply(self, in_reply_to: str, content: str) -> str:
        """Send Create(Note) replying to `in_reply_to` to its author; returns the Note's id."""
        return (await self._call("POST", "reply", {"inReplyTo": in_reply_to, "content": content}))["id"]

    async def post(self, content: str, mention: list[str] | tuple[str, ...] = ()) -> str:
        """Publish a public Note to our followers (and mentioned actors); returns the Note's id."""
        return (await self._call("POST", "post", {"content": content, "mention": list(mention)}))["id"]

    async def send(self, activity: dict[str, Any], to: str) -> str | None:
        """Send any JSON-LD activity (its actor should be `actor_url`) to actor `to`, signed."""
        return (await self._call("POST", "send", {"activity": activity, "to": to}))["id"]

    async def fetch(
        self,
        url: str,
        *,
        signed: bool = True,
        spec: str | None = None,
        accept: str | None = None,
    ) -> dict[str, Any]:
        """GET `url` from the peer, signed as its actor (draft-cavage unless spec="rfc9421").

        Returns {"status", "contentType", "headers", "document" (parsed JSON or None),
        "text" (the body when it is not JSON)}: what the remote answered, unparsed by Fedify.
        """
        body: dict[str, Any] = {"url": url, "signed": signed}
        if spec:
            body["spec"] = spec
        if accept:
            body["accept"] = accept
        return await self._call("POST", "fetch", body)

    async def lookup(self, url: str) -> dict[str, Any]:
        """Fetch `url` (signed) through Fedify's lookupObject: {"type", "id", "object"}, where
        object is what Fedify parsed, serialised back to compact JSON-LD."""
        return await self._call("POST", "lookup", {"url": url})

    async def inbox(self) -> list[Record]:
        """Activities Fedify verified and dispatched: {"id", "type", "actor", "recipient",
        "receivedAt", "activity" (compact JSON-LD by Fedify), "raw" (the JSON as received),
        "signature" ({"scheme", "keyId"} of the HTTP signature), "contentType"}."""
        return await self._call("GET", "inbox")

    async def rejected(self) -> list[Record]:
        """Activities whose HTTP signature did not verify (answered 401), with the reason."""
        return await self._call("GET", "rejected")

    async def sent(self) -> list[Record]:
        """Activities the peer sent: {"id", "type", "to", "outcome": "delivered"|"failed"|"queued",
        "error", "activity"}."""
        return await self._call("GET", "sent")

    async def outbox_errors(self) -> list[Record]:
        """Failures of queued deliveries (e.g. the automatic Accept of a Follow)."""
        return await self._call("GET", "outbox-errors")

    async def followers(self) -> list[Record]:
        return await self._call("GET", "followers")

    async def following(self) -> list[Record]:
        """[{"id", "followId", "state": "pending"|"accepted"|"rejected", "answeredBy", ...}]"""
        return await self._call("GET", "following")

    async def wait_for(
        self,
        predicate: Callable[[Record], bool] | None = None,
        *,
        type: str | None = None,  # noqa: A002 - mirrors the activity's "type"
        actor: str | None = None,
        timeout: float = 10.0,
        interval: float = 0.1,
    ) -> Record:
        """Poll the inbox until a recorded activity matches; return that record.

        `type` and `actor` match the record's fields; `predicate` gets the whole record.
        """

        def matches(record: Record) -> bool:
            if type is not None and record.get("type") != type:
                return False
            if actor is not None and record.get("actor") != actor:
                return False
            return predicate is None or predicate(record)

        deadline = time.monotonic() + timeout
        while True:
            records = await self.inbox()
            for record in records:
                if matches(record):
                    return record
            if time.monotonic() >= deadline:
                break
            await asyncio.sleep(interval)
        seen = [(r.get("type"), r.get("actor"), r.get("id")) for r in records]
        rejected = await self.rejected()
        errors = await self.outbox_errors()
        raise AssertionError(
            f"no matching activity in {self.actor_url}'s inbox after {timeout} s "
            f"(type={type!r}, actor={actor!r}).\ninbox: {seen}\nrejected: {rejected}\n"
            f"outbox errors: {errors}\n--- peer log (tail) ---\n"
            + "\n".join(self.log_text().splitlines()[-40:])
        )

"""Fake remote servers for in-process tests: actors with real keys, served by an httpx MockTransport.

Only "the internet" is fake: fediart's own code signs, fetches, verifies and stores for real.
Integration tests with real processes (two fediart instances, Fedify) live in tests/federation/.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric import rsa

from fediart.activitypub.keys import generate_key_pair, load_private_key
from fediart.activitypub.signatures import sign_request

AS = "https://www.w3.org/ns/activitystreams"
_KEYS = [generate_key_pair() for _ in range(3)]  # generating RSA keys is slow; reuse a few
_counter = itertools.count(1)


@dataclass
class FakeActor:
    host: str
    username: str
    private_pem: str
    public_pem: str
    shared_inbox: bool = True
    actor_type: str = "Person"
    extra: dict[str, Any] = field(default_factory=dict)
    # Where the key lives: "#main-key" (Mastodon: inside the actor) or "/main-key" (GoToSocial).
    key_path: str = "#main-key"
    # What a key URL without "#" answers: "stub" (GoToSocial's actor stub, id = the actor) or
    # "document" (a key document whose own id is the key URL, with a top-level owner).
    key_style: str = "stub"
    # Another server's actor shape: a function of this actor returning the whole document.
    shape: Callable[[FakeActor], dict[str, Any]] | None = None

    @property
    def uri(self) -> str:
        return f"https://{self.host}/users/{self.username}"

    @property
    def key_id(self) -> str:
        return self.uri + self.key_path

    @property
    def inbox(self) -> str:
        return self.uri + "/inbox"

    @property
    def shared_inbox_url(self) -> str | None:
        return f"https://{self.host}/inbox" if self.shared_inbox else None

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        return load_private_key(self.private_pem)

    def document(self) -> dict[str, Any]:
        if self.shape is not None:
            return self.shape(self)
        doc = {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.uri,
            "type": self.actor_type,
            "preferredUsername": self.username,
            "name": self.username.capitalize(),
            "summary": "<p>remote person</p>",
            "url": f"https://{self.host}/@{self.username}",
            "inbox": self.inbox,
            "outbox": self.uri + "/outbox",
            "followers": self.uri + "/followers",
            "publicKey": {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_pem},
        }
        if self.shared_inbox:
            doc["endpoints"] = {"sharedInbox": self.shared_inbox_url}
        doc.update(self.extra)
        return doc

    def key_document(self) -> dict[str, Any]:
        """What the key URL answers when the key is not a fragment of the actor."""
        key = {"id": self.key_id, "owner": self.uri, "publicKeyPem": self.public_pem}
        if self.key_style == "document":
            return {"@context": "https://w3id.org/security/v1", "type": "Key", **key}
        return {"@context": ["https://w3id.org/security/v1", AS], "id": self.uri,
                "preferredUsername": self.username, "publicKey": key, "type": self.actor_type}

    def new_id(self, kind: str = "activities") -> str:
        return f"{self.uri}/{kind}/{next(_counter)}"

    def signed_headers(self, url: str, body: bytes, content_type: str = "application/activity+json") -> dict[str, str]:
        headers = {"Content-Type": content_type}
        headers.update(sign_request("POST", url, headers, body, self.key_id, self.private_key))
        return headers


@dataclass
class Received:
    url: str
    headers: httpx.Headers
    body: dict[str, Any]


class FakeNetwork:
    """Remote servers: GETs answer from registered documents, POSTs to inboxes are recorded."""

    def __init__(self) -> None:
        self.actors: dict[str, FakeActor] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        self.received: list[Received] = []
        self.inbox_status: dict[str, int] = {}  # per inbox URL; default 202
        self.gets: list[httpx.Request] = []
        self.redirects: dict[str, str] = {}  # URL -> Location answered with a 302
        self.responses: dict[str, Callable[[httpx.Request], httpx.Response]] = {}  # URL -> custom answer
        self.down: set[str] = set()  # hosts ("host" or "host:port") that refuse connections

    def add_actor(self, username: str = "bob", host: str = "remote.example", **options) -> FakeActor:
        private_pem, public_pem = _KEYS[len(self.actors) % len(_KEYS)]
        actor = FakeActor(host=host, username=username, private_pem=private_pem, public_pem=public_pem, **options)
        self.actors[actor.uri] = actor
        return actor

    def fetcher(self) -> FakeActor:
        """The instance actor of a friendly server that fetches fediart's documents (signed_get)."""
        found = self.actors.get("https://peer.example/users/peer.example")
        return found or self.add_actor("peer.example", "peer.example", actor_type="Application")

    def rotate_key(self, actor: FakeActor) -> None:
        """The actor's server gives it a new key pair under the same key id."""
        current = _KEYS.index((actor.private_pem, actor.public_pem))
        actor.private_pem, actor.public_pem = _KEYS[(current + 1) % len(_KEYS)]

    def add_document(self, doc: dict[str, Any]) -> dict[str, Any]:
        self.documents[doc["id"]] = doc
        return doc

    def deliveries_to(self, inbox: str) -> list[dict[str, Any]]:
        return [r.body for r in self.received if r.url == inbox]

    def handler(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if request.url.netloc.decode() in self.down:
            raise httpx.ConnectError("Connection refused", request=request)
        if request.method == "POST":
            self.received.append(Received(url, request.headers, orjson.loads(request.content)))
            return httpx.Response(self.inbox_status.get(url, 202))
        self.gets.append(request)
        if request.url.path == "/.well-known/webfinger":
            return self._webfinger(request)
        if url in self.responses:
            return self.responses[url](request)
        if url in self.redirects:
            return httpx.Response(302, headers={"location": self.redirects[url]})
        key_owner = next((a for a in self.actors.values() if a.key_id == url and "#" not in a.key_path), None)
        if key_owner is not None:
            return _ap(key_owner.key_document())
        base = url.split("#", 1)[0]
        if base in self.actors:
            return _ap(self.actors[base].document())
        if url in self.documents:
            return _ap(self.documents[url])
        return httpx.Response(404, json={"error": "not found"})

    def _webfinger(self, request: httpx.Request) -> httpx.Response:
        resource = request.url.params.get("resource", "")
        user, _, host = resource.removeprefix("acct:").partition("@")
        actor = self.actors.get(f"https://{host}/users/{user}")
        if actor is None:
            return httpx.Response(404)
        return httpx.Response(200, json={"subject": resource, "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor.uri}]},
            headers={"content-type": "application/jrd+json"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


def _ap(doc: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, content=orjson.dumps(doc), headers={"content-type": "application/activity+json"})


async def post_activity(client: httpx.AsyncClient, actor: FakeActor, activity: dict[str, Any],
                        path: str = "/inbox") -> httpx.Response:
    """POST an activity to fediart's inbox, signed by `actor` as a real server would."""
    body = orjson.dumps(activity)
    url = str(client.base_url.join(path))
    return await client.post(path, content=body, headers=actor.signed_headers(url, body))


async def signed_get(client: httpx.AsyncClient, actor: FakeActor, path: str,
                     accept: str = "application/activity+json", **extra_headers: str) -> httpx.Response:
    """GET a fediart document signed by `actor` as Mastodon signs its fetches (draft-cavage:
    (request-target) host date), so authorized fetch lets it through."""
    url = str(client.base_url.join(path))
    headers = {"Accept": accept, **extra_headers}
    headers.update(sign_request("GET", url, headers, None, actor.key_id, actor.private_key))
    return await client.get(path, headers=headers)

"""Helpers for inbox handler tests: remote activities as servers send them, local posts made in the
database, and checks on what fediart delivered (signed by the artist, licence terms on it).
"""

from __future__ import annotations

from typing import Any

import orjson
from fakes import AS, FakeActor, Received, post_activity
from sqlmodel import select

from fediart.activitypub.keys import load_public_key
from fediart.activitypub.signatures import parse_signature, verify_parsed
from fediart.store.tables import Account, InboxItem, Post
from fediart.worker import run_due_work

BASE = "https://art.example"
LICENCE_TERMS = ("usageInfo", "copyrightNotice", "creditText", "tdmReservation", "tdmPolicy", "contentUsage",
                 "searchableBy")


def actor_url(username: str) -> str:
    return f"{BASE}/users/{username}"


def post_url(post: Post, username: str = "ana") -> str:
    return f"{actor_url(username)}/statuses/{post.id}"


def activity(actor: FakeActor, kind: str, obj: Any, **extra) -> dict[str, Any]:
    return {"@context": AS, "id": actor.new_id(), "type": kind, "actor": actor.uri, "object": obj, **extra}


def note(actor: FakeActor, content: str = "<p>hello</p>", **fields) -> dict[str, Any]:
    doc = {"id": actor.new_id("statuses"), "type": "Note", "attributedTo": actor.uri, "content": content,
           "to": ["https://www.w3.org/ns/activitystreams#Public"], "published": "2026-03-01T12:00:00Z"}
    doc.update(fields)
    return doc


def mention(username: str) -> dict[str, str]:
    return {"type": "Mention", "href": actor_url(username), "name": f"@{username}@art.example"}


async def add_post(services, account: Account, content: str = "<p>my painting</p>", **fields) -> Post:
    """A local post written straight to the database (publishing is another module's job)."""
    async with services.sessions() as session:
        post = Post(account_id=account.id, content=content, **fields)
        session.add(post)
        await session.commit()
        await session.refresh(post)
        return post


async def send(client, services, actor: FakeActor, body: dict[str, Any], path: str = "/inbox") -> None:
    """POST signed as `actor`, then run the worker; the handler must have finished without error."""
    response = await post_activity(client, actor, body, path)
    assert response.status_code == 202, response.text
    await run_due_work(services)
    await assert_processed(services)


async def assert_processed(services) -> None:
    async with services.sessions() as session:
        items = (await session.exec(select(InboxItem))).all()
    failing = [(i.activity_type, i.last_error) for i in items if i.state != "done"]
    assert not failing, f"inbox items not processed: {failing}"


async def rows(services, model, *where) -> list:
    async with services.sessions() as session:
        return list((await session.exec(select(model).where(*where))).all())


def assert_signed_by(received: Received, account: Account) -> None:
    """The delivery carries a valid HTTP signature by the artist's key."""
    url = received.headers.get("host")
    target = received.url.split(url, 1)[1]
    body = orjson.dumps(received.body)
    parsed = parse_signature("POST", target, received.headers, body, authority=url)
    assert not getattr(parsed, "reason", ""), parsed
    assert parsed.key_id == actor_url(account.username) + "#main-key"
    result = verify_parsed(parsed, load_public_key(account.public_key_pem))
    assert result.ok, result.reason


def assert_licensed(body: dict[str, Any], username: str = "ana") -> None:
    for term in LICENCE_TERMS:
        assert term in body, f"{body['type']} lacks the licence term {term}"
    assert body["tdmReservation"] == 1
    assert body["searchableBy"] == [actor_url(username)]


def received_of(network, inbox: str, kind: str) -> list[Received]:
    return [r for r in network.received if r.url == inbox and r.body.get("type") == kind]

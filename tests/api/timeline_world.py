"""Helpers for timeline and notification tests: remote actors an artist follows, their notes and
activities delivered through the real inbox (signed, then the worker run), posts written to the database."""

from __future__ import annotations

from typing import Any

from fakes import AS, FakeActor, FakeNetwork, post_activity

from fediart.store.tables import Following, Post
from fediart.worker import run_due_work

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def follow_remote(services, network: FakeNetwork, account, username: str, host: str = "remote.example"):
    """A remote actor on the fake network that `account` follows (accepted): (fake actor, actor row)."""
    fake = network.actors.get(f"https://{host}/users/{username}") or network.add_actor(username, host=host)
    actor = await services.remote_actors.by_uri(fake.uri)
    async with services.sessions() as session:
        session.add(Following(account_id=account.id, actor_id=actor.id, state="accepted",
                              follow_uri=f"https://art.example/follows/{account.username}-{actor.id}"))
        await session.commit()
    return fake, actor


def note(actor: FakeActor, content: str = "<p>hello</p>", **fields) -> dict[str, Any]:
    doc = {"id": actor.new_id("statuses"), "type": "Note", "attributedTo": actor.uri, "content": content,
           "to": [PUBLIC], "cc": [actor.uri + "/followers"], "published": "2026-03-01T12:00:00Z"}
    doc.update(fields)
    return doc


async def deliver(client, services, actor: FakeActor, kind: str, obj: Any, **extra) -> dict[str, Any]:
    """Send `kind` of `obj` signed by `actor` to the shared inbox and run the worker; returns the activity."""
    activity = {"@context": AS, "id": actor.new_id(), "type": kind, "actor": actor.uri, "object": obj, **extra}
    response = await post_activity(client, actor, activity)
    assert response.status_code == 202, response.text
    await run_due_work(services)
    return activity


async def add_posts(services, account, count: int, **fields) -> list[Post]:
    """`count` posts by `account`, oldest first, written straight to the database."""
    made = []
    async with services.sessions() as session:
        for number in range(count):
            post = Post(account_id=account.id, content=f"<p>post {number}</p>", **fields)
            session.add(post)
            await session.flush()
            made.append(post)
        await session.commit()
    return made

"""What a pasted URL names, for search with resolve=true: a known account or post, else the document
fetched from its server and stored (an actor, or a public post as a RemotePost clients can reply to,
like or boost).

Only public and unlisted posts are stored: the fetch is signed with the instance's key, so anything
more private it returns was not addressed to whoever searched.
"""

from __future__ import annotations

import httpx
from sqlmodel import select

from fediart.actions.accounts import check_policy, find_actor, known_actor
from fediart.actions.errors import ActionError
from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import same_origin
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.refs import type_of
from fediart.activitypub.remote_actors import ActorError
from fediart.inbox.local import local_post
from fediart.inbox.note_fields import visibility_of
from fediart.inbox.notes import NoteRefused, store_fetched_note
from fediart.services import Services
from fediart.store.visibility import OPEN
from fediart.store.tables import Account, Actor, Post, RemotePost


NOTE_TYPES = {"Note", "Article", "Page", "Image", "Question"}


async def known_post(services: Services, url: str) -> Post | RemotePost | None:
    """A post fediart holds whose id or web address is `url`: ours, or a stored remote one."""
    async with services.sessions() as session:
        post = await local_post(session, services, url)
        if post is None and same_origin(url, services.urls.base):
            tail = httpx.URL(url).path.rstrip("/").rsplit("/", 1)[-1]
            if tail.isdigit() and "/@" in url:  # the post's page, /@user/<id>
                post = await session.get(Post, int(tail))
                author = await session.get(Account, post.account_id) if post is not None else None
                if post is None or post.deleted_at is not None or author is None \
                        or services.urls.status_page(author.username, post.id) != url.rstrip("/"):
                    post = None
        if post is not None:
            return post
        found = (await session.exec(select(RemotePost).where((RemotePost.uri == url) | (RemotePost.url == url),
                                                             RemotePost.deleted_at.is_(None)))).first()
        return found


async def resolve_url(services: Services, url: str) -> Actor | Post | RemotePost | None:
    """What a pasted URL names: a known account or post, else the remote document fetched and stored
    (an actor, or a public post); None if it names nothing usable."""
    actor = await known_actor(services, url)
    if actor is not None:
        return actor
    post = await known_post(services, url)
    if post is not None or same_origin(url, services.urls.base):
        return post
    await check_policy(services, url, url)
    try:
        doc = await object_by_url(services.http, url, services.instance_signer, services.config)
    except (FetchError, LookupRefused):
        return None
    if type_of(doc) in NOTE_TYPES:
        if visibility_of(doc, None) not in OPEN:
            return None  # a private post answered to the instance's signature was not for whoever searched
        try:
            return await store_fetched_note(services, doc, why=f"the search for {url}", page_url=url)
        except (FetchError, ActorError, NoteRefused):
            return None
    try:
        return await find_actor(services, doc["id"], fetch=True)
    except ActionError:
        return None


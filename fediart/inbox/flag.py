"""Flag arriving: another server reports one of our artists or their posts to us (Mastodon, GoToSocial,
Misskey, Akkoma shapes). Stored as an incoming Report for the admin; anything not about us is dropped.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import nh3
from sqlmodel import select

from fediart.activitypub.hosts import host_of
from fediart.inbox.local import id_of, local_account, local_post
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.policy_tables import Report
from fediart.store.states import ReportDirection
from fediart.store.tables import Account, InboxItem

log = logging.getLogger("fediart.inbox")

COMMENT_LIMIT = 5000
MAX_OBJECTS = 100  # a report names one account and a handful of posts; more is not a report


def plain_comment(value: Any) -> str:
    """The reporter's comment as plain text (HTML dropped, entities decoded), capped in length."""
    if not isinstance(value, str):
        return ""
    text = html.unescape(nh3.clean(value.replace("<br>", "\n").replace("</p>", "\n"), tags=set()))
    return text.strip()[:COMMENT_LIMIT]


def _objects(activity: dict[str, Any]) -> list[str]:
    # Misskey sends one URI, Mastodon a list of URIs, Akkoma embeds objects as dicts.
    raw = activity.get("object")
    items = raw if isinstance(raw, list) else [raw]
    return [uri for uri in (id_of(item) for item in items[:MAX_OBJECTS]) if isinstance(uri, str) and uri]


async def on_flag(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """Store a report about one of our artists (and their posts named in it); repeats are no-ops."""
    host = host_of(item.actor_uri) or ""
    rule = await services.policy.rule_for(host)
    if rule is not None and rule.reject_reports:
        log.info("ignored Flag %s: reports from %s are rejected", item.activity_uri, host)
        return
    reporter = await services.remote_actors.by_uri(item.actor_uri)  # the signer: known since receive()
    async with services.sessions() as session:
        if (await session.exec(select(Report.id).where(Report.activity_uri == item.activity_uri))).first():
            return
        target: Account | None = None
        posts: list[str] = []
        for uri in _objects(activity):
            account = await local_account(session, services, uri)
            post = None if account else await local_post(session, services, uri)
            if post is not None:
                account = await session.get(Account, post.account_id)
                posts.append(uri)
            if account is not None and (target is None or target.id == account.id):
                target = account
        if target is None:
            log.info("ignored Flag %s from %s: it names no artist or post of ours", item.activity_uri, host)
            return
        # Posts by another of our artists in the same Flag do not belong to this report.
        posts = [uri for uri in posts if (await local_post(session, services, uri)).account_id == target.id]
        target_actor = await local_actor(session, services.urls, target)
        session.add(Report(activity_uri=item.activity_uri, direction=ReportDirection.INCOMING, domain=host,
                           reporter_id=reporter.id, target_id=target_actor.id,
                           comment=plain_comment(activity.get("content")), object_uris=posts))
        await session.commit()
    log.info("report %s from %s about %s stored", item.activity_uri, host, target.username)

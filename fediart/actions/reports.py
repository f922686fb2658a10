"""Reports (Flag): filing one about an account, listing and resolving those the admin has to read.

The CLI (`fediart report`, `fediart reports`) and the client API (POST /api/v1/reports) call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.resolve import known_post
from fediart.inbox.flag import COMMENT_LIMIT
from fediart.inbox.local import local_post
from fediart.outbox.report import flag_uri, send_flag
from fediart.services import Services
from fediart.store.policy_tables import Report
from fediart.store.states import ReportDirection, ReportState
from fediart.store.tables import Actor, Post, RemotePost, utcnow

MAX_POSTS = 20


@dataclass
class ReportedPost:
    uri: str
    url: str
    text: str  # stored HTML as sent; callers make it plain and safe for their medium


@dataclass
class ReportView:
    report: Report
    target: Actor
    reporter: Actor | None
    posts: list[ReportedPost] = field(default_factory=list)


async def file_report(services: Services, target: Actor, comment: str, post_urls: list[str], *,
                      forward: bool = True, reporter: Actor | None = None) -> Report:
    """Store a report about `target` and its posts; for a remote target with `forward`, Flag its server."""
    if len(post_urls) > MAX_POSTS:
        raise ActionError(f"a report names at most {MAX_POSTS} posts", 422)
    if len(comment) > COMMENT_LIMIT:
        raise ActionError(f"the comment is longer than {COMMENT_LIMIT} characters", 422)
    post_uris: list[str] = []
    for url in post_urls:
        post = await known_post(services, url)
        author_id = post.actor_id if isinstance(post, RemotePost) else None
        if isinstance(post, Post):
            async with services.sessions() as session:
                author_id = (await session.exec(select(Actor.id).where(Actor.account_id == post.account_id))).first()
        if post is None or author_id != target.id:
            raise ActionError(f"{url} is not a known post by that account", 422)
        uri = post.uri if isinstance(post, RemotePost) else services.urls.status(target.username, post.id)
        if uri not in post_uris:
            post_uris.append(uri)
    sending = forward and not target.local
    uri = flag_uri(services)
    async with services.sessions() as session:
        if sending:
            await send_flag(session, services, uri, target, post_uris, comment)
        # Not sent (a local account, or kept here): the report is for this server's admin.
        report = Report(activity_uri=uri, domain=target.domain, target_id=target.id, comment=comment,
                        direction=ReportDirection.OUTGOING if sending else ReportDirection.INCOMING,
                        reporter_id=reporter.id if reporter else None, object_uris=post_uris)
        session.add(report)
        await session.commit()
        await session.refresh(report)
    if sending:
        services.wake_worker()
    return report


async def _view(services: Services, session, report: Report) -> ReportView:
    target = await session.get(Actor, report.target_id)
    reporter = await session.get(Actor, report.reporter_id) if report.reporter_id else None
    posts = []
    for uri in report.object_uris:
        local = await local_post(session, services, uri)
        if local is not None:
            posts.append(ReportedPost(uri, services.urls.status_page(target.username, local.id), local.content))
            continue
        remote = (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()
        posts.append(ReportedPost(uri, (remote.url or uri) if remote else uri, remote.content if remote else ""))
    return ReportView(report, target, reporter, posts)


async def list_reports(services: Services, *, everything: bool = False) -> list[ReportView]:
    """Reports newest first: open ones only, unless `everything`."""
    query = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
    if not everything:
        query = query.where(Report.state == ReportState.OPEN)
    async with services.sessions() as session:
        return [await _view(services, session, r) for r in (await session.exec(query)).all()]


async def get_report(services: Services, report_id: int) -> ReportView:
    async with services.sessions() as session:
        report = await session.get(Report, report_id)
        if report is None:
            raise NotFound(f"no report {report_id}")
        return await _view(services, session, report)


async def resolve_report(services: Services, report_id: int) -> Report:
    """Mark a report resolved (idempotent)."""
    async with services.sessions() as session:
        report = await session.get(Report, report_id)
        if report is None:
            raise NotFound(f"no report {report_id}")
        if report.state != ReportState.RESOLVED:
            report.state, report.resolved_at = ReportState.RESOLVED, utcnow()
            session.add(report)
            await session.commit()
            await session.refresh(report)
        return report

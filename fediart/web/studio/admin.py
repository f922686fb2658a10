"""Studio pages for the server's admins: domain blocks and reports.

Every handler starts with `studio.require_admin()`, so an artist gets 403 on the pages and on the forms
(before a form is read). The work is done by actions/domain_blocks.py and actions/reports.py, which the
CLI calls too.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import domain_blocks, reports
from fediart.actions.accounts import handle_of
from fediart.actions.domain_blocks import BlockOptions
from fediart.text import plain_excerpt
from fediart.store.ids import parse_id
from fediart.store.states import DomainSeverity
from fediart.web.studio.base import Refused, Studio, studio_page, text

COMMENT_MAX = 1000  # the columns' size
EXCERPT = 200


@dataclass
class PostLine:
    """A reported post as the page shows it: plain text of the stored HTML, and its address."""

    excerpt: str
    url: str


@dataclass
class ReportLine:
    id: int
    state: str
    direction: str
    domain: str
    target: str
    reporter: str | None
    comment: str
    when: str
    when_iso: str
    posts: list[PostLine]


def _report_line(view: reports.ReportView) -> ReportLine:
    r = view.report
    return ReportLine(r.id, r.state, r.direction, r.domain, handle_of(view.target),
                      handle_of(view.reporter) if view.reporter else None, r.comment,
                      f"{r.created_at:%Y-%m-%d %H:%M} UTC", f"{r.created_at:%Y-%m-%dT%H:%MZ}",
                      [PostLine(plain_excerpt(p.text, EXCERPT) if p.text else "", p.url) for p in view.posts])


@studio_page
async def blocks_page(request: Request, studio: Studio) -> Response:
    studio.require_admin()
    rules = await domain_blocks.list_blocks(studio.services.sessions)
    return studio.render("studio/blocks.html", rules=rules, severities=list(DomainSeverity))


def _comment(value: str, what: str) -> str:
    if len(value) > COMMENT_MAX:
        raise Refused(f"The {what} comment is longer than {COMMENT_MAX} characters.", 422)
    return value


@studio_page
async def add_block(request: Request, studio: Studio) -> Response:
    studio.require_admin()
    form = await studio.form()
    options = BlockOptions(
        severity=text(form, "severity"), reject_media="reject_media" in form,
        reject_reports="reject_reports" in form, obfuscate="obfuscate" in form,
        public_comment=_comment(text(form, "public_comment").strip(), "public"),
        private_comment=_comment(text(form, "private_comment").strip(), "private"))
    await domain_blocks.add_block(studio.services.sessions, text(form, "domain"), options,
                                  policy=studio.services.policy)
    studio.services.wake_worker()  # a suspension's follows are severed by the worker
    return studio.done("/studio/admin/blocks", "blocked")


@studio_page
async def remove_block(request: Request, studio: Studio) -> Response:
    studio.require_admin()
    form = await studio.form()
    await domain_blocks.remove_block(studio.services.sessions, text(form, "domain"), policy=studio.services.policy)
    return studio.done("/studio/admin/blocks", "unblocked")


@studio_page
async def reports_page(request: Request, studio: Studio) -> Response:
    studio.require_admin()
    everything = request.query_params.get("all") == "1"
    views = await reports.list_reports(studio.services, everything=everything)
    return studio.render("studio/reports.html", reports=[_report_line(v) for v in views], everything=everything)


@studio_page
async def resolve(request: Request, studio: Studio) -> Response:
    studio.require_admin()
    await studio.form()
    report_id = parse_id(request.path_params["report_id"])
    if report_id is None:
        raise Refused("There is no such report.", 404)
    await reports.resolve_report(studio.services, report_id)
    return studio.done("/studio/admin/reports", "resolved")


routes = [
    Route("/studio/admin/blocks", blocks_page, methods=["GET"]),
    Route("/studio/admin/blocks", add_block, methods=["POST"]),
    Route("/studio/admin/blocks/remove", remove_block, methods=["POST"]),
    Route("/studio/admin/reports", reports_page, methods=["GET"]),
    Route("/studio/admin/reports/{report_id}/resolve", resolve, methods=["POST"]),
]

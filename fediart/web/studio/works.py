"""The studio's list of the artist's works (/studio/works): newest first, a page at a time, each with
its first image, how it is shown and where to edit or view it."""

from __future__ import annotations

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.services import Services
from fediart.store.ids import parse_id
from fediart.store.posts import PUBLICLY_VISIBLE, media_for
from fediart.store.tables import Account, Media, Post
from fediart.web.studio.base import Studio, studio_page
from fediart.web.studio.posting import FORM_VISIBILITY, VISIBILITY_LABELS

PAGE_SIZE = 30


async def _own_works(services: Services, account: Account, max_id: int | None) -> tuple[list[Post], dict, bool]:
    """A page of the artist's live posts, newest first, their images, and whether older ones exist."""
    query = select(Post).where(Post.account_id == account.id, Post.deleted_at.is_(None))
    if max_id is not None:
        query = query.where(Post.id < max_id)
    async with services.sessions() as session:
        rows = list((await session.exec(query.order_by(Post.id.desc()).limit(PAGE_SIZE + 1))).all())
        shown = rows[:PAGE_SIZE]
        media = await media_for(session, [p.id for p in shown])
    return shown, media, len(rows) > PAGE_SIZE


def _work(services: Services, account: Account, post: Post, media: list[Media]) -> dict:
    urls = services.urls
    first = media[0] if media else None
    excerpt = post.source if len(post.source) <= 160 else post.source[:157].rstrip() + "…"
    return {
        "id": post.id, "excerpt": excerpt, "summary": post.summary, "sensitive": post.sensitive,
        "visibility": VISIBILITY_LABELS[FORM_VISIBILITY.get(post.visibility, "public")].split(":")[0],
        "date": post.published.date().isoformat(), "datetime": post.published.isoformat(),
        "edited": post.updated is not None, "images": len(media),
        "thumbnail": urls.media(first.thumbnail_file) if first else None, "alt": first.description if first else "",
        # The post page serves public and unlisted posts only; the others would be a 404.
        "view_url": urls.status_page(account.username, post.id) if post.visibility in PUBLICLY_VISIBLE else None,
    }


@studio_page
async def works(request: Request, studio: Studio) -> Response:
    max_id = parse_id(request.query_params.get("max_id", "").strip())
    posts, media, more = await _own_works(studio.services, studio.account, max_id)
    items = [_work(studio.services, studio.account, p, media.get(p.id, [])) for p in posts]
    return studio.render("studio/works.html", works=items, older=posts[-1].id if more and posts else None,
                         paged=max_id is not None)


routes = [Route("/studio/works", works, methods=["GET"])]

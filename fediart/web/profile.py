"""The artist's profile page: a portfolio with their bio, fields, licence, a follow box and the gallery."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.licence.html import schema_org
from fediart.http import respond
from fediart.services import Services, services_of
from fediart.store.accounts import get_artist
from fediart.store.posts import works_page
from fediart.web.pages import as_rendered, render_page
from fediart.web.paging import PER_PAGE, BadPage, Pages, page_number
from fediart.web.remote_follow import allow_follow_redirect
from fediart.web.works import artist_name, work_tile


async def profile_page(request: Request) -> Response:
    """The portfolio page, kept in the document cache per artist and page like the post pages: it is the
    page visitors open most, and rendering it costs several queries and a template."""
    services = services_of(request)
    username = request.path_params["username"].lower()
    try:
        number: int | None = page_number(request.query_params.get("page"))
    except BadPage:
        number = None
    key = ("profile-page", username, number)
    cached = services.cache.get(key) if number is not None else None
    if cached is not None:
        return respond(cached)
    response = await _render(services, username, number)
    if number is not None:
        # Publishing, editing, pinning and profile changes forget the artist's entries (cache.forget_account).
        services.cache.put(key, as_rendered(response))
    return response


async def _render(services: Services, username: str, number: int | None) -> Response:
    async with services.sessions() as session:
        account = await get_artist(session, username)
    if account is None:
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message=f"There is no artist called @{username} here.")
    licence = services.licence_for(account)
    urls = services.urls
    if number is None:
        return render_page(services, "bad_page.html", licence, status=400, back=urls.profile(username),
                           message="That is not a page of this gallery: pages are numbered 1, 2, 3…")
    async with services.sessions() as session:
        # One more than a page: whether an older page exists, without counting.
        works = await works_page(session, account.id, offset=(number - 1) * PER_PAGE, limit=PER_PAGE + 1)
    pages = Pages(urls.profile(username), number, has_older=len(works) > PER_PAGE)
    schema = schema_org(licence, kind="ProfilePage", url=urls.profile(username), name=artist_name(account),
                        image=urls.media(account.avatar_file) if account.avatar_file else None,
                        creator_url=urls.profile(username))
    response = render_page(
        services, "profile.html", licence, schema=schema,
        account=account,
        handle=f"@{username}@{services.config.domain}",
        actor_url=urls.actor(username),
        profile_url=urls.profile(username),
        feed_url=urls.profile(username) + ".atom",
        remote_follow_url=urls.profile(username) + "/remote_follow",
        avatar_url=urls.media(account.avatar_file) if account.avatar_file else None,
        header_url=urls.media(account.header_file) if account.header_file else None,
        works=[{**work_tile(services, account, w.post, w.cover, w.images), "pinned": w.post.pinned_at is not None}
               for w in works[:PER_PAGE]],
        pages=pages,
    )
    return allow_follow_redirect(response)

"""The artist's profile page: a portfolio with their bio, fields, gallery and licence in words."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.licence.html import schema_org
from fediart.services import services_of
from fediart.store.accounts import USERNAME_RE, get_account
from fediart.store.posts import gallery
from fediart.web.pages import render_page


async def profile_page(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    account = None
    works = []
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            account = await get_account(session, username)
            if account is not None:
                works = await gallery(session, account.id)
    if account is None or account.kind != "person":
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message=f"There is no artist called @{username} here.")
    licence = services.licence_for(account)
    urls = services.urls
    schema = schema_org(licence, kind="ProfilePage", url=urls.profile(username),
                        name=account.display_name or username,
                        image=urls.media(account.avatar_file) if account.avatar_file else None,
                        creator_url=urls.profile(username))
    return render_page(
        services, "profile.html", licence, schema=schema,
        account=account,
        handle=f"@{username}@{services.config.domain}",
        actor_url=urls.actor(username),
        profile_url=urls.profile(username),
        avatar_url=urls.media(account.avatar_file) if account.avatar_file else None,
        header_url=urls.media(account.header_file) if account.header_file else None,
        posts=[{"url": urls.status_page(username, post.id), "thumbnail": urls.media(media.thumbnail_file),
                "alt": media.description, "sensitive": bool(post.sensitive or post.summary),
                "width": media.width, "height": media.height} for post, media in works],
    )

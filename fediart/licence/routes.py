"""Routes that publish the licence itself: robots.txt, ai.txt, TDMRep, ODRL policies, RSL files, terms pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fediart.activitypub.convert import post_licence
from fediart.http import error, render_json, respond
from fediart.licence.crawlers import crawler_list
from fediart.licence.documents import ai_txt, odrl_policy, robots_txt, tdmrep_json
from fediart.licence.headers import RSL_MEDIA_TYPE, http_headers
from fediart.licence.post_overrides import licence_overrides, override_blocks
from fediart.licence.rsl import artist_rsl, site_rsl
from fediart.services import services_of
from fediart.store.accounts import USERNAME_RE, get_account, list_accounts
from fediart.web.pages import render_page


async def robots(request: Request) -> Response:
    services = services_of(request)
    agents = await crawler_list(services.sessions).agents()
    body = robots_txt(services.site_licence, agents, services.urls.base)
    return PlainTextResponse(body, headers=http_headers(services.site_licence))


async def ai(request: Request) -> Response:
    services = services_of(request)
    return PlainTextResponse(ai_txt(services.site_licence), headers=http_headers(services.site_licence))


async def tdmrep(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        accounts = await list_accounts(session)
    rules = tdmrep_json(services.site_licence, [(a.username, services.licence_for(a)) for a in accounts])
    return respond(render_json(rules, "application/json", services.site_licence))


def _post_licence(services):
    return lambda account, key: post_licence(services.licence_for(account), key)


async def site_licence_file(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        accounts = await list_accounts(session)
        overrides = await licence_overrides(session, accounts)
    body = site_rsl(services.site_licence, [(a.username, services.licence_for(a)) for a in accounts],
                    override_blocks(overrides, _post_licence(services)))
    return Response(body, media_type=RSL_MEDIA_TYPE, headers=http_headers(services.site_licence))


async def artist_licence_file(request: Request) -> Response:
    services, account = await _artist(request)
    if account is None:
        return error(404, "no such artist here")
    async with services.sessions() as session:
        overrides = await licence_overrides(session, [account])
    licence = services.licence_for(account)
    body = artist_rsl(account.username, licence, override_blocks(overrides, _post_licence(services)))
    return Response(body, media_type=RSL_MEDIA_TYPE, headers=http_headers(licence))


async def _artist(request: Request):
    services = services_of(request)
    username = request.path_params["username"].lower()
    if not USERNAME_RE.match(username):
        return services, None
    async with services.sessions() as session:
        account = await get_account(session, username)
    return services, account if account is not None and account.kind == "person" else None


async def site_policy(request: Request) -> Response:
    services = services_of(request)
    licence = services.site_licence
    doc = odrl_policy(licence, uid=licence.tdm_policy_url, target=services.urls.base + "/",
                      assigner_url=services.urls.base + "/", assigner_nickname=services.config.domain)
    return respond(render_json(doc, "application/ld+json", licence))


async def artist_policy(request: Request) -> Response:
    services, account = await _artist(request)
    if account is None:
        return error(404, "no such artist here")
    licence = services.licence_for(account)
    urls = services.urls
    doc = odrl_policy(licence, uid=licence.tdm_policy_url, target=urls.profile(account.username),
                      assigner_url=urls.actor(account.username),
                      assigner_nickname=f"@{account.username}@{services.config.domain}")
    return respond(render_json(doc, "application/ld+json", licence))


async def site_terms(request: Request) -> Response:
    services = services_of(request)
    return render_page(services, "terms.html", services.site_licence, subject=services.config.server.instance_name,
                       profile_url=None, handle=None, admin_email=services.config.server.admin_email)


async def _artist_page(request: Request, template: str) -> Response:
    services, account = await _artist(request)
    if account is None:
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message="There is no such artist here.")
    return render_page(services, template, services.licence_for(account),
                       subject=account.display_name or account.username,
                       profile_url=services.urls.profile(account.username),
                       handle=f"@{account.username}@{services.config.domain}",
                       admin_email=services.config.server.admin_email)


async def artist_terms(request: Request) -> Response:
    return await _artist_page(request, "terms.html")


async def artist_licensing(request: Request) -> Response:
    return await _artist_page(request, "licensing.html")


routes = [
    Route("/robots.txt", robots),
    Route("/ai.txt", ai),
    Route("/.well-known/tdmrep.json", tdmrep),
    Route("/tdm-policy.json", site_policy),
    Route("/license.xml", site_licence_file),
    Route("/@{username}/license.xml", artist_licence_file),
    Route("/terms", site_terms),
    Route("/@{username}/tdm-policy.json", artist_policy),
    Route("/@{username}/terms", artist_terms),
    Route("/@{username}/licensing", artist_licensing),
]

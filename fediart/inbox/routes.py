"""Inbox routes: personal inboxes and the shared inbox. Thin: read, hand to receive(), answer."""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fediart.inbox.receive import receive
from fediart.inbox.throttle import sender_host
from fediart.services import services_of
from fediart.store.accounts import USERNAME_RE, get_account

log = logging.getLogger("fediart.inbox")


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None once it passes the limit (so a huge body is never held in memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _raw_target(request: Request) -> str:
    # The signature covers the path exactly as sent, so use the raw bytes, not the decoded path.
    path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def _inbox(request: Request, account_id: int | None) -> Response:
    services = services_of(request)
    throttle, host = services.inbox_throttle, sender_host(request.headers)
    # Before the body is read: a flooding server costs us a header parse, nothing more.
    if wait := throttle.retry_after(host):
        log.info("inbox throttled %s for %d s", host, wait)
        return JSONResponse({"error": f"too many activities from {host}; retry in {wait} s"}, status_code=429,
                            headers={"Retry-After": str(wait)})
    limit = services.config.federation.max_inbox_bytes
    try:
        body = await _read_limited(request, limit)
    except ClientDisconnect:
        return Response(status_code=400)
    if body is None:
        outcome_status, message = 413, f"activity exceeds {limit} bytes"
    else:
        outcome = await receive(services, method=request.method, target=_raw_target(request),
                                headers=request.headers, body=body, account_id=account_id)
        outcome_status, message = outcome.status, outcome.message
    if outcome_status >= 400:
        client = request.client.host if request.client else "?"
        log.info("inbox refused a POST from %s: %s %s", client, outcome_status, message)
        return JSONResponse({"error": message}, status_code=outcome_status)
    # Only what passed verification spends a token, so forgeries cannot drain another host's budget.
    throttle.spend(host)
    return Response(status_code=outcome_status)


async def personal_inbox(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    account = None
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            account = await get_account(session, username)
    if account is None or account.kind != "person":
        return JSONResponse({"error": "no such account here"}, status_code=404)
    return await _inbox(request, account.id)


async def shared_inbox(request: Request) -> Response:
    return await _inbox(request, None)


routes = [
    Route("/users/{username}/inbox", personal_inbox, methods=["POST"]),
    Route("/inbox", shared_inbox, methods=["POST"]),
    Route("/actor/inbox", shared_inbox, methods=["POST"]),
]

"""ASGI middleware: the hottest anonymous GETs (actor documents, WebFinger) answered from memory.

Every peer fetches an artist's WebFinger and actor before it can follow, and again whenever its copy
expires; a post that goes viral brings thousands of servers at once. Those answers are already kept
rendered in the document cache, yet each request still went through routing and four middleware
layers (CORS, licence headers, security headers, the crawler gate), about 40 µs of the 50 µs this
app spent on it. This layer sits outside them: the first time a handler marks its response as
servable (`mark_servable`), the response as it left the whole stack (status, every header, body)
is kept in the document cache, and the same request is answered with those bytes until the entry
expires or is forgotten (`forget_account`, and the other processes' forgets once they are relayed).

Only requests whose answer cannot depend on who asks are served this way: GET without an HTTP
signature (authorized fetch gives signed requesters more than the minimal actor) and without an
Origin (CORS adds headers for it). The key is the path, the query string and the Accept header, so
content negotiation holds. Anything else goes through the whole stack as before. A handler marks
only answers that depend on nothing else: not pages (sessions, the crawler gate), not media.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SERVABLE = "fediart.servable"  # scope key a handler sets to the document-cache key of its answer
# What the marked handlers and the layers around them read besides path, query and Accept.
_PERSONAL = frozenset({b"signature", b"signature-input", b"origin"})
MAX_REQUESTS = 10_000  # distinct requests remembered; beyond, the index starts afresh (bounded memory)


@dataclass(frozen=True)
class Served:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    endpoint: object  # the handler, for the metrics middleware's route label


def mark_servable(scope: Scope, key: tuple) -> None:
    """Say that this request's answer depends only on its path, query and Accept header, and may be
    forgotten with the document-cache key `key` (which names the account, so forget_account drops it)."""
    scope[SERVABLE] = key


def _request_key(scope: Scope) -> tuple | None:
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    accept = b""
    for name, value in scope["headers"]:
        if name in _PERSONAL:
            return None
        if name == b"accept":
            accept = value
    return (scope["path"], scope["query_string"], accept)


class ServedResponsesMiddleware:
    def __init__(self, app: ASGIApp, services) -> None:
        self.app = app
        self.cache = services.cache
        self.index: dict[tuple, tuple] = {}  # request key -> document-cache key of its answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = _request_key(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        cache_key = self.index.get(request)
        served = self.cache.get(cache_key) if cache_key is not None else None
        if served is not None:
            scope["endpoint"] = served.endpoint
            await send({"type": "http.response.start", "status": served.status, "headers": served.headers})
            await send({"type": "http.response.body", "body": served.body})
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._remember(scope, request, start, chunks)
            await send(message)

        await self.app(scope, receive, keep)

    def _remember(self, scope: Scope, request: tuple, start: Message | None, chunks: list[bytes]) -> None:
        key = scope.get(SERVABLE)
        if key is None or start is None:
            return
        if len(self.index) >= MAX_REQUESTS:
            self.index.clear()
        full_key = ("served", *key, request)
        served = Served(start["status"], list(start.get("headers", [])), b"".join(chunks), scope.get("endpoint"))
        self.cache.put(full_key, served)
        self.index[request] = full_key

"""ASGI middleware: every response carries licence headers, the instance default unless a route set its own."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fediart.licence.headers import http_headers
from fediart.licence.model import Licence


class LicenceHeadersMiddleware:
    def __init__(self, app: ASGIApp, licence: Licence) -> None:
        self.app = app
        self.default = [(k.lower().encode(), v.encode()) for k, v in http_headers(licence).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_licence(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name == b"tdm-reservation" for name, _ in headers):
                    headers.extend(self.default)
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_licence)

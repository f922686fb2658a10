"""ASGI middleware: headers that protect what browsers render (CSP, nosniff, no framing).

Pages load only our own stylesheet and images and run no script; every other response (JSON,
text, media) may run nothing at all and is sandboxed if a browser opens it directly.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The ld+json block in pages is data, not script, so `script-src 'none'` leaves it alone.
PAGE_POLICY = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if b"content-security-policy" not in names:
                    policy = PAGE_POLICY if content_type.startswith(b"text/html") else DOCUMENT_POLICY
                    headers.append((b"content-security-policy", policy.encode()))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

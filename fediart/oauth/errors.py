"""OAuth errors in RFC 6749 §5.2's shape: `{"error": code, "error_description": text}` with 400 or 401."""

from __future__ import annotations

from starlette.responses import Response

from fediart.api.json import api_json

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400, *, basic: bool = False) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.basic = basic  # the client tried HTTP Basic: a 401 must then name the scheme

    def response(self) -> Response:
        headers = dict(NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="fediart"' if self.basic else 'Bearer realm="fediart"'
        return api_json({"error": self.error, "error_description": self.description}, status=self.status,
                        headers=headers)

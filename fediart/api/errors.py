"""Errors in Mastodon's shape: always JSON, `{"error": "..."}`, with Mastodon's status codes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.actions.errors import ActionError
from fediart.api.json import api_json


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra  # e.g. error_description for OAuth, details for validation


def error_response(status: int, message: str, **extra: Any) -> Response:
    return api_json({"error": message, **extra}, status=status)


async def handle_api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, **exc.extra)


async def handle_action_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ActionError)
    return error_response(exc.status, exc.message)


async def handle_server_error(request: Request, exc: Exception) -> Response:
    """A bug on our side still answers in the shape clients parse (the traceback goes to the log)."""
    from starlette.responses import PlainTextResponse

    if request.url.path.startswith(("/api/", "/oauth/")):
        return error_response(500, "Internal server error")
    return PlainTextResponse("Internal Server Error", status_code=500)


async def unknown_api_path(request: Request) -> Response:
    """Every /api path fediart does not serve: a JSON 404, so Tusky and the official apps fall back
    (they do so only on 404) and masto.js can read the answer."""
    return error_response(404, "Record not found")


EXCEPTION_HANDLERS = {ApiError: handle_api_error, ActionError: handle_action_error, 500: handle_server_error}

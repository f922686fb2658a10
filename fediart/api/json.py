"""JSON responses for clients: `application/json; charset=utf-8` always (masto.js refuses anything
else), and never an empty 204 (an empty success is `200 {}`)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

CONTENT_TYPE = "application/json; charset=utf-8"


def api_json(doc: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(doc), status_code=status, headers=headers)
    response.headers["content-type"] = CONTENT_TYPE
    return response

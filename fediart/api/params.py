"""One parameter parser for every client: query string, form, multipart and JSON merged into one
nested dict, Rails-style (`id[]=1&id[]=2`, `source[privacy]=x`, `fields_attributes[0][name]=x`).

Clients differ: Elk, the official apps and Ice Cubes send JSON, Tusky and Mastodon.py send forms, older
apps put everything in the query string. Unknown keys are kept and ignored by handlers; `null` is absent.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from fediart.api.errors import ApiError

MAX_JSON_BYTES = 1 << 20
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
TRUE = {"true", "1", "t", "on", "yes"}
FALSE = {"false", "0", "f", "off", "no", ""}


class Params(dict):
    """The merged parameters, with typed readers that answer 422 in Mastodon's shape."""

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, (dict, list, UploadFile)):
            raise ApiError(422, f"Validation failed: {key} must be text")
        text = str(value) if not isinstance(value, bool) else ("true" if value else "false")
        if "\x00" in text:
            # PostgreSQL cannot hold or compare a NUL in text; no client means one.
            raise ApiError(422, f"Validation failed: {key} contains a NUL character")
        return text

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ApiError(422, f"Validation failed: {key} must be true or false")

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError(422, f"Validation failed: {key} must be a number") from None

    def number(self, key: str, default: float | None = None) -> float | None:
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            return float(str(value).strip())
        except ValueError:
            raise ApiError(422, f"Validation failed: {key} must be a number") from None

    def strings(self, key: str) -> list[str]:
        """A list parameter sent as `key[]=a&key[]=b`, `key=a`, `key[0]=a`, or a JSON array."""
        value = self.get(key)
        if value is None:
            return []
        if isinstance(value, dict):  # indexed form: {"0": "a", "1": "b"}
            value = [value[k] for k in sorted(value, key=lambda k: (len(k), k))]
        if not isinstance(value, list):
            value = [value]
        return [str(v) for v in value if v is not None and not isinstance(v, (dict, list, UploadFile))]

    def items_of(self, key: str) -> list[dict[str, Any]]:
        """A list of objects: `key[0][name]=..` or `key[][name]=..` or a JSON array of objects."""
        value = self.get(key)
        if isinstance(value, dict):
            value = [value[k] for k in sorted(value, key=lambda k: (len(k), k))]
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, dict)]

    def sub(self, key: str) -> Params:
        value = self.get(key)
        return Params(value) if isinstance(value, dict) else Params()

    def file(self, key: str) -> UploadFile | None:
        value = self.get(key)
        return value if isinstance(value, UploadFile) else None


def _put(target: dict[str, Any], raw_key: str, value: Any) -> None:
    match = _KEY.match(raw_key)
    if match is None:
        target[raw_key] = value
        return
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt = None if last else parts[i + 1]
        if part == "":  # `key[]`: append
            if not isinstance(node, list):
                return
            if last:
                node.append(value)
                return
            # `key[][name]`: a new object unless the last one lacks this name
            if not node or not isinstance(node[-1], dict) or nxt in node[-1]:
                node.append({})
            node = node[-1]
            continue
        if not isinstance(node, dict):
            return
        if last:
            node[part] = value
            return
        if part not in node or not isinstance(node[part], (dict, list)):
            node[part] = [] if nxt == "" else {}
        node = node[part]


def _nulls_removed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nulls_removed(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_nulls_removed(v) for v in value if v is not None]
    return value


async def read_params(request: Request) -> Params:
    """Query string first, then the body (JSON, form or multipart), later values winning."""
    merged: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        _put(merged, key, value)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            body = await request.body()
            if len(body) > MAX_JSON_BYTES:
                raise ApiError(413, "Request body too large")
            if body.strip():
                try:
                    doc = orjson.loads(body)
                except orjson.JSONDecodeError:
                    raise ApiError(400, "Request body is not valid JSON") from None
                if not isinstance(doc, dict):
                    raise ApiError(400, "Request body must be a JSON object")
                merged.update(_nulls_removed(doc))
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                form = await request.form(max_files=8, max_fields=1000)
            except Exception as exc:  # noqa: BLE001 - a malformed body is the client's mistake
                raise ApiError(400, f"Request body could not be read: {exc}") from None
            for key, value in form.multi_items():
                _put(merged, key, value)
    return Params(merged)

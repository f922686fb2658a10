"""The OpenAPI 3.1 description of the client API fediart implements, served at /api/openapi.json.

Written by hand from Mastodon's documented entities and the rules strict clients enforce
(docs: ../shared/research/clientapi.md §6): required lists name what must always be present, and
`["T", "null"]` types what may be null. The suite runs schemathesis against a live server with it, so a
response that drifts from what clients were promised fails a test.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.api.json import api_json

ID = {"type": "string", "pattern": "^[0-9]+$"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
URL = {"type": "string", "pattern": "^https?://"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    kind = schema.get("type")
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) else schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


LICENCE = _obj({"key": {"type": "string"}, "name": {"type": "string"}, "url": _nullable({"type": "string"}),
                "ai_training": {"enum": ["reserved", "allowed"]}, "terms_url": URL})

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": {"type": "string"}}, {"error_description": {"type": "string"}}),
    "Field": _obj({"name": {"type": "string"}, "value": {"type": "string"},
                   "verified_at": _nullable({"type": "string"})}),
    "Account": _obj({
        "id": ID, "username": {"type": "string"}, "acct": {"type": "string"}, "display_name": {"type": "string"},
        "locked": {"type": "boolean"}, "bot": {"type": "boolean"}, "group": {"type": "boolean"},
        "created_at": DATETIME, "note": {"type": "string"}, "url": URL, "uri": URL,
        "avatar": URL, "avatar_static": URL, "header": URL, "header_static": URL,
        "followers_count": {"type": "integer"}, "following_count": {"type": "integer"},
        "statuses_count": {"type": "integer"},
        "last_status_at": _nullable({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
        "emojis": _array({"type": "object"}), "fields": _array(_ref("Field")),
    }, {"discoverable": _nullable({"type": "boolean"}), "indexable": {"type": "boolean"},
        "source": {"type": "object"}}),
    "MediaAttachment": _obj({
        "id": ID, "type": {"enum": ["image", "gifv", "video", "audio", "unknown"]}, "url": URL,
        "preview_url": _nullable(URL), "remote_url": _nullable(URL), "meta": {"type": "object"},
        "description": _nullable({"type": "string"}), "blurhash": _nullable({"type": "string"}),
    }),
    "Mention": _obj({"id": ID, "username": {"type": "string"}, "acct": {"type": "string"}, "url": URL}),
    "Tag": _obj({"name": {"type": "string"}, "url": URL}),
    "Status": _obj({
        "id": ID, "uri": {"type": "string"}, "url": _nullable({"type": "string"}), "created_at": DATETIME,
        "account": _ref("Account"), "content": {"type": "string"},
        "visibility": {"enum": ["public", "unlisted", "private", "direct"]}, "sensitive": {"type": "boolean"},
        "spoiler_text": {"type": "string"}, "media_attachments": _array(_ref("MediaAttachment")),
        "mentions": _array(_ref("Mention")), "tags": _array(_ref("Tag")), "emojis": _array({"type": "object"}),
        "reblogs_count": {"type": "integer"}, "favourites_count": {"type": "integer"},
        "replies_count": {"type": "integer"}, "in_reply_to_id": _nullable(ID),
        "in_reply_to_account_id": _nullable(ID), "reblog": _nullable(_ref("Status")),
        "language": _nullable({"type": "string"}), "edited_at": _nullable(DATETIME),
        "poll": {"type": "null"}, "card": _nullable({"type": "object"}),
    }, {"favourited": {"type": "boolean"}, "reblogged": {"type": "boolean"}, "bookmarked": {"type": "boolean"},
        "licence": _nullable({"type": "object"})}),
    "Relationship": _obj({
        "id": ID, **{k: {"type": "boolean"} for k in (
            "following", "showing_reblogs", "notifying", "followed_by", "blocking", "blocked_by", "muting",
            "muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed")},
        "note": {"type": "string"},
    }),
    "Notification": _obj({
        "id": ID, "type": {"enum": ["mention", "status", "reblog", "follow", "follow_request", "favourite",
                                    "poll", "update"]},
        "created_at": DATETIME, "account": _ref("Account"),
    }, {"status": _nullable(_ref("Status"))}),
    "Context": _obj({"ancestors": _array(_ref("Status")), "descendants": _array(_ref("Status"))}),
    "InstanceV2": _obj({
        "domain": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "string"},
        "source_url": URL, "description": {"type": "string"}, "usage": {"type": "object"},
        "thumbnail": _obj({"url": URL}), "languages": _array({"type": "string"}),
        "configuration": _obj({"urls": _obj({"streaming": {"type": "string", "pattern": "^wss?://"}}),
                               "statuses": {"type": "object"},
                               "media_attachments": {"type": "object"}, "polls": {"type": "object"}}),
        "registrations": {"type": "object"}, "contact": {"type": "object"}, "rules": _array({"type": "object"}),
        "api_versions": _obj({"mastodon": {"type": "integer"}}),
    }),
    "InstanceV1": _obj({
        "uri": {"type": "string"}, "title": {"type": "string"}, "short_description": {"type": "string"},
        "description": {"type": "string"}, "email": {"type": "string"}, "version": {"type": "string"},
        "languages": _array({"type": "string"}), "registrations": {"type": "boolean"},
        "approval_required": {"type": "boolean"}, "invites_enabled": {"type": "boolean"},
        "stats": _obj({"user_count": {"type": "integer"}, "status_count": {"type": "integer"},
                       "domain_count": {"type": "integer"}}),
        "thumbnail": URL, "configuration": {"type": "object"}, "rules": _array({"type": "object"}),
    }),
    "Preferences": {"type": "object", "required": ["posting:default:visibility", "posting:default:sensitive",
                                                   "posting:default:language", "reading:expand:media",
                                                   "reading:expand:spoilers"]},
    "Marker": _obj({"last_read_id": {"type": "string"}, "version": {"type": "integer"}, "updated_at": DATETIME}),
    "Application": _obj({"name": {"type": "string"}}, {"website": _nullable({"type": "string"}),
                                                       "scopes": _array({"type": "string"})}),
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": "error", **_json(_ref("Error"))} for code in codes}


def _param(name: str, schema: dict[str, Any] | None = None, where: str = "query",
           required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema or {"type": "string"}}


PAGE = [_param("max_id"), _param("since_id"), _param("min_id"),
        _param("limit", {"type": "integer", "minimum": 1, "maximum": 1000})]
PATH_ID = _param("id", ID, "path")


def _get(summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None,
         *, auth: bool = True, errors: tuple[int, ...] = (401, 404)) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "parameters": params or [],
                          "responses": {"200": {"description": "ok", **_json(schema)}, **_errors(*errors)}}
    if auth:
        op["security"] = [{"bearer": []}]
    return {"get": op}


def _post(summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None,
          body: dict[str, Any] | None = None, *, method: str = "post",
          errors: tuple[int, ...] = (401, 403, 404, 422)) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "parameters": params or [], "security": [{"bearer": []}],
                          "responses": {"200": {"description": "ok", **_json(schema)}, **_errors(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    return {method: op}


STATUSES = _array(_ref("Status"))
ACCOUNTS = _array(_ref("Account"))
EMPTY_LISTS = ["/api/v1/custom_emojis", "/api/v1/filters", "/api/v2/filters", "/api/v1/lists",
               "/api/v1/announcements", "/api/v1/followed_tags", "/api/v1/conversations", "/api/v1/trends/tags",
               "/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v2/suggestions", "/api/v1/domain_blocks",
               "/api/v1/scheduled_statuses", "/api/v1/featured_tags", "/api/v1/endorsements"]


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/instance": _get("Instance (v1)", _ref("InstanceV1"), auth=False, errors=()),
        "/api/v2/instance": _get("Instance (v2)", _ref("InstanceV2"), auth=False, errors=()),
        "/api/v1/accounts/verify_credentials": _get("The signed-in artist", _ref("Account"), errors=(401, 403)),
        "/api/v1/accounts/lookup": _get("Find an account by acct", _ref("Account"),
                                        [_param("acct", required=True)], auth=False),
        "/api/v1/accounts/relationships": _get("Relationships", _array(_ref("Relationship")),
                                               [_param("id[]", _array(ID))], errors=(401, 403)),
        "/api/v1/accounts/{id}": _get("An account", _ref("Account"), [PATH_ID], auth=False),
        "/api/v1/accounts/{id}/statuses": _get("An account's statuses", STATUSES, [
            PATH_ID, *PAGE, _param("only_media", {"type": "boolean"}), _param("exclude_replies", {"type": "boolean"}),
            _param("exclude_reblogs", {"type": "boolean"}), _param("pinned", {"type": "boolean"})], auth=False),
        "/api/v1/accounts/{id}/followers": _get("Followers", ACCOUNTS, [PATH_ID, *PAGE], auth=False),
        "/api/v1/accounts/{id}/following": _get("Following", ACCOUNTS, [PATH_ID, *PAGE], auth=False),
        "/api/v1/statuses/{id}": _get("A status", _ref("Status"), [PATH_ID], auth=False),
        "/api/v1/statuses/{id}/context": _get("Ancestors and replies", _ref("Context"), [PATH_ID], auth=False),
        "/api/v1/statuses/{id}/favourited_by": _get("Who liked it", ACCOUNTS, [PATH_ID, *PAGE], auth=False),
        "/api/v1/statuses/{id}/reblogged_by": _get("Who boosted it", ACCOUNTS, [PATH_ID, *PAGE], auth=False),
        "/api/v1/timelines/home": _get("Home timeline", STATUSES, PAGE, errors=(401, 403)),
        "/api/v1/timelines/public": _get("Public timeline", STATUSES, [
            *PAGE, _param("local", {"type": "boolean"}), _param("only_media", {"type": "boolean"})],
            auth=False, errors=()),
        "/api/v1/timelines/tag/{hashtag}": _get("Tag timeline", STATUSES, [
            _param("hashtag", {"type": "string", "pattern": "^[A-Za-z0-9_]{1,30}$"}, "path"), *PAGE],
            auth=False, errors=()),
        "/api/v1/notifications": _get("Notifications", _array(_ref("Notification")), [
            *PAGE, _param("types[]", _array({"type": "string"})),
            _param("exclude_types[]", _array({"type": "string"}))], errors=(401, 403)),
        "/api/v1/bookmarks": _get("Bookmarks", STATUSES, PAGE, errors=(401, 403)),
        "/api/v1/favourites": _get("Favourites", STATUSES, PAGE, errors=(401, 403)),
        "/api/v1/follow_requests": _get("Follow requests", ACCOUNTS, PAGE, errors=(401, 403)),
        "/api/v1/blocks": _get("Blocked accounts", ACCOUNTS, PAGE, errors=(401, 403)),
        "/api/v1/mutes": _get("Muted accounts", ACCOUNTS, PAGE, errors=(401, 403)),
        "/api/v1/preferences": _get("Posting and reading preferences", _ref("Preferences"), errors=(401, 403)),
        "/api/v1/markers": _get("Read markers", {"type": "object", "additionalProperties": _ref("Marker")},
                                [_param("timeline[]", _array({"enum": ["home", "notifications"]}))],
                                errors=(401, 403)),
        "/api/v2/search": _get("Search", _obj({"accounts": ACCOUNTS, "statuses": STATUSES,
                                               "hashtags": _array({"type": "object"})}),
                               [_param("q", required=True), _param("type", {"enum": ["accounts", "statuses",
                                                                                      "hashtags"]}),
                                _param("limit", {"type": "integer", "minimum": 1, "maximum": 40})],
                               auth=False, errors=(401, 422)),
    }
    for path in EMPTY_LISTS:
        paths[path] = _get("Always a valid list", _array({"type": "object"}), auth=path not in (
            "/api/v1/custom_emojis", "/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"),
            errors=(401, 403))
    status_body = {"type": "object", "properties": {"status": {"type": "string"},
                                                    "visibility": {"enum": ["public", "unlisted", "private",
                                                                            "direct"]},
                                                    "spoiler_text": {"type": "string"},
                                                    "sensitive": {"type": "boolean"},
                                                    "licence": {"type": "string"}}}
    paths["/api/v1/statuses"] = _post("Post", _ref("Status"), body=status_body)
    for action in ("favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark"):
        paths[f"/api/v1/statuses/{{id}}/{action}"] = _post(action.capitalize(), _ref("Status"), [PATH_ID])
    for action in ("follow", "unfollow", "block", "unblock", "mute", "unmute"):
        paths[f"/api/v1/accounts/{{id}}/{action}"] = _post(action.capitalize(), _ref("Relationship"), [PATH_ID])
    paths["/api/v1/notifications/clear"] = _post("Clear notifications", {"type": "object"})
    return paths


def openapi_document(base_url: str, version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "fediart client API (Mastodon-compatible subset)", "version": version,
                 "description": "The Mastodon client API as fediart implements it. Statuses carry fediart's "
                                "`licence` extension: the work's licence and whether AI training is reserved."},
        "servers": [{"url": base_url}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


async def openapi_json(request: Request) -> Response:
    from importlib.metadata import version

    services = request.app.state.services
    return api_json(openapi_document(services.config.base_url, version("fediart")))


routes = [Route("/api/openapi.json", openapi_json)]

"""The field rules strict clients enforce (Tusky/Moshi, the official apps, Ice Cubes, Ivory), as
assertions: every required field present with its type; nullable ones present, maybe null.
Source: ../shared/research/clientapi.md §6 (each rule names the client that breaks)."""

import re

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMERIC_ID = re.compile(r"^[1-9][0-9]*$")


def _url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _check(entity: dict, rules: dict, what: str) -> None:
    for key, rule in rules.items():
        assert key in entity, f"{what}: {key} missing"
        value = entity[key]
        ok = isinstance(value, rule) if isinstance(rule, type) else rule(value)
        assert ok, f"{what}: {key}={value!r} breaks the rule"


def assert_account(entity: dict) -> None:
    _check(entity, {
        "id": lambda v: isinstance(v, str) and bool(NUMERIC_ID.match(v)),
        "username": str, "acct": str, "display_name": str, "url": _url, "uri": _url,
        "avatar": _url, "avatar_static": _url, "header": _url, "header_static": _url,
        "note": str, "locked": bool, "bot": bool, "group": bool,
        "created_at": lambda v: isinstance(v, str) and bool(DATETIME.match(v)),
        "last_status_at": lambda v: v is None or (isinstance(v, str) and bool(DATE.match(v))),
        "statuses_count": int, "followers_count": int, "following_count": int,
        "emojis": list, "fields": list, "roles": list,
    }, "Account")
    for field in entity["fields"]:
        assert set(field) >= {"name", "value", "verified_at"}


def assert_media(entity: dict) -> None:
    _check(entity, {
        "id": lambda v: isinstance(v, str) and bool(NUMERIC_ID.match(v)),
        "type": lambda v: v in ("image", "gifv", "video", "audio", "unknown"),
        "url": _url, "preview_url": lambda v: v is None or _url(v),
        "remote_url": lambda v: v is None or _url(v),
        "description": lambda v: v is None or isinstance(v, str),
        "blurhash": lambda v: v is None or isinstance(v, str),
        "meta": dict,
    }, "MediaAttachment")


def assert_status(entity: dict) -> None:
    _check(entity, {
        "id": lambda v: isinstance(v, str) and bool(NUMERIC_ID.match(v)),
        "uri": str, "url": lambda v: v is None or _url(v),
        "created_at": lambda v: isinstance(v, str) and bool(DATETIME.match(v)),
        "account": dict, "content": str,
        "visibility": lambda v: v in ("public", "unlisted", "private", "direct"),
        "sensitive": bool, "spoiler_text": str,
        "media_attachments": list, "mentions": list, "tags": list, "emojis": list,
        "reblogs_count": int, "favourites_count": int, "replies_count": int,
        "in_reply_to_id": lambda v: v is None or bool(NUMERIC_ID.match(v)),
        "in_reply_to_account_id": lambda v: v is None or bool(NUMERIC_ID.match(v)),
        "reblog": lambda v: v is None or isinstance(v, dict),
        "language": lambda v: v is None or isinstance(v, str),
        "edited_at": lambda v: v is None or bool(DATETIME.match(v)),
        "poll": lambda v: v is None, "card": lambda v: v is None or isinstance(v, dict),
        "application": lambda v: v is None or isinstance(v, dict),
    }, "Status")
    assert_account(entity["account"])
    for media in entity["media_attachments"]:
        assert_media(media)
    for mention in entity["mentions"]:
        assert set(mention) >= {"id", "username", "acct", "url"}
    for tag in entity["tags"]:
        assert set(tag) >= {"name", "url"}
    if entity["reblog"] is not None:
        assert_status(entity["reblog"])


def assert_relationship(entity: dict) -> None:
    for key in ("following", "showing_reblogs", "notifying", "followed_by", "blocking", "blocked_by",
                "muting", "muting_notifications", "requested", "requested_by", "domain_blocking", "endorsed"):
        assert isinstance(entity.get(key), bool), f"Relationship: {key}"
    assert isinstance(entity["id"], str) and isinstance(entity["note"], str)


def assert_notification(entity: dict) -> None:
    _check(entity, {
        "id": lambda v: isinstance(v, str) and bool(NUMERIC_ID.match(v)),
        "type": lambda v: v in ("mention", "status", "reblog", "follow", "follow_request", "favourite", "poll",
                                "update"),
        "created_at": lambda v: isinstance(v, str) and bool(DATETIME.match(v)),
        "account": dict,
    }, "Notification")
    assert_account(entity["account"])
    if entity["type"] in ("mention", "status", "reblog", "favourite", "poll", "update"):
        assert_status(entity["status"])

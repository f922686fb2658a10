"""Ceiling for bench/bench_api.py: a bare Starlette app answering the home timeline and notifications with
raw SQL on fediart's own database file.

It runs on the same server stack as `fediart serve` (Starlette under uvicorn, same options, one worker)
and, per request, does the least work a real answer needs:
  1. checks the bearer token: one indexed query for its SHA-256 in oauth_token (not revoked, has an account);
  2. runs ONE raw SQL query: for /api/v1/timelines/home the 20 newest of the artist's own live posts and
     their followed (accepted) actors' live remote posts, merged by id, each with its author's actor row;
     for /api/v1/notifications the 20 newest notifications with the actor that caused them;
  3. serialises a minimal Mastodon-like JSON with orjson: statuses carry id, created_at, content,
     account {id, acct, display_name, avatar} and media_attachments []; notifications id, type,
     created_at and that account.
It does NOT check scopes, visibility (followers-only, mentions), blocks or mutes; it loads no media,
counts, viewer flags, reply parents, mentions, tags, licences or boosts; it sends no Link header, no
CORS or licence headers; and it holds one aiosqlite connection open for the worker's life (fediart
checks one out of SQLAlchemy's pool per session). So it is an honest upper bound, not an equivalent.

    BASELINE_DATABASE=data/fediart.db .venv/bin/python bench/baseline_api_app.py --port 8001

It only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
from pathlib import Path

import aiosqlite
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DATABASE_ENV = "BASELINE_DATABASE"
MEDIA_TYPE = "application/json; charset=utf-8"
LIMIT = 20

TOKEN_SQL = """SELECT account_id FROM oauth_token
               WHERE token_hash = ? AND revoked_at IS NULL AND account_id IS NOT NULL"""

# Each side takes its own newest 20 through its index, then the two are merged by id (one id space).
HOME_SQL = f"""
SELECT id, created_at, content, actor_id, username, domain, display_name, icon_url FROM (
    SELECT p.id AS id, p.published AS created_at, p.content AS content, a.id AS actor_id, a.username AS username,
           a.domain AS domain, a.display_name AS display_name, a.icon_url AS icon_url
    FROM post p JOIN actor a ON a.account_id = p.account_id
    WHERE p.account_id = :account AND p.deleted_at IS NULL
    ORDER BY p.id DESC LIMIT {LIMIT})
UNION ALL
SELECT id, created_at, content, actor_id, username, domain, display_name, icon_url FROM (
    SELECT r.id AS id, r.published AS created_at, r.content AS content, a.id AS actor_id, a.username AS username,
           a.domain AS domain, a.display_name AS display_name, a.icon_url AS icon_url
    FROM remote_post r JOIN actor a ON a.id = r.actor_id
    WHERE r.actor_id IN (SELECT actor_id FROM following WHERE account_id = :account AND state = 'accepted')
      AND r.deleted_at IS NULL
    ORDER BY r.id DESC LIMIT {LIMIT})
ORDER BY id DESC LIMIT {LIMIT}
"""

NOTIFICATIONS_SQL = f"""
SELECT n.id, n.kind, n.created_at, a.id, a.username, a.domain, a.display_name, a.icon_url, a.account_id
FROM notification n JOIN actor a ON a.id = n.actor_id
WHERE n.account_id = ? ORDER BY n.id DESC LIMIT {LIMIT}
"""

TYPES = {"follow": "follow", "follow_request": "follow_request", "like": "favourite", "boost": "reblog",
         "reply": "mention", "mention": "mention"}


def _time(stored: str | None) -> str | None:
    # SQLite holds "YYYY-MM-DD HH:MM:SS.ffffff"; the API writes "YYYY-MM-DDTHH:MM:SS.fffZ".
    return None if stored is None else f"{stored[:10]}T{stored[11:19]}.{(stored[20:23] or '000'):0<3}Z"


def _account(actor_id: int, username: str, domain: str, display_name: str | None, icon: str | None,
             base: str) -> dict:
    return {"id": str(actor_id), "acct": username if domain == base else f"{username}@{domain}",
            "display_name": display_name or "", "avatar": icon or "/static/avatar.png"}


def app_factory() -> Starlette:
    # Opened per worker process, in the lifespan (uvicorn imports the factory afresh in each worker).
    path = os.environ[DATABASE_ENV]
    state: dict[str, aiosqlite.Connection] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        state["db"] = await aiosqlite.connect(path)
        try:
            yield
        finally:
            await state["db"].close()

    async def viewer(request: Request) -> int | None:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret:
            return None
        cursor = await state["db"].execute(TOKEN_SQL, (hashlib.sha256(secret.strip().encode()).hexdigest(),))
        row = await cursor.fetchone()
        return row[0] if row else None

    def unauthorised() -> Response:
        return Response(b'{"error":"The access token is invalid"}', status_code=401, media_type=MEDIA_TYPE)

    async def home(request: Request) -> Response:
        account = await viewer(request)
        if account is None:
            return unauthorised()
        cursor = await state["db"].execute(HOME_SQL, {"account": account})
        base = request.url.netloc
        docs = [{"id": str(row[0]), "created_at": _time(row[1]), "content": row[2],
                 "account": _account(row[3], row[4], row[5], row[6], row[7], base), "media_attachments": []}
                for row in await cursor.fetchall()]
        return Response(orjson.dumps(docs), media_type=MEDIA_TYPE)

    async def notifications(request: Request) -> Response:
        account = await viewer(request)
        if account is None:
            return unauthorised()
        cursor = await state["db"].execute(NOTIFICATIONS_SQL, (account,))
        base = request.url.netloc
        docs = [{"id": str(row[0]), "type": TYPES.get(row[1], row[1]), "created_at": _time(row[2]),
                 "account": _account(row[3], row[4], row[5], row[6], row[7], base)}
                for row in await cursor.fetchall()]
        return Response(orjson.dumps(docs), media_type=MEDIA_TYPE)

    # The same routes fediart serves, so routing costs the same.
    return Starlette(routes=[Route("/api/v1/timelines/home", home, methods=["GET"]),
                             Route("/api/v1/notifications", notifications, methods=["GET"])],
                     lifespan=lifespan)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Raw-SQL Starlette ceiling for bench_api.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get(DATABASE_ENV):
        parser.error(f"set {DATABASE_ENV} to fediart's SQLite database file")
    # Mirrors fediart.cli.cmd_serve: only the application differs.
    uvicorn.run("baseline_api_app:app_factory", factory=True, app_dir=str(Path(__file__).resolve().parent),
                host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, proxy_headers=True,
                server_header=False)


if __name__ == "__main__":
    main()

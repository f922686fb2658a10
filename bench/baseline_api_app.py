"""Ceiling for bench/bench_api.py: a bare Starlette app answering the home timeline and notifications with
raw SQL on fediart's own database (the SQLite file, or the PostgreSQL schema).

It runs on the same server stack as `fediart serve` (Starlette under uvicorn, same options, one worker)
and, per request, does the least work a real answer needs:
  1. checks the bearer token: one indexed query for its SHA-256 in oauth_token (not revoked, has an account);
  2. runs ONE raw SQL query: for /api/v1/timelines/home the 20 newest of the artist's own live posts,
     their followed (accepted) actors' live remote posts and the boosts by those actors or the artist
     (with the boosted post's id and content), merged by id, each with its author's actor row; for
     /api/v1/notifications the 20 newest notifications with the actor that caused them and the id and
     content of the status they are about;
  3. serialises a minimal Mastodon-like JSON with orjson: statuses carry id, created_at, content,
     account {id, acct, display_name, avatar}, media_attachments [] and, for a boost, reblog {id};
     notifications id, type, created_at, that account and status {id, content} when they have one.
It does NOT check scopes, visibility (followers-only, mentions), blocks or mutes; it loads no media,
counts, viewer flags, reply parents, mentions, tags or licences; it sends no Link header, no CORS or
licence headers; and it holds its connections open for the worker's life (one aiosqlite connection, or an
asyncpg pool of 10 on PostgreSQL; fediart checks one out of SQLAlchemy's pool per session). So it is an
honest upper bound, not an equivalent.

    BASELINE_DATABASE=data/fediart.db .venv/bin/python bench/baseline_api_app.py --port 8001
    BASELINE_DATABASE=postgresql://postgres@127.0.0.1:5432/test BASELINE_SCHEMA=bench_1 ... --port 8001

It only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DATABASE_ENV, SCHEMA_ENV = "BASELINE_DATABASE", "BASELINE_SCHEMA"
MEDIA_TYPE = "application/json; charset=utf-8"
LIMIT = 20

# Written with PostgreSQL's $1 placeholders; SQLite reads the same number as ?1.
TOKEN_SQL = """SELECT account_id FROM oauth_token
               WHERE token_hash = $1 AND revoked_at IS NULL AND account_id IS NOT NULL"""

# Each source takes its own newest 20 through its index, then they are merged by id (one id space).
_FOLLOWED = "SELECT actor_id FROM following WHERE account_id = $1 AND state = 'accepted'"
HOME_SQL = f"""
SELECT * FROM (
    SELECT p.id AS id, p.published AS created_at, p.content AS content, a.id AS actor_id, a.username AS username,
           a.domain AS domain, a.display_name AS display_name, a.icon_url AS icon_url, CAST(NULL AS BIGINT) AS boosted
    FROM post p JOIN actor a ON a.account_id = p.account_id
    WHERE p.account_id = $1 AND p.deleted_at IS NULL
    ORDER BY p.id DESC LIMIT {LIMIT}) AS own
UNION ALL
SELECT * FROM (
    SELECT r.id, r.published, r.content, a.id, a.username, a.domain, a.display_name, a.icon_url, CAST(NULL AS BIGINT)
    FROM remote_post r JOIN actor a ON a.id = r.actor_id
    WHERE r.actor_id IN ({_FOLLOWED}) AND r.deleted_at IS NULL
    ORDER BY r.id DESC LIMIT {LIMIT}) AS remote
UNION ALL
SELECT * FROM (
    SELECT i.id, i.created_at, COALESCE(p.content, r.content), a.id, a.username, a.domain, a.display_name,
           a.icon_url, COALESCE(p.id, r.id)
    FROM interaction i JOIN actor a ON a.id = i.actor_id
    LEFT JOIN post p ON p.id = i.post_id LEFT JOIN remote_post r ON r.id = i.remote_post_id
    WHERE i.kind = 'boost' AND (i.actor_id IN ({_FOLLOWED})
                                OR i.actor_id = (SELECT id FROM actor WHERE account_id = $1))
    ORDER BY i.id DESC LIMIT {LIMIT}) AS boosts
ORDER BY id DESC LIMIT {LIMIT}
"""

NOTIFICATIONS_SQL = f"""
SELECT n.id, n.kind, n.created_at, a.id, a.username, a.domain, a.display_name, a.icon_url,
       COALESCE(r.id, p.id), COALESCE(r.content, p.content)
FROM notification n JOIN actor a ON a.id = n.actor_id
LEFT JOIN post p ON p.id = n.post_id LEFT JOIN remote_post r ON r.id = n.remote_post_id
WHERE n.account_id = $1 ORDER BY n.id DESC LIMIT {LIMIT}
"""

TYPES = {"follow": "follow", "follow_request": "follow_request", "like": "favourite", "boost": "reblog",
         "reply": "mention", "mention": "mention"}


def _time(stored: str | datetime | None) -> str | None:
    # SQLite holds "YYYY-MM-DD HH:MM:SS.ffffff", asyncpg gives datetimes; the API writes "...T...sssZ".
    if stored is None:
        return None
    if isinstance(stored, datetime):
        return f"{stored:%Y-%m-%dT%H:%M:%S}.{stored.microsecond // 1000:03d}Z"
    return f"{stored[:10]}T{stored[11:19]}.{(stored[20:23] or '000'):0<3}Z"


def _account(actor_id: int, username: str, domain: str, display_name: str | None, icon: str | None,
             base: str) -> dict:
    return {"id": str(actor_id), "acct": username if domain == base else f"{username}@{domain}",
            "display_name": display_name or "", "avatar": icon or "/static/avatar.png"}


class Database:
    """SQLite: one aiosqlite connection for the worker's life (it queues the queries); PostgreSQL: an
    asyncpg pool of up to 10 connections."""

    def __init__(self, target: str, schema: str) -> None:
        self.target, self.schema = target, schema
        self.postgres = target.startswith("postgresql")
        self.connection: Any = None

    async def open(self) -> None:
        if self.postgres:
            import asyncpg

            settings = {"search_path": self.schema} if self.schema else {}
            # A pool as large as fediart's (store/db.py: pool_size=10): an asyncpg connection runs one
            # query at a time, and the requests in flight would otherwise fail on it.
            self.connection = await asyncpg.create_pool(self.target.replace("postgresql+asyncpg://", "postgresql://"),
                                                        min_size=1, max_size=10, server_settings=settings)
        else:
            import aiosqlite

            self.connection = await aiosqlite.connect(self.target)

    async def close(self) -> None:
        await self.connection.close()

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        if self.postgres:
            return await self.connection.fetch(sql, *args)  # prepared once per statement text, then cached
        cursor = await self.connection.execute(sql.replace("$", "?"), args)
        return await cursor.fetchall()


def app_factory() -> Starlette:
    # Opened per worker process, in the lifespan (uvicorn imports the factory afresh in each worker).
    db = Database(os.environ[DATABASE_ENV], os.environ.get(SCHEMA_ENV, ""))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await db.open()
        try:
            yield
        finally:
            await db.close()

    async def viewer(request: Request) -> int | None:
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret:
            return None
        rows = await db.fetch(TOKEN_SQL, hashlib.sha256(secret.strip().encode()).hexdigest())
        return rows[0][0] if rows else None

    def unauthorised() -> Response:
        return Response(b'{"error":"The access token is invalid"}', status_code=401, media_type=MEDIA_TYPE)

    async def home(request: Request) -> Response:
        account = await viewer(request)
        if account is None:
            return unauthorised()
        base = request.url.netloc
        docs = []
        for row in await db.fetch(HOME_SQL, account):
            doc = {"id": str(row[0]), "created_at": _time(row[1]), "content": row[2],
                   "account": _account(row[3], row[4], row[5], row[6], row[7], base), "media_attachments": []}
            if row[8] is not None:
                doc["reblog"] = {"id": str(row[8])}
            docs.append(doc)
        return Response(orjson.dumps(docs), media_type=MEDIA_TYPE)

    async def notifications(request: Request) -> Response:
        account = await viewer(request)
        if account is None:
            return unauthorised()
        base = request.url.netloc
        docs = []
        for row in await db.fetch(NOTIFICATIONS_SQL, account):
            doc = {"id": str(row[0]), "type": TYPES.get(row[1], row[1]), "created_at": _time(row[2]),
                   "account": _account(row[3], row[4], row[5], row[6], row[7], base)}
            if row[8] is not None:
                doc["status"] = {"id": str(row[8]), "content": row[9]}
            docs.append(doc)
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
        parser.error(f"set {DATABASE_ENV} to fediart's SQLite database file or PostgreSQL URL")
    # Mirrors fediart.cli.cmd_serve: only the application differs.
    uvicorn.run("baseline_api_app:app_factory", factory=True, app_dir=str(Path(__file__).resolve().parent),
                host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, proxy_headers=True,
                server_header=False)


if __name__ == "__main__":
    main()

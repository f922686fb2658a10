"""Client-API throughput: the home timeline and notifications with 1,000 stored posts, beside a ceiling.

What it measures
    GET /api/v1/timelines/home?limit=20   (Authorization: Bearer ...)
    GET /api/v1/notifications?limit=20
    on a throw-away instance whose artist follows 10 remote actors: 500 of the artist's own posts and
    500 remote posts from the followed actors (1,000 in the home timeline), 1,000 notifications (likes,
    boosts, follows, mentions). Target: fediart >= 50% of the ceiling, measured next to each fediart run.

The ceiling
    bench/baseline_api_app.py: bare Starlette under uvicorn with the options `fediart serve` uses, on the
    same SQLite file and the same routes. Per request it does check the bearer token (one indexed query on
    oauth_token by the token's SHA-256), runs ONE raw SQL query for the page (home: the 20 newest of the
    artist's own posts and their followed actors' remote posts, merged by id, with the authors;
    notifications: the 20 newest with their actor) and serialises a minimal Mastodon-like JSON with orjson
    (id, created_at, content, account {id, acct, display_name, avatar}, media_attachments []).
    It does NOT check scopes, visibility, blocks or mutes, load boosts, media, counts, viewer flags, reply
    parents, mentions, tags or licences, send Link/CORS/licence headers, or go through an ORM or a
    connection pool (one aiosqlite connection per worker). Its body is much smaller than fediart's full
    Status entities. So it is the cost of the unavoidable work (auth + one query + JSON), not an
    equivalent server; a ratio of 1.0 is out of reach by design.

How
    1. `fediart init` + `fediart user create ana` in a temporary directory (SQLite), then rows written
       with fediart's own store code, and a token issued the way /oauth/token issues one.
    2. `fediart serve`, the baseline, and `wrk -t1 -c50` for each endpoint, paired and alternated as
       bench/bench_http.py does (its Server, measure and table helpers are reused).

    .venv/bin/python bench/bench_api.py [--runs 5] [--duration 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import bench_http as common  # noqa: E402

TARGET_RATIO = 0.50
POSTS_OWN, POSTS_REMOTE, NOTIFICATIONS, FOLLOWED = 500, 500, 1000, 10


async def seed(config_path: Path) -> str:
    """Write the rows and return an access token for the artist."""
    from fediart.config import load_config
    from fediart.oauth.tokens import issue_token
    from fediart.services import running_services
    from fediart.store.accounts import get_account
    from fediart.store.states import FollowState, InteractionKind, NotificationKind
    from fediart.store.tables import (Actor, Following, Interaction, Notification, OAuthApp, Post, RemotePost,
                                      utcnow)

    config = load_config(config_path)
    async with running_services(config) as services, services.sessions() as session:
        ana = await get_account(session, common.USERNAME)
        start = utcnow() - timedelta(days=30)
        actors = []
        for n in range(FOLLOWED):
            actor = Actor(uri=f"https://remote{n}.example/users/friend", domain=f"remote{n}.example",
                          username="friend", display_name=f"Friend {n}", inbox=f"https://remote{n}.example/inbox",
                          key_id=f"https://remote{n}.example/users/friend#main-key")
            session.add(actor)
            actors.append(actor)
        await session.flush()
        for actor in actors:
            session.add(Following(account_id=ana.id, actor_id=actor.id, follow_uri=f"{actor.uri}#follow",
                                  state=FollowState.ACCEPTED))
        posts = []
        for n in range(POSTS_OWN):
            post = Post(account_id=ana.id, content=f"<p>Study #{n} in graphite.</p>", source=f"Study #{n}",
                        published=start + timedelta(minutes=n))
            session.add(post)
            posts.append(post)
        for n in range(POSTS_REMOTE):
            actor = actors[n % FOLLOWED]
            session.add(RemotePost(uri=f"{actor.uri}/statuses/{n}", actor_id=actor.id,
                                   content=f"<p>Remote sketch {n}</p>", published=start + timedelta(minutes=n)))
        await session.flush()
        kinds = [NotificationKind.LIKE, NotificationKind.BOOST, NotificationKind.FOLLOW, NotificationKind.MENTION]
        interacted = set()
        for n in range(NOTIFICATIONS):
            actor, post = actors[n % FOLLOWED], posts[n % POSTS_OWN]
            kind = kinds[n % len(kinds)]
            if kind in (NotificationKind.LIKE, NotificationKind.BOOST) and (kind, post.id, actor.id) not in interacted:
                interacted.add((kind, post.id, actor.id))
                session.add(Interaction(kind=InteractionKind.LIKE if kind == NotificationKind.LIKE
                                        else InteractionKind.BOOST, activity_uri=f"{actor.uri}/activities/{n}",
                                        post_id=post.id, actor_id=actor.id))
            session.add(Notification(account_id=ana.id, kind=kind, actor_id=actor.id,
                                     post_id=None if kind == NotificationKind.FOLLOW else post.id,
                                     activity_uri=f"{actor.uri}/activities/{n}"))
        app = OAuthApp(name="bench", client_id="bench", client_secret_hash="0" * 64, scopes="read write follow push")
        session.add(app)
        await session.commit()
        issued = await issue_token(session, app_id=app.id, account=ana, scopes=["read", "write", "follow", "push"])
    return issued.access_token


def sqlite_database(config_path: Path) -> Path:
    """The SQLite file behind the instance, which the ceiling reads too."""
    from fediart.config import load_config
    from fediart.store.db import sqlite_path

    found = sqlite_path(load_config(config_path).database.url)
    if found is None:
        raise RuntimeError("bench_api needs the instance on an SQLite file")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench_api: wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    servers: list[common.Server] = []
    with tempfile.TemporaryDirectory(prefix="fediart-bench-api-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            return run(args, tmp, servers)
        finally:
            for server in servers:
                server.stop()


def run(args: argparse.Namespace, tmp: Path, servers: list[common.Server]) -> int:
    port, baseline_port = common.free_port(), common.free_port()
    domain = f"{common.HOST}:{port}"
    config = common.make_instance(tmp, port)
    token = asyncio.run(seed(config))
    database = sqlite_database(config)
    auth = {"Authorization": f"Bearer {token}"}
    endpoints = [("home", "/api/v1/timelines/home?limit=20"), ("notifs", "/api/v1/notifications?limit=20")]
    fediart = common.Server("fediart serve", common.fediart_command() + ["serve", "--config", str(config), "--port",
                                                                         str(port)],
                            common.server_env(), tmp / "fediart.log", 1)
    servers.append(fediart)
    fediart.start(f"http://{domain}/api/v2/instance", {})
    rows = []
    for name, path in endpoints:
        status, body = common.http_get(f"http://{domain}{path}", auth)
        if status != 200 or body.count(b'"id"') < 20:
            raise RuntimeError(f"fediart {name} answered {status}: {body[:300]!r}")
        baseline = common.Server("baseline", [sys.executable, str(BENCH_DIR / "baseline_api_app.py"), "--port",
                                              str(baseline_port), "--workers", "1"],
                                 {**os.environ, "BASELINE_DATABASE": str(database)}, tmp / f"baseline-{name}.log", 1)
        servers.append(baseline)
        baseline_url = f"http://{common.HOST}:{baseline_port}{path}"
        baseline.start(baseline_url, auth)
        status, body = common.http_get(baseline_url, auth)
        if status != 200 or body.count(b'"content"' if name == "home" else b'"type"') < 20:
            raise RuntimeError(f"baseline {name} answered {status}: {body[:300]!r}")
        row = common.Row(name, 1, [], [])
        for run_no in range(args.runs):
            pair = [("fediart", fediart, f"http://{domain}{path}", auth), ("baseline", baseline, baseline_url, auth)]
            if run_no % 2:
                pair.reverse()
            done = {side: common.measure(server, url, headers, args.duration) for side, server, url, headers in pair}
            row.fediart.append(done["fediart"])
            row.baseline.append(done["baseline"])
            print(f"  run {run_no + 1}/{args.runs} {name:<7} fediart {done['fediart'].rps:>8,.0f} req/s  "
                  f"baseline {done['baseline'].rps:>8,.0f} req/s  ratio {done['fediart'].rps / done['baseline'].rps:.2f}",
                  flush=True)
        baseline.stop()
        servers.remove(baseline)
        rows.append(row)
    med = statistics.median
    print(f"\nmedian of {args.runs} paired runs of {args.duration} s, wrk -t1 -c{common.CONNECTIONS}; "
          f"{POSTS_OWN + POSTS_REMOTE} posts in home, {NOTIFICATIONS} notifications, page of 20")
    for row in rows:
        ratio = med(row.ratios)
        print(f"{row.endpoint:<7} fediart {med(m.rps for m in row.fediart):>8,.0f} req/s  ceiling "
              f"{med(m.rps for m in row.baseline):>8,.0f} req/s  ratio {ratio:.2f} "
              f"({'ok' if ratio >= TARGET_RATIO else 'BELOW'} target {TARGET_RATIO:.2f})  "
              f"p50 {med(m.p50_ms for m in row.fediart):.1f} ms (ceiling {med(m.p50_ms for m in row.baseline):.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Inbound: signed Create activities accepted and persisted per second by one `fediart serve` worker.

What it measures
    fediart     `fediart serve` (one uvicorn worker, [worker] in_serve = false so that processing the
                stored activities does not compete with receiving them, access log off) answering
                POST /inbox: signature parse, domain policy, key lookup, RSA verify, JSON parse,
                duplicate check, INSERT + COMMIT, 202. The figure is rows persisted per second.
    ceiling     a bare Starlette route under uvicorn with the same options, doing what perf.md §4 did:
                parse the Signature header, check Date and Digest, build the signing string, look the
                key up in an in-process cache (filled from the actor table on a miss), verify,
                orjson-parse, INSERT + COMMIT into the same inbox_item table, 202.
    Target (from the issue): >= 2,000 signed activities/s accepted and persisted on one worker.

How
    * A throw-away instance (SQLite, or --database-url for PostgreSQL in a throw-away schema) with 50
      remote actors whose RSA keys are pre-inserted as actor rows: the key cache is warm, no
      actor document is fetched.
    * --requests distinct Create{Note} requests (~1.9 KB bodies), signed draft-cavage style by the 50
      actors round-robin, generated before the runs with one Date, written as raw HTTP requests and
      replayed by wrk + Lua (-t1 -c50), each request once per run; both servers listen on the same
      port in turn, so the Host each request was signed for is right for both.
    * Each run: start the server, 1 s warm-up, empty inbox_item, wrk for --duration seconds, count
      the rows, stop the server. fediart and the ceiling alternate; medians (min-max) over --runs.
    Everything listens on and is sent to 127.0.0.1 only; every run is bounded; servers are stopped by
    process group on exit.

    .venv/bin/python bench/bench_inbox.py [--runs 3] [--duration 5] [--requests 30000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from email.utils import formatdate
from pathlib import Path

HOST = "127.0.0.1"  # the only address this script serves on or sends to
ACTORS = 50
TARGET_RATE = 2000.0
BENCH_DIR = Path(__file__).resolve().parent
AS = "https://www.w3.org/ns/activitystreams"

LUA = r"""
local requests, i = {}, 0
init = function(args)
  local f = assert(io.open(args[1], "rb")); local data = f:read("*a"); f:close()
  local pos = 1
  while pos <= #data do
    local nl = string.find(data, "\n", pos, true)
    local len = tonumber(string.sub(data, pos, nl - 1))
    requests[#requests + 1] = string.sub(data, nl + 1, nl + len)
    pos = nl + len + 1
  end
end
request = function()
  i = i + 1
  if i > #requests then i = 1 end
  return requests[i]
end
"""


# ---------------------------------------------------------------------------------------------------
# The ceiling: a bare Starlette route, run by uvicorn in its own process (BENCH_INBOX_CONFIG names the
# instance's config, for the database)


def baseline_app():
    import orjson
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from email.utils import parsedate_to_datetime
    from sqlalchemy import insert, select
    from sqlalchemy.exc import IntegrityError
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from fediart.activitypub.keys import load_public_key
    from fediart.config import load_config
    from fediart.store.db import make_engine
    from fediart.store.tables import InboxItem, Actor

    engine = make_engine(load_config(os.environ["BENCH_INBOX_CONFIG"], env={}))
    keys: dict[str, object] = {}
    param = re.compile(r'(\w+)="([^"]*)"')

    async def inbox(request):
        body = await request.body()
        headers = request.headers
        params = dict(param.findall(headers.get("signature", "")))
        if abs(time.time() - parsedate_to_datetime(headers["date"]).timestamp()) > 300:
            return Response(status_code=401)
        if headers.get("digest") != "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode():
            return Response(status_code=401)
        lines = [f"(request-target): post {request.url.path}" if name == "(request-target)"
                 else f"{name}: {headers[name]}" for name in params["headers"].split()]
        key = keys.get(params["keyId"])
        if key is None:
            async with engine.connect() as conn:
                pem = (await conn.execute(select(Actor.public_key_pem)
                                          .where(Actor.key_id == params["keyId"]))).scalar_one()
            key = keys[params["keyId"]] = load_public_key(pem)
        try:
            key.verify(base64.b64decode(params["signature"]), "\n".join(lines).encode(), padding.PKCS1v15(),
                       hashes.SHA256())
        except Exception:  # noqa: BLE001 - any failure is a refusal
            return Response(status_code=401)
        activity = orjson.loads(body)
        try:
            async with engine.begin() as conn:
                await conn.execute(insert(InboxItem.__table__).values(
                    activity_uri=activity["id"], activity_type=activity["type"], actor_uri=activity["actor"],
                    body=body.decode(), state="pending", attempts=0, last_error=""))
        except IntegrityError:
            pass  # a repeat: already stored
        return Response(status_code=202)

    return Starlette(routes=[Route("/inbox", inbox, methods=["POST"])])


# ---------------------------------------------------------------------------------------------------
# Requests


def sign_slice(task: tuple) -> bytes:
    """Raw signed requests for numbers [start, stop), in the length-prefixed form the Lua script reads."""
    from fediart.activitypub.keys import load_private_key
    from fediart.activitypub.signatures import sign_request

    start, stop, actors, host, date, run_id = task
    out = bytearray()
    for n in range(start, stop):
        uri, pem = actors[n % len(actors)]
        note = {"id": f"{uri}/statuses/{run_id}-{n}", "type": "Note", "attributedTo": uri,
                "content": "<p>" + f"Post {n}: a sketch of the harbour at dawn, ink on paper. " * 26 + "</p>",
                "published": "2025-01-01T00:00:00Z", "to": [f"{AS}#Public"]}
        body = json.dumps({"@context": AS, "id": note["id"] + "/activity", "type": "Create", "actor": uri,
                           "published": note["published"], "to": note["to"], "object": note}).encode()
        headers = {"Content-Type": "application/activity+json", "Date": date, "Host": host}
        headers.update(sign_request("POST", f"http://{host}/inbox", headers, body, uri + "#main-key",
                                    load_private_key(pem)))
        head = "POST /inbox HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        raw = (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        out += b"%d\n%s" % (len(raw), raw)
    return bytes(out)


def generate(path: Path, count: int, actors: list[tuple[str, str]], host: str) -> int:
    date = formatdate(usegmt=True)
    run_id = uuid.uuid4().hex[:8]
    step = 1000
    tasks = [(start, min(start + step, count), actors, host, date, run_id) for start in range(0, count, step)]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool, open(path, "wb") as out:
        for chunk in pool.map(sign_slice, tasks):
            out.write(chunk)
    return count


# ---------------------------------------------------------------------------------------------------
# The instance and the servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


async def prepare(root: Path, database_url: str, schema: str, port: int) -> tuple[Path, list[tuple[str, str]]]:
    from sqlalchemy import insert

    from fediart.config import load_config
    from fediart.store.accounts import create_account
    from fediart.store.db import make_engine, make_sessionmaker
    from fediart.store.migrate import ensure_schema, upgrade
    from fediart.store.tables import Actor

    path = root / "fediart.toml"
    schema_line = f'schema = "{schema}"\n' if schema else ""
    path.write_text(f'[server]\ndomain = "{HOST}:{port}"\nport = {port}\nworkers = 1\naccess_log = false\n'
                    f'[database]\nurl = "{database_url}"\n{schema_line}'
                    f'[media]\ndir = "{root}/media"\n[federation]\nallow_private_addresses = true\n# One sending host (loopback) for all 50 actors: the per-host flood control would measure itself.\ninbox_rate_per_minute = 0\n'
                    f'[worker]\nin_serve = false\n')
    config = load_config(path, env={})
    engine = make_engine(config)
    await ensure_schema(engine, schema)
    await upgrade(engine)
    remote = f"http://{HOST}:{free_port()}"  # nobody listens there: the keys are already known
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        pairs = list(pool.map(_key_pair, range(ACTORS)))
    actors = [(f"{remote}/users/a{n}", private) for n, (private, _) in enumerate(pairs)]
    async with make_sessionmaker(engine)() as session:
        await create_account(session, "ana", display_name="Ana")
        await session.exec(insert(Actor), params=[
            {"uri": uri, "domain": HOST, "username": uri.rsplit("/", 1)[1], "inbox": uri + "/inbox",
             "key_id": uri + "#main-key", "public_key_pem": public}
            for (uri, _), (_, public) in zip(actors, pairs)])
        await session.commit()
    await engine.dispose()
    return path, actors


def _key_pair(_):
    from fediart.activitypub.keys import generate_key_pair

    return generate_key_pair()


class Server:
    def __init__(self, kind: str, config_path: Path, port: int, log: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}
        env["FEDIART_LOG_LEVEL"] = "WARNING"
        if kind == "fediart":
            args = [sys.executable, "-m", "fediart", "serve", "--config", str(config_path)]
        else:
            env["BENCH_INBOX_CONFIG"] = str(config_path)
            args = [sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH_DIR), "--factory",
                    "bench_inbox:baseline_app", "--host", HOST, "--port", str(port), "--workers", "1",
                    "--no-access-log", "--no-server-header", "--proxy-headers", "--log-level", "warning"]
        self.process = subprocess.Popen(args, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"{kind} did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def stored_rows(config_path: Path, empty: bool = False) -> int:
    from sqlalchemy import delete, func, select

    from fediart.config import load_config
    from fediart.store.db import make_engine
    from fediart.store.tables import InboxItem

    engine = make_engine(load_config(config_path, env={}))
    try:
        async with engine.begin() as conn:
            if empty:
                await conn.execute(delete(InboxItem))
                return 0
            return (await conn.execute(select(func.count()).select_from(InboxItem))).scalar_one()
    finally:
        await engine.dispose()


def wrk(port: int, seconds: float, lua: Path, requests: Path) -> dict:
    result = subprocess.run(["wrk", "-t1", "-c50", f"-d{int(seconds)}s", "-s", str(lua), f"http://{HOST}:{port}/inbox",
                             "--", str(requests)], capture_output=True, text=True, timeout=seconds + 60)
    text = result.stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    if result.returncode != 0 or total is None:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return {"requests": int(total.group(1)) if total else 0, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "text": text}


async def one_run(kind: str, config_path: Path, port: int, args, lua: Path, requests: Path, root: Path) -> dict:
    server = Server(kind, config_path, port, root / f"{kind}.log")
    try:
        wrk(port, 1, lua, requests)  # warm-up: connections, caches, the key loaded
        await stored_rows(config_path, empty=True)
        cpu = server.cpu_seconds()
        spy = None
        if args.profile and kind != "ceiling":
            spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "-o", args.profile,
                                    "-r", "200", "-f", "raw", "-p", str(server.process.pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = await asyncio.to_thread(wrk, port, args.duration, lua, requests)
        cpu = server.cpu_seconds() - cpu
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
    finally:
        server.stop()
    rows = await stored_rows(config_path)
    log = (root / f"{kind}.log").read_text(errors="replace")
    if "Traceback" in log and not args.quiet_errors:
        print(f"  {kind} logged errors; the last:\n" + log[log.rindex("Traceback") - 200:][:3000], flush=True)
        args.quiet_errors = True
    if result["non2xx"]:
        raise SystemExit(f"{kind}: {result['non2xx']} requests were refused:\n{result['text']}\n"
                         f"{(root / f'{kind}.log').read_text(errors='replace')[-2000:]}")
    return {"rate": rows / args.duration, "rows": rows, "requests": result["requests"],
            "cpu_us": cpu / max(rows, 1) * 1e6}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


async def main(args) -> int:
    backend = "PostgreSQL" if args.database_url else "SQLite"
    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url else ""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fediart-inbox-") as tmp:
        root = Path(tmp)
        database_url = args.database_url or f"sqlite+aiosqlite:///{root}/fediart.sqlite3"
        try:
            print(f"inbox: one `fediart serve` worker vs a bare route, {backend}, {ACTORS} actors, "
                  f"{args.runs} runs of {args.duration} s, {os.cpu_count()} CPUs", flush=True)
            config_path, actors = await prepare(root, database_url, schema, port)
            requests = root / "requests.bin"
            started = time.perf_counter()
            generate(requests, args.requests, actors, f"{HOST}:{port}")
            print(f"  {args.requests:,} signed requests generated in {time.perf_counter() - started:.1f} s",
                  flush=True)
            lua = root / "inbox.lua"
            lua.write_text(LUA)
            kinds = ["fediart", "ceiling"]
            results = {kind: [] for kind in kinds}
            for n in range(args.runs):
                order = kinds if n % 2 == 0 else kinds[::-1]
                for kind in order:  # alternating, so the drifts of a shared machine hit both alike
                    results[kind].append(await one_run(kind, config_path, port, args, lua, requests, root))
        finally:
            if schema:
                await drop_schema(database_url, schema)

    print()
    print("| server | accepted and persisted /s | server CPU µs/activity | requests sent by wrk |")
    print("|---|---:|---:|---:|")
    for kind, label in (("fediart", "fediart serve, 1 worker, in_serve = false"),
                        ("ceiling", "ceiling: bare Starlette verify + parse + insert")):
        runs = results.get(kind)
        if not runs:
            continue
        print(f"| {label} | {spread([r['rate'] for r in runs])} | "
              f"{statistics.median(r['cpu_us'] for r in runs):,.0f} | "
              f"{statistics.median(r['requests'] for r in runs):,.0f} |")
    fediart = statistics.median(r["rate"] for r in results["fediart"])
    ceiling = statistics.median(r["rate"] for r in results["ceiling"])
    most = max(r["rows"] for rs in results.values() for r in rs)
    if most >= args.requests * 0.95:
        print(f"warning: a run used {most:,} of {args.requests:,} requests; raise --requests so none repeats")
    print(f"fediart / ceiling: {fediart / ceiling:.2f}")
    print(f"target: {'PASS' if fediart >= TARGET_RATE else 'FAIL'} {fediart:,.0f}/s >= {TARGET_RATE:,.0f}/s "
          "signed activities accepted and persisted on one worker")
    return 0


async def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per run")
    parser.add_argument("--requests", type=int, default=30000, help="distinct signed requests to replay")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--profile", help="record fediart's runs with py-spy (raw collapsed stacks) into this file")
    args = parser.parse_args()
    args.quiet_errors = False
    return asyncio.run(main(args))


if __name__ == "__main__":
    sys.exit(cli())

"""Outbound fan-out: one post delivered by one `fediart worker` process, beside the client-stack ceiling.

What it measures
    For each case (default: 2,000 followers on 200 hosts, and 10,000 followers on 200 hosts), every
    follower with an inbox of its own, so every follower really costs one signed POST:
      fediart     a real `fediart worker` process (idle, warm) picks up one enqueued Create{Note} and
                  delivers it; time from the enqueue's commit until every delivery row is `sent`,
                  deliveries/s, and the worker's CPU per delivery (utime+stime from /proc).
      ceilings    in a separate process, a bare loop with the worker's concurrency that, for each
                  inbox, signs the same body with the same key in a thread (as fediart does) and POSTs
                  it: once with fediart's own client stack (httpx API over the aiohttp transport,
                  fediart.activitypub.http_client), once with aiohttp directly. Warm connections,
                  like the worker's after its first run.
    Targets (from the issue): >= 2,500 deliveries/s to 2,000 inboxes on 200 hosts; a 10,000-follower
    post fully delivered in under 5 s.

How
    * "Hosts" are 200 listening ports on 127.0.0.1 served by one sink process (a raw uvloop protocol
      that answers 202 on keep-alive connections and counts POSTs): each 127.0.0.1:PORT is a distinct
      origin to the client's connection pool, with its own per-host connection limit, as distinct
      host names would be. Followers are spread round-robin over them.
    * The instance lives in a temporary directory: SQLite by default, or --database-url for
      PostgreSQL (a throw-away schema). Its [worker] poll_seconds is --poll (default 0.1): a separate
      worker process learns of new work by polling, so up to one poll interval is part of the time.
    * Runs are sequential; the figure printed is the median (min-max) of --runs.
    Everything listens on and is sent to 127.0.0.1 only; every wait is bounded; the child processes
    are stopped on exit, Ctrl-C included.

    .venv/bin/python bench/bench_fanout.py [--runs 5] [--cases 2000x200 10000x200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HOST = "127.0.0.1"  # the only address this script serves on or sends to
TARGET_RATIO = 0.9  # of the same-stack ceiling (issue 11)
TARGET_RATE = 2500.0
TARGET_10K_SECONDS = 5.0
RUN_TIMEOUT = 120.0
AS = "https://www.w3.org/ns/activitystreams"


# ---------------------------------------------------------------------------------------------------
# The sink: many "hosts" (ports) in one process, answering 202 as fast as it can


class SinkProtocol(asyncio.Protocol):
    """A minimal HTTP/1.1 server: reads each request with its body, answers 202, counts POSTs."""

    def __init__(self, stats: dict) -> None:
        self.stats = stats
        self.buffer = bytearray()
        self.transport = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            del self.buffer[: end + 4 + length]
            path = head.split(" ", 2)[1]
            if path == "/_count":  # the bench's own question: how many POSTs so far
                body = str(self.stats["posts"]).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            else:
                self.stats["posts"] += 1
                self.transport.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")


async def run_sink(hosts: int) -> None:
    stats = {"posts": 0}
    loop = asyncio.get_running_loop()
    servers = [await loop.create_server(lambda: SinkProtocol(stats), HOST, 0, backlog=1024) for _ in range(hosts)]
    print(json.dumps([s.sockets[0].getsockname()[1] for s in servers]), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


# ---------------------------------------------------------------------------------------------------
# Child processes


class Child:
    """A child process in its own process group, stopped (group and all) when the bench ends."""

    def __init__(self, args: list[str], **options) -> None:
        self.process = subprocess.Popen(args, start_new_session=True, **options)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_sink(hosts: int) -> tuple[Child, list[int]]:
    sink = Child([sys.executable, __file__, "--sink", str(hosts)], stdout=subprocess.PIPE)
    ports = json.loads(sink.process.stdout.readline())
    return sink, ports


# ---------------------------------------------------------------------------------------------------
# The instance


def write_config(root: Path, database_url: str, schema: str, poll: float) -> Path:
    from socket import socket

    with socket() as s:  # nobody listens there: the worker only needs its own URLs
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    path = root / "fediart.toml"
    schema_line = f'schema = "{schema}"\n' if schema else ""
    path.write_text(f'[server]\ndomain = "{HOST}:{port}"\nport = {port}\n'
                    f'[database]\nurl = "{database_url}"\n{schema_line}'
                    f'[media]\ndir = "{root}/media"\n'
                    f'[federation]\nallow_private_addresses = true\n'
                    f'[worker]\nin_serve = false\npoll_seconds = {poll}\n')
    return path


DUE_INDEX = "CREATE INDEX ix_delivery_due ON delivery (retry_at, id) WHERE state = 'pending'"


async def prepare(config, followers: int, ports: list[int], due_index: bool = False) -> int:
    """Migrate, create the artist and her followers (each with a personal inbox); returns the account id."""
    from sqlalchemy import insert, select, text

    from fediart.store.accounts import create_account
    from fediart.store.db import make_engine, make_sessionmaker
    from fediart.store.migrate import ensure_schema, upgrade
    from fediart.store.tables import Follower, Actor

    engine = make_engine(config)
    await ensure_schema(engine, config.database.schema)
    await upgrade(engine)
    if due_index:  # the index proposed for a migration: claims then skip finished rows without reading them
        async with engine.begin() as conn:
            await conn.execute(text(DUE_INDEX))
    async with make_sessionmaker(engine)() as session:
        account = await create_account(session, "ana", display_name="Ana")
        actors = []
        for n in range(followers):
            base = f"http://{HOST}:{ports[n % len(ports)]}/users/f{n}"
            actors.append({"uri": base, "domain": HOST, "username": f"f{n}", "inbox": base + "/inbox",
                           "key_id": base + "#main-key", "public_key_pem": "", "display_name": "", "summary": "",
                           "actor_type": "Person", "gone": False})
        await session.execute(insert(Actor), actors)
        ids = (await session.execute(select(Actor.id).where(Actor.account_id.is_(None)))).scalars().all()
        await session.execute(insert(Follower), [
            {"account_id": account.id, "actor_id": i, "follow_uri": f"urn:follow:{i}", "state": "accepted"}
            for i in ids])
        await session.commit()
    await engine.dispose()
    return account.id


def create_note(base_url: str, number: int) -> dict:
    actor = f"{base_url}/users/ana"
    note = {"id": f"{actor}/statuses/{number}", "type": "Note", "attributedTo": actor,
            "content": "<p>A new drawing. " + "Ink and watercolour on paper. " * 30 + "</p>",
            "published": "2025-01-01T00:00:00Z", "to": [f"{AS}#Public"], "cc": [actor + "/followers"]}
    return {"@context": [AS, "https://w3id.org/security/v1"], "id": note["id"] + "/activity", "type": "Create",
            "actor": actor, "published": note["published"], "to": note["to"], "cc": note["cc"], "object": note}


async def one_run(config, account_id: int, number: int, expected: int, workers: list[Child]) -> dict:
    """Enqueue one post and wait until every delivery is sent; returns the timings."""
    from sqlalchemy import func, select

    from fediart.outbox.audience import follower_inboxes
    from fediart.outbox.enqueue import enqueue
    from fediart.store.db import make_engine, make_sessionmaker
    from fediart.store.tables import Account, Delivery

    engine = make_engine(config)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            account = await session.get(Account, account_id)
            inboxes = await follower_inboxes(session, account_id)
            row = await enqueue(session, account, create_note(config.base_url, number), inboxes)
            cpu_before = sum(worker.cpu_seconds() for worker in workers)
            await session.commit()
            started = time.perf_counter()
        done_query = select(func.count()).where(Delivery.activity_id == row.id, Delivery.state != "pending")
        while True:
            async with engine.connect() as conn:
                done = (await conn.execute(done_query)).scalar_one()
            if done >= expected:
                break
            if time.perf_counter() - started > RUN_TIMEOUT:
                raise SystemExit(f"run {number}: only {done} of {expected} deliveries finished in {RUN_TIMEOUT} s")
            await asyncio.sleep(0.02)
        seconds = time.perf_counter() - started
        cpu = sum(worker.cpu_seconds() for worker in workers) - cpu_before
        async with engine.connect() as conn:
            sent = (await conn.execute(select(func.count()).where(
                Delivery.activity_id == row.id, Delivery.state == "sent"))).scalar_one()
        if sent != expected:
            raise SystemExit(f"run {number}: {expected - sent} deliveries were not sent")
        return {"seconds": seconds, "rate": expected / seconds, "cpu_us": cpu / expected * 1e6}
    finally:
        await engine.dispose()


async def settle(seconds: float = 3.0) -> None:
    """Give the worker time to start and reach its idle poll (there is no work yet)."""
    await asyncio.sleep(seconds)


# ---------------------------------------------------------------------------------------------------
# The ceilings: a bare loop, same signing, same concurrency


async def ceiling(mode: str, case_file: str) -> None:
    """Sign each request in a thread and POST it at the given concurrency; prints rates as JSON."""
    from fediart.activitypub.keys import load_private_key
    from fediart.activitypub.signatures import sign_request

    case = json.loads(Path(case_file).read_text())
    inboxes, body, key_id = case["inboxes"], case["body"].encode(), case["key_id"]
    private_key = load_private_key(case["private_pem"])
    base_headers = {"Content-Type": "application/activity+json", "Accept": "application/activity+json",
                    "Content-Usage": "train-ai=n"}

    if mode == "httpx":
        from fediart.activitypub.http_client import make_http_client
        from fediart.config import load_config

        client = make_http_client(load_config(case["config"]))

        async def post(url: str, headers: dict) -> int:
            response = await client.post(url, content=body, headers=headers)
            await response.aclose()
            return response.status_code

        close = client.aclose
    else:
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200, limit_per_host=16))

        async def post(url: str, headers: dict) -> int:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                return response.status

        close = session.close

    async def one_pass() -> dict:
        queue = iter(inboxes)
        cpu_before = time.process_time()  # this process and its signing threads
        started = time.perf_counter()

        async def worker() -> None:
            for url in queue:
                headers = dict(base_headers)
                headers.update(await asyncio.to_thread(sign_request, "POST", url, headers, body, key_id, private_key))
                status = await post(url, headers)
                assert status == 202, status

        await asyncio.gather(*(worker() for _ in range(case["concurrency"])))
        seconds = time.perf_counter() - started
        return {"rate": len(inboxes) / seconds, "cpu_us": (time.process_time() - cpu_before) / len(inboxes) * 1e6}

    await one_pass()  # warm-up: connections opened, like a worker that has delivered before
    print("ready", flush=True)
    for _ in sys.stdin:  # one timed pass per line, so the bench can interleave them with the worker's runs
        print(json.dumps(await one_pass()), flush=True)
    await close()


class Ceiling:
    """A ceiling loop in its own process, warmed up, doing one timed pass whenever asked."""

    def __init__(self, mode: str, case_file: Path) -> None:
        self.mode = mode
        self.child = Child([sys.executable, __file__, "--ceiling", mode, str(case_file)], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
        if self.child.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"ceiling {mode} did not start")

    def one_pass(self) -> dict:
        self.child.process.stdin.write("go\n")
        self.child.process.stdin.flush()
        line = self.child.process.stdout.readline()
        if not line:
            raise SystemExit(f"ceiling {self.mode} failed")
        return json.loads(line)


# ---------------------------------------------------------------------------------------------------
# The bench


def spread(values: list[float], fmt: str = "{:,.0f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


async def bench_case(followers: int, hosts: int, args, root: Path) -> dict:
    from fediart.config import load_config
    from fediart.store.db import make_engine, make_sessionmaker
    from fediart.store.tables import Account

    schema = f"bench_{uuid.uuid4().hex[:12]}" if args.database_url else ""
    database_url = args.database_url or f"sqlite+aiosqlite:///{root}/fediart.sqlite3"
    config_path = write_config(root, database_url, schema, args.poll)
    config = load_config(config_path, env={})
    sink, ports = start_sink(hosts)
    children: list[Child] = []
    try:
        account_id = await prepare(config, followers, ports, args.due_index)
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}
        env["FEDIART_LOG_LEVEL"] = "WARNING"
        workers = [Child([sys.executable, "-m", "fediart", "worker", "--config", str(config_path)], env=env,
                         stdout=subprocess.DEVNULL, stderr=open(root / "worker.log", "ab"))
                   for _ in range(args.workers)]
        children.extend(workers)
        engine = make_engine(config)
        async with make_sessionmaker(engine)() as session:
            account = await session.get(Account, account_id)
        await engine.dispose()
        case_file = root / "case.json"
        case_file.write_text(json.dumps({
            "inboxes": [f"http://{HOST}:{ports[n % hosts]}/users/f{n}/inbox" for n in range(followers)],
            "body": json.dumps(create_note(config.base_url, 0)), "private_pem": account.private_key_pem,
            "key_id": f"{config.base_url}/users/ana#main-key", "concurrency": config.worker.concurrency,
            "config": str(config_path)}))
        ceilings = [Ceiling("httpx", case_file), Ceiling("aiohttp", case_file)]
        children.extend(c.child for c in ceilings)
        await settle()
        # Interleaved, so that the load of this shared machine drifts over all three alike.
        runs, rates = [], {"httpx": [], "aiohttp": []}
        for n in range(1, args.runs + 1):
            runs.append(await one_run(config, account_id, n, followers, workers))
            for ceiling in ceilings:
                rates[ceiling.mode].append(await asyncio.to_thread(ceiling.one_pass))
        if args.profile:
            print(f"  profiling one more run with py-spy into {args.profile}", flush=True)
            spy = Child([str(Path(sys.executable).parent / "py-spy"), "record", "-o", args.profile, "-r", "200",
                         "-f", "raw" if args.profile.endswith(".txt") else "flamegraph",
                         "-p", str(workers[0].process.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await asyncio.sleep(1.0)
            await one_run(config, account_id, args.runs + 1, followers, workers)
            spy.process.send_signal(signal.SIGINT)
            spy.process.wait(timeout=30)
        return {"runs": runs, **rates, "concurrency": config.worker.concurrency}
    finally:
        for child in children:
            child.stop()
        sink.stop()
        if schema:
            await drop_schema(database_url, schema)


async def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


def parse_case(text: str) -> tuple[int, int]:
    followers, _, hosts = text.partition("x")
    return int(followers), int(hosts or 200)


async def main(args) -> int:
    backend = "PostgreSQL" if args.database_url else "SQLite"
    if args.workers > 1 and not args.database_url:
        raise SystemExit("several workers share the queue through PostgreSQL: give --database-url")
    print(f"fan-out of one Create{{Note}}: {args.workers} `fediart worker` process(es), {backend}, {args.runs} runs per case, "
          f"poll {args.poll} s, {os.cpu_count()} CPUs{', with the proposed due index' if args.due_index else ''}",
          flush=True)
    results = {}
    for text in args.cases:
        followers, hosts = parse_case(text)
        with tempfile.TemporaryDirectory(prefix="fediart-fanout-") as tmp:
            print(f"  case {followers:,} inboxes on {hosts} hosts ...", flush=True)
            results[(followers, hosts)] = await bench_case(followers, hosts, args, Path(tmp))

    print()
    print(f"| inboxes / hosts | fediart, {args.workers} worker(s), deliveries/s | time to full delivery s "
          "| worker CPU µs/delivery | ceiling httpx+aiohttp transport /s | its CPU µs/delivery | ceiling aiohttp /s "
          "| fediart / httpx ceiling |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (followers, hosts), r in results.items():
        rates = [run["rate"] for run in r["runs"]]
        ceiling = [x["rate"] for x in r["httpx"]]
        ratio = statistics.median(rates) / statistics.median(ceiling)
        print(f"| {followers:,} / {hosts} | {spread(rates)} | {spread([x['seconds'] for x in r['runs']], '{:.2f}')} "
              f"| {statistics.median(x['cpu_us'] for x in r['runs']):,.0f} | {spread(ceiling)} "
              f"| {statistics.median(x['cpu_us'] for x in r['httpx']):,.0f} "
              f"| {spread([x['rate'] for x in r['aiohttp']])} | {ratio:.2f} |")
    print(f"(concurrency {next(iter(results.values()))['concurrency']} in flight for the worker and the ceilings; "
          "ceilings sign each request in a thread, as the worker does)")
    checks = []
    for (followers, hosts), r in results.items():
        ratio = statistics.median(run["rate"] for run in r["runs"]) / statistics.median(x["rate"] for x in r["httpx"])
        checks.append(f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'} {ratio:.2f} >= {TARGET_RATIO} of the ceiling "
                      f"({followers:,} inboxes)")
        rate = statistics.median(run["rate"] for run in r["runs"])
        seconds = statistics.median(run["seconds"] for run in r["runs"])
        if followers == 2000:
            checks.append(f"{'PASS' if rate >= TARGET_RATE else 'FAIL'} {rate:,.0f}/s >= {TARGET_RATE:,.0f}/s "
                          f"to 2,000 inboxes on {hosts} hosts")
        if followers == 10000:
            checks.append(f"{'PASS' if seconds < TARGET_10K_SECONDS else 'FAIL'} 10,000 followers in "
                          f"{seconds:.2f} s < {TARGET_10K_SECONDS:.0f} s")
    print("target: " + "; ".join(checks or ["no target case run"]))
    return 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", nargs="+", default=["2000x200", "10000x200"], help="FOLLOWERSxHOSTS")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--workers", type=int, default=1, help="`fediart worker` processes (several need PostgreSQL)")
    parser.add_argument("--poll", type=float, default=0.1, help="[worker] poll_seconds of the instance")
    parser.add_argument("--due-index", action="store_true",
                        help="add the partial index proposed for claims (DUE_INDEX) to the bench database")
    parser.add_argument("--profile", help="also record one run of the worker with py-spy into this file")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ceiling", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    import uvloop

    if args.sink:
        uvloop.run(run_sink(args.sink))
        return 0
    if args.ceiling:
        uvloop.run(ceiling(*args.ceiling))
        return 0
    return asyncio.run(main(args))


if __name__ == "__main__":
    sys.exit(cli())

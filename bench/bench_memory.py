"""Memory of `fediart serve` (one process, the worker inside): idle, then after mixed load.

What it measures
    RSS of a fresh instance (SQLite, one artist) after it has started and sat idle for --idle seconds,
    beside two ceilings measured in the same run: a bare Python with the same libraries imported
    (what any server on this stack holds before its own code), and bench/baseline_app.py (Starlette
    under uvicorn serving one static document). Then --minutes of mixed load (wrk on WebFinger, the
    actor, the HTML profile, NodeInfo and the public timeline, in turn) and the RSS after it, and
    after a further idle period. It also says whether c2pa's native library is mapped at idle (it is
    loaded on first use; tests/test_server.py checks that it, alembic, pyld, Pillow, blurhash, argon2,
    authlib's OAuth 2, jinja2 and, on SQLite, asyncpg stay out of an idle serving process).

    .venv/bin/python bench/bench_memory.py [--idle 10] [--minutes 2] [--runs 3]

Everything listens on 127.0.0.1 only; servers are stopped by process group on exit.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (AP_ACCEPT, HOST, USERNAME, Server, fediart_command, free_port, group_rss_bytes,  # noqa: E402
                        make_instance, server_env, wrk)

LIBRARIES = ("starlette, uvicorn, httpx, httpx_aiohttp, aiohttp, sqlmodel, sqlalchemy.ext.asyncio, aiosqlite, "
             "cryptography.hazmat.primitives.asymmetric.rsa, jinja2, nh3, orjson, PIL.Image, authlib, argon2")


def mib(value: int) -> str:
    return f"{value / 2**20:6.1f} MiB"


def libraries_only() -> int:
    """RSS of a Python that imports the stack's libraries and nothing of fediart's."""
    code = (f"import {LIBRARIES}\n"
            "print(int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) * 1024)")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def c2pa_mapped(pid: int) -> bool:
    """Whether the serving process has mapped c2pa's native library (it should only once it signs or reads)."""
    try:
        return "c2pa" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def measure_once(args: argparse.Namespace, tmp: Path) -> dict[str, int]:
    port, baseline_port = free_port(), free_port()
    config = make_instance(tmp, port)
    base = f"http://{HOST}:{port}"
    fediart = Server("fediart", fediart_command() + ["serve", "--config", str(config)], server_env(),
                     tmp / "serve.log", 1)
    actor_file = tmp / "actor.json"
    baseline = Server("baseline", [sys.executable, str(Path(__file__).parent / "baseline_app.py"), "--port",
                                   str(baseline_port)], {**server_env(), "BASELINE_BODY_FILE": str(actor_file)},
                      tmp / "baseline.log", 1)
    figures: dict[str, int] = {}
    try:
        fediart.start(f"{base}/users/{USERNAME}", {"Accept": AP_ACCEPT})
        from bench_http import http_get

        actor_file.write_bytes(http_get(f"{base}/users/{USERNAME}", {"Accept": AP_ACCEPT})[1])
        baseline.start(f"http://{HOST}:{baseline_port}/users/{USERNAME}", {})
        time.sleep(args.idle)
        figures["idle"] = group_rss_bytes(fediart.pgid)[0]
        figures["baseline"] = group_rss_bytes(baseline.pgid)[0]
        figures["c2pa_mapped"] = int(c2pa_mapped(fediart.pgid))
        endpoints = [(f"/.well-known/webfinger?resource=acct:{USERNAME}@{HOST}:{port}", {}),
                     (f"/users/{USERNAME}", {"Accept": AP_ACCEPT}), (f"/@{USERNAME}", {"Accept": "text/html"}),
                     ("/nodeinfo/2.1", {}), ("/api/v1/timelines/public", {})]
        deadline = time.monotonic() + args.minutes * 60
        while time.monotonic() < deadline:
            for path, headers in endpoints:
                wrk(base + path, headers, 5, latency=False)
        figures["loaded"] = group_rss_bytes(fediart.pgid)[0]
        time.sleep(args.idle)
        figures["after"] = group_rss_bytes(fediart.pgid)[0]
    finally:
        fediart.stop()
        baseline.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle before each reading")
    parser.add_argument("--minutes", type=float, default=2.0, help="minutes of mixed load")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"fediart serve memory: {args.runs} runs, {args.idle:g} s idle, {args.minutes:g} min mixed load")
    runs = []
    for number in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="fediart-bench-memory-") as folder:
            runs.append(measure_once(args, Path(folder)))
        print(f"  run {number}: idle {mib(runs[-1]['idle'])}, after load {mib(runs[-1]['loaded'])}")
    median = {key: int(statistics.median(run[key] for run in runs)) for key in runs[0]}
    libraries = libraries_only()
    print(f"\nmedians of {args.runs} runs (RSS):")
    print(f"  python + the stack's libraries (ceiling):  {mib(libraries)}")
    print(f"  bare Starlette + uvicorn app (ceiling):     {mib(median['baseline'])}")
    print(f"  fediart serve, idle:                        {mib(median['idle'])}   target <= 90 MiB")
    print(f"  fediart serve, after {args.minutes:g} min mixed load:    {mib(median['loaded'])}")
    print(f"  fediart serve, idle again:                  {mib(median['after'])}")
    print(f"  c2pa's native library mapped at idle:       {'yes' if median['c2pa_mapped'] else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

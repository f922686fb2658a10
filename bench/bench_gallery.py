"""Throughput of an artist's public gallery page, GET /@ana (HTML), with 200 posts with images.

What it measures
    GET /@ana with a browser's Accept header, on `fediart serve` with one worker, beside the ceiling:
    bench/baseline_app.py (bare Starlette under uvicorn, the options `fediart serve` uses) serving the
    exact bytes fediart's gallery page just served, as one static body. No assertion: it prints figures.

How
    1. A throw-away instance in a temporary directory (`fediart init`, `fediart user create ana`, as
       bench/bench_http.py makes it), then 200 posts, each with one 800x600 JPEG and its alt text, made
       with the same actions `fediart post` calls (upload_media, create_status), in one process.
    2. `fediart serve --workers 1` and the baseline; `wrk -t1 -c50` after a 2 s warm-up, fediart and
       baseline paired and alternated as bench_http.py does (its Server, measure and table helpers are
       reused); medians over --runs (default 3).

Everything listens on and is sent to 127.0.0.1 only.

    .venv/bin/python bench/bench_gallery.py [--runs 3] [--duration 10]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import bench_http as common  # noqa: E402

POSTS = 200
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def jpeg(number: int) -> bytes:
    from PIL import Image

    picture = Image.new("RGB", (800, 600), ((number * 37) % 256, (number * 91) % 256, (number * 53) % 256))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


async def seed(config_path: Path) -> None:
    """POSTS posts with one image each, through the actions the CLI and the client API use."""
    from fediart.actions.media import upload_media
    from fediart.actions.posts import create_status
    from fediart.config import load_config
    from fediart.services import running_services
    from fediart.store.accounts import get_account

    config = load_config(config_path)
    async with running_services(config) as services:
        async with services.sessions() as session:
            ana = await get_account(session, common.USERNAME)
        for number in range(POSTS):
            media = await upload_media(services, ana, jpeg(number), description=f"Study number {number}, in colour")
            await create_status(services, ana, text=f"Study {number} #painting", media_ids=[str(media.id)],
                                visibility="public")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, tmp: Path, servers: list) -> tuple[list, int]:
    port, baseline_port = common.free_port(), common.free_port()
    while baseline_port == port:
        baseline_port = common.free_port()
    domain = f"{common.HOST}:{port}"
    config = common.make_instance(tmp, port)
    started = time.monotonic()
    asyncio.run(seed(config))
    print(f"seeded {POSTS} posts with images in {time.monotonic() - started:.0f} s", flush=True)

    path, headers = f"/@{common.USERNAME}", {"Accept": HTML_ACCEPT}
    fediart = common.Server("fediart serve", common.fediart_command() + [
        "serve", "--config", str(config), "--port", str(port), "--workers", "1"],
        common.server_env(), tmp / "fediart.log", 1)
    servers.append(fediart)
    fediart.start(f"http://{domain}{path}", headers)
    status, body = common.http_get(f"http://{domain}{path}", headers)
    if status != 200 or b"<img" not in body:
        raise RuntimeError(f"the gallery answered {status}: {body[:200]!r}")

    body_file = tmp / "gallery.html"
    body_file.write_bytes(body)
    baseline = common.Server("baseline", [sys.executable, str(BENCH_DIR / "baseline_app.py"),
                                          "--port", str(baseline_port), "--workers", "1"],
                             {**os.environ, "BASELINE_BODY_FILE": str(body_file)}, tmp / "baseline.log", 1)
    servers.append(baseline)
    # baseline_app's one route is /users/{username}; it puts the same bytes on the wire (its
    # Content-Type says JSON, which costs the server nothing different).
    baseline_url = f"http://{common.HOST}:{baseline_port}/users/{common.USERNAME}"
    baseline.start(baseline_url, headers)
    print(f"gallery page: {len(body):,} B, {body.count(b'<img')} <img>; fediart on {domain}, "
          f"baseline on {common.HOST}:{baseline_port}", flush=True)

    row = common.Row("gallery", 1, [], [])
    for run_no in range(args.runs):
        pair = [("fediart", fediart, f"http://{domain}{path}"), ("baseline", baseline, baseline_url)]
        if run_no % 2:
            pair.reverse()
        done = {side: common.measure(server, url, headers, args.duration) for side, server, url in pair}
        row.fediart.append(done["fediart"])
        row.baseline.append(done["baseline"])
        f, b = done["fediart"], done["baseline"]
        print(f"  run {run_no + 1}/{args.runs}: fediart {f.rps:>8,.0f} req/s  baseline {b.rps:>8,.0f} req/s  "
              f"ratio {f.rps / b.rps:.3f}  CPU {f.cpu_us_per_request:.0f}/{b.cpu_us_per_request:.0f} us/req",
              flush=True)
    return [row], len(body)


def print_table(rows: list, args: argparse.Namespace, size: int) -> list[str]:
    med = statistics.median
    print(f"\nGET /@{common.USERNAME} (HTML, {POSTS} posts with images, {size:,} B), 1 worker: median of "
          f"{args.runs} paired runs of {args.duration} s, wrk -t1 -c{common.CONNECTIONS}")
    header = (f"{'server':<22} {'req/s (min-max)':<24} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>11}")
    print(header)
    print("-" * len(header))
    problems = []
    for row in rows:
        for side, measurements in (("fediart", row.fediart), ("bare Starlette route", row.baseline)):
            rps = [m.rps for m in measurements]
            print(f"{side:<22} {f'{med(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f})':<24} "
                  f"{med(m.p50_ms for m in measurements):>7.2f} {med(m.p99_ms for m in measurements):>7.2f} "
                  f"{med(m.cpu_us_per_request for m in measurements):>11.0f}")
            if any(m.non_2xx or m.socket_errors for m in measurements):
                problems.append(f"{side}: non-2xx responses or socket errors")
        print(f"fediart / ceiling: {med(row.ratios):.3f} (median of per-pair ratios)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="paired runs (default 3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    args = parser.parse_args()
    if args.runs < 1 or not 1 <= args.duration <= 600:
        parser.error("--runs >= 1 and --duration 1-600 please")
    if shutil.which("wrk") is None:
        print("bench_gallery: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    servers: list = []
    with tempfile.TemporaryDirectory(prefix="fediart-bench-gallery-") as tmp:
        try:
            rows, size = run(args, Path(tmp), servers)
        except KeyboardInterrupt:
            print("\ninterrupted; servers stopped", file=sys.stderr)
            return 130
        except (RuntimeError, ValueError, OSError) as exc:
            print(f"\nbench_gallery: {exc}", file=sys.stderr)
            for server in servers:
                print(f"--- {server.name} log:\n{server.log_tail()}", file=sys.stderr)
            return 1
        finally:
            for server in reversed(servers):
                server.stop()
    problems = print_table(rows, args, size)
    if problems:
        print("\nPROBLEMS (figures above are not valid):\n  " + "\n  ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

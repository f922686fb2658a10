"""HTTP throughput of fediart's hot discovery GETs, against a bare Starlette baseline on the same stack.

What it measures
    Two endpoints every peer hits before it can federate with an account:
      webfinger  GET /.well-known/webfinger?resource=acct:ana@127.0.0.1:PORT
      actor      GET /users/ana   (Accept: application/activity+json)
    and, as the ceiling, bench/baseline_app.py: Starlette under uvicorn with the options `fediart serve`
    uses (uvloop/httptools, no access log, same worker count), serving the exact bytes of fediart's
    actor document as a static body. Target: fediart >= 90% of the baseline's req/s (two workers need
    PostgreSQL: --database-url).

How
    1. A throw-away instance in a temporary directory: `fediart init --domain 127.0.0.1:PORT` (a loopback
       domain, so http), `fediart user create ana`, `[server] access_log = false`.
    2. For each worker count: `fediart serve --workers N` and the baseline, each in its own process group.
    3. Each measurement is a 2 s wrk warm-up, then `wrk -t1 -c50 -dDURATIONs --latency`. Every fediart
       measurement is paired with a baseline measurement right next to it (order alternating from run to
       run), so the slow drifts of this shared 2-core box hit both sides of a ratio alike.
    4. Prints, per endpoint and worker count: median req/s (min-max over --runs), the baseline's median,
       the median of the per-pair ratios, median p50/p99 latency, server CPU per request (utime+stime of
       the server's process group from /proc, which is steadier than req/s here), and the servers' RSS.

Everything listens on and is sent to 127.0.0.1 only; every run is bounded by --duration; the servers are
stopped by process group on exit, Ctrl-C included. Method and reference figures:
shared/research/perf.md sections 1 and 3.

    .venv/bin/python bench/bench_http.py [--runs 5] [--duration 10]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import tomli_w

HOST = "127.0.0.1"  # the only address this script ever serves on or sends to
CONNECTIONS = 50
WARMUP_SECONDS = 2
TARGET_RATIO = 0.90
USERNAME = "ana"
AP_ACCEPT = "application/activity+json"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
BENCH_DIR = Path(__file__).resolve().parent
# Rough cost of starting and stopping one server, for the up-front time estimate.
SERVER_START_STOP_SECONDS = 4.0


# ---------------------------------------------------------------------------------------------------
# Process groups: the servers' own processes, found through /proc


def group_pids(pgid: int) -> list[int]:
    """Every live process whose process group is pgid (uvicorn's supervisor and its workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read_stat(int(entry))
        if stat is not None and int(stat[2]) == pgid:  # field 5 of stat: pgrp
            pids.append(int(entry))
    return pids


def _read_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (which may contain spaces): [state, ppid, pgrp, ...]."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process has gone
        return None
    return text[text.rindex(")") + 2 :].split()


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time used so far by the live processes of the group."""
    ticks = 0
    for pid in group_pids(pgid):
        stat = _read_stat(pid)
        if stat is not None:
            ticks += int(stat[11]) + int(stat[12])  # fields 14 and 15: utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def group_rss_bytes(pgid: int) -> tuple[int, int]:
    """(sum of VmRSS, number of processes) over the group. Shared pages are counted once per process."""
    total, count = 0, 0
    for pid in group_pids(pgid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if match:
            total += int(match.group(1)) * 1024
            count += 1
    return total, count


# ---------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_get(url: str, headers: dict[str, str], timeout: float = 5.0) -> tuple[int, bytes]:
    # No proxies: an http_proxy variable in the environment must not send loopback requests elsewhere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Server:
    """A server subprocess in its own process group, so it and all its workers can be stopped together."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path, workers: int) -> None:
        self.name, self.command, self.env, self.log_path, self.workers = name, command, env, log_path, workers
        self.process: subprocess.Popen | None = None

    @property
    def pgid(self) -> int:
        assert self.process is not None
        return self.process.pid  # start_new_session makes the child its group's leader

    def start(self, probe_url: str, probe_headers: dict[str, str]) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer within {STARTUP_TIMEOUT:.0f} s:\n{self.log_tail()}")
            try:
                status, _ = http_get(probe_url, probe_headers, timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        # With several workers the first answer only proves one of them is up; wrk's 50 keep-alive
        # connections are accepted at once, so a late worker would get none for the whole run.
        deadline = time.monotonic() + 15
        while self.workers > 1 and self.started_workers() < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)

    def started_workers(self) -> int:
        return self.log_path.read_text(errors="replace").count("Application startup complete")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.pgid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
            # Workers can outlive the group leader; anything left in the group is ours to kill.
            if group_pids(self.pgid):
                os.killpg(self.pgid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass
        self.process = None


# ---------------------------------------------------------------------------------------------------
# wrk


@dataclass
class Measurement:
    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    cpu_us_per_request: float


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> tuple[float, int, float, float, int, int]:
    """(req/s, requests, p50 ms, p99 ms, non-2xx/3xx count, socket errors) from `wrk --latency` output."""

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
        if not match:
            raise ValueError(f"no {percent}% latency in wrk output:\n{output}")
        return float(match.group(1)) * _UNIT_MS[match.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    requests = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rps or not requests:
        raise ValueError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)  # printed only when non-zero
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return (
        float(rps.group(1)),
        int(requests.group(1)),
        latency("50"),
        latency("99"),
        int(non_2xx.group(1)) if non_2xx else 0,
        sum(int(n) for n in errors.groups()) if errors else 0,
    )


def wrk(url: str, headers: dict[str, str], seconds: int, latency: bool) -> str:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s"]
    if latency:
        command.append("--latency")
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    # wrk stops by itself after `seconds`; the timeout only guards against a hung wrk.
    done = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def measure(server: Server, url: str, headers: dict[str, str], duration: int) -> Measurement:
    # Warm-up: opens the keep-alive connections, fills fediart's document cache, wakes the CPUs.
    wrk(url, headers, WARMUP_SECONDS, latency=False)
    cpu_before = group_cpu_seconds(server.pgid)
    output = wrk(url, headers, duration, latency=True)
    cpu = group_cpu_seconds(server.pgid) - cpu_before
    rps, requests, p50, p99, non_2xx, socket_errors = parse_wrk(output)
    return Measurement(rps, requests, p50, p99, non_2xx, socket_errors, cpu * 1e6 / max(requests, 1))


# ---------------------------------------------------------------------------------------------------
# The benchmark


@dataclass
class Row:
    endpoint: str
    workers: int
    fediart: list[Measurement]
    baseline: list[Measurement]

    @property
    def ratios(self) -> list[float]:
        return [f.rps / b.rps for f, b in zip(self.fediart, self.baseline)]


def fediart_command() -> list[str]:
    script = Path(sys.executable).parent / "fediart"  # the venv's entry point, next to its python
    return [str(script)] if script.exists() else [sys.executable, "-m", "fediart.cli"]


def server_env() -> dict[str, str]:
    # FEDIART_* variables override the config file; drop them so the file below is what is measured.
    return {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}


def make_instance(directory: Path, port: int, database_url: str = "") -> Path:
    """A fresh config + database (SQLite, or a throw-away schema of `database_url`) with one artist
    account; returns the config path."""
    config = directory / "fediart.toml"
    env = server_env()
    init = ["init", "--domain", f"{HOST}:{port}", "--config", str(config), "--data-dir", str(directory / "data")]
    if database_url:
        init += ["--database", database_url]
    steps = [init, ["user", "create", USERNAME, "--config", str(config)]]
    if database_url:
        schema = f"bench_{os.getpid()}_{port}"
        steps.insert(1, ["migrate", "--config", str(config)])
        env = {**env, "FEDIART_DATABASE_SCHEMA": schema}
    for args in steps:
        done = subprocess.run(fediart_command() + args, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"fediart {' '.join(args[:2])} failed:\n{done.stdout}{done.stderr}")
    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    raw["server"]["access_log"] = False  # the default; written out so the run does not depend on it
    if database_url:
        raw["database"]["schema"] = env["FEDIART_DATABASE_SCHEMA"]
    config.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return config


def estimate_seconds(args: argparse.Namespace, endpoints: int) -> float:
    per_measurement = WARMUP_SECONDS + args.duration + 0.3
    per_workers = 2 * SERVER_START_STOP_SECONDS + args.runs * endpoints * 2 * per_measurement
    return 10 + len(args.workers) * per_workers  # 10 s: init + user create (RSA key generation)


def fmt_duration(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def run(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> tuple[list[Row], list[str]]:
    port, baseline_port = free_port(), free_port()
    while baseline_port == port:
        baseline_port = free_port()
    domain = f"{HOST}:{port}"
    config = make_instance(tmp, port, args.database_url)
    endpoints = [
        ("webfinger", f"/.well-known/webfinger?resource=acct:{USERNAME}@{domain}", {}),
        ("actor", f"/users/{USERNAME}", {"Accept": AP_ACCEPT}),
    ]
    actor_path, actor_headers = endpoints[1][1], endpoints[1][2]
    rows: list[Row] = []
    memory: list[str] = []

    for workers in args.workers:
        fediart = Server(
            "fediart serve",
            fediart_command() + ["serve", "--config", str(config), "--port", str(port), "--workers", str(workers)],
            server_env(), tmp / f"fediart-{workers}.log", workers,
        )
        servers.append(fediart)
        fediart.start(f"http://{domain}{actor_path}", actor_headers)
        for name, path, headers in endpoints:
            status, body = http_get(f"http://{domain}{path}", headers)
            if status != 200:
                raise RuntimeError(f"fediart {name} answered {status}: {body[:200]!r}")
            if name == "actor":
                actor_body = body

        # The baseline serves the very bytes fediart just served, so both put the same body on the wire.
        body_file = tmp / "actor.json"
        body_file.write_bytes(actor_body)
        baseline = Server(
            "baseline",
            [sys.executable, str(BENCH_DIR / "baseline_app.py"), "--port", str(baseline_port),
             "--workers", str(workers)],
            {**os.environ, "BASELINE_BODY_FILE": str(body_file)}, tmp / f"baseline-{workers}.log", workers,
        )
        servers.append(baseline)
        baseline_url = f"http://{HOST}:{baseline_port}{actor_path}"
        baseline.start(baseline_url, actor_headers)
        print(f"\n{workers} worker(s): fediart on {domain} (pgid {fediart.pgid}), "
              f"baseline on {HOST}:{baseline_port} (pgid {baseline.pgid}); actor document {len(actor_body)} B")

        current = [Row(name, workers, [], []) for name, _, _ in endpoints]
        rows += current
        for run_no in range(args.runs):
            for index, (name, path, headers) in enumerate(endpoints):
                pair = [("fediart", fediart, f"http://{domain}{path}", headers),
                        ("baseline", baseline, baseline_url, actor_headers)]
                # Alternate which side goes first so a drift within a pair does not always favour one side.
                if (run_no + index) % 2:
                    pair.reverse()
                done = {}
                for side, server, url, hdrs in pair:
                    done[side] = measure(server, url, hdrs, args.duration)
                current[index].fediart.append(done["fediart"])
                current[index].baseline.append(done["baseline"])
                f, b = done["fediart"], done["baseline"]
                print(f"  run {run_no + 1}/{args.runs} {name:<9} fediart {f.rps:>9,.0f} req/s  "
                      f"baseline {b.rps:>9,.0f} req/s  ratio {f.rps / b.rps:.2f}  "
                      f"CPU {f.cpu_us_per_request:.0f}/{b.cpu_us_per_request:.0f} us/req", flush=True)

        for server in (fediart, baseline):
            rss, count = group_rss_bytes(server.pgid)
            memory.append(f"  {server.name:<13} {workers} worker(s): {rss / 2**20:6.1f} MiB RSS "
                          f"(sum over {count} process{'es' if count != 1 else ''})")
        for server in (baseline, fediart):
            server.stop()
            servers.remove(server)
    return rows, memory


def print_table(rows: list[Row], args: argparse.Namespace) -> list[str]:
    """Prints the results; returns the problems found (non-2xx responses, socket errors)."""
    med = statistics.median
    print(f"\nResults: median of {args.runs} paired runs of {args.duration} s, "
          f"wrk -t1 -c{CONNECTIONS} --latency, after a {WARMUP_SECONDS} s warm-up each")
    header = (f"{'endpoint':<10} {'workers':>7}  {'fediart req/s (min-max)':<27} {'baseline req/s':>14}  "
              f"{'ratio':>5}  {'target':<7} {'p50 ms':>6} {'p99 ms':>6}  {'CPU us/req f/b':>14}")
    print(header)
    print("-" * len(header))
    problems = []
    for row in rows:
        rps = [m.rps for m in row.fediart]
        ratio = med(row.ratios)
        spread = f"{med(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f})"
        cpu = (f"{med(m.cpu_us_per_request for m in row.fediart):.0f}/"
               f"{med(m.cpu_us_per_request for m in row.baseline):.0f}")
        print(f"{row.endpoint:<10} {row.workers:>7}  {spread:<27} {med(m.rps for m in row.baseline):>14,.0f}  "
              f"{ratio:>5.2f}  {'ok' if ratio >= TARGET_RATIO else 'BELOW':<7} "
              f"{med(m.p50_ms for m in row.fediart):>6.2f} {med(m.p99_ms for m in row.fediart):>6.2f}  {cpu:>14}")
        for side, measurements in (("fediart", row.fediart), ("baseline", row.baseline)):
            non_2xx = sum(m.non_2xx for m in measurements)
            errors = sum(m.socket_errors for m in measurements)
            if non_2xx or errors:
                problems.append(f"{side} {row.endpoint} {row.workers} worker(s): "
                                f"{non_2xx} non-2xx/3xx responses, {errors} socket errors")
    print(f"target: >= {TARGET_RATIO:.0%} of baseline (ratio = median of per-pair fediart/baseline req/s; "
          f"baseline = static actor bytes on bare Starlette+uvicorn)")
    print("p50/p99: fediart's latency; CPU us/req: server process-group CPU per request, fediart/baseline")
    return problems


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="paired runs per endpoint and worker count (default 5)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="worker counts (default: 1)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL URL (a throw-away schema is made in it); needed for --workers > 1")
    args = parser.parse_args()
    if args.runs < 1 or not 1 <= args.duration <= 600 or not all(1 <= w <= 16 for w in args.workers):
        parser.error("--runs >= 1, --duration 1-600 and --workers 1-16 please")
    if max(args.workers) > 1 and not args.database_url:
        parser.error("`fediart serve` refuses more than one worker on SQLite: give --database-url for --workers 2")

    if shutil.which("wrk") is None:
        print("bench_http: wrk is not installed. Install it with:\n"
              "    apt-get install wrk        (Debian/Ubuntu; sudo if not root)", file=sys.stderr)
        return 2

    print(f"fediart HTTP benchmark: workers {args.workers}, {args.runs} runs x {args.duration} s per endpoint, "
          f"target {HOST} only")
    print(f"estimated total run time: ~{fmt_duration(estimate_seconds(args, 2))}", flush=True)
    started = time.monotonic()

    # SIGTERM (e.g. from `timeout`) takes the same clean-up path as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="fediart-bench-") as tmp:
        try:
            rows, memory = run(args, Path(tmp), servers)
        except KeyboardInterrupt:
            print("\ninterrupted; servers stopped", file=sys.stderr)
            return 130
        except (RuntimeError, ValueError, OSError, subprocess.SubprocessError) as exc:
            print(f"\nbench_http: {exc}", file=sys.stderr)
            return 1
        finally:
            for server in reversed(servers):
                server.stop()

    problems = print_table(rows, args)
    print("\nserver memory after the runs:")
    print("\n".join(memory))
    print(f"\ntotal run time: {fmt_duration(time.monotonic() - started)}")
    if problems:
        print("\nPROBLEMS (figures above are not valid):\n  " + "\n  ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

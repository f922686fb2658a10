"""`fediart jobs` and `fediart jobs retry ID`: the worker's queues as an admin reads them.

Per kind, rows by state, how many are due and since when the oldest waited (the same counts as
/metrics' queue gauges); then the jobs a worker holds now, with their progress; then failed jobs
with their errors. Printing only: the work is in ops/queue_depths.py and jobs/manage.py.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from fediart.actions.errors import ActionError
from fediart.commands import CliError, CommandContext, add_parser
from fediart.jobs.manage import jobs_failed, jobs_running, retry_job
from fediart.jobs.registry import KINDS
from fediart.ops.queue_depths import collect_depths
from fediart.store.tables import utcnow
from fediart.text import terminal_safe


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    if when.tzinfo is None:  # SQLite hands back naive UTC
        when = when.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    rows = [tuple(terminal_safe(str(cell)) for cell in row) for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:-1])) + "  " + row[-1])


def _progress(job) -> str:
    if job.progress_total is None:
        return "-"
    return f"{job.progress_done or 0:,}/{job.progress_total:,}"


def _what(job) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(job.payload.items())) or "-"


async def overview(ctx: CommandContext, args: argparse.Namespace) -> int:
    now = utcnow()
    async with ctx.sessions() as session:
        depths = await collect_depths(session)
    _table(("KIND", "RUNNING", "DUE", "OLDEST DUE", "BY STATE"),
           [(kind.name, depths[kind.name].running, depths[kind.name].waiting,
             _ago(depths[kind.name].oldest_waiting, now),
             ", ".join(f"{state} {count:,}" for state, count in depths[kind.name].by_state.items()))
            for kind in KINDS])
    running = await jobs_running(ctx.sessions)
    print()
    if running:
        print("running:")
        _table(("ID", "KIND", "PAYLOAD", "ATTEMPT", "PROGRESS"),
               [(job.id, job.kind, _what(job), job.attempts + 1, _progress(job)) for job in running])
    else:
        print("running: none")
    failed = await jobs_failed(ctx.sessions, args.limit)
    print()
    if failed:
        print("failed (newest first; `fediart jobs retry ID` queues one again):")
        _table(("ID", "KIND", "PAYLOAD", "ATTEMPTS", "FAILED", "ERROR"),
               [(job.id, job.kind, _what(job), job.attempts, _ago(job.finished_at, now), job.last_error)
                for job in failed])
    else:
        print("failed: none")
    return 0


async def retry(ctx: CommandContext, args: argparse.Namespace) -> int:
    try:
        job = await retry_job(ctx.sessions, args.id)
    except ActionError as exc:
        raise CliError(exc.message) from None
    print(terminal_safe(f"job {job.id} ({job.kind}) is pending again: a worker runs it at its next poll"))
    return 0


def _limit(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def register(sub) -> None:
    p = add_parser(sub, "jobs", "the worker's queues: counts per job kind and state, running and failed jobs")
    p.add_argument("--limit", type=_limit, default=20, metavar="N", help="failed jobs listed (default 20)")
    p.set_defaults(run=overview)
    actions = p.add_subparsers(dest="jobs_command", metavar="ACTION")
    r = add_parser(actions, "retry", "queue a failed job again, with a fresh set of attempts")
    r.add_argument("id", type=int, help="the job's id, as `fediart jobs` lists it")
    r.set_defaults(run=retry)

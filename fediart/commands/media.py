"""`fediart media migrate|verify|prune`: the stored media files, whichever backend holds them.

`migrate --to s3|local` copies every object to the other backend (verified, resumable) and then says
to switch `[storage] backend` (with --background a worker does the copying, as a job); `verify` lists objects the database names but the storage lacks, and
stored objects no row names; `prune` removes uploads no post took and such orphans.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from fediart.actions.errors import ActionError
from fediart.commands import CliError, CommandContext, add_parser
from fediart.commands.progress import ProgressBar
from fediart.jobs.media_migration import queue_media_migration
from fediart.media.audit import audit
from fediart.media.catalogue import known_objects
from fediart.media.copy import CopyFailed
from fediart.media.migration import migrate_storage, migration_target
from fediart.media.store import delete_files
from fediart.services import running_services
from fediart.store.prune import prune_unattached_media
from fediart.store.states import StorageBackend
from fediart.store.tables import utcnow
from fediart.text import terminal_safe

_SHOWN = 20  # names listed per kind of problem; the counts say the rest


async def migrate(ctx: CommandContext, args: argparse.Namespace) -> int:
    try:
        migration_target(ctx.config, args.to)  # a ConfigError names what the target lacks
        if args.background:
            return await _queue(ctx, args.to)
    except ActionError as exc:
        raise CliError(exc.message) from None
    current = ctx.config.storage.backend
    async with running_services(ctx.config) as services:
        progress = ProgressBar(f"copying to {args.to}")
        try:
            done = await migrate_storage(services, args.to, progress)
        except CopyFailed as exc:
            raise CliError(f"migration stopped: {exc}; run it again to retry") from None
        finally:
            progress.close()
    print(f"copied {done.copied} objects to {args.to} ({done.already} were already there); "
          f"all {done.total} verified by checksum.")
    print(f"Now set [storage] backend = \"{args.to}\" in {ctx.config.path} and restart fediart. "
          f"Nothing in the database changes; the {current} copy stays until you remove it.")
    return 0


async def _queue(ctx: CommandContext, to: str) -> int:
    job_id = await queue_media_migration(ctx.sessions, to)
    print(f"queued the migration to {to} as job {job_id}: a worker copies the objects (verified, resumable).")
    print("`fediart jobs` shows its progress; once it is done, set [storage] backend = "
          f"\"{to}\" in {ctx.config.path} and restart fediart.")
    return 0


async def verify(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with running_services(ctx.config) as services:
        known = await known_objects(services)
        found = await asyncio.to_thread(audit, services.storage, known)
    print(f"{found.named} objects named by the database, {found.stored} stored ({ctx.config.storage.backend})")
    print(f"missing: {len(found.missing)}" + (" (rows whose files are gone: pages show broken images)"
                                               if found.missing else ""))
    for name in found.missing[:_SHOWN]:
        print(f"  {terminal_safe(name)}")
    print(f"orphans: {len(found.orphans)}" + (" (stored, named by no row; `fediart media prune` removes them)"
                                               if found.orphans else ""))
    for each in found.orphans[:_SHOWN]:
        print(f"  {terminal_safe(each.name)}  {each.size:,} bytes  {each.modified:%Y-%m-%d %H:%M}")
    hidden = max(0, len(found.missing) - _SHOWN) + max(0, len(found.orphans) - _SHOWN)
    if hidden:
        print(f"({hidden} more not listed)")
    return 1 if found.missing else 0


async def prune(ctx: CommandContext, args: argparse.Namespace) -> int:
    if args.older_than < 1:
        raise CliError("--older-than must be at least 1 day")
    cutoff = utcnow() - timedelta(days=args.older_than)
    async with running_services(ctx.config) as services:
        async with services.sessions() as session:
            gone = await prune_unattached_media(session, cutoff)
        await asyncio.to_thread(delete_files, services.storage, gone)
        known = await known_objects(services)
        found = await asyncio.to_thread(audit, services.storage, known)
        # Only old orphans: a new upload's files are stored a moment before its row is committed.
        stale = [each for each in found.orphans if each.modified < cutoff]
        for each in stale:
            await asyncio.to_thread(services.storage.delete, each.name)
    print(f"removed {len(gone)} uploads no post took and {len(stale)} orphaned objects, "
          f"older than {args.older_than} days")
    return 0


def _days(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {value!r}") from None


def register(sub) -> None:
    p = add_parser(sub, "media", "stored media files: move them to another backend, check them, prune them")
    actions = p.add_subparsers(dest="media_command", required=True, metavar="ACTION")
    m = add_parser(actions, "migrate", "copy every stored object to the other [storage] backend, verified and "
                                       "resumable; then switch the backend in the config")
    m.add_argument("--to", required=True, choices=[b.value for b in StorageBackend], help="the target backend")
    m.add_argument("--background", action="store_true",
                   help="hand the copy to the workers and return at once; `fediart jobs` shows its progress")
    m.set_defaults(run=migrate)
    v = add_parser(actions, "verify", "list rows whose objects are missing and stored objects no row names "
                                      "(exit status 1 when any are missing)")
    v.set_defaults(run=verify)
    r = add_parser(actions, "prune", "fediart keeps no copies of remote media (it links to them), so this "
                                     "removes uploads no post took and orphaned objects (stored, named by no "
                                     "row), older than the retention")
    r.add_argument("--older-than", type=_days, required=True, metavar="DAYS", help="retention in days")
    r.set_defaults(run=prune)

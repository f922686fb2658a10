"""Moving every stored object to the other backend: the one function `fediart media migrate` runs in the
foreground and the media migration job runs in a worker (copying itself is media/copy.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fediart.actions.errors import ActionError
from fediart.config import Config
from fediart.licence.headers import http_headers
from fediart.media.catalogue import known_objects
from fediart.media.copy import Copied, copy_all
from fediart.media.storage import Storage, make_storage


def migration_target(config: Config, to: str) -> Storage:
    """The backend to copy to; ActionError if it is the current one, ConfigError if it is not configured."""
    current = config.storage.backend
    if to == current:
        raise ActionError(f"[storage] backend is already {current}: run migrate --to the other backend")
    return make_storage(config, to)


async def migrate_storage(services, to: str, progress: Callable[[int, int], None]) -> Copied:
    """Copy (verified, resumable) every object of the current backend to `to`; raises CopyFailed on a bad copy."""
    target = migration_target(services.config, to)
    known = await known_objects(services)
    return await asyncio.to_thread(copy_all, services.storage, target, known, http_headers(services.site_licence),
                                   progress)

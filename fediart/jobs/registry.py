"""Every job kind the worker runs, in the order it claims them: the hot path first."""

from __future__ import annotations

from fediart.jobs.blocklists import BLOCKLIST_REFRESH
from fediart.jobs.delivery import DELIVERY
from fediart.jobs.inbox import INBOX
from fediart.jobs.kind import Kind
from fediart.jobs.media_migration import MEDIA_MIGRATION
from fediart.jobs.pruning import PRUNING
from fediart.jobs.severing import SEVERING

KINDS: tuple[Kind, ...] = (DELIVERY, INBOX, SEVERING, BLOCKLIST_REFRESH, PRUNING, MEDIA_MIGRATION)

# Remote media fetch is no kind: fediart copies no remote media (policy/media.py), so there is nothing to fetch.


def kind_named(name: str) -> Kind | None:
    return next((kind for kind in KINDS if kind.name == name), None)

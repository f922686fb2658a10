"""Comparing what the database names with what the storage holds: objects missing, and orphans no row names."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from fediart.media.catalogue import owner_of
from fediart.media.storage import Storage, StoredObject


@dataclass(frozen=True)
class Audit:
    named: int  # objects the database names
    stored: int  # objects the storage holds
    missing: list[str]  # named, not stored: a page or a remote server gets a 404
    orphans: list[StoredObject]  # stored, named by no row (nor the manifest of one that is)


def audit(storage: Storage, known: Collection[str]) -> Audit:
    """The audit of `storage` against the names `known` (blocking: run in a worker thread)."""
    stored = list(storage.list())
    present = {each.name for each in stored}
    missing = sorted(name for name in known if name not in present)
    orphans = [each for each in stored if owner_of(each.name) not in known]
    return Audit(len(known), len(stored), missing, orphans)

"""Copying every stored object to another backend, each copy verified by its SHA-256; resumable.

A copy already at the target with the same checksum is verified and skipped, so an interrupted run
is finished by running it again. Nothing is deleted from the source: the admin switches backends
once the whole copy verified, and removes the old copy when they wish.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fediart.media.catalogue import licence_headers_of, owner_of
from fediart.media.object_headers import object_headers
from fediart.media.storage import Storage


class CopyFailed(Exception):
    """An object did not arrive intact at the target."""


@dataclass(frozen=True)
class Copied:
    copied: int  # written now
    already: int  # found at the target with the same checksum

    @property
    def total(self) -> int:
        return self.copied + self.already


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _holds(target: Storage, name: str, size: int, digest: str) -> bool:
    found = target.head(name)
    return found is not None and found.size == size and _sha256(target.get(name)) == digest


def copy_all(source: Storage, target: Storage, known: Mapping[str, Mapping[str, str]],
             fallback: Mapping[str, str], progress: Callable[[int, int], None] = lambda done, total: None) -> Copied:
    """Copy every object of `source` to `target` with its headers (licence from `known`, or `fallback`
    for objects no row names); each copy read back and compared. Blocking: run in a worker thread."""
    names = [each.name for each in source.list()]
    signed = {owner_of(name) for name in names if name != owner_of(name)}
    copied = already = 0
    progress(0, len(names))
    for done, name in enumerate(names, start=1):
        data = source.get(name)
        digest = _sha256(data)
        if _holds(target, name, len(data), digest):
            already += 1
        else:
            target.put(name, data, object_headers(name, licence_headers_of(name, known, fallback),
                                                  manifest=name in signed))
            if not _holds(target, name, len(data), digest):
                raise CopyFailed(f"{name}: the copy does not match the original (checksum differs)")
            copied += 1
        progress(done, len(names))
    return Copied(copied, already)

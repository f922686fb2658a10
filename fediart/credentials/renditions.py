"""The signing hook the media pipeline calls for each file it stores: who made the upload, under
which licence, and whether the upload itself came with a manifest (then kept as parent ingredient).

`content_signer` is called on the event loop and only gathers facts; `RenditionSigner.sign` does the
CPU work and is called from the worker thread that writes the files (media/store.py save_image,
media/relicence.py). The keys are read once per process and again when their files change.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property

from fediart.config import Config, ConfigError
from fediart.credentials.keys import LoadedCredentials, credential_paths, load_credentials
from fediart.credentials.manifest import DIGITAL_CREATION, Facts
from fediart.credentials.sign import SIGNABLE, Signed, SigningError, has_manifest, sign_image, sniff_type
from fediart.licence.model import Licence

log = logging.getLogger("fediart.credentials")
_lock = threading.Lock()
_loaded: dict[tuple, LoadedCredentials | None] = {}


def instance_credentials(config: Config) -> LoadedCredentials | None:
    """The configured keys (cached while their files are unchanged); None when the instance has none."""
    paths = credential_paths(config)
    stamp = []
    for path in paths.all():
        try:
            stat = path.stat()
            stamp.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamp.append((str(path), None, None))
    key = tuple(stamp)
    with _lock:
        if key not in _loaded:
            _loaded.clear()
            _loaded[key] = load_credentials(config)
        return _loaded[key]


class RenditionSigner:
    """Signs the files made from one upload with the same facts."""

    def __init__(self, credentials: LoadedCredentials, facts: Facts, source: bytes | None = None):
        self.credentials = credentials
        self.facts = facts
        self._source = source

    @cached_property
    def _source_parent(self) -> tuple[bytes, str] | None:
        # The upload as it arrived: its manifest (a camera's, Photoshop's) would be lost with the
        # re-encoding, so it becomes every rendition's parent ingredient.
        kind = sniff_type(self._source or b"")
        if kind is None or not has_manifest(self._source, kind):
            return None
        return self._source, kind

    def sign(self, data: bytes, parent: bytes | None = None) -> Signed | None:
        """The file signed, with `parent` (the previous version of the file) or the upload as parent
        ingredient when it carries a manifest; None for a type the library cannot sign or on failure
        (logged: a missing signature must not lose the artist's upload)."""
        kind = sniff_type(data)
        if kind not in SIGNABLE:
            return None
        ingredient = None
        if parent is not None:
            parent_kind = sniff_type(parent)
            if parent_kind is not None and has_manifest(parent, parent_kind):
                ingredient = (parent, parent_kind)
        else:
            ingredient = self._source_parent
        try:
            return sign_image(data, kind, self.facts, self.credentials, parent=ingredient)
        except SigningError as exc:
            log.error("could not sign a %s for %s: %s", kind, self.facts.actor_url, exc)
            return None


def content_signer(config: Config, actor_url: str, creator_name: str, licence: Licence, *, title: str = "",
                   source: bytes | None = None,
                   digital_source_type: str | None = None) -> RenditionSigner | None:
    """The signer for one upload's files; None when the instance has no keys (or they are broken,
    which is logged: `fediart credentials show` says what is wrong)."""
    try:
        credentials = instance_credentials(config)
    except ConfigError as exc:
        log.error("Content Credentials are not signed: %s", exc)
        return None
    if credentials is None:
        return None
    facts = Facts(title=title or f"Artwork by {creator_name}", actor_url=actor_url, creator_name=creator_name,
                  licence=licence, digital_source_type=digital_source_type or DIGITAL_CREATION)
    return RenditionSigner(credentials, facts, source)


def for_account(services, account, licence: Licence, *, title: str = "", source: bytes | None = None,
                digital_source_type: str | None = None) -> RenditionSigner | None:
    """content_signer for one of this instance's artists."""
    return content_signer(services.config, services.urls.actor(account.username),
                          account.display_name or account.username, licence, title=title, source=source,
                          digital_source_type=digital_source_type)

"""Signing an image's Content Credentials: bytes in, signed bytes and the detached manifest out.

Pure CPU work with no event loop: callers run it in a worker thread (asyncio.to_thread). The
signature is embedded in the file (the XMP the pipeline wrote stays inside the signed bytes) and the
same manifest store is returned as a sidecar, served beside the file as `<file>.c2pa` so provenance
survives servers that strip embedded data. No timestamp authority and no network: the library only
needs the chain and the key.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fediart.credentials.keys import LoadedCredentials
from fediart.credentials.manifest import CREATED, EDITED, Facts, manifest_definition

if TYPE_CHECKING:
    import c2pa

# Signing types the library embeds into (checked against Builder.get_supported_mime_types()).
SIGNABLE = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# No auto-thumbnail: it adds ~300 KB and 0.4 s per file, and every rendition is a picture already.
_BUILD_SETTINGS = {"builder": {"thumbnail": {"enabled": False}},
                   "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}


@dataclass(frozen=True)
class Signed:
    data: bytes  # the file with its manifest embedded
    manifest: bytes  # the same manifest store, for the sidecar


class SigningError(Exception):
    """The library refused to sign (a broken chain, an unsupported or damaged file)."""


def sniff_type(data: bytes) -> str | None:
    """The MIME type of the image formats fediart stores, from their first bytes."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def has_manifest(data: bytes, media_type: str) -> bool:
    """Whether these bytes carry a C2PA manifest store (a camera's, Photoshop's, ours)."""
    import c2pa  # on first use: the native library costs ~8 MiB a process may never need
    try:
        return c2pa.Reader.try_create(media_type, io.BytesIO(data), context=_context()) is not None
    except c2pa.C2paError:
        return False  # damaged or unreadable: not a parent worth keeping


def _context() -> c2pa.Context:
    import c2pa  # on first use: the native library costs ~8 MiB a process may never need
    return c2pa.Context.from_dict(_BUILD_SETTINGS)


def sign_image(data: bytes, media_type: str, facts: Facts, credentials: LoadedCredentials,
               parent: tuple[bytes, str] | None = None) -> Signed:
    """Embed a manifest saying `facts` in the image, signed with the instance's credentials.

    `parent` (bytes, MIME type) is the file this one was made from when that file carries a manifest
    (the upload from a camera, or the previous version of a relicensed rendition): it becomes the
    parent ingredient, its manifests are kept in the store and the action is `c2pa.edited`, so the
    chain stays valid after resizing.
    """
    import c2pa  # on first use: the native library costs ~8 MiB a process may never need
    if media_type not in SIGNABLE:
        raise SigningError(f"cannot sign {media_type or 'this file type'}")
    if parent is not None and facts.action == CREATED:
        facts = Facts(**{**facts.__dict__, "action": EDITED})
    info = c2pa.C2paSignerInfo(alg=b"es256", sign_cert=credentials.chain_pem,
                               private_key=credentials.key_pem, ta_url=None)
    try:
        with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest_definition(facts),
                                                                 context=_context()) as builder:
            if parent is not None:
                builder.set_intent(c2pa.C2paBuilderIntent.EDIT)
                builder.add_ingredient({"title": "original", "relationship": "parentOf"},
                                       parent[1], io.BytesIO(parent[0]))
            out = io.BytesIO()
            manifest = builder.sign(signer, media_type, io.BytesIO(data), out)
    except c2pa.C2paError as exc:
        raise SigningError(str(exc)) from exc
    return Signed(out.getvalue(), bytes(manifest))

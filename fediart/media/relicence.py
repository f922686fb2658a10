"""Giving a stored image another licence or description: its XMP packet replaced, every other byte kept.

An upload made through the client API carries the account's licence, because the post (which may
choose its own) does not exist yet. When the post chooses another, when its description changed
since the upload, or when the artist changes either later, the files are rewritten. The pixels are
never re-encoded (a JPEG would lose quality each time): the packet is swapped at the byte level, in
the JPEG APP1 segment, the PNG iTXt chunk, the WebP "XMP " chunk or the GIF application extension
where the pipeline (media/encode.py) put it. The rewritten files get new
names, because served files are cached as immutable under their names.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fediart.media.encode import embedded_xmp
from fediart.media.gif import gif_with_xmp
from fediart.media.store import sidecar, write_signed
from fediart.media.storage import Storage
from fediart.store.tables import Media

if TYPE_CHECKING:
    from fediart.credentials.renditions import RenditionSigner

_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"  # the APP1 signature the XMP specification (part 3) sets
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_XMP = b"XML:com.adobe.xmp\x00"
_WEBP_XMP_FLAG = 0x04  # VP8X flags: "XMP metadata present"


class XmpRewriteError(ValueError):
    """A stored file whose structure does not let its XMP packet be replaced."""


def _jpeg(data: bytes, packet: bytes) -> bytes:
    if len(_JPEG_XMP) + len(packet) + 2 > 0xFFFF:
        raise XmpRewriteError("the XMP packet is too large for one JPEG segment")
    segment = b"\xff\xe1" + struct.pack(">H", 2 + len(_JPEG_XMP) + len(packet)) + _JPEG_XMP + packet
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: entropy-coded data follows, no more metadata segments
            break
        end = i + 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker == 0xE1 and data[i + 4 : i + 4 + len(_JPEG_XMP)] == _JPEG_XMP:
            return data[:i] + segment + data[end:]
        i = end
    return data[:2] + segment + data[2:]  # none yet: right after SOI


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(data: bytes, packet: bytes) -> bytes:
    # iTXt: keyword, NUL, uncompressed (0, 0), empty language tag and translated keyword, the text.
    chunk = _png_chunk(b"iTXt", _PNG_XMP + b"\x00\x00\x00\x00" + packet)
    i = len(_PNG_SIGNATURE)
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if kind == b"iTXt" and data[i + 8 : i + 8 + len(_PNG_XMP)] == _PNG_XMP:
            return data[:i] + chunk + data[end:]
        if kind == b"IDAT":
            return data[:i] + chunk + data[i:]  # none yet: before the image data
        i = end
    raise XmpRewriteError("the PNG has no image data")


def _webp(data: bytes, packet: bytes) -> bytes:
    chunk = b"XMP " + struct.pack("<I", len(packet)) + packet + (b"\x00" if len(packet) & 1 else b"")
    i, out, found, extended = 12, bytearray(data[:12]), False, False
    while i + 8 <= len(data):
        fourcc, size = data[i : i + 4], struct.unpack("<I", data[i + 4 : i + 8])[0]
        end = i + 8 + size + (size & 1)  # RIFF chunks are padded to even length
        if fourcc == b"XMP ":
            out += chunk
            found = True
        elif fourcc == b"VP8X":
            extended = True
            out += data[i : i + 8] + bytes([data[i + 8] | _WEBP_XMP_FLAG]) + data[i + 9 : end]
        else:
            out += data[i:end]
        i = end
    if not found:
        if not extended:
            raise XmpRewriteError("a simple-format WebP cannot carry XMP without being rebuilt")
        out += chunk  # metadata chunks come last in the extended format
    out[4:8] = struct.pack("<I", len(out) - 8)
    return bytes(out)


def replace_xmp(data: bytes, packet: bytes) -> bytes:
    """The same file with `packet` as its XMP (JPEG, PNG, WebP or GIF); XmpRewriteError otherwise."""
    if data[:2] == b"\xff\xd8":
        return _jpeg(data, packet)
    if data[:8] == _PNG_SIGNATURE:
        return _png(data, packet)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data, packet)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return gif_with_xmp(data, packet)
    raise XmpRewriteError("not a JPEG, PNG, WebP or GIF file")


@dataclass(frozen=True)
class Rewritten:
    """What a rewrite wrote and what it replaced: the files to remove if the change is dropped, or
    once it is committed."""

    written: list[str]
    replaced: list[str]


_SUFFIXES = ("-small", "-display")  # what save_image appends to the stem of a rendition's name


def _renamed(name: str) -> str:
    directory, _, file = name.rpartition("/")
    stem, _, extension = file.rpartition(".")
    suffix = next((s for s in _SUFFIXES if stem.endswith(s)), "")
    return f"{directory}/{secrets.token_hex(12)}{suffix}.{extension}"


def relicence_files(storage: Storage, rows: list[Media], packet_for: Callable[[Media], bytes],
                    sign: RenditionSigner | None = None) -> Rewritten:
    """Give each upload's files `packet_for(row)` as their XMP where they carry another one (a rendition
    only if it carries XMP at all), under new names set on the rows; the old files stay until the caller
    commits the rows and removes them. On a failure, nothing new is left behind.

    A display rendition that is the file itself follows the file's new name; "" (older uploads) stays.
    With `sign`, each rewritten file is signed again (the swap broke its old signature) with its
    previous version as parent ingredient, so its provenance chain goes on."""
    written: list[str] = []
    replaced: list[str] = []
    changed: list[tuple[Media, str, str]] = []
    try:
        for row in rows:
            file_before = row.file
            packet = packet_for(row)
            for attribute in ("file", "display_file", "thumbnail_file", "original_file"):
                name = getattr(row, attribute)
                if attribute == "original_file" and not name:
                    continue  # no original apart from the file
                if attribute == "display_file" and name in ("", file_before):
                    if name and row.file != file_before:
                        changed.append((row, attribute, name))
                        row.display_file = row.file
                    continue
                data = storage.get(name)
                current = embedded_xmp(data)
                if current == packet or (current is None and attribute not in ("file", "original_file")):
                    continue
                new_name = _renamed(name)
                written.append(new_name)  # before the write: a failure half-way must remove what it left
                write_signed(storage, new_name, replace_xmp(data, packet), sign, parent=data)
                replaced.append(name)
                changed.append((row, attribute, name))
                setattr(row, attribute, new_name)
    except BaseException:
        for row, attribute, name in changed:
            setattr(row, attribute, name)
        remove_files(storage, written)
        raise
    return Rewritten(written, replaced)


def remove_files(storage: Storage, names: list[str]) -> None:
    """Remove files a rewrite wrote or replaced; one already gone is fine."""
    for name in names:
        storage.delete(name)
        storage.delete(sidecar(name))

"""GIF at the byte level: measure it, strip its metadata and embed the XMP licence packet.

Pillow can neither write nor read XMP in GIF, and re-encoding an animated GIF through Pillow
re-quantises palettes and can change disposal and timing. So GIF originals are not re-encoded:
we walk the block structure, keep the blocks that draw the picture, drop the rest and add the
XMP application extension described in the XMP specification, part 3, §1.1.2.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_XMP_APP_ID = b"XMP DataXMP"
# The XMP packet is stored as raw bytes, not as GIF sub-blocks. A reader that walks sub-blocks
# lands somewhere in this 258-byte trailer (0x01, 0xFF, 0xFE … 0x01, 0x00, then the block
# terminator 0x00), and every landing point jumps to the terminator.
_XMP_TRAILER = bytes([0x01, *range(0xFF, -1, -1), 0x00])
# Application extensions that affect how the picture is shown: loop count and colour profile.
_KEPT_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


class GifFormatError(ValueError):
    """The bytes do not follow the GIF block structure (corrupt or truncated)."""


@dataclass(frozen=True)
class GifBlock:
    """One top-level block: its byte span and what it is."""

    kind: str  # "app", "comment", "control", "plaintext", "extension", "image"
    start: int
    end: int
    app_id: bytes = b""
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # image: left, top, width, height


@dataclass(frozen=True)
class GifLayout:
    """What decoding will cost, read from the headers alone."""

    width: int  # canvas, grown to fit frames that overhang the logical screen as Pillow does
    height: int
    frames: int


def _header_end(data: bytes) -> int:
    if len(data) < 13 or data[:6] not in (b"GIF87a", b"GIF89a"):
        raise GifFormatError("not a GIF header")
    flags = data[10]
    table = 3 << ((flags & 0x07) + 1) if flags & 0x80 else 0
    if 13 + table > len(data):
        raise GifFormatError("GIF colour table is truncated")
    return 13 + table


def _skip_sub_blocks(data: bytes, i: int) -> int:
    while True:
        if i >= len(data):
            raise GifFormatError("GIF data ends inside a block")
        size = data[i]
        i += 1 + size
        if size == 0:
            return i


def _blocks(data: bytes) -> Iterator[GifBlock]:
    """Every block between the colour table and the trailer; raises if the trailer is missing."""
    i = _header_end(data)
    while i < len(data):
        start, intro = i, data[i]
        if intro == 0x3B:
            return
        if intro == 0x2C:
            if i + 10 > len(data):
                raise GifFormatError("GIF image descriptor is truncated")
            d = data[i + 1 : i + 10]
            box = tuple(int.from_bytes(d[k : k + 2], "little") for k in range(0, 8, 2))
            table = 3 << ((d[8] & 0x07) + 1) if d[8] & 0x80 else 0
            # + 1 skips the LZW minimum code size byte before the data sub-blocks.
            end = _skip_sub_blocks(data, i + 10 + table + 1)
            yield GifBlock("image", start, end, box=box)  # type: ignore[arg-type]
        elif intro == 0x21 and i + 1 < len(data):
            label = data[i + 1]
            end = _skip_sub_blocks(data, i + 2)
            if label == 0xFF:
                yield GifBlock("app", start, end, app_id=data[i + 3 : i + 14])
            else:
                kind = {0xF9: "control", 0xFE: "comment", 0x01: "plaintext"}.get(label, "extension")
                yield GifBlock(kind, start, end)
        else:
            raise GifFormatError(f"unexpected byte 0x{intro:02x} in GIF block sequence")
        i = end
    raise GifFormatError("GIF data ends before its trailer")


def gif_layout(data: bytes) -> GifLayout:
    """Canvas size and frame count, without decoding any pixels."""
    width = int.from_bytes(data[6:8], "little") if len(data) >= 10 else 0
    height = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    frames = 0
    for block in _blocks(data):
        if block.kind == "image":
            left, top, w, h = block.box
            width, height = max(width, left + w), max(height, top + h)
            frames += 1
    if frames == 0:
        raise GifFormatError("GIF has no image")
    return GifLayout(width, height, frames)


def gif_with_xmp(data: bytes, packet: bytes) -> bytes:
    """The GIF without comments, foreign application blocks or trailing bytes, and with `packet`."""
    if b"\x00" in packet or b"\x01" in packet:
        # Either byte would end the raw packet early for readers that scan to the trailer.
        raise ValueError("an XMP packet embedded in GIF cannot contain 0x00 or 0x01 bytes")
    head_end = _header_end(data)
    # Extension blocks are a GIF89a feature; every decoder in use today reads 89a.
    out = bytearray(b"GIF89a" + data[6:head_end])
    xmp_block = b"\x21\xff\x0b" + _XMP_APP_ID + packet + _XMP_TRAILER
    placed = False
    for block in _blocks(data):
        keep = block.kind in ("control", "plaintext", "image") or (
            block.kind == "app" and block.app_id in _KEPT_APPS
        )
        # After any leading loop block (some decoders only look for it first), before frame one.
        if not placed and not (keep and block.kind == "app"):
            out += xmp_block
            placed = True
        if keep:
            out += data[block.start : block.end]
    if not placed:
        out += xmp_block
    out += b"\x3b"
    return bytes(out)


def gif_xmp(data: bytes) -> bytes | None:
    """The XMP packet embedded in a GIF, or None when it carries none."""
    for block in _blocks(data):
        if block.kind == "app" and block.app_id == _XMP_APP_ID:
            raw = data[block.start + 14 : block.end]
            if raw.endswith(_XMP_TRAILER):
                return raw[: -len(_XMP_TRAILER)]
            # A writer that used ordinary sub-blocks instead of the raw form.
            chunks, i = [], block.start + 14
            while data[i]:
                chunks.append(data[i + 1 : i + 1 + data[i]])
                i += 1 + data[i]
            return b"".join(chunks)
    return None

"""Upload validation: refuse what is not a safe image before anything is stored.

Checks run cheapest first: byte size, then the format from its magic bytes, then the dimensions
the header declares (so a decompression bomb is refused before any decoder allocates pixels),
and only then a full decode of every frame, which is what catches truncated or corrupt data.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from typing import TYPE_CHECKING

from fediart.media.gif import GifFormatError, gif_layout

if TYPE_CHECKING:  # Pillow itself is imported by open_upload, on the first upload
    from PIL import ImageFile

ACCEPTED = "JPEG, PNG, WebP or GIF"

# Formats people do try to upload, so the refusal can name what they sent.
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
)


class MediaError(ValueError):
    """An upload was refused; the message is written for the person who uploaded it."""


@dataclass
class Upload:
    """An accepted upload: Pillow's handle on it (every frame decoded once) and what we learnt."""

    image: ImageFile.ImageFile  # positioned on frame 0
    format: str  # Pillow format name: "JPEG", "PNG", "WEBP" or "GIF"
    frames: int
    durations: list[int]  # per frame, in ms; empty for stills


def _decimal(value: float) -> str:
    """16 → "16", 12.46 → "12.5", 0.034 → "0.034": short, but never rounded down to zero."""
    text = f"{value:.1f}" if value >= 0.1 else f"{value:.2g}"
    return text.removesuffix(".0")


def _megabytes(size: int) -> str:
    return f"{_decimal(size / 2**20)} MB"


def _megapixels(pixels: int) -> str:
    return f"{_decimal(pixels / 1e6)} megapixels"


def sniff_format(data: bytes) -> str:
    """Pillow's name for the format, from magic bytes; MediaError naming what is refused."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    for magic, name in _OTHER_FORMATS:
        if data.startswith(magic):
            raise MediaError(f"{name} images are not accepted; please upload {ACCEPTED}")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        raise MediaError(f"SVG images are not accepted; please upload {ACCEPTED}")
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"avis"):
        raise MediaError(f"HEIC/AVIF images are not accepted; please upload {ACCEPTED}")
    raise MediaError(f"file is not an image ({ACCEPTED})")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        # Start-of-frame markers; C4, C8 and CC share the range but are not frames.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    raise MediaError("image data is corrupt or truncated")


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    raise MediaError("image data is corrupt or truncated")


def declared_geometry(data: bytes, fmt: str) -> tuple[int, int, int]:
    """Width, height and frame count as the headers state them, before any decoder runs.

    Only GIF declares its frames up front in a form we read here; for animated WebP and PNG the
    count comes from Pillow's container parsing in `open_upload`, still before pixels decode.
    """
    if fmt == "PNG":
        if data[12:16] != b"IHDR" or len(data) < 24:
            raise MediaError("image data is corrupt or truncated")
        width, height = struct.unpack(">II", data[16:24])
        return width, height, 1
    if fmt == "GIF":
        try:
            layout = gif_layout(data)
        except GifFormatError:
            raise MediaError("image data is corrupt or truncated") from None
        return layout.width, layout.height, layout.frames
    if fmt == "WEBP":
        return (*_webp_size(data), 1)
    return (*_jpeg_size(data), 1)


def _check_pixels(width: int, height: int, frames: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise MediaError(
            f"image is {width}×{height} pixels; the limit is {_megapixels(max_pixels)}"
        )
    # Every frame is decoded (and for WebP and PNG re-encoded), so an animation gets the same
    # pixel budget as one still image: the same memory and time ceiling, however it is sliced.
    if frames > 1 and width * height * frames > max_pixels:
        raise MediaError(
            f"animation has {frames} frames of {width}×{height} pixels "
            f"({_megapixels(width * height * frames)} in all); the limit is "
            f"{_megapixels(max_pixels)} in all"
        )


def open_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> Upload:
    """Check an upload and decode it once; MediaError with a human message if it is refused."""
    from PIL import Image

    if len(data) > max_bytes:
        raise MediaError(f"file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}")
    if not data:
        raise MediaError("file is empty")
    fmt = sniff_format(data)
    width, height, frames = declared_geometry(data, fmt)
    if width == 0 or height == 0:
        raise MediaError("image data is corrupt or truncated")
    _check_pixels(width, height, frames, max_pixels)

    try:
        # formats=[fmt]: only the plugin the magic bytes chose ever parses the data.
        image = Image.open(io.BytesIO(data), formats=[fmt])
        # Pillow's own bomb check runs inside open() with its global limit; ours already ran with
        # the caller's, and this re-check covers a header that Pillow reads differently from us.
        frames = getattr(image, "n_frames", 1)
        _check_pixels(image.width, image.height, frames, max_pixels)
        durations = []
        # Decoding every frame now is the only reliable way to find truncated or corrupt data;
        # ImageFile.LOAD_TRUNCATED_IMAGES stays False, so Pillow raises instead of padding grey.
        for index in range(frames):
            image.seek(index)
            image.load()
            if frames > 1:
                durations.append(int(image.info.get("duration", 0)))
        image.seek(0)
        image.load()
    except MediaError:
        raise
    except Image.DecompressionBombError:
        # Pillow's global hard limit (2 × MAX_IMAGE_PIXELS) is below the caller's max_pixels.
        limit = min(max_pixels, 2 * (Image.MAX_IMAGE_PIXELS or 0))
        raise MediaError(
            f"image is {width}×{height} pixels; the limit is {_megapixels(limit)}"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error):
        # UnidentifiedImageError is an OSError; Pillow's decoders raise all of these for bad data.
        raise MediaError("image data is corrupt or truncated") from None
    return Upload(image=image, format=fmt, frames=frames, durations=durations)

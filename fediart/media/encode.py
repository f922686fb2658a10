"""Encoders: write each stored file with the licence XMP as its only metadata, and read it back.

Every writer here starts from pixels plus the few things needed to show them correctly (ICC
profile, transparency, frame timing) and passes nothing else to Pillow, so EXIF, IPTC, comments
and old XMP from the upload cannot leak into what we serve.
"""

from __future__ import annotations

import io

from typing import TYPE_CHECKING

from fediart.media.gif import GifFormatError, gif_with_xmp, gif_xmp

# Pillow is imported by the functions that use it, on the first image encoded or read: the constants
# here are needed by every serving process, Pillow only by one that handles images.
if TYPE_CHECKING:
    from PIL import Image, PngImagePlugin

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

ORIGINAL_JPEG_QUALITY = 92  # visually lossless for artwork; the original is what people zoom into
ORIGINAL_WEBP_QUALITY = 90
THUMBNAIL_QUALITY = 85
# zlib level 4, not Pillow's 6: on a grainy 2000×2000 painting 6 took 2.6 s against 0.66 s for
# a file only 7% smaller; on flat-colour art both take 0.3 s and 4 is 27 KB (18%) larger.
PNG_COMPRESS_LEVEL = 4
_PNG_XMP_KEY = "XML:com.adobe.xmp"  # the iTXt keyword the XMP specification assigns to PNG


def webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP's (first) image is VP8L lossless, read from its RIFF chunks."""
    i, end = 12, min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    while i + 8 <= end:
        fourcc, size = data[i : i + 4], int.from_bytes(data[i + 4 : i + 8], "little")
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":
            # An animation frame: 16 bytes of placement, then the frame's own chunks.
            i += 8 + 16
            end = min(end, i - 16 + size)
            continue
        i += 8 + size + (size & 1)  # RIFF chunks are padded to even length
    return False


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **{k: v for k, v in options.items() if v is not None})
    return out.getvalue()


def _png_info(packet: bytes) -> PngImagePlugin.PngInfo:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt(_PNG_XMP_KEY, packet.decode("utf-8"))
    return info


def encode_still(
    image: Image.Image,
    fmt: str,
    packet: bytes,
    *,
    icc_profile: bytes | None,
    transparency: object = None,
    quality: int,
    lossless: bool = False,
    jpeg_subsampling: int = 2,
) -> bytes:
    """One image in `fmt` ("JPEG", "PNG" or "WEBP") carrying `packet` as its XMP."""
    if fmt == "JPEG":
        # No optimize=True: Pillow then buffers the whole output in a guessed size (1 byte per
        # pixel below quality 95), which detailed artwork at 4:4:4 overflows ("Suspension not
        # allowed here"); the saving would only be a few per cent.
        return _save(
            image,
            "JPEG",
            quality=quality,
            subsampling=jpeg_subsampling,
            icc_profile=icc_profile,
            xmp=packet,
        )
    if fmt == "PNG":
        return _save(
            image,
            "PNG",
            pnginfo=_png_info(packet),
            icc_profile=icc_profile,
            transparency=transparency,
            compress_level=PNG_COMPRESS_LEVEL,
        )
    if fmt == "WEBP":
        if lossless:
            return _save(image, "WEBP", lossless=True, icc_profile=icc_profile, xmp=packet)
        return _save(image, "WEBP", quality=quality, icc_profile=icc_profile, xmp=packet)
    raise ValueError(f"cannot encode a still image as {fmt}")


def encode_animation(
    image: Image.Image,
    fmt: str,
    packet: bytes,
    *,
    durations: list[int],
    icc_profile: bytes | None,
    lossless: bool,
) -> bytes:
    """Every frame of an animated WebP or PNG, re-encoded with `packet` as the XMP."""
    loop = int(image.info.get("loop", 0))
    if fmt == "WEBP":
        # The WebP writer seeks through the source frame by frame, so frames are never all held.
        quality = None if lossless else ORIGINAL_WEBP_QUALITY
        return _save(
            image,
            "WEBP",
            save_all=True,
            duration=durations,
            loop=loop,
            lossless=lossless,
            quality=quality,
            icc_profile=icc_profile,
            xmp=packet,
        )
    if fmt == "PNG":
        # Pillow hands us frames already composited, so each is written whole: no disposal
        # (0 = APNG_DISPOSE_OP_NONE) and replace, not blend (0 = APNG_BLEND_OP_SOURCE).
        return _save(
            image,
            "PNG",
            save_all=True,
            duration=durations,
            loop=loop,
            disposal=0,
            blend=0,
            pnginfo=_png_info(packet),
            icc_profile=icc_profile,
            compress_level=PNG_COMPRESS_LEVEL,
        )
    raise ValueError(f"cannot encode an animation as {fmt}")


def encode_gif(data: bytes, packet: bytes) -> bytes:
    """The uploaded GIF, metadata stripped and `packet` embedded, its frames untouched."""
    return gif_with_xmp(data, packet)


def embedded_xmp(data: bytes) -> bytes | None:
    """The XMP packet inside a JPEG, PNG, WebP or GIF file, or None if it has none."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        try:
            return gif_xmp(data)
        except GifFormatError:
            return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"]) as image:
            xmp = image.info.get("xmp")
    except (OSError, SyntaxError, ValueError):
        return None
    if isinstance(xmp, str):
        return xmp.encode("utf-8")
    return xmp or None

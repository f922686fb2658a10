"""The image pipeline: an uploaded file in, the files we store and serve out, licence embedded.

`process_upload` is pure (bytes in, bytes out; no database, no HTTP). It validates the upload,
strips everything the artist did not mean to publish (GPS, camera, editing history, comments),
keeps what is needed to show the picture correctly (ICC profile, orientation, animation), writes
the licence XMP into the original, the display rendition and the thumbnail, and computes the blurhash
placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

from fediart.licence.model import Licence
from fediart.licence.xmp import xmp_packet
from fediart.media.encode import (
    EXTENSIONS,
    MEDIA_TYPES,
    ORIGINAL_JPEG_QUALITY,
    ORIGINAL_WEBP_QUALITY,
    THUMBNAIL_QUALITY,
    encode_animation,
    encode_gif,
    encode_still,
    webp_is_lossless,
)
from fediart.media.validate import MediaError, Upload, open_upload

# Pillow and blurhash are imported by the functions that use them, on the first image processed: a
# serving process that receives no upload never holds them (they are imported here only for types).
if TYPE_CHECKING:
    from PIL import Image

MAX_BYTES = 16 * 2**20
MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = 640
# The long edge of the rendition post pages show: sharp on a 2x screen across the 960 px column
# (less its padding), a fraction of a 6000 px original's weight; the link around it opens the file.
DISPLAY_SIZE = 1600
_BLURHASH_SOURCE = 64  # blurhash cost grows with pixels × components; 64 px loses nothing visible


@dataclass(frozen=True)
class ProcessedImage:
    """The files to store for one upload, and what the APIs need to describe them."""

    original: bytes  # re-encoded (GIF: rewritten block by block) with the licence XMP
    media_type: str  # e.g. "image/jpeg"
    extension: str  # without the dot, e.g. "jpg"
    width: int  # after EXIF orientation was applied
    height: int
    blurhash: str
    thumbnail: bytes  # a still (first frame of an animation), with the licence XMP
    thumbnail_media_type: str
    thumbnail_extension: str
    thumbnail_width: int
    thumbnail_height: int
    animated: bool = False  # more than one frame (GIF, WebP or APNG)
    focal_point: tuple[float, float] = (0.0, 0.0)  # Mastodon's focus: x, y in -1.0 … 1.0
    # A still of at most DISPLAY_SIZE, with the licence XMP; None when pages show the original itself
    # (it is small enough already, or an animation, which a still would break).
    display: bytes | None = None
    display_media_type: str = ""
    display_extension: str = ""
    display_width: int = 0
    display_height: int = 0
    # The full-resolution image (same treatment as `original`) when `original` is a rendition capped at
    # the federated size; None when the upload was small enough (or animated) to federate as it is.
    full_resolution: bytes | None = None
    full_media_type: str = ""
    full_extension: str = ""
    full_width: int = 0
    full_height: int = 0


def _blurhash(image: Image.Image) -> str:
    from blurhash._functions import ffi as _blurhash_ffi, lib as _blurhash_lib
    from PIL import Image

    small = image.copy()
    small.thumbnail((_BLURHASH_SOURCE, _BLURHASH_SOURCE), Image.Resampling.BILINEAR)
    rgb = small.convert("RGB")
    width, height = rgb.size
    # Mastodon only decodes blurhashes of up to 5×5 components; follow the image's orientation.
    x_components, y_components = (4, 3) if width >= height else (3, 4)
    # The C binding directly: blurhash.encode() reads pixels through Image.getdata(), which
    # Pillow 13 deprecates and Pillow 14 removes, and it builds a Python list of every byte.
    pixels = _blurhash_ffi.from_buffer("uint8_t[]", rgb.tobytes())
    out = _blurhash_ffi.new("char[]", 2 + 4 + (9 * 9 - 1) * 2 + 1)
    result = _blurhash_lib.create_hash_from_pixels(
        x_components, y_components, width, height, pixels, width * 3, out
    )
    if result == _blurhash_ffi.NULL:
        raise ValueError("blurhash encoding failed")
    return _blurhash_ffi.string(result).decode("ascii")


def _same_colour_space(source_mode: str, target_mode: str) -> bool:
    """Whether an ICC profile made for `source_mode` pixels still describes `target_mode` ones."""
    from PIL import Image

    if source_mode == "CMYK":
        return target_mode == "CMYK"
    return Image.getmodebase(source_mode) == Image.getmodebase(target_mode)


def _make_upright_and_bare(image: Image.Image) -> None:
    """Turn the pixels upright and drop all metadata but transparency, in place.

    In place because a copy would double peak memory. Transparency stays: for palette and RGB
    PNGs it lives in `info`, and the thumbnail needs it to become an alpha channel.
    """
    from PIL import ImageOps

    # The orientation tag goes with the rest of EXIF, so it must be applied to the pixels first
    # or portrait photos would be served lying on their side.
    ImageOps.exif_transpose(image, in_place=True)
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}


def _jpeg_subsampling(image: Image.Image) -> int:
    from PIL import JpegImagePlugin

    # Keep the upload's chroma subsampling: artwork exported at 4:4:4 keeps crisp colour edges.
    sampling = JpegImagePlugin.get_sampling(image)
    return 2 if sampling == -1 else sampling  # 2 = 4:2:0 when the source does not say


def _is_lossless(upload: Upload, data: bytes) -> bool:
    return upload.format == "PNG" or (upload.format == "WEBP" and webp_is_lossless(data))


def _encode_original(upload: Upload, data: bytes, packet: bytes) -> tuple[bytes, Image.Image]:
    """The stored original, and the frame the thumbnail is made from."""
    image, fmt = upload.image, upload.format
    icc = image.info.get("icc_profile") or None
    if fmt == "GIF":
        return encode_gif(data, packet), image
    lossless = _is_lossless(upload, data)
    if upload.frames > 1:
        # Animations keep their frames as Pillow composites them; EXIF orientation on an
        # animation is rare enough that we do not rotate every frame.
        original = encode_animation(
            image, fmt, packet, durations=upload.durations, icc_profile=icc, lossless=lossless
        )
        image.seek(0)
        return original, image
    transparency = image.info.get("transparency")
    subsampling = _jpeg_subsampling(image) if fmt == "JPEG" else 2
    _make_upright_and_bare(image)
    original = encode_still(
        image,
        fmt,
        packet,
        icc_profile=icc,
        transparency=transparency,
        quality=ORIGINAL_WEBP_QUALITY if fmt == "WEBP" else ORIGINAL_JPEG_QUALITY,
        lossless=lossless,
        jpeg_subsampling=subsampling,
    )
    return original, image


def rendition_size(width: int, height: int, box: int) -> tuple[int, int]:
    """The size that fits in a `box`×`box` square keeping the aspect ratio; never enlarged.

    The size of the thumbnail (box THUMBNAIL_SIZE) and of the display rendition (DISPLAY_SIZE) made
    from an image of `width`×`height`, so pages can state them without opening the files."""
    scale = min(1.0, box / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))



def _thumbnail(frame: Image.Image, size: int) -> Image.Image:
    from PIL import Image

    if frame.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits, where a plain convert() would clip to white.
        frame = frame.convert("I").point(lambda value: value * (1 / 256))
    if frame.has_transparency_data:
        mode = "RGBA"
    elif frame.mode in ("1", "L", "I"):
        mode = "L"
    else:
        mode = "RGB"
    if frame.mode in ("1", "P", "I", "PA", "LA") or frame.has_transparency_data:
        # Palette images must leave the palette before resampling (Pillow would fall back to
        # nearest-neighbour), and transparency must become alpha to survive it.
        frame = frame.convert(mode)
    # resize() rather than thumbnail(): no full-size copy, the shrink happens first.
    thumb = frame.resize(
        rendition_size(frame.width, frame.height, size), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    thumb = thumb if thumb.mode == mode else thumb.convert(mode)
    thumb.info = {}
    return thumb


def process_upload(
    data: bytes,
    licence: Licence,
    *,
    alt_text: str = "",
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    thumbnail_size: int = THUMBNAIL_SIZE,
    display_size: int | None = DISPLAY_SIZE,
    federated_size: int | None = None,
) -> ProcessedImage:
    """Validate an upload and produce its stored original, display rendition and thumbnail; MediaError
    if refused. `display_size` None makes no display rendition (avatars and headers need none).

    With `federated_size`, a still whose long edge exceeds it is served (`original`) as a rendition of
    that size, and its full-resolution file comes apart as `full_resolution` (protected originals).
    Every file carries the licence and `alt_text` in its XMP."""
    upload = open_upload(data, max_bytes=max_bytes, max_pixels=max_pixels)
    packet = xmp_packet(licence, alt_text)
    source_mode = upload.image.mode
    icc = upload.image.info.get("icc_profile") or None
    # The display rendition keeps the upload's chroma subsampling, as the original does.
    subsampling = _jpeg_subsampling(upload.image) if upload.format == "JPEG" else 2
    display_image = None
    federated_image = None
    try:
        original, first_frame = _encode_original(upload, data, packet)
        thumb = _thumbnail(first_frame, thumbnail_size)
        width, height = first_frame.size
        if display_size and upload.frames == 1 and max(width, height) > display_size:
            display_image = _thumbnail(first_frame, display_size)
        if federated_size and upload.frames == 1 and max(width, height) > federated_size:
            federated_image = _thumbnail(first_frame, federated_size)
    finally:
        upload.image.close()

    # GIF thumbnails are PNG: GIF cannot hold the XMP through Pillow, and PNG keeps the sharp
    # edges of the pixel art GIFs usually are.
    thumb_format = "PNG" if upload.format == "GIF" else upload.format
    thumbnail = encode_still(
        thumb,
        thumb_format,
        packet,
        icc_profile=icc if _same_colour_space(source_mode, thumb.mode) else None,
        quality=THUMBNAIL_QUALITY,
    )
    lossless = _is_lossless(upload, data)

    def like_original(image: Image.Image) -> bytes:
        # As the original is written (format, quality, lossless, chroma subsampling), only smaller;
        # a GIF's is PNG for the thumbnail's reason.
        return encode_still(
            image,
            thumb_format,
            packet,
            icc_profile=icc if _same_colour_space(source_mode, image.mode) else None,
            quality=ORIGINAL_WEBP_QUALITY if thumb_format == "WEBP" else ORIGINAL_JPEG_QUALITY,
            lossless=lossless,
            jpeg_subsampling=subsampling,
        )

    display = like_original(display_image) if display_image is not None else None
    full_resolution, full_width, full_height = None, 0, 0
    media_format = upload.format
    if federated_image is not None:
        # The federated rendition takes the original's place in every URL; made once, like the display.
        full_resolution, full_width, full_height = original, width, height
        original = like_original(federated_image)
        media_format, (width, height) = thumb_format, federated_image.size
    return ProcessedImage(
        original=original,
        media_type=MEDIA_TYPES[media_format],
        extension=EXTENSIONS[media_format],
        width=width,
        height=height,
        blurhash=_blurhash(thumb),
        thumbnail=thumbnail,
        thumbnail_media_type=MEDIA_TYPES[thumb_format],
        thumbnail_extension=EXTENSIONS[thumb_format],
        thumbnail_width=thumb.width,
        thumbnail_height=thumb.height,
        animated=upload.frames > 1,
        focal_point=(0.0, 0.0),
        display=display,
        display_media_type=MEDIA_TYPES[thumb_format] if display else "",
        display_extension=EXTENSIONS[thumb_format] if display else "",
        display_width=display_image.width if display_image is not None else 0,
        display_height=display_image.height if display_image is not None else 0,
        full_resolution=full_resolution,
        full_media_type=MEDIA_TYPES[upload.format] if full_resolution else "",
        full_extension=EXTENSIONS[upload.format] if full_resolution else "",
        full_width=full_width,
        full_height=full_height,
    )


__all__ = ["DISPLAY_SIZE", "MediaError", "ProcessedImage", "process_upload", "rendition_size"]

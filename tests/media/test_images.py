"""The image pipeline: each stored file carries the licence XMP and none of the private metadata."""

from __future__ import annotations

import io
import random
import struct
import time
import zlib

import blurhash
import pytest
from PIL import ExifTags, Image, ImageCms, JpegImagePlugin

from fediart.licence.model import IPTC_VOCAB, Licence, build_licence
from fediart.licence.xmp import read_xmp_rights, xmp_packet
from fediart.media.encode import embedded_xmp, webp_is_lossless
from fediart.media.images import MediaError, ProcessedImage, process_upload

TERMS = "https://art.example/@ana/terms"
CC_BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


def make_licence(key: str = "cc-by-nc-nd-4.0", creator: str = "Ana Example", **options) -> Licence:
    return build_licence(
        key=key,
        creator=creator,
        credit_text="Ana (@ana@art.example)",
        copyright_notice="© 2026 Ana Example",
        usage_info_url=TERMS,
        tdm_policy_url="https://art.example/@ana/tdm-policy.json",
        acquire_licence_url="https://art.example/@ana/licensing",
        **options,
    )


@pytest.fixture
def licence() -> Licence:
    return make_licence()


def picture(size: tuple[int, int] = (1200, 900), mode: str = "RGB") -> Image.Image:
    """A gradient with some noise: compresses like a real picture, not like a flat colour."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.frombytes("L", size, random.Random(7).randbytes(width * height))
    image = Image.merge("RGB", (gradient, gradient.rotate(90).resize(size), noise))
    return image.convert(mode)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def animation(fmt: str, size: tuple[int, int] = (120, 90), frames: int = 3, **options) -> bytes:
    images = [Image.new("RGB", size, (80 * i, 255 - 80 * i, 40)) for i in range(frames)]
    durations = [100 * (i + 1) for i in range(frames)]
    first, *rest = images
    options.update(save_all=True, append_images=rest, duration=durations, loop=0)
    return encode(first, fmt, **options)


def xmp_in(blob: bytes) -> bytes:
    """The XMP read the way another program would: Pillow's own fields, our GIF reader for GIF."""
    if blob.startswith(b"GIF"):
        packet = embedded_xmp(blob)
    else:
        with Image.open(io.BytesIO(blob)) as image:
            if image.format == "PNG":
                packet = image.info["XML:com.adobe.xmp"].encode()  # the iTXt chunk itself
            else:
                packet = image.info["xmp"]
            if image.format != "GIF":
                # Pillow's getxmp() (through defusedxml) must parse what we wrote, too.
                description = image.getxmp()["xmpmeta"]["RDF"]["Description"]
                assert description["DataMining"].startswith(IPTC_VOCAB)
    assert packet, "no XMP packet found"
    return packet


def assert_carries_licence(blob: bytes, licence: Licence) -> None:
    rights = read_xmp_rights(xmp_in(blob))
    assert rights["data_mining"] == IPTC_VOCAB + "DMI-PROHIBITED-AIMLTRAINING"
    assert rights["web_statement"] == licence.url
    assert rights["rights"] == licence.copyright_notice
    assert rights["creator"] == [licence.creator]
    assert rights["credit"] == licence.credit_text
    assert rights["licensor_url"] == licence.acquire_licence_url
    assert rights["marked"] is True
    assert TERMS in (rights["other_constraints"] or "")
    assert TERMS in (rights["usage_terms"] or "")


def decoded(blob: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(blob))
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        image.load()
    image.seek(0)
    return image


# (1) Each format round-trips, licence embedded in the original and the thumbnail.

UPLOADS = {
    "JPEG": lambda: encode(picture(), "JPEG", quality=90),
    "PNG": lambda: encode(picture(mode="RGBA"), "PNG"),
    "WEBP": lambda: encode(picture(), "WEBP", quality=80),
    "GIF": lambda: encode(picture(mode="P"), "GIF"),
}
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@pytest.mark.parametrize("fmt", UPLOADS)
def test_each_format_round_trips_with_the_licence(fmt: str, licence: Licence) -> None:
    result = process_upload(UPLOADS[fmt](), licence)

    assert isinstance(result, ProcessedImage)
    assert (result.media_type, result.width, result.height) == (TYPES[fmt], 1200, 900)
    assert result.extension == {"JPEG": "jpg", "WEBP": "webp"}.get(fmt, fmt.lower())
    original = decoded(result.original)
    assert (original.format, original.size) == (fmt, (1200, 900))
    thumbnail = decoded(result.thumbnail)
    assert thumbnail.size == (result.thumbnail_width, result.thumbnail_height) == (640, 480)
    assert thumbnail.format == ("PNG" if fmt == "GIF" else fmt)
    assert result.thumbnail_media_type == TYPES[thumbnail.format]
    assert_carries_licence(result.original, licence)
    assert_carries_licence(result.thumbnail, licence)
    assert result.focal_point == (0.0, 0.0)
    assert result.animated is False


def test_blurhash_is_valid_and_small_enough_for_mastodon(licence: Licence) -> None:
    result = process_upload(UPLOADS["JPEG"](), licence)
    assert blurhash.is_valid_blurhash(result.blurhash)
    # The first character encodes the component counts: (x - 1) + (y - 1) * 9; Mastodon wants ≤ 5.
    packed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
    components = packed.index(result.blurhash[0])
    assert (components % 9 + 1, components // 9 + 1) == (4, 3)
    assert blurhash.decode(result.blurhash, 32, 24).size == (32, 24)


def test_animated_gif_keeps_its_frames_and_timing(licence: Licence) -> None:
    result = process_upload(animation("GIF"), licence)

    gif = decoded(result.original)
    assert result.animated is True
    assert gif.n_frames == 3
    assert gif.info["loop"] == 0
    colours, durations = [], []
    for index in range(3):
        gif.seek(index)
        colours.append(gif.convert("RGB").getpixel((5, 5)))
        durations.append(gif.info["duration"])
    assert colours == [(0, 255, 40), (80, 175, 40), (160, 95, 40)]
    assert durations == [100, 200, 300]
    assert_carries_licence(result.original, licence)
    assert decoded(result.thumbnail).format == "PNG"


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_webp_and_png_keep_their_frames(fmt: str, licence: Licence) -> None:
    options = {"lossless": True} if fmt == "WEBP" else {}
    result = process_upload(animation(fmt, **options), licence)

    image = Image.open(io.BytesIO(result.original))
    assert result.animated is True and image.n_frames == 3
    durations, colours = [], []
    for index in range(3):
        image.seek(index)
        image.load()
        durations.append(image.info["duration"])
        colours.append(image.convert("RGB").getpixel((5, 5)))
    assert durations == [100, 200, 300]
    assert colours == [(0, 255, 40), (80, 175, 40), (160, 95, 40)]
    assert_carries_licence(result.original, licence)
    assert_carries_licence(result.thumbnail, licence)


def test_gif_comments_and_foreign_extensions_are_removed(licence: Licence) -> None:
    upload = encode(picture((64, 48), mode="P"), "GIF", comment=b"SECRET-COMMENT")
    assert b"SECRET-COMMENT" in upload
    result = process_upload(upload + b"SECRET-AFTER-TRAILER", licence)
    assert b"SECRET" not in result.original
    assert result.original.endswith(b";")


def test_webp_stays_lossless_or_lossy_as_uploaded(licence: Licence) -> None:
    lossless = process_upload(encode(picture(), "WEBP", lossless=True), licence)
    lossy = process_upload(encode(picture(), "WEBP", quality=80), licence)
    assert webp_is_lossless(lossless.original)
    assert not webp_is_lossless(lossy.original)


def test_png_stays_lossless_and_keeps_transparency(licence: Licence) -> None:
    source = picture((300, 200), mode="RGBA")
    source.putalpha(Image.linear_gradient("L").resize((300, 200)))
    result = process_upload(encode(source, "PNG"), licence)
    assert decoded(result.original).tobytes() == source.tobytes()
    assert decoded(result.thumbnail).mode == "RGBA"


def test_palette_png_transparency_survives_in_original_and_thumbnail(licence: Licence) -> None:
    source = Image.new("P", (800, 600), 1)
    source.putpalette([255, 255, 255, 200, 30, 30] + [0, 0, 0] * 254)
    source.paste(0, (0, 0, 400, 600))  # left half: index 0, declared transparent below
    result = process_upload(encode(source, "PNG", transparency=0), licence)

    original = decoded(result.original)
    assert (original.mode, original.info["transparency"]) == ("P", 0)
    thumbnail = decoded(result.thumbnail)
    assert thumbnail.mode == "RGBA"
    assert thumbnail.getpixel((10, 10))[3] == 0 and thumbnail.getpixel((630, 10))[3] == 255


def test_jpeg_keeps_its_chroma_subsampling_and_icc_profile(licence: Licence) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encode(picture(), "JPEG", quality=95, subsampling=0, icc_profile=icc)
    result = process_upload(upload, licence)

    original = decoded(result.original)
    assert JpegImagePlugin.get_sampling(original) == 0  # 4:4:4, as uploaded
    assert original.info["icc_profile"] == icc
    assert decoded(result.thumbnail).info["icc_profile"] == icc


def test_thumbnail_is_never_enlarged(licence: Licence) -> None:
    result = process_upload(encode(picture((100, 50)), "PNG"), licence)
    assert (result.thumbnail_width, result.thumbnail_height) == (100, 50)


# (2) Metadata the artist did not mean to publish is stripped; orientation survives.


def jpeg_with_private_metadata() -> bytes:
    """300×200 stored, red left, blue right; EXIF Orientation 6 (shown turned 90° clockwise)."""
    image = Image.new("RGB", (300, 200), (255, 0, 0))
    image.paste((0, 0, 255), (150, 0, 300, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Model] = "Model-X9"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 10.0)
    # An APP13 segment holding one IPTC IIM record (2:05, object name).
    iptc = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00\x00\x00\x00\x0f"
    iptc += b"\x1c\x02\x05\x00\x0bSECRET-IPTC\x00"
    app13 = b"\xff\xed" + (len(iptc) + 2).to_bytes(2, "big") + iptc
    old_xmp = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>SECRET-XMP</x:xmpmeta>"
    return encode(
        image, "JPEG", quality=95, exif=exif, comment=b"SECRET-COMMENT", xmp=old_xmp, extra=app13
    )


def test_exif_gps_camera_iptc_comments_and_old_xmp_are_stripped(licence: Licence) -> None:
    upload = jpeg_with_private_metadata()
    with Image.open(io.BytesIO(upload)) as source:  # the fixture really carries all of it
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert source.getexif()[ExifTags.Base.Make] == "SecretCam"

    result = process_upload(upload, licence)

    for blob in (result.original, result.thumbnail):
        for secret in (b"SecretCam", b"Model-X9", b"SECRET-IPTC", b"SECRET-COMMENT", b"SECRET-XMP"):
            assert secret not in blob
        with Image.open(io.BytesIO(blob)) as output:
            assert not output.getexif()
            assert "comment" not in output.info and "photoshop" not in output.info
            assert [name for name, _ in output.applist] == ["APP0", "APP1"]  # JFIF + our XMP
        assert_carries_licence(blob, licence)


def test_exif_orientation_is_applied_to_the_pixels(licence: Licence) -> None:
    result = process_upload(jpeg_with_private_metadata(), licence)

    assert (result.width, result.height) == (200, 300)
    upright = decoded(result.original).convert("RGB")
    assert upright.size == (200, 300)
    red, blue = upright.getpixel((100, 30)), upright.getpixel((100, 270))
    assert red[0] > 200 and red[2] < 60, red  # what was the left half is now on top
    assert blue[2] > 200 and blue[0] < 60, blue
    assert (result.thumbnail_width, result.thumbnail_height) == (200, 300)


def test_png_text_chunks_and_exif_are_stripped(licence: Licence) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-TEXT")
    info.add_itxt("Description", "SECRET-ITXT", zip=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    result = process_upload(encode(picture((64, 48)), "PNG", pnginfo=info, exif=exif), licence)
    for secret in (b"SECRET", b"SecretCam", b"eXIf"):
        assert secret not in result.original
    assert not decoded(result.original).getexif()


# (3) Refusals, each with a message written for the person uploading.


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims `width`×`height` (1-bit, one IDAT row)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8))  # one scanline; a decoder wants them all
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG with the dimensions in its start-of-frame marker rewritten."""
    data = bytearray(encode(picture((16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


NOT_ACCEPTED = "please upload JPEG, PNG, WebP or GIF"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"Hello, this is a text file.\n", "file is not an image (JPEG, PNG, WebP or GIF)"),
        (b"", "file is empty"),
        (encode(picture((32, 32)), "BMP"), f"BMP images are not accepted; {NOT_ACCEPTED}"),
        (encode(picture((32, 32)), "TIFF"), f"TIFF images are not accepted; {NOT_ACCEPTED}"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
            f"SVG images are not accepted; {NOT_ACCEPTED}",
        ),
        (png_declaring(50_000, 50_000), "image is 50000×50000 pixels; the limit is 40 megapixels"),
        (jpeg_declaring(12_000, 12_000), "image is 12000×12000 pixels; the limit is 40 megapixels"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image data is corrupt or truncated"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image data is corrupt or truncated"),
    ],
    ids=["text", "empty", "bmp", "tiff", "svg", "png-bomb", "jpeg-bomb", "jpeg-junk", "png-junk"],
)
def test_refusals(upload: bytes, message: str, licence: Licence) -> None:
    with pytest.raises(MediaError) as refused:
        process_upload(upload, licence)
    assert str(refused.value) == message
    assert isinstance(refused.value, ValueError)


def test_decompression_bomb_is_refused_before_decoding(licence: Licence) -> None:
    # 50000×50000 would need 2.5 GB once decoded; the refusal must come from the header alone.
    started = time.perf_counter()
    with pytest.raises(MediaError, match="50000×50000"):
        process_upload(png_declaring(50_000, 50_000), licence)
    assert time.perf_counter() - started < 0.5


def test_pillows_own_bomb_limit_still_applies_above_ours(licence: Licence) -> None:
    # A caller may raise max_pixels, but never past Pillow's hard limit (2 × MAX_IMAGE_PIXELS).
    pillow_limit = round(2 * Image.MAX_IMAGE_PIXELS / 1e6)
    with pytest.raises(MediaError) as refused:
        process_upload(png_declaring(50_000, 50_000), licence, max_pixels=10**12)
    assert str(refused.value) == (
        f"image is 50000×50000 pixels; the limit is {pillow_limit} megapixels"
    )


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_truncated_files_are_refused(fmt: str, licence: Licence) -> None:
    whole = UPLOADS[fmt]()
    with pytest.raises(MediaError, match="^image data is corrupt or truncated$"):
        process_upload(whole[: len(whole) * 2 // 3], licence)


def test_truncated_animation_is_refused(licence: Licence) -> None:
    whole = animation("GIF", size=(200, 150), frames=4)
    with pytest.raises(MediaError, match="^image data is corrupt or truncated$"):
        process_upload(whole[:-300], licence)


def test_oversized_file_is_refused(licence: Licence) -> None:
    # A valid JPEG padded past the limit: the size check must not depend on decoding.
    upload = encode(picture((64, 64)), "JPEG").ljust(30 * 2**20, b"\x00")
    with pytest.raises(MediaError) as refused:
        process_upload(upload, licence)
    assert str(refused.value) == "file is 30 MB; the limit is 16 MB"


def test_pixel_and_animation_limits_follow_the_arguments(licence: Licence) -> None:
    with pytest.raises(MediaError) as still:
        process_upload(encode(picture((2000, 1000)), "PNG"), licence, max_pixels=1_000_000)
    assert str(still.value) == "image is 2000×1000 pixels; the limit is 1 megapixels"

    with pytest.raises(MediaError) as animated:
        process_upload(animation("GIF", size=(100, 100), frames=5), licence, max_pixels=30_000)
    assert str(animated.value) == (
        "animation has 5 frames of 100×100 pixels (0.05 megapixels in all); "
        "the limit is 0.03 megapixels in all"
    )


# (4) The DataMining value follows the artist's choice.


@pytest.mark.parametrize(
    ("options", "data_mining"),
    [
        ({}, "DMI-PROHIBITED-AIMLTRAINING"),
        ({"generative_only": True}, "DMI-PROHIBITED-GENAIMLTRAINING"),
        ({"ai_training_reserved": False}, "DMI-ALLOWED"),
    ],
)
def test_data_mining_value(options: dict, data_mining: str) -> None:
    licence = make_licence(**options)
    result = process_upload(UPLOADS["JPEG"](), licence)
    for blob in (result.original, result.thumbnail):
        assert read_xmp_rights(xmp_in(blob))["data_mining"] == IPTC_VOCAB + data_mining


def test_all_rights_reserved_points_to_the_terms_page() -> None:
    licence = make_licence("all-rights-reserved")
    rights = read_xmp_rights(xmp_in(process_upload(UPLOADS["PNG"](), licence).original))
    assert rights["data_mining"] == IPTC_VOCAB + "DMI-PROHIBITED-AIMLTRAINING"
    assert rights["web_statement"] == TERMS
    assert rights["usage_terms"].startswith("All rights reserved.")
    assert rights["marked"] is True


def test_cc0_is_not_marked_as_rights_managed() -> None:
    rights = read_xmp_rights(xmp_packet(make_licence("cc0-1.0")))
    assert rights["marked"] is False


# (5) User text is escaped by the XML library, never pasted into markup.


@pytest.mark.parametrize("fmt", UPLOADS)
def test_creator_with_markup_characters_round_trips(fmt: str) -> None:
    licence = make_licence(creator='Ana <&> "Q"')
    result = process_upload(UPLOADS[fmt](), licence)
    for blob in (result.original, result.thumbnail):
        assert read_xmp_rights(xmp_in(blob))["creator"] == ['Ana <&> "Q"']


def test_characters_xml_cannot_carry_are_dropped_not_fatal() -> None:
    rights = read_xmp_rights(xmp_packet(make_licence(creator="Ana\x00\x01\x0b ✓")))
    assert rights["creator"] == ["Ana ✓"]


def test_packet_has_the_xpacket_wrapper() -> None:
    packet = xmp_packet(make_licence())
    assert packet.startswith(b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>')
    assert packet.endswith(b'<?xpacket end="w"?>')


def test_reader_refuses_entity_expansion() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">&a;</x:xmpmeta>'
    )
    with pytest.raises(ValueError):
        read_xmp_rights(bomb)


def test_reader_accepts_the_attribute_shorthand() -> None:
    packet = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
        b'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
        b'plus:DataMining="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED" '
        b'xmpRights:WebStatement="https://example.org/terms"/></rdf:RDF></x:xmpmeta>'
    )
    rights = read_xmp_rights(packet)
    assert rights["data_mining"] == IPTC_VOCAB + "DMI-PROHIBITED"
    assert rights["web_statement"] == "https://example.org/terms"
    assert rights["creator"] == [] and rights["credit"] is None

"""Swapping the licence XMP of a stored file: the new packet in, the old one out, the pixels untouched."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fediart.media.storage import LocalStorage
from fediart.licence.model import build_licence
from fediart.licence.xmp import read_xmp_rights, xmp_packet
from fediart.media.encode import embedded_xmp
from fediart.media.images import process_upload
from fediart.media.relicence import XmpRewriteError, relicence_files, replace_xmp
from fediart.media.store import save_image

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def licence(key: str):
    return build_licence(key=key, creator="Ana Example", credit_text="Ana (@ana@art.example)",
                         copyright_notice="© 2026 Ana Example", usage_info_url="https://art.example/@ana/terms",
                         tdm_policy_url="https://art.example/@ana/tdm-policy.json")


def upload(fmt: str, frames: int = 1) -> bytes:
    images = [Image.new("RGB", (90, 70), colour) for colour in ("teal", "orange", "navy")[:frames]]
    out = io.BytesIO()
    options = {"save_all": True, "append_images": images[1:], "duration": 100} if frames > 1 else {}
    images[0].save(out, fmt, **options)
    return out.getvalue()


def pixels(data: bytes) -> list[bytes]:
    with Image.open(io.BytesIO(data)) as image:
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGBA").tobytes())
        return frames


@pytest.mark.parametrize(("fmt", "frames"), [("JPEG", 1), ("PNG", 1), ("WEBP", 1), ("GIF", 2), ("WEBP", 2),
                                              ("PNG", 2)])
def test_the_packet_is_replaced_and_the_pixels_are_kept(fmt, frames):
    stored = process_upload(upload(fmt, frames), licence("all-rights-reserved"))
    packet = xmp_packet(licence("cc-by-4.0"))
    for data in (stored.original, stored.thumbnail):
        rewritten = replace_xmp(data, packet)
        assert embedded_xmp(rewritten) == packet
        assert read_xmp_rights(embedded_xmp(rewritten))["web_statement"] == CC_BY
        assert pixels(rewritten) == pixels(data)
        # Doing it again replaces the packet rather than adding a second one.
        assert replace_xmp(rewritten, packet) == rewritten


def test_a_file_that_is_no_image_is_refused():
    with pytest.raises(XmpRewriteError):
        replace_xmp(b"<svg/>", b"<x/>")


def test_files_get_new_names_only_where_the_licence_differs(tmp_path):
    stored = process_upload(upload("JPEG"), licence("all-rights-reserved"))
    row = save_image(LocalStorage(tmp_path), "ana", stored, account_id=1, alt="")
    first, first_thumbnail = row.file, row.thumbnail_file
    same = relicence_files(LocalStorage(tmp_path), [row], lambda _row: xmp_packet(licence("all-rights-reserved")))
    assert same.written == [] and row.file == first
    done = relicence_files(LocalStorage(tmp_path), [row], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert done.replaced == [first, first_thumbnail] and done.written == [row.file, row.thumbnail_file]
    assert row.file != first and row.file.startswith("ana/") and row.thumbnail_file.endswith("-small.jpg")
    assert read_xmp_rights(embedded_xmp((tmp_path / row.thumbnail_file).read_bytes()))["web_statement"] == CC_BY


def test_a_failed_rewrite_leaves_no_new_file_and_the_names_as_they_were(tmp_path):
    good = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG"), licence("all-rights-reserved")),
                      account_id=1, alt="")
    broken = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG"), licence("all-rights-reserved")),
                        account_id=1, alt="")
    (tmp_path / broken.thumbnail_file).unlink()
    names = (good.file, good.thumbnail_file)
    before = sorted(p.name for p in (tmp_path / "ana").iterdir())
    with pytest.raises(OSError):
        relicence_files(LocalStorage(tmp_path), [good, broken], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert (good.file, good.thumbnail_file) == names
    assert sorted(p.name for p in (tmp_path / "ana").iterdir()) == before

"""The display rendition: at most 1600 px, the licence XMP as in the file, stored, served, re-licenced and
deleted with the original and the thumbnail; the original itself when it is small or animated."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import assert_licence_headers
from PIL import Image
from posting import delete, media_files, publish

from fediart.media.storage import LocalStorage
from fediart.licence.model import build_licence
from fediart.licence.xmp import read_xmp_rights, xmp_packet
from fediart.media.encode import embedded_xmp, webp_is_lossless
from fediart.media.images import DISPLAY_SIZE, process_upload
from fediart.media.relicence import relicence_files
from fediart.media.store import delete_files, save_image
from fediart.store.posts import media_for

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def licence(key: str = "all-rights-reserved"):
    return build_licence(key=key, creator="Ana Example", credit_text="Ana (@ana@art.example)",
                         copyright_notice="© 2026 Ana Example", usage_info_url="https://art.example/@ana/terms",
                         tdm_policy_url="https://art.example/@ana/tdm-policy.json")


def upload(fmt: str, size: tuple[int, int] = (2000, 1000), frames: int = 1, **options) -> bytes:
    mode = "P" if fmt == "GIF" else "RGB"
    images = [Image.linear_gradient("L").resize(size).convert(mode) for _ in range(frames)]
    if frames > 1:
        options.update(save_all=True, append_images=[Image.new(mode, size, 80) for _ in images[1:]], duration=100)
    out = io.BytesIO()
    images[0].save(out, fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_large_image_gets_a_display_rendition_carrying_the_licence(fmt):
    result = process_upload(upload(fmt), licence())
    assert (result.width, result.height) == (2000, 1000)
    assert result.display is not None
    shown = opened(result.display)
    # A GIF's rendition is PNG, as its thumbnail is: Pillow cannot write XMP into a GIF.
    assert shown.format == ("PNG" if fmt == "GIF" else fmt)
    assert shown.size == (result.display_width, result.display_height) == (DISPLAY_SIZE, 800)
    assert result.display_media_type == f"image/{shown.format.lower()}"
    assert result.display_extension == {"JPEG": "jpg"}.get(shown.format, shown.format.lower())
    # Exactly the packet the original and the thumbnail carry.
    assert embedded_xmp(result.display) == embedded_xmp(result.thumbnail) == xmp_packet(licence())
    assert read_xmp_rights(embedded_xmp(result.display))["data_mining"].endswith("DMI-PROHIBITED-AIMLTRAINING")


def test_a_portrait_photo_is_shown_upright_and_lossless_webp_stays_lossless():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    result = process_upload(upload("JPEG", (2400, 1200), exif=exif.tobytes()), licence())
    assert opened(result.display).size == (800, DISPLAY_SIZE)
    lossless = process_upload(upload("WEBP", lossless=True), licence())
    assert webp_is_lossless(lossless.original) and webp_is_lossless(lossless.display)


@pytest.mark.parametrize(("data", "why"), [
    (upload("PNG", (DISPLAY_SIZE, 900)), "small enough"),
    (upload("GIF", (1700, 100), frames=2), "an animated GIF"),
    (upload("WEBP", (1700, 100), frames=2), "an animated WebP"),
])
def test_small_images_and_animations_are_shown_as_the_file_itself(tmp_path, data, why):
    result = process_upload(data, licence())
    assert result.display is None, why
    row = save_image(LocalStorage(tmp_path), "ana", result, account_id=1, alt="")
    assert row.display_file == row.file
    assert sorted(p.name for p in (tmp_path / "ana").iterdir()) == sorted(
        Path(n).name for n in (row.file, row.thumbnail_file))


def test_display_file_is_stored_beside_the_others_and_removed_with_them(tmp_path):
    row = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("JPEG"), licence()), account_id=1, alt="")
    stem = Path(row.file).stem
    assert row.display_file == f"ana/{stem}-display.jpg" and row.thumbnail_file == f"ana/{stem}-small.jpg"
    assert opened((tmp_path / row.display_file).read_bytes()).size == (DISPLAY_SIZE, 800)
    delete_files(LocalStorage(tmp_path), [row])
    assert list((tmp_path / "ana").iterdir()) == []


def test_a_failed_display_write_leaves_no_file(tmp_path, monkeypatch):
    from fediart.media import store

    real = store.write_atomically

    def failing(path, data):
        if "-display" in path.name:
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(store, "write_atomically", failing)
    with pytest.raises(OSError):
        save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG"), licence()), account_id=1, alt="")
    assert list((tmp_path / "ana").iterdir()) == []


def test_older_rows_without_a_display_file_are_deleted_and_relicenced(tmp_path):
    row = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG", (300, 200)), licence()), account_id=1, alt="")
    row.display_file = ""  # as migration 0010 left images stored before it
    done = relicence_files(LocalStorage(tmp_path), [row], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert row.display_file == "" and len(done.written) == 2
    delete_files(LocalStorage(tmp_path), [row])
    remaining = sorted(f"ana/{p.name}" for p in (tmp_path / "ana").iterdir())
    assert remaining == sorted(done.replaced)  # the old names are the caller's to remove


def test_relicencing_rewrites_the_display_file_or_lets_it_follow_the_file(tmp_path):
    large = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("WEBP"), licence()), account_id=1, alt="")
    small = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("WEBP", (400, 300)), licence()), account_id=1, alt="")
    before = (large.display_file, small.file)
    done = relicence_files(LocalStorage(tmp_path), [large, small], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert before[0] in done.replaced and large.display_file in done.written
    assert large.display_file.endswith("-display.webp") and large.display_file != before[0]
    assert read_xmp_rights(embedded_xmp((tmp_path / large.display_file).read_bytes()))["web_statement"] == CC_BY
    assert small.display_file == small.file != before[1]  # the same file, under its new name
    assert len(done.written) == 5  # large: file, display, thumbnail; small: file, thumbnail


def test_a_failed_relicence_puts_the_display_names_back(tmp_path):
    small = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG", (400, 300)), licence()), account_id=1, alt="")
    broken = save_image(LocalStorage(tmp_path), "ana", process_upload(upload("PNG"), licence()), account_id=1, alt="")
    (tmp_path / broken.thumbnail_file).unlink()
    names = [(r.file, r.display_file, r.thumbnail_file) for r in (small, broken)]
    with pytest.raises(OSError):
        relicence_files(LocalStorage(tmp_path), [small, broken], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert [(r.file, r.display_file, r.thumbnail_file) for r in (small, broken)] == names
    assert small.display_file == small.file


async def test_a_posted_image_serves_its_display_file_with_the_licence(client, services, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, images=[(upload("PNG"), "gradient")])
    async with services.sessions() as session:
        [media] = (await media_for(session, [post.id]))[post.id]
    assert media.display_file.endswith("-display.png")
    response = await client.get(f"/media/{media.display_file}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    assert opened(response.content).size == (DISPLAY_SIZE, 800)
    rights = read_xmp_rights(embedded_xmp(response.content))
    assert rights["web_statement"] == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert embedded_xmp(response.content) == embedded_xmp((Path(services.config.media.dir) / media.file).read_bytes())

    await delete(services, post.id)
    assert (await client.get(f"/media/{media.display_file}")).status_code == 404
    assert media_files(services) == []

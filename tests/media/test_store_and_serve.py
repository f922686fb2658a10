"""Stored images: written atomically, served with the artist's (or the post's) licence, never outside media/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import assert_licence_headers
from posting import delete, png, publish

from fediart.media.storage import LocalStorage
from fediart.licence.model import build_licence
from fediart.licence.xmp import read_xmp_rights
from fediart.media import store
from fediart.media.encode import embedded_xmp
from fediart.media.images import process_upload
from fediart.media.store import save_image, write_atomically
from fediart.store.posts import media_for


async def stored_media(services, post_id):
    async with services.sessions() as session:
        return (await media_for(session, [post_id]))[post_id]


async def test_files_are_served_with_the_artists_licence_and_xmp(client, services, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, images=[(png(), "A red square")])
    [media] = await stored_media(services, post.id)
    assert media.file.startswith("ana/") and media.file.endswith(".png")
    for name, kind in ((media.file, media.media_type), (media.thumbnail_file, media.thumbnail_media_type)):
        response = await client.get(f"/media/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == kind == "image/png"
        assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
        assert '<https://creativecommons.org/licenses/by-nc-nd/4.0/>; rel="license"' in response.headers["link"]
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        # Opened on its own (an SVG-like surprise, a sniffing browser), the file can run nothing.
        assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert response.headers["content-disposition"].startswith("inline")
        rights = read_xmp_rights(embedded_xmp(response.content))
        assert "DMI-PROHIBITED-AIMLTRAINING" in str(rights)
        assert response.content == (Path(services.config.media.dir) / name).read_bytes()


async def test_a_posts_own_licence_is_on_its_files(client, services, make_artist):
    await make_artist("ana")  # all rights reserved
    post = await publish(services, images=[(png(), "x")], licence_key="cc-by-4.0")
    [media] = await stored_media(services, post.id)
    response = await client.get(f"/media/{media.file}")
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in response.headers["link"]


async def test_only_known_files_inside_the_media_directory_are_served(client, services, make_artist, tmp_path):
    await make_artist("ana")
    post = await publish(services, images=[(png(), "x")])
    [media] = await stored_media(services, post.id)
    root = Path(services.config.media.dir)
    (root / "ana" / "stray.png").write_bytes(png())  # on disk, but no row names it
    (root / "ana" / ".tmp-abc.part").write_bytes(png())
    (tmp_path / "secret.txt").write_text("secret")
    for path in ("/media/ana/stray.png", "/media/ana/.tmp-abc.part", "/media/ana/..%2F..%2Fsecret.txt",
                 "/media/ana/%2e%2e%2fsecret.txt", "/media/..%2Fsecret.txt/x.png", "/media/ANA/" + media.file[4:],
                 "/media/bob/" + media.file[4:], "/media/ana/" + media.file[4:] + "x", "/media/ana",
                 "/media/ana/x/../../secret.txt"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert b"secret" not in response.content
    assert (await client.get(f"/media/{media.file}")).status_code == 200
    await delete(services, post.id)
    assert (await client.get(f"/media/{media.file}")).status_code == 404


def _processed():
    licence = build_licence(key="cc-by-nc-nd-4.0", creator="Ana", credit_text="Ana (@ana@art.example)",
                            copyright_notice="© 2026 Ana", usage_info_url="https://art.example/@ana/terms",
                            tdm_policy_url="https://art.example/@ana/tdm-policy.json")
    return process_upload(png(), licence)


def test_a_failed_write_leaves_no_file_behind(tmp_path, monkeypatch):
    image = _processed()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full_disk)
    with pytest.raises(OSError):
        save_image(LocalStorage(tmp_path), "ana", image, account_id=1, alt="x")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_failed_thumbnail_removes_the_original(tmp_path, monkeypatch):
    image = _processed()
    calls = []

    def second_write_fails(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        write_atomically(path, data)

    monkeypatch.setattr(store, "write_atomically", second_write_fails)
    with pytest.raises(OSError):
        save_image(LocalStorage(tmp_path), "ana", image, account_id=1, alt="x")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_saved_files_are_readable_and_named_unguessably(tmp_path):
    image = _processed()
    first = save_image(LocalStorage(tmp_path), "ana", image, account_id=1, alt="a", position=2)
    second = save_image(LocalStorage(tmp_path), "ana", image, account_id=1, alt="b")
    assert first.file != second.file and len(Path(first.file).stem) == 24
    assert first.position == 2 and first.description == "a" and first.post_id is None
    assert os.stat(tmp_path / first.file).st_mode & 0o777 == 0o644
    assert (tmp_path / first.thumbnail_file).read_bytes() == image.thumbnail
    store.delete_files(LocalStorage(tmp_path), [first, second])
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


async def test_media_of_unknown_artists_is_404(client, services, make_artist):
    await make_artist("ana")
    assert (await client.get("/media/nobody/abc.png")).status_code == 404

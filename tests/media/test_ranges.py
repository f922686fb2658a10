"""Range requests on /media and /originals: one table of requests answered alike from a local folder and from
an S3 bucket (the same database, the same files), with only the asked span fetched from the bucket."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from helpers import assert_licence_headers, make_config
from object_storage import RefusingProxy, bucket, s3_endpoint, with_s3  # noqa: F401 - fixtures
from PIL import Image
from test_storage_s3 import upload

from fediart.actions.originals import set_account_access
from fediart.app import create_app
from fediart.config import StorageConfig
from fediart.media.ranges import Selection, wanted_bytes
from fediart.media.storage import STREAM_CHUNK, LocalStorage

POLICY = "https://art.example/@ana/tdm-policy.json"
LICENCE_LINK = '<https://creativecommons.org/licenses/by-nc-nd/4.0/>; rel="license"'


@pytest.fixture
def recorder(s3_endpoint):
    proxy = RefusingProxy(s3_endpoint)  # refuses nothing: it only records what fediart asks the bucket
    yield proxy
    proxy.close()


@pytest.fixture
async def config(database_settings, tmp_path, recorder, bucket):
    return with_s3(make_config(database_settings, tmp_path), recorder.url, bucket)


def noisy_jpeg() -> bytes:
    """A photo that compresses badly and is wider than [media] federated_size: its full-resolution original
    is kept apart, and it and the federated rendition are both several chunks long."""
    out = io.BytesIO()
    Image.effect_noise((2800, 1200), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def requests_for(size: int, etag: str, modified: str) -> list[tuple[str, dict[str, str], int, int | None, int]]:
    """(what, headers, status, first byte, end) for an object of `size` bytes: the table both backends answer."""
    return [
        ("no range", {}, 200, 0, size),
        ("first ten bytes", {"Range": "bytes=0-9"}, 206, 0, 10),
        ("the last byte", {"Range": f"bytes={size - 1}-{size - 1}"}, 206, size - 1, size),
        ("from an offset", {"Range": "bytes=1000-"}, 206, 1000, size),
        ("a suffix", {"Range": "bytes=-500"}, 206, size - 500, size),
        ("a suffix longer than the file", {"Range": f"bytes=-{size + 10}"}, 206, 0, size),
        ("an end past the file", {"Range": f"bytes=10-{size + 1000}"}, 206, 10, size),
        ("spaces and capitals", {"Range": "Bytes= 3-4 "}, 206, 3, 5),
        ("a span of several chunks", {"Range": f"bytes=7-{size - 8}"}, 206, 7, size - 7),
        ("starting at the end", {"Range": f"bytes={size}-"}, 416, None, 0),
        ("entirely past the end", {"Range": f"bytes={size + 5}-{size + 9}"}, 416, None, 0),
        ("an empty suffix", {"Range": "bytes=-0"}, 416, None, 0),
        ("backwards", {"Range": "bytes=5-2"}, 200, 0, size),
        ("not numbers", {"Range": "bytes=abc"}, 200, 0, size),
        ("no bounds", {"Range": "bytes=-"}, 200, 0, size),
        ("another unit", {"Range": "items=0-9"}, 200, 0, size),
        ("no unit", {"Range": "0-9"}, 200, 0, size),
        ("several ranges", {"Range": "bytes=0-1,5-6"}, 200, 0, size),
        ("huge numbers", {"Range": "bytes=0-" + "9" * 5000}, 200, 0, size),
        ("If-Range with the ETag", {"Range": "bytes=0-9", "If-Range": etag}, 206, 0, 10),
        ("If-Range with the date", {"Range": "bytes=0-9", "If-Range": modified}, 206, 0, 10),
        ("If-Range with another ETag", {"Range": "bytes=0-9", "If-Range": '"not-this"'}, 200, 0, size),
        ("If-Range with a weak ETag", {"Range": "bytes=0-9", "If-Range": f"W/{etag}"}, 200, 0, size),
        # No 304: FileResponse never made one, and names are never reused, so caches rarely revalidate.
        ("If-None-Match", {"If-None-Match": etag}, 200, 0, size),
    ]


def answer(response, whole: bytes, kind: str, case) -> tuple:
    """What a client sees of one answer, checked against the table row; returned for comparing backends."""
    what, _, status, start, end = case
    assert response.status_code == status, what
    assert_licence_headers(response, policy=POLICY)  # on the 206 and the 416 too
    assert LICENCE_LINK in response.headers["link"], what
    if status == 416:
        assert response.headers["content-range"] == f"bytes */{len(whole)}", what
        assert response.content == b"" and response.headers["cache-control"] == "no-store", what
    else:
        assert response.headers["accept-ranges"] == "bytes", what
        assert response.headers["content-type"] == kind, what
        assert response.content == whole[start:end], what
        assert response.headers["content-length"] == str(end - start), what
        if status == 206:
            assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{len(whole)}", what
        else:
            assert "content-range" not in response.headers, what
    kept = ("content-type", "content-length", "content-range", "accept-ranges", "content-disposition",
            "cache-control", "link", "tdm-reservation", "x-robots-tag", "content-usage")
    return response.status_code, {name: response.headers.get(name) for name in kept}, response.content


async def answers(client, path: str, kind: str) -> list[tuple]:
    plain = await client.get(path)
    assert plain.status_code == 200
    whole, etag, modified = plain.content, plain.headers["etag"], plain.headers["last-modified"]
    assert len(whole) > 2 * STREAM_CHUNK  # several chunks, so spans start and end inside ones
    seen = []
    for case in requests_for(len(whole), etag, modified):
        seen.append(answer(await client.get(path, headers=case[1]), whole, kind, case))
    headed = await client.head(path, headers={"Range": "bytes=0-9"})
    assert headed.status_code == 206 and headed.content == b""
    assert headed.headers["content-length"] == "10" and headed.headers["content-range"] == f"bytes 0-9/{len(whole)}"
    return seen


async def test_ranges_are_answered_alike_from_a_bucket_and_from_a_folder(
        client, services, migrated, network, make_artist, bearer, recorder):
    ana = await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    await set_account_access(services, ana, "everyone")
    services.cache.clear()
    uploaded = await upload(client, await bearer(ana), noisy_jpeg(), name="a.jpg")
    assert uploaded.status_code == 200, uploaded.text
    media = uploaded.json()
    paths = [media["url"].removeprefix("https://art.example"),
             media["fediart_original_url"].removeprefix("https://art.example")]

    from_bucket = {path: await answers(client, path, "image/jpeg") for path in paths}

    # The same objects in a local folder, served by a second app on the same database.
    local = replace(migrated, storage=StorageConfig())
    for each in services.storage.list():
        target = Path(local.media.dir) / each.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(services.storage.get(each.name))
    folder_app = create_app(local, run_worker=False, http=network.client())
    async with folder_app.router.lifespan_context(folder_app):
        assert folder_app.state.services.config.storage.backend == "local"
        transport = httpx.ASGITransport(app=folder_app)
        async with httpx.AsyncClient(transport=transport, base_url=local.base_url) as folder_client:
            from_folder = {path: await answers(folder_client, path, "image/jpeg") for path in paths}

    for path in paths:
        for case, bucket_answer, folder_answer in zip(requests_for(0, "", ""), from_bucket[path], from_folder[path]):
            assert bucket_answer == folder_answer, f"{path}: {case[0]}"


async def test_only_the_asked_span_leaves_the_bucket(client, services, make_artist, bearer, recorder):
    ana = await make_artist("ana")
    uploaded = await upload(client, await bearer(ana), noisy_jpeg(), name="a.jpg")
    path = uploaded.json()["url"].removeprefix("https://art.example")
    key = path.removeprefix("/media/")

    async def to_bucket(headers=None, method="GET") -> list[tuple[str, str | None]]:
        recorder.seen.clear()
        response = await client.request(method, path, headers=headers or {})
        assert response.status_code in (200, 206)
        return [(method, ranged) for method, where, ranged in recorder.seen if where.endswith(key)]

    # A whole file: one GET, its metadata and bytes together.
    assert await to_bucket() == [("GET", None)]
    # A part: the metadata, then only that span.
    assert await to_bucket({"Range": "bytes=100-199"}) == [("HEAD", None), ("GET", "bytes=100-199")]
    size = services.storage.head(key).size
    assert await to_bucket({"Range": "bytes=-50"}) == [("HEAD", None), ("GET", f"bytes={size - 50}-{size - 1}")]
    # A HEAD reads no bytes at all.
    assert await to_bucket(method="HEAD") == [("HEAD", None)]
    assert await to_bucket({"Range": "bytes=0-9"}, method="HEAD") == [("HEAD", None)]


@pytest.mark.parametrize("header, expected", [
    ("bytes=0-0", (Selection.PART, 0, 1)),
    ("bytes=99-", (Selection.PART, 99, 100)),
    ("bytes=-100", (Selection.PART, 0, 100)),
    ("bytes=0-1,", (Selection.PART, 0, 2)),  # an empty list element is no second range
    ("bytes=100-100", (Selection.UNSATISFIABLE, 0, 0)),
    ("bytes=1-2, 3-4", (Selection.WHOLE, 0, 100)),
    ("bytes=+1-2", (Selection.WHOLE, 0, 100)),
    ("bytes=١-٢", (Selection.WHOLE, 0, 100)),  # digits, but not ASCII ones
])
def test_the_range_decision(header, expected):
    wanted = wanted_bytes(header, None, 100, '"e"', "")
    assert (wanted.selection, wanted.start, wanted.end) == expected


def test_if_range_matches_only_a_strong_etag():
    # RFC 9110 13.1.5: a weak validator never allows a part, even the very same one.
    assert wanted_bytes("bytes=0-9", 'W/"e"', 100, 'W/"e"', "").selection is Selection.WHOLE
    assert wanted_bytes("bytes=0-9", '"e"', 100, '"e"', "").selection is Selection.PART
    assert wanted_bytes("bytes=0-9", "", 100, "", "").selection is Selection.WHOLE


def test_an_empty_object_has_no_range():
    assert wanted_bytes("bytes=0-", None, 0, "", "").selection is Selection.UNSATISFIABLE
    assert wanted_bytes("bytes=-5", None, 0, "", "").selection is Selection.UNSATISFIABLE
    assert wanted_bytes(None, None, 0, "", "").selection is Selection.WHOLE


async def test_a_file_cut_short_while_read_ends_the_stream(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("ana/a.jpg", b"x" * (3 * STREAM_CHUNK))
    opened = await storage.open_async("ana/a.jpg")
    (tmp_path / "ana" / "a.jpg").write_bytes(b"y" * 10)  # a disk restored from an older backup, say
    chunks = []
    async for chunk in opened.read(0, opened.size):
        chunks.append(chunk)
        assert len(chunks) <= 3, "the stream never ends"
    assert chunks == [b"y" * 10]

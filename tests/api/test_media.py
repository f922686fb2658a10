"""POST /api/v1|v2/media, GET and PUT /api/v1/media/:id: what a client uploading an image sees."""

import io

import pytest
from PIL import Image
from posting import jpeg, media_files, png
from strict import assert_media

from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana", licence_key="cc-by-nc-nd-4.0")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (80, 60), "teal")
    exif = image.getexif()
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPSInfo: where the artist lives
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


async def upload(client, headers, data: bytes, path: str = "/api/v2/media", name: str = "file", **fields):
    return await client.post(path, headers=headers, files={"file": (name, data, "application/octet-stream")},
                             data=fields)


async def test_v2_upload_answers_200_with_url_alt_focus_and_licensed_stripped_file(client, services, bearer, ana):
    headers = await bearer(ana)
    response = await upload(client, headers, jpeg_with_gps(), description="A heron in reeds", focus="0.5,-0.25")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    media = response.json()
    assert_media(media)
    assert media["type"] == "image" and media["description"] == "A heron in reeds"
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert media["meta"]["original"]["width"] == 80 and media["blurhash"]
    original = next(p for p in media_files(services) if "-small" not in p.name)
    assert media["url"].endswith(original.name)
    stored = Image.open(io.BytesIO(original.read_bytes()))
    assert 0x8825 not in stored.getexif() and 0x010F not in stored.getexif()  # metadata stripped
    rights = read_xmp_rights(embedded_xmp(original.read_bytes()))
    assert "https://creativecommons.org/licenses/by-nc-nd/4.0/" in str(rights)
    # The client polls it (masto.js always does); the owner reads the same entity.
    again = await client.get(f"/api/v1/media/{media['id']}", headers=headers)
    assert again.status_code == 200 and again.json() == media


async def test_v1_upload_named_file_without_extension_is_typed_from_its_bytes(client, bearer, ana):
    response = await upload(client, await bearer(ana), png(), path="/api/v1/media", name="file")
    assert response.status_code == 200
    assert response.json()["url"].endswith(".png")


async def test_broken_or_missing_file_is_422_in_mastodon_shape(client, bearer, ana, services):
    headers = await bearer(ana)
    broken = await upload(client, headers, b"\x89PNG\r\n\x1a\n not really")
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/json; charset=utf-8"
    assert broken.json()["error"].startswith("Validation failed:")
    text = await upload(client, headers, b"just some words")
    assert text.status_code == 422 and "not an image" in text.json()["error"]
    missing = await client.post("/api/v2/media", headers=headers, data={"description": "x"})
    assert missing.status_code == 422 and "file" in missing.json()["error"]
    assert media_files(services) == []


async def test_bad_focus_and_overlong_description_are_refused(client, bearer, ana, services):
    headers = await bearer(ana)
    assert (await upload(client, headers, jpeg(), focus="2,0")).status_code == 422
    assert (await upload(client, headers, jpeg(), focus="left")).status_code == 422
    assert (await upload(client, headers, jpeg(), description="x" * 1501)).status_code == 422
    assert media_files(services) == []


async def test_put_sets_alt_text_as_json_or_form_until_the_image_is_posted(client, bearer, ana):
    headers = await bearer(ana)
    media = (await upload(client, headers, jpeg())).json()
    assert media["description"] is None
    json_put = await client.put(f"/api/v1/media/{media['id']}", headers=headers,
                                json={"description": "Ink heron", "focus": "0.1,0.2"})
    assert json_put.status_code == 200 and json_put.json()["description"] == "Ink heron"
    assert json_put.json()["meta"]["focus"] == {"x": 0.1, "y": 0.2}
    form_put = await client.put(f"/api/v1/media/{media['id']}", headers=headers, data={"description": "Heron"})
    assert form_put.json()["description"] == "Heron"
    posted = await client.post("/api/v1/statuses", headers=headers, json={"media_ids": [media["id"]]})
    assert posted.status_code == 200
    late = await client.put(f"/api/v1/media/{media['id']}", headers=headers, json={"description": "changed"})
    assert late.status_code == 422 and "edit the post" in late.json()["error"]


async def test_another_artists_upload_is_404_and_a_read_only_token_cannot_upload(client, bearer, ana, make_artist):
    bea = await make_artist("bea")
    media = (await upload(client, await bearer(ana), jpeg())).json()
    theirs = await bearer(bea)
    assert (await client.get(f"/api/v1/media/{media['id']}", headers=theirs)).status_code == 404
    put = await client.put(f"/api/v1/media/{media['id']}", headers=theirs, json={"description": "mine now"})
    assert put.status_code == 404 and put.json() == {"error": "Record not found"}
    read_only = await upload(client, await bearer(ana, "read"), jpeg())
    assert read_only.status_code == 403
    anonymous = await client.post("/api/v2/media", files={"file": ("file", jpeg(), "image/jpeg")})
    assert anonymous.status_code == 401 and anonymous.json() == {"error": "The access token is invalid"}

"""Media on S3-compatible storage (a real S3 protocol server on loopback): uploads land in the bucket with
their licence as object metadata, fediart serves them with the same headers, a CDN base changes the
attachment URLs but never an original's, and a failed upload leaves nothing behind."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import assert_licence_headers, make_config
from object_storage import RefusingProxy, bucket, objects, s3_client, s3_endpoint, with_s3  # noqa: F401 - fixtures
from PIL import Image
from posting import png
from sqlmodel import select

from fediart.actions.originals import set_account_access
from fediart.credentials.keys import create_credentials
from fediart.store.tables import Media


@pytest.fixture
def storage_settings(request):
    """What a test adds to [storage] (parametrized indirectly); "refusing" puts the refusing proxy in front."""
    param = getattr(request, "param", {})
    if param == "refusing":
        return {"endpoint": request.getfixturevalue("refusing_proxy").url}
    return dict(param)


@pytest.fixture
async def config(database_settings, tmp_path, s3_endpoint, bucket, storage_settings):
    settings = {"endpoint": s3_endpoint, **storage_settings}
    signed = settings.pop("signed", False)  # an instance with Content Credentials keys
    folder = tmp_path / "credentials"
    credentials = {"cert_chain": str(folder / "chain.pem"), "private_key": str(folder / "key.pem"),
                   "trust_anchor": str(folder / "anchor.pem")}
    config = with_s3(make_config(database_settings, tmp_path, credentials=credentials), settings.pop("endpoint"),
                     bucket, **settings)
    if signed:
        create_credentials(config)
    return config


def big_jpeg(size=(3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def upload(client, headers, data: bytes, name: str = "a.png"):
    return await client.post("/api/v2/media", headers=headers, files={"file": (name, data, "image/png")},
                             data={"description": "A red square"})


async def test_an_upload_lands_in_the_bucket_with_its_licence_and_is_served_with_it(
        client, services, make_artist, bearer, s3_endpoint, bucket):
    ana = await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    response = await upload(client, await bearer(ana), png())
    assert response.status_code == 200, response.text
    media = response.json()
    name = media["url"].removeprefix("https://art.example/media/")
    thumbnail = media["preview_url"].removeprefix("https://art.example/media/")
    stored = objects(s3_endpoint, bucket)
    assert name in stored and thumbnail in stored
    for key in (name, thumbnail):
        head = stored[key]
        assert head["ContentType"] == "image/png"
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
        assert head["ContentDisposition"].startswith("inline")
        meta = head["Metadata"]  # x-amz-meta-*: what a CDN in front of the bucket can send on
        assert meta["tdm-reservation"] == "1" and "train-ai=n" in meta["content-usage"]
        assert "noai" in meta["x-robots-tag"] and meta["tdm-policy"] == "https://art.example/@ana/tdm-policy.json"
        assert '<https://creativecommons.org/licenses/by-nc-nd/4.0/>; rel="license"' in meta["link"]
    # Nothing went to the local folder.
    assert not [p for p in Path(services.config.media.dir).rglob("*") if p.is_file()]

    served = await client.get(f"/media/{name}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert_licence_headers(served, policy="https://art.example/@ana/tdm-policy.json")
    assert '<https://creativecommons.org/licenses/by-nc-nd/4.0/>; rel="license"' in served.headers["link"]
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["content-disposition"].startswith("inline")
    body = s3_client(s3_endpoint).get_object(Bucket=bucket, Key=name)["Body"].read()
    assert served.content == body and served.headers["content-length"] == str(len(body))
    headed = await client.head(f"/media/{name}")
    assert headed.status_code == 200 and headed.content == b"" and headed.headers["content-length"] == str(len(body))


@pytest.mark.parametrize("storage_settings", [{"signed": True}], indirect=True)
async def test_a_signed_upload_announces_its_manifest_from_the_bucket_and_from_fediart(
        client, services, make_artist, bearer, s3_endpoint, bucket):
    ana = await make_artist("ana")
    media = (await upload(client, await bearer(ana), png())).json()
    name = media["url"].removeprefix("https://art.example/media/")
    file = name.rpartition("/")[2]
    stored = objects(s3_endpoint, bucket)
    assert stored[f"{name}.c2pa"]["ContentType"] == "application/c2pa"
    # Relative (RFC 8288): wherever the object is served from, the manifest is beside it.
    assert f'<{file}.c2pa>; rel="c2pa-manifest"' in stored[name]["Metadata"]["link"]
    assert 'rel="license"' in stored[name]["Metadata"]["link"]
    served = await client.get(f"/media/{name}")
    assert f'<https://art.example/media/{name}.c2pa>; rel="c2pa-manifest"' in served.headers["link"]
    manifest = await client.get(f"/media/{name}.c2pa")
    assert manifest.status_code == 200 and manifest.headers["content-type"] == "application/c2pa"
    assert manifest.content == s3_client(s3_endpoint).get_object(Bucket=bucket, Key=f"{name}.c2pa")["Body"].read()


async def test_a_row_whose_object_is_gone_and_an_object_no_row_names_are_both_404(
        client, services, make_artist, bearer, s3_endpoint, bucket):
    ana = await make_artist("ana")
    media = (await upload(client, await bearer(ana), png())).json()
    name = media["url"].removeprefix("https://art.example/media/")
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=name)
    assert (await client.get(f"/media/{name}")).status_code == 404
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key="ana/stray.png", Body=png())
    assert (await client.get("/media/ana/stray.png")).status_code == 404


async def test_a_post_with_another_licence_rewrites_its_objects_with_the_new_headers(
        client, services, make_artist, bearer, s3_endpoint, bucket):
    ana = await make_artist("ana")  # all rights reserved
    headers = await bearer(ana)
    media = (await upload(client, headers, png())).json()
    before = media["url"].removeprefix("https://art.example/media/")
    status = await client.post("/api/v1/statuses", headers=headers, data={
        "status": "Red", "media_ids[]": media["id"], "visibility": "public", "licence": "cc-by-4.0"})
    assert status.status_code == 200, status.text
    after = status.json()["media_attachments"][0]["url"].removeprefix("https://art.example/media/")
    assert after != before  # names are immutable: the rewritten file has a new one
    stored = objects(s3_endpoint, bucket)
    assert before not in stored
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in stored[after]["Metadata"]["link"]
    served = await client.get(f"/media/{after}")
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in served.headers["link"]


@pytest.mark.parametrize("storage_settings", [{"public_base_url": "https://cdn.example", "prefix": "fediart/"}],
                         indirect=True)
async def test_a_cdn_base_changes_attachment_urls_but_originals_stay_private(
        client, services, make_artist, bearer, s3_endpoint, bucket):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    response = await upload(client, headers, big_jpeg(), name="a.jpg")
    assert response.status_code == 200, response.text
    media = response.json()
    assert media["url"].startswith("https://cdn.example/fediart/ana/")
    assert media["preview_url"].startswith("https://cdn.example/fediart/ana/")
    name = media["url"].removeprefix("https://cdn.example/fediart/")
    original_url = media["fediart_original_url"]
    assert original_url.startswith("https://art.example/originals/ana/")  # only fediart decides who gets it
    stored = objects(s3_endpoint, bucket)
    assert f"fediart/{name}" in stored  # the prefix is part of the key the CDN serves
    [original_key] = [key for key in stored if key.startswith("fediart/originals/")]
    original = original_key.removeprefix("fediart/")
    assert original_url.endswith(original.removeprefix("originals/"))
    assert services.storage.url(original) is None
    assert services.storage.url(name) == media["url"]
    assert stored[original_key]["CacheControl"] == "private, no-store"
    # The bucket itself answers nobody without credentials: an original is not public there either.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{bucket}/{original_key}")
    assert refused.value.code == 403
    # fediart's own addresses keep working (posts federated before the CDN was set name them).
    assert (await client.get(f"/media/{name}")).status_code == 200
    assert (await client.get(original_url.removeprefix("https://art.example"))).status_code == 404  # a stranger
    # Opened to everyone by the artist, fediart streams it from the bucket, with its headers.
    await set_account_access(services, ana, "everyone")
    services.cache.clear()
    opened = await client.get(original_url.removeprefix("https://art.example"))
    assert opened.status_code == 200 and opened.headers["content-type"] == "image/jpeg"
    assert_licence_headers(opened)
    assert opened.content == s3_client(s3_endpoint).get_object(Bucket=bucket, Key=original_key)["Body"].read()


@pytest.fixture
def refusing_proxy(s3_endpoint):
    proxy = RefusingProxy(s3_endpoint, refuse_put=2)
    yield proxy
    proxy.close()


@pytest.mark.parametrize("storage_settings", ["refusing"], indirect=True)
async def test_an_upload_that_fails_half_way_leaves_no_row_and_no_object(
        client, services, make_artist, bearer, s3_endpoint, bucket, refusing_proxy):
    ana = await make_artist("ana")
    response = await upload(client, await bearer(ana), png())
    assert response.status_code == 503
    assert "could not be stored" in response.json()["error"]
    assert refusing_proxy.puts >= 2  # the first object was written, the second refused
    assert objects(s3_endpoint, bucket) == {}  # and the first removed again
    async with services.sessions() as session:
        assert (await session.exec(select(Media))).all() == []
    # Once the store answers again, the same upload works.
    retried = await upload(client, await bearer(ana), png())
    assert retried.status_code == 200, retried.text
    assert len(objects(s3_endpoint, bucket)) == 2

"""Protected originals through the client API: the artist sees the original's address, sets who may
fetch it, and issues, uses and revokes time-limited download links."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from sqlmodel import update

from fediart.store.original_tables import DownloadLink
from fediart.store.tables import utcnow


def big_jpeg(size=(3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def upload(client, headers, data):
    response = await client.post("/api/v2/media", headers=headers, files={"file": ("a.jpg", data, "image/jpeg")},
                                 data={"description": "A grey gradient"})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_artist_sees_the_original_and_others_do_not(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    media = await upload(client, headers, big_jpeg())
    assert media["meta"]["original"]["width"] == 2560
    original = media["fediart_original_url"]
    assert original.startswith("https://art.example/originals/ana/")
    shown = (await client.get(f"/api/v1/media/{media['id']}", headers=headers)).json()
    assert shown["fediart_original_url"] == original
    status = await client.post("/api/v1/statuses", headers=headers,
                               data={"status": "Gradient", "media_ids[]": media["id"], "visibility": "public"})
    assert status.status_code == 200, status.text
    assert status.json()["media_attachments"][0]["fediart_original_url"] == original
    public = await client.get(f"/api/v1/statuses/{status.json()['id']}")
    assert original.rpartition("/")[2] not in public.text
    bo = await make_artist("bo")
    other = await client.get(f"/api/v1/statuses/{status.json()['id']}", headers=await bearer(bo))
    assert other.status_code == 200 and original.rpartition("/")[2] not in other.text
    small = await upload(client, headers, big_jpeg((800, 600)))
    assert small["fediart_original_url"] is None


async def test_update_credentials_sets_who_may_fetch(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    response = await client.patch("/api/v1/accounts/update_credentials", headers=headers,
                                  data={"original_access": "followers"})
    assert response.status_code == 200, response.text
    assert response.json()["source"]["original_access"] == "followers"
    refused = await client.patch("/api/v1/accounts/update_credentials", headers=headers,
                                 data={"original_access": "cats", "display_name": "Changed"})
    assert refused.status_code == 422
    again = (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).json()
    assert again["source"]["original_access"] == "followers" and again["display_name"] != "Changed"


async def test_a_download_link_works_until_revoked(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    media = await upload(client, headers, big_jpeg())
    assert (await client.get(media["fediart_original_url"].removeprefix("https://art.example"))).status_code == 404
    made = await client.post(f"/api/v1/media/{media['id']}/download_links", headers=headers,
                             data={"expires_in": "1d", "label": "Print shop"})
    assert made.status_code == 200, made.text
    link = made.json()
    assert link["state"] == "active" and link["label"] == "Print shop"
    path = link["url"].removeprefix("https://art.example")
    fetched = await client.get(path)  # no cookie, no signature
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["cache-control"] == "private, no-store"
    with Image.open(io.BytesIO(fetched.content)) as image:
        assert image.size == (3000, 2000)
    listed = (await client.get(f"/api/v1/media/{media['id']}/download_links", headers=headers)).json()
    assert [entry["id"] for entry in listed] == [link["id"]] and "url" not in listed[0]
    assert (await client.get(path + "x")).status_code == 404
    assert (await client.delete(f"/api/v1/download_links/{link['id']}")).status_code == 401
    bo = await make_artist("bo")
    assert (await client.delete(f"/api/v1/download_links/{link['id']}", headers=await bearer(bo))).status_code == 404
    revoked = await client.delete(f"/api/v1/download_links/{link['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert (await client.get(path)).status_code == 404


async def test_links_expire(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    media = await upload(client, headers, big_jpeg())
    link = (await client.post(f"/api/v1/media/{media['id']}/download_links", headers=headers,
                              data={"expires_in": "7d"})).json()
    path = link["url"].removeprefix("https://art.example")
    assert (await client.get(path)).status_code == 200
    async with services.sessions() as session:
        await session.exec(update(DownloadLink).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    assert (await client.get(path)).status_code == 404


async def test_links_are_refused_for_others_media_and_bad_expiries(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    bo = await make_artist("bo")
    media = await upload(client, await bearer(ana), big_jpeg())
    other = await client.post(f"/api/v1/media/{media['id']}/download_links", headers=await bearer(bo))
    assert other.status_code == 404
    for bad in ("forever", "400d", "0"):
        response = await client.post(f"/api/v1/media/{media['id']}/download_links", headers=await bearer(ana),
                                     data={"expires_in": bad})
        assert response.status_code == 422, bad
    small = await upload(client, await bearer(ana), big_jpeg((800, 600)))
    assert (await client.post(f"/api/v1/media/{small['id']}/download_links",
                              headers=await bearer(ana))).status_code == 422

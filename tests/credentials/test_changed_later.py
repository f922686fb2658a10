"""A post's licence and its images' descriptions changed after posting, as the artist and other
servers see it: every file (renditions and the protected original) is rewritten under a new name with
the new licence and alt text in its XMP and its Content Credentials (still Trusted, the previous
version as parent), the old files are gone, and an Update carries the new licence and URLs."""

from __future__ import annotations

import pytest
from credentials_support import image
from sqlmodel import select
from posting import add_remote

from fediart.actions.errors import ActionError
from fediart.actions.media import upload_media
from fediart.actions.posts import create_status, edit_status
from fediart.credentials.keys import credential_paths
from fediart.credentials.read import read_credentials
from fediart.credentials.sign import sniff_type
from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp
from fediart.media.store import stored_names
from fediart.store.tables import Media, Post
from fediart.worker import run_due_work

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
RESERVED = dict.fromkeys(["ai_training", "ai_generative_training", "ai_inference", "data_mining"], "notAllowed")
# What a description pasted from elsewhere may hold: markup, XML's own syntax and control characters.
HOSTILE = 'A heron <script>alert(1)</script> & "friends" ]]> <?xpacket end="w"?>\x07\x1b[2J\ufffe'
HOSTILE_CLEANED = 'A heron <script>alert(1)</script> & "friends" ]]> <?xpacket end="w"?>[2J'


async def _row(services, media_id: int) -> Media:
    async with services.sessions() as session:
        return await session.get(Media, media_id)


def _read(services, name: str):
    data = (services.media_dir / name).read_bytes()
    anchor = credential_paths(services.config).trust_anchor.read_bytes()
    return read_xmp_rights(embedded_xmp(data)), read_credentials(data, sniff_type(data), anchor)


async def _posted(services, artist, description: str = "A heron") -> tuple[Post, Media]:
    # Wider than the federated rendition (2560 px): the full-resolution original is kept apart too.
    media = await upload_media(services, artist, image("JPEG", (2800, 1200)), description=description)
    post = await create_status(services, artist, text="Heron", media_ids=[str(media.id)])
    return post, await _row(services, media.id)


async def test_a_licence_changed_through_the_api_rewrites_every_file_and_federates(
        client, services, network, make_artist, bearer):
    ana = await make_artist("ana")
    carol = await add_remote(services, network, "carol", follows=ana)
    post, media = await _posted(services, ana)
    before = stored_names(media)
    assert len(before) == 4 and media.original_file  # federated file, display, thumbnail, original

    response = await client.put(f"/api/v1/statuses/{post.id}", headers=await bearer(ana), json={"licence": "cc-by-4.0"})

    assert response.status_code == 200, response.text
    assert response.json()["licence"]["url"] == CC_BY
    media = await _row(services, media.id)
    after = stored_names(media)
    assert len(after) == 4 and set(after).isdisjoint(before)
    for name in after:
        xmp, credentials = _read(services, name)
        assert xmp["web_statement"] == CC_BY and xmp["alt_text"] == "A heron"
        assert credentials.state == "Trusted", (name, credentials.failures)
        assert credentials.licence_url == CC_BY
        assert credentials.training_mining == RESERVED  # the artist's reservation stays
        assert [i["relationship"] for i in credentials.ingredients] == ["parentOf"]
    for name in before:
        assert not (services.media_dir / name).exists()
        assert not (services.media_dir / (name + ".c2pa")).exists()
    assert (await client.get(f"/media/{before[0]}")).status_code == 404
    served = await client.get(f"/media/{media.file}")
    assert served.status_code == 200 and f'<{CC_BY}>; rel="license"' in served.headers["link"]

    await run_due_work(services)
    sent = {d["type"]: d for d in network.deliveries_to(carol.shared_inbox_url)}
    assert sorted(sent) == ["Create", "Update"]
    note = sent["Update"]["object"]
    assert note["license"] == CC_BY
    assert note["attachment"][0]["url"] == services.urls.media(media.file)
    page = await client.get(f"/@ana/{post.id}")
    assert CC_BY in page.text


async def test_an_unknown_licence_changes_nothing(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    post, media = await _posted(services, ana)
    response = await client.put(f"/api/v1/statuses/{post.id}", headers=await bearer(ana), json={"licence": "cc-by-99"})
    assert response.status_code == 422 and "cc-by-99" in response.json()["error"]
    assert stored_names(await _row(services, media.id)) == stored_names(media)
    async with services.sessions() as session:
        assert (await session.get(Post, post.id)).licence_key is None


async def test_alt_text_travels_in_every_file_escaped_and_follows_an_edit(services, make_artist):
    ana = await make_artist("ana")
    post, media = await _posted(services, ana, description=HOSTILE)
    first = stored_names(media)
    for name in first:
        xmp, credentials = _read(services, name)
        assert xmp["alt_text"] == HOSTILE_CLEANED
        assert credentials.state == "Trusted"

    await edit_status(services, ana, post.id, media_attributes=[{"id": str(media.id), "description": "A grey heron"}])

    media = await _row(services, media.id)
    assert media.description == "A grey heron"
    assert set(stored_names(media)).isdisjoint(first)
    for name in stored_names(media):
        xmp, credentials = _read(services, name)
        assert xmp["alt_text"] == "A grey heron" and xmp["data_mining"].endswith("PROHIBITED-AIMLTRAINING")
        assert credentials.state == "Trusted", credentials.failures
    for name in first:
        assert not (services.media_dir / name).exists()


async def test_a_description_with_a_nul_is_refused_and_nothing_is_stored(services, make_artist):
    ana = await make_artist("ana")
    post, media = await _posted(services, ana)
    with pytest.raises(ActionError, match="NUL"):
        await upload_media(services, ana, image("PNG", (300, 200)), description="heron\x00")
    with pytest.raises(ActionError, match="NUL"):
        await edit_status(services, ana, post.id, media_attributes=[{"id": str(media.id), "description": "a\x00"}])
    after = await _row(services, media.id)
    assert after.description == "A heron" and stored_names(after) == stored_names(media)
    assert all((services.media_dir / name).exists() for name in stored_names(media))
    async with services.sessions() as session:
        assert len((await session.exec(select(Media))).all()) == 1


async def test_a_description_changed_before_posting_is_in_the_files_once_posted(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    uploaded = await client.post("/api/v2/media", headers=headers, data={"description": "draft words"},
                                 files={"file": ("file", image("PNG", (900, 600)), "application/octet-stream")})
    media_id = uploaded.json()["id"]
    assert read_xmp_rights(embedded_xmp((await client.get(uploaded.json()["url"])).content))["alt_text"] == "draft words"
    changed = await client.put(f"/api/v1/media/{media_id}", headers=headers, data={"description": "A heron, ink"})
    assert changed.status_code == 200
    status = await client.post("/api/v1/statuses", headers=headers, json={"status": "x", "media_ids": [media_id]})
    assert status.status_code == 200
    for key in ("url", "preview_url"):
        served = await client.get(status.json()["media_attachments"][0][key])
        assert read_xmp_rights(embedded_xmp(served.content))["alt_text"] == "A heron, ink"


async def test_nothing_changes_when_the_licence_is_the_one_the_post_has(services, make_artist):
    ana = await make_artist("ana", licence_key="cc-by-4.0")
    post, media = await _posted(services, ana)
    edited = await edit_status(services, ana, post.id, text="Heron, again", licence_key="cc-by-4.0")
    # The key is now the post's own (it no longer follows the profile), but the files say the same:
    # none is rewritten.
    assert edited.licence_key == "cc-by-4.0"
    assert stored_names(await _row(services, media.id)) == stored_names(media)

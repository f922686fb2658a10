"""Honest AI labels through the client API: what an upload's own metadata says, what the artist declares,
the instance's refusal switch, the entity fields, and the per-account filter in timelines."""

from dataclasses import replace

import pytest
from ai_images import c2pa_jpeg_saying, jpeg_saying, png_saying
from posting import jpeg
from sqlmodel import select
from strict import assert_media, assert_status
from timeline_world import deliver, follow_remote, note

from fediart.media.provenance import IPTC_BASE
from fediart.store.tables import Media, OutboxActivity

AI = IPTC_BASE + "trainedAlgorithmicMedia"
COMPOSITE = IPTC_BASE + "compositeWithTrainedAlgorithmicMedia"
HUMAN = IPTC_BASE + "digitalCreation"


async def upload(client, headers, data: bytes, **fields):
    return await client.post("/api/v2/media", headers=headers,
                             files={"file": ("file", data, "application/octet-stream")}, data=fields)


async def post_with(client, headers, data: bytes, text: str = "A work", **fields) -> dict:
    media = (await upload(client, headers, data, description="A picture", **fields)).json()
    response = await client.post("/api/v1/statuses", headers=headers,
                                 data={"status": text, "media_ids[]": [media["id"]]})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


def refuse_ai(monkeypatch, services):
    config = services.config
    monkeypatch.setattr(services, "config", replace(config, media=replace(config.media, refuse_ai_generated=True)))


@pytest.mark.parametrize("make, expected", [
    (lambda: jpeg_saying("trainedAlgorithmicMedia"), AI),
    (lambda: png_saying("compositeWithTrainedAlgorithmicMedia"), COMPOSITE),
    (lambda: c2pa_jpeg_saying("trainedAlgorithmicMedia"), AI),
])
async def test_an_upload_whose_metadata_says_ai_is_labelled(client, bearer, ana, make, expected):
    response = await upload(client, await bearer(ana), make())
    assert response.status_code == 200
    media = response.json()
    assert_media(media)
    assert (media["digital_source_type"], media["ai_generated"]) == (expected, True)


async def test_an_upload_that_says_nothing_is_unknown_not_ai(client, bearer, ana):
    media = (await upload(client, await bearer(ana), jpeg())).json()
    assert (media["digital_source_type"], media["ai_generated"]) == (None, False)


async def test_the_artists_declaration_wins_and_is_stored(client, services, bearer, ana):
    headers = await bearer(ana)
    declared_ai = (await upload(client, headers, jpeg(), digital_source_type="trainedAlgorithmicMedia")).json()
    assert (declared_ai["digital_source_type"], declared_ai["ai_generated"]) == (AI, True)
    # A file tagged AI the artist declares human-made: the declaration is theirs to answer for.
    corrected = (await upload(client, headers, jpeg_saying("trainedAlgorithmicMedia"),
                              digital_source_type=HUMAN)).json()
    assert (corrected["digital_source_type"], corrected["ai_generated"]) == (HUMAN, False)
    async with services.sessions() as session:
        row = await session.get(Media, int(corrected["id"]))
        assert row.digital_source_type == HUMAN


async def test_an_unknown_declaration_is_refused(client, bearer, ana):
    response = await upload(client, await bearer(ana), jpeg(), digital_source_type="madeByMagic")
    assert response.status_code == 422
    assert "digital source type" in response.json()["error"]


async def test_put_media_changes_the_declaration_before_posting(client, bearer, ana):
    headers = await bearer(ana)
    media = (await upload(client, headers, jpeg_saying("trainedAlgorithmicMedia"))).json()
    changed = await client.put(f"/api/v1/media/{media['id']}", headers=headers,
                               data={"digital_source_type": "humanEdits"})
    assert changed.status_code == 200
    assert (changed.json()["digital_source_type"], changed.json()["ai_generated"]) == (
        IPTC_BASE + "humanEdits", False)
    again = await client.get(f"/api/v1/media/{media['id']}", headers=headers)
    assert again.json()["digital_source_type"] == IPTC_BASE + "humanEdits"


async def test_a_status_with_an_ai_image_says_so(client, bearer, ana):
    headers = await bearer(ana)
    labelled = await post_with(client, headers, jpeg(), digital_source_type="compositeWithTrainedAlgorithmicMedia")
    plain = await post_with(client, headers, jpeg())
    assert_status(labelled)
    assert labelled["ai_generated"] is True and labelled["media_attachments"][0]["ai_generated"] is True
    assert plain["ai_generated"] is False
    shown = await client.get(f"/api/v1/statuses/{labelled['id']}")
    assert shown.json()["ai_generated"] is True


async def test_an_instance_that_refuses_ai_refuses_tagged_and_declared_uploads(client, services, bearer, ana,
                                                                               monkeypatch):
    refuse_ai(monkeypatch, services)
    headers = await bearer(ana)
    for data, fields in ((jpeg_saying("trainedAlgorithmicMedia"), {}),
                         (c2pa_jpeg_saying("trainedAlgorithmicMedia"), {}),
                         (png_saying("compositeWithTrainedAlgorithmicMedia"), {}),
                         (jpeg(), {"digital_source_type": "trainedAlgorithmicMedia"})):
        refused = await upload(client, headers, data, **fields)
        assert refused.status_code == 422
        assert "does not accept AI-generated images" in refused.json()["error"]
    assert (await upload(client, headers, jpeg())).status_code == 200
    assert (await upload(client, headers, jpeg_saying("humanEdits"))).status_code == 200
    async with services.sessions() as session:
        assert len((await session.exec(select(Media))).all()) == 2  # nothing refused was kept
    # Nor can an upload be relabelled AI afterwards.
    media = (await upload(client, headers, jpeg())).json()
    changed = await client.put(f"/api/v1/media/{media['id']}", headers=headers,
                               data={"digital_source_type": "trainedAlgorithmicMedia"})
    assert changed.status_code == 422


async def test_hide_ai_media_is_set_through_update_credentials_without_federating(client, services, bearer, ana):
    headers = await bearer(ana)
    before = (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).json()
    assert before["source"]["hide_ai_media"] is False
    async with services.sessions() as session:
        sent = len((await session.exec(select(OutboxActivity))).all())
    response = await client.patch("/api/v1/accounts/update_credentials", headers=headers,
                                  data={"hide_ai_media": "true"})
    assert response.status_code == 200 and response.json()["source"]["hide_ai_media"] is True
    async with services.sessions() as session:
        # A private setting: no Update{Person} tells other servers about it.
        assert len((await session.exec(select(OutboxActivity))).all()) == sent


async def _ids(client, path, headers=None, **params):
    response = await client.get(path, headers=headers or {}, params=params)
    assert response.status_code == 200, response.text
    return [s["uri"] for s in response.json()]


async def test_hide_ai_media_leaves_ai_labelled_posts_out_of_home_public_and_tag(client, network, services,
                                                                                  make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    ana_headers, zoe_headers = await bearer(ana), await bearer(zoe)
    bob, _ = await follow_remote(services, network, ana, "bob")
    made = await post_with(client, zoe_headers, jpeg(), "Generated #heron",
                           digital_source_type="trainedAlgorithmicMedia")
    drawn = await post_with(client, zoe_headers, jpeg(), "Drawn #heron")
    own = await post_with(client, ana_headers, jpeg(), "Mine, with AI parts",
                          digital_source_type="compositeWithTrainedAlgorithmicMedia")
    image = {"type": "Image", "mediaType": "image/png", "url": "https://remote.example/m/ai.png"}
    remote_ai = note(bob, "<p>#heron</p>", tag=[{"type": "Hashtag", "name": "#heron"}],
                     attachment=[{**image, "digitalSourceType": AI}])
    remote_plain = note(bob, "<p>#heron painted</p>", tag=[{"type": "Hashtag", "name": "#heron"}],
                        attachment=[{**image, "url": "https://remote.example/m/trainedAlgorithmicMedia",
                                     "digitalSourceType": HUMAN}])
    await deliver(client, services, bob, "Create", remote_ai)
    await deliver(client, services, bob, "Create", remote_plain)
    # Ana boosts zoe's AI-labelled post: her home shows the boost's wrapper.
    boosted = await client.post(f"/api/v1/statuses/{made['id']}/reblog", headers=ana_headers)
    assert boosted.status_code == 200
    boost = boosted.json()["uri"]

    everything_home = await _ids(client, "/api/v1/timelines/home", ana_headers)
    assert {remote_ai["id"], remote_plain["id"], own["uri"], boost} == set(everything_home)
    everything_public = await _ids(client, "/api/v1/timelines/public", ana_headers)
    assert {made["uri"], drawn["uri"], own["uri"], remote_ai["id"], remote_plain["id"]} == set(everything_public)

    await client.patch("/api/v1/accounts/update_credentials", headers=ana_headers, data={"hide_ai_media": "1"})
    home = await _ids(client, "/api/v1/timelines/home", ana_headers)
    assert home == [remote_plain["id"]]  # the boost of the labelled post went too
    assert set(await _ids(client, "/api/v1/timelines/public", ana_headers)) == {drawn["uri"], remote_plain["id"]}
    assert set(await _ids(client, "/api/v1/timelines/tag/heron", ana_headers)) == {drawn["uri"], remote_plain["id"]}
    # Other viewers, and visitors, still see everything; the filter is ana's own.
    assert set(await _ids(client, "/api/v1/timelines/public", zoe_headers)) == set(everything_public)
    assert set(await _ids(client, "/api/v1/timelines/public")) == set(everything_public)


async def test_a_remote_ai_image_is_labelled_in_the_client_api(client, network, services, make_artist, bearer):
    ana = await make_artist("ana")
    bob, _ = await follow_remote(services, network, ana, "bob")
    sent = note(bob, "<p>made</p>", attachment=[{"type": "Image", "url": "https://remote.example/a.png",
                                                 "mediaType": "image/png", "digitalSourceType": AI}])
    await deliver(client, services, bob, "Create", sent)
    [status] = (await client.get("/api/v1/timelines/home", headers=await bearer(ana))).json()
    assert status["ai_generated"] is True
    assert status["media_attachments"][0]["digital_source_type"] == AI


async def test_a_status_edit_relabels_its_image(client, bearer, ana):
    headers = await bearer(ana)
    status = await post_with(client, headers, jpeg(), digital_source_type="trainedAlgorithmicMedia")
    media_id = status["media_attachments"][0]["id"]
    edited = await client.put(f"/api/v1/statuses/{status['id']}", headers=headers, json={
        "status": "A work", "media_ids": [media_id],
        "media_attributes": [{"id": media_id, "description": "A picture", "digital_source_type": "humanEdits"}]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["ai_generated"] is False
    assert edited.json()["media_attachments"][0]["digital_source_type"] == IPTC_BASE + "humanEdits"

"""Content Credentials on what an artist uploads, as other servers and validators fetch it: every
rendition reads back Trusted against the instance's anchor, the sidecar is served and announced, a
licence change re-signs, and deleting a post removes the sidecars too."""

from __future__ import annotations

from pathlib import Path

import pytest

from credentials_support import DIGITAL_CAPTURE, image, licence, other_authority

from fediart.actions.media import upload_media
from fediart.actions.posts import create_status
from fediart.credentials.keys import credential_paths
from fediart.credentials.manifest import Facts
from fediart.credentials.read import read_credentials
from fediart.credentials.sign import sign_image, sniff_type
from fediart.media.store import delete_files
from fediart.store.tables import Media

RESERVED = dict.fromkeys(["ai_training", "ai_generative_training", "ai_inference", "data_mining"], "notAllowed")
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"


def anchor(services) -> bytes:
    return credential_paths(services.config).trust_anchor.read_bytes()


def renditions(media: Media) -> list[str]:
    return list(dict.fromkeys([media.file, media.display_file, media.thumbnail_file]))


def read(services, name: str):
    data = (services.media_dir / name).read_bytes()
    return read_credentials(data, sniff_type(data), anchor(services))


async def test_every_rendition_of_an_upload_is_signed_and_trusted(services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("JPEG"), description="A heron at dawn")
    names = renditions(media)
    assert len(names) == 3  # original, display rendition, thumbnail
    for name in names:
        found = read(services, name)
        assert found.state == "Trusted", (name, found.failures)
        assert found.training_mining == RESERVED and found.legacy_training_mining == RESERVED
        assert found.creator_url == services.urls.actor("ana")
        assert found.digital_source_type.endswith("/digitalCreation")
        assert (services.media_dir / (name + ".c2pa")).is_file()


async def test_the_credentials_say_what_the_artist_declared_about_how_it_was_made(services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("JPEG"), description="x",
                               digital_source_type="trainedAlgorithmicMedia")
    assert media.digital_source_type.endswith("/trainedAlgorithmicMedia")
    for name in renditions(media):
        assert read(services, name).digital_source_type == media.digital_source_type


async def test_a_tampered_rendition_reads_invalid(services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("PNG", (900, 700)), description="x")
    data = (services.media_dir / media.file).read_bytes()
    at = len(data) // 2
    changed = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    assert read_credentials(changed, "image/png", anchor(services)).state == "Invalid"


async def test_an_upload_with_its_own_manifest_keeps_it_as_parent_of_every_rendition(services, make_artist):
    ana = await make_artist("ana")
    camera = other_authority("camera.example")
    shot = sign_image(image("JPEG"), "image/jpeg",
                      Facts(title="shot", actor_url="https://camera.example/", creator_name="Camera",
                            licence=licence(), digital_source_type=DIGITAL_CAPTURE), camera).data
    media = await upload_media(services, ana, shot, description="photo")
    for name in renditions(media):
        found = read(services, name)
        assert found.state == "Trusted", found.failures
        assert [(i["relationship"], i["signer"]) for i in found.ingredients] == \
            [("parentOf", "camera.example media signer")]
        assert found.digital_source_type == DIGITAL_CAPTURE


async def test_the_sidecar_is_served_and_announced_beside_the_licence_link(client, services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("WEBP", (800, 600)), description="x")
    response = await client.get(f"/media/{media.file}")
    assert response.status_code == 200
    link = response.headers["link"]
    assert 'rel="license"' in link  # the licence link is kept
    assert f'<{services.urls.media(media.file)}.c2pa>; rel="c2pa-manifest"' in link
    sidecar = await client.get(f"/media/{media.file}.c2pa")
    assert sidecar.status_code == 200
    assert sidecar.headers["content-type"] == "application/c2pa"
    assert sidecar.headers["tdm-reservation"] == "1"
    # The detached manifest alone proves the file: a server that stripped the embedded one loses nothing.
    found = read_credentials(response.content, "image/webp", anchor(services), manifest=sidecar.content)
    assert found.state == "Trusted" and found.training_mining == RESERVED
    # A sidecar of a file the database does not know is not served.
    assert (await client.get(f"/media/ana/{'0' * 24}.webp.c2pa")).status_code == 404
    assert (await client.get(f"/media/{media.file}.c2pa.c2pa")).status_code == 404


@pytest.mark.parametrize(("fmt", "frames"), [("JPEG", 1), ("PNG", 1), ("WEBP", 1), ("GIF", 2)])
async def test_a_licence_change_re_signs_every_rendition(services, make_artist, fmt, frames):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image(fmt, (1800, 1200), frames), description="x")
    before = renditions(media)
    for name in before:
        assert read(services, name).licence_url == ""  # all rights reserved: no licence link
    post = await create_status(services, ana, text="free to train on", media_ids=[str(media.id)],
                               licence_key="cc0-1.0")
    async with services.sessions() as session:
        row = await session.get(Media, media.id)
    assert row.post_id == post.id
    after = renditions(row)
    assert set(after).isdisjoint(before)
    for name in after:
        found = read(services, name)
        assert found.state == "Trusted", found.failures
        assert found.licence_url == CC0
        # The AI reservation is the artist's, whatever copyright licence the post takes.
        assert found.training_mining == RESERVED
        # The previous, signed version is the parent: the chain goes on.
        assert [i["relationship"] for i in found.ingredients] == ["parentOf"]
        assert (services.media_dir / (name + ".c2pa")).is_file()
    for name in before:
        assert not (services.media_dir / name).exists()
        assert not (services.media_dir / (name + ".c2pa")).exists()


async def test_deleting_files_removes_their_sidecars(services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("JPEG"), description="x")
    paths = [Path(services.media_dir / name) for name in renditions(media)]
    delete_files(services.storage, [media])
    for path in paths:
        assert not path.exists() and not path.with_name(path.name + ".c2pa").exists()


async def test_what_a_client_uploads_through_the_api_is_served_signed(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    response = await client.post("/api/v2/media", headers=await bearer(ana),
                                 files={"file": ("file", image("JPEG", (900, 600)), "application/octet-stream")},
                                 data={"description": "A heron"})
    assert response.status_code == 200
    for key in ("url", "preview_url"):
        served = await client.get(response.json()[key])
        assert served.status_code == 200
        found = read_credentials(served.content, "image/jpeg", anchor(services))
        assert found.state == "Trusted" and found.training_mining == RESERVED
        assert 'rel="c2pa-manifest"' in served.headers["link"]

"""Protected originals carry Content Credentials too: a large upload's federated rendition and its
full-resolution original both read back Trusted with the licence's do-not-train values, and deleting
the upload removes the original and its sidecar."""

from __future__ import annotations

from credentials_support import image

from fediart.actions.media import upload_media
from fediart.credentials.keys import credential_paths
from fediart.credentials.read import read_credentials
from fediart.credentials.sign import sniff_type
from fediart.media.store import delete_files

RESERVED = dict.fromkeys(["ai_training", "ai_generative_training", "ai_inference", "data_mining"], "notAllowed")


async def test_the_federated_rendition_and_the_original_are_signed_and_trusted(services, make_artist):
    ana = await make_artist("ana")
    media = await upload_media(services, ana, image("JPEG", size=(3000, 2000)), description="A heron")
    assert media.original_file and (media.width, media.height) == (2560, 1707)
    anchor = credential_paths(services.config).trust_anchor.read_bytes()
    for name in (media.file, media.original_file):
        data = (services.media_dir / name).read_bytes()
        found = read_credentials(data, sniff_type(data), anchor)
        assert found.state == "Trusted", (name, found.failures)
        assert found.training_mining == RESERVED
        assert (services.media_dir / (name + ".c2pa")).is_file()
    delete_files(services.storage, [media])
    assert not (services.media_dir / media.original_file).exists()
    assert not (services.media_dir / (media.original_file + ".c2pa")).exists()

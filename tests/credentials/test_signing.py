"""Signing and reading Content Credentials as pure functions: every stored format, the licence's
permissions, a tampered file, and a manifest the upload came with kept as parent ingredient."""

from __future__ import annotations

import pytest
from credentials_support import DIGITAL_CAPTURE, DIGITAL_CREATION, image, licence, other_authority, tamper

from fediart.credentials.manifest import Facts, training_mining
from fediart.credentials.read import read_credentials
from fediart.credentials.sign import sign_image, sniff_type
from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp
from fediart.media.images import process_upload

ACTOR = "https://art.example/users/ana"


def facts(lic=None, **options) -> Facts:
    return Facts(title="Heron", actor_url=ACTOR, creator_name="Ana Example", licence=lic or licence(), **options)


@pytest.fixture(scope="module")
def instance():
    return other_authority("art.example")


@pytest.mark.parametrize(("fmt", "frames"), [("JPEG", 1), ("PNG", 1), ("WEBP", 1), ("GIF", 2)])
def test_every_rendition_of_every_format_reads_back_trusted_with_its_xmp(instance, fmt, frames):
    stored = process_upload(image(fmt, (1800, 1200), frames), licence())
    for data in (stored.original, stored.thumbnail, stored.display):
        if data is None:
            continue
        kind = sniff_type(data)
        signed = sign_image(data, kind, facts(), instance)
        found = read_credentials(signed.data, kind, instance.anchor_pem)
        assert found.state == "Trusted"
        assert found.training_mining == dict.fromkeys(
            ["ai_training", "ai_generative_training", "ai_inference", "data_mining"], "notAllowed")
        assert found.legacy_training_mining == found.training_mining
        assert found.digital_source_type == DIGITAL_CREATION
        assert found.actions == ["c2pa.created"]
        assert (found.creator_url, found.creator_name) == (ACTOR, "Ana Example")
        # The licence XMP the pipeline wrote is inside the signed bytes, unchanged.
        assert embedded_xmp(signed.data) == embedded_xmp(data)
        assert read_xmp_rights(embedded_xmp(signed.data))["data_mining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
        # The detached manifest verifies the same file.
        assert read_credentials(signed.data, kind, instance.anchor_pem, manifest=signed.manifest).state == "Trusted"


def test_without_the_trust_anchor_the_signature_is_valid_but_not_trusted(instance):
    signed = sign_image(image(size=(300, 200)), "image/jpeg", facts(), instance)
    assert read_credentials(signed.data, "image/jpeg").state == "Valid"
    assert read_credentials(signed.data, "image/jpeg", other_authority().anchor_pem).state == "Valid"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_tampered_file_reads_invalid(instance, fmt):
    data = process_upload(image(fmt, (600, 400)), licence()).original
    kind = sniff_type(data)
    signed = sign_image(data, kind, facts(), instance)
    assert read_credentials(tamper(signed.data), kind, instance.anchor_pem).state == "Invalid"


def test_an_unsigned_file_has_no_credentials():
    assert read_credentials(image(size=(100, 80)), "image/jpeg") is None


@pytest.mark.parametrize(("reserved", "generative_only", "expected"), [
    (True, False, {"ai_training": "notAllowed", "ai_generative_training": "notAllowed",
                   "ai_inference": "notAllowed", "data_mining": "notAllowed"}),
    (True, True, {"ai_training": "allowed", "ai_generative_training": "notAllowed",
                  "ai_inference": "allowed", "data_mining": "allowed"}),
    (False, False, {"ai_training": "allowed", "ai_generative_training": "allowed",
                    "ai_inference": "allowed", "data_mining": "allowed"}),
])
def test_training_and_mining_follow_the_licence(instance, reserved, generative_only, expected):
    lic = licence("cc-by-4.0", reserved=reserved, generative_only=generative_only)
    assert training_mining(lic) == expected
    signed = sign_image(image(size=(300, 200)), "image/jpeg", facts(lic), instance)
    found = read_credentials(signed.data, "image/jpeg", instance.anchor_pem)
    assert found.training_mining == expected and found.legacy_training_mining == expected


def test_an_upload_carrying_a_manifest_keeps_it_as_parent_ingredient(instance):
    camera = other_authority("camera.example")
    shot = sign_image(image(size=(800, 600)), "image/jpeg",
                      Facts(title="shot", actor_url="https://camera.example/", creator_name="Camera",
                            licence=licence(), digital_source_type=DIGITAL_CAPTURE), camera).data
    thumbnail = process_upload(shot, licence()).thumbnail
    signed = sign_image(thumbnail, "image/jpeg", facts(), instance, parent=(shot, "image/jpeg"))
    found = read_credentials(signed.data, "image/jpeg", instance.anchor_pem)
    assert found.state == "Trusted"
    assert "c2pa.edited" in found.actions
    assert [(i["relationship"], i["signer"]) for i in found.ingredients] == [("parentOf", "camera.example media signer")]
    # How the picture was made comes from the camera's own manifest, intact in the chain.
    assert found.digital_source_type == DIGITAL_CAPTURE

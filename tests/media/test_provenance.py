"""Reading how an upload was made from its own metadata: IPTC DigitalSourceType in XMP (JPEG, PNG, WebP)
and the digitalSourceType of signed Content Credentials; which types are labelled AI-generated."""

import pytest
from ai_images import c2pa_jpeg_saying, jpeg_saying, png_saying, source_type_packet, webp_saying
from posting import jpeg

from fediart.media.provenance import (
    IPTC_BASE,
    DigitalSourceType,
    c2pa_source_type,
    is_ai_generated,
    normalise_source_type,
    read_source_type,
    xmp_source_type,
)

AI = IPTC_BASE + "trainedAlgorithmicMedia"


@pytest.mark.parametrize("make", [jpeg_saying, png_saying, webp_saying])
def test_iptc_digital_source_type_is_read_from_each_format(make):
    assert read_source_type(make("trainedAlgorithmicMedia")) == AI
    assert read_source_type(make("digitalCreation")) == IPTC_BASE + "digitalCreation"


def test_the_attribute_shorthand_of_xmp_is_read_too():
    assert read_source_type(jpeg_saying("compositeWithTrainedAlgorithmicMedia", as_attribute=True)) == (
        IPTC_BASE + "compositeWithTrainedAlgorithmicMedia")


def test_a_file_that_says_nothing_reads_empty():
    assert read_source_type(jpeg()) == ""
    assert read_source_type(b"not an image, though it says c2pa") == ""


def test_signed_content_credentials_are_read():
    signed = c2pa_jpeg_saying("trainedAlgorithmicMedia")
    assert c2pa_source_type(signed) == AI
    assert read_source_type(signed) == AI
    assert c2pa_source_type(c2pa_jpeg_saying("digitalCreation")) == IPTC_BASE + "digitalCreation"


def test_a_damaged_manifest_is_no_evidence_and_no_crash():
    signed = bytearray(c2pa_jpeg_saying("trainedAlgorithmicMedia"))
    start = signed.index(b"jumb")
    signed[start:start + 200] = bytes(200)  # the manifest store's boxes destroyed
    assert c2pa_source_type(bytes(signed)) == ""


def test_hostile_xmp_is_refused_quietly():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert xmp_source_type(bomb) == ""
    assert xmp_source_type(b"<unclosed") == ""
    assert xmp_source_type(source_type_packet("javascript:alert(1)")) == ""


@pytest.mark.parametrize("value, expected", [
    ("trainedAlgorithmicMedia", AI),
    ("TRAINEDALGORITHMICMEDIA", AI),
    (AI, AI),
    ("https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", AI),
    ("https://schema.org/TrainedAlgorithmicMediaDigitalSource", AI),
    ("schema:TrainedAlgorithmicMediaDigitalSource", AI),
    ("digitalArt", IPTC_BASE + "digitalCreation"),  # retired in 2024-Q3, read as its replacement
    ("minorHumanEdits", IPTC_BASE + "humanEdits"),
    ("https://evil.example/trainedAlgorithmicMedia", ""),
    ("madeUp", ""),
    (None, ""),
    (42, ""),
])
def test_names_urls_and_schema_org_members_normalise_to_iptc_urls(value, expected):
    assert normalise_source_type(value) == expected


def test_only_trained_model_output_is_labelled_ai_generated():
    labelled = {t for t in DigitalSourceType if is_ai_generated(t)}
    assert labelled == {DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA,
                        DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA}
    assert not is_ai_generated("") and not is_ai_generated(None)

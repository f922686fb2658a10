"""schema.org digitalSourceType out on our Image attachments and in from other servers' notes."""

import pytest
from ai_images import jpeg_saying
from fakes import signed_get
from helpers import AP_ACCEPT
from test_convert import image, note_for, post

from fediart.activitypub.jsonld import expand
from fediart.inbox.note_fields import attachments_of
from fediart.media.provenance import IPTC_BASE

AI = IPTC_BASE + "trainedAlgorithmicMedia"
HUMAN = IPTC_BASE + "digitalCreation"
AS = "https://www.w3.org/ns/activitystreams#"


def test_each_image_carries_its_digital_source_type_as_a_schema_org_iri():
    doc = note_for(post(), [image(digital_source_type=AI), image(id=4, position=1, digital_source_type="")])
    labelled, unknown = doc["attachment"]
    assert labelled["digitalSourceType"] == AI
    assert "digitalSourceType" not in unknown  # nobody said: nothing is claimed
    [node] = expand(doc)
    first = node[AS + "attachment"][0]
    assert first["http://schema.org/digitalSourceType"] == [{"@id": AI}]


async def test_a_served_note_says_how_its_image_was_made(client, services, make_artist, bearer, network):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    media = (await client.post("/api/v2/media", headers=headers, data={"description": "x"},
                               files={"file": ("f", jpeg_saying("trainedAlgorithmicMedia"), "image/jpeg")})).json()
    status = (await client.post("/api/v1/statuses", headers=headers,
                                data={"status": "made", "media_ids[]": [media["id"]]})).json()
    response = await signed_get(client, network.fetcher(), f"/users/ana/statuses/{status['id']}", AP_ACCEPT)
    assert response.json()["attachment"][0]["digitalSourceType"] == AI


@pytest.mark.parametrize("attachment_fields, note_fields, expected", [
    ({"digitalSourceType": AI}, {}, AI),
    ({"schema:digitalSourceType": "trainedAlgorithmicMedia"}, {}, AI),
    ({"http://schema.org/digitalSourceType": {"@id": AI}}, {}, AI),
    ({"https://schema.org/digitalSourceType": [{"id": HUMAN}]}, {}, HUMAN),
    ({"digitalSourceType": "https://schema.org/TrainedAlgorithmicMediaDigitalSource"}, {}, AI),
    ({}, {"digitalSourceType": AI}, AI),  # said once on the Note, for each image
    ({"digitalSourceType": HUMAN}, {"digitalSourceType": AI}, HUMAN),  # the image's own wins
    ({"digitalSourceType": "<script>x</script>"}, {}, None),
    ({"digitalSourceType": 7}, {}, None),
    ({}, {}, None),
])
def test_incoming_attachments_keep_a_normalised_digital_source_type(attachment_fields, note_fields, expected):
    [stored] = attachments_of({"attachment": [{"type": "Image", "url": "https://remote.example/a.png",
                                               **attachment_fields}], **note_fields})
    assert stored.get("digital_source_type") == expected

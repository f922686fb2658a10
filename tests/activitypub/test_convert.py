"""post_to_ap and the activity builders, without a database: addressing, tags, attachments, licence."""

from datetime import UTC, datetime

import pytest

from fediart.activitypub.convert import (
    addressing,
    create_activity,
    delete_activity,
    post_licence,
    post_to_ap,
    tombstone_to_ap,
    update_activity,
)
from fediart.activitypub.jsonld import expand
from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.for_account import account_licence
from fediart.store.tables import Account, Media, Post
from fediart.urls import Urls

URLS = Urls("https://art.example")
ANA = "https://art.example/users/ana"
FOLLOWERS = ANA + "/followers"
BOB = "https://remote.example/users/bob"
NOTE = ANA + "/statuses/7"
CC_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"
DMI = "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"
SCHEMA = "http://schema.org/"
DC_LICENSE = "http://purl.org/dc/terms/license"
AS = "https://www.w3.org/ns/activitystreams#"


def account(**fields) -> Account:
    values = {"id": 1, "username": "ana", "display_name": "Ana", "licence_key": "cc-by-nc-nd-4.0",
              "created_at": datetime(2026, 1, 2, tzinfo=UTC)}
    return Account(**{**values, **fields})


def post(**fields) -> Post:
    values = {"id": 7, "account_id": 1, "content": "<p>Heron study.</p>", "source": "Heron study.",
              "published": datetime(2026, 11, 25, 10, 0, 0), "tags": []}
    return Post(**{**values, **fields})


def image(**fields) -> Media:
    values = {"id": 3, "account_id": 1, "post_id": 7, "position": 0, "file": "ana/abc.jpg",
              "thumbnail_file": "ana/abc-small.jpg", "media_type": "image/jpeg", "thumbnail_media_type": "image/jpeg",
              "width": 1600, "height": 1200, "blurhash": "LKO2?U%2Tw=w]~RBVZRi};RPxuwH", "focal_x": 0.25,
              "focal_y": -0.5, "description": "Ink drawing of a grey heron"}
    return Media(**{**values, **fields})


def licence_of(acct: Account):
    return account_licence(acct, URLS, "art.example")


def note_for(p: Post, media=(), acct: Account | None = None, language: str = "en") -> dict:
    acct = acct or account()
    return post_to_ap(p, list(media), acct, URLS, post_licence(licence_of(acct), p.licence_key), language=language)


@pytest.mark.parametrize(("visibility", "to", "cc"), [
    ("public", [PUBLIC], [FOLLOWERS, BOB]),
    ("unlisted", [FOLLOWERS], [PUBLIC, BOB]),
    ("followers", [FOLLOWERS], [BOB]),
    ("direct", [BOB], []),
])
def test_addressing_follows_mastodon_for_every_visibility(visibility, to, cc):
    mention = {"type": "Mention", "href": BOB, "name": "@bob@remote.example"}
    note = note_for(post(visibility=visibility, tags=[mention]))
    assert (note["to"], note["cc"]) == (to, cc)
    activity = create_activity(note, licence_of(account()))
    assert (activity["to"], activity["cc"]) == (to, cc)
    assert PUBLIC == "https://www.w3.org/ns/activitystreams#Public"  # the full IRI, never "as:Public"


def test_addressing_refuses_unknown_visibility_and_deduplicates():
    assert addressing("direct", FOLLOWERS, [BOB, BOB]) == ([BOB], [])
    with pytest.raises(ValueError):
        addressing("secret", FOLLOWERS, [])


def test_note_has_mastodon_fields_and_licence_notice():
    note = note_for(post(in_reply_to="https://remote.example/users/bob/statuses/1"))
    assert note["@context"] == CONTEXT
    assert note["id"] == NOTE and note["type"] == "Note" and note["attributedTo"] == ANA
    assert note["url"] == "https://art.example/@ana/7"
    assert note["published"] == "2026-11-25T10:00:00Z"  # naive (SQLite) read as UTC
    assert note["inReplyTo"] == "https://remote.example/users/bob/statuses/1"
    assert note["summary"] is None and note["sensitive"] is False and "updated" not in note
    assert note["content"].startswith("<p>Heron study.</p>")
    assert note["content"].endswith(
        "<p>© 2026 Ana · CC BY-NC-ND 4.0 · not licensed for AI training · "
        '<a href="https://art.example/@ana/terms">terms</a></p>')
    assert note["contentMap"] == {"en": note["content"]}


def test_content_map_carries_the_language_given_and_expands_as_language_tagged_content():
    note = note_for(post(), language="pt-BR")
    assert note["contentMap"] == {"pt-BR": note["content"]}
    create = create_activity(note, licence_of(account()))
    assert create["object"]["contentMap"] == {"pt-BR": note["content"]}
    [node] = expand(note)
    assert {"@value": note["content"], "@language": "pt-br"} in [
        {**v, "@language": v["@language"].lower()} for v in node[AS + "content"] if "@language" in v]


def test_content_warning_makes_the_note_sensitive():
    note = note_for(post(summary="eye contact"))
    assert note["summary"] == "eye contact" and note["sensitive"] is True
    assert note_for(post(sensitive=True))["sensitive"] is True


def test_tags_are_emitted_as_stored():
    tags = [{"type": "Mention", "href": BOB, "name": "@bob@remote.example"},
            {"type": "Hashtag", "href": "https://art.example/tags/ink", "name": "#Ink"}]
    assert note_for(post(tags=tags))["tag"] == tags


def test_attachment_carries_alt_in_name_and_summary_and_the_image_licence():
    note = note_for(post(), [image(position=1, file="ana/b.png", media_type="image/png", description=""), image()])
    first, second = note["attachment"]  # ordered by position
    assert first["type"] == "Image" and first["mediaType"] == "image/jpeg"
    assert first["url"] == "https://art.example/media/ana/abc.jpg"
    assert first["name"] == first["summary"] == "Ink drawing of a grey heron"
    assert (first["width"], first["height"]) == (1600, 1200)
    assert first["blurhash"] == "LKO2?U%2Tw=w]~RBVZRi};RPxuwH"
    assert first["focalPoint"] == [0.25, -0.5]
    assert first["license"] == CC_NC_ND and first["dataMining"] == DMI and first["tdmReservation"] == 1
    assert first["contentUsage"] == "train-ai=n, search=n"
    assert "searchableBy" not in first and "xRobotsTag" not in first
    assert second["name"] is None and second["summary"] is None  # no alt given: null, as Mastodon sends


def test_licence_terms_on_note_and_every_activity():
    acct = account()
    licence = licence_of(acct)
    note = note_for(post(updated=datetime(2026, 11, 26, 8, 30, tzinfo=UTC)), [image()])
    create = create_activity(note, licence)
    update = update_activity(note, licence)
    delete = delete_activity(post(), acct, URLS, licence)
    for doc in (note, create, update, delete, delete["object"]):
        assert doc["license"] == CC_NC_ND and doc["tdmReservation"] == 1
        assert doc["xRobotsTag"] == "noai, noimageai, noarchive, noindex"
        assert doc["tdmPolicy"] == "https://art.example/@ana/tdm-policy.json"
        assert doc["searchableBy"] == [ANA]
    assert create["id"] == NOTE + "/activity" and create["actor"] == ANA
    assert create["object"]["id"] == NOTE and "@context" not in create["object"]
    assert update["id"] == f"{NOTE}#updates/{int(datetime(2026, 11, 26, 8, 30, tzinfo=UTC).timestamp())}"
    assert update["object"]["updated"] == "2026-11-26T08:30:00Z"
    assert delete["id"] == NOTE + "#delete" and delete["to"] == [PUBLIC]
    assert delete["object"]["type"] == "Tombstone" and delete["object"]["atomUri"] == NOTE


def test_update_needs_an_edit_time():
    with pytest.raises(ValueError):
        update_activity(note_for(post()), licence_of(account()))


def test_per_post_licence_overrides_the_licence_but_not_the_reservation():
    acct = account(licence_key="all-rights-reserved")
    mine = note_for(post(), [image()], acct)
    # FEP-6757 wants a licence IRI; with all rights reserved it is the artist's terms page.
    assert mine["license"] == "https://art.example/@ana/terms" and "All rights reserved" in mine["content"]
    shared = note_for(post(licence_key="cc-by-4.0"), [image()], acct)
    assert shared["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert shared["attachment"][0]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in shared["content"]
    assert shared["tdmReservation"] == 1 and shared["attachment"][0]["dataMining"] == DMI
    assert post_licence(licence_of(acct), None) == post_licence(licence_of(acct), "all-rights-reserved")


def test_documents_expand_without_undefined_terms():
    acct = account()
    licence = licence_of(acct)
    note = note_for(post(summary="cw", tags=[{"type": "Hashtag", "href": "https://art.example/tags/ink",
                                               "name": "#ink"}]), [image()])
    tomb = tombstone_to_ap(NOTE, "Note", datetime(2026, 12, 1, tzinfo=UTC), ANA, licence)
    for doc in (note, create_activity(note, licence), delete_activity(post(), acct, URLS, licence), tomb):
        [node] = expand(doc)
        stack = [node]
        while stack:
            current = stack.pop()
            assert not [k for k in current if k.startswith("_:")], current
            for values in current.values():
                stack += [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []
            assert SCHEMA + "license" not in current
            if DC_LICENSE in current:
                assert current[DC_LICENSE] == [{"@id": CC_NC_ND}]
    [node] = expand(note)
    [attachment] = node[AS + "attachment"]
    assert attachment["http://ns.useplus.org/ldf/xmp/1.0/DataMining"] == [{"@id": DMI}]
    assert attachment[AS + "name"] == [{"@value": "Ink drawing of a grey heron"}]
    assert attachment["http://joinmastodon.org/ns#blurhash"] == [{"@value": "LKO2?U%2Tw=w]~RBVZRi};RPxuwH"}]
    assert attachment["http://joinmastodon.org/ns#focalPoint"] == [{"@list": [{"@value": 0.25}, {"@value": -0.5}]}]


def test_fep_6757_and_5e53_terms_on_the_note_and_each_image_expand_to_their_iris():
    note = note_for(post(), [image()])
    assert note["license"] == note["attachment"][0]["license"] == CC_NC_ND
    assert note["xRobotsTag"] == "noai, noimageai, noarchive, noindex"
    [node] = expand(note)
    assert node[DC_LICENSE] == [{"@id": CC_NC_ND}]
    assert node["https://w3id.org/fediart/ns#xRobotsTag"] == [{"@value": "noai, noimageai, noarchive, noindex"}]
    [attachment] = node[AS + "attachment"]
    assert attachment["@type"] == [AS + "Image"] and attachment[DC_LICENSE] == [{"@id": CC_NC_ND}]

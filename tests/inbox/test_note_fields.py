"""inbox/note_fields.py: a remote note's fields as stored, from the shapes servers send."""

from fediart.inbox.note_fields import PUBLIC_FORMS, licence_of, note_fields_from_ap, visibility_of

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = "https://remote.example/users/bob/followers"


def test_visibility_is_read_from_the_addressing():
    assert visibility_of({"to": [PUBLIC], "cc": [FOLLOWERS]}, FOLLOWERS) == "public"
    assert visibility_of({"to": "as:Public"}, FOLLOWERS) == "public"  # a single string, compacted
    assert visibility_of({"to": [FOLLOWERS], "cc": [PUBLIC]}, FOLLOWERS) == "unlisted"
    assert visibility_of({"to": [FOLLOWERS], "cc": ["https://art.example/users/ana"]}, FOLLOWERS) == "followers"
    assert visibility_of({"to": ["https://art.example/users/ana"]}, FOLLOWERS) == "direct"
    assert visibility_of({"to": [FOLLOWERS]}, None) == "direct"  # followers of whom, we cannot tell
    assert "Public" in PUBLIC_FORMS


def test_fields_from_a_mastodon_shaped_note():
    fields = note_fields_from_ap({
        "content": "<p>x<script>bad()</script></p>", "contentMap": {"pt-BR": "<p>x</p>"}, "sensitive": True,
        "url": {"type": "Link", "href": "https://remote.example/@bob/1"},
        "to": [PUBLIC],
        "attachment": [
            {"type": "Document", "mediaType": "image/jpeg", "url": "https://remote.example/a.jpg", "name": "alt",
             "blurhash": "UBL", "width": 640, "height": 480, "focalPoint": [2, -0.5]},
            {"type": "Document", "url": "javascript:alert(1)"},  # not http(s): dropped
            {"type": "Image", "url": [{"type": "Link", "href": "https://remote.example/b.png",
                                       "mediaType": "image/png"}], "summary": "pixelfed alt", "width": True},
        ],
        "tag": [{"type": "Hashtag", "name": "#Ink"}, {"type": "Hashtag", "name": "#ink"},
                {"type": "Mention", "href": "https://art.example/users/ana"}, {"type": "Emoji", "name": ":x:"}],
    }, FOLLOWERS)
    assert fields["content"] == "<p>x</p>" and fields["language"] == "pt-BR" and fields["sensitive"] is True
    assert fields["url"] == "https://remote.example/@bob/1" and fields["visibility"] == "public"
    first, second = fields["attachments"]
    assert first == {"url": "https://remote.example/a.jpg", "media_type": "image/jpeg", "description": "alt",
                     "blurhash": "UBL", "width": 640, "height": 480, "focal_x": 1.0, "focal_y": -0.5}
    assert second["url"] == "https://remote.example/b.png" and second["description"] == "pixelfed alt"
    assert second["width"] is None  # a boolean is not a size
    assert fields["tags"] == ["Ink"] and fields["mentions"] == ["https://art.example/users/ana"]
    # No terms sent: nothing raw kept, and the parsed signals say "not searchable" (FEP-5feb default).
    assert fields["licence"]["raw"] == {} and fields["licence"]["signals"]["search"] == "unknown"


def test_licence_terms_are_kept_as_sent_under_any_prefix():
    note = {"id": "x", "license": "https://creativecommons.org/licenses/by/4.0/",
            "schema:usageInfo": {"id": "https://remote.example/terms"},
            "http://schema.org/copyrightNotice": "© Bob", "fediart:contentUsage": "train-ai=n",
            "tdmReservation": 1, "odrl:hasPolicy": {"type": "Offer"}, "content": "not a licence"}
    assert licence_of(note) == {key: value for key, value in note.items() if key not in ("id", "content")}
    stored = note_fields_from_ap(note, None)["licence"]
    assert stored["raw"] == {key: value for key, value in note.items() if key not in ("id", "content")}
    assert stored["signals"]["ai_training"] == "denied" and stored["signals"]["licence_url"] == note["license"]

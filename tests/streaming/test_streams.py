"""Stream names as clients send them, and how messages name them back."""

from __future__ import annotations

import pytest

from fediart.streaming.streams import Stream, StreamError, StreamName


def test_known_streams_and_their_labels():
    assert Stream.parse("user").label == ["user"]
    assert Stream.parse("user:notification").carries_statuses is False
    assert Stream.parse("public:local").carries_notifications is False
    tagged = Stream.parse("hashtag:local", "#Ink")
    assert (tagged.name, tagged.label) == (StreamName.HASHTAG_LOCAL, ["hashtag:local", "Ink"])


@pytest.mark.parametrize(("name", "tag", "error"), [
    ("local", None, "Unknown stream type"),  # Ice Cubes' name for public:local is not Mastodon's
    (None, None, "Unknown stream type"),
    ("hashtag", None, "No tag for stream provided"),
    ("hashtag", "#", "No tag for stream provided"),
    ("hashtag", ["ink"], "No tag for stream provided"),
    ("hashtag", "x" * 101, "No tag for stream provided"),
])
def test_unknown_streams_and_missing_tags_are_refused(name, tag, error):
    with pytest.raises(StreamError, match=error) as refused:
        Stream.parse(name, tag)
    assert refused.value.status == 400

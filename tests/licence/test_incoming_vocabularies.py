"""The incoming licence parser, one captured-shape document per server (tests/licence/data/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fediart.licence.incoming import Permission, Signals, parse_level, parse_object

DATA = Path(__file__).parent / "data"
CASES = sorted(DATA.glob("*.json"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_server_shape(path):
    case = json.loads(path.read_text())
    signals = parse_object(case["object"], case["actor"])
    expected = case["expected"]
    for key in ("licence_url", "licence_name", "copyright", "credit", "data_mining", "tdm_reserved", "noarchive"):
        if key in expected:
            assert getattr(signals, key) == expected[key], key
    assert signals.ai_training == Permission(expected["ai_training"])
    assert signals.search == Permission(expected["search"])
    assert sorted({s.vocabulary for s in signals.sources}) == expected["vocabularies"]
    assert Signals.from_json(json.loads(json.dumps(signals.to_json()))) == signals


def test_there_is_a_document_per_shape():
    assert {p.stem for p in CASES} >= {"mastodon_note_not_indexable", "mastodon_actor_indexable", "peertube_video",
                                       "funkwhale_track", "pixelfed_note", "tdm_signals", "searchable_by_only",
                                       "expanded_iris", "dcterms_fep6757"}


def test_object_licence_beats_actor_and_deny_beats_allow():
    actor = {"license": "https://creativecommons.org/licenses/by/4.0/", "tdmReservation": 0, "indexable": True}
    obj = {"license": "https://creativecommons.org/licenses/by-nc-nd/4.0/", "contentUsage": "train-ai=n"}
    signals = parse_object(obj, actor)
    assert signals.licence_url.endswith("/by-nc-nd/4.0/")
    assert signals.ai_training == Permission.DENIED  # the actor allowed it, the object denies it
    assert signals.tdm_reserved is False
    assert signals.searchable


def test_actor_licence_inherited_when_object_states_none():
    signals = parse_object({"type": "Note"}, {"license": "https://creativecommons.org/licenses/by-sa/4.0/"})
    assert signals.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert signals.licence_name == "CC BY-SA 4.0"


def test_one_attachment_forbidding_training_makes_the_post_forbid_it():
    obj = {"tdmReservation": 0, "attachment": [{"type": "Image"}, {"type": "Image", "xRobotsTag": "noai"}]}
    assert parse_object(obj).ai_training == Permission.DENIED


def test_searchable_by_wins_over_indexable_and_empty_list_is_unset():
    assert parse_level({"indexable": False, "searchableBy": ["as:Public"]}, "object").search == Permission.ALLOWED
    assert parse_level({"indexable": True, "searchableBy": []}, "object").search == Permission.ALLOWED
    assert parse_level({"indexable": True, "searchableBy": "https://x.example/u"}, "object").search == Permission.DENIED
    # An explicit noindex beats an opt-in.
    assert parse_level({"indexable": True, "xRobotsTag": "noindex"}, "object").search == Permission.DENIED


def test_missing_indexable_is_not_searchable():
    assert not parse_object({"type": "Note"}, {"type": "Person"}).searchable


@pytest.mark.parametrize("value, ai, search", [
    ("train-ai=n", "denied", "unknown"),
    ("train-ai=y, search=n", "allowed", "denied"),
    ("TRAIN-GENAI = n ; search = y", "denied", "allowed"),
    ("nonsense, =, train-ai", "unknown", "unknown"),
    ("train-ai=maybe", "unknown", "unknown"),
])
def test_content_usage_parsed_robustly(value, ai, search):
    signals = parse_level({"contentUsage": value}, "object")
    assert (signals.ai_training, signals.search) == (Permission(ai), Permission(search))


@pytest.mark.parametrize("value, denied", [
    ("DMI-PROHIBITED-AIMLTRAINING", True), ("http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED", True),
    ("plus:DMI-ALLOWED", False), ("DMI-UNSPECIFIED", False),
])
def test_iptc_data_mining(value, denied):
    assert parse_level({"dataMining": value}, "attachment").ai_training_denied is denied


@pytest.mark.parametrize("identifier, url", [
    ("1", "https://creativecommons.org/licenses/by/4.0/"), (6, "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    ("7", "https://creativecommons.org/publicdomain/mark/1.0/"), ("99", None), ({"x": 1}, None),
])
def test_peertube_ids(identifier, url):
    assert parse_level({"licence": {"identifier": identifier}}, "object").licence_url == url


def test_pixelfed_all_rights_reserved():
    signals = parse_object({"attachment": [{"license": "All Rights Reserved"}]})
    assert signals.all_rights_reserved and signals.licence_url is None and signals.licence_name == "All rights reserved"


@pytest.mark.parametrize("hostile", [
    None, 7, "text", [], {"license": {"@id": {"@id": [1, 2]}}}, {"license": [[[[["x"]]]]]},
    {"licence": {"identifier": "9" * 5000}}, {"tdmReservation": [{}] * 100_000},
    {"xRobotsTag": [None, 3, {"a": 1}, "noai"] * 10_000}, {"contentUsage": "train-ai=n," * 100_000},
    {"searchableBy": {"nested": {"deep": True}}}, {"attachment": [{"license": 5}] * 10_000},
    {"dataMining": {"@value": None}}, {"indexable": "yes"}, {1: 2, "copyright": ["a"]},
])
def test_hostile_input_never_raises(hostile):
    signals = parse_object(hostile, hostile)
    assert isinstance(signals, Signals)
    assert len(signals.sources) < 100


def test_from_json_tolerates_old_or_broken_rows():
    assert Signals.from_json(None) == Signals()
    assert Signals.from_json({"ai_training": "bogus"}) == Signals()

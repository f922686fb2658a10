"""Shared blocklist files: Mastodon's CSV, plain lists and the public API's JSON read and written
(fediart/policy/blocklists.py), and the import plan a dry run prints (fediart/policy/import_plan.py)."""

import csv
import hashlib
import io
import json

import pytest

from fediart.policy.blocklists import CSV_HEADER, BlocklistError, Entry, detect_format, parse, serialise
from fediart.policy.import_plan import plan_import, render_plan
from fediart.store.states import DomainSeverity

HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"

# As Mastodon 4.x writes its export: the exact header, booleans as true/false, CSV quoting.
MASTODON_EXPORT = f"""{HEADER}
spam.example,suspend,false,false,Spam and harassment,false
Limited.Example.,silence,true,true,"Scraping, reposting art",true
bücher.example,noop,true,false,,false
"""


def test_mastodon_export_reads_with_every_column():
    parsed = parse(MASTODON_EXPORT)
    assert parsed.notes == []
    assert parsed.entries == [
        Entry("spam.example", DomainSeverity.SUSPEND, False, False, False, "Spam and harassment"),
        Entry("limited.example", DomainSeverity.SILENCE, True, True, True, "Scraping, reposting art"),
        Entry("xn--bcher-kva.example", DomainSeverity.NOOP, True, False, False, ""),
    ]


def test_csv_defaults_severity_to_suspend_and_flags_to_false_and_reads_columns_by_name():
    text = "#public_comment,#domain\nrude,a.example\n\n,b.example\n"
    assert parse(text).entries == [Entry("a.example", public_comment="rude"), Entry("b.example")]


def test_export_is_mastodons_format_and_reads_back_the_same():
    entries = parse(MASTODON_EXPORT).entries
    written = serialise(entries, "csv")
    assert written.splitlines()[0] == HEADER == ",".join(CSV_HEADER)
    assert written.splitlines()[2] == 'limited.example,silence,true,true,"Scraping, reposting art",true'
    assert list(csv.reader(io.StringIO(written)))[3] == ["xn--bcher-kva.example", "noop", "true", "false", "", "false"]
    assert parse(written).entries == entries
    assert parse(serialise(entries, "plain")).entries == [Entry(e.domain) for e in entries]
    as_json = json.loads(serialise(entries, "json"))
    assert as_json[1] == {"domain": "limited.example", "severity": "silence", "comment": "Scraping, reposting art",
                          "digest": hashlib.sha256(b"limited.example").hexdigest()}
    assert [(e.domain, e.severity, e.public_comment) for e in parse(serialise(entries, "json")).entries] == \
        [(e.domain, e.severity, e.public_comment) for e in entries]


def test_plain_lists_skip_comments_and_blank_lines():
    text = "# shared list v3\n\nspam.example\n  *.bad.example  # the whole family\nEXAMPLE.ORG.\n"
    assert [e.domain for e in parse(text).entries] == ["spam.example", "bad.example", "example.org"]
    assert all(e.severity == DomainSeverity.SUSPEND for e in parse(text).entries)


def test_json_in_the_public_api_shape_skips_obfuscated_domains_with_a_note():
    text = json.dumps([
        {"domain": "spam.example", "digest": "x", "severity": "suspend", "comment": "spam"},
        {"domain": "s*m.example", "digest": "y", "severity": "suspend", "comment": None},
        {"domain": "quiet.example", "digest": "z", "severity": "silence", "comment": None},
    ])
    parsed = parse(text)
    assert parsed.entries == [Entry("spam.example", public_comment="spam"),
                              Entry("quiet.example", DomainSeverity.SILENCE)]
    assert parsed.notes == ["entry 2: s*m.example is obfuscated; skipped"]


@pytest.mark.parametrize("text, fmt", [(MASTODON_EXPORT, "csv"), ("\ufeff" + MASTODON_EXPORT, "csv"),
                                       ("spam.example\n", "plain"), ("# list\nspam.example\n", "plain"),
                                       (' [{"domain": "a.example"}]', "json")])
def test_the_format_is_told_from_the_text(text, fmt):
    assert detect_format(text.removeprefix("\ufeff")) == fmt
    assert parse(text).entries  # and auto reads it


@pytest.mark.parametrize("text, fmt, message", [
    (f"{HEADER}\nok.example,suspend\nbad/example,suspend\n", "auto", "line 3: not a bare domain name: 'bad/example'"),
    (f"{HEADER}\nok.example,obliterate\n", "auto", "line 2: severity must be suspend, silence or noop"),
    (f"{HEADER}\nok.example,suspend,maybe\n", "auto", "line 2: #reject_media must be true or false, not 'maybe'"),
    (f"{HEADER}\n,suspend\n", "auto", "line 2: the #domain cell is empty"),
    ("domain,severity\nok.example,suspend\n", "csv", "line 1: a Mastodon CSV starts with the header"),
    ("ok.example,suspend\n", "auto", "line 1: 'ok.example,suspend' is not a bare domain name (a Mastodon CSV"),
    ("ok.example\n\n10.0.0.1\n", "plain", "line 3: an IP address is not a domain: '10.0.0.1'"),
    ('[{"domain": "ok.example"},\n {"domain": 7}]', "auto", 'entry 2: not an object with a "domain" string'),
    ('[{"domain": "ok.example"},\n {"domain": }]', "auto", "line 2: not valid JSON"),
    ('{"domain": "ok.example"}', "json", "the JSON must be a list"),
    ('[{"domain": "ok.example", "severity": "banish"}]', "json", "entry 1: severity must be suspend"),
])
def test_a_malformed_list_names_the_line_and_the_reason(text, fmt, message):
    with pytest.raises(BlocklistError) as caught:
        parse(text, fmt)
    assert str(caught.value).startswith(message), str(caught.value)


def test_more_entries_than_the_limit_is_refused_not_cut_short():
    text = "".join(f"d{i}.example\n" for i in range(11))
    assert len(parse(text, limit=11).entries) == 11
    with pytest.raises(BlocklistError, match="more than 10 entries"):
        parse(text, limit=10)


def test_a_domain_listed_twice_keeps_the_first_entry_and_says_so():
    parsed = parse(f"{HEADER}\na.example,silence\nA.example.,suspend\n")
    assert parsed.entries == [Entry("a.example", DomainSeverity.SILENCE)]
    assert parsed.notes == ["line 3: a.example is listed again (first at line 2); the first entry is used"]


def test_the_plan_adds_keeps_and_with_overwrite_changes_field_by_field():
    current = {"same.example": Entry("same.example"),
               "limited.example": Entry("limited.example", DomainSeverity.SILENCE, public_comment="old")}
    entries = [Entry("same.example"), Entry("new.example", reject_media=True),
               Entry("limited.example", DomainSeverity.SUSPEND, public_comment="")]
    kept = plan_import(current, entries, overwrite=False)
    assert [e.domain for e in kept.added] == ["new.example"] and kept.unchanged == 1 and not kept.changed
    assert render_plan(kept) == [
        "+ new.example suspend (reject_media)",
        "= 1 existing rule(s) differ from the list and are kept (--overwrite replaces them):",
        '  limited.example  severity: silence → suspend; public_comment: old → ""',
        "= 1 unchanged"]
    overwritten = plan_import(current, entries, overwrite=True)
    assert render_plan(overwritten)[1] == '~ limited.example  severity: silence → suspend; public_comment: old → ""'
    assert not overwritten.kept

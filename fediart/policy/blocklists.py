"""Shared blocklist files read and written: Mastodon's CSV, plain one-domain-a-line lists, and the JSON
of /api/v1/instance/domain_blocks. Pure text in, entries out (and back); no database, no network.

A malformed list is refused as a whole, with the line (or JSON entry) and the reason, so that an import
never applies half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from fediart.policy.hosts import BadDomain, normalise_domain
from fediart.store.states import BlocklistFormat, DomainSeverity

# Mastodon's export header, column for column; its import requires the #domain column.
CSV_HEADER = ("#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate")
MAX_COMMENT = 1000  # DomainBlock.public_comment's length
DEFAULT_LIMIT = 20_000  # Mastodon's ROWS_PROCESSING_LIMIT for one import

_TRUE = {"true", "t", "1", "yes", "y", "on"}
_FALSE = {"false", "f", "0", "no", "n", "off", ""}
# "limit" is what Mastodon's interface and GoToSocial call a silence.
_SEVERITIES = {"suspend": DomainSeverity.SUSPEND, "silence": DomainSeverity.SILENCE,
               "limit": DomainSeverity.SILENCE, "noop": DomainSeverity.NOOP}


class BlocklistError(ValueError):
    """The list cannot be read; the message names where (line or entry) and why."""


@dataclass(frozen=True)
class Entry:
    """One rule a list asks for, its domain normalised."""

    domain: str
    severity: DomainSeverity = DomainSeverity.SUSPEND
    reject_media: bool = False
    reject_reports: bool = False
    obfuscate: bool = False
    public_comment: str = ""


@dataclass
class Parsed:
    """A list's entries in file order (each domain once), and notes on what was skipped."""

    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def detect_format(text: str) -> BlocklistFormat:
    """JSON if it opens with `[`, Mastodon CSV if its first line names #domain, plain otherwise."""
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("["):
        return BlocklistFormat.JSON
    first = body.split("\n", 1)[0]
    if "#domain" in first.lower():
        return BlocklistFormat.CSV
    return BlocklistFormat.PLAIN


def parse(text: str, fmt: str = "auto", *, limit: int = DEFAULT_LIMIT) -> Parsed:
    """The entries of a list in `fmt` (csv, plain, json or auto), or BlocklistError.

    More than `limit` entries is an error too: a list that large is refused, not cut short.
    """
    text = text.removeprefix("\ufeff")
    chosen = detect_format(text) if fmt == "auto" else BlocklistFormat(fmt)
    reader = {BlocklistFormat.CSV: _parse_csv, BlocklistFormat.PLAIN: _parse_plain,
              BlocklistFormat.JSON: _parse_json}[chosen]
    parsed = Parsed()
    seen: dict[str, str] = {}
    for where, entry in reader(text, parsed.notes):
        if entry.domain in seen:
            # The first entry stands, as in file order; the repeat is said, not silently merged.
            parsed.notes.append(f"{where}: {entry.domain} is listed again (first at {seen[entry.domain]}); "
                                "the first entry is used")
            continue
        seen[entry.domain] = where
        parsed.entries.append(entry)
        if len(parsed.entries) > limit:
            raise BlocklistError(f"the list has more than {limit:,} entries (the limit; "
                                 "pass a bigger --limit to import it)")
    return parsed


def _domain(text: str, where: str) -> str:
    try:
        return normalise_domain(text)
    except BadDomain as exc:
        raise BlocklistError(f"{where}: {exc}") from None


def _severity(text: str, where: str) -> DomainSeverity:
    value = text.strip().lower()
    if not value:
        return DomainSeverity.SUSPEND  # Mastodon's import default
    if value not in _SEVERITIES:
        raise BlocklistError(f"{where}: severity must be suspend, silence or noop, not {text[:40]!r}")
    return _SEVERITIES[value]


def _flag(text: str, column: str, where: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BlocklistError(f"{where}: {column} must be true or false, not {text[:40]!r}")


def _parse_csv(text: str, notes: list[str]):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or "#domain" not in [cell.strip().lower() for cell in header]:
            raise BlocklistError("line 1: a Mastodon CSV starts with the header "
                                 f"{','.join(CSV_HEADER)} (the #domain column is required)")
        columns = {cell.strip().lower(): index for index, cell in enumerate(header)}

        for row in reader:
            where = f"line {reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue

            def cell(name: str) -> str:
                index = columns.get(name)
                return row[index] if index is not None and index < len(row) else ""

            if not cell("#domain").strip():
                raise BlocklistError(f"{where}: the #domain cell is empty")
            yield where, Entry(
                domain=_domain(cell("#domain"), where),
                severity=_severity(cell("#severity"), where),
                reject_media=_flag(cell("#reject_media"), "#reject_media", where),
                reject_reports=_flag(cell("#reject_reports"), "#reject_reports", where),
                obfuscate=_flag(cell("#obfuscate"), "#obfuscate", where),
                public_comment=cell("#public_comment").strip()[:MAX_COMMENT],
            )
    except csv.Error as exc:
        raise BlocklistError(f"line {reader.line_num}: not valid CSV ({exc})") from None


def _parse_plain(text: str, notes: list[str]):
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()  # a # starts a comment, on its own line or after a domain
        if not name:
            continue
        where = f"line {number}"
        if "," in name:
            raise BlocklistError(f"{where}: {name[:80]!r} is not a bare domain name (a Mastodon CSV must "
                                 f"start with its header {','.join(CSV_HEADER)})")
        yield where, Entry(domain=_domain(name, where))


def _parse_json(text: str, notes: list[str]):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BlocklistError(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(document, list):
        raise BlocklistError("the JSON must be a list of {\"domain\", \"severity\", \"comment\"} objects")
    for number, item in enumerate(document, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict) or not isinstance(item.get("domain"), str):
            raise BlocklistError(f"{where}: not an object with a \"domain\" string")
        if "*" in item["domain"]:
            # The public API masks an obfuscated domain; only its digest names it, and that cannot be reversed.
            notes.append(f"{where}: {item['domain'][:80]} is obfuscated; skipped")
            continue
        severity, comment = item.get("severity", ""), item.get("comment") or ""
        if not isinstance(severity, str) or not isinstance(comment, str):
            raise BlocklistError(f"{where}: \"severity\" and \"comment\" must be strings")
        yield where, Entry(domain=_domain(item["domain"], where), severity=_severity(severity, where),
                           public_comment=comment.strip()[:MAX_COMMENT])


def serialise(entries: list[Entry], fmt: str) -> str:
    """The entries as a file in `fmt`: Mastodon's CSV, one domain a line, or the public API's JSON."""
    chosen = BlocklistFormat(fmt)
    if chosen == BlocklistFormat.PLAIN:
        return "".join(f"{entry.domain}\n" for entry in entries)
    if chosen == BlocklistFormat.JSON:
        # The admin's own file: real names (the public API would mask obfuscated ones).
        return json.dumps([{"domain": e.domain, "digest": hashlib.sha256(e.domain.encode()).hexdigest(),
                            "severity": str(e.severity), "comment": e.public_comment} for e in entries],
                          indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([e.domain, str(e.severity), _bool(e.reject_media), _bool(e.reject_reports),
                         e.public_comment, _bool(e.obfuscate)])
    return out.getvalue()


def _bool(value: bool) -> str:
    return "true" if value else "false"

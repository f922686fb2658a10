"""Licence signals on incoming ActivityPub documents: a pure parser, no database and no network.

Reads every vocabulary other servers use to state terms (fediart's own, schema.org and dcterms `license`,
PeerTube `licence`, Funkwhale `license` + `copyright`, Pixelfed attachment `license` titles, TDMRep,
AIPREF `contentUsage`, FEP-5e53 `xRobotsTag`, IPTC `dataMining`, Mastodon `indexable`/`discoverable`,
FEP-268d `searchableBy`), by compacted names and by full IRIs. Levels combine actor → object →
attachment: for permissions the most restrictive wins (deny > allow > unknown); the licence URL comes
from the most specific level that states one. Remote input is hostile: nothing here raises on it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

PUBLIC_FORMS = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
TEXT_MAX = 500  # characters kept of any remote value (names, notices, raw values shown to people)
LIST_MAX = 16  # items read of any list value; a flood of values must not cost more
IPTC_VOCAB = "http://ns.useplus.org/ldf/vocab/"
_CC = "https://creativecommons.org/licenses/"
PUBLIC_DOMAIN_MARK = "https://creativecommons.org/publicdomain/mark/1.0/"

# PeerTube's licence ids (server/initializers/constants.ts VIDEO_LICENCES).
PEERTUBE_LICENCES = {
    1: ("CC BY 4.0", _CC + "by/4.0/"),
    2: ("CC BY-SA 4.0", _CC + "by-sa/4.0/"),
    3: ("CC BY-ND 4.0", _CC + "by-nd/4.0/"),
    4: ("CC BY-NC 4.0", _CC + "by-nc/4.0/"),
    5: ("CC BY-NC-SA 4.0", _CC + "by-nc-sa/4.0/"),
    6: ("CC BY-NC-ND 4.0", _CC + "by-nc-nd/4.0/"),
    7: ("Public Domain", PUBLIC_DOMAIN_MARK),
}
# Pixelfed's licence titles (app/Util/Media/License.php), lower-cased; None: all rights reserved.
PIXELFED_TITLES: dict[str, tuple[str, str | None]] = {
    "all rights reserved": ("All rights reserved", None),
    "public domain work": ("Public Domain", PUBLIC_DOMAIN_MARK),
    "public domain dedication (cc0)": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "cc0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "cc by": ("CC BY 4.0", _CC + "by/4.0/"),
    "cc by-sa": ("CC BY-SA 4.0", _CC + "by-sa/4.0/"),
    "cc by-nd": ("CC BY-ND 4.0", _CC + "by-nd/4.0/"),
    "cc by-nc": ("CC BY-NC 4.0", _CC + "by-nc/4.0/"),
    "cc by-nc-sa": ("CC BY-NC-SA 4.0", _CC + "by-nc-sa/4.0/"),
    "cc by-nc-nd": ("CC BY-NC-ND 4.0", _CC + "by-nc-nd/4.0/"),
}
_ROBOTS_DENY_AI = {"noai", "noimageai"}
_AIPREF_AI_KEYS = {"train-ai", "train-genai", "ai-train", "ai"}


class Permission(StrEnum):
    """What a level of a document says about one use."""

    ALLOWED = "allowed"
    DENIED = "denied"
    UNKNOWN = "unknown"


def _stricter(a: Permission, b: Permission) -> Permission:
    """Deny beats allow beats unknown."""
    for level in (Permission.DENIED, Permission.ALLOWED):
        if level in (a, b):
            return level
    return Permission.UNKNOWN


@dataclass(frozen=True)
class Source:
    """One signal as found: where, in which vocabulary, its raw value and what it means."""

    level: str  # "actor", "object" or "attachment"
    vocabulary: str
    property: str
    raw: str
    meaning: str


@dataclass(frozen=True)
class Signals:
    """The combined licence signals of a remote object (or of one level of it)."""

    licence_url: str | None = None
    licence_name: str | None = None
    all_rights_reserved: bool = False
    tdm_reserved: bool | None = None
    ai_training: Permission = Permission.UNKNOWN
    search: Permission = Permission.UNKNOWN  # FEP-5feb: unknown is treated as "not indexable"
    noarchive: bool = False
    data_mining: str | None = None
    credit: str | None = None
    copyright: str | None = None
    acquire_page: str | None = None
    sources: tuple[Source, ...] = field(default_factory=tuple)

    @property
    def searchable(self) -> bool:
        """May this appear in search indexes, public feeds and exports: only on an explicit allow."""
        return self.search == Permission.ALLOWED

    @property
    def ai_training_denied(self) -> bool:
        return self.ai_training == Permission.DENIED

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ai_training"] = str(self.ai_training)
        data["search"] = str(self.search)
        data["sources"] = [asdict(s) for s in self.sources]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Signals:
        """Read back what to_json stored; anything unreadable gives empty signals."""
        if not isinstance(data, dict):
            return cls()
        try:
            sources = tuple(Source(**s) for s in data.get("sources") or [] if isinstance(s, dict))
            return cls(
                licence_url=_text(data.get("licence_url")), licence_name=_text(data.get("licence_name")),
                all_rights_reserved=data.get("all_rights_reserved") is True,
                tdm_reserved=data.get("tdm_reserved") if isinstance(data.get("tdm_reserved"), bool) else None,
                ai_training=Permission(data.get("ai_training", "unknown")),
                search=Permission(data.get("search", "unknown")), noarchive=data.get("noarchive") is True,
                data_mining=_text(data.get("data_mining")), credit=_text(data.get("credit")),
                copyright=_text(data.get("copyright")), acquire_page=_text(data.get("acquire_page")),
                sources=sources,
            )
        except (TypeError, ValueError):
            return cls()


def _text(value: Any) -> str | None:
    return value[:TEXT_MAX] if isinstance(value, str) and value.strip() else None


def _unwrap(value: Any) -> Any:
    """A scalar out of compacted or expanded JSON-LD: lists give their first usable item, @id/@value/href."""
    for _ in range(4):  # bounded: hostile nesting stops here
        if isinstance(value, list):
            value = next((v for v in value[:LIST_MAX] if v is not None), None)
        elif isinstance(value, dict):
            for key in ("@id", "@value", "href", "id", "url"):
                if key in value and not isinstance(value[key], (dict, list)):
                    return value[key]
            return value
        else:
            return value
    return None


def _values(value: Any) -> list[Any]:
    """Every scalar of a (possibly expanded) list value, capped."""
    items = value if isinstance(value, list) else [value]
    return [_unwrap(v) for v in items[:LIST_MAX]]


def _http_url(value: Any) -> str | None:
    value = _unwrap(value)
    return value[:TEXT_MAX] if isinstance(value, str) and re.match(r"^https?://", value) else None


def _vocabulary(key: str) -> tuple[str, str]:
    """(vocabulary, local name) of a property key as sent: compacted, prefixed or a full IRI."""
    name = re.split(r"[#/:]", key)[-1]
    lowered = key.lower()
    if "purl.org/dc/terms" in lowered or lowered.startswith("dcterms:") or lowered.startswith("dc:"):
        return "dcterms", name
    if "schema.org" in lowered or lowered.startswith("schema:"):
        return "schema.org", name
    if "joinmastodon.org" in lowered or lowered.startswith("toot:"):
        return "mastodon", name
    if "fedibird.com" in lowered or lowered.startswith("fedibird:"):
        return "fedibird", name
    if "w3.org/ns/tdmrep" in lowered or lowered.startswith("tdm:"):
        return "tdmrep", name
    if "useplus.org" in lowered or lowered.startswith("plus:"):
        return "iptc", name
    return "", name


# Local names of expanded IRIs that differ from the compacted terms (TDMRep's tdmrep#reservation,
# IPTC PLUS's xmp/1.0/DataMining).
_ALIASES = {("tdmrep", "reservation"): "tdmReservation", ("tdmrep", "policy"): "tdmPolicy",
            ("iptc", "DataMining"): "dataMining"}


def _named(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(vocabulary, local name, value) for each key of the document, capped."""
    out = []
    for key, value in list(doc.items())[:256]:
        if isinstance(key, str):
            vocab, name = _vocabulary(key)
            out.append((vocab, _ALIASES.get((vocab, name), name), value))
    return out


def _raw(value: Any) -> str:
    try:
        text = value if isinstance(value, str) else repr(_unwrap(value) if not isinstance(value, dict) else value)
    except Exception:  # noqa: BLE001 - a pathological object must not break parsing
        text = "?"
    return text[:TEXT_MAX]


def _content_usage(value: str) -> tuple[Permission, Permission]:
    """(ai training, search) from an AIPREF Content-Usage dictionary such as "train-ai=n, search=y"."""
    ai, search = Permission.UNKNOWN, Permission.UNKNOWN
    for part in value[:TEXT_MAX].replace(";", ",").split(","):
        key, _, val = part.strip().partition("=")
        key, val = key.strip().lower(), val.strip().strip('"').lower()
        if val not in ("y", "n", "?1", "?0"):
            continue
        verdict = Permission.DENIED if val in ("n", "?0") else Permission.ALLOWED
        if key in _AIPREF_AI_KEYS:
            ai = _stricter(ai, verdict)
        elif key == "search":
            search = _stricter(search, verdict)
    return ai, search


def parse_level(doc: Any, level: str) -> Signals:
    """The signals one JSON object (actor, object or attachment) states itself."""
    if not isinstance(doc, dict):
        return Signals()
    s: dict[str, Any] = {"ai_training": Permission.UNKNOWN, "search": Permission.UNKNOWN}
    sources: list[Source] = []
    indexable = searchable_by = usage_info = None

    def note(vocab: str, prop: str, value: Any, meaning: str) -> None:
        sources.append(Source(level, vocab, prop, _raw(value), meaning))

    def deny_ai(vocab: str, prop: str, value: Any, verdict: Permission, meaning: str) -> None:
        s["ai_training"] = _stricter(s["ai_training"], verdict)
        note(vocab, prop, value, meaning)

    for vocab, name, value in _named(doc):
        if name == "license":
            scalar = _unwrap(value)
            url = _http_url(value)
            if url:
                s["licence_url"] = url
                label = vocab or ("schema.org/dcterms" if level != "attachment" else "pixelfed/schema.org")
                note(label, name, value, f"licence {url}")
                if isinstance(value, dict) and _text(value.get("name") or value.get("title")):
                    s["licence_name"] = _text(value.get("name") or value.get("title"))
            elif isinstance(scalar, dict) or isinstance(scalar, str):
                title = _text(scalar.get("title") or scalar.get("name")) if isinstance(scalar, dict) else _text(scalar)
                known = PIXELFED_TITLES.get(title.strip().lower()) if title else None
                if known:
                    s["licence_name"], s["licence_url"] = known
                    s["all_rights_reserved"] = known[1] is None
                    note("pixelfed", name, value, f"licence {known[0]}")
        elif name == "licence" and vocab == "":
            # PeerTube: {"identifier": "4", "name": "Attribution - Non Commercial"}
            scalar = value if isinstance(value, dict) else {}
            ident = scalar.get("identifier")
            number = int(ident) if isinstance(ident, (str, int)) and str(ident) in ("1", "2", "3", "4", "5", "6", "7") else None
            if number in PEERTUBE_LICENCES:
                s["licence_name"], s["licence_url"] = PEERTUBE_LICENCES[number]
                note("peertube", name, value, f"licence {PEERTUBE_LICENCES[number][0]}")
        elif name == "copyright" and vocab == "" and _text(value):
            s["copyright"] = _text(value)
            note("funkwhale", name, value, "copyright notice")
        elif name == "copyrightNotice" and _text(_unwrap(value)):
            s["copyright"] = _text(_unwrap(value))
            note(vocab or "schema.org", name, value, "copyright notice")
        elif name == "creditText" and _text(_unwrap(value)):
            s["credit"] = _text(_unwrap(value))
            note(vocab or "schema.org", name, value, "credit line")
        elif name == "usageInfo" and _http_url(value):
            usage_info = _http_url(value)
        elif name == "acquireLicensePage" and _http_url(value):
            s["acquire_page"] = _http_url(value)
            note(vocab or "schema.org", name, value, "where to acquire a licence")
        elif name == "tdmReservation":
            scalar = _unwrap(value)
            if scalar in (1, "1", True):
                s["tdm_reserved"] = True
                deny_ai("tdmrep", name, value, Permission.DENIED, "text and data mining rights reserved")
            elif scalar in (0, "0", False):
                s["tdm_reserved"] = False
                deny_ai("tdmrep", name, value, Permission.ALLOWED, "no TDM reservation")
        elif name == "contentUsage" and isinstance(_unwrap(value), str):
            ai, search = _content_usage(_unwrap(value))
            s["ai_training"] = _stricter(s["ai_training"], ai)
            s["search"] = _stricter(s["search"], search)
            note("aipref", name, value, f"AI training {ai}, search {search}")
        elif name == "xRobotsTag":
            words = set()
            for item in _values(value):
                if isinstance(item, str):
                    words |= {w.strip().lower() for w in item[:TEXT_MAX].split(",")}
            meanings = []
            if words & _ROBOTS_DENY_AI:
                s["ai_training"] = Permission.DENIED
                meanings.append("no AI training")
            if "noindex" in words or "none" in words:
                s["search"] = Permission.DENIED
                meanings.append("not indexed")
            if "noarchive" in words or "none" in words:
                s["noarchive"] = True
                meanings.append("not archived")
            if meanings:
                note("x-robots-tag", name, value, ", ".join(meanings))
        elif name == "dataMining":
            scalar = _unwrap(value)
            if isinstance(scalar, str):
                term = re.split(r"[#/:]", scalar)[-1].upper()
                s["data_mining"] = IPTC_VOCAB + term[:100]
                if term.startswith("DMI-PROHIBITED"):
                    deny_ai("iptc", name, value, Permission.DENIED, "data mining / AI training prohibited")
                elif term == "DMI-ALLOWED":
                    deny_ai("iptc", name, value, Permission.ALLOWED, "data mining allowed")
                else:
                    note("iptc", name, value, "data mining unspecified")
        elif name == "indexable":
            scalar = _unwrap(value)
            if isinstance(scalar, bool):
                indexable = scalar
                note("mastodon", name, value, "may be indexed" if scalar else "not indexable")
        elif name == "discoverable":
            scalar = _unwrap(value)
            if scalar is False:
                note("mastodon", name, value, "not discoverable (profile directory)")
        elif name == "searchableBy":
            ids = [v for v in _values(value) if isinstance(v, str)]
            if not ids:  # FEP-268d: an empty list counts as unset
                continue
            searchable_by = any(v in PUBLIC_FORMS for v in ids)
            note("fep-268d", name, value, "anyone may search" if searchable_by else "only the listed may search")

    # FEP-268d: searchableBy, when present, wins over indexable; an empty list counts as unset.
    if searchable_by is not None:
        verdict = Permission.ALLOWED if searchable_by else Permission.DENIED
    elif indexable is not None:
        verdict = Permission.ALLOWED if indexable else Permission.DENIED
    else:
        verdict = Permission.UNKNOWN
    # An explicit noindex / search=n beats an opt-in at the same level.
    s["search"] = _stricter(s["search"], verdict)
    if s.get("licence_url") and s["licence_url"] == usage_info:
        # The licence is the sender's own terms page (fediart does this for all rights reserved,
        # since FEP-6757 wants a licence IRI): no standard licence is granted.
        s.update(licence_url=None, licence_name="All rights reserved", all_rights_reserved=True)
    if s.get("licence_url") and not s.get("licence_name"):
        s["licence_name"] = _name_for(s["licence_url"])
    return Signals(sources=tuple(sources), **s)


def _name_for(url: str) -> str | None:
    found = re.search(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)", url)
    if not found:
        return None
    kind, version = found.group(2), found.group(3)
    if found.group(1) == "publicdomain":
        return "CC0 " + version if kind == "zero" else "Public Domain"
    return f"CC {kind.upper()} {version}"


def combine(outer: Signals, inner: Signals) -> Signals:
    """Inner (more specific) level over outer: stricter permissions, inner's licence where it states one."""
    def pick(name: str) -> Any:
        return getattr(inner, name) if getattr(inner, name) is not None else getattr(outer, name)

    licence_from_inner = inner.licence_url is not None or inner.all_rights_reserved
    base = inner if licence_from_inner else outer
    tdm = None
    if True in (outer.tdm_reserved, inner.tdm_reserved):
        tdm = True
    elif False in (outer.tdm_reserved, inner.tdm_reserved):
        tdm = False
    return Signals(
        licence_url=base.licence_url, licence_name=base.licence_name, all_rights_reserved=base.all_rights_reserved,
        tdm_reserved=tdm, ai_training=_stricter(outer.ai_training, inner.ai_training),
        search=_stricter(outer.search, inner.search), noarchive=outer.noarchive or inner.noarchive,
        data_mining=pick("data_mining"), credit=pick("credit"), copyright=pick("copyright"),
        acquire_page=pick("acquire_page"), sources=outer.sources + inner.sources,
    )


def parse_object(obj: Any, actor: Any = None) -> Signals:
    """The combined signals of an object under its actor, with its attachments' signals folded in.

    Permissions from attachments are folded in too (one image forbidding AI training makes the post
    forbid it); the licence URL stays the object's (or the actor's) unless only attachments state one
    and they all agree.
    """
    signals = combine(parse_level(actor, "actor"), parse_level(obj, "object"))
    if not isinstance(obj, dict):
        return signals
    items = obj.get("attachment")
    items = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
    attached = [parse_level(item, "attachment") for item in items[:LIST_MAX] if isinstance(item, dict)]
    for item in attached:
        folded = combine(signals, replace(item, licence_url=None, licence_name=None, all_rights_reserved=False))
        signals = replace(folded, licence_url=signals.licence_url, licence_name=signals.licence_name,
                          all_rights_reserved=signals.all_rights_reserved)
    urls = {(a.licence_url, a.licence_name, a.all_rights_reserved) for a in attached
            if a.licence_url or a.all_rights_reserved}
    if signals.licence_url is None and not signals.all_rights_reserved and len(urls) == 1:
        url, name, arr = urls.pop()
        signals = replace(signals, licence_url=url, licence_name=name, all_rights_reserved=arr)
    return signals


def attachment_signals(obj: Any, actor: Any = None) -> list[Signals]:
    """Each attachment's own combined signals (actor → object → attachment), for per-file headers."""
    base = combine(parse_level(actor, "actor"), parse_level(obj, "object"))
    items = obj.get("attachment") if isinstance(obj, dict) else None
    items = items if isinstance(items, list) else [items] if isinstance(items, dict) else []
    return [combine(base, parse_level(item, "attachment")) for item in items[:LIST_MAX] if isinstance(item, dict)]

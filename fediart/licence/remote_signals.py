"""Remote licence signals as stored and as served: the JSON kept with a remote post or actor, and the
headers and HTML meta fediart sends with a copy of remote content.

Stored shape (RemotePost.licence, Actor.licence): {"raw": {property as sent: value}, "signals": {...}}.
Rows written before the parser existed hold only the raw properties; `signals_of` reads both.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from fediart.licence.incoming import Permission, Signals, combine, parse_level, parse_object

RAW_MAX_KEYS = 32
# Properties that carry terms, by local name (schema:license, http://schema.org/license and license alike).
SIGNAL_NAMES = {"license", "licence", "usageInfo", "copyrightNotice", "creditText", "acquireLicensePage",
                "copyrightHolder", "copyright", "tdmReservation", "reservation", "tdmPolicy", "contentUsage",
                "hasPolicy", "policy", "rights", "searchableBy", "xRobotsTag", "dataMining", "DataMining",
                "indexable", "discoverable"}


def raw_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The licence-bearing properties of a document as sent."""
    found = {k: v for k, v in doc.items() if isinstance(k, str) and re.split(r"[#/:]", k)[-1] in SIGNAL_NAMES}
    return dict(list(found.items())[:RAW_MAX_KEYS])


def record(raw: dict[str, Any], signals: Signals) -> dict[str, Any]:
    return {"raw": raw, "signals": signals.to_json()}


def actor_record(doc: dict[str, Any]) -> dict[str, Any]:
    """What Actor.licence holds for an actor document."""
    return record(raw_fields(doc), parse_level(doc, "actor"))


def post_record(note: dict[str, Any], actor_licence: Any = None) -> dict[str, Any]:
    """What RemotePost.licence holds: the note's own raw terms, and its signals under its actor's."""
    return record(raw_fields(note), combine(signals_of(actor_licence, level="actor"), parse_object(note)))


def _is_record(stored: Any) -> bool:
    return isinstance(stored, dict) and set(stored) == {"raw", "signals"}


def raw_of(stored: Any) -> dict[str, Any] | None:
    """The raw terms of a stored value (either shape); None when it carried none."""
    raw = stored.get("raw") if _is_record(stored) else stored
    return raw if isinstance(raw, dict) and raw else None


def signals_of(stored: Any, level: str = "object") -> Signals:
    """The signals of a stored value: parsed ones, or (old rows) the raw terms parsed now."""
    if _is_record(stored):
        return Signals.from_json(stored["signals"])
    return parse_level(stored, level) if isinstance(stored, dict) else Signals()


def refuses_search(stored_actor_licence: Any) -> bool:
    """Whether a remote account's stored signals explicitly refuse search (an account that says
    nothing is still found by name, as on other servers)."""
    return signals_of(stored_actor_licence, level="actor").search == Permission.DENIED


def http_headers(signals: Signals) -> dict[str, str]:
    """Headers for a response carrying one remote object: its terms, not this site's.

    Unknown permissions are sent as reservations: fediart serves others' work only as a copy and
    does not grant on their behalf what they did not grant."""
    ai_allowed = signals.ai_training.value == "allowed"
    robots = [] if ai_allowed else ["noai", "noimageai"]
    if signals.noarchive or not ai_allowed:
        robots.append("noarchive")
    if not signals.searchable:
        robots.append("noindex")
    usage = ["train-ai=y" if ai_allowed else "train-ai=n"]
    if not signals.searchable:
        usage.append("search=n")
    headers = {
        "tdm-reservation": "0" if ai_allowed else "1",
        "Content-Usage": ", ".join(usage),
        "X-Robots-Tag": ", ".join(robots) or "all",
    }
    if signals.licence_url:
        headers["Link"] = f'<{signals.licence_url}>; rel="license"'
    return headers


def html_meta(signals: Signals) -> str:
    """<meta>/<link> elements for an HTML view of one remote object."""
    headers = http_headers(signals)
    parts = [f'<meta name="robots" content="{escape(headers["X-Robots-Tag"])}">',
             f'<meta name="tdm-reservation" content="{headers["tdm-reservation"]}">']
    if signals.licence_url:
        parts.append(f'<link rel="license" href="{escape(signals.licence_url)}">')
    return "\n".join(parts)

"""What importing a list would do to the current rules: added, changed field by field, unchanged, kept.

Pure: the current rules and the list's entries in, a plan out. The dry run prints it and the import
carries it out, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fediart.policy.blocklists import Entry

# The fields a list carries; private comments and ownership are the admin's, never a list's.
FIELDS = ("severity", "reject_media", "reject_reports", "obfuscate", "public_comment")


@dataclass(frozen=True)
class Change:
    """An existing rule the list rewrites: each field as (name, old, new)."""

    entry: Entry
    fields: tuple[tuple[str, object, object], ...]


@dataclass
class Plan:
    added: list[Entry] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    kept: list[Change] = field(default_factory=list)  # differs, but existing rules stand without --overwrite

    @property
    def empty(self) -> bool:
        return not self.added and not self.changed


def differences(current: Entry, wanted: Entry) -> tuple[tuple[str, object, object], ...]:
    return tuple((name, getattr(current, name), getattr(wanted, name)) for name in FIELDS
                 if getattr(current, name) != getattr(wanted, name))


def plan_import(current: dict[str, Entry], entries: list[Entry], *, overwrite: bool) -> Plan:
    """The plan for `entries` against `current` (domain -> its rule as an Entry)."""
    plan = Plan()
    for entry in entries:
        existing = current.get(entry.domain)
        if existing is None:
            plan.added.append(entry)
            continue
        fields = differences(existing, entry)
        if not fields:
            plan.unchanged += 1
        elif overwrite:
            plan.changed.append(Change(entry, fields))
        else:
            plan.kept.append(Change(entry, fields))
    return plan


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and not value:
        return '""'
    return str(value)


def describe_entry(entry: Entry) -> str:
    flags = [name for name in ("reject_media", "reject_reports", "obfuscate") if getattr(entry, name)]
    text = f"{entry.domain} {entry.severity}"
    if flags:
        text += f" ({', '.join(flags)})"
    if entry.public_comment:
        text += f" — {entry.public_comment}"
    return text


def describe_fields(fields) -> str:
    return "; ".join(f"{name}: {_shown(old)} → {_shown(new)}" for name, old, new in fields)


def render_plan(plan: Plan) -> list[str]:
    """The plan as a readable diff: `+` added, `~` changed (field: old → new), then what stays."""
    lines = [f"+ {describe_entry(entry)}" for entry in plan.added]
    lines += [f"~ {change.entry.domain}  {describe_fields(change.fields)}" for change in plan.changed]
    if plan.kept:
        lines.append(f"= {len(plan.kept)} existing rule(s) differ from the list and are kept "
                     "(--overwrite replaces them):")
        lines += [f"  {change.entry.domain}  {describe_fields(change.fields)}" for change in plan.kept]
    lines.append(f"= {plan.unchanged} unchanged")
    return lines

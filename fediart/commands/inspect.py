"""`fediart inspect URL`: the licence signals a remote object carries, vocabulary by vocabulary, and what
fediart does with it. The work is fediart/actions/inspect_licence.py; this module parses and prints."""

from __future__ import annotations

import argparse

from fediart.actions.errors import ActionError
from fediart.actions.inspect_licence import Inspection, inspect_url
from fediart.commands import CliError, CommandContext, add_parser
from fediart.services import running_services
from fediart.text import terminal_safe


def _cell(value: object, width: int) -> str:
    text = terminal_safe(str(value))
    return text if len(text) <= width else text[:width - 1] + "…"


def report(found: Inspection) -> list[str]:
    """The lines `fediart inspect` prints; every remote value goes through terminal_safe."""
    s = found.signals
    lines = [f"{terminal_safe(found.object_type)} {terminal_safe(found.url)}"]
    if found.actor_url:
        lines.append(f"author {terminal_safe(found.actor_url)}"
                     + (f" (not read: {terminal_safe(found.actor_error)})" if found.actor_error else ""))
    lines.append("")
    if s.sources:
        lines.append(f"{'LEVEL':<11} {'VOCABULARY':<20} {'PROPERTY':<18} {'VALUE':<40} MEANING")
        for src in s.sources:
            lines.append(f"{src.level:<11} {_cell(src.vocabulary, 20):<20} {_cell(src.property, 18):<18} "
                         f"{_cell(src.raw, 40):<40} {_cell(src.meaning, 60)}")
    else:
        lines.append("no licence signals found")
    lines.append("")
    licence = s.licence_name or s.licence_url or ("all rights reserved" if s.all_rights_reserved else "none stated")
    if s.licence_url and s.licence_name:
        licence = f"{s.licence_name} <{s.licence_url}>"
    lines += [
        f"licence:      {terminal_safe(licence)}",
        f"AI training:  {s.ai_training}" + (" (TDM rights reserved)" if s.tdm_reserved else ""),
        f"search:       {s.search}",
        f"noarchive:    {'yes' if s.noarchive else 'no'}",
    ]
    for label, value in (("data mining", s.data_mining), ("copyright", s.copyright), ("credit", s.credit),
                         ("acquire", s.acquire_page)):
        if value:
            lines.append(f"{label + ':':<13} {terminal_safe(value)}")
    lines += [
        "",
        "fediart:",
        f"  search:       {'included' if s.searchable else 'excluded (no explicit consent to indexing)'}",
        f"  public feeds: {'left out (indexing refused)' if s.search == 'denied' else 'listed when public'}",
        "  headers sent with this post: "
        + "; ".join(f"{k}: {terminal_safe(v)}" for k, v in found.headers.items()),
    ]
    return lines


async def inspect(services, url: str) -> list[str]:
    try:
        return report(await inspect_url(services, url))
    except ActionError as exc:
        raise CliError(exc.message) from None


async def _run(ctx: CommandContext, args: argparse.Namespace) -> int:
    async with running_services(ctx.config) as services:
        print("\n".join(await inspect(services, args.url)))
    return 0


def register(sub) -> None:
    p = add_parser(sub, "inspect", "fetch a remote object (signed) and show its licence signals")
    p.add_argument("url", help="the object's URL (a post, a video, a track)")
    p.set_defaults(run=_run)

"""`fediart crawlers update FILE` and `fediart crawlers list`: the AI crawlers refused on pages and media."""

from __future__ import annotations

import json

from fediart.commands import CliError, CommandContext, add_parser
from fediart.licence.crawlers import BadCrawlerFile, agents_from_json, crawler_list, replace_crawlers
from fediart.store.policy_tables import CrawlerAgent
from fediart.text import terminal_safe


async def update(ctx: CommandContext, args) -> int:
    try:
        with open(args.file, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{args.file} is not JSON: {exc}") from exc
    try:
        agents = agents_from_json(document)
    except BadCrawlerFile as exc:
        raise CliError(f"{args.file}: {exc}; nothing changed") from exc
    added, removed = await replace_crawlers(ctx.sessions, agents)
    print(f"{len(added)} added, {len(removed)} removed, {len(agents)} crawlers refused")
    for name in added:
        print(f"  + {terminal_safe(name)}")
    for name in removed:
        print(f"  - {terminal_safe(name)}")
    return 0


async def show(ctx: CommandContext, args) -> int:
    from sqlmodel import select

    async with ctx.sessions() as session:
        stored = (await session.exec(select(CrawlerAgent.agent))).first()
    agents = await crawler_list(ctx.sessions).agents()
    source = "set with `fediart crawlers update`" if stored else "the list shipped with fediart"
    print(f"{len(agents)} AI crawlers refused ({source}):")
    for name in agents:
        print(f"  {terminal_safe(name)}")
    return 0


def register(sub) -> None:
    parser = add_parser(sub, "crawlers", "AI-training crawlers refused on pages and media and in robots.txt")
    actions = parser.add_subparsers(dest="action", required=True)
    p = add_parser(actions, "update", "replace the list from a robots.json-style file (ai-robots-txt format)")
    p.add_argument("file")
    p.set_defaults(run=update)
    p = add_parser(actions, "list", "print the crawlers refused now")
    p.set_defaults(run=show)

"""`fediart reports [show|resolve ID]` reads reports; `fediart report @user@host --comment TEXT` files one."""

from __future__ import annotations

from fediart.actions.accounts import find_actor
from fediart.actions.errors import ActionError
from fediart.actions.reports import ReportView, file_report, get_report, list_reports, resolve_report
from fediart.commands import CliError, CommandContext, add_parser
from fediart.commands.notifications import handle_of
from fediart.text import plain_excerpt
from fediart.services import running_services
from fediart.text import terminal_safe


def _summary(view: ReportView) -> str:
    r = view.report
    source = "sent by us to" if r.direction == "outgoing" else "from"
    line = (f"#{r.id}  {r.created_at:%Y-%m-%d %H:%M}  {r.state}  {source} {terminal_safe(r.domain)}"
            f"  about {handle_of(view.target)}")
    comment = plain_excerpt(r.comment, 70)
    return line + (f"\n    “{comment}”" if comment else "\n    (no comment)") + \
        (f"\n    {len(view.posts)} post(s)" if view.posts else "")


def _details(view: ReportView) -> str:
    r = view.report
    lines = [f"report #{r.id}  ({r.state}, {r.direction})",
             f"when:     {r.created_at:%Y-%m-%d %H:%M} UTC",
             f"server:   {terminal_safe(r.domain)}"]
    if view.reporter is not None:
        lines.append(f"reporter: {terminal_safe(view.reporter.uri)}")
    lines.append(f"about:    {handle_of(view.target)}  {terminal_safe(view.target.uri)}")
    lines.append("comment:  " + (" ".join(terminal_safe(r.comment).split()) or "(none)"))
    for post in view.posts:
        text = plain_excerpt(post.text, 80) if post.text else "(text not stored here)"
        lines.append(f"post:     {terminal_safe(post.url)}\n          {text}")
    return "\n".join(lines)


async def reports(ctx: CommandContext, args) -> int:
    async with running_services(ctx.config) as services:
        try:
            if args.action == "show":
                print(_details(await get_report(services, args.id)))
            elif args.action == "resolve":
                report = await resolve_report(services, args.id)
                print(f"report #{report.id} resolved")
            else:
                views = await list_reports(services, everything=args.all)
                if not views:
                    print("no reports" if args.all else "no open reports")
                for view in views:
                    print(_summary(view))
        except ActionError as exc:
            raise CliError(exc.message) from None
    return 0


async def report(ctx: CommandContext, args) -> int:
    async with running_services(ctx.config) as services:
        try:
            target = await find_actor(services, args.who, fetch=True)
            if target.local:
                raise CliError(f"{args.who} is an account here: use `fediart reports` to see reports about it")
            filed = await file_report(services, target, args.comment, args.post or [])
        except ActionError as exc:
            raise CliError(f"cannot report {args.who}: {exc.message}") from None
    print(f"report #{filed.id} about {handle_of(target)} sent to {terminal_safe(target.domain)}"
          + (f" with {len(filed.object_uris)} post(s)" if filed.object_uris else ""))
    return 0


def register(sub) -> None:
    parser = add_parser(sub, "reports", "reports about accounts (Flag): list open ones, show, resolve")
    parser.add_argument("--all", action="store_true", help="resolved reports too")
    parser.set_defaults(run=reports, action="list")
    actions = parser.add_subparsers(dest="action")
    for name, help_text in (("show", "a report in full"), ("resolve", "mark a report resolved")):
        p = add_parser(actions, name, help_text)
        p.add_argument("id", type=int)
        p.set_defaults(run=reports)
    p = add_parser(sub, "report", "report a remote account to its server (sent from the instance actor)")
    p.add_argument("who", help="@user@host or the actor's URL")
    p.add_argument("--comment", required=True)
    p.add_argument("--post", action="append", metavar="URL", help="a post of theirs (repeatable)")
    p.set_defaults(run=report)

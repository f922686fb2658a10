"""`fediart notifications` and `fediart follower list` facing hostile remote names: what the admin's terminal gets.

Remote servers choose usernames, note text and Move targets; fediart stores them as they came. These
tests store such rows and run the real commands, then look at every character printed.
"""

import itertools
import re
import shlex
import subprocess
from datetime import timedelta

import pytest

from fediart.cli import build_parser
from fediart.commands import CommandContext
from fediart.store.accounts import create_account
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.tables import Follower, Notification, Actor, RemotePost, utcnow

# Clears the screen, homes the cursor, sets the window title, then forges a line of output of its own.
SCREEN_ATTACK = "\x1b[2J\x1b[H\x1b]0;fediart\x07mallory\r\n2026-01-01 00:00  follow  @admin@art.example  followed you"
ROW = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d  ")
_ids = itertools.count(1)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
async def context(migrated):
    engine = make_engine(migrated)
    yield CommandContext(migrated, make_sessionmaker(engine), engine)
    await engine.dispose()


async def run_cli(ctx: CommandContext, capsys, *argv: str) -> str:
    capsys.readouterr()
    args = build_parser().parse_args(list(argv))
    assert await args.run(ctx, args) == 0
    return capsys.readouterr().out


async def store(ctx: CommandContext, *rows):
    async with ctx.sessions() as session:
        for row in rows:
            session.add(row)
            await session.commit()
            await session.refresh(row)
    return rows


def actor(username: str, host: str = "evil.example", **fields) -> Actor:
    uri = fields.pop("uri", f"https://{host}/users/{next(_ids)}")
    return Actor(uri=uri, domain=host, username=username, inbox=uri + "/inbox", **fields)


def assert_terminal_safe(out: str, rows: int) -> list[str]:
    """Nothing that drives a terminal, and exactly the header plus one line per row."""
    assert not UNSAFE.search(out.replace("\n", "")), repr(out)
    lines = out.splitlines()
    assert len(lines) == rows + 1, lines
    assert all(ROW.match(line) for line in lines[1:]), lines
    return lines[1:]


async def test_hostile_names_and_text_cannot_drive_the_terminal(context, capsys):
    async with context.sessions() as session:
        ana = await create_account(session, "ana", manually_approves_followers=True)
    mallory, bidi = await store(context, actor(SCREEN_ATTACK, moved_to="https://new.example/\x1b[2J\x9b31mx"),
                                actor("gnp.\u202eexe\u2066", host="other.example"))
    [note] = await store(context, RemotePost(
        uri="https://evil.example/notes/1", actor_id=mallory.id,
        content="<p>hi\x1b]52;c;ZWNobyBvd25lZA==\x07 there</p><p>\x1b[1A\x1b[2Kforged\rline\x08\x08</p>"))
    now = utcnow()
    await store(context, *(
        Notification(account_id=ana.id, kind=kind, actor_id=who.id, remote_post_id=post,
                     activity_uri=f"https://evil.example/activities/{i}", created_at=now - timedelta(minutes=i))
        for i, (kind, who, post) in enumerate([("mention", mallory, note.id), ("move", mallory, None),
                                               ("follow_request", bidi, None), ("follow", mallory, None)])))

    body = assert_terminal_safe(await run_cli(context, capsys, "notifications", "ana"), rows=4)
    assert "mentioned you: “hi there forged line”" in body[0]
    assert "moved to https://new.example/x " in body[1]
    assert "@gnp.exe@other.example" in body[2]
    assert [line.split()[3] for line in (body[0], body[1], body[3])] == ["@mallory"] * 3

    await store(context, Follower(account_id=ana.id, actor_id=mallory.id, follow_uri="https://evil.example/f/1",
                                  state="accepted"))
    listing = await run_cli(context, capsys, "follower", "list", "ana")
    assert not UNSAFE.search(listing.replace("\n", "")), repr(listing)
    header, row = listing.splitlines()  # the forged line stays inside the name, on the follower's own line
    assert row.startswith("@mallory 2026-01-01 00:00  follow  @admin@art.example  followed you@evil.example  accepted")


async def test_a_follow_request_hint_is_safe_to_paste_into_a_shell(context, capsys, tmp_path):
    async with context.sessions() as session:
        ana = await create_account(session, "ana", manually_approves_followers=True)
    pwned = tmp_path / "pwned"
    injected, controlled = await store(
        context, actor(f"x$(touch {pwned})`touch {pwned}`;touch {pwned}"),
        actor("eve\x1b[8m", host="other.example", uri="https://other.example/users/eve"))
    await store(context, *(Notification(account_id=ana.id, kind="follow_request", actor_id=who.id,
                                        activity_uri=f"https://evil.example/follows/{who.id}",
                                        created_at=utcnow() - timedelta(minutes=age))
                           for age, who in enumerate((injected, controlled), start=1)))
    body = assert_terminal_safe(await run_cli(context, capsys, "notifications", "ana"), rows=2)
    hints = [line.split("asks to follow you: ", 1)[1] for line in body]
    # What the artist would paste, run by a real shell with `fediart` standing in to show its arguments.
    pasted = [subprocess.run(["bash", "-c", 'fediart() { printf "%s\\n" "$@"; }\n' + hint.removesuffix(" (or reject)")],
                             capture_output=True, text=True, timeout=10) for hint in hints]
    assert [p.stdout.splitlines() for p in pasted] == [
        ["follower", "approve", "ana", f"@x$(touch {pwned})`touch {pwned}`;touch {pwned}@evil.example"],
        # A handle with controls in it would not name the actor again once cleaned: its URL does.
        ["follower", "approve", "ana", "https://other.example/users/eve"],
    ]
    whole = subprocess.run(["bash", "-c", 'fediart() { :; }\n' + hints[0]], capture_output=True, timeout=10)
    assert whole.returncode != 0  # the whole line, "(or reject)" included, is a syntax error: nothing runs
    assert not pwned.exists()
    assert shlex.split(hints[0].removesuffix(" (or reject)"))[-1].startswith("@x$(touch")


async def test_notifications_keep_a_non_default_port_in_handles(context, capsys):
    async with context.sessions() as session:
        ana = await create_account(session, "ana")
    ported, plain = await store(context, actor("bea", host="remote.example", uri="https://remote.example:8443/users/bea"),
                                actor("bea", host="remote.example", uri="https://remote.example/users/bea"))
    await store(context, *(Notification(account_id=ana.id, kind="follow", actor_id=who.id,
                                        activity_uri=f"{who.uri}#follow") for who in (ported, plain)))
    out = await run_cli(context, capsys, "notifications", "ana")
    handles = sorted(line.split()[3] for line in out.splitlines()[1:])
    assert handles == ["@bea@remote.example", "@bea@remote.example:8443"], out

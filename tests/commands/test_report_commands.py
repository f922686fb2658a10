"""`fediart reports`, `reports show|resolve` and `fediart report`: what the admin reads, what their server gets."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "inbox"))
from activities import actor_url, activity, add_post, post_url, rows, send  # noqa: E402

from fediart.commands import CliError  # noqa: E402
from fediart.store.policy_tables import Report  # noqa: E402
from fediart.store.tables import RemotePost  # noqa: E402
from fediart.worker import run_due_work  # noqa: E402

HOSTILE = "\x1b[2Jspam\r\n#99  forged line"


async def test_incoming_reports_are_listed_shown_and_resolved(cli, client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana, content="<p>my <b>red</b> painting</p>")
    reporter = network.add_actor("actor", host="remote.example")
    await send(client, services, reporter, activity(reporter, "Flag", [actor_url("ana"), post_url(post)],
                                                    content=f"<p>{HOSTILE}</p>"))
    [report] = await rows(services, Report)

    listed = await cli("reports")
    assert f"#{report.id}" in listed and "from remote.example" in listed and "@ana@art.example" in listed
    assert "1 post(s)" in listed and "\x1b" not in listed and "\r" not in listed
    assert not any(line.startswith("#99") for line in listed.splitlines())

    shown = await cli("reports", "show", str(report.id))
    assert "reporter: https://remote.example/users/actor" in shown
    assert f"post:     https://art.example/@ana/{post.id}" in shown and "my red painting" in shown
    assert "\x1b" not in shown

    assert await cli("reports", "resolve", str(report.id)) == f"report #{report.id} resolved\n"
    assert await cli("reports") == "no open reports\n"
    assert f"#{report.id}" in await cli("reports", "--all")
    with pytest.raises(CliError, match="no report 12345"):
        await cli("reports", "show", "12345")


async def test_report_sends_a_flag_from_the_instance_actor(cli, network, services, make_artist):
    bob = network.add_actor("bob", host="remote.example")
    out = await cli("report", bob.uri, "--comment", "copies my art")
    assert out.startswith("report #") and "sent to remote.example" in out
    await run_due_work(services)
    [flag] = [r for r in network.received if r.body.get("type") == "Flag"]
    assert flag.url == "https://remote.example/inbox"  # the shared inbox
    assert flag.body["actor"] == "https://art.example/actor"
    assert flag.body["object"] == [bob.uri] and flag.body["content"] == "copies my art"
    assert 'keyId="https://art.example/actor#main-key"' in flag.headers["signature"]
    [report] = await rows(services, Report)
    assert (report.direction, report.domain, report.activity_uri) == ("outgoing", "remote.example", flag.body["id"])


async def test_report_lists_their_posts_and_refuses_posts_by_others(cli, network, services, make_artist):
    bob = network.add_actor("bob", host="remote.example")
    await cli("report", bob.uri, "--comment", "first")  # bob is now known
    [actor_id] = {r.target_id for r in await rows(services, Report)}
    async with services.sessions() as session:
        session.add(RemotePost(uri=f"{bob.uri}/statuses/1", actor_id=actor_id, content="<p>x</p>"))
        await session.commit()
    out = await cli("report", bob.uri, "--comment", "this one", "--post", f"{bob.uri}/statuses/1")
    assert "with 1 post(s)" in out
    ana = await make_artist("ana")
    mine = await add_post(services, ana)
    with pytest.raises(CliError, match="is not a known post by that account"):
        await cli("report", bob.uri, "--comment", "x", "--post", post_url(mine))
    with pytest.raises(CliError, match="is an account here"):
        await cli("report", "ana", "--comment", "x")

"""`fediart inspect URL`, in-process against the fake network, through the argument parser."""

import contextlib

import pytest

from fediart.cli import build_parser
from fediart.commands import CliError, CommandContext
from fediart.commands import inspect as inspect_command
from fediart.store.policy_tables import DomainBlock


@pytest.fixture
def cli_services(services, monkeypatch):
    @contextlib.asynccontextmanager
    async def running(config):
        yield services

    monkeypatch.setattr(inspect_command, "running_services", running)
    return services


async def run_cli(services, argv):
    args = build_parser().parse_args(argv)
    return await args.run(CommandContext(services.config, services.sessions, services.engine), args)


async def test_inspect_prints_each_vocabulary_and_what_fediart_does(client, network, services, cli_services, capsys):
    kim = network.add_actor("kim", host="video.example", extra={"indexable": True})
    video = {"id": "https://video.example/videos/watch/1", "type": "Video", "attributedTo": [{"type": "Person", "id": kim.uri}],
             "licence": {"identifier": "6", "name": "Attribution - Non Commercial - No Derivatives"},
             "tdmReservation": 1, "xRobotsTag": "noai, noarchive",
             "copyrightNotice": "© Kim \x1b[31mred\x1b[0m"}
    network.add_document(video)
    assert await run_cli(services, ["inspect", video["id"]]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # remote text is made terminal-safe
    assert "peertube" in out and "licence CC BY-NC-ND 4.0" in out
    assert "tdmrep" in out and "text and data mining rights reserved" in out
    assert "x-robots-tag" in out and "mastodon" in out  # the author's indexable, inherited
    assert "licence:      CC BY-NC-ND 4.0 <https://creativecommons.org/licenses/by-nc-nd/4.0/>" in out
    assert "AI training:  denied (TDM rights reserved)" in out
    assert "search:       included" in out
    assert "tdm-reservation: 1" in out
    # Both fetches were signed by the instance actor.
    fetched = [r for r in network.gets if str(r.url) in (video["id"], kim.uri)]
    assert {str(r.url) for r in fetched} == {video["id"], kim.uri}
    assert all("https://art.example/actor" in (r.headers.get("signature", "") + r.headers.get("signature-input", ""))
               for r in fetched)


async def test_inspect_says_what_nothing_means(client, network, services, cli_services, capsys):
    note = {"id": "https://quiet.example/notes/1", "type": "Note"}
    network.add_document(note)
    assert await run_cli(services, ["inspect", note["id"]]) == 0
    out = capsys.readouterr().out
    assert "no licence signals found" in out
    assert "search:       excluded" in out and "x-robots-tag: noai, noimageai, noarchive, noindex" in out.lower()


async def test_inspect_refuses_blocked_hosts_and_bad_urls(client, network, services, cli_services):
    async with services.sessions() as session:
        session.add(DomainBlock(domain="blocked.example", severity="suspend"))
        await session.commit()
    services.policy.forget()
    with pytest.raises(CliError, match="does not federate"):
        await run_cli(services, ["inspect", "https://blocked.example/notes/1"])
    with pytest.raises(CliError, match="not an http"):
        await run_cli(services, ["inspect", "ftp://x.example/1"])
    with pytest.raises(CliError, match="could not fetch"):
        await run_cli(services, ["inspect", "https://nowhere.example/notes/404"])

"""`fediart block …` and `fediart allow …` run in-process: what the admin reads, and the rules that result."""

import io
import sys
from dataclasses import replace

import httpx
import pytest
from inbox.activities import rows

from fediart.cli import build_parser
from fediart.commands import CliError, CommandContext
from fediart.policy.blocklists import CSV_HEADER
from fediart.store.policy_tables import DomainAllow, DomainBlock
from fediart.store.tables import utcnow

HEADER = ",".join(CSV_HEADER)


@pytest.fixture
def fails(services):
    """Run `fediart ARGS` expecting the one-line error the CLI prints; returns its text."""
    async def run(*argv: str) -> str:
        args = build_parser().parse_args(list(argv))
        with pytest.raises(CliError) as caught:
            await args.run(CommandContext(services.config, services.sessions, services.engine), args)
        return str(caught.value)
    return run


async def blocks(services) -> dict[str, DomainBlock]:
    return {row.domain: row for row in await rows(services, DomainBlock)}


async def test_add_creates_a_suspension_and_adding_again_says_what_changed(cli, services):
    out = await cli("block", "add", "Spam.Example.", "--public-comment", "spam waves")
    assert out == "blocked spam.example: suspend, flags - (covers its subdomains too)\n"
    [rule] = (await blocks(services)).values()
    assert (rule.domain, rule.severity, rule.public_comment, rule.severed_at) == \
        ("spam.example", "suspend", "spam waves", None)

    out = await cli("block", "add", "spam.example", "--severity", "silence", "--reject-media")
    assert out == "updated the rule for spam.example: severity: suspend → silence; reject_media: no → yes\n"
    assert await cli("block", "add", "spam.example", "--severity", "silence") == \
        "the rule for spam.example is already so; nothing changed\n"
    rule = (await blocks(services))["spam.example"]
    assert (rule.severity, rule.reject_media, rule.public_comment) == ("silence", True, "spam waves")


async def test_raising_a_rule_to_suspend_leaves_the_severing_to_the_worker(cli, services):
    await cli("block", "add", "spam.example", "--severity", "silence")
    async with services.sessions() as session:  # as if severed by an earlier suspension
        rule = await session.get(DomainBlock, "spam.example")
        rule.severed_at = utcnow()
        session.add(rule)
        await session.commit()
    await cli("block", "add", "spam.example", "--severity", "suspend")
    assert (await blocks(services))["spam.example"].severed_at is None


async def test_list_show_and_remove(cli, fails, services):
    await cli("block", "add", "spam.example", "--reject-reports", "--obfuscate", "--public-comment",
              "bad\x1b[31m actors")
    await cli("block", "add", "quiet.example", "--severity", "silence")
    listing = (await cli("block", "list")).splitlines()
    assert listing[0].split() == ["DOMAIN", "SEVERITY", "FLAGS", "SOURCE", "COMMENT"]
    assert listing[1].split() == ["quiet.example", "silence", "-", "manual"]
    assert listing[2].split() == ["spam.example", "suspend", "reject-reports,obfuscate", "manual", "bad", "actors"]
    assert "\x1b" not in "".join(listing)

    shown = await cli("block", "show", "deep.sub.spam.example")
    assert shown.splitlines()[0] == "deep.sub.spam.example is covered by the rule for spam.example"
    assert "  severity         suspend" in shown.splitlines()
    assert await cli("block", "show", "other.example") == "no rule covers other.example\n"

    assert await fails("block", "remove", "sub.spam.example") == \
        "no rule for sub.spam.example; it is covered by the rule for spam.example"
    assert await cli("block", "remove", "SPAM.example") == "removed the rule for spam.example (suspend)\n"
    assert list(await blocks(services)) == ["quiet.example"]


@pytest.mark.parametrize("domain", ["https://spam.example/", "spam.example:443", "10.0.0.1", "bad_domain!.example"])
async def test_a_bad_domain_is_one_clear_line_and_nothing_is_stored(fails, services, domain):
    message = await fails("block", "add", domain)
    assert "\n" not in message and ("not a bare domain" in message or "not a valid domain" in message
                                    or "IP address" in message)
    assert await blocks(services) == {}


async def test_import_a_mastodon_csv_then_again_keeps_existing_rules(cli, services, tmp_path):
    await cli("block", "add", "spam.example", "--severity", "silence", "--private-comment", "mine")
    path = tmp_path / "blocks.csv"
    path.write_text(f"{HEADER}\nspam.example,suspend,false,false,,false\n"
                    "new.example,suspend,true,false,\"mass scraping, AI\",false\nsoft.example,noop,true,false,,false\n")
    out = await cli("block", "import", str(path))
    assert out.splitlines()[-1] == (f"3 entries from {path}: added 2, changed 0, 0 unchanged, "
                                    "1 kept as they are (--overwrite replaces them)")
    rules = await blocks(services)
    assert (rules["spam.example"].severity, rules["spam.example"].private_comment) == ("silence", "mine")
    assert (rules["new.example"].reject_media, rules["new.example"].public_comment) == (True, "mass scraping, AI")
    assert rules["new.example"].private_comment.startswith(f"imported from {path} on ")
    assert rules["soft.example"].severity == "noop"

    dry = await cli("block", "import", str(path), "--overwrite", "--dry-run")
    assert dry.splitlines() == ["~ spam.example  severity: silence → suspend", "= 2 unchanged",
                                f"dry run, nothing changed: 3 entries from {path}: would add 0, would change 1, "
                                "2 unchanged"]
    assert (await blocks(services))["spam.example"].severity == "silence"
    await cli("block", "import", str(path), "--overwrite")
    rule = (await blocks(services))["spam.example"]
    assert (rule.severity, rule.severed_at, rule.private_comment) == ("suspend", None, "mine")


async def test_a_dry_run_shows_additions_and_changes_nothing(cli, services, tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("# friends of spam\nspam.example\nmore.example\n")
    out = await cli("block", "import", str(path), "--dry-run")
    assert out.splitlines() == ["+ spam.example suspend", "+ more.example suspend", "= 0 unchanged",
                                f"dry run, nothing changed: 2 entries from {path}: would add 2, would change 0, "
                                "0 unchanged"]
    assert await blocks(services) == {}


async def test_a_malformed_file_changes_nothing_and_names_the_line(cli, fails, services, tmp_path):
    await cli("block", "add", "kept.example")
    path = tmp_path / "broken.csv"
    path.write_text(f"{HEADER}\n" + "".join(f"d{i}.example,suspend\n" for i in range(3000)) + "x/y,suspend\n")
    message = await fails("block", "import", str(path))
    assert message == f"{path}: line 3002: not a bare domain name: 'x/y'; nothing was imported"
    assert list(await blocks(services)) == ["kept.example"]


async def test_the_row_limit_applies_unless_raised(cli, fails, services, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("".join(f"d{i}.example\n" for i in range(30)))
    assert "more than 20 entries" in await fails("block", "import", str(path), "--limit", "20")
    assert await blocks(services) == {}
    assert (await cli("block", "import", str(path), "--limit", "30")).endswith("added 30, changed 0, 0 unchanged\n")


async def test_a_5000_domain_mastodon_csv_imports_in_full(cli, services, tmp_path):
    path = tmp_path / "large.csv"
    severities = ("suspend", "silence", "noop")
    path.write_text(f"{HEADER}\n" + "".join(
        f"host-{i}.example,{severities[i % 3]},{str(i % 2 == 0).lower()},false,\"reason {i}, see thread\",false\n"
        for i in range(5000)))
    out = await cli("block", "import", str(path))
    assert out == f"5000 entries from {path}: added 5000, changed 0, 0 unchanged\n"
    rules = await blocks(services)
    assert len(rules) == 5000
    assert (rules["host-4.example"].severity, rules["host-4.example"].reject_media,
            rules["host-4.example"].public_comment) == ("silence", True, "reason 4, see thread")
    assert sum(rule.severity == "suspend" for rule in rules.values()) == 1667


async def test_import_from_a_url_goes_through_the_fake_network(cli, fails, services, network):
    network.responses["https://lists.example/blocks.csv"] = lambda request: httpx.Response(
        200, text=f"{HEADER}\nspam.example,suspend,false,false,,false\n", headers={"content-type": "text/csv"})
    out = await cli("block", "import", "https://lists.example/blocks.csv")
    assert out.endswith("added 1, changed 0, 0 unchanged\n")
    assert list(await blocks(services)) == ["spam.example"]
    message = await fails("block", "import", "https://lists.example/missing.csv")
    assert message == "https://lists.example/missing.csv: HTTP 404; nothing was imported"
    assert "not allowed" in await fails("block", "import", "http://169.254.169.254/latest.csv")
    network.redirects["https://lists.example/moved.csv"] = "http://169.254.169.254/latest.csv"
    assert await fails("block", "import", "https://lists.example/moved.csv") == \
        "http://169.254.169.254/latest.csv: scheme http is not allowed; nothing was imported"


async def test_export_in_each_format(cli, services, tmp_path):
    await cli("block", "add", "spam.example", "--reject-media", "--public-comment", "spam, lots")
    await cli("block", "add", "quiet.example", "--severity", "silence", "--obfuscate")
    assert await cli("block", "export") == (f"{HEADER}\nquiet.example,silence,false,false,,true\n"
                                            'spam.example,suspend,true,false,"spam, lots",false\n')
    assert await cli("block", "export", "--format", "plain") == "quiet.example\nspam.example\n"
    target = tmp_path / "out.json"
    assert await cli("block", "export", "--format", "json", str(target)) == f"exported 2 rule(s) to {target}\n"
    assert '"domain": "spam.example"' in target.read_text()


async def test_allow_add_list_remove_says_the_mode(cli, fails, services, capsys):
    out = await cli("allow", "add", "Friends.Example", "--public-comment", "our sister server")
    assert out.splitlines() == ["allowed friends.example (and its subdomains)",
                                'this server is in blocklist mode: the allowlist applies once [federation] '
                                'mode = "allowlist"']
    listing = (await cli("allow", "list")).splitlines()
    assert listing[1].split() == ["DOMAIN", "COMMENT"] and listing[2].split()[0] == "friends.example"
    assert [row.public_comment for row in await rows(services, DomainAllow)] == ["our sister server"]
    assert await cli("allow", "remove", "friends.example") == "removed friends.example from the allowlist\n"
    assert await fails("allow", "remove", "friends.example") == "friends.example is not on the allowlist"
    config = replace(services.config, federation=replace(services.config.federation, mode="allowlist"))
    args = build_parser().parse_args(["allow", "list"])
    assert await args.run(CommandContext(config, services.sessions, services.engine), args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "this server is in allowlist mode: it federates only with allowed servers", "the allowlist is empty"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_a_terminal_sees_a_progress_bar_and_the_summary_still_comes(cli, services, tmp_path, monkeypatch):
    path = tmp_path / "list.txt"
    path.write_text("".join(f"d{i}.example\n" for i in range(2500)))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = await cli("block", "import", str(path))
    assert out == f"2500 entries from {path}: added 2500, changed 0, 0 unchanged\n"
    drawn = terminal.getvalue()
    assert drawn.count("\r") == 3 and drawn.endswith(f"\rimporting [{'#' * 30}] 2,500/2,500\n")
    assert f"\rimporting [{'#' * 12}{'-' * 18}] 1,000/2,500" in drawn

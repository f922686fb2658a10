"""`fediart user password NAME`: asked twice or read from stdin, refused when short, checked at login."""

import io

import pytest

from signin import sign_in

from fediart.commands import CliError
from fediart.store.accounts import get_account


@pytest.fixture
def prompts(monkeypatch):
    """Answer getpass prompts in order; records the prompts shown."""
    shown: list[str] = []

    def answer(*replies: str) -> list[str]:
        queue = list(replies)

        def getpass(prompt: str = "") -> str:
            shown.append(prompt)
            return queue.pop(0)

        monkeypatch.setattr("getpass.getpass", getpass)
        return shown

    return answer


async def stored_hash(services, name: str = "ana"):
    async with services.sessions() as session:
        return (await get_account(session, name)).password_hash


async def test_asked_twice_then_the_artist_can_sign_in(cli, make_artist, services, client, prompts):
    await make_artist("ana")
    shown = prompts("a good long password", "a good long password")
    out = await cli("user", "password", "ana")
    assert "password set for @ana@art.example" in out
    assert len(shown) == 2
    assert (await stored_hash(services)).startswith("$argon2id$")
    assert (await sign_in(client, "ana", "a good long passwore")).status_code == 422
    assert (await sign_in(client, "ana", "a good long password")).status_code == 303


async def test_from_stdin(cli, make_artist, services, client, monkeypatch):
    await make_artist("ana")
    monkeypatch.setattr("sys.stdin", io.StringIO("piped in password\n"))
    await cli("user", "password", "@Ana", "--password-stdin")
    assert (await sign_in(client, "ana", "piped in password")).status_code == 303


async def test_a_short_password_is_refused_and_nothing_changes(cli, make_artist, services, prompts, monkeypatch):
    await make_artist("ana")
    prompts("short", "short")
    with pytest.raises(CliError, match="too short: use at least 8 characters"):
        await cli("user", "password", "ana")
    monkeypatch.setattr("sys.stdin", io.StringIO("1234567\n"))
    with pytest.raises(CliError, match="too short"):
        await cli("user", "password", "ana", "--password-stdin")
    assert await stored_hash(services) is None


async def test_mismatched_repeats_are_refused(cli, make_artist, services, prompts):
    await make_artist("ana")
    prompts("a good long password", "a good long passw0rd")
    with pytest.raises(CliError, match="do not match"):
        await cli("user", "password", "ana")
    assert await stored_hash(services) is None


async def test_an_unknown_user_is_named(cli, services, prompts):
    prompts("a good long password", "a good long password")
    with pytest.raises(CliError, match="no user named 'nobody'"):
        await cli("user", "password", "nobody")

"""`fediart user create --admin` and `user update --role`: the role is stored, shown by `list` and `show`,
opens the studio's admin pages, and is never federated."""

import pytest
from posting import add_remote
from signin import give_password, sign_in

from fediart.commands import CliError
from fediart.store.accounts import get_account
from fediart.worker import run_due_work


async def _role(services, name: str) -> str:
    async with services.sessions() as session:
        return (await get_account(session, name)).role


async def test_create_admin_and_artist_and_list_and_show_the_role(cli, services):
    out = await cli("user", "create", "root", "--admin")
    assert "created @root@art.example (admin)" in out
    assert "  role             admin" in out
    await cli("user", "create", "ana")
    assert (await _role(services, "root"), await _role(services, "ana")) == ("admin", "artist")
    listed = (await cli("user", "list")).splitlines()
    assert listed[0].split()[:2] == ["HANDLE", "ROLE"]
    rows = {line.split()[0]: line.split()[1] for line in listed[1:]}
    assert rows == {"@root@art.example": "admin", "@ana@art.example": "artist"}
    shown = await cli("user", "show", "ana")
    assert "role             artist" in shown


async def test_update_role_both_ways_without_federating(cli, services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana, shared_inbox=False)
    out = await cli("user", "update", "ana", "--role", "admin")
    assert "updated @ana@art.example: role (admin)" in out and "role             admin" in out
    assert await _role(services, "ana") == "admin"
    assert "is already admin" in await cli("user", "update", "ana", "--role", "admin")
    out = await cli("user", "update", "ana", "--role", "artist", "--display-name", "Ana Lima")
    assert "role (artist), display name" in out
    assert await _role(services, "ana") == "artist"
    await run_due_work(services)
    # Only the display name went out; the role is this server's business.
    updates = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Update"]
    assert len(updates) == 1 and "role" not in updates[0]["object"]


async def test_a_refused_update_leaves_the_role_and_bad_roles_are_refused(cli, services, make_artist):
    await make_artist("ana")
    with pytest.raises(CliError, match="unknown licence"):
        await cli("user", "update", "ana", "--role", "admin", "--licence", "nope")
    assert await _role(services, "ana") == "artist"
    with pytest.raises(SystemExit):
        await cli("user", "update", "ana", "--role", "owner")
    with pytest.raises(CliError, match="no user named"):
        await cli("user", "update", "nobody", "--role", "admin")


async def test_the_role_set_on_the_command_line_opens_the_admin_pages(cli, client, services, make_artist):
    await give_password(services, await make_artist("ana"))
    assert (await sign_in(client, "ana", next_path="/studio")).status_code == 303
    assert (await client.get("/studio/admin/blocks")).status_code == 403
    await cli("user", "update", "ana", "--role", "admin")
    assert (await client.get("/studio/admin/blocks")).status_code == 200
    await cli("user", "update", "ana", "--role", "artist")
    assert (await client.get("/studio/admin/reports")).status_code == 403


async def test_a_generated_password_is_printed_once_and_signs_in(cli, client, services):
    out = await cli("user", "create", "mira", "--admin", "--generate-password")
    line = next(line for line in out.splitlines() if line.startswith("password: "))
    password = line.split()[1]
    assert len(password) >= 16 and "shown once" in line
    assert (await sign_in(client, "mira", password, next_path="/studio")).status_code == 303
    assert (await client.get("/studio/admin/blocks")).status_code == 200
    plain = await cli("user", "create", "ana")
    assert "password:" not in plain
    async with services.sessions() as session:
        assert (await get_account(session, "ana")).password_hash is None

"""Profile updates: validated, stored, and told to followers' servers; nothing written when nothing changes."""

import pytest
from posting import add_remote, png

from fediart.actions.errors import ActionError
from fediart.actions.profile import ProfileChanges, update_profile
from fediart.store.tables import Account
from fediart.worker import run_due_work


async def _account(services, account_id: int) -> Account:
    async with services.sessions() as session:
        return await session.get(Account, account_id)


async def test_update_profile_stores_and_federates(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana, shared_inbox=False)
    account, changed = await update_profile(services, ana, ProfileChanges(
        display_name="  Ana Lima ", bio="Herons\n\nand light", fields=[{"name": "Shop", "value": "x"}],
        avatar=png(), indexable=True, licence_key="cc-by-4.0", ai_training_reserved=False, locked=True))
    assert changed == ["display name", "bio", "fields", "licence", "AI training", "search indexing",
                       "follower approval", "avatar"]
    stored = await _account(services, ana.id)
    assert (stored.display_name, stored.licence_key, stored.search_indexing, stored.indexable) == \
        ("Ana Lima", "cc-by-4.0", True, True)
    assert stored.avatar_file and stored.manually_approves_followers and not stored.ai_training_reserved
    await run_due_work(services)
    [update] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Update"]
    assert update["object"]["name"] == "Ana Lima" and update["object"]["icon"]["url"].endswith(".png")
    _, nothing = await update_profile(services, stored, ProfileChanges())
    assert nothing == []
    await run_due_work(services)
    assert len([d for d in network.deliveries_to(bob.inbox) if d["type"] == "Update"]) == 1


@pytest.mark.parametrize("changes, message", [
    (ProfileChanges(fields=[{"name": str(i), "value": "v"} for i in range(5)]), "at most 4"),
    (ProfileChanges(fields=[{"name": "", "value": "orphan"}]), "has no name"),
    (ProfileChanges(display_name="x" * 201), "display name is longer"),
    (ProfileChanges(licence_key="no-such-licence"), "no-such-licence"),
    (ProfileChanges(header=b"junk"), "header"),
])
async def test_invalid_changes_are_refused_and_nothing_is_kept(services, make_artist, changes, message):
    ana = await make_artist("ana")
    with pytest.raises(ActionError, match=message) as caught:
        await update_profile(services, ana, changes)
    assert caught.value.status == 422
    stored = await _account(services, ana.id)
    assert (stored.display_name, stored.fields, stored.licence_key, stored.header_file) == \
        ("Ana", [], "all-rights-reserved", None)

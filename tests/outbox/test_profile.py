"""Profile changes federate: Update{Person} to followers, and the avatar is served with the licence."""

from fakes import signed_get
from helpers import AP_ACCEPT, assert_licence_headers
from posting import add_remote, png

from fediart.activitypub.jsonld import expand
from fediart.media.images import process_upload
from fediart.media.store import save_image
from fediart.outbox.profile import send_profile_update
from fediart.store.tables import Account
from fediart.worker import run_due_work


async def test_profile_update_reaches_followers_with_the_licence(client, services, network, make_artist):
    ana = await make_artist("ana", licence_key="cc-by-nc-4.0")
    bob = await add_remote(services, network, "bob", follows=ana)
    async with services.sessions() as session:
        account = await session.get(Account, ana.id)
        image = process_upload(png("purple", (200, 200)), services.licence_for(account))
        account.avatar_file = save_image(services.storage, "ana", image, account_id=ana.id, alt="avatar").file
        account.display_name = "Ana Lima"
        session.add(account)
        await send_profile_update(session, services, account)
        await session.commit()
    services.cache.clear()
    await run_due_work(services)

    [update] = network.deliveries_to(bob.shared_inbox_url)
    assert update["type"] == "Update" and update["object"]["id"] == "https://art.example/users/ana"
    assert update["object"]["name"] == "Ana Lima"
    [node] = expand(update)
    assert "http://www.w3.org/ns/tdmrep#reservation" in node

    actor = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    assert actor["icon"]["type"] == "Image" and actor["icon"]["mediaType"] == "image/png"
    avatar = await client.get(actor["icon"]["url"])
    assert avatar.status_code == 200 and avatar.headers["content-type"] == "image/png"
    assert_licence_headers(avatar, policy="https://art.example/@ana/tdm-policy.json")
    assert b"DMI-PROHIBITED-AIMLTRAINING" in avatar.content

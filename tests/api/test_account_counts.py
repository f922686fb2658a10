"""An Account entity's counts (statuses, followers, following) as a client sees them right after a change
made here, though the entity was read just before (the counts are kept with the artist's documents)."""

from fediart.store.actors import local_actor


async def actor_id(services, account) -> str:
    async with services.sessions() as session:
        actor = await local_actor(session, services.urls, account)
        await session.commit()
        return str(actor.id)


async def counts(client, actor: str) -> tuple[int, int, int]:
    response = await client.get(f"/api/v1/accounts/{actor}")
    assert response.status_code == 200
    doc = response.json()
    return doc["statuses_count"], doc["followers_count"], doc["following_count"]


async def test_statuses_count_follows_posting_and_deleting_at_once(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers, ana_id = await bearer(ana), await actor_id(services, ana)
    assert await counts(client, ana_id) == (0, 0, 0)
    posted = await client.post("/api/v1/statuses", headers=headers, data={"status": "A first sketch"})
    assert posted.status_code == 200
    assert posted.json()["account"]["statuses_count"] == 1
    assert await counts(client, ana_id) == (1, 0, 0)
    home = await client.get("/api/v1/timelines/home", headers=headers)
    assert [s["account"]["statuses_count"] for s in home.json()] == [1]
    deleted = await client.delete(f"/api/v1/statuses/{posted.json()['id']}", headers=headers)
    assert deleted.status_code == 200
    assert await counts(client, ana_id) == (0, 0, 0)


async def test_follow_counts_follow_local_follows_at_once(client, services, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    ana_h = await bearer(ana)
    ana_id, bea_id = await actor_id(services, ana), await actor_id(services, bea)
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 0), (0, 0, 0))
    assert (await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)).status_code == 200
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 1), (0, 1, 0))
    assert (await client.post(f"/api/v1/accounts/{bea_id}/unfollow", headers=ana_h)).status_code == 200
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 0), (0, 0, 0))


async def test_follow_counts_follow_approving_and_removing_a_follower(client, services, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea", manually_approves_followers=True)
    ana_h, bea_h = await bearer(ana), await bearer(bea)
    ana_id, bea_id = await actor_id(services, ana), await actor_id(services, bea)
    assert (await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)).json()["requested"] is True
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 0), (0, 0, 0))
    authorized = await client.post(f"/api/v1/follow_requests/{ana_id}/authorize", headers=bea_h)
    assert authorized.status_code == 200
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 1), (0, 1, 0))
    # Rejecting someone who already follows removes them (as the studio's "remove follower" does).
    removed = await client.post(f"/api/v1/follow_requests/{ana_id}/reject", headers=bea_h)
    assert removed.status_code == 200
    assert (await counts(client, ana_id), await counts(client, bea_id)) == ((0, 0, 0), (0, 0, 0))

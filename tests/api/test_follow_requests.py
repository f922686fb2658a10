"""/api/v1/follow_requests: a locked artist lists requests and authorizes or rejects them."""

from fakes import post_activity
from inbox.activities import activity, actor_url
from sqlmodel import select
from strict import assert_account, assert_relationship

from fediart.store.actors import local_actor
from fediart.store.tables import Actor, Follower, Following
from fediart.worker import run_due_work


async def _id(services, uri: str) -> str:
    async with services.sessions() as session:
        return str((await session.exec(select(Actor.id).where(Actor.uri == uri))).one())


async def _requests(client, headers) -> list[dict]:
    response = await client.get("/api/v1/follow_requests", headers=headers)
    assert response.status_code == 200
    for account in response.json():
        assert_account(account)
    return response.json()


async def test_remote_requests_are_listed_and_answered_with_accept_or_reject(client, services, network,
                                                                             make_artist, bearer):
    ana = await make_artist("ana", manually_approves_followers=True)
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    bob_follow, carol_follow = activity(bob, "Follow", actor_url("ana")), activity(carol, "Follow", actor_url("ana"))
    for who, follow in ((bob, bob_follow), (carol, carol_follow)):
        assert (await post_activity(client, who, follow)).status_code == 202
        await run_due_work(services)  # one at a time: items due together are processed concurrently
    headers = await bearer(ana)
    listed = await _requests(client, headers)
    assert [a["acct"] for a in listed] == ["carol@other.example", "bob@remote.example"]
    bob_id, carol_id = await _id(services, bob.uri), await _id(services, carol.uri)

    authorized = await client.post(f"/api/v1/follow_requests/{bob_id}/authorize", headers=headers)
    assert authorized.status_code == 200
    assert_relationship(authorized.json())
    assert authorized.json()["followed_by"] is True and authorized.json()["requested_by"] is False
    rejected = await client.post(f"/api/v1/follow_requests/{carol_id}/reject", headers=headers)
    assert rejected.json()["followed_by"] is False and rejected.json()["requested_by"] is False
    await run_due_work(services)
    [accept] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Accept"]
    assert accept["object"]["id"] == bob_follow["id"]
    [reject] = [d for d in network.deliveries_to(carol.inbox) if d["type"] == "Reject"]
    assert reject["object"]["id"] == carol_follow["id"]
    assert await _requests(client, headers) == []
    async with services.sessions() as session:
        assert [(f.actor_id, f.state) for f in (await session.exec(select(Follower))).all()] == \
            [(int(bob_id), "accepted")]


async def test_local_request_rejected_ends_the_requesters_follow(client, services, make_artist, bearer):
    ana, bea = await make_artist("ana"), await make_artist("bea", manually_approves_followers=True)
    ana_h, bea_h = await bearer(ana), await bearer(bea)
    async with services.sessions() as session:
        ana_id = str((await local_actor(session, services.urls, ana)).id)
        bea_id = str((await local_actor(session, services.urls, bea)).id)
        await session.commit()
    await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)
    assert [a["id"] for a in await _requests(client, bea_h)] == [ana_id]
    rejected = await client.post(f"/api/v1/follow_requests/{ana_id}/reject", headers=bea_h)
    assert rejected.json()["requested_by"] is False
    mine = (await client.get("/api/v1/accounts/relationships", params={"id[]": bea_id}, headers=ana_h)).json()[0]
    assert mine["requested"] is False and mine["following"] is False
    async with services.sessions() as session:
        assert [f.state for f in (await session.exec(select(Following))).all()] == ["rejected"]
        assert (await session.exec(select(Follower))).all() == []
    # Asking again makes a new request.
    again = await client.post(f"/api/v1/accounts/{bea_id}/follow", headers=ana_h)
    assert again.json()["requested"] is True
    assert [a["id"] for a in await _requests(client, bea_h)] == [ana_id]


async def test_follow_request_errors(client, services, network, make_artist, bearer):
    ana = await make_artist("ana", manually_approves_followers=True)
    bea = await make_artist("bea")
    async with services.sessions() as session:
        bea_id = str((await local_actor(session, services.urls, bea)).id)
        await session.commit()
    assert (await client.get("/api/v1/follow_requests")).status_code == 401
    read_only = await bearer(ana, "read")
    assert (await client.post(f"/api/v1/follow_requests/{bea_id}/authorize", headers=read_only)).status_code == 403
    headers = await bearer(ana)
    not_asked = await client.post(f"/api/v1/follow_requests/{bea_id}/authorize", headers=headers)
    assert not_asked.status_code == 404 and "error" in not_asked.json()
    unknown = await client.post("/api/v1/follow_requests/77777/reject", headers=headers)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Record not found"}

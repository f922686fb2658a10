"""POST /api/v1/reports: Mastodon's Report entity back; a Flag to their server only when forwarded."""

from posting import add_remote
from sqlmodel import select

from fediart.store.actors import local_actor
from fediart.store.policy_tables import Report
from fediart.store.tables import Actor, RemotePost
from fediart.worker import run_due_work


async def _ids(services, account, uri):
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        await session.commit()
        them = (await session.exec(select(Actor).where(Actor.uri == uri))).one()
        return me, them


async def test_a_forwarded_report_flags_their_server_from_the_instance_actor(client, services, network,
                                                                              make_artist, bearer):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    me, them = await _ids(services, ana, bob.uri)
    async with services.sessions() as session:
        post = RemotePost(uri=f"{bob.uri}/statuses/7", actor_id=them.id, content="<p>copy</p>")
        session.add(post)
        await session.commit()
        await session.refresh(post)
    headers = await bearer(ana)
    response = await client.post("/api/v1/reports", headers=headers, json={
        "account_id": str(them.id), "status_ids": [str(post.id)], "comment": "stolen", "forward": True})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["comment"] == "stolen" and doc["forwarded"] is True and doc["status_ids"] == [str(post.id)]
    assert doc["target_account"]["acct"] == "bob@remote.example" and doc["action_taken"] is False
    await run_due_work(services)
    [flag] = [r for r in network.received if r.body.get("type") == "Flag"]
    assert flag.body["actor"] == "https://art.example/actor"  # not ana: her name stays here
    assert flag.body["object"] == [bob.uri, post.uri]
    [report] = (await _rows(services))
    assert (report.direction, report.reporter_id) == ("outgoing", me.id)


async def test_without_forward_or_about_an_artist_here_nothing_is_sent(client, services, network, make_artist, bearer):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    bob = await add_remote(services, network, "bob")
    _, them = await _ids(services, ana, bob.uri)
    _, zoe_actor = await _ids(services, zoe, "https://art.example/users/zoe")
    headers = await bearer(ana)
    for target in (them, zoe_actor):
        response = await client.post("/api/v1/reports", headers=headers,
                                     json={"account_id": str(target.id), "comment": "hm", "forward": True
                                           if target is zoe_actor else False})
        assert response.status_code == 200 and response.json()["forwarded"] is False
    await run_due_work(services)
    assert not [r for r in network.received if r.body.get("type") == "Flag"]
    assert sorted(r.direction for r in await _rows(services)) == ["incoming", "incoming"]
    unknown = await client.post("/api/v1/reports", headers=headers, json={"account_id": "999", "comment": "x"})
    assert unknown.status_code == 404
    read_only = await client.post("/api/v1/reports", headers=await bearer(ana, "read"),
                                  json={"account_id": str(them.id)})
    assert read_only.status_code == 403


async def _rows(services):
    async with services.sessions() as session:
        return list((await session.exec(select(Report))).all())

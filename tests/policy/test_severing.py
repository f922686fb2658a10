"""Suspending a domain severs it: follows ended and its stored content removed, actor rows kept."""

from inbox.activities import activity, actor_url, add_post, mention, note, post_url, rows, send

from fediart.policy.severing import sever_domain, sever_pending
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import (Actor, Bookmark, Follower, Following, Interaction, Mention, Notification,
                                  RemotePost)


async def test_suspension_removes_what_came_from_the_domain_and_its_subdomains(client, services, network,
                                                                                 make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob", host="doomed.example")
    eve = network.add_actor("eve", host="art.doomed.example")
    dave = network.add_actor("dave", host="fine.example")
    for actor in (bob, eve, dave):
        await send(client, services, actor, activity(actor, "Follow", actor_url("ana")))
        await send(client, services, actor, activity(actor, "Create", note(
            actor, inReplyTo=post_url(post), tag=[mention("ana")], cc=[actor_url("ana")])))
        await send(client, services, actor, activity(actor, "Like", post_url(post)))
    bob_row = (await rows(services, Actor, Actor.uri == bob.uri))[0]
    bob_post = (await rows(services, RemotePost, RemotePost.actor_id == bob_row.id))[0]
    async with services.sessions() as session:
        session.add(Following(account_id=ana.id, actor_id=bob_row.id, follow_uri="https://art.example/f/1",
                              state="accepted"))
        session.add(Bookmark(account_id=ana.id, remote_post_id=bob_post.id))
        session.add(DomainBlock(domain="doomed.example", severity="suspend"))
        await session.commit()

    done = await sever_pending(services.sessions)

    counts = done["doomed.example"]
    assert counts["followers"] == 2 and counts["posts"] == 2 and counts["following"] == 1
    assert counts["bookmarks"] == 1 and counts["interactions"] == 2
    fine = (await rows(services, Actor, Actor.uri == dave.uri))[0].id
    assert {f.actor_id for f in await rows(services, Follower)} == {fine}
    assert {p.actor_id for p in await rows(services, RemotePost)} == {fine}
    assert {i.actor_id for i in await rows(services, Interaction)} == {fine}
    assert {n.actor_id for n in await rows(services, Notification)} == {fine}
    assert all(m.actor_id != bob_row.id for m in await rows(services, Mention))
    assert await rows(services, Following) == [] and await rows(services, Bookmark) == []
    # The actor rows stay (Mastodon keeps the usernames), and the rule is stamped as carried out.
    assert {a.uri for a in await rows(services, Actor, Actor.account_id.is_(None))} == {bob.uri, eve.uri, dave.uri}
    [rule] = await rows(services, DomainBlock)
    assert rule.severed_at is not None
    # Idempotent: nothing is pending, and severing again finds nothing.
    assert await sever_pending(services.sessions) == {}
    assert set((await sever_domain(services.sessions, "doomed.example")).values()) == {0}


async def test_a_limited_domain_is_not_severed(client, services, network, make_artist):
    await make_artist("ana")
    lim = network.add_actor("lim", host="limited.example")
    async with services.sessions() as session:
        session.add(DomainBlock(domain="limited.example", severity="silence"))
        await session.commit()
    await send(client, services, lim, activity(lim, "Follow", actor_url("ana")))
    assert await sever_pending(services.sessions) == {}
    assert len(await rows(services, Follower)) == 1

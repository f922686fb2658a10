"""The studio's people pages: follow requests answered with Accept or Reject, notifications with hostile
names escaped, followers removed, accounts followed and unfollowed, each form refused without its CSRF token."""

from __future__ import annotations

from fakes import post_activity
from inbox.activities import activity, actor_url, add_post, note, post_url, send
from signin import forms
from sqlmodel import select
from studio_support import signed_in, studio_form

from fediart.store.tables import Actor, Follower, Following, Notification
from fediart.worker import run_due_work

HOSTILE = '<img src=x onerror=alert(1)>"Eve"'


async def _actor_id(services, uri: str) -> int:
    async with services.sessions() as session:
        return (await session.exec(select(Actor.id).where(Actor.uri == uri))).one()


async def _follow_from(client, services, who) -> dict:
    """`who` asks to follow ana through the real inbox; the worker stores the request."""
    follow = activity(who, "Follow", actor_url("ana"))
    assert (await post_activity(client, who, follow)).status_code == 202
    await run_due_work(services)
    return follow


async def _followers(services) -> list[tuple[int, str]]:
    async with services.sessions() as session:
        return [(f.actor_id, f.state) for f in (await session.exec(select(Follower))).all()]


async def test_requests_list_handles_and_names_and_approve_sends_accept(client, services, network, make_artist):
    await signed_in(client, services, make_artist, manually_approves_followers=True)
    bob = network.add_actor("bob", extra={"name": "Bob <b>Builder</b>"})
    follow = await _follow_from(client, services, bob)
    page = await client.get("/studio/requests")
    assert page.status_code == 200
    assert "@bob@remote.example" in page.text
    assert "Bob &lt;b&gt;Builder&lt;/b&gt;" in page.text and "<b>Builder" not in page.text
    bob_id = await _actor_id(services, bob.uri)
    form = await studio_form(client, "/studio/requests", f"/studio/requests/{bob_id}/approve")
    assert "Approve" in page.text and "Reject" in page.text

    answered = await client.post(form.action, data=form.submit())
    assert answered.status_code == 303
    assert answered.headers["location"].endswith("/studio/requests?done=approved")
    await run_due_work(services)
    [accept] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Accept"]
    assert accept["object"]["id"] == follow["id"]
    assert await _followers(services) == [(bob_id, "accepted")]
    after = await client.get(answered.headers["location"])
    assert "Follow request approved." in after.text and "@bob@remote.example" not in after.text


async def test_reject_sends_reject_and_removes_the_request(client, services, network, make_artist):
    await signed_in(client, services, make_artist, manually_approves_followers=True)
    carol = network.add_actor("carol", host="other.example")
    follow = await _follow_from(client, services, carol)
    carol_id = await _actor_id(services, carol.uri)
    form = await studio_form(client, "/studio/requests", f"/studio/requests/{carol_id}/reject")
    assert (await client.post(form.action, data={"csrf_token": "forged"})).status_code == 403
    assert len(await _followers(services)) == 1
    answered = await client.post(form.action, data=form.submit())
    assert answered.status_code == 303 and answered.headers["location"].endswith("?done=rejected")
    await run_due_work(services)
    [reject] = [d for d in network.deliveries_to(carol.inbox) if d["type"] == "Reject"]
    assert reject["object"]["id"] == follow["id"]
    assert await _followers(services) == []


async def test_answering_needs_the_csrf_token_and_an_unknown_id_is_a_404_page(client, services, network,
                                                                               make_artist):
    await signed_in(client, services, make_artist, manually_approves_followers=True)
    bob = network.add_actor("bob")
    await _follow_from(client, services, bob)
    bob_id = await _actor_id(services, bob.uri)
    form = await studio_form(client, "/studio/requests", f"/studio/requests/{bob_id}/approve")
    forged = await client.post(form.action, data={**form.submit(), "csrf_token": "forged"})
    assert forged.status_code == 403
    missing = await client.post(form.action, data={})
    assert missing.status_code == 403
    assert await _followers(services) == [(bob_id, "pending")]
    unknown = await client.post("/studio/requests/777777/approve", data=form.submit())
    assert unknown.status_code == 404 and "That did not work" in unknown.text
    assert (await client.post("/studio/requests/not-a-number/reject", data=form.submit())).status_code == 404
    assert not [d for d in network.received if d.body.get("type") in ("Accept", "Reject")]


async def test_notifications_say_who_and_what_with_hostile_names_escaped(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    post = await add_post(services, ana, "<p>Heron study</p>")
    eve = network.add_actor("eve", extra={"name": HOSTILE})
    bob = network.add_actor("bob")
    await send(client, services, eve, activity(eve, "Like", post_url(post)))
    await send(client, services, bob, activity(bob, "Create", note(
        bob, '<p>lovely <script>alert(2)</script>work</p>', inReplyTo=post_url(post),
        url="javascript:alert(3)")))
    await _follow_from(client, services, bob)

    page = await client.get("/studio/notifications")
    assert page.status_code == 200
    text = page.text
    assert "onerror" not in text.replace("onerror=alert(1)&gt;", "") and "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;Eve&#34;" in text
    assert "liked your post" in text and "Heron study" in text
    assert f'href="https://art.example/@ana/{post.id}"' in text
    assert "replied to you" in text and "lovely" in text and "<script>" not in text
    assert "javascript:" not in text
    assert "followed you" in text
    # Newest first: the follow, then the reply, then the like.
    assert text.index("followed you") < text.index("replied to you") < text.index("liked your post")


async def test_notifications_page_back_and_clear_all(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    post = await add_post(services, ana)
    for number in range(22):
        liker = network.add_actor(f"fan{number}")
        await send(client, services, liker, activity(liker, "Like", post_url(post)))
    first = await client.get("/studio/notifications")
    assert first.text.count("liked your post") == 20
    assert "@fan21@remote.example" in first.text and "@fan1@remote.example" not in first.text
    older = [f for f in forms(first.text) if f.method == "get"]
    assert not older  # paging is a plain link
    async with services.sessions() as session:
        oldest_shown = sorted(n.id for n in (await session.exec(select(Notification))).all())[2]
    assert f"max_id={oldest_shown}" in first.text
    second = await client.get("/studio/notifications", params={"max_id": oldest_shown})
    assert second.text.count("liked your post") == 2 and "@fan0@remote.example" in second.text

    form = await studio_form(client, "/studio/notifications", "/studio/notifications/clear")
    refused = await client.post(form.action, data={})
    assert refused.status_code == 403
    cleared = await client.post(form.action, data=form.submit())
    assert cleared.status_code == 303 and cleared.headers["location"].endswith("?done=cleared")
    async with services.sessions() as session:
        assert (await session.exec(select(Notification))).all() == []
    assert "Nothing new." in (await client.get("/studio/notifications")).text


async def test_followers_listed_with_safe_links_and_removed_with_a_reject(client, services, network, make_artist):
    await signed_in(client, services, make_artist)
    bob = network.add_actor("bob")
    mallory = network.add_actor("mallory", extra={"url": "javascript:alert(1)"})
    bob_follow = await _follow_from(client, services, bob)
    await _follow_from(client, services, mallory)
    page = await client.get("/studio/followers")
    assert 'href="https://remote.example/@bob"' in page.text
    assert "@mallory@remote.example" in page.text and "javascript:" not in page.text
    bob_id = await _actor_id(services, bob.uri)
    form = await studio_form(client, "/studio/followers", f"/studio/followers/{bob_id}/remove")
    assert (await client.post(form.action, data={"csrf_token": "nope"})).status_code == 403
    removed = await client.post(form.action, data=form.submit())
    assert removed.status_code == 303 and removed.headers["location"].endswith("/studio/followers?done=removed")
    await run_due_work(services)
    [reject] = [d for d in network.deliveries_to(bob.inbox) if d["type"] == "Reject"]
    assert reject["object"]["id"] == bob_follow["id"]
    assert [actor for actor, _ in await _followers(services)] == [await _actor_id(services, mallory.uri)]


async def test_follow_someone_then_unfollow_sends_undo(client, services, network, make_artist):
    await signed_in(client, services, make_artist)
    dora = network.add_actor("dora", host="paint.example")
    form = await studio_form(client, "/studio/following", "/studio/following")
    assert (await client.post(form.action, data={"handle": "@dora@paint.example"})).status_code == 403
    sent = await client.post(form.action, data=form.submit(handle="@dora@paint.example"))
    assert sent.status_code == 303 and sent.headers["location"].endswith("/studio/following?done=follow_sent")
    await run_due_work(services)
    [follow] = [d for d in network.deliveries_to(dora.inbox) if d["type"] == "Follow"]
    # Their server accepts; the account then shows under Following.
    await send(client, services, dora, activity(dora, "Accept", follow))
    page = await client.get("/studio/following")
    assert "@dora@paint.example" in page.text
    dora_id = await _actor_id(services, dora.uri)
    unfollow = form_of = await studio_form(client, "/studio/following", f"/studio/following/{dora_id}/unfollow")
    assert (await client.post(form_of.action, data={})).status_code == 403
    done = await client.post(unfollow.action, data=unfollow.submit())
    assert done.status_code == 303 and done.headers["location"].endswith("?done=unfollowed")
    await run_due_work(services)
    [undo] = [d for d in network.deliveries_to(dora.inbox) if d["type"] == "Undo"]
    assert undo["object"]["id"] == follow["id"]
    async with services.sessions() as session:
        assert (await session.exec(select(Following))).all() == []


async def test_follow_someone_unknown_or_empty_shows_the_error(client, services, network, make_artist):
    await signed_in(client, services, make_artist)
    form = await studio_form(client, "/studio/following", "/studio/following")
    empty = await client.post(form.action, data=form.submit(handle="  "))
    assert empty.status_code == 422 and "Type the handle" in empty.text
    nobody = await client.post(form.action, data=form.submit(handle="@nobody@art.example"))
    assert nobody.status_code == 404 and "not an account on this server" in nobody.text

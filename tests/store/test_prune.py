"""Pruning processed inbox items: old processed rows go; pending work and followers' Follows stay."""

from datetime import timedelta

from fakes import post_activity
from inbox.activities import activity, actor_url, add_post, post_url, received_of, rows, send
from posting import jpeg
from sqlmodel import update

from fediart.actions.media import upload_media
from fediart.actions.posts import create_status, delete_status
from fediart.commands.follows import reject_follower
from fediart.store.tables import Follower, InboxItem, Interaction, Media, utcnow
from fediart.jobs.pruning import prune_old_inbox_items, prune_unattached_uploads
from fediart.worker import run_due_work


async def age(services, days: float, *uris: str) -> None:
    """Make inbox items look as if they arrived `days` ago."""
    async with services.sessions() as session:
        await session.exec(update(InboxItem).where(InboxItem.activity_uri.in_(uris))
                           .values(received_at=utcnow() - timedelta(days=days)))
        await session.commit()


async def test_old_processed_items_are_pruned_but_pending_work_and_followers_follows_stay(
        client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    follow = activity(bob, "Follow", actor_url("ana"))
    old_like, recent_like = activity(bob, "Like", post_url(post)), activity(carol, "Like", post_url(post))
    for sender, sent in ((bob, follow), (bob, old_like), (carol, recent_like)):
        await send(client, services, sender, sent)
    failed = activity(carol, "Wobble", "x")
    pending = activity(bob, "Announce", post_url(post))
    for sent in (failed, pending):
        assert (await post_activity(client, bob if sent is pending else carol, sent)).status_code == 202
    async with services.sessions() as session:  # as the worker leaves an item that failed for good
        await session.exec(update(InboxItem).where(InboxItem.activity_uri == failed["id"])
                           .values(state="failed", last_error="boom"))
        await session.commit()
    await age(services, 8, follow["id"], old_like["id"], failed["id"], pending["id"])

    assert await prune_old_inbox_items(services) == 2
    left = {item.activity_uri: item.state for item in await rows(services, InboxItem)}
    assert left == {follow["id"]: "done", recent_like["id"]: "done", pending["id"]: "pending"}
    assert len(await rows(services, Interaction)) == 2  # what the items did is not undone

    # The pending boost is still processed, and refusing bob later embeds his Follow as he sent it.
    await run_due_work(services)
    assert len(await rows(services, Interaction)) == 3
    await reject_follower(services, "ana", bob.uri)
    await run_due_work(services)
    [reject] = received_of(network, bob.inbox, "Reject")
    assert reject.body["object"]["id"] == follow["id"] and reject.body["object"]["actor"] == bob.uri
    assert await rows(services, Follower) == []



async def age_media(services, hours: float, *media_ids: int) -> None:
    async with services.sessions() as session:
        await session.exec(update(Media).where(Media.id.in_(media_ids))
                           .values(created_at=utcnow() - timedelta(hours=hours)))
        await session.commit()


async def test_uploads_no_post_took_within_a_day_are_pruned_with_their_files(services, make_artist):
    ana = await make_artist("ana")
    stale, fresh, posted, redrafted = [await upload_media(services, ana, jpeg()) for _ in range(4)]
    await create_status(services, ana, text="Kept", media_ids=[str(posted.id)])
    deleted = await create_status(services, ana, text="Redraft me", media_ids=[str(redrafted.id)])
    await age_media(services, 25, stale.id, posted.id, redrafted.id)
    await age_media(services, 23, fresh.id)
    # Deleting for a redraft lets go of the image now: its day starts again.
    await delete_status(services, ana, deleted.id, keep_media=True)

    assert await prune_unattached_uploads(services) == 1
    left = {m.id for m in await rows(services, Media)}
    assert left == {fresh.id, posted.id, redrafted.id}
    assert not (services.media_dir / stale.file).exists() and not (services.media_dir / stale.thumbnail_file).exists()
    for kept in (fresh, posted, redrafted):
        assert (services.media_dir / kept.file).is_file()
    assert await prune_unattached_uploads(services) == 0

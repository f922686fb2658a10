"""inbox/notes.py through the protocol: replies and mentions kept, everything else and every spoof dropped."""

from activities import actor_url, activity, add_post, mention, note, post_url, rows, send

from fediart.store.tables import Notification, RemotePost, Tombstone


async def test_reply_to_our_post_is_kept_sanitised_and_notified(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    reply = note(bob, '<p>Lovely <b>colours</b><script>alert(1)</script><img src="x"></p>',
                 inReplyTo=post_url(post), summary="cw", url="https://remote.example/@bob/1")
    await send(client, services, bob, activity(bob, "Create", reply))

    [kept] = await rows(services, RemotePost)
    assert kept.uri == reply["id"] and kept.in_reply_to == post_url(post)
    assert kept.content == "<p>Lovely <b>colours</b></p>"
    assert (kept.summary, kept.url) == ("cw", "https://remote.example/@bob/1")
    assert kept.published.strftime("%Y-%m-%d %H:%M") == "2026-03-01 12:00"
    [n] = await rows(services, Notification)
    assert (n.kind, n.account_id, n.post_id, n.remote_post_id) == ("reply", ana.id, post.id, kept.id)


async def test_mentions_by_tag_or_by_address_notify_each_artist_once(client, network, services, make_artist):
    ana, zoe = await make_artist("ana"), await make_artist("zoe")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    tagged = note(bob, tag=[mention("ana"), mention("zoe")])
    direct = note(bob, to=[actor_url("zoe")], tag=mention("zoe"))  # `tag` may be a single object
    addressed_only = note(bob, to=[actor_url("ana")])
    reply_and_mention = note(bob, inReplyTo=post_url(post), tag=[mention("ana")])
    for created in (tagged, direct, addressed_only, reply_and_mention):
        await send(client, services, bob, activity(bob, "Create", created))

    kinds = sorted((n.kind, n.account_id) for n in await rows(services, Notification))
    assert kinds == sorted([("mention", ana.id), ("mention", zoe.id), ("mention", zoe.id), ("mention", ana.id),
                            ("reply", ana.id)])
    assert len(await rows(services, RemotePost)) == 4


async def test_notes_that_do_not_concern_us_are_not_stored(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    unrelated = note(bob, inReplyTo="https://remote.example/users/carol/statuses/3", tag=[
        {"type": "Mention", "href": "https://remote.example/users/carol"},
        {"type": "Mention", "href": actor_url("nobody")}])
    await send(client, services, bob, activity(bob, "Create", unrelated))
    await send(client, services, bob, activity(bob, "Create", {**note(bob, tag=[mention("ana")]), "type": "Question"}))
    assert await rows(services, RemotePost) == []


async def test_a_create_for_an_object_on_another_host_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    # eve puts words in bob's mouth: a "bob" note, embedded, under eve's signature.
    forged = note(bob, tag=[mention("ana")])
    await send(client, services, eve, activity(eve, "Create", forged))
    # ... or her own words under an id on bob's server.
    await send(client, services, eve, activity(eve, "Create", note(eve, id=bob.new_id("statuses"),
                                                                     tag=[mention("ana")])))
    assert await rows(services, RemotePost) == []
    assert not [g for g in network.gets if g.url.host == "remote.example"]  # nothing fetched on eve's say-so


async def test_a_note_attributed_to_someone_else_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    network.add_actor("carol")
    claimed = note(bob, attributedTo="https://remote.example/users/carol", tag=[mention("ana")])
    await send(client, services, bob, activity(bob, "Create", claimed))
    assert await rows(services, RemotePost) == []


async def test_a_create_by_iri_is_fetched_from_its_origin(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    fetched = network.add_document({"@context": "https://www.w3.org/ns/activitystreams",
                                    **note(bob, "<p>fetched</p>", tag=[mention("ana")])})
    await send(client, services, bob, activity(bob, "Create", fetched["id"]))
    [kept] = await rows(services, RemotePost)
    assert kept.content == "<p>fetched</p>"
    assert any(str(g.url) == fetched["id"] and "signature" in g.headers for g in network.gets)


async def test_a_late_create_of_a_deleted_note_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    doomed = note(bob, tag=[mention("ana")])
    await send(client, services, bob, activity(bob, "Delete", {"id": doomed["id"], "type": "Tombstone"}))
    await send(client, services, bob, activity(bob, "Create", doomed))
    assert [t.uri for t in await rows(services, Tombstone)] == [doomed["id"]]
    assert await rows(services, RemotePost) == []


async def test_update_changes_a_kept_note_only_for_its_author(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, mallory = network.add_actor("bob"), network.add_actor("mallory")  # same server
    eve = network.add_actor("eve", host="evil.example")
    reply = note(bob, "<p>first</p>", inReplyTo=post_url(post))
    await send(client, services, bob, activity(bob, "Create", reply))

    for spoofer in (mallory, eve):
        forged = {**reply, "attributedTo": spoofer.uri, "content": "<p>forged</p>"}
        await send(client, services, spoofer, activity(spoofer, "Update", forged))
    [kept] = await rows(services, RemotePost)
    assert kept.content == "<p>first</p>" and kept.updated is None

    edited = {**reply, "content": '<p>edited <a href="javascript:x">x</a></p>', "updated": "2026-03-02T08:00:00Z"}
    await send(client, services, bob, activity(bob, "Update", edited))
    [kept] = await rows(services, RemotePost)
    assert kept.content == "<p>edited <a rel=\"nofollow noopener noreferrer\">x</a></p>"
    assert kept.updated.strftime("%Y-%m-%d %H:%M") == "2026-03-02 08:00"


async def test_update_of_a_note_we_never_kept_is_judged_as_its_create(client, network, services, make_artist):
    # Create and Update are processed concurrently, so an edit may overtake its Create.
    await make_artist("ana")
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Update", note(bob, content="<p>for nobody here</p>")))
    assert await rows(services, RemotePost) == []
    await send(client, services, bob, activity(bob, "Update", note(bob, tag=[mention("ana")])))
    assert len(await rows(services, RemotePost)) == 1

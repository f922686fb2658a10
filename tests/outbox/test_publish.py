"""create_post, edit_post and delete_post with the fake network: one transaction, deliveries, licence."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest
from fakes import signed_get
from posting import AS, DMI, LICENCE_IRIS, add_remote, delete, edit, media_files, png, publish, values
from sqlmodel import select

from fediart.activitypub.jsonld import expand
from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp
from fediart.media.images import MediaError
from fediart.outbox import publish as publish_module
from fediart.outbox.publish import PublishError
from fediart.store.tables import Delivery, Media, OutboxActivity, Post
from fediart.worker import run_due_work

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def rows(services, table):
    async with services.sessions() as session:
        return list((await session.exec(select(table))).all())


async def deliveries(services, kind: str) -> list[str]:
    async with services.sessions() as session:
        result = await session.exec(select(Delivery.inbox).join(OutboxActivity, OutboxActivity.id == Delivery.activity_id)
                                    .where(OutboxActivity.activity_type == kind))
        return sorted(result.all())


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana", licence_key="cc-by-nc-nd-4.0")


async def test_create_writes_everything_and_delivers_once_per_inbox(services, network, ana):
    # bob and carol share remote.example's shared inbox; dan's server has none.
    await add_remote(services, network, "bob", follows=ana)
    await add_remote(services, network, "carol", follows=ana)
    await add_remote(services, network, "dan", host="other.example", shared_inbox=False, follows=ana)
    await add_remote(services, network, "erin", host="third.example", follows=ana, state="pending")
    post = await publish(services, text="New work for @bob@remote.example #Ink", images=[(png(), "A red square")])

    [stored] = await rows(services, Post)
    assert stored.id == post.id and stored.source == "New work for @bob@remote.example #Ink"
    [media] = await rows(services, Media)
    assert media.post_id == post.id and media.description == "A red square" and media.blurhash
    assert len(media_files(services)) == 2  # original and thumbnail
    [activity] = await rows(services, OutboxActivity)
    assert activity.activity_type == "Create" and activity.post_id == post.id
    # one delivery per distinct inbox: the mention of bob adds nothing, pending erin gets nothing
    assert await deliveries(services, "Create") == ["https://other.example/users/dan/inbox",
                                                    "https://remote.example/inbox"]

    await run_due_work(services)
    [create] = network.deliveries_to("https://remote.example/inbox")
    assert network.deliveries_to("https://other.example/users/dan/inbox") == [create]
    assert create == orjson.loads(activity.body)
    note = create["object"]
    assert note["to"] == [PUBLIC] and note["cc"] == ["https://art.example/users/ana/followers",
                                                     "https://remote.example/users/bob"]
    assert {"type": "Mention", "href": "https://remote.example/users/bob", "name": "@bob@remote.example"} in note["tag"]
    assert {"type": "Hashtag", "href": "https://art.example/tags/ink", "name": "#Ink"} in note["tag"]

    # the delivered JSON, expanded: every licence IRI on the activity, the Note and each image
    [node] = expand(create)
    [note_node] = node[AS + "object"]
    for subject in (node, note_node):
        for iri in LICENCE_IRIS:
            assert values(subject, iri), iri
        assert values(subject, "http://purl.org/dc/terms/license") == ["https://creativecommons.org/licenses/by-nc-nd/4.0/"]
    [image] = note_node[AS + "attachment"]
    for iri in LICENCE_IRIS:
        assert values(image, iri), iri
    assert values(image, "http://ns.useplus.org/ldf/xmp/1.0/DataMining") == [DMI]
    assert values(image, AS + "name") == ["A red square"]


async def test_a_refused_image_refuses_the_whole_post_and_leaves_nothing(services, network, ana):
    await add_remote(services, network, "bob", follows=ana)
    with pytest.raises(MediaError, match="image 2: "):
        await publish(services, images=[(png(), "fine"), (b"%PDF-1.7 not an image", "bad")])
    assert await rows(services, Post) == [] and await rows(services, Media) == []
    assert await rows(services, OutboxActivity) == [] and await rows(services, Delivery) == []
    assert media_files(services) == []


async def test_a_failure_after_the_files_were_written_removes_them(services, network, ana, monkeypatch):
    async def broken_enqueue(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(publish_module, "enqueue", broken_enqueue)
    with pytest.raises(RuntimeError):
        await publish(services, images=[(png(), "a"), (png("blue"), "b")])
    assert await rows(services, Post) == [] and await rows(services, Media) == []
    assert media_files(services) == []


async def test_input_is_checked_before_anything_happens(services, ana):
    for options, message in (
        ({"text": ""}, "needs text or at least one image"),
        ({"visibility": "secret"}, "unknown visibility"),
        ({"licence_key": "cc-by-99"}, "unknown licence"),
        ({"images": [(png(), "x")] * 5}, "at most 4 images"),
        ({"images": [(png(), "x" * 1501)]}, "longer than 1500"),
        ({"text": "to nobody", "visibility": "direct"}, "needs at least one"),
    ):
        with pytest.raises(PublishError, match=message):
            await publish(services, **options)
    assert await rows(services, Post) == []


async def test_mentions_are_resolved_or_left_as_text(services, network, ana, make_artist):
    network.add_actor("bob")  # known only through WebFinger
    await make_artist("cleo")
    post = await publish(services, text="Hi @bob@remote.example, @nobody@remote.example, @cleo & me@mail.example <b>")
    assert any(r.url.path == "/.well-known/webfinger" for r in network.gets)
    assert ('<span class="h-card" translate="no"><a href="https://remote.example/@bob" class="u-url mention">'
            "@<span>bob</span></a></span>") in post.content
    assert "@nobody@remote.example" in post.content and 'href="https://remote.example/users/nobody' not in post.content
    assert 'href="https://art.example/@cleo"' in post.content
    assert "me@mail.example" in post.content and "&lt;b&gt;" in post.content and "<b>" not in post.content
    assert [t["name"] for t in post.tags] == ["@bob@remote.example", "@cleo@art.example"]
    # cleo is local: addressed, but nothing to deliver; bob gets the Create
    assert await deliveries(services, "Create") == ["https://remote.example/inbox"]


async def test_direct_posts_go_only_to_those_mentioned(services, network, ana):
    await add_remote(services, network, "bob", follows=ana)
    await add_remote(services, network, "dan", host="other.example", shared_inbox=False)
    post = await publish(services, text="@dan@other.example for you only", visibility="direct")
    assert await deliveries(services, "Create") == ["https://other.example/users/dan/inbox"]
    await run_due_work(services)
    [create] = network.deliveries_to("https://other.example/users/dan/inbox")
    assert create["to"] == ["https://other.example/users/dan"] and create["cc"] == []
    assert post.visibility == "direct"


async def test_reply_addresses_and_delivers_to_the_author(services, network, ana):
    bob = await add_remote(services, network, "bob", host="remote.example", shared_inbox=False)
    original = network.add_document({"id": "https://remote.example/users/bob/statuses/9", "type": "Note",
                                     "attributedTo": bob.uri, "content": "hello"})
    post = await publish(services, text="Thank you!", reply_to=original["id"])
    assert post.in_reply_to == original["id"]
    assert await deliveries(services, "Create") == [bob.inbox]
    with pytest.raises(PublishError, match="cannot reply to"):
        await publish(services, text="?", reply_to="https://remote.example/users/bob/statuses/404")


async def test_per_post_licence_reaches_the_note_and_the_file(services, ana):
    post = await publish(services, images=[(png(), "x")], licence_key="cc-by-4.0")
    assert post.licence_key == "cc-by-4.0"
    [activity] = await rows(services, OutboxActivity)
    note = orjson.loads(activity.body)["object"]
    assert note["license"] == note["attachment"][0]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    original = next(p for p in media_files(services) if "-small" not in p.name)
    rights = read_xmp_rights(embedded_xmp(original.read_bytes()))
    assert "https://creativecommons.org/licenses/by/4.0/" in str(rights)


async def test_edit_sends_an_update_to_the_same_audience(services, network, ana):
    await add_remote(services, network, "bob", follows=ana)
    await add_remote(services, network, "dan", host="other.example", shared_inbox=False)
    post = await publish(services, text="Draft for @dan@other.example", images=[(png(), "old alt")])
    edited = await edit(services, post.id, text="Varnished. #oil", cw="glare", alts={1: "new alt"})
    assert edited.updated is not None and "Varnished" in edited.content and edited.summary == "glare"
    # dan's mention is gone from the text but dan saw the post, so dan gets the Update too
    assert await deliveries(services, "Update") == ["https://other.example/users/dan/inbox",
                                                    "https://remote.example/inbox"]
    again = await edit(services, post.id, cw="")
    await run_due_work(services)
    updates = sorted((b for b in network.deliveries_to("https://remote.example/inbox") if b["type"] == "Update"),
                     key=lambda u: u["object"]["updated"])  # the worker delivers concurrently
    assert len(updates) == 2 and updates[0]["id"] != updates[1]["id"]  # two edits within a second
    first = updates[0]["object"]
    assert first["updated"] and first["summary"] == "glare" and first["sensitive"] is True
    assert first["attachment"][0]["name"] == first["attachment"][0]["summary"] == "new alt"
    assert updates[1]["object"]["summary"] is None and again.summary == ""
    assert "license" in updates[0] and "license" in first
    with pytest.raises(PublishError, match="nothing to change"):
        await edit(services, post.id)
    with pytest.raises(PublishError, match="no image 2"):
        await edit(services, post.id, alts={2: "x"})


async def test_delete_tombstones_the_post_removes_files_and_tells_everyone(services, network, ana):
    await add_remote(services, network, "bob", follows=ana)
    post = await publish(services, images=[(png(), "x")])
    assert len(media_files(services)) == 2
    await delete(services, post.id)
    assert media_files(services) == [] and await rows(services, Media) == []
    [tombstone] = await rows(services, Post)
    assert tombstone.deleted_at is not None and tombstone.content == ""
    await run_due_work(services)
    # the Create had not gone out yet: only the Delete does, the deleted work is never sent
    [sent] = network.deliveries_to("https://remote.example/inbox")
    assert sent["type"] == "Delete" and sent["object"]["id"] == f"https://art.example/users/ana/statuses/{post.id}"
    with pytest.raises(PublishError, match="was deleted"):
        await delete(services, post.id)
    with pytest.raises(PublishError, match="was deleted"):
        await edit(services, post.id, text="zombie")



async def test_create_update_and_the_served_note_carry_the_instance_language(services, network, client, ana,
                                                                           monkeypatch):
    config = services.config
    monkeypatch.setattr(services, "config", replace(config, server=replace(config.server, default_language="fr")))
    await add_remote(services, network, "bob", follows=ana)
    post = await publish(services, text="Étude de héron.")
    await edit(services, post.id, text="Étude de héron, vernie.")
    await run_due_work(services)
    sent = {b["type"]: b["object"] for b in network.deliveries_to("https://remote.example/inbox")}
    assert set(sent) == {"Create", "Update"}
    for note in sent.values():
        assert note["contentMap"] == {"fr": note["content"]}
    served = (await signed_get(client, network.fetcher(), sent["Update"]["id"])).json()
    assert served["contentMap"] == {"fr": served["content"]} and "vernie" in served["content"]
    page = (await signed_get(client, network.fetcher(), "/users/ana/outbox?page=true")).json()
    assert page["orderedItems"][0]["object"]["contentMap"] == {"fr": served["content"]}


async def test_a_post_in_its_own_language_says_so_when_sent_served_and_edited(services, network, client, ana):
    await add_remote(services, network, "bob", follows=ana)
    post = await publish(services, text="Estudo de garça.", language="pt-BR")
    await run_due_work(services)
    [create] = [b for b in network.deliveries_to("https://remote.example/inbox") if b["type"] == "Create"]
    assert create["object"]["contentMap"] == {"pt-BR": create["object"]["content"]}
    served = (await signed_get(client, network.fetcher(), create["object"]["id"])).json()
    assert list(served["contentMap"]) == ["pt-BR"]
    await edit(services, post.id, language="pt")  # the artist corrects the language alone
    await run_due_work(services)
    [update] = [b for b in network.deliveries_to("https://remote.example/inbox") if b["type"] == "Update"]
    assert list(update["object"]["contentMap"]) == ["pt"]
    assert services.config.server.default_language == "en"  # the instance's language was never used


@pytest.mark.parametrize("bad", ["", "portuguese", "pt_BR", "<b>", "p"])
async def test_a_post_language_that_is_not_a_language_tag_is_refused_and_nothing_is_kept(services, ana, bad):
    with pytest.raises(PublishError, match="is not a language tag"):
        await publish(services, text="Heron.", language=bad)
    assert await rows(services, Post) == []

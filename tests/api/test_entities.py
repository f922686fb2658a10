"""Entities built from rows pass the strict clients' field rules, for local and remote authors."""

from posting import add_remote, jpeg, publish
from strict import assert_account, assert_status

from fediart.api.account_entities import accounts_to_api
from fediart.api.formats import api_time
from fediart.api.status_entities import statuses_to_api
from fediart.store.actors import local_actor
from sqlmodel import select

from fediart.store.tables import Actor, Interaction, RemotePost


def test_dates_have_three_digit_milliseconds_and_z():
    from datetime import UTC, datetime

    assert api_time(datetime(2026, 11, 26, 16, 41, 57, 123456, tzinfo=UTC)) == "2026-11-26T16:41:57.123Z"
    assert api_time(datetime(2026, 11, 26, 16, 41, 57)) == "2026-11-26T16:41:57.000Z"


async def test_local_and_remote_statuses_and_a_boost_meet_the_field_rules(services, network, make_artist):
    ana = await make_artist("ana")
    fake_carol = await add_remote(services, network, "carol", follows=ana)
    post = await publish(services, "ana", "Heron study.", images=[(jpeg(), "A grey heron")])
    async with services.sessions() as session:
        carol = (await session.exec(select(Actor).where(Actor.uri == fake_carol.uri))).one()
        remote = RemotePost(uri="https://remote.example/notes/1", actor_id=carol.id, content="<p>hi</p>",
                            attachments=[{"url": "https://remote.example/m/1.png", "media_type": "image/png",
                                          "description": "a cat", "width": 10, "height": 5}])
        session.add(remote)
        await session.flush()
        boost = Interaction(kind="boost", activity_uri="https://remote.example/boosts/1", post_id=post.id,
                            actor_id=carol.id)
        session.add(boost)
        await session.commit()
        me = await local_actor(session, services.urls, ana)
        await session.commit()
        found = await statuses_to_api(services, session, [post, remote, boost], viewer=ana)
        [account] = await accounts_to_api(services, session, [me])
    for status in found:
        assert_status(status)
    assert_account(account)
    mine, theirs, wrapper = found
    assert mine["id"] == str(post.id) and mine["media_attachments"][0]["description"] == "A grey heron"
    assert mine["reblogs_count"] == 1 and mine["licence"]["ai_training"] == "reserved"
    assert theirs["account"]["acct"] == "carol@remote.example" and theirs["media_attachments"][0]["url"].endswith("1.png")
    assert wrapper["id"] == str(boost.id) and wrapper["reblog"]["id"] == str(post.id)
    assert account["acct"] == "ana" and account["statuses_count"] == 1 and account["followers_count"] == 1


async def test_an_unknown_api_path_is_a_json_404_so_clients_fall_back(client):
    for method in ("GET", "POST", "DELETE"):
        response = await client.request(method, "/api/v1/no/such/thing")
        assert response.status_code == 404 and response.json() == {"error": "Record not found"}
        assert response.headers["content-type"] == "application/json; charset=utf-8"


async def test_the_openapi_description_is_served_and_lists_the_api(client):
    response = await client.get("/api/openapi.json")
    doc = response.json()
    assert doc["openapi"] == "3.1.0" and "/api/v1/timelines/home" in doc["paths"]
    assert set(doc["components"]["schemas"]["Status"]["required"]) >= {"id", "account", "media_attachments"}


async def test_every_entity_a_client_reads_meets_the_strict_rules(client, services, network, make_artist, bearer):
    """One artist's session across the endpoints an app calls first; each entity is checked field by
    field as Tusky, the official apps, Ice Cubes and Ivory decode it."""
    from posting import png
    from strict import assert_media, assert_notification, assert_relationship
    from timeline_world import deliver, follow_remote, note

    ana = await make_artist("ana")
    await make_artist("bea")
    headers = await bearer(ana)
    carol, carol_row = await follow_remote(services, network, ana, "carol")
    upload = await client.post("/api/v2/media", headers=headers, files={"file": ("file", png(), "image/png")},
                               data={"description": "Ink heron", "focus": "0.1,0.2"})
    posted = await client.post("/api/v1/statuses", headers=headers,
                               json={"status": "Heron #ink @bea", "media_ids": [upload.json()["id"]]})
    status = posted.json()
    await deliver(client, services, carol, "Create", note(carol, "<p>Hello ana</p>", inReplyTo=status["uri"],
                                                          tag=[{"type": "Mention",
                                                                "href": services.urls.actor("ana")}]))
    await deliver(client, services, carol, "Like", status["uri"])

    me = (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).json()
    assert_account(me)
    assert set(me["source"]) >= {"privacy", "sensitive", "language", "note", "fields", "follow_requests_count"}
    assert_media((await client.get(f"/api/v1/media/{upload.json()['id']}", headers=headers)).json())
    for path in ("/api/v1/timelines/home", f"/api/v1/accounts/{me['id']}/statuses", "/api/v1/timelines/public"):
        page = (await client.get(path, headers=headers)).json()
        assert page, path
        for entity in page:
            assert_status(entity)
    context = (await client.get(f"/api/v1/statuses/{status['id']}/context", headers=headers)).json()
    assert set(context) == {"ancestors", "descendants"} and len(context["descendants"]) == 1
    for entity in context["descendants"]:
        assert_status(entity)
    notifications = (await client.get("/api/v1/notifications", headers=headers)).json()
    assert {n["type"] for n in notifications} >= {"favourite", "mention"}
    for entity in notifications:
        assert_notification(entity)
    relationships = (await client.get("/api/v1/accounts/relationships", headers=headers,
                                      params={"id[]": [str(carol_row.id)]})).json()
    assert len(relationships) == 1 and relationships[0]["following"] is True
    assert_relationship(relationships[0])
    await client.post("/api/v1/markers", headers=headers, json={"notifications": {"last_read_id": notifications[0]["id"]}})
    markers = (await client.get("/api/v1/markers", headers=headers, params={"timeline[]": ["notifications"]})).json()
    marker = markers["notifications"]
    assert set(marker) >= {"last_read_id", "version", "updated_at"} and isinstance(marker["version"], int)
    for path in ("/api/v1/instance", "/api/v2/instance"):
        instance = (await client.get(path)).json()
        assert isinstance(instance["version"], str) and instance["version"].startswith("4.2.0 (compatible; fediart ")
    preferences = (await client.get("/api/v1/preferences", headers=headers)).json()
    assert preferences["posting:default:visibility"] in ("public", "unlisted", "private", "direct")

"""GET a post: the Note for servers, the page for browsers, its Create, 410 after delete, 404 when private."""

from __future__ import annotations

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, LD_ACCEPT, assert_licence_headers
from posting import add_remote, delete, edit, png, publish

NOTE = "https://art.example/users/ana/statuses/{}"
POLICY = "https://art.example/@ana/tdm-policy.json"


async def test_servers_get_the_note_with_licence_headers(client, services, make_artist, network):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, text="Heron #ink", images=[(png(), "a heron")])
    for path in (f"/users/ana/statuses/{post.id}", f"/@ana/{post.id}"):
        for accept in (AP_ACCEPT, LD_ACCEPT):
            response = await signed_get(client, network.fetcher(), path, accept)
            assert response.status_code == 200, path
            assert response.headers["content-type"] == "application/activity+json"
            assert_licence_headers(response, policy=POLICY)
            note = response.json()
            # Misskey requires the id to be the URL it fetched (the page URL is the Note's `url`)
            assert note["id"] == NOTE.format(post.id) and note["url"] == f"https://art.example/@ana/{post.id}"
            assert note["type"] == "Note" and note["attachment"][0]["name"] == "a heron"
            assert note["license"] == "https://creativecommons.org/licenses/by-nc-nd/4.0/"


async def test_browsers_get_the_post_page(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="Heron study")
    for path in (f"/users/ana/statuses/{post.id}", f"/@ana/{post.id}"):
        response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "Heron study" in response.text
        assert_licence_headers(response, policy=POLICY)


async def test_the_create_is_served_at_its_id(client, services, make_artist, network):
    await make_artist("ana")
    post = await publish(services, text="Heron")
    response = await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post.id}/activity", AP_ACCEPT)
    assert response.status_code == 200
    assert_licence_headers(response, policy=POLICY)
    create = response.json()
    assert create["id"] == NOTE.format(post.id) + "/activity" and create["type"] == "Create"
    assert create["object"]["id"] == NOTE.format(post.id) and create["tdmReservation"] == 1


async def test_deleted_posts_are_410_tombstones(client, services, make_artist, network):
    await make_artist("ana")
    post = await publish(services, text="Heron")
    assert (await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post.id}", AP_ACCEPT)).status_code == 200
    await delete(services, post.id)  # drops the cached Note
    response = await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post.id}", AP_ACCEPT)
    assert response.status_code == 410
    assert response.headers["content-type"] == "application/activity+json"
    assert_licence_headers(response, policy=POLICY)
    tombstone = response.json()
    assert tombstone["type"] == "Tombstone" and tombstone["id"] == NOTE.format(post.id)
    assert tombstone["formerType"] == "Note" and tombstone["deleted"].endswith("Z")
    assert tombstone["tdmReservation"] == 1 and "Heron" not in response.text
    activity = await signed_get(client, network.fetcher(), f"/users/ana/statuses/{post.id}/activity", AP_ACCEPT)
    assert activity.status_code == 410 and activity.json()["formerType"] == "Create"
    page = await client.get(f"/@ana/{post.id}", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 410 and "deleted" in page.text and "Heron" not in page.text


async def test_private_and_unknown_posts_are_404(client, services, network, make_artist):
    ana = await make_artist("ana")
    await make_artist("bob")
    await add_remote(services, network, "dan", host="other.example", follows=ana)
    followers_only = await publish(services, text="for followers", visibility="followers")
    direct = await publish(services, text="@dan@other.example secret", visibility="direct")
    unlisted = await publish(services, text="quiet", visibility="unlisted")
    for post_id in (followers_only.id, direct.id):
        for accept in (AP_ACCEPT, BROWSER_ACCEPT):
            for path in (f"/users/ana/statuses/{post_id}", f"/users/ana/statuses/{post_id}/activity"):
                response = await signed_get(client, network.fetcher(), path, accept)
                assert response.status_code == 404, (path, accept)
                assert "secret" not in response.text and "for followers" not in response.text
    await delete(services, direct.id)
    assert (await signed_get(client, network.fetcher(), f"/users/ana/statuses/{direct.id}")).status_code == 404
    # an unlisted post is public, just not listed
    assert (await signed_get(client, network.fetcher(), f"/users/ana/statuses/{unlisted.id}")).status_code == 200
    for path in ("/users/ana/statuses/999", f"/users/bob/statuses/{unlisted.id}", f"/users/zed/statuses/{unlisted.id}",
                 "/@ana/999"):
        assert (await signed_get(client, network.fetcher(), path, AP_ACCEPT)).status_code == 404, path


async def test_an_edit_is_visible_at_once(client, services, make_artist, network):
    await make_artist("ana")
    post = await publish(services, text="Draft")
    path = f"/users/ana/statuses/{post.id}"
    assert "Draft" in (await signed_get(client, network.fetcher(), path, AP_ACCEPT)).json()["content"]
    await edit(services, post.id, text="Final")
    note = (await signed_get(client, network.fetcher(), path, AP_ACCEPT)).json()
    assert "Final" in note["content"] and note["updated"]
    assert "Final" in (await client.get(f"/@ana/{post.id}", headers={"Accept": BROWSER_ACCEPT})).text

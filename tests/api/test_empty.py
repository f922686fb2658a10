"""The valid empty answers: `[]` where Mastodon lists something fediart doesn't have, with Mastodon's
authentication; 404 `Record not found` for a push subscription; the posting preferences."""

from __future__ import annotations

from fediart.api.empty import EMPTY_LISTS


async def test_every_empty_list_answers_an_empty_json_array(client, make_artist, bearer):
    headers = await bearer(await make_artist("ana"))
    for path, scope in EMPTY_LISTS.items():
        response = await client.get(path, headers=headers)
        assert response.status_code == 200 and response.json() == [], path
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        anonymous = await client.get(path)
        assert anonymous.status_code == (200 if scope is None else 401), path


async def test_the_paths_clients_call_at_start_are_all_there():
    assert {"/api/v1/custom_emojis", "/api/v1/filters", "/api/v2/filters", "/api/v1/lists", "/api/v1/announcements",
            "/api/v1/followed_tags", "/api/v1/conversations", "/api/v1/trends/tags", "/api/v1/trends/statuses",
            "/api/v1/trends/links", "/api/v2/suggestions", "/api/v1/domain_blocks", "/api/v1/scheduled_statuses",
            "/api/v1/featured_tags", "/api/v1/endorsements"} <= set(EMPTY_LISTS)
    assert EMPTY_LISTS["/api/v1/custom_emojis"] is None and EMPTY_LISTS["/api/v1/trends/tags"] is None


async def test_a_token_without_the_scope_is_refused(client, make_artist, bearer):
    headers = await bearer(await make_artist("ana"), "write")
    assert (await client.get("/api/v1/lists", headers=headers)).status_code == 403


async def test_push_subscription_is_not_found(client, make_artist, bearer):
    headers = await bearer(await make_artist("ana"))
    response = await client.get("/api/v1/push/subscription", headers=headers)
    assert response.status_code == 404 and response.json() == {"error": "Record not found"}
    assert (await client.get("/api/v1/push/subscription")).status_code == 401


async def test_preferences(client, make_artist, bearer):
    response = await client.get("/api/v1/preferences", headers=await bearer(await make_artist("ana")))
    assert response.json() == {"posting:default:visibility": "public", "posting:default:sensitive": False,
                               "posting:default:language": "en", "reading:expand:media": "default",
                               "reading:expand:spoilers": False}
    assert (await client.get("/api/v1/preferences")).status_code == 401

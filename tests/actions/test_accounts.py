"""Finding accounts by what a person types: local artists by name, handle or URL; remote ones known or fetched."""

import httpx
import pytest
from posting import add_remote

from fediart.actions.accounts import find_actor, known_actor, search_accounts
from fediart.actions.errors import ActionError


async def test_local_artists_are_found_by_name_handle_and_urls_without_the_network(services, network, make_artist):
    bea = await make_artist("bea")
    gets = len(network.gets)
    names = ("bea", "@bea", "bea@art.example", "@BEA@art.example", services.urls.actor("bea"),
             services.urls.profile("bea"))
    found = {(await find_actor(services, who, fetch=True)).id for who in names}
    assert len(found) == 1
    actor = await known_actor(services, "bea")
    assert actor.account_id == bea.id and actor.uri == services.urls.actor("bea")
    assert len(network.gets) == gets
    for who in ("@zed@art.example", services.urls.actor("zed"), services.urls.base + "/about"):
        with pytest.raises(ActionError, match="not an account on this server") as caught:
            await find_actor(services, who, fetch=True)
        assert caught.value.status == 404


async def test_a_handle_whose_webfinger_points_here_is_the_local_artist(services, network, make_artist,
                                                                          monkeypatch):
    await make_artist("bea")
    original = network._webfinger

    def webfinger(request):  # alias.example's WebFinger names bea's actor on this server
        if request.url.host == "alias.example":
            return httpx.Response(200, json={"links": [{"rel": "self", "type": "application/activity+json",
                                                        "href": services.urls.actor("bea")}]})
        return original(request)

    monkeypatch.setattr(network, "_webfinger", webfinger)
    actor = await find_actor(services, "@bea@alias.example", fetch=True)
    assert actor.uri == services.urls.actor("bea") and actor.local


async def test_known_remote_actor_needs_no_fetch_and_search_escapes_wildcards(services, network, make_artist):
    await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    gets = len(network.gets)
    assert (await find_actor(services, "@bob@remote.example", fetch=False)).uri == bob.uri
    assert (await known_actor(services, "https://remote.example/@bob")).uri == bob.uri
    assert await known_actor(services, "@bob@other.example") is None
    assert len(network.gets) == gets
    assert [a.username for a in await search_accounts(services, "b_b", resolve=False, limit=5)] == []
    assert [a.username for a in await search_accounts(services, "bo", resolve=False, limit=5)] == ["bob"]
    assert [a.username for a in await search_accounts(services, "@bo@remote", resolve=False, limit=5)] == ["bob"]
    assert await search_accounts(services, "@bo@elsewhere", resolve=False, limit=5) == []

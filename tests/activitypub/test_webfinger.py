"""WebFinger, host-meta and NodeInfo as a Mastodon server would query them."""

from helpers import assert_licence_headers


async def test_acct_resource_finds_the_artist(client, make_artist):
    await make_artist("ana")
    response = await client.get("/.well-known/webfinger", params={"resource": "acct:ana@art.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jrd+json"
    doc = response.json()
    assert doc["subject"] == "acct:ana@art.example"
    assert doc["aliases"] == ["https://art.example/@ana", "https://art.example/users/ana"]
    links = {link["rel"]: link for link in doc["links"]}
    assert links["self"] == {"rel": "self", "type": "application/activity+json", "href": "https://art.example/users/ana"}
    assert links["http://webfinger.net/rel/profile-page"]["href"] == "https://art.example/@ana"
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")


async def test_actor_and_profile_urls_are_accepted_as_resources(client, make_artist):
    await make_artist("ana")
    for resource in ("https://art.example/users/ana", "https://art.example/@ana", "acct:ANA@Art.Example"):
        response = await client.get("/.well-known/webfinger", params={"resource": resource})
        assert response.status_code == 200, resource
        assert response.json()["subject"] == "acct:ana@art.example"


async def test_unknown_account_is_404_and_malformed_resource_is_400(client, make_artist):
    await make_artist("ana")
    assert (await client.get("/.well-known/webfinger", params={"resource": "acct:bob@art.example"})).status_code == 404
    assert (await client.get("/.well-known/webfinger", params={"resource": "acct:ana@elsewhere.example"})).status_code == 404
    for bad in ("acct:ana", "acct:@art.example", "ftp://art.example/users/ana", "nonsense"):
        response = await client.get("/.well-known/webfinger", params={"resource": bad})
        assert response.status_code == 400, bad
        assert "error" in response.json()
    assert (await client.get("/.well-known/webfinger")).status_code == 400


async def test_instance_actor_is_discoverable_like_mastodons(client):
    response = await client.get("/.well-known/webfinger", params={"resource": "acct:art.example@art.example"})
    assert response.status_code == 200
    self_link = next(link for link in response.json()["links"] if link["rel"] == "self")
    assert self_link["href"] == "https://art.example/actor"


async def test_host_meta_points_to_webfinger(client):
    xml = await client.get("/.well-known/host-meta")
    assert xml.headers["content-type"].startswith("application/xrd+xml")
    assert 'template="https://art.example/.well-known/webfinger?resource={uri}"' in xml.text
    json_variant = await client.get("/.well-known/host-meta", headers={"Accept": "application/json"})
    assert json_variant.json()["links"][0] == {
        "rel": "lrdd", "template": "https://art.example/.well-known/webfinger?resource={uri}"}
    assert_licence_headers(xml)


async def test_nodeinfo_20_and_21_with_ai_policy(client, make_artist):
    await make_artist("ana")
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    hrefs = {link["rel"].rsplit("/", 1)[-1]: link["href"] for link in links}
    assert hrefs == {"2.0": "https://art.example/nodeinfo/2.0", "2.1": "https://art.example/nodeinfo/2.1"}
    for version in ("2.0", "2.1"):
        response = await client.get(f"/nodeinfo/{version}")
        assert response.status_code == 200
        assert response.headers["content-type"] == (
            f'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/{version}#"')
        doc = response.json()
        assert doc["version"] == version
        assert doc["software"]["name"] == "fediart"
        assert doc["protocols"] == ["activitypub"]
        assert doc["openRegistrations"] is False
        assert doc["usage"]["users"]["total"] == 1
        policy = doc["metadata"]["aiPolicy"]
        assert policy["aiTraining"] == "reserved" and policy["tdmReservation"] == 1
        assert policy["contentUsage"].startswith("train-ai=n")
        assert_licence_headers(response)
    assert (await client.get("/nodeinfo/1.0")).status_code == 404

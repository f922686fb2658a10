"""The actor document: content negotiation and every field Mastodon reads."""

import re
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, LD_ACCEPT, assert_licence_headers, make_config

ACTOR = "https://art.example/users/ana"
# What Mastodon sends for a field whose value is a link (its TextFormatter with rel "me").
SHOP_LINK = ('<a href="https://shop.example" target="_blank" rel="nofollow noopener noreferrer me" translate="no">'
             '<span class="invisible">https://</span><span class="">shop.example</span>'
             '<span class="invisible"></span></a>')


@pytest.fixture
async def config(database_settings, tmp_path, request):
    """The usual test config; tests parametrized indirectly on `config` pass make_config arguments."""
    return make_config(database_settings, tmp_path, **getattr(request, "param", {}))


async def test_activitypub_clients_get_json_ld_with_their_content_type(client, make_artist, network):
    await make_artist("ana")
    for accept in (AP_ACCEPT, LD_ACCEPT, "application/activity+json, application/ld+json"):
        response = await signed_get(client, network.fetcher(), "/users/ana", accept)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/activity+json"
        assert response.json()["id"] == ACTOR
        assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    # Mastodon's profile URL answers with the same document to an ActivityPub client.
    assert (await signed_get(client, network.fetcher(), "/@ana", AP_ACCEPT)).json()["id"] == ACTOR


async def test_browsers_get_the_profile_page(client, make_artist):
    await make_artist("ana", display_name="Ana Lima")
    for path in ("/users/ana", "/@ana"):
        response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "Ana Lima" in response.text


async def test_person_has_every_field_mastodon_reads(client, make_artist, network):
    await make_artist("ana", display_name="Ana Lima", summary="<p>Painter</p>", licence_key="cc-by-nc-nd-4.0",
                      fields=[{"name": "Shop", "value": "https://shop.example"}])
    doc = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    assert doc["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert doc["@context"][1] == "https://w3id.org/security/v1"
    assert doc["type"] == "Person"
    assert doc["preferredUsername"] == "ana"
    assert doc["name"] == "Ana Lima"
    assert doc["summary"] == "<p>Painter</p>"
    assert doc["url"] == "https://art.example/@ana"
    for key, path in (("inbox", "/inbox"), ("outbox", "/outbox"), ("followers", "/followers"),
                      ("following", "/following"), ("featured", "/collections/featured")):
        assert doc[key] == ACTOR + path
    assert doc["endpoints"] == {"sharedInbox": "https://art.example/inbox"}
    assert doc["manuallyApprovesFollowers"] is False
    assert doc["discoverable"] is True
    assert doc["indexable"] is False
    assert doc["published"].endswith("T00:00:00Z")
    assert doc["publicKey"]["id"] == ACTOR + "#main-key"
    assert doc["publicKey"]["owner"] == ACTOR
    key = serialization.load_pem_public_key(doc["publicKey"]["publicKeyPem"].encode())
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    assert "PRIVATE" not in str(doc)
    fields = {f["name"]: f["value"] for f in doc["attachment"]}
    assert all(f["type"] == "PropertyValue" for f in doc["attachment"])
    assert fields["Shop"] == SHOP_LINK
    assert fields["AI training"].startswith("Not permitted")
    assert "CC BY-NC-ND 4.0" in fields["Licence"]
    # the licence block, on the actor as the default for everything it publishes
    assert doc["license"] == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert doc["tdmReservation"] == 1
    assert doc["contentUsage"] == "train-ai=n, search=n"
    assert doc["searchableBy"] == [ACTOR]  # FEP-268d: only the author; [] would mean "unset"


async def test_unknown_actor_is_404(client, network):
    response = await signed_get(client, network.fetcher(), "/users/nobody", AP_ACCEPT)
    assert response.status_code == 404
    assert_licence_headers(response)


async def test_instance_actor_is_an_application_with_a_key(client, network):
    response = await signed_get(client, network.fetcher(), "/actor", AP_ACCEPT)
    doc = response.json()
    assert response.headers["content-type"] == "application/activity+json"
    assert doc["type"] == "Application"
    assert doc["id"] == "https://art.example/actor"
    assert doc["preferredUsername"] == "art.example"
    assert doc["publicKey"]["owner"] == "https://art.example/actor"
    serialization.load_pem_public_key(doc["publicKey"]["publicKeyPem"].encode())


@pytest.mark.parametrize("config", [{"domain": "127.0.0.1:8000"}], indirect=True)
async def test_instance_actor_name_has_no_port_and_webfinger_resolves_it(client, network):
    """GoToSocial checks a signer by WebFinger on acct:preferredUsername@host; a colon is no username."""
    doc = (await signed_get(client, network.fetcher(), "/actor", AP_ACCEPT)).json()
    assert doc["id"] == "http://127.0.0.1:8000/actor"
    assert doc["preferredUsername"] == "127.0.0.1"  # Mastodon names it after the host, too
    host = urlsplit(doc["id"]).netloc
    response = await client.get("/.well-known/webfinger", params={"resource": f"acct:{doc['preferredUsername']}@{host}"})
    assert response.status_code == 200
    jrd = response.json()
    assert jrd["subject"] == "acct:127.0.0.1@127.0.0.1:8000"
    assert [link["href"] for link in jrd["links"] if link["rel"] == "self"] == [doc["id"]]
    # Peers that cached the old name still find it.
    old = await client.get("/.well-known/webfinger", params={"resource": "acct:127.0.0.1:8000@127.0.0.1:8000"})
    assert old.status_code == 200


async def test_every_link_the_instance_actor_advertises_answers(client, network):
    doc = (await signed_get(client, network.fetcher(), "/actor", AP_ACCEPT)).json()
    page = await client.get(urlsplit(doc["url"]).path, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert re.search(r'<meta name="tdm-reservation" content="1">', page.text)
    for key in ("outbox", "featured"):
        response = await signed_get(client, network.fetcher(), urlsplit(doc[key]).path, AP_ACCEPT)
        assert response.status_code == 200, key
        assert response.headers["content-type"] == "application/activity+json"
        assert_licence_headers(response, policy="https://art.example/tdm-policy.json")
        collection = response.json()
        assert (collection["id"], collection["type"], collection["totalItems"]) == (doc[key], "OrderedCollection", 0)
    # The WebFinger profile page of the instance actor is the same page.
    jrd = (await client.get("/.well-known/webfinger", params={"resource": "acct:art.example@art.example"})).json()
    [profile] = [link["href"] for link in jrd["links"] if link["rel"] == "http://webfinger.net/rel/profile-page"]
    assert profile == doc["url"]


async def test_changes_show_at_once_when_this_process_makes_them(client, make_artist, services, network):
    account = await make_artist("ana", display_name="Ana")
    first = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    async with services.sessions() as session:
        account.display_name = "Ana Lima"
        session.add(account)
        await session.commit()
    services.cache.forget_account("ana")
    second = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    assert (first["name"], second["name"]) == ("Ana", "Ana Lima")


async def test_field_values_are_html_links_and_escaped_text(client, make_artist, network):
    await make_artist("ana", fields=[
        {"name": "Shop", "value": "https://shop.example"},
        {"name": "Portfolio", "value": "see https://www.example.com/a/very/long/path/to/the/gallery?x=1&y=2."},
        {"name": "Medium", "value": "ink & <b>paper</b>"},
        {"name": "Sneaky", "value": 'https://x.example/"onmouseover="alert(1)'},
    ])
    doc = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    fields = {f["name"]: f["value"] for f in doc["attachment"]}
    assert fields["Shop"] == SHOP_LINK
    assert fields["Portfolio"] == (
        'see <a href="https://www.example.com/a/very/long/path/to/the/gallery?x=1&amp;y=2" target="_blank" '
        'rel="nofollow noopener noreferrer me" translate="no"><span class="invisible">https://www.</span>'
        '<span class="ellipsis">example.com/a/very/long/path/t</span>'
        '<span class="invisible">o/the/gallery?x=1&amp;y=2</span></a>.')
    assert fields["Medium"] == "ink &amp; &lt;b&gt;paper&lt;/b&gt;"
    # A quote ends the URL: nothing the artist typed can leave the href attribute.
    assert fields["Sneaky"].startswith('<a href="https://x.example/" target="_blank"')
    assert fields["Sneaky"].endswith('</a>&quot;onmouseover=&quot;alert(1)')

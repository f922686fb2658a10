"""Remote actors and their keys, found through the one key path in every shape peers publish."""

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from fakes import AS
from sqlmodel import select

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.remote_actors import ActorError, actor_fields_from_ap
from fediart.store.tables import Actor

SEC = "https://w3id.org/security/v1"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def multibase(raw: bytes) -> str:
    number, text = int.from_bytes(raw, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = _B58[digit] + text
    return "z" + "1" * (len(raw) - len(raw.lstrip(b"\0"))) + text


async def stored(services) -> list[Actor]:
    async with services.sessions() as session:
        return list((await session.exec(select(Actor))).all())


async def test_mastodon_key_is_a_fragment_of_the_actor(services, network):
    bob = network.add_actor("bob")
    actor = await services.remote_actors.by_key_id(bob.key_id)
    assert (actor.uri, actor.key_id, actor.public_key_pem) == (bob.uri, bob.key_id, bob.public_pem)
    assert [str(g.url) for g in network.gets] == [bob.uri]  # one GET: the actor holds its key


async def test_gotosocial_key_url_answers_an_actor_stub_that_points_to_the_owner(services, network):
    gts = network.add_actor("gts", host="gts.example", key_path="/main-key", extra={"name": "Full Profile"})
    assert gts.key_document()["id"] == gts.uri  # the stub's id is the actor, not the URL fetched
    actor = await services.remote_actors.by_key_id(gts.key_id)
    assert (actor.uri, actor.key_id, actor.public_key_pem) == (gts.uri, gts.key_id, gts.public_pem)
    # the stub only pointed the way: what is stored comes from the actor fetched from its own URL
    assert actor.display_name == "Full Profile" and actor.inbox == gts.inbox
    assert [str(g.url) for g in network.gets] == [gts.key_id, gts.uri]


async def test_a_separate_key_document_names_its_owner_at_top_level(services, network):
    kim = network.add_actor("kim", host="keys.example", key_path="/keys/1", key_style="document")
    actor = await services.remote_actors.by_key_id(kim.key_id)
    assert (actor.uri, actor.key_id) == (kim.uri, kim.key_id)


async def test_fedify_key_lists_and_multikeys(services, network):
    ed = ed25519.Ed25519PrivateKey.generate().public_key()
    ed_raw = ed.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ed_pem = ed.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    fed = network.add_actor("fed", host="fedify.example")
    fed.extra = {
        "publicKey": [{"id": fed.uri + "#main-key", "type": "CryptographicKey", "owner": fed.uri,
                       "publicKeyPem": fed.public_pem}],
        "assertionMethod": [{"id": fed.uri + "#key-2", "type": "Multikey", "controller": fed.uri,
                             "publicKeyMultibase": multibase(b"\xed\x01" + ed_raw)}],
    }
    rsa_actor = await services.remote_actors.by_key_id(fed.uri + "#main-key")
    assert rsa_actor.public_key_pem == fed.public_pem
    ed_actor = await services.remote_actors.by_key_id(fed.uri + "#key-2")
    assert (ed_actor.key_id, ed_actor.public_key_pem) == (fed.uri + "#key-2", ed_pem)


async def test_a_key_whose_owner_is_on_another_server_is_refused(services, network):
    victim = network.add_actor("victim", host="victim.example")
    evil_key = "https://evil.example/users/x/main-key"
    network.add_document({"@context": [SEC, AS], "id": victim.uri, "type": "Person",
                          "publicKey": {"id": evil_key, "owner": victim.uri, "publicKeyPem": victim.public_pem}})
    network.documents[evil_key] = network.documents.pop(victim.uri)
    with pytest.raises(ActorError, match="key owner is not on the key's server"):
        await services.remote_actors.by_key_id(evil_key)
    assert await stored(services) == []
    assert [g.url.host for g in network.gets] == ["evil.example"]


async def test_the_owner_must_list_the_exact_key(services, network):
    # a stub on the owner's server names the owner, but the owner's actor lists another key
    bob = network.add_actor("bob", host="gts.example", key_path="/main-key")
    other_key = bob.uri + "/other-key"
    network.add_document({"@context": [SEC, AS], "id": other_key, "type": "Key", "owner": bob.uri,
                          "publicKeyPem": bob.public_pem})
    with pytest.raises(ActorError, match="actor does not list that key as its own"):
        await services.remote_actors.by_key_id(other_key)
    assert await stored(services) == []


async def test_a_stub_is_never_taken_for_the_actor(services, network):
    # the key URL answers a stub whose id is the actor; fetching the actor by its own URL fails
    gts = network.add_actor("gts", host="gts.example", key_path="/main-key")
    network.responses[gts.uri] = lambda request: httpx.Response(401)
    with pytest.raises(FetchError):
        await services.remote_actors.by_key_id(gts.key_id)
    assert await stored(services) == []


def doc(**fields) -> dict:
    bob = "https://remote.example/users/bob"
    base = {"id": bob, "type": "Person", "inbox": bob + "/inbox",
            "publicKey": {"id": bob + "#main-key", "owner": bob, "publicKeyPem": None}}
    return base | fields


def test_odd_types_and_deep_links_are_refused_or_dropped_without_errors():
    from fakes import _KEYS

    pem = _KEYS[0][1]
    good = doc()
    good["publicKey"]["publicKeyPem"] = pem
    with pytest.raises(ActorError, match="not an actor"):
        actor_fields_from_ap(good | {"type": ["Person"]})
    deep: object = "https://remote.example/avatar.png"
    for _ in range(5000):
        deep = [{"url": deep}]
    fields = actor_fields_from_ap(good | {"icon": deep, "url": {"href": [{"href": "https://remote.example/@bob"}]}})
    assert fields["icon_url"] is None and fields["url"] == "https://remote.example/@bob"


async def test_nul_characters_and_overlong_fields_are_cleaned_on_both_databases(services, network):
    long_url = "https://remote.example/" + "a" * 2100
    bob = network.add_actor("bob", extra={
        "name": "Bo\u0000b" + "x" * 600, "preferredUsername": "bo\u0000b", "summary": "<p>hi\u0000</p>",
        "url": long_url, "icon": {"type": "Image", "url": "https://remote.example/a\u0000.png"},
        "followers": long_url, "movedTo": 12})
    actor = await services.remote_actors.by_uri(bob.uri)
    assert actor.username == "bob" and actor.display_name == "Bob" + "x" * 497
    assert "\x00" not in actor.summary and "hi" in actor.summary
    assert (actor.url, actor.icon_url, actor.followers_url, actor.moved_to) == (None, None, None, None)
    [row] = await stored(services)
    assert row.display_name == actor.display_name


async def test_an_actor_id_longer_than_the_column_is_refused(services, network):
    bob = network.add_actor("b" * 2100)
    with pytest.raises(ActorError, match="not an actor"):
        await services.remote_actors.by_uri(bob.uri)
    assert await stored(services) == []


async def test_an_actor_may_list_its_key_by_id_when_the_key_document_holds_it(services, network):
    kim = network.add_actor("kim", host="keys.example", key_path="/keys/1", key_style="document")
    kim.extra = {"publicKey": kim.key_id}  # the actor names the key; the key document holds the PEM
    actor = await services.remote_actors.by_key_id(kim.key_id)
    assert (actor.uri, actor.key_id, actor.public_key_pem) == (kim.uri, kim.key_id, kim.public_pem)


async def test_an_rsa_multikey_is_read_as_its_pem(services, network):
    from fediart.activitypub.keys import load_public_key

    fed = network.add_actor("fed", host="fedify.example")
    pkcs1 = load_public_key(fed.public_pem).public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    fed.extra = {"assertionMethod": {"id": fed.uri + "#key-3", "type": "Multikey", "controller": fed.uri,
                                     "publicKeyMultibase": multibase(b"\x85\x24" + pkcs1)}}
    actor = await services.remote_actors.by_key_id(fed.uri + "#key-3")
    assert actor.public_key_pem == fed.public_pem


@pytest.mark.parametrize("kind", ["rsa-512", "ec-p256"])
async def test_weak_or_unsupported_public_keys_are_refused(kind, services, network):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if kind == "rsa-512":
        weak = rsa.RSAPublicNumbers(65537, (1 << 511) | 0x1235).public_key()
    else:
        weak = ec.generate_private_key(ec.SECP256R1()).public_key()
    bob = network.add_actor("bob")
    bob.public_pem = weak.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(ActorError, match="actor's public key does not load"):
        await services.remote_actors.by_key_id(bob.key_id)
    assert await stored(services) == []

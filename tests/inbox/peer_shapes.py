"""Actors, Follows and signatures exactly as other servers publish and send them (first contact).

Shapes taken from each server's code: Mastodon (ActivityPub::ActorSerializer), GoToSocial
(AccountToAS, and AccountToASMinimal at /main-key), Misskey (ApRendererService.renderPerson),
Akkoma (UserView "user.json", litepub context), Pixelfed (ProfileTransformer).
"""

from __future__ import annotations

import base64
import hashlib
from email.utils import formatdate

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from fakes import AS, FakeActor

SEC = "https://w3id.org/security/v1"


def mastodon(a: FakeActor) -> dict:
    return {
        "@context": [AS, SEC, {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                               "toot": "http://joinmastodon.org/ns#",
                               "featured": {"@id": "toot:featured", "@type": "@id"},
                               "discoverable": "toot:discoverable", "indexable": "toot:indexable"}],
        "id": a.uri, "type": "Person", "following": a.uri + "/following", "followers": a.uri + "/followers",
        "inbox": a.uri + "/inbox", "outbox": a.uri + "/outbox", "featured": a.uri + "/collections/featured",
        "featuredTags": a.uri + "/collections/tags", "preferredUsername": a.username, "name": "Mast Odon",
        "summary": "<p>painter</p>", "url": f"https://{a.host}/@{a.username}", "manuallyApprovesFollowers": False,
        "discoverable": True, "indexable": False, "published": "2023-04-01T00:00:00Z", "memorial": False,
        "devices": a.uri + "/collections/devices",
        "publicKey": {"id": a.uri + "#main-key", "owner": a.uri, "publicKeyPem": a.public_pem},
        "tag": [], "attachment": [], "endpoints": {"sharedInbox": f"https://{a.host}/inbox"},
        "icon": {"type": "Image", "mediaType": "image/png", "url": f"https://{a.host}/system/avatar.png"},
    }


def gotosocial(a: FakeActor) -> dict:
    # The key lives at /users/NAME/main-key, which answers AccountToASMinimal (FakeActor.key_document).
    return {
        "@context": [AS, SEC, {"discoverable": "toot:discoverable", "toot": "http://joinmastodon.org/ns#",
                               "manuallyApprovesFollowers": "as:manuallyApprovesFollowers"}],
        "discoverable": True, "featured": a.uri + "/collections/featured", "followers": a.uri + "/followers",
        "following": a.uri + "/following", "id": a.uri, "inbox": a.uri + "/inbox",
        "manuallyApprovesFollowers": False, "name": "Goto Social", "outbox": a.uri + "/outbox",
        "preferredUsername": a.username,
        "publicKey": {"id": a.uri + "/main-key", "owner": a.uri, "publicKeyPem": a.public_pem},
        "published": "2024-01-01T00:00:00Z", "summary": "<p>gts</p>", "tag": [], "type": "Person",
        "url": f"https://{a.host}/@{a.username}",
    }


def misskey(a: FakeActor) -> dict:
    # Misskey's actor URL carries the user's internal id; the handle is preferredUsername.
    base = f"https://{a.host}"
    return {
        "@context": [AS, SEC, {"Key": "sec:Key", "misskey": "https://misskey-hub.net/ns#",
                               "_misskey_summary": "misskey:_misskey_summary", "isCat": "misskey:isCat"}],
        "type": "Person", "id": a.uri, "inbox": a.uri + "/inbox", "outbox": a.uri + "/outbox",
        "followers": a.uri + "/followers", "following": a.uri + "/following",
        "featured": a.uri + "/collections/featured", "sharedInbox": base + "/inbox",
        "endpoints": {"sharedInbox": base + "/inbox"}, "url": f"{base}/@misa", "preferredUsername": "misa",
        "name": "Misa", "summary": "<p>mfm</p>", "_misskey_summary": "mfm", "_misskey_followedMessage": None,
        "_misskey_requireSigninToViewContents": False, "_misskey_makeNotesFollowersOnlyBefore": None,
        "_misskey_makeNotesHiddenBefore": None,
        "icon": {"type": "Image", "url": f"{base}/files/avatar", "sensitive": False, "name": None},
        "image": None, "tag": [], "manuallyApprovesFollowers": False, "discoverable": True,
        "publicKey": {"id": a.uri + "#main-key", "type": "Key", "owner": a.uri, "publicKeyPem": a.public_pem},
        "isCat": True,
    }


def akkoma(a: FakeActor) -> dict:
    base = f"https://{a.host}"
    return {
        "@context": [AS, f"{base}/schemas/litepub-0.1.jsonld", {"@language": "und"}],
        "id": a.uri, "type": "Person", "following": a.uri + "/following", "followers": a.uri + "/followers",
        "inbox": a.uri + "/inbox", "outbox": a.uri + "/outbox", "featured": a.uri + "/collections/featured",
        "preferredUsername": a.username, "name": "Akko", "summary": "akko", "url": a.uri,
        "manuallyApprovesFollowers": False,
        "publicKey": {"id": a.uri + "#main-key", "owner": a.uri, "publicKeyPem": a.public_pem},
        "endpoints": {"oauthAuthorizationEndpoint": base + "/oauth/authorize",
                      "oauthRegistrationEndpoint": base + "/api/v1/apps", "oauthTokenEndpoint": base + "/oauth/token",
                      "sharedInbox": base + "/inbox", "uploadMedia": base + "/api/ap/upload_media"},
        "capabilities": {"acceptsChatMessages": True}, "discoverable": False, "tag": [], "attachment": [],
        "alsoKnownAs": [], "vcard:bday": None, "webfinger": f"acct:{a.username}@{a.host}",
    }


def pixelfed(a: FakeActor) -> dict:
    base = f"https://{a.host}"
    return {
        "@context": [AS, SEC, {"toot": "http://joinmastodon.org/ns#",
                               "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                               "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
                               "indexable": "toot:indexable"}],
        "id": a.uri, "type": "Person", "following": a.uri + "/following", "followers": a.uri + "/followers",
        "inbox": a.uri + "/inbox", "outbox": a.uri + "/outbox", "preferredUsername": a.username,
        "name": "Pixel", "summary": "photos", "url": f"{base}/{a.username}", "manuallyApprovesFollowers": False,
        "indexable": True,
        "publicKey": {"id": a.uri + "#main-key", "owner": a.uri, "publicKeyPem": a.public_pem},
        "icon": {"type": "Image", "mediaType": "image/jpeg", "url": f"{base}/storage/avatars/default.jpg"},
        "endpoints": {"sharedInbox": base + "/f/inbox"},
    }


def follow(server: str, a: FakeActor, target: str) -> dict:
    """The Follow each server sends (ids in each server's own pattern)."""
    ids = {"mastodon": f"https://{a.host}/0f7c8a9e-6c1b-4c53-9a57-5d0b1c2e3f41",
           "gotosocial": f"{a.uri}/follow/01HZX3Q8K2V7N5M4B6C9D1E2F3",
           "misskey": f"https://{a.host}/follows/9abcdefghi/9jklmnopqr",
           "akkoma": f"https://{a.host}/activities/6b8f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b",
           "pixelfed": f"{a.uri}#follow/712345678901234567"}
    doc = {"@context": AS, "id": ids[server], "type": "Follow", "actor": a.uri, "object": target}
    if server == "akkoma":
        doc |= {"@context": [AS, f"https://{a.host}/schemas/litepub-0.1.jsonld", {"@language": "und"}],
                "cc": [], "to": [target], "state": "pending"}
    return doc


def like(server: str, a: FakeActor, target: str) -> dict:
    """The Like each server sends for a post it has seen (ids in each server's own pattern)."""
    ids = {"mastodon": f"{a.uri}#likes/4821",
           "gotosocial": f"{a.uri}/liked/01HZX4A1B2C3D4E5F6G7H8J9K0",
           "misskey": f"https://{a.host}/likes/9stuvwxyz0",
           "akkoma": f"https://{a.host}/activities/7c9d5e2f-3e4b-4f6a-9bac-1d2e3f4a5b6c",
           "pixelfed": f"{a.uri}#likes/712345678901234568"}
    doc = {"@context": AS, "id": ids[server], "type": "Like", "actor": a.uri, "object": target}
    if server == "misskey":  # an emoji reaction travels as a Like with the reaction as content
        doc |= {"content": "\u2b50", "_misskey_reaction": "\u2b50"}
    if server == "akkoma":
        doc |= {"to": [target.rsplit("/statuses/", 1)[0], "https://www.w3.org/ns/activitystreams#Public"],
                "cc": [a.uri + "/followers"], "context": f"https://{a.host}/contexts/1b2c"}
    return doc


def reply(server: str, a: FakeActor, target: str, author: str) -> dict:
    """A public reply to `target` by `a`, wrapped in its Create, as each server publishes notes."""
    ids = {"mastodon": f"{a.uri}/statuses/113456789012345678",
           "gotosocial": f"{a.uri}/statuses/01HZX5B2C3D4E5F6G7H8J9K0M1",
           "misskey": f"https://{a.host}/notes/9abcdefghj",
           "akkoma": f"https://{a.host}/objects/8d0e6f3a-4f5c-4a7b-8cbd-2e3f4a5b6c7d",
           "pixelfed": f"https://{a.host}/p/{a.username}/712345678901234569"}
    public = "https://www.w3.org/ns/activitystreams#Public"
    note = {"id": ids[server], "type": "Note", "attributedTo": a.uri, "inReplyTo": target,
            "content": '<p><span class="h-card"><a href="https://art.example/@ana" class="u-url mention">'
                       '@<span>ana</span></a></span> lovely colours</p>',
            "published": "2026-11-20T10:00:00Z", "to": [public], "cc": [a.uri + "/followers", author],
            "tag": [{"type": "Mention", "href": author, "name": "@ana@art.example"}],
            "url": ids[server], "sensitive": False, "summary": None, "attachment": []}
    create_id = {"mastodon": ids[server] + "/activity", "gotosocial": ids[server] + "/activity",
                 "misskey": ids[server] + "/activity",
                 "akkoma": f"https://{a.host}/activities/9e1f7a4b-5a6d-4b8c-9dce-3f4a5b6c7d8e",
                 "pixelfed": ids[server] + "/activity"}[server]
    if server == "misskey":
        note |= {"_misskey_content": "@ana@art.example lovely colours", "quoteUrl": None}
    if server == "gotosocial":
        note["interactionPolicy"] = {"canLike": {"always": [public]}, "canReply": {"always": [public]}}
    return {"@context": AS, "id": create_id, "type": "Create", "actor": a.uri, "published": note["published"],
            "to": note["to"], "cc": note["cc"], "object": note}


# (signed headers in order, algorithm) as each server signs its POSTs
SIGNING = {
    "mastodon": ("(request-target) host date digest content-type", "rsa-sha256"),
    "gotosocial": ("(request-target) host date digest", "hs2019"),
    "misskey": ("(request-target) date host digest", "rsa-sha256"),
    "akkoma": ("(request-target) content-length date digest host", "rsa-sha256"),
    "pixelfed": ("(request-target) host date digest content-type", "rsa-sha256"),
}
SHAPES = {"mastodon": mastodon, "gotosocial": gotosocial, "misskey": misskey, "akkoma": akkoma, "pixelfed": pixelfed}


def cavage_headers(url: str, body: bytes, key_id: str, private_key, covered: str, algorithm: str,
                   content_type: str = "application/activity+json") -> dict[str, str]:
    """Headers of a draft-cavage POST signed over exactly `covered` (space-separated names)."""
    target = httpx.URL(url)
    values = {"(request-target)": "post " + target.raw_path.decode(), "host": target.netloc.decode(),
              "date": formatdate(usegmt=True), "content-type": content_type, "content-length": str(len(body)),
              "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()}
    signing_string = "\n".join(f"{name}: {values[name]}" for name in covered.split())
    signature = base64.b64encode(private_key.sign(signing_string.encode(), padding.PKCS1v15(), hashes.SHA256()))
    return {"Host": values["host"], "Date": values["date"], "Digest": values["digest"], "Content-Type": content_type,
            "Signature": f'keyId="{key_id}",algorithm="{algorithm}",headers="{covered}",'
                         f'signature="{signature.decode()}"'}

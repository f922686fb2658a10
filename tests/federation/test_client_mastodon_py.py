"""An artist's day through Mastodon.py, a real Mastodon client library, against two running instances.

Ana lives on instance `art`; Bob, on instance `friends`, follows her. Both log in the way an app does:
register, the authorization-code flow through fediart's own login and consent pages, a token. Ana posts
an image with alt text and a focal point, edits it; Bob's home timeline receives it with the licence;
Bob likes, boosts and replies and Ana sees the three notifications; Ana follows Bob back and reads his
post in her home timeline; the timeline pages through the Link header. (Mastodon.py does not do PKCE;
the masto test does.)
"""

from __future__ import annotations

import asyncio

from clients.browser import approve_in_browser
from instance import eventually
from mastodon import Mastodon
from PIL import Image

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow", "push"]
PASSWORD = "a long enough password"


def artist(instance, name: str) -> None:
    instance.cli("user", "create", name, "--display-name", name.capitalize())
    instance.cli("user", "password", name, "--password-stdin", input=PASSWORD + "\n")


def logged_in(instance, name: str) -> Mastodon:
    """Mastodon.py's own login: create_app, auth_request_url, the pages, log_in."""
    client_id, client_secret = Mastodon.create_app("fediart test", scopes=SCOPES, redirect_uris=OOB,
                                                   api_base_url=instance.base_url)
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=instance.base_url,
                   version_check_mode="none")
    url = api.auth_request_url(redirect_uris=OOB, scopes=SCOPES, state="fediart-state", allow_http=True)
    code, _ = approve_in_browser(url, name, PASSWORD)
    api.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    return api


async def test_an_artist_posts_edits_and_meets_a_follower_through_mastodon_py(instances, tmp_path):
    art, friends = await instances("art"), await instances("friends")
    artist(art, "ana")
    artist(friends, "bob")
    friends.cli("follow", "bob", art.handle("ana"))

    ana = await asyncio.to_thread(logged_in, art, "ana")
    bob = await asyncio.to_thread(logged_in, friends, "bob")
    me = ana.account_verify_credentials()
    assert me.acct == "ana" and me.source["licence"]["ai_training"] == "reserved"
    await eventually(lambda: ana.account_verify_credentials().followers_count == 1, what="bob's follow", timeout=60)

    picture = tmp_path / "heron.png"
    Image.new("RGB", (1200, 800), "steelblue").save(picture)
    media = ana.media_post(str(picture), mime_type="image/png", description="A grey heron", focus=(0.2, -0.3))
    assert media.description == "A grey heron" and media.meta.focus.x == 0.2
    status = ana.status_post("Heron study #ink", media_ids=[media], visibility="public")
    assert status.media_attachments[0].description == "A grey heron"
    edited = ana.status_update(status.id, "Heron study, second state #ink", media_ids=[media])
    assert "second state" in edited.content and edited.edited_at is not None
    assert len(ana.status_history(status.id)) == 2

    def bob_sees_it():
        return next((s for s in bob.timeline_home() if s.uri == status.uri and "second state" in s.content), None)

    seen = await eventually(bob_sees_it, what="the edited post in bob's home timeline", timeout=60)
    assert seen.media_attachments[0].description == "A grey heron"
    assert "terms" in seen.content  # the licence line travels in the content every client shows
    assert seen.licence  # and the machine-readable terms stay with the remote post

    bob.status_favourite(seen.id)
    bob.status_reblog(seen.id)
    bob.status_post("Lovely linework.", in_reply_to_id=seen.id)

    def kinds():
        return {n.type for n in ana.notifications() if n.account.acct.startswith("bob@")}

    assert await eventually(lambda: {"favourite", "reblog", "mention"} <= kinds() and kinds(),
                            what="like, boost and reply notifications", timeout=60)
    assert ana.status(status.id).favourites_count == 1

    [found] = ana.search_v2(friends.handle("bob").lstrip("@"), resolve=True, result_type="accounts").accounts
    relationship = ana.account_follow(found.id)
    assert relationship.following or relationship.requested
    await eventually(lambda: ana.account_relationships(found.id)[0].following, what="bob's Accept", timeout=60)
    bob.status_post("Back at the river today.")
    await eventually(lambda: any("river" in s.content for s in ana.timeline_home()), what="bob's post at ana's", timeout=60)

    for n in range(3):
        ana.status_post(f"Sketch {n}")
    first = ana.timeline_home(limit=2)
    second = ana.fetch_next(first)
    assert len(first) == 2 and second and {s.id for s in first}.isdisjoint({s.id for s in second})
    assert min(int(s.id) for s in first) > max(int(s.id) for s in second)

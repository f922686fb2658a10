"""The post page and the profile gallery: alt text, content warnings, and the licence for people and crawlers."""

from __future__ import annotations

import io
import json
import re
import sys
from html import unescape
from pathlib import Path

from helpers import BROWSER_ACCEPT, assert_licence_headers
from PIL import Image
from posting import add_remote, delete, png, publish
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).parent.parent / "inbox"))
from activities import activity, add_post, note, post_url, rows, send  # noqa: E402

from fediart.actions.domain_blocks import BlockOptions, add_block  # noqa: E402
from fediart.actions.interactions import interact, take_back  # noqa: E402
from fediart.actions.restrictions import block  # noqa: E402
from fediart.store.states import InteractionKind  # noqa: E402
from fediart.store.tables import Actor, Interaction, Media, RemotePost  # noqa: E402
from fediart.web.post_thread import MAX_REPLIES  # noqa: E402

BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"


async def page(client, path: str):
    response = await client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200, path
    return response


def json_ld(html: str) -> dict:
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(script)


async def test_post_page_shows_the_work_its_alt_text_and_the_licence(client, services, make_artist):
    await make_artist("ana", display_name="Ana Lima", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, text="Heron study <script>x</script> #ink",
                         images=[(png(), 'Ink heron "standing" in reeds'), (png("blue"), "")])
    response = await page(client, f"/@ana/{post.id}")
    html = response.text
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    assert '<meta name="robots" content="noai, noimageai, noarchive, noindex">' in html
    assert '<meta name="tdm-reservation" content="1">' in html
    assert f'<link rel="license" href="{BY_NC_ND}">' in html
    assert f'<a rel="license" href="{BY_NC_ND}">CC BY-NC-ND 4.0</a>' in html
    assert "not licensed for AI training" in html
    images = re.findall(r'<img src="https://art.example/media/ana/[0-9a-f]{24}\.png" alt="([^"]*)"', html)
    assert [unescape(alt) for alt in images] == ['Ink heron "standing" in reeds', ""]
    assert "&lt;script&gt;" in html and "<script>x</script>" not in html
    assert 'href="https://art.example/@ana"' in html and "Ana Lima" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">', html)
    assert re.search(r'<meta property="og:image" content="https://art.example/media/ana/[0-9a-f]{24}\.png">', html)
    assert f'<link rel="alternate" type="application/activity+json" href="https://art.example/users/ana/statuses/{post.id}">' in html
    assert 'class="content-warning"' not in html
    # The alt text is also visible text, under the image it describes.
    assert '<figcaption><details class="alt-text"><summary>Description</summary><p>Ink heron &#34;standing&#34; in reeds</p>' in html
    assert html.count('class="alt-text"') == 1  # none for the image without a description

    schema = json_ld(html)
    assert schema["@type"] == "SocialMediaPosting" and schema["license"] == BY_NC_ND
    assert schema["creator"]["name"] == "Ana Lima" and schema["datePublished"].endswith("Z")
    first, second = schema["image"]
    assert first["@type"] == ["ImageObject", "VisualArtwork"]
    assert first["contentUrl"].startswith("https://art.example/media/ana/")
    assert first["license"] == BY_NC_ND and first["caption"] == 'Ink heron "standing" in reeds'
    assert first["acquireLicensePage"] == "https://art.example/@ana/licensing"
    assert first["copyrightNotice"].startswith("©") and first["creditText"] == "Ana Lima (@ana@art.example)"
    assert "caption" not in second


async def test_content_warning_is_a_details_element_and_hides_the_preview(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="Anatomy study", cw="nudity (figure drawing)", images=[(png(), "figure")])
    html = (await page(client, f"/@ana/{post.id}")).text
    details = html[html.index("<details"):html.index("</details>")]
    assert "<summary>nudity (figure drawing)</summary>" in details
    assert "Anatomy study" in details and 'alt="figure"' in details
    assert 'property="og:image"' not in html
    assert '<meta property="og:description" content="nudity (figure drawing)">' in html
    sensitive = await publish(services, text="no cw", images=[(png(), "x")], sensitive=True)
    html = (await page(client, f"/@ana/{sensitive.id}")).text
    assert "<summary>Sensitive content</summary>" in html and 'property="og:image"' not in html


async def test_a_posts_own_licence_is_the_one_on_its_page(client, services, make_artist):
    await make_artist("ana")  # all rights reserved
    post = await publish(services, text="shared", licence_key="cc-by-4.0")
    html = (await page(client, f"/@ana/{post.id}")).text
    assert '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">' in html
    assert json_ld(html)["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "noai, noimageai" in html  # the reservation stays the artist's


async def test_profile_gallery_shows_public_works_with_alt_text(client, services, network, make_artist):
    ana = await make_artist("ana")
    await add_remote(services, network, "dan", host="other.example", follows=ana)
    shown = await publish(services, text="one", images=[(png(), "A red square"), (png("blue"), "second image")])
    hidden = [await publish(services, text="f", images=[(png(), "followers only")], visibility="followers"),
              await publish(services, text="@dan@other.example", images=[(png(), "direct")], visibility="direct"),
              await publish(services, text="u", images=[(png(), "unlisted")], visibility="unlisted")]
    gone = await publish(services, text="g", images=[(png(), "deleted work")])
    await delete(services, gone.id)
    await publish(services, text="words only")
    cw = await publish(services, text="c", images=[(png(), "behind a warning")], cw="spiders")
    html = (await page(client, "/@ana")).text
    gallery = html[html.index('class="gallery"'):]
    links = re.findall(r'<a href="https://art.example/@ana/(\d+)"><img src="([^"]+)" alt="([^"]*)"', gallery)
    assert [(int(i), alt) for i, _, alt in links] == [(shown.id, "A red square")]
    assert all(re.match(r"https://art.example/media/ana/[0-9a-f]{24}-small\.png$", src) for _, src, _ in links)
    # The warned work: blurred under its warning, its description shown once the visitor opens it.
    assert re.search(r'<details class="work-cw">\s*<summary>\s*<img src="https://art.example/media/ana/[0-9a-f]{24}'
                     r'-small\.png" alt="Blurred preview"', gallery)
    assert '<a href="https://art.example/@ana/%d">Open the work</a>: behind a warning' % cw.id in gallery
    assert not any(str(p.id) in [i for i, _, _ in links] for p in hidden)


# The display rendition, srcset and the link preview.

def animated_png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", size, colour) for colour in ("red", "blue")]
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


def tag(html: str, name: str, marker: str) -> str:
    """The first <name ...> element whose text contains `marker`."""
    return next(t for t in re.findall(rf"<{name}\b[^>]*>", html) if marker in t)


async def stored(services, post_id: int) -> list[Media]:
    return await rows(services, Media, Media.post_id == post_id)


async def test_a_large_work_is_shown_as_its_display_rendition_with_a_srcset(client, services, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, text="Big heron", images=[(png("teal", (2000, 1000)), "A heron, wide")])
    [media] = await stored(services, post.id)
    file, display, small = (f"https://art.example/media/{n}" for n in (media.file, media.display_file, media.thumbnail_file))
    assert display.endswith("-display.png")
    html = (await page(client, f"/@ana/{post.id}")).text

    img = tag(html, "img", "A heron")
    assert f'src="{display}"' in img and 'width="1600" height="800"' in img
    assert f'srcset="{small} 640w, {display} 1600w, {file} 2000w"' in img
    assert 'sizes="(min-width: 960px) 870px, calc(100vw - 5.625rem)"' in img
    assert f'<a href="{file}"><img src="{display}"' in html  # the link opens the full file
    assert f'<meta property="og:image" content="{display}">' in html
    assert '<meta property="og:image:width" content="1600">' in html
    assert '<meta property="og:image:height" content="800">' in html
    assert '<meta property="og:image:alt" content="A heron, wide">' in html

    [image] = json_ld(html)["image"]
    assert image["@type"] == ["ImageObject", "VisualArtwork"] and image["contentUrl"] == file
    assert image["thumbnailUrl"] == small and image["encodingFormat"] == "image/png"
    assert image["width"] == {"@type": "QuantitativeValue", "value": 2000, "unitCode": "E37", "unitText": "px"}
    assert image["height"]["value"] == 1000
    assert image["license"] == BY_NC_ND and image["acquireLicensePage"] == "https://art.example/@ana/licensing"
    assert image["creditText"] == "Ana (@ana@art.example)" and image["copyrightNotice"].startswith("©")
    assert image["creator"] == {"@type": "Person", "name": "Ana", "url": "https://art.example/@ana"}


async def test_a_hidden_work_has_no_preview_image_even_with_a_display_rendition(client, services, make_artist):
    await make_artist("ana")
    post = await publish(services, text="x", cw="eye strain", images=[(png("teal", (2000, 1000)), "flashing")])
    html = (await page(client, f"/@ana/{post.id}")).text
    assert "-display.png" in html and "og:image" not in html


async def test_small_older_and_animated_works(client, services, make_artist):
    await make_artist("ana")
    still = await publish(services, text="still", images=[(png("teal", (700, 300)), "still")])
    moving = await publish(services, text="moving", images=[(animated_png((700, 300)), "moving")])
    older = await publish(services, text="older", images=[(png("teal", (700, 300)), "older")])
    async with services.sessions() as session:
        [row] = (await session.exec(Media.__table__.select().where(Media.post_id == older.id))).all()
        media = await session.get(Media, row.id)
        media.display_file = ""  # stored before display renditions existed
        session.add(media)
        await session.commit()

    [s] = await stored(services, still.id)
    html = (await page(client, f"/@ana/{still.id}")).text
    img = tag(html, "img", 'alt="still"')
    # Small enough: the file itself is the display, the thumbnail is offered to narrow screens.
    assert s.display_file == s.file and f'src="https://art.example/media/{s.file}"' in img
    assert f'srcset="https://art.example/media/{s.thumbnail_file} 640w, https://art.example/media/{s.file} 700w"' in img

    # A still thumbnail must not stand in for an animation: no srcset at all.
    [m] = await stored(services, moving.id)
    img = tag((await page(client, f"/@ana/{moving.id}")).text, "img", 'alt="moving"')
    assert f'src="https://art.example/media/{m.file}"' in img and "srcset" not in img

    [o] = await stored(services, older.id)
    html = (await page(client, f"/@ana/{older.id}")).text
    assert f'src="https://art.example/media/{o.file}"' in tag(html, "img", 'alt="older"')
    assert f'<meta property="og:image" content="https://art.example/media/{o.file}">' in html


# Likes, boosts and replies from the fediverse.

HOSTILE = ('<p>Lovely <b>colours</b><script>alert(1)</script><img src="https://tracker.example/x.png" '
           'onerror="alert(2)"> <a href="javascript:alert(3)">click</a> <a href="https://ok.example/">ok</a></p>')


async def test_counts_come_from_likes_and_boosts_local_and_remote(client, services, network, make_artist):
    await make_artist("ana")
    zoe = await make_artist("zoe")
    post = await publish(services, text="Count me")
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    for who in (bob, carol):
        await send(client, services, who, activity(who, "Like", post_url(post)))
    await send(client, services, bob, activity(bob, "Announce", post_url(post),
                                               to=["https://www.w3.org/ns/activitystreams#Public"]))
    await interact(services, zoe, InteractionKind.LIKE, post.id)
    html = (await page(client, f"/@ana/{post.id}")).text
    assert '<span class="count-likes">3 likes</span>' in html
    assert '<span class="count-boosts">1 boost</span>' in html
    assert '<span class="count-replies">0 replies</span>' in html
    stats = {s["interactionType"]: s["userInteractionCount"] for s in json_ld(html)["interactionStatistic"]}
    assert stats == {"https://schema.org/LikeAction": 3, "https://schema.org/ShareAction": 1}


async def test_replies_from_the_fediverse_are_shown_sanitised_oldest_first(client, services, network, make_artist):
    await make_artist("ana")
    await make_artist("zoe", display_name="Zoe Local")
    post = await publish(services, text="Heron")
    bob = network.add_actor("bob", extra={"name": "<i>Bob</i> & co", "url": "javascript:alert(4)"})
    first = note(bob, HOSTILE, inReplyTo=post_url(post), url="javascript:alert(5)")
    await send(client, services, bob, activity(bob, "Create", first))
    later = note(bob, "<p>Behind a warning</p>", inReplyTo=post_url(post), summary="spoilers",
                 url="https://remote.example/@bob/2", published="2026-03-02T08:00:00Z",
                 license="https://creativecommons.org/licenses/by/4.0/",
                 attachment=[{"type": "Document", "mediaType": "image/png", "url": "https://remote.example/a.png"}])
    await send(client, services, bob, activity(bob, "Create", later))
    local = await publish(services, "zoe", text="A local reply", reply_to=post_url(post))

    html = (await page(client, f"/@ana/{post.id}")).text
    replies = html[html.index('<section class="replies"'):]
    assert '<h2 id="replies-heading">Replies</h2>' in replies
    # Oldest first: bob's two, then zoe's.
    assert replies.index("Lovely") < replies.index("Behind a warning") < replies.index("A local reply")
    assert "&lt;i&gt;Bob&lt;/i&gt; &amp; co" in replies and "<i>Bob</i>" not in replies
    assert "@bob@remote.example" in replies and "Zoe Local" in replies and "@zoe@art.example" in replies
    assert "<b>colours</b>" in replies and "<script" not in replies and "alert(1)" not in replies
    assert "onerror" not in replies and "tracker.example" not in replies and "<img" not in replies
    assert "javascript:" not in html
    assert '<a href="https://ok.example/" rel="nofollow noopener noreferrer">ok</a>' in replies
    # A reply with a content warning is folded; its remote image is not shown, only counted.
    warned = replies[replies.index('<details class="content-warning">'):]
    warned = warned[:warned.index("</details>")]
    assert "<summary>spoilers</summary>" in warned and "Behind a warning" in warned
    assert "1 attachment, not shown here: see the original." in replies and "remote.example/a.png" not in replies
    assert ('<a href="https://remote.example/@bob/2" rel="nofollow noopener noreferrer">'
            '<time datetime="2026-03-02T08:00:00Z">2026-03-02</time></a>') in replies
    # The reply's own licence, as it came (no rel="license": that would claim it for the whole page).
    assert ' · <a href="https://creativecommons.org/licenses/by/4.0/" rel="nofollow noopener noreferrer">' in replies
    assert 'rel="license"' not in replies[:replies.index("</section>")]
    assert f'<a href="https://art.example/@zoe/{local.id}" rel="nofollow noopener noreferrer">' in replies
    assert '<span class="count-replies">3 replies</span>' in html and json_ld(html)["commentCount"] == 3


async def test_replies_of_blocked_limited_deleted_or_private_authors_are_left_out(client, services, network,
                                                                                 make_artist):
    ana = await make_artist("ana")
    post = await publish(services, text="Heron")
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    limited, dave = network.add_actor("lim", host="limited.example"), network.add_actor("dave")
    fay = network.add_actor("fay")
    for who, text in ((bob, "kept reply"), (carol, "blocked reply"), (limited, "limited reply"),
                      (fay, "reply of a deleted account")):
        await send(client, services, who, activity(who, "Create", note(who, f"<p>{text}</p>", inReplyTo=post_url(post))))
    private = note(dave, "<p>followers-only reply</p>", inReplyTo=post_url(post), to=[dave.uri + "/followers"])
    await send(client, services, dave, activity(dave, "Create", private))
    gone = note(dave, "<p>deleted reply</p>", inReplyTo=post_url(post))
    await send(client, services, dave, activity(dave, "Create", gone))
    await send(client, services, dave, activity(dave, "Delete", {"id": gone["id"], "type": "Tombstone"}))
    assert len(await rows(services, RemotePost)) == 6

    async with services.sessions() as session:
        [fay_row] = (await session.exec(Actor.__table__.select().where(Actor.uri == fay.uri))).all()
        deleted_account = await session.get(Actor, fay_row.id)
        deleted_account.gone = True  # as a Delete of the account leaves it
        session.add(deleted_account)
        await session.commit()
    [carol_row] = await rows(services, Actor, Actor.uri == carol.uri)
    await block(services, ana, carol_row)
    await add_block(services.sessions, "limited.example", BlockOptions(severity="silence"), policy=services.policy)
    html = (await page(client, f"/@ana/{post.id}")).text
    assert "kept reply" in html
    for hidden in ("blocked reply", "limited reply", "followers-only reply", "deleted reply",
                   "reply of a deleted account"):
        assert hidden not in html, hidden


async def test_replies_are_capped_with_a_note(client, services, network, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana, visibility="public")
    bob = await add_remote(services, network, "bob")
    async with services.sessions() as session:
        [actor] = (await session.exec(Actor.__table__.select().where(Actor.uri == bob.uri))).all()
        # One whose signals refuse public listing (FEP-5feb search denied) is left out, as public feeds do.
        session.add(RemotePost(uri=f"{bob.uri}/statuses/refusing", actor_id=actor.id, in_reply_to=post_url(post),
                               content="<p>do not list me</p>", licence={"raw": {}, "signals": {"search": "denied"}}))
        await session.commit()
        for number in range(MAX_REPLIES + 1):
            session.add(RemotePost(uri=f"{bob.uri}/statuses/{number}", actor_id=actor.id, in_reply_to=post_url(post),
                                   content=f"<p>reply number {number}.</p>"))
        await session.commit()
    html = (await page(client, f"/@ana/{post.id}")).text
    assert "do not list me" not in html
    assert html.count('<li class="reply">') == MAX_REPLIES
    assert "reply number 0." in html and f"reply number {MAX_REPLIES}." not in html
    assert f"Only the first {MAX_REPLIES} replies are shown here." in html
    assert f'<span class="count-replies">{MAX_REPLIES}+ replies</span>' in html


def counts(html: str) -> tuple[str, str, str]:
    """The likes, boosts and replies the page counts, as it words them."""
    return tuple(re.search(rf'<span class="count-{kind}">([^<]*)</span>', html).group(1)
                 for kind in ("likes", "boosts", "replies"))


async def _like_unseen(services, post, actor_uri: str) -> None:
    """A like written straight to the database, as no handler would: nothing tells the page cache."""
    async with services.sessions() as session:
        [actor] = (await session.exec(select(Actor).where(Actor.uri == actor_uri))).all()
        session.add(Interaction(kind="like", activity_uri=f"{actor_uri}/likes/unseen", post_id=post.id,
                                actor_id=actor.id))
        await session.commit()


async def test_likes_and_boosts_show_on_the_cached_page_at_once(client, services, network, make_artist):
    await make_artist("ana")
    zoe = await make_artist("zoe")
    post = await publish(services, text="Heron")
    path = f"/@ana/{post.id}"
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    await send(client, services, carol, activity(carol, "Follow", "https://art.example/users/ana"))
    assert counts((await page(client, path)).text) == ("0 likes", "0 boosts", "0 replies")
    # The page is cached ([server] document_cache_seconds): a row nothing announced does not show yet...
    await _like_unseen(services, post, carol.uri)
    assert counts((await page(client, path)).text)[0] == "0 likes"
    # ...but a like that arrives is counted on the very next view (with the unannounced one).
    like = activity(bob, "Like", post_url(post))
    await send(client, services, bob, like)
    assert counts((await page(client, path)).text)[0] == "2 likes"
    await send(client, services, bob, activity(bob, "Announce", post_url(post),
                                               to=["https://www.w3.org/ns/activitystreams#Public"]))
    assert counts((await page(client, path)).text)[:2] == ("2 likes", "1 boost")
    await send(client, services, bob, activity(bob, "Undo", like))
    assert counts((await page(client, path)).text)[:2] == ("1 like", "1 boost")
    # An artist here likes and boosts it, and takes the like back.
    await interact(services, zoe, InteractionKind.LIKE, post.id)
    assert counts((await page(client, path)).text)[0] == "2 likes"
    await interact(services, zoe, InteractionKind.BOOST, post.id)
    assert counts((await page(client, path)).text)[1] == "2 boosts"
    await take_back(services, zoe, InteractionKind.LIKE, post.id)
    assert counts((await page(client, path)).text)[0] == "1 like"
    # An account deleting itself takes its boost with it.
    await send(client, services, bob, activity(bob, "Delete", bob.uri,
                                               to=["https://www.w3.org/ns/activitystreams#Public"]))
    assert counts((await page(client, path)).text)[:2] == ("1 like", "1 boost")


async def test_replies_show_on_the_cached_page_at_once(client, services, network, make_artist):
    await make_artist("ana")
    await make_artist("zoe")
    post = await publish(services, text="Heron")
    path = f"/@ana/{post.id}"
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    assert "Replies</h2>" not in (await page(client, path)).text
    reply = note(bob, "<p>fresh</p>", inReplyTo=post_url(post))
    await send(client, services, bob, activity(bob, "Create", reply))
    html = (await page(client, path)).text
    assert "fresh" in html and counts(html)[2] == "1 reply"
    await send(client, services, bob, activity(bob, "Update", {**reply, "content": "<p>edited</p>"}))
    assert "edited" in (await page(client, path)).text
    await send(client, services, bob, activity(bob, "Delete", {"id": reply["id"], "type": "Tombstone"}))
    html = (await page(client, path)).text
    assert "edited" not in html and counts(html)[2] == "0 replies"
    # An artist here replies, then deletes the reply.
    local = await publish(services, "zoe", text="A local reply", reply_to=post_url(post))
    assert "A local reply" in (await page(client, path)).text
    await delete(services, local.id)
    assert "A local reply" not in (await page(client, path)).text
    # A reply whose author then deletes the account goes with it.
    await send(client, services, carol, activity(carol, "Create", note(carol, "<p>carol here</p>",
                                                                       inReplyTo=post_url(post))))
    assert "carol here" in (await page(client, path)).text
    await send(client, services, carol, activity(carol, "Delete", carol.uri,
                                                 to=["https://www.w3.org/ns/activitystreams#Public"]))
    assert "carol here" not in (await page(client, path)).text


async def test_stored_remote_text_and_links_are_cleaned_again_as_they_are_rendered(client, services, network,
                                                                                   make_artist):
    """Rows written before a sanitiser fix, or by a bug, still cannot put script or javascript: on the page."""
    ana = await make_artist("ana")
    post = await add_post(services, ana, visibility="public")
    eve = await add_remote(services, network, "eve")
    async with services.sessions() as session:
        [row] = (await session.exec(Actor.__table__.select().where(Actor.uri == eve.uri))).all()
        actor = await session.get(Actor, row.id)
        actor.url, actor.display_name = "javascript:alert(1)", '"><script>alert(2)</script>'
        session.add(actor)
        session.add(RemotePost(uri=f"{eve.uri}/statuses/1", actor_id=actor.id, in_reply_to=post_url(post),
                               url="javascript:alert(3)", content=HOSTILE,
                               licence={"signals": {"licence_url": "javascript:alert(6)", "licence_name": "x"},
                                        "raw": {"license": "javascript:alert(6)"}}))
        await session.commit()
    html = (await page(client, f"/@ana/{post.id}")).text
    replies = html[html.index('<section class="replies"'):]
    assert "Lovely <b>colours</b>" in replies and "<script" not in replies and "onerror" not in replies
    assert "tracker.example" not in replies and "javascript:" not in html
    assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in replies

"""The stored rows bench/bench_api.py and bench/profile_api.py read: an artist's home timeline of 10,000
posts and 10,000 notifications, written in bulk (one multi-row INSERT per table) on SQLite or PostgreSQL.

What an artist's instance holds after a while, in fediart's own tables:
  - ana follows FOLLOWED remote actors (accepted) and is followed by them and by STRANGERS others;
  - 5,000 of ana's posts over 30 days: every 4th with an image (a Media row), every 10th unlisted,
    every 25th followers-only, every 8th with a hashtag;
  - 5,000 remote posts by the followed actors: every 5th with an attachment, REPLIES of them replies to
    one of ana's posts (a `reply` notification), MENTIONS of them mention ana (a Mention row and a
    `mention` notification);
  - boosts: BOOSTS_OF_OWN of ana's posts by the followed actors (each a `reblog` notification, and in the
    home timeline) and BOOSTS_OF_REMOTE of remote posts by followed actors (home timeline only);
  - likes of ana's posts by everyone (`favourite` notifications), follows, and one muted stranger, so
    that the home timeline and notifications filter a restriction that exists.
Ids are snowflakes of each row's own time (store/ids.id_at), so posts, remote posts and boosts interleave
in the one id space as they would have arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

USERNAME = "ana"
POSTS_OWN, POSTS_REMOTE = 5_000, 5_000
FOLLOWED, STRANGERS = 50, 20
REPLIES, MENTIONS = 1_500, 1_500
BOOSTS_OF_OWN, BOOSTS_OF_REMOTE = 2_000, 1_000
LIKES, FOLLOWS = 4_000, 1_000
NOTIFICATIONS = REPLIES + MENTIONS + BOOSTS_OF_OWN + LIKES + FOLLOWS  # 10,000
SPAN = timedelta(days=30)


class Ids:
    """Snowflake ids at given moments, never the same twice (several rows may share a millisecond)."""

    def __init__(self) -> None:
        self.used: set[int] = set()

    def at(self, moment: datetime) -> int:
        from fediart.store.ids import id_at

        found = id_at(moment)
        while found in self.used:
            found += 1
        self.used.add(found)
        return found


def _rows(model: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Column values for a bulk insert, with the model's own defaults filled in; an autoincrement key is
    left to the database (PostgreSQL refuses an explicit NULL for it)."""
    rows = [model(**item).model_dump() for item in items]
    for row in rows:
        if row.get("id") is None:
            row.pop("id", None)
    return rows


async def seed(config_path: Path) -> str:
    """Write the rows and return an access token (all scopes) for the artist."""
    from sqlalchemy import insert

    from fediart.config import load_config
    from fediart.oauth.tokens import issue_token
    from fediart.services import running_services
    from fediart.store.accounts import get_account
    from fediart.store.actors import local_actor
    from fediart.store.states import FollowState, InteractionKind, NotificationKind, Restriction, Visibility
    from fediart.store.tables import (Actor, ActorRestriction, Follower, Following, Interaction, Media, Mention,
                                      Notification, OAuthApp, Post, RemotePost, utcnow)

    config = load_config(config_path)
    ids = Ids()
    async with running_services(config) as services, services.sessions() as session:
        ana = await get_account(session, USERNAME)
        me = await local_actor(session, services.urls, ana)
        await session.commit()
        start = utcnow() - SPAN
        step = SPAN / (POSTS_OWN + POSTS_REMOTE)

        def moment(n: int, offset: float = 0.0) -> datetime:
            return start + step * (n + offset)

        actors = [{"id": ids.at(start - timedelta(days=1, minutes=n)), "uri": f"https://remote{n}.example/users/friend",
                   "domain": f"remote{n}.example", "username": "friend", "display_name": f"Friend {n}",
                   "inbox": f"https://remote{n}.example/inbox", "shared_inbox": f"https://remote{n}.example/inbox",
                   "icon_url": f"https://remote{n}.example/avatar.png" if n % 3 else None,
                   "key_id": f"https://remote{n}.example/users/friend#main-key"}
                  for n in range(FOLLOWED + STRANGERS)]
        followed, strangers = actors[:FOLLOWED], actors[FOLLOWED:]
        following = [{"account_id": ana.id, "actor_id": a["id"], "follow_uri": f"{a['uri']}#follow-from-ana",
                      "state": FollowState.ACCEPTED} for a in followed]
        followers = [{"account_id": ana.id, "actor_id": a["id"], "follow_uri": f"{a['uri']}#follow",
                      "state": FollowState.ACCEPTED} for a in actors]

        posts, media = [], []
        for n in range(POSTS_OWN):
            at = moment(2 * n)
            visibility = (Visibility.FOLLOWERS if n % 25 == 0 else Visibility.UNLISTED if n % 10 == 0
                          else Visibility.PUBLIC)
            tags = ([{"type": "Hashtag", "name": "#graphite", "href": services.urls.tag("graphite")}]
                    if n % 8 == 0 else [])
            posts.append({"id": ids.at(at), "account_id": ana.id, "content": f"<p>Study #{n} in graphite.</p>",
                          "source": f"Study #{n} in graphite.", "visibility": visibility, "tags": tags,
                          "published": at})
            if n % 4 == 0:
                media.append({"id": ids.at(at), "account_id": ana.id, "post_id": posts[-1]["id"],
                              "file": f"ana/study-{n}.jpg", "thumbnail_file": f"ana/study-{n}.thumb.webp",
                              "display_file": f"ana/study-{n}.display.webp", "media_type": "image/jpeg",
                              "thumbnail_media_type": "image/webp", "width": 3000, "height": 2000,
                              "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj", "description": f"Study {n}",
                              "created_at": at})

        remotes, mentions, notices = [], [], []
        for n in range(POSTS_REMOTE):
            at = moment(2 * n + 1)
            actor = followed[n % FOLLOWED]
            uri = f"{actor['uri']}/statuses/{n}"
            reply_to = posts[(n * 7) % POSTS_OWN] if n < REPLIES else None
            mentions_ana = REPLIES <= n < REPLIES + MENTIONS
            remotes.append({
                "id": ids.at(at), "uri": uri, "actor_id": actor["id"], "url": f"https://remote{n % FOLLOWED}.example/@friend/{n}",
                "content": f"<p>Remote sketch {n}</p>", "published": at,
                "in_reply_to": services.urls.status(USERNAME, reply_to["id"]) if reply_to else None,
                "attachments": ([{"url": f"https://remote{n % FOLLOWED}.example/media/{n}.jpg",
                                  "media_type": "image/jpeg", "description": f"Sketch {n}", "width": 1200,
                                  "height": 900, "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj"}]
                                if n % 5 == 0 else []),
                "tags": ["sketch"] if n % 6 == 0 else [],
                "mentions": [me.uri] if mentions_ana else []})
            if reply_to is not None:
                notices.append({"id": ids.at(at), "account_id": ana.id, "kind": NotificationKind.REPLY,
                                "actor_id": actor["id"], "post_id": reply_to["id"], "remote_post_id": remotes[-1]["id"],
                                "activity_uri": f"{uri}/activity", "created_at": at})
            if mentions_ana:
                mentions.append({"remote_post_id": remotes[-1]["id"], "actor_id": me.id})
                notices.append({"id": ids.at(at), "account_id": ana.id, "kind": NotificationKind.MENTION,
                                "actor_id": actor["id"], "remote_post_id": remotes[-1]["id"],
                                "activity_uri": f"{uri}/activity", "created_at": at})

        interactions = []
        for n in range(BOOSTS_OF_OWN):  # followed actors boost ana's posts: in home and in notifications
            actor, post = followed[n % FOLLOWED], posts[(n * 3) % POSTS_OWN]
            at = max(post["published"] + timedelta(hours=1 + n % 7), start)
            uri = f"{actor['uri']}/activities/boost/{n}"
            interactions.append({"id": ids.at(at), "kind": InteractionKind.BOOST, "activity_uri": uri,
                                 "post_id": post["id"], "actor_id": actor["id"], "created_at": at})
            notices.append({"id": ids.at(at), "account_id": ana.id, "kind": NotificationKind.BOOST,
                            "actor_id": actor["id"], "post_id": post["id"], "activity_uri": uri, "created_at": at})
        for n in range(BOOSTS_OF_REMOTE):  # followed actors boost each other: home only
            actor, post = followed[n % FOLLOWED], remotes[(n * 11 + 1) % POSTS_REMOTE]
            at = post["published"] + timedelta(hours=2)
            interactions.append({"id": ids.at(at), "kind": InteractionKind.BOOST,
                                 "activity_uri": f"{actor['uri']}/activities/reboost/{n}",
                                 "remote_post_id": post["id"], "actor_id": actor["id"], "created_at": at})
        liked = set()
        for n in range(LIKES):  # everyone likes ana's posts
            actor, post = actors[n % len(actors)], posts[(n * 13) % POSTS_OWN]
            if (actor["id"], post["id"]) in liked:
                post = posts[(n * 13 + 1) % POSTS_OWN]
            liked.add((actor["id"], post["id"]))
            at = post["published"] + timedelta(minutes=30 + n % 50)
            uri = f"{actor['uri']}/activities/like/{n}"
            interactions.append({"id": ids.at(at), "kind": InteractionKind.LIKE, "activity_uri": uri,
                                 "post_id": post["id"], "actor_id": actor["id"], "created_at": at})
            notices.append({"id": ids.at(at), "account_id": ana.id, "kind": NotificationKind.LIKE,
                            "actor_id": actor["id"], "post_id": post["id"], "activity_uri": uri, "created_at": at})
        for n in range(FOLLOWS):  # follows (and refollows) over the month
            actor, at = actors[n % len(actors)], moment(n * (POSTS_OWN + POSTS_REMOTE) / FOLLOWS, 0.5)
            notices.append({"id": ids.at(at), "account_id": ana.id, "kind": NotificationKind.FOLLOW,
                            "actor_id": actor["id"], "activity_uri": f"{actor['uri']}/activities/follow/{n}",
                            "created_at": at})
        assert len(notices) == NOTIFICATIONS, len(notices)
        muted = [{"id": ids.at(start), "account_id": ana.id, "actor_id": strangers[0]["id"],
                  "kind": Restriction.MUTE}]

        for model, items in ((Actor, actors), (Following, following), (Follower, followers), (Post, posts),
                             (Media, media), (RemotePost, remotes), (Mention, mentions),
                             (Interaction, interactions), (Notification, notices), (ActorRestriction, muted)):
            await session.execute(insert(model.__table__), _rows(model, items))
        app = OAuthApp(name="bench", client_id="bench", client_secret_hash="0" * 64, scopes="read write follow push")
        session.add(app)
        await session.commit()
        issued = await issue_token(session, app_id=app.id, account=ana, scopes=["read", "write", "follow", "push"])
        await _analyse(session)
    return issued.access_token


async def _analyse(session: Any) -> None:
    """On PostgreSQL, the planner statistics autovacuum would have gathered by now. SQLite is left as
    fediart leaves it (it never runs ANALYZE), so its plans must be good without statistics."""
    from sqlalchemy import text

    if session.bind.dialect.name == "postgresql":
        await session.execute(text("ANALYZE"))
        await session.commit()

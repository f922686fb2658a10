"""Timelines: home, public, a hashtag's and one account's statuses, as references (store/status_refs.py:
local posts, remote posts and boosts) newest first, one page at a time.

Each takes the caller's session, so a client-API request reads its token, its page and the page's facts
in one. Posts, remote posts and boosts share one snowflake id space, so each page is read from up to three
queries with the same cursor conditions and merged by id. Who may see what comes from store/visibility.py;
the viewer's blocks and mutes (ActorRestriction) are left out of every list, and, for a viewer who asked
(`Account.hide_ai_media`), the home, public and hashtag timelines leave out posts with an image labelled
AI-generated (and boosts of them); an account's own page still lists everything it may see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, bindparam, cast, exists, func, literal_column, or_, union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import NotFound
from fediart.store.pages import Page
from fediart.services import Services
from fediart.media.provenance import AI_GENERATED
from fediart.policy.scope import remote_actors_on
from fediart.store.actors import local_actor
from fediart.store.states import FollowState, InteractionKind, Restriction, StatusKind, Visibility
from fediart.store.status_refs import BOOST_COLUMNS, BoostFields, StatusRef
from fediart.store.tables import Account, Actor, ActorRestriction, Following, Interaction, Media, Post, RemotePost
from fediart.store.visibility import visible_posts, visible_remote_posts



@dataclass(frozen=True)
class Filters:
    """What a list may narrow to (the parameters Mastodon's timelines and account statuses take)."""

    only_media: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    tag: str | None = None


async def _viewer_actor(session: AsyncSession, services: Services, viewer: Account | None) -> Actor | None:
    return None if viewer is None else await local_actor(session, services.urls, viewer)


def _restricted(viewer: Account | None) -> Any:
    """Actor ids the viewer blocked or muted (an empty set for an anonymous visitor)."""
    account_id = viewer.id if viewer is not None else -1
    return select(ActorRestriction.actor_id).where(ActorRestriction.account_id == account_id,
                                                   ActorRestriction.kind.in_([Restriction.BLOCK, Restriction.MUTE]))


def _accounts_of(actor_ids: Any) -> Any:
    """The local account ids behind a set of actor ids."""
    return select(Actor.account_id).where(Actor.id.in_(actor_ids), Actor.account_id.is_not(None))


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _without_ai_posts() -> Any:
    """Local posts none of whose images is labelled AI-generated."""
    return ~exists(select(Media.id).where(Media.post_id == Post.id,
                                          Media.digital_source_type.in_(sorted(AI_GENERATED))))


def _without_ai_remote_posts() -> Any:
    """Remote posts none of whose stored attachments is labelled AI-generated. The inbox stores only
    normalised IPTC URLs, so the JSON's text holds each as a whole JSON string (quotes included, as
    the tag filters match): trainedAlgorithmicMedia never matches inside compositeWithTrainedAlgorithmicMedia,
    even where LIKE ignores case (SQLite)."""
    text = cast(RemotePost.attachments, Text)
    return and_(*(~text.like(_like(json.dumps(url)), escape="\\") for url in sorted(AI_GENERATED)))


def _hides_ai(viewer: Account | None) -> bool:
    return viewer is not None and bool(viewer.hide_ai_media)


def _post_filters(services: Services, filters: Filters) -> list[Any]:
    found = []
    if filters.only_media:
        found.append(exists(select(Media.id).where(Media.post_id == Post.id)))
    if filters.exclude_replies:
        found.append(Post.in_reply_to.is_(None))
    if filters.tag:
        # The Hashtag's href as a whole JSON string: #ink never matches #inkwell (as store/posts.py does).
        found.append(cast(Post.tags, Text).like(_like(json.dumps(services.urls.tag(filters.tag))), escape="\\"))
    return found


def _remote_filters(filters: Filters) -> list[Any]:
    found = []
    if filters.only_media:
        found.append(cast(RemotePost.attachments, Text) != "[]")
    if filters.exclude_replies:
        found.append(RemotePost.in_reply_to.is_(None))
    if filters.tag:
        needle = json.dumps(filters.tag.lower())  # the name as a whole JSON string, escaped as stored
        found.append(func.lower(cast(RemotePost.tags, Text)).like(_like(needle), escape="\\"))
    return found


_KINDS = {Post: StatusKind.POST, RemotePost: StatusKind.REMOTE, Interaction: StatusKind.BOOST}


def _merge_statement(page: Page, queries: list[tuple[Any, Any]], cursor: Any = None) -> Any:
    """One statement for a page from several queries over the shared id space: each query reads its own
    page of ids with the cursor, the ids are merged (UNION ALL, then ordered and cut to the page), and the
    page comes back as references (id and kind), boosts with their Interaction's few columns; the
    statuses themselves are rendered from the references. `cursor(column)` gives the cursor conditions
    (page.conditions by default: the cursor's values written into the statement)."""
    cursor = cursor or page.conditions
    parts = []
    for table, query in queries:
        own = (query.with_only_columns(table.id.label("id"), literal_column(f"'{_KINDS[table]}'").label("kind"))
               .where(*cursor(table.id)).order_by(page.order(table.id)).limit(page.limit).subquery())
        parts.append(select(own.c.id, own.c.kind))
    ids = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    if any(table is Interaction for table, _ in queries):
        merged = select(ids.c.id, ids.c.kind, *BOOST_COLUMNS).select_from(ids).outerjoin(
            Interaction, and_(Interaction.id == ids.c.id, ids.c.kind == StatusKind.BOOST.value))
    else:
        merged = select(ids.c.id, ids.c.kind)
    return merged.order_by(page.order(ids.c.id)).limit(page.limit)


async def _page_rows(session: AsyncSession, page: Page, statement: Any, params: dict[str, Any] | None = None
                     ) -> list[StatusRef]:
    found = await (await session.connection()).execute(statement, params or {})
    return page.arrange([StatusRef(StatusKind(kind), id_, None if kind != StatusKind.BOOST else
                                   BoostFields(id_, *boost)) for id_, kind, *boost in found.all()])


async def _merged(session: AsyncSession, page: Page, queries: list[tuple[Any, Any]]) -> list[StatusRef]:
    """One page from several queries over the shared id space, read in one statement."""
    return await _page_rows(session, page, _merge_statement(page, queries))


def _bound_cursor(page: Page) -> Any:
    """page.conditions with the cursor's values as bind parameters (max_id, since_id, min_id), so one
    built statement serves every page of the same shape."""
    def conditions(column: Any) -> list[Any]:
        return [term for value, term in ((page.max_id, column < bindparam("max_id")),
                                         (page.since_id, column > bindparam("since_id")),
                                         (page.min_id, column > bindparam("min_id"))) if value is not None]
    return conditions


def _cursor_values(page: Page) -> dict[str, int]:
    return {name: value for name, value in (("max_id", page.max_id), ("since_id", page.since_id),
                                            ("min_id", page.min_id)) if value is not None}


@dataclass(frozen=True)
class _BoundViewer:
    """Stands for the viewer's actor row in visibility conditions: its ids as SQL expressions."""

    id: Any
    account_id: Any


# The home statement, built once per page shape (which cursors, limit <= 40: at most 320 entries) and
# reused: building and hashing this expression cost more than running it.
_home_statements: dict[tuple[bool, bool, bool, int, bool], Any] = {}


def _home_statement(page: Page, hide_ai: bool = False) -> Any:
    shape = (page.max_id is not None, page.since_id is not None, page.min_id is not None, page.limit, hide_ai)
    found = _home_statements.get(shape)
    if found is not None:
        return found
    account = bindparam("account")
    # The viewer's actor id as a subquery, not a lookup first: an artist without an actor row yet has
    # made nothing, been mentioned in nothing and follows nothing by it, and NULL matches nothing.
    me = _BoundViewer(select(Actor.id).where(Actor.account_id == account).scalar_subquery(), account)
    followed = select(Following.actor_id).where(Following.account_id == account,
                                                Following.state == FollowState.ACCEPTED)
    restricted = select(ActorRestriction.actor_id).where(
        ActorRestriction.account_id == account, ActorRestriction.kind.in_([Restriction.BLOCK, Restriction.MUTE]))
    # The artist's own posts and followed local artists' posts are two parts, not one OR: a single
    # account's posts come off its index already in id order, so that part stops after a page of rows
    # instead of reading and sorting all of them. Followed artists' posts are reached from the follows
    # (a join, not an IN): following nobody here then reads nothing, rather than every post to find none.
    own = select(Post).where(Post.account_id == account, Post.deleted_at.is_(None))
    posts = (select(Post).join(Actor, Actor.account_id == Post.account_id).join(Following, Following.actor_id == Actor.id)
             .where(Following.account_id == account, Following.state == FollowState.ACCEPTED,
                    Post.account_id != account, visible_posts(me), Post.account_id.not_in(_accounts_of(restricted))))
    remotes = select(RemotePost).where(visible_remote_posts(me), RemotePost.actor_id.in_(followed),
                                       RemotePost.actor_id.not_in(restricted))
    if hide_ai:
        own, posts = own.where(_without_ai_posts()), posts.where(_without_ai_posts())
        remotes = remotes.where(_without_ai_remote_posts())
    boosters = (or_(Interaction.actor_id.in_(followed), Interaction.actor_id == me.id)
                & Interaction.actor_id.not_in(restricted))
    found = _merge_statement(page, [(Post, own), (Post, posts), (RemotePost, remotes),
                                    *_boost_queries(me, restricted, boosters, hide_ai=hide_ai)],
                             _bound_cursor(page))
    _home_statements[shape] = found
    return found


def _boost_queries(viewer: Actor | None, restricted: Any, boosters: Any, *, hide_ai: bool = False
                   ) -> list[tuple[Any, Any]]:
    """Boosts by `boosters` (a condition on Interaction.actor_id) of posts the viewer may see."""
    of_posts = (select(Interaction).join(Post, Post.id == Interaction.post_id)
                .where(Interaction.kind == InteractionKind.BOOST, boosters, visible_posts(viewer),
                       Post.account_id.not_in(_accounts_of(restricted))))
    of_remote = (select(Interaction).join(RemotePost, RemotePost.id == Interaction.remote_post_id)
                 .where(Interaction.kind == InteractionKind.BOOST, boosters, visible_remote_posts(viewer),
                        RemotePost.actor_id.not_in(restricted)))
    if hide_ai:
        of_posts, of_remote = of_posts.where(_without_ai_posts()), of_remote.where(_without_ai_remote_posts())
    return [(Interaction, of_posts), (Interaction, of_remote)]


def remote_consents_to_public_feeds() -> Any:
    """Remote posts whose licence signals do not refuse indexing (indexable false, noindex, search=n,
    searchableBy not public: Signals.search == denied) may be listed in public feeds. Rows stored before
    signals were parsed, and posts that say nothing, stay listed; search applies the stricter FEP-5feb rule."""
    search = RemotePost.licence[("signals", "search")].as_string()
    return or_(search.is_(None), search != "denied")


async def home(session: AsyncSession, services: Services, account: Account, page: Page) -> list[StatusRef]:
    """The artist's own posts, posts of those they follow (local and remote) and boosts by either."""
    return await _page_rows(session, page, _home_statement(page, _hides_ai(account)),
                            {"account": account.id, **_cursor_values(page)})


async def public(session: AsyncSession, services: Services, viewer: Account | None, page: Page, *,
                 local: bool = False, remote: bool = False, filters: Filters = Filters()) -> list[StatusRef]:
    """Public posts: this instance's (local), other servers' we hold (remote), or both; no boosts."""
    restricted = _restricted(viewer)
    queries = []
    if not remote:
        queries.append((Post, select(Post).join(Account, Account.id == Post.account_id).where(
            Post.deleted_at.is_(None), Post.visibility == Visibility.PUBLIC, Account.kind == "person",
            Post.account_id.not_in(_accounts_of(restricted)), *_post_filters(services, filters),
            *([_without_ai_posts()] if _hides_ai(viewer) else []))))
    if not local:
        # Limited (silenced) servers' posts never appear in public views, as on Mastodon.
        hidden = await services.policy.hidden_domains(session)
        limited = [RemotePost.actor_id.not_in(remote_actors_on(hidden))] if hidden else []
        queries.append((RemotePost, select(RemotePost).where(
            RemotePost.deleted_at.is_(None), RemotePost.visibility == Visibility.PUBLIC,
            RemotePost.actor_id.not_in(restricted), *limited, remote_consents_to_public_feeds(),
            *_remote_filters(filters), *([_without_ai_remote_posts()] if _hides_ai(viewer) else []))))
    return await _merged(session, page, queries)


async def tag(session: AsyncSession, services: Services, viewer: Account | None, name: str, page: Page, *,
              local: bool = False, remote: bool = False, only_media: bool = False) -> list[StatusRef]:
    """Public posts, local and remote, that carry the hashtag `name`."""
    name = name.strip().lstrip("#")
    if not name:
        return []
    return await public(session, services, viewer, page, local=local, remote=remote,
                        filters=Filters(only_media=only_media, tag=name))


async def account_statuses(session: AsyncSession, services: Services, viewer: Account | None, actor_id: int, page: Page, *,
                           filters: Filters = Filters(), pinned: bool = False) -> list[StatusRef]:
    """One account's statuses the viewer may see: a local artist's posts and boosts, or the posts (and
    boosts) of a remote actor that fediart holds. NotFound for an unknown id."""
    actor = await session.get(Actor, actor_id)
    if actor is None or (actor.local and (await session.get(Account, actor.account_id)).kind != "person"):
        raise NotFound()
    me = await _viewer_actor(session, services, viewer)
    await session.commit()
    if me is not None and actor.local and await _blocks(session, actor.account_id, me.id):
        return []  # Mastodon shows an account that blocked you as having no statuses
    if pinned and not actor.local:
        return []  # remote actors' featured collections are not fetched
    queries: list[tuple[Any, Any]] = []
    if actor.local:
        posts = select(Post).where(Post.account_id == actor.account_id, visible_posts(me),
                                   *_post_filters(services, filters))
        queries.append((Post, posts.where(Post.pinned_at.is_not(None)) if pinned else posts))
    else:
        queries.append((RemotePost, select(RemotePost).where(RemotePost.actor_id == actor.id,
                                                             visible_remote_posts(me), *_remote_filters(filters))))
    if not (pinned or filters.exclude_reblogs or filters.only_media or filters.tag):
        queries.extend(_boost_queries(me, _restricted(viewer), Interaction.actor_id == actor.id))
    return await _merged(session, page, queries)


async def _blocks(session: AsyncSession, account_id: int, actor_id: int) -> bool:
    found = await session.exec(select(ActorRestriction.id).where(
        ActorRestriction.account_id == account_id, ActorRestriction.actor_id == actor_id,
        ActorRestriction.kind == Restriction.BLOCK))
    return found.first() is not None

"""The tables. Rows hold fields only; conversion to ActivityStreams or HTML lives elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from fediart.store.fit import guard_columns
from fediart.store.ids import new_id

# Ids clients see (actors, posts, remote posts, boosts, notifications, media) are 64-bit and time-sortable
# (store/ids.py). SQLite's INTEGER already holds 64 bits and only INTEGER keys auto-number, hence the variant.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


def snowflake_key() -> Column:
    return Column(BIG_ID, primary_key=True, default=new_id)


def big_ref(target: str, *, nullable: bool = False, index: bool = True, unique: bool = False) -> Column:
    """A foreign key to one of the tables keyed by snowflake ids."""
    return Column(BIG_ID, ForeignKey(target), nullable=nullable, index=index, unique=unique)


def utcnow() -> datetime:
    """Aware UTC to the second (ActivityStreams dates carry no fractions)."""
    return datetime.now(UTC).replace(microsecond=0)


class Account(SQLModel, table=True):
    """A local actor: an artist (kind "person") or the instance actor (kind "instance")."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    kind: str = Field(default="person", max_length=16)
    display_name: str = Field(default="", max_length=200)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    fields: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    avatar_file: str | None = Field(default=None, max_length=200)
    header_file: str | None = Field(default=None, max_length=200)
    private_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    public_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    manually_approves_followers: bool = False
    discoverable: bool = True
    indexable: bool = False
    # Licence choices; the pages and documents that explain them are derived from these.
    licence_key: str = Field(default="all-rights-reserved", max_length=64)
    ai_training_reserved: bool = True
    generative_only: bool = False
    search_indexing: bool = False
    acquire_licence_url: str | None = Field(default=None, max_length=2000)
    copyright_holder: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id; None: cannot log in
    hide_collections: bool = False  # followers and following show their counts only
    role: str = Field(default="artist", max_length=16)  # AccountRole
    hide_ai_media: bool = False  # timelines leave out posts whose images are labelled AI-generated
    original_access: str = Field(default="artist", max_length=16)  # OriginalAccess: who may fetch originals


class Actor(SQLModel, table=True):
    """Every actor fediart knows, in one id space: a remote one as last fetched (identity, inboxes and
    public key), or one of our artists (`account_id` set), so follows, likes, mentions and notifications
    point at one table whether the other side is local or remote."""

    __tablename__ = "actor"
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("account.id"),
                                                                  nullable=True, index=True, unique=True))
    uri: str = Field(max_length=2000, unique=True, index=True)
    domain: str = Field(max_length=255, index=True)
    actor_type: str = Field(default="Person", max_length=32)
    username: str = Field(default="", max_length=255)
    display_name: str = Field(default="", max_length=500)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str | None = Field(default=None, max_length=2000)
    icon_url: str | None = Field(default=None, max_length=2000)
    inbox: str = Field(max_length=2000)
    shared_inbox: str | None = Field(default=None, max_length=2000)
    followers_url: str | None = Field(default=None, max_length=2000)
    key_id: str = Field(default="", max_length=2000, index=True)
    public_key_pem: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    moved_to: str | None = Field(default=None, max_length=2000)
    gone: bool = False  # deleted on its server: keep the row so old references resolve
    licence: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # signals its profile carried
    fetched_at: datetime = Field(default_factory=utcnow)

    @property
    def local(self) -> bool:
        return self.account_id is not None


class Follower(SQLModel, table=True):
    """A remote actor following a local account (pending until accepted when approval is manual)."""

    __tablename__ = "follower"
    __table_args__ = (UniqueConstraint("account_id", "actor_id", name="uq_follower_account_actor"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    actor_id: int = Field(sa_column=big_ref("actor.id"))
    follow_uri: str = Field(max_length=2000)  # the remote Follow's id, echoed in Accept/Reject
    state: str = Field(default="pending", max_length=16)  # pending | accepted
    created_at: datetime = Field(default_factory=utcnow)


class Following(SQLModel, table=True):
    """A local account following a remote actor."""

    __tablename__ = "following"
    __table_args__ = (UniqueConstraint("account_id", "actor_id", name="uq_following_account_actor"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    actor_id: int = Field(sa_column=big_ref("actor.id"))
    follow_uri: str = Field(max_length=2000, unique=True)  # our Follow's id
    state: str = Field(default="pending", max_length=16)  # pending | accepted | rejected
    created_at: datetime = Field(default_factory=utcnow)


class Post(SQLModel, table=True):
    """A local post (a Note), possibly with images; deleted posts stay as tombstones."""

    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    content: str = Field(sa_column=Column(Text, nullable=False))  # safe HTML
    source: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # what the artist typed
    summary: str = Field(default="", max_length=1000)  # content warning
    sensitive: bool = False
    visibility: str = Field(default="public", max_length=16)  # public | unlisted | followers | direct
    in_reply_to: str | None = Field(default=None, max_length=2000, index=True)  # replies are counted by it
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    licence_key: str | None = Field(default=None, max_length=64)  # None: the account's licence
    language: str | None = Field(default=None, max_length=35)  # BCP 47; None: [server] default_language
    pinned_at: datetime | None = None  # pinned posts fill the featured collection
    published: datetime = Field(default_factory=utcnow)
    updated: datetime | None = None
    deleted_at: datetime | None = None
    original_access: str | None = Field(default=None, max_length=16)  # OriginalAccess; None: the account's


class Media(SQLModel, table=True):
    """An uploaded image, its thumbnail and what describes it."""

    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True))
    position: int = 0
    file: str = Field(max_length=300, index=True)  # relative to [media] dir, e.g. "ana/3f2a….jpg"
    thumbnail_file: str = Field(max_length=300, index=True)
    display_file: str = Field(default="", max_length=300)  # the size pages show; "" for older images: use file
    media_type: str = Field(max_length=64)
    thumbnail_media_type: str = Field(max_length=64)
    width: int
    height: int
    blurhash: str = Field(default="", max_length=100)
    focal_x: float = 0.0
    focal_y: float = 0.0
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # alt text
    # How it was made: an IPTC digital source type URL (fediart.media.provenance), read from the file or
    # declared by the artist; "" when neither said.
    digital_source_type: str = Field(default="", max_length=200)
    # The full-resolution image when `file` is a rendition capped at [media] federated_size, under
    # "originals/", which the public media route never serves; "" when `file` is the original itself.
    original_file: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class OutboxActivity(SQLModel, table=True):
    """An activity we published, kept once; delivery rows point at it."""

    __tablename__ = "outbox_activity"
    id: int | None = Field(default=None, primary_key=True)
    uri: str = Field(max_length=2000, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    activity_type: str = Field(max_length=32)
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True))
    body: str = Field(sa_column=Column(Text, nullable=False))  # the JSON exactly as delivered
    created_at: datetime = Field(default_factory=utcnow)


PENDING_ONLY = "state = 'pending'"


def due_index(table: str) -> Index:
    """The index claims walk: pending rows only, oldest due first.

    Sent and finished rows stay out of it, so a claim costs the same with a million old rows as with
    none. The claim's WHERE repeats PENDING_ONLY as literal SQL: a planner can only use a partial
    index when the query's condition visibly implies the index's, and a bound parameter does not.
    """
    return Index(f"ix_{table}_due", "retry_at", "id", sqlite_where=text(PENDING_ONLY),
                 postgresql_where=text(PENDING_ONLY))


class Delivery(SQLModel, table=True):
    """One activity to one inbox: pending until sent, retried with backoff, or given up."""

    __table_args__ = (due_index("delivery"),)
    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="outbox_activity.id", index=True)
    inbox: str = Field(max_length=2000)
    host: str = Field(max_length=255, index=True)
    state: str = Field(default="pending", max_length=16)  # pending | sending | sent | failed | gave_up
    attempts: int = 0
    retry_at: datetime = Field(default_factory=utcnow)  # claims read it through the due index
    claimed_until: datetime | None = None  # a worker's lease; an expired lease is claimable again
    last_status: int | None = None
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class UnavailableHost(SQLModel, table=True):
    """A host whose deliveries failed on several distinct days; skipped until it speaks again."""

    __tablename__ = "unavailable_host"
    host: str = Field(primary_key=True, max_length=255)
    failure_days: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    unavailable_since: datetime | None = None


class InboxItem(SQLModel, table=True):
    """A verified activity as received, stored before the 202 and processed by the worker."""

    __tablename__ = "inbox_item"
    __table_args__ = (due_index("inbox_item"),)
    id: int | None = Field(default=None, primary_key=True)
    activity_uri: str = Field(max_length=2000, unique=True)
    activity_type: str = Field(max_length=64)
    actor_uri: str = Field(max_length=2000)
    account_id: int | None = Field(default=None, foreign_key="account.id")  # personal inbox, if any
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=16, index=True)  # pending | processing | done | failed
    attempts: int = 0
    retry_at: datetime = Field(default_factory=utcnow)  # claims read it through the due index
    claimed_until: datetime | None = None
    last_error: str = Field(default="", max_length=1000)
    received_at: datetime = Field(default_factory=utcnow, index=True)  # pruning reads the oldest


class RemotePost(SQLModel, table=True):
    """A remote post that concerns us: a reply to one of our posts, or a mention of an artist."""

    __tablename__ = "remote_post"
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    uri: str = Field(max_length=2000, unique=True)
    actor_id: int = Field(sa_column=big_ref("actor.id"))
    url: str | None = Field(default=None, max_length=2000)
    content: str = Field(sa_column=Column(Text, nullable=False))  # sanitised HTML
    summary: str = Field(default="", max_length=1000)
    in_reply_to: str | None = Field(default=None, max_length=2000, index=True)
    visibility: str = Field(default="public", max_length=16)  # Visibility, read from the addressing
    sensitive: bool = False
    language: str | None = Field(default=None, max_length=35)
    # [{url, media_type, description, blurhash, width, height, focal_x, focal_y, digital_source_type}],
    # shown by remote URL; digital_source_type (an IPTC URL) only when the sender declared one
    attachments: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))  # names
    mentions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))  # actor URIs
    licence: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # the terms it came with
    published: datetime | None = None
    updated: datetime | None = None
    deleted_at: datetime | None = None


class Interaction(SQLModel, table=True):
    """A like or boost of a post, local or remote, by any actor (local artists included).

    A boost is also a status in the client API (the wrapper Mastodon shows in timelines), so its id is
    a snowflake from the same space as posts. Exactly one of post_id and remote_post_id is set.
    """

    __table_args__ = (
        UniqueConstraint("kind", "post_id", "actor_id", name="uq_interaction_kind_post_actor"),
        UniqueConstraint("kind", "remote_post_id", "actor_id", name="uq_interaction_kind_remote_post_actor"),
        # Boosts newest first (the home timeline's boost parts) without reading and sorting every like.
        Index("ix_interaction_kind_id", "kind", "id"),
    )
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    kind: str = Field(max_length=16)  # InteractionKind
    activity_uri: str = Field(max_length=2000, unique=True)
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True))
    remote_post_id: int | None = Field(default=None, sa_column=big_ref("remote_post.id", nullable=True))
    actor_id: int = Field(sa_column=big_ref("actor.id"))
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    """Something an artist should see: a follow, like, boost, reply or mention."""

    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=24)  # follow | follow_request | like | boost | reply | mention | move | block
    actor_id: int = Field(sa_column=big_ref("actor.id", index=False))
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True, index=False))
    remote_post_id: int | None = Field(default=None, sa_column=big_ref("remote_post.id", nullable=True, index=False))
    activity_uri: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class Tombstone(SQLModel, table=True):
    """A remote object or actor that was deleted, so a late Create or Update of it is ignored."""

    uri: str = Field(primary_key=True, max_length=2000)
    deleted_at: datetime = Field(default_factory=utcnow)


class RemoteBlock(SQLModel, table=True):
    """A remote actor that blocked one of our artists (recorded; we stop delivering to them)."""

    __tablename__ = "remote_block"
    __table_args__ = (UniqueConstraint("account_id", "actor_id", name="uq_remote_block_account_actor"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    actor_id: int = Field(sa_column=big_ref("actor.id", index=False))
    activity_uri: str = Field(max_length=2000, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class PostEdit(SQLModel, table=True):
    """A post as it was before an edit: the history clients show under "edited"."""

    __tablename__ = "post_edit"
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(sa_column=big_ref("post.id"))
    content: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", max_length=1000)
    sensitive: bool = False
    media: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))  # [{id, description}]
    created_at: datetime = Field(default_factory=utcnow)  # when this version was first published


class Mention(SQLModel, table=True):
    """An actor a post addresses by name: who may see a direct or followers-only post, and whose
    notifications it belongs in. Exactly one of post_id and remote_post_id is set."""

    __table_args__ = (
        UniqueConstraint("post_id", "actor_id", name="uq_mention_post_actor"),
        UniqueConstraint("remote_post_id", "actor_id", name="uq_mention_remote_post_actor"),
    )
    id: int | None = Field(default=None, primary_key=True)
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True))
    remote_post_id: int | None = Field(default=None, sa_column=big_ref("remote_post.id", nullable=True))
    actor_id: int = Field(sa_column=big_ref("actor.id"))


class Bookmark(SQLModel, table=True):
    """A post an artist saved for later; private, never federated."""

    __table_args__ = (
        UniqueConstraint("account_id", "post_id", name="uq_bookmark_account_post"),
        UniqueConstraint("account_id", "remote_post_id", name="uq_bookmark_account_remote_post"),
    )
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    post_id: int | None = Field(default=None, sa_column=big_ref("post.id", nullable=True, index=False))
    remote_post_id: int | None = Field(default=None, sa_column=big_ref("remote_post.id", nullable=True, index=False))
    created_at: datetime = Field(default_factory=utcnow)


class ActorRestriction(SQLModel, table=True):
    """An artist's block or mute of another actor (Restriction)."""

    __tablename__ = "actor_restriction"
    __table_args__ = (UniqueConstraint("account_id", "actor_id", "kind", name="uq_restriction_account_actor_kind"),)
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    account_id: int = Field(foreign_key="account.id", index=True)
    actor_id: int = Field(sa_column=big_ref("actor.id"))
    kind: str = Field(max_length=8)  # Restriction
    activity_uri: str | None = Field(default=None, max_length=2000)  # our Block, for its Undo
    created_at: datetime = Field(default_factory=utcnow)


class Marker(SQLModel, table=True):
    """Where an artist stopped reading a timeline, kept for their other devices."""

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    timeline: str = Field(primary_key=True, max_length=16)  # home | notifications
    last_read_id: str = Field(max_length=32)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class IdempotencyKey(SQLModel, table=True):
    """A client's Idempotency-Key for a new post: a retried request returns the post it made."""

    __tablename__ = "idempotency_key"
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=200)
    post_id: int = Field(sa_column=big_ref("post.id", index=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


# Rows made from what other servers send: the net under the handlers' own fitting (store/fit.py).
guard_columns(Actor, RemotePost, Mention, InboxItem, Follower, Interaction, Notification, Tombstone, RemoteBlock)

# The admin's federation policy and reports live in their own module; imported here so that every
# table is registered whenever the tables are.
import fediart.store.policy_tables  # noqa: E402,F401
import fediart.store.album_tables  # noqa: E402,F401
import fediart.store.original_tables  # noqa: E402,F401
import fediart.store.job_tables  # noqa: E402,F401
# Sign-in and OAuth: imported by name, so that `from fediart.store.tables import OAuthApp` keeps working.
from fediart.store.auth_tables import LoginAttempt, LoginSession, OAuthApp, OAuthCode, OAuthToken  # noqa: E402,F401

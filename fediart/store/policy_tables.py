"""The admin's federation tables: domain blocks and allows, blocklist subscriptions, reports, and the
AI-crawler user agents refused at the door. Decisions made from them live in fediart/policy/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Integer, ForeignKey, Text
from sqlmodel import Field, SQLModel

from fediart.store.tables import big_ref, snowflake_key, utcnow
from fediart.store.ids import new_id


class DomainBlock(SQLModel, table=True):
    """A server this instance limits or refuses (this domain and its subdomains; the longest rule wins).

    Severity and flags as Mastodon has them (store/states.py DomainSeverity). A rule the admin made has
    no subscription; one taken from a subscribed list names it, so it is retracted when the list drops it.
    """

    __tablename__ = "domain_block"
    domain: str = Field(primary_key=True, max_length=255)  # normalised: IDNA ASCII, lowercase, no trailing dot
    severity: str = Field(default="suspend", max_length=16)
    reject_media: bool = False
    reject_reports: bool = False
    obfuscate: bool = False  # when the list is shown or exported, the middle of the name is masked
    public_comment: str = Field(default="", max_length=1000)
    private_comment: str = Field(default="", max_length=1000)
    subscription_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("blocklist_subscription.id"), nullable=True, index=True))
    # When a suspension's side effects (follows severed, stored content removed) were carried out;
    # None means the worker still has to.
    severed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DomainAllow(SQLModel, table=True):
    """A server allowed to federate in allowlist mode (this domain and its subdomains)."""

    __tablename__ = "domain_allow"
    domain: str = Field(primary_key=True, max_length=255)
    public_comment: str = Field(default="", max_length=1000)
    private_comment: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class BlocklistSubscription(SQLModel, table=True):
    """A shared blocklist the worker downloads on a schedule; its entries become domain blocks."""

    __tablename__ = "blocklist_subscription"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000, unique=True)
    format: str = Field(default="csv", max_length=16)  # BlocklistFormat
    priority: int = 0  # 0..255; where two lists name a domain, the higher priority's entry is kept
    all_severities: bool = False  # False: only suspend-level entries are applied, as GoToSocial does
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = Field(default="", max_length=1000)
    # The last copy that downloaded and parsed: a failed download keeps applying it.
    last_good: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    entries: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class Report(SQLModel, table=True):
    """A Flag: received from another server about one of our artists or posts, or sent by us about theirs."""

    __tablename__ = "report"
    id: int | None = Field(default_factory=new_id, sa_column=snowflake_key())
    activity_uri: str = Field(max_length=2000, unique=True)
    direction: str = Field(max_length=16)  # ReportDirection
    domain: str = Field(max_length=255, index=True)  # the other server
    reporter_id: int | None = Field(default=None, sa_column=big_ref("actor.id", nullable=True, index=False))
    target_id: int = Field(sa_column=big_ref("actor.id"))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    object_uris: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    state: str = Field(default="open", max_length=16, index=True)  # ReportState
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None


class CrawlerAgent(SQLModel, table=True):
    """A user agent token of an AI-training crawler: refused on pages and media, disallowed in robots.txt.

    Empty until the admin runs `fediart crawlers update`; until then the list shipped in the package applies.
    """

    __tablename__ = "crawler_agent"
    agent: str = Field(primary_key=True, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)

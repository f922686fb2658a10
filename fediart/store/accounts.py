"""Queries on local accounts: create, look up, list."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.keys import generate_key_pair
from fediart.licence.catalogue import licence_by_key
from fediart.store.tables import Account, utcnow

# Letters, digits and underscore, as Mastodon allows; Pixelfed also rejects anything else.
USERNAME_RE = re.compile(r"^[a-z0-9_]{1,30}$")
INSTANCE_ACTOR_USERNAME = "instance.actor"
# Names that read as subcommands of `fediart post NAME` or as paths of the web side.
RESERVED_USERNAMES = {"edit", "delete", "list", "actor", "inbox", "media", "static", "tags", "terms", "admin"}


class AccountError(Exception):
    """A request about accounts that cannot be done, worded for the admin."""


def normalise_username(name: str) -> str:
    name = name.strip().lstrip("@").lower()
    if not USERNAME_RE.match(name):
        raise AccountError(f"invalid username {name!r}: use 1-30 letters, digits or underscores")
    if name in RESERVED_USERNAMES:
        raise AccountError(f"the username {name!r} is reserved; choose another")
    return name


async def create_account(
    session: AsyncSession,
    username: str,
    *,
    display_name: str = "",
    summary: str = "",
    licence_key: str = "all-rights-reserved",
    ai_training_reserved: bool = True,
    generative_only: bool = False,
    search_indexing: bool = False,
    manually_approves_followers: bool = False,
    fields: list[dict[str, str]] | None = None,
) -> Account:
    """Create an artist account with a fresh key pair; AccountError if the name is taken or invalid."""
    username = normalise_username(username)
    try:
        licence_by_key(licence_key)
    except KeyError as exc:
        raise AccountError(exc.args[0]) from None
    if await get_account(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    private_pem, public_pem = generate_key_pair()
    account = Account(
        username=username,
        display_name=display_name or username,
        summary=summary,
        fields=fields or [],
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        licence_key=licence_key,
        ai_training_reserved=ai_training_reserved,
        generative_only=generative_only,
        search_indexing=search_indexing,
        indexable=search_indexing,
        manually_approves_followers=manually_approves_followers,
    )
    session.add(account)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise AccountError(f"user {username!r} already exists") from None
    return account


async def get_account(session: AsyncSession, username: str) -> Account | None:
    result = await session.exec(select(Account).where(Account.username == username.lower()))
    return result.first()


async def get_artist(session: AsyncSession, username: str) -> Account | None:
    """The artist (not the instance actor) called `username`, or None; any string from a URL is safe here."""
    if not USERNAME_RE.match(username.lower()):
        return None
    account = await get_account(session, username)
    return account if account is not None and account.kind == "person" else None


async def list_accounts(session: AsyncSession) -> list[Account]:
    result = await session.exec(select(Account).where(Account.kind == "person").order_by(Account.username))
    return list(result.all())


async def ensure_instance_actor(session: AsyncSession) -> Account:
    """The instance's own Application actor, which signs server-to-server fetches."""
    account = await get_account(session, INSTANCE_ACTOR_USERNAME)
    if account is not None:
        return account
    private_pem, public_pem = generate_key_pair()
    account = Account(
        username=INSTANCE_ACTOR_USERNAME,
        kind="instance",
        display_name="",
        private_key_pem=private_pem,
        public_key_pem=public_pem,
        discoverable=False,
        manually_approves_followers=True,
    )
    session.add(account)
    try:
        await session.commit()
    except IntegrityError:
        # Another process created it at the same moment: use theirs.
        await session.rollback()
        account = await get_account(session, INSTANCE_ACTOR_USERNAME)
        assert account is not None
    return account


async def touch(session: AsyncSession, account: Account) -> None:
    account.updated_at = utcnow()
    session.add(account)
    await session.commit()

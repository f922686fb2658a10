"""The AI-crawler list: shipped data file or the admin's CrawlerAgent table, and user-agent matching."""

from __future__ import annotations

import re
import time
import weakref
from functools import lru_cache
from importlib import resources

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from fediart.store.policy_tables import CrawlerAgent

# Checked before the crawler list: these fetch posts to federate them or to draw link previews, and
# refusing them would break federation or sharing. Applebot is here; Applebot-Extended is only a robots.txt token.
NEVER_REFUSED: tuple[str, ...] = (
    "Mastodon", "http.rb", "GoToSocial", "Misskey", "Pleroma", "Akkoma", "Pixelfed", "Friendica",
    "PeerTube", "Lemmy", "Fedify", "Sharkey", "Iceshrimp", "Bridgy", "fediart",
    "facebookexternalhit", "Twitterbot", "Slackbot", "Discordbot", "TelegramBot", "WhatsApp",
    "LinkedInBot", "Iframely", "Embedly", "Applebot", "Googlebot", "Bingbot",
)

CACHE_SECONDS = 10.0


@lru_cache(maxsize=1)
def ai_crawlers() -> tuple[str, ...]:
    """The list shipped in the package (used while the CrawlerAgent table is empty)."""
    text = resources.files("fediart.licence").joinpath("ai_crawlers.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1024)
def _token_pattern(token: str) -> re.Pattern[str]:
    # A product token sits between non-word characters; "-" counts as part of the token so that
    # "Applebot" does not match "Applebot-Extended" and the reverse.
    return re.compile(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", re.IGNORECASE)


def token_in(token: str, user_agent: str) -> bool:
    """Whether a product token appears in a user agent, case-insensitively on word boundaries."""
    return bool(token) and _token_pattern(token).search(user_agent) is not None


def never_refused(user_agent: str) -> str | None:
    """The fediverse or link-preview token the user agent carries, if any."""
    return next((token for token in NEVER_REFUSED if token_in(token, user_agent)), None)


def refused_by(user_agent: str, agents: tuple[str, ...]) -> str | None:
    """The crawler token that refuses this user agent, or None (never-refused agents are checked first)."""
    if not user_agent or never_refused(user_agent):
        return None
    return next((agent for agent in agents if token_in(agent, user_agent)), None)


def protected_token(agent: str) -> str | None:
    """The never-refused token an entry would catch (e.g. "Mastodon" or "Googlebot"), if any."""
    return next((token for token in NEVER_REFUSED if token_in(agent, token) or token_in(token, agent)), None)


class CrawlerList:
    """The crawler tokens in force: the table when not empty, else the shipped file; cached briefly."""

    def __init__(self, sessions: async_sessionmaker) -> None:
        self.sessions = sessions
        self._agents: tuple[str, ...] | None = None
        self._loaded_at = 0.0

    async def agents(self) -> tuple[str, ...]:
        if self._agents is None or time.monotonic() - self._loaded_at > CACHE_SECONDS:
            async with self.sessions() as session:
                rows = (await session.exec(select(CrawlerAgent.agent).order_by(CrawlerAgent.agent))).all()
            self._agents = tuple(rows) if rows else ai_crawlers()
            self._loaded_at = time.monotonic()
        return self._agents

    def forget(self) -> None:
        self._agents = None


_lists: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawler_list(sessions: async_sessionmaker) -> CrawlerList:
    """One cached list per database (the gate and robots.txt share it)."""
    found = _lists.get(sessions)
    if found is None:
        found = _lists[sessions] = CrawlerList(sessions)
    return found

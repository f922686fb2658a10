"""The AI-crawler list: shipped data file or the admin's CrawlerAgent table, and user-agent matching."""

from __future__ import annotations

import re
import time
import weakref
from functools import lru_cache
from importlib import resources

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select

from fediart.coherence import Message, Kind, announce
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
        """Reread the list at its next use, here and in every other process (call it after the commit)."""
        self.drop()
        announce(self.sessions, Message(Kind.CRAWLERS))

    def drop(self) -> None:
        self._agents = None


_lists: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def crawler_list(sessions: async_sessionmaker) -> CrawlerList:
    """One cached list per database (the gate and robots.txt share it)."""
    found = _lists.get(sessions)
    if found is None:
        found = _lists[sessions] = CrawlerList(sessions)
    return found


class BadCrawlerFile(ValueError):
    """A crawler list that cannot be used; the message says why."""


def agents_from_json(document: object) -> list[str]:
    """Agent names from a robots.json-style object (keys are agents) or a plain list of names."""
    if isinstance(document, dict):
        names = list(document.keys())
    elif isinstance(document, list):
        names = document
    else:
        raise BadCrawlerFile("expected a JSON object whose keys are user agents, or a list of them")
    agents: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 200:
            raise BadCrawlerFile(f"not a user agent name: {str(name)[:80]!r}")
        if any(ch.isspace() or not ch.isprintable() for ch in name.strip()):
            raise BadCrawlerFile(f"a user agent token has no spaces or control characters: {name[:80]!r}")
        if name.strip().casefold() not in {a.casefold() for a in agents}:
            agents.append(name.strip())
    if not agents:
        raise BadCrawlerFile("the list is empty (fediart would fall back to its shipped list)")
    clashes = [f"{agent} (would refuse {token})" for agent in agents if (token := protected_token(agent))]
    if clashes:
        raise BadCrawlerFile("these entries would refuse agents that are never refused: " + ", ".join(clashes))
    return agents


async def replace_crawlers(sessions: async_sessionmaker, agents: list[str]) -> tuple[list[str], list[str]]:
    """Make the CrawlerAgent table exactly `agents` in one transaction; returns (added, removed)."""
    async with sessions() as session, session.begin():
        rows = (await session.exec(select(CrawlerAgent))).all()
        current = {row.agent: row for row in rows}
        wanted = set(agents)
        removed = sorted(name for name in current if name not in wanted)
        added = [name for name in agents if name not in current]
        for name in removed:
            await session.delete(current[name])
        session.add_all(CrawlerAgent(agent=name) for name in added)
    crawler_list(sessions).forget()
    return added, removed

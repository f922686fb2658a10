"""Keeping several fediart processes on one PostgreSQL coherent, with LISTEN/NOTIFY: caches and streams.

Whenever a process forgets something it cached (an artist's rendered documents, the domain rules,
the crawler list, a remote actor's key), it also sends a NOTIFY on one channel, after the change is
committed; every long-running process (`fediart serve`, `fediart worker`) keeps one asyncpg connection
LISTENing and drops the same entries from its own caches. Messages carry the sender's origin id, so a
process skips its own. A lost listening connection is reopened with backoff and, since messages may
have been missed meanwhile, every cache is then cleared. Streaming events (streaming/hub.py) travel the
same way, so a client connected to one server hears of a post or a notification another process
committed (a separate `fediart worker` processes the inbox). On SQLite (one process by design) nothing
is sent and nobody listens; the TTLs alone bound staleness there.

What each process keeps for itself, and how it stays true:
- DocumentCache (cache.py): rendered actor, post, collection, WebFinger and gallery documents, and
  the client API's Status and Account entities' viewer-independent parts; forgotten everywhere by
  message (an artist's all at once, one post's page when it gets a like, a boost or a reply, or the
  entries naming one thing), with `[server] document_cache_seconds` as the backstop.
- DomainPolicy (policy/domains.py): the domain blocks and allows; forgotten everywhere by message
  (reread within 5 s at worst if a message is lost).
- CrawlerList (licence/crawlers.py): the AI crawler tokens; forgotten everywhere by message.
- RemoteActors' key memory (activitypub/remote_actors.py): actors by key id for 60 s; a gone actor or a
  changed key is forgotten everywhere by message.
Left per process on purpose, each bounded by a short TTL or harmless when split: FailingHosts (5 s),
the worker's last 256 prepared activities (bodies never change; licence headers as first prepared),
the inbox throttle (each process counts its own requests, so a flood is limited per process),
KeyBackoff and the key-refresh rate limit, the pure lru_caches (keys, URL parsing, JSON-LD contexts),
and each streaming client's queue (events published while the listener was disconnected are not
replayed; clients reload over REST, as after any reconnection). Shared already, as rows: the work
queues (deliveries and inbox items under leases), the sign-in throttle, sessions and tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import orjson
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

log = logging.getLogger("fediart.coherence")

CHANNEL = "fediart_coherence"
MAX_PAYLOAD = 7900  # PostgreSQL refuses payloads of 8000 bytes or more; bigger messages become ALL
PING_SECONDS = 30.0  # a silent listening connection is checked this often, to notice a dead link
BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # between reconnection attempts
_INFO_KEY = "fediart.coherence"


class Kind(StrEnum):
    """What a message tells other processes: what to forget, or a streaming event to pass on."""

    ACCOUNT = "account"  # one artist's rendered documents (value: the username)
    POST_PAGE = "post_page"  # one post's public page (value: the post id)
    NAMED = "named"  # cached entries naming one thing: a remote actor's URI, a status (value: the name)
    DOCUMENTS = "documents"  # every rendered document
    POLICY = "policy"  # the domain blocks and allows
    CRAWLERS = "crawlers"  # the AI crawler list
    REMOTE_ACTOR = "remote_actor"  # what is remembered of a remote actor (value: its URI)
    EVERYTHING = "everything"  # all of the above (sent when a message would be too big)
    STREAM = "stream"  # a streaming event for this process's clients (value: Event.to_wire())


@dataclass(frozen=True)
class Message:
    kind: Kind
    value: str = ""

    @classmethod
    def account(cls, username: str) -> Message:
        return cls(Kind.ACCOUNT, username)

    @classmethod
    def post_page(cls, post_id: int) -> Message:
        return cls(Kind.POST_PAGE, str(post_id))

    @classmethod
    def remote_actor(cls, uri: str) -> Message:
        return cls(Kind.REMOTE_ACTOR, uri)

    @classmethod
    def stream(cls, wire: str) -> Message:
        return cls(Kind.STREAM, wire)


def encode(origin: str, message: Message) -> str:
    payload = orjson.dumps({"o": origin, "k": message.kind.value, "v": message.value}).decode()
    if len(payload.encode()) > MAX_PAYLOAD:
        return encode(origin, Message(Kind.EVERYTHING))
    return payload


def decode(payload: str) -> tuple[str, Message] | None:
    """(origin, message) from a payload; None for anything malformed (logged, never raised)."""
    try:
        data = orjson.loads(payload)
        return str(data["o"]), Message(Kind(data["k"]), str(data.get("v", "")))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        log.warning("ignoring a malformed coherence message: %.200r", payload)
        return None


def channel_for(schema: str) -> str:
    """The channel of one database schema: NOTIFY is database-wide, and instances may share a database."""
    if not schema:
        return CHANNEL
    name = f"{CHANNEL}_{schema}"
    # Channel names are identifiers: at most 63 bytes.
    return name if len(name) <= 63 else f"{CHANNEL}_{hashlib.sha256(schema.encode()).hexdigest()[:32]}"


# Query options SQLAlchemy's asyncpg dialect reads itself; asyncpg would take them for server settings.
_DIALECT_OPTIONS = ("prepared_statement_cache_size", "prepared_statement_name_func")


def listen_dsn(url: str) -> str:
    """A plain libpq URL for asyncpg from the SQLAlchemy one (postgresql+asyncpg://…)."""
    parsed = make_url(url).set(drivername="postgresql").difference_update_query(_DIALECT_OPTIONS)
    return parsed.render_as_string(hide_password=False)


class Broadcaster:
    """Sends this process's messages to the others. `send` never blocks: one task drains the queue,
    several messages at once in one statement, in the order they were sent."""

    def __init__(self, engine: AsyncEngine, channel: str) -> None:
        self.engine = engine
        self.channel = channel
        self.origin = uuid.uuid4().hex
        self._pending: list[Message] = []
        self._sender: asyncio.Task | None = None

    def send(self, message: Message) -> None:
        if message not in self._pending:
            self._pending.append(message)
        if self._sender is None or self._sender.done():
            try:
                self._sender = asyncio.get_running_loop().create_task(self._drain())
            except RuntimeError:  # no event loop (a synchronous caller): nothing runs that could cache
                self._pending.clear()

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            payloads = [encode(self.origin, message) for message in batch]
            try:
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) AS p"),
                                       {"channel": self.channel, "payloads": payloads})
                    await conn.commit()
            except Exception:  # the others keep their entries until the TTL runs out; the change itself is stored
                log.exception("could not pass %d message(s) to other processes", len(batch))

    async def flush(self) -> None:
        """Wait until every message sent so far has gone out (a CLI command calls this before it exits)."""
        while self._sender is not None and not self._sender.done():
            await asyncio.shield(self._sender)

    def attach(self, sessions: async_sessionmaker) -> None:
        """Make this broadcaster reachable from code that holds only the sessionmaker (see `announce`)."""
        info = dict(sessions.kw.get("info") or {})
        info[_INFO_KEY] = self
        sessions.configure(info=info)


def broadcaster_of(sessions: async_sessionmaker | None) -> Broadcaster | None:
    if sessions is None:
        return None
    return ((getattr(sessions, "kw", None) or {}).get("info") or {}).get(_INFO_KEY)


def announce(sessions: async_sessionmaker | None, message: Message) -> None:
    """Tell other processes to forget something, from code that holds only the sessionmaker (call it
    after the commit); nothing happens where no broadcaster is attached (SQLite, tests without one)."""
    broadcaster = broadcaster_of(sessions)
    if broadcaster is not None:
        broadcaster.send(message)


def make_broadcaster(config, engine: AsyncEngine) -> Broadcaster | None:
    """A broadcaster for PostgreSQL; None on SQLite, where one process serves everything."""
    if engine.dialect.name != "postgresql":
        return None
    return Broadcaster(engine, channel_for(config.database.schema))


class Listener:
    """One dedicated connection LISTENing on the channel, applying others' messages through `apply`;
    `clear` is called each time LISTEN takes effect, since messages may have been missed before."""

    def __init__(self, dsn: str, channel: str, origin: str, apply: Callable[[Message], None],
                 clear: Callable[[], None]) -> None:
        self.dsn = dsn
        self.channel = channel
        self.origin = origin
        self.apply = apply
        self.clear = clear
        self.connected = asyncio.Event()  # set while LISTEN is in force (tests wait on it)
        self.received = 0

    def _on_notify(self, _conn, _pid, _channel, payload: str) -> None:
        decoded = decode(payload)
        if decoded is None or decoded[0] == self.origin:
            return
        self.received += 1
        try:
            self.apply(decoded[1])
        except Exception:  # one bad message must not stop the listening
            log.exception("applying a coherence message failed")

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        first = True
        while not stop.is_set():
            # Imported here: only PostgreSQL listens, and a SQLite process need not hold asyncpg (~3 MiB).
            import asyncpg

            try:
                conn = await asyncpg.connect(self.dsn, timeout=10)
            except Exception as exc:  # unreachable, refused, misconfigured: keep trying, slower and slower
                wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
                attempt += 1
                log.warning("cannot open the coherence listener (%s); trying again in %g s", exc, wait)
                await _sleep_or_stop(stop, wait)
                continue
            lost = asyncio.Event()
            conn.add_termination_listener(lambda _conn: lost.set())
            try:
                await conn.add_listener(self.channel, self._on_notify)
                attempt = 0
                # Whatever was cached before LISTEN took effect (at start, or while the connection was
                # down) may have missed its message: start afresh.
                self.clear()
                if not first:
                    log.warning("coherence listener reconnected; local caches cleared")
                first = False
                self.connected.set()
                await self._watch(conn, lost, stop)
            except Exception as exc:  # whatever broke, this process must go on hearing the others
                log.warning("the coherence listener lost its connection: %s", exc)
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 2)
                if not conn.is_closed():
                    conn.terminate()
            if not stop.is_set():
                wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
                attempt += 1
                await _sleep_or_stop(stop, wait)

    async def _watch(self, conn, lost: asyncio.Event, stop: asyncio.Event) -> None:
        """Return when stopping or when the connection is gone (closed by the server, or silent)."""
        while not stop.is_set() and not lost.is_set() and not conn.is_closed():
            await _first_of(stop, lost, timeout=PING_SECONDS)
            if not stop.is_set() and not lost.is_set():
                await asyncio.wait_for(conn.fetchval("SELECT 1"), 10)
        if lost.is_set() or conn.is_closed():
            log.warning("the coherence listener's connection closed")


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    await _first_of(stop, timeout=seconds)

"""What every request handler may use: config, URLs, database sessions, caches, templates.

Built once by create_app and kept on `app.state.services`; nothing here is a module global. The
caches here are per process; on PostgreSQL they are kept coherent across processes by coherence.py
(which lists every piece of per-process state and what is shared).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.activitypub.fetch import Signer
from fediart.activitypub.http_client import make_http_client
from fediart.activitypub.keys import load_private_key
from fediart.activitypub.remote_actors import RemoteActors
from fediart.cache import DocumentCache
from fediart.coherence import Broadcaster, Kind, Listener, Message, listen_dsn, make_broadcaster
from fediart.config import Config
from fediart.inbox.throttle import InboxThrottle
from fediart.licence.crawlers import crawler_list
from fediart.licence.for_account import account_licence, instance_licence
from fediart.licence.headers import http_headers
from fediart.licence.model import Licence
from fediart.media.storage import Licensed, Storage, make_storage, public_base
from fediart.outbox.hosts import FailingHosts
from fediart.policy.domains import DomainPolicy
from fediart.policy.outgoing import install_policy_guard
from fediart.store.accounts import ensure_instance_actor
from fediart.store.actors import sync_local_actors
from fediart.store.db import WriteTurns, make_engine, make_sessionmaker
from fediart.store.tables import Account
from fediart.streaming.hub import Event, Hub
from fediart.urls import Urls

if TYPE_CHECKING:
    from jinja2 import Environment


log = logging.getLogger("fediart")

LISTEN_WAIT_SECONDS = 10.0


@dataclass
class Services:
    config: Config
    urls: Urls
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: DocumentCache
    site_licence: Licence
    storage: Storage  # where media files live ([storage] backend)
    writes: WriteTurns = field(default_factory=lambda: WriteTurns(False))  # hot writes' turns (SQLite)
    # Set by start(), inside the running event loop.
    http: httpx.AsyncClient | None = None
    instance_signer: Signer | None = None
    remote_actors: RemoteActors | None = None
    policy: DomainPolicy | None = None
    failing_hosts: FailingHosts = field(default_factory=FailingHosts)
    inbox_throttle: InboxThrottle | None = None  # per process, like the other state here
    owns_engine: bool = field(default=True)
    worker_wakeup: asyncio.Event | None = None  # set when a worker runs in this process
    events: Hub = field(default_factory=Hub)  # what connected streaming clients are sent (streaming/hub.py)
    broadcaster: Broadcaster | None = None  # tells other processes what to forget or stream (PostgreSQL only)
    listener: Listener | None = None  # applies other processes' messages here (long-running processes only)
    _listening: asyncio.Task | None = None

    @cached_property
    def templates(self) -> Environment:
        """The page templates, made when the first page is rendered: a process that only federates (or
        sits idle) never loads jinja2."""
        return make_templates()
    _stop_listening: asyncio.Event | None = None

    def wake_worker(self) -> None:
        """Tell an in-process worker there is new work, so it need not wait for its next poll."""
        if self.worker_wakeup is not None:
            self.worker_wakeup.set()

    async def start(self, http: httpx.AsyncClient | None = None, *, listen: bool = False) -> None:
        """Open the HTTP client and load the instance actor's key (once: loading costs ~27 ms); with
        `listen` (serve and worker, not one-shot commands), apply other processes' messages here."""
        async with self.sessions() as session:
            instance = await ensure_instance_actor(session)
            await sync_local_actors(session, self.urls)
        self.instance_signer = Signer(self.urls.instance_key_id, load_private_key(instance.private_key_pem))
        self.http = http or make_http_client(self.config)
        install_policy_guard(self.http, self.policy)  # nothing fetched from or sent to a refused server
        self.remote_actors = RemoteActors(self)
        if listen and self.broadcaster is not None:
            self.listener = Listener(listen_dsn(self.config.database.url), self.broadcaster.channel,
                                     self.broadcaster.origin, self.on_message, self.drop_everything)
            self._stop_listening = asyncio.Event()
            self._listening = asyncio.create_task(self.listener.run(self._stop_listening))
            try:  # serve only once other processes' changes are heard (the listener keeps trying if not)
                await asyncio.wait_for(self.listener.connected.wait(), LISTEN_WAIT_SECONDS)
            except TimeoutError:
                log.warning("not yet listening for other processes' changes; caches rely on their TTL meanwhile")

    async def close(self) -> None:
        if self._listening is not None:
            self._stop_listening.set()
            await asyncio.gather(self._listening, return_exceptions=True)
        if self.broadcaster is not None:
            await self.broadcaster.flush()  # a CLI command's messages must leave before it exits
        if self.http is not None:
            await self.http.aclose()
        if self.owns_engine:
            await self.engine.dispose()

    def on_message(self, message: Message) -> None:
        """Apply here what another process said (the listener's `apply`): forget, or stream; nothing is re-sent."""
        _ON_MESSAGE[message.kind](self, message.value)

    def drop_everything(self) -> None:
        """Forget every cached thing here (after the listener missed messages)."""
        _ON_MESSAGE[Kind.EVERYTHING](self, "")

    @property
    def media_dir(self) -> Path:
        """The local media folder ([media] dir); code reads and writes media through `storage`."""
        return Path(self.config.media.dir)

    def storage_for(self, licence: Licence) -> Storage:
        """The storage, with every object written carrying this licence's headers (on S3)."""
        return Licensed(self.storage, http_headers(licence))

    def licence_for(self, account: Account) -> Licence:
        return account_licence(account, self.urls, self.config.domain)


def _drop_remote_actor(services: Services, uri: str) -> None:
    if services.remote_actors is not None:
        services.remote_actors.drop(uri)


def _drop_everything(services: Services, _value: str) -> None:
    services.cache.drop_all()
    services.policy.drop()
    crawler_list(services.sessions).drop()
    if services.remote_actors is not None:
        services.remote_actors.drop_all()


def _stream(services: Services, wire: str) -> None:
    try:
        event = Event.from_wire(wire)
    except ValueError:
        log.warning("ignoring a streaming event that does not parse: %.200r", wire)
        return
    services.events.deliver(event)


# What each kind of message does in this process.
_ON_MESSAGE = {
    Kind.ACCOUNT: lambda services, username: services.cache.drop_account(username),
    Kind.POST_PAGE: lambda services, post_id: services.cache.drop_post_page(int(post_id)),
    Kind.NAMED: lambda services, name: services.cache.drop_named(name),
    Kind.DOCUMENTS: lambda services, _value: services.cache.drop_all(),
    Kind.POLICY: lambda services, _value: services.policy.drop(),
    Kind.CRAWLERS: lambda services, _value: crawler_list(services.sessions).drop(),
    Kind.REMOTE_ACTOR: _drop_remote_actor,
    Kind.EVERYTHING: _drop_everything,
    Kind.STREAM: _stream,
}


def make_templates() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from fediart.web.safety import FILTERS

    env = Environment(
        loader=PackageLoader("fediart.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def build_services(config: Config, engine: AsyncEngine | None = None) -> Services:
    storage = make_storage(config)
    urls = Urls(config.base_url, media_base=public_base(config))  # with a CDN, attachment URLs point there
    owns_engine = engine is None
    engine = engine or make_engine(config)
    sessions = make_sessionmaker(engine)
    events = Hub()
    events.attach(sessions)  # so that code holding only a session can publish when it commits
    broadcaster = make_broadcaster(config, engine)
    if broadcaster is not None:
        broadcaster.attach(sessions)  # so that code holding only the sessions can tell other processes
        events.notify = lambda event: broadcaster.send(Message.stream(event.to_wire()))
    return Services(
        events=events,
        broadcaster=broadcaster,
        owns_engine=owns_engine,
        policy=DomainPolicy(sessions, mode=config.federation.mode),
        config=config,
        urls=urls,
        engine=engine,
        sessions=sessions,
        cache=DocumentCache(config.server.document_cache_seconds,
                            notify=broadcaster.send if broadcaster is not None else None),
        site_licence=instance_licence(config, urls),
        storage=storage,
        writes=WriteTurns(engine.dialect.name == "sqlite"),
        inbox_throttle=InboxThrottle.from_config(config.federation),
    )


def services_of(request: Request) -> Services:
    return request.app.state.services


@contextlib.asynccontextmanager
async def running_services(config: Config, http: httpx.AsyncClient | None = None, *,
                           listen: bool = False) -> AsyncIterator[Services]:
    """Services for a CLI command or a worker process (`listen`): started, and closed afterwards."""
    services = build_services(config)
    try:
        await services.start(http, listen=listen)
        yield services
    finally:
        await services.close()

"""What every request handler may use: config, URLs, database sessions, caches, templates.

Built once by create_app and kept on `app.state.services`; nothing here is a module global.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.activitypub.fetch import Signer
from fediart.activitypub.http_client import make_http_client
from fediart.activitypub.keys import load_private_key
from fediart.activitypub.remote_actors import RemoteActors
from fediart.cache import DocumentCache
from fediart.config import Config
from fediart.inbox.throttle import InboxThrottle
from fediart.licence.for_account import account_licence, instance_licence
from fediart.licence.headers import http_headers
from fediart.licence.model import Licence
from fediart.media.storage import Licensed, Storage, make_storage, public_base
from fediart.outbox.hosts import FailingHosts
from fediart.policy.domains import DomainPolicy
from fediart.policy.outgoing import install_policy_guard
from fediart.store.accounts import ensure_instance_actor
from fediart.store.actors import sync_local_actors
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.tables import Account
from fediart.streaming.hub import Hub
from fediart.urls import Urls


@dataclass
class Services:
    config: Config
    urls: Urls
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: DocumentCache
    templates: Environment
    site_licence: Licence
    storage: Storage  # where media files live ([storage] backend)
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

    def wake_worker(self) -> None:
        """Tell an in-process worker there is new work, so it need not wait for its next poll."""
        if self.worker_wakeup is not None:
            self.worker_wakeup.set()

    async def start(self, http: httpx.AsyncClient | None = None) -> None:
        """Open the HTTP client and load the instance actor's key (once: loading costs ~27 ms)."""
        async with self.sessions() as session:
            instance = await ensure_instance_actor(session)
            await sync_local_actors(session, self.urls)
        self.instance_signer = Signer(self.urls.instance_key_id, load_private_key(instance.private_key_pem))
        self.http = http or make_http_client(self.config)
        install_policy_guard(self.http, self.policy)  # nothing fetched from or sent to a refused server
        self.remote_actors = RemoteActors(self)

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        if self.owns_engine:
            await self.engine.dispose()

    @property
    def media_dir(self) -> Path:
        """The local media folder ([media] dir); code reads and writes media through `storage`."""
        return Path(self.config.media.dir)

    def storage_for(self, licence: Licence) -> Storage:
        """The storage, with every object written carrying this licence's headers (on S3)."""
        return Licensed(self.storage, http_headers(licence))

    def licence_for(self, account: Account) -> Licence:
        return account_licence(account, self.urls, self.config.domain)


def make_templates() -> Environment:
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
    return Services(
        events=events,
        owns_engine=owns_engine,
        policy=DomainPolicy(sessions, mode=config.federation.mode),
        config=config,
        urls=urls,
        engine=engine,
        sessions=sessions,
        cache=DocumentCache(config.server.document_cache_seconds),
        templates=make_templates(),
        site_licence=instance_licence(config, urls),
        storage=storage,
        inbox_throttle=InboxThrottle.from_config(config.federation),
    )


def services_of(request: Request) -> Services:
    return request.app.state.services


@contextlib.asynccontextmanager
async def running_services(config: Config, http: httpx.AsyncClient | None = None) -> AsyncIterator[Services]:
    """Services for a CLI command or a worker process: started, and closed afterwards."""
    services = build_services(config)
    try:
        await services.start(http)
        yield services
    finally:
        await services.close()

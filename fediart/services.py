"""What every request handler may use: config, URLs, database sessions, caches, templates.

Built once by create_app and kept on `app.state.services`; nothing here is a module global.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.cache import DocumentCache
from fediart.config import Config
from fediart.licence.for_account import account_licence, instance_licence
from fediart.licence.model import Licence
from fediart.store.db import make_engine, make_sessionmaker
from fediart.store.tables import Account
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

    @property
    def media_dir(self) -> Path:
        return Path(self.config.media.dir)

    def licence_for(self, account: Account) -> Licence:
        return account_licence(account, self.urls, self.config.domain)


def make_templates() -> Environment:
    return Environment(
        loader=PackageLoader("fediart.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_services(config: Config, engine: AsyncEngine | None = None) -> Services:
    urls = Urls(config.base_url)
    engine = engine or make_engine(config)
    return Services(
        config=config,
        urls=urls,
        engine=engine,
        sessions=make_sessionmaker(engine),
        cache=DocumentCache(config.server.document_cache_seconds),
        templates=make_templates(),
        site_licence=instance_licence(config, urls),
    )


def services_of(request: Request) -> Services:
    return request.app.state.services

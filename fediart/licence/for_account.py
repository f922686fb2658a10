"""Which licence applies: an account's own choices, or the instance default for everything else."""

from __future__ import annotations

from datetime import UTC, datetime

from fediart.config import Config
from fediart.licence.model import Licence, build_licence
from fediart.store.tables import Account
from fediart.urls import Urls


def site_rsl_url(urls: Urls) -> str:
    """The instance's RSL licence file; robots.txt's `License:` line must be this absolute URL."""
    return f"{urls.base}/license.xml"


def artist_rsl_url(urls: Urls, username: str) -> str:
    return f"{urls.profile(username)}/license.xml"


def account_licence(account: Account, urls: Urls, domain: str) -> Licence:
    """The licence an artist chose, with the URLs of their terms and policy pages."""
    name = account.display_name or account.username
    holder = account.copyright_holder or name
    year = (account.created_at or datetime.now(UTC)).year
    return build_licence(
        key=account.licence_key,
        ai_training_reserved=account.ai_training_reserved,
        generative_only=account.generative_only,
        search_indexing=account.search_indexing,
        creator=name,
        credit_text=f"{name} (@{account.username}@{domain})",
        copyright_notice=f"© {year} {holder}",
        usage_info_url=urls.terms(account.username),
        tdm_policy_url=urls.tdm_policy(account.username),
        acquire_licence_url=account.acquire_licence_url or urls.licensing(account.username),
        rsl_url=artist_rsl_url(urls, account.username),
    )


def instance_licence(config: Config, urls: Urls) -> Licence:
    """The instance-wide default, for pages and files that belong to no one artist."""
    name = config.server.instance_name
    return build_licence(
        key=config.licence.default,
        ai_training_reserved=config.licence.ai_training_reserved,
        generative_only=config.licence.generative_only,
        search_indexing=config.licence.search_indexing,
        creator=name,
        credit_text=f"{name} ({config.domain})",
        copyright_notice=f"© the artists of {config.domain}",
        usage_info_url=urls.site_terms,
        tdm_policy_url=urls.site_tdm_policy,
        acquire_licence_url=None,
        rsl_url=site_rsl_url(urls),
    )

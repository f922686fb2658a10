"""Downloading a shared blocklist: through fediart's guarded HTTP client, every hop checked, size-capped.

Lists are often served from a forge's raw-file host that redirects, so redirects are followed (a few,
each URL checked like the first); the body is read up to a cap so that an endless answer costs nothing.
"""

from __future__ import annotations

import httpx

from fediart.activitypub.http_client import check_url
from fediart.config import Config

MAX_LIST_BYTES = 16 * 2**20  # a 100,000-row Mastodon CSV is about 10 MB
MAX_REDIRECTS = 3
_ACCEPT = "text/csv, application/json;q=0.9, text/plain;q=0.8, */*;q=0.1"


class DownloadError(Exception):
    """The list could not be had; the message says why (for the admin and for last_error)."""


async def download_list(http: httpx.AsyncClient, url: str, config: Config, *, max_bytes: int | None = None) -> str:
    """The text at `url` (UTF-8) of at most `max_bytes` (default MAX_LIST_BYTES), or DownloadError."""
    max_bytes = max_bytes or MAX_LIST_BYTES
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        problem = check_url(current, config)
        if problem:
            raise DownloadError(f"{current}: {problem}")
        try:
            async with http.stream("GET", current, headers={"Accept": _ACCEPT}) as response:
                if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                    current = str(httpx.URL(current).join(response.headers["location"]))
                    continue
                if response.status_code != 200:
                    raise DownloadError(f"{current}: HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise DownloadError(f"{current}: the list is {int(declared):,} bytes; the limit is {max_bytes:,}")
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise DownloadError(f"{current}: the list is over the {max_bytes:,}-byte limit")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise DownloadError(f"{current}: {type(exc).__name__}: {exc}") from None
        except (httpx.InvalidURL, ValueError) as exc:
            raise DownloadError(f"{current}: {exc}") from None
        try:
            return b"".join(chunks).decode("utf-8")
        except UnicodeDecodeError:
            raise DownloadError(f"{current}: the list is not UTF-8 text") from None
    raise DownloadError(f"{url}: more than {MAX_REDIRECTS} redirects")

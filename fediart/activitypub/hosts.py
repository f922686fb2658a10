"""Host names compared safely: lowercased and IDNA-encoded, so look-alike spellings are one host."""

from __future__ import annotations

import httpx


def host_of(url: str) -> str:
    """The normalised host of a URL (no port), "" if it is not an http(s) URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return ""
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        return ""
    return parsed.raw_host.decode("ascii").lower().rstrip(".")


def authority_of(url: str) -> str:
    """Host and non-default port: the origin used for same-server checks ("" if not http(s))."""
    host = host_of(url)
    if not host:
        return ""
    parsed = httpx.URL(url)
    default = 443 if parsed.scheme == "https" else 80
    return host if parsed.port in (None, default) else f"{host}:{parsed.port}"


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs belong to the same server (host and port; never true for non-URLs)."""
    origin = authority_of(a)
    return bool(origin) and origin == authority_of(b)


def domain_matches(host: str, domain: str) -> bool:
    """True when host is domain or one of its subdomains."""
    host, domain = host.lower().rstrip("."), domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)

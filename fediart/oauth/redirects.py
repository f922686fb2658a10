"""Redirect URIs of client apps: what may be registered, how a code is appended, and the CSP source.

Apps register custom schemes (`oauth2redirect://com.keylesspalace.tusky/`, Ivory's
`com.tapbots.Ivory.123:/request_token` with a single slash), https pages, loopback http, or the
out-of-band URN (show the code on a page). A URI must be absolute; schemes that run code in the browser
(`javascript:`, `data:`, `vbscript:`) and fragments (RFC 6749 §3.1.2) are refused.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

OOB = "urn:ietf:wg:oauth:2.0:oob"
MAX_URI = 2000
MAX_URIS = 10
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")
REFUSED_SCHEMES = {"javascript", "data", "vbscript", "file", "about", "blob"}


class RedirectUriError(ValueError):
    """A redirect URI that cannot be registered; the message says why."""


def check_uri(uri: str) -> str:
    if not uri or len(uri) > MAX_URI or not uri.isprintable() or any(c.isspace() for c in uri):
        raise RedirectUriError(f"redirect URI {uri[:100]!r} is not a valid URI")
    if uri == OOB:
        return uri
    parts = urlsplit(uri)
    if not parts.scheme or not _SCHEME.match(parts.scheme) or ":" not in uri:
        raise RedirectUriError(f"redirect URI {uri[:100]!r} must be absolute (with a scheme)")
    if parts.scheme.lower() in REFUSED_SCHEMES:
        raise RedirectUriError(f"redirect URI scheme {parts.scheme!r} is not allowed")
    if parts.fragment or "#" in uri:
        raise RedirectUriError(f"redirect URI {uri[:100]!r} must not have a fragment")
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        raise RedirectUriError(f"redirect URI {uri[:100]!r} has no host")
    return uri


def parse_uris(value: str | list[str] | None) -> list[str]:
    """The URIs of a `redirect_uris` parameter: a string (newline- or space-separated) or a list."""
    items = value if isinstance(value, list) else (value or "").split()
    uris = list(dict.fromkeys(u.strip() for item in items for u in item.split() if u.strip()))
    if not uris:
        raise RedirectUriError("redirect_uris can't be blank")
    if len(uris) > MAX_URIS:
        raise RedirectUriError(f"at most {MAX_URIS} redirect URIs")
    return [check_uri(u) for u in uris]


def with_params(uri: str, params: dict[str, str | None]) -> str:
    """`uri` with `params` appended to its query (`?` or `&`), leaving what it had untouched."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{uri}{'&' if '?' in uri else '?'}{query}"


def csp_source(uri: str) -> str | None:
    """A Content-Security-Policy source that allows a form to end at `uri`, or None.

    Browsers apply `form-action` to the redirect after a form post, so the consent page must name the
    app's redirect target (an https origin, or a bare custom scheme like `oauth2redirect:`).
    """
    if uri == OOB:
        return None
    parts = urlsplit(uri)
    if not _SCHEME.match(parts.scheme or ""):
        return None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return f"{scheme}://{parts.netloc}" if _HOST.match(parts.netloc) else None
    return f"{scheme}:"

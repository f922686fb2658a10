"""Domain names as an admin or a shared blocklist writes them, made comparable with request hosts.

`Bücher.Example.` and `xn--bcher-kva.example` are one server: IDNA (UTS 46) to ASCII, lowercase, no
trailing dot, so a look-alike spelling cannot slip past a rule (CVE-2023-42451 was this mistake).
"""

from __future__ import annotations

import re

import idna

_LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class BadDomain(ValueError):
    """The text is not a domain name a rule can hold; the message says why."""


def normalise_domain(text: str) -> str:
    """The ASCII, lowercase form of a domain name, or BadDomain.

    Accepts what admins paste: surrounding spaces, a trailing dot, capitals, Unicode names, a leading
    `*.` (Mastodon's lists never need one: a rule always covers subdomains). Refuses URLs, ports, paths,
    IP literals and anything else that is not a host name.
    """
    name = text.strip().rstrip(".")
    if name.startswith("*."):
        name = name[2:]
    if not name:
        raise BadDomain("empty domain")
    if any(ch in name for ch in "/:@ \t?#[]"):
        raise BadDomain(f"not a bare domain name: {name[:80]!r}")
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise BadDomain(f"not a valid domain name: {name[:80]!r} ({exc})") from None
    labels = ascii_name.lower().split(".")
    if len(ascii_name) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise BadDomain(f"not a valid domain name: {name[:80]!r}")
    if labels[-1].isdigit():
        raise BadDomain(f"an IP address is not a domain: {name[:80]!r}")
    return ".".join(labels)


def suffixes(host: str) -> list[str]:
    """`a.b.example` → ["a.b.example", "b.example", "example"]: every rule that could cover the host,
    longest first (the longest matching rule decides, as in Mastodon)."""
    parts = host.lower().rstrip(".").split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]

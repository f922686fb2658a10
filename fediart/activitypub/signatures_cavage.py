"""draft-cavage-http-signatures-12, the scheme Mastodon, GoToSocial and Misskey speak.

Reads `Signature` headers, builds signing strings, and signs outgoing requests. Format only:
signatures.py decides which signatures are acceptable (coverage, clock, digest, key).
"""

import base64
import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import formatdate

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from fediart.activitypub.digest import digest_header

# One `name="value"` or `name=123` pair and the comma after it. The draft's header predates
# structured fields (`keyId` is not a valid sf key), so it gets its own small reader;
# the pattern has no nested repetition, so it runs in linear time on hostile input.
_PARAM = re.compile(
    r"[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*"  # name=
    r'(?:"([^"]*)"|([0-9]+(?:\.[0-9]+)?))'  # "quoted" or a number (created, expires)
    r"[ \t]*(?:,|\Z)"
)

# Headers listed when a signature has no `headers` parameter. The draft says `(created)`, but
# Mastodon and every older draft use `date`, and that is what senders without the list meant.
DEFAULT_COMPONENTS = ("date",)


def read_signature_header(value: str) -> dict[str, str]:
    """The parameters of a `Signature` header; ValueError with a reason when it is malformed."""
    params: dict[str, str] = {}
    text = value.strip()
    pos = 0
    while pos < len(text):
        match = _PARAM.match(text, pos)
        if match is None:
            raise ValueError("signature header is malformed")
        name = match.group(1)
        if name in params:
            raise ValueError(f"signature header repeats '{name}'")
        params[name] = match.group(2) if match.group(2) is not None else match.group(3)
        pos = match.end()
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise ValueError(f"signature header has no {required}")
    return params


def listed_components(params: Mapping[str, str]) -> tuple[str, ...]:
    """The components a signature covers, lowercased, in signing order."""
    if "headers" not in params:
        return DEFAULT_COMPONENTS
    return tuple(params["headers"].lower().split())


def signing_strings(
    components: tuple[str, ...],
    method: str,
    target: str,
    fields: Mapping[str, str],
    params: Mapping[str, str],
) -> tuple[bytes, ...]:
    """The signing strings to try: with the query in (request-target), then without it.

    Mastodon and GoToSocial accept both because some senders sign the bare path; fields maps
    lowercased header names to values; ValueError names a listed header that is missing.
    """
    targets = [target]
    path, has_query, _ = target.partition("?")
    if has_query and "(request-target)" in components:
        targets.append(path)
    return tuple(_signing_string(components, method, each, fields, params) for each in targets)


def _signing_string(
    components: tuple[str, ...],
    method: str,
    target: str,
    fields: Mapping[str, str],
    params: Mapping[str, str],
) -> bytes:
    lines = []
    for name in components:
        if name == "(request-target)":
            value = f"{method.lower()} {target}"
        elif name in ("(created)", "(expires)"):
            value = params.get(name[1:-1], "")
            if not value:
                raise ValueError(f"'{name}' is listed but the signature has no {name[1:-1]} value")
        elif name in fields:
            value = fields[name]
        else:
            raise ValueError(f"header '{name}' is listed but missing")
        lines.append(f"{name}: {value}")
    try:
        # Servers hand us header bytes decoded as Latin-1; encoding back gives the bytes signed.
        return "\n".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("a signed header holds characters that cannot have been sent") from None


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: RSAPrivateKey,
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """Headers to add to a request so Mastodon-compatible servers accept its signature.

    Returns Host, Date (when headers has none), Digest (when body is not None) and Signature;
    merge them over headers. A request with a body must already carry Content-Type.
    """
    if not isinstance(private_key, RSAPrivateKey):
        raise TypeError("draft-cavage signing needs an RSA private key")
    if '"' in key_id or "\n" in key_id:
        raise ValueError("key_id cannot contain quotes or newlines")
    # Sign exactly what httpx will put on the wire: its percent-encoded path and its Host.
    parsed_url = httpx.URL(url)
    given = {name.lower(): value for name, value in headers.items()}
    added = {"Host": given.get("host", parsed_url.netloc.decode("ascii"))}
    if "date" in given:
        date = given["date"]
    else:
        date = formatdate(now.timestamp() if now else None, usegmt=True)
        added["Date"] = date
    fields = {"host": added["Host"], "date": date}
    components: tuple[str, ...] = ("(request-target)", "host", "date")
    if body is not None:
        if "content-type" not in given:
            raise ValueError("a request with a body needs a Content-Type header before signing")
        added["Digest"] = digest_header(body)
        fields["digest"] = added["Digest"]
        fields["content-type"] = given["content-type"]
        components += ("digest", "content-type")
    target = parsed_url.raw_path.decode("ascii")
    signing_string = _signing_string(components, method, target, fields, {})
    signature = private_key.sign(signing_string, padding.PKCS1v15(), hashes.SHA256())
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(components)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return added

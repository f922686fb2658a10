"""Body digests: `Digest` (draft-cavage signatures) and RFC 9530 `Content-Digest` (RFC 9421).

Outgoing requests get a digest of the body they send; incoming ones are checked against the body
actually received, so a signature over the digest also covers the body. Pure functions.
"""

import base64
import hashlib
import hmac

import http_sfv

# RFC 9530 algorithms we check; any other member of Content-Digest is ignored, as the RFC allows.
_CONTENT_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def digest_header(body: bytes) -> str:
    """The `Digest` header value for body, as Mastodon sends and expects it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def check_digest(value: str, body: bytes) -> str | None:
    """Why a `Digest` header does not match body, or None when it does."""
    # SHA-256 only, compared as exact base64 text: the same rule as Mastodon, so that we never
    # accept a request that the largest implementation would reject as forged.
    expected = digest_header(body).partition("=")[2]
    for part in value.split(","):
        name, sep, encoded = part.strip().partition("=")
        if sep and name.lower() == "sha-256":
            return None if encoded == expected else "digest mismatch"
    return "digest header has no SHA-256 value"


def content_digest_header(body: bytes) -> str:
    """The `Content-Digest` header value for body (sha-256)."""
    field = http_sfv.Dictionary()
    field["sha-256"] = http_sfv.Item(hashlib.sha256(body).digest())
    return str(field)


def check_content_digest(value: str, body: bytes) -> str | None:
    """Why a `Content-Digest` header does not match body, or None when it does."""
    field = http_sfv.Dictionary()
    try:
        field.parse(value.encode("ascii"))
    except Exception:  # the parser's error types are undocumented; any failure means bad input
        return "content-digest header is malformed"
    checked = False
    for name, member in field.items():
        hasher = _CONTENT_HASHES.get(name)
        if hasher is None:
            continue
        if not isinstance(member, http_sfv.Item) or not isinstance(member.value, bytes):
            return "content-digest header is malformed"
        if not hmac.compare_digest(member.value, hasher(body).digest()):
            return "content-digest mismatch"
        checked = True
    return None if checked else "content-digest header has no sha-256 or sha-512 value"

"""PKCE (RFC 7636), S256 only: `plain` would hand the secret to whoever sees the authorize URL."""

from __future__ import annotations

import hmac
import re

S256 = "S256"
# RFC 7636 §4.1 and §4.2: both are 43 to 128 characters of the URL-safe unreserved set.
_SHAPE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


def valid_challenge(challenge: str) -> bool:
    return bool(_SHAPE.match(challenge))


def verifier_matches(challenge: str, verifier: str | None) -> bool:
    if not verifier or not _SHAPE.match(verifier):
        return False
    # Imported here: authlib's OAuth 2 package (~0.6 MiB) is needed only when an app signs someone in.
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    return hmac.compare_digest(create_s256_code_challenge(verifier).encode(), challenge.encode())

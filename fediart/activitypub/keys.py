"""Keys: our actors' key pairs (generated, loaded once per process) and the public keys peers publish."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes


def generate_key_pair() -> tuple[str, str]:
    """A new RSA-2048 key pair as (private PEM, public PEM): what Mastodon and every peer accept."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem


@lru_cache(maxsize=1024)
def load_private_key(pem: str) -> PrivateKeyTypes:
    # Parsing validates the RSA key and costs ~27 ms; the cache makes it once per key per process.
    return serialization.load_pem_private_key(pem.encode(), password=None)


@lru_cache(maxsize=8192)
def load_public_key(pem: str) -> PublicKeyTypes:
    return serialization.load_pem_public_key(pem.encode())


# Multicodec prefixes (varint-encoded) of the Multikey formats peers publish (Fedify: FEP-521a).
_ED25519_PUB = b"\xed\x01"
_RSA_PUB = b"\x85\x24"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
MIN_RSA_BITS = 1024


def usable_public_key(pem: str) -> PublicKeyTypes | None:
    """The key a PEM holds if it can verify fediverse signatures (RSA or Ed25519), else None."""
    try:
        key = load_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    if isinstance(key, rsa.RSAPublicKey):
        return key if key.key_size >= MIN_RSA_BITS else None
    return key if isinstance(key, ed25519.Ed25519PublicKey) else None


def pem_from_multibase(value: str) -> str | None:
    """A Multikey's publicKeyMultibase (base58btc, "z…") as SubjectPublicKeyInfo PEM; None if unknown."""
    if not value.startswith("z") or len(value) > 2000:
        return None
    raw = _base58_decode(value[1:])
    try:
        if raw is not None and raw.startswith(_ED25519_PUB) and len(raw) == 34:
            key: PublicKeyTypes = ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])
        elif raw is not None and raw.startswith(_RSA_PUB):
            key = serialization.load_der_public_key(raw[2:])
        else:
            return None
    except (ValueError, UnsupportedAlgorithm):
        return None
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def listed_keys(doc: dict[str, Any]) -> list[dict[str, str]]:
    """The keys a document lists as {id, owner, pem}: `publicKey` (one or a list), then Multikeys
    under `assertionMethod`. Entries without an id, an owner or key material are left out."""
    found = []
    for entry in _as_list(doc.get("publicKey")):
        if isinstance(entry, dict) and isinstance(entry.get("publicKeyPem"), str):
            found.append(_entry(entry.get("id"), entry.get("owner"), entry["publicKeyPem"]))
    for entry in _as_list(doc.get("assertionMethod")):
        if not isinstance(entry, dict) or entry.get("type") != "Multikey":
            continue
        multibase = entry.get("publicKeyMultibase")
        pem = pem_from_multibase(multibase) if isinstance(multibase, str) else None
        found.append(_entry(entry.get("id"), entry.get("controller"), pem))
    return [entry for entry in found if entry]


def _entry(key_id: Any, owner: Any, pem: str | None) -> dict[str, str]:
    if isinstance(key_id, str) and isinstance(owner, str) and pem:
        return {"id": key_id, "owner": owner, "pem": pem}
    return {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _base58_decode(text: str) -> bytes | None:
    number = 0
    for char in text:
        digit = _BASE58.find(char)
        if digit < 0:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body

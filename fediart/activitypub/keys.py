"""Actor key pairs: generated at account creation, loaded once per process and kept."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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

"""RFC 9421 HTTP Message Signatures, which Mastodon verifies from 4.5 and Fedify sends first.

Reads `Signature-Input` and `Signature`, builds signature bases, signs outgoing requests, and
checks signature bytes by algorithm name (draft-cavage verification reuses that).
Format only: signatures.py decides which signatures are acceptable. Structured fields are parsed
and serialised by http-sfv; request components only, none with parameters.
"""

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import NamedTuple

import http_sfv
import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from fediart.activitypub.digest import content_digest_header

# The registry's algorithms we verify; draft-cavage's rsa-sha256 and hs2019 map onto these.
RSA_ALGORITHMS = frozenset({"rsa-v1_5-sha256", "rsa-pss-sha512"})
ALGORITHMS = RSA_ALGORITHMS | {"ed25519"}
_PARAM_TYPES = {"keyid": str, "alg": str, "created": int, "expires": int, "nonce": str, "tag": str}
_DEFAULT_PORTS = {"http": "80", "https": "443"}


class SignatureInput(NamedTuple):
    """One labelled signature read from a request."""

    label: str
    components: tuple[str, ...]
    params: Mapping[str, object]
    signature: bytes
    inner: http_sfv.InnerList  # the parsed list, re-serialised for the "@signature-params" line


def read_signature_fields(signature_input: str, signature: str) -> SignatureInput:
    """The request's first signature; ValueError with a reason when the fields are malformed.

    Several labels are legal (a proxy may add its own). We take the first one listed in
    Signature-Input: Mastodon accepts only one signature, so senders put theirs first.
    """
    inputs = _dictionary(signature_input, "signature-input")
    signatures = _dictionary(signature, "signature")
    if not inputs:
        raise ValueError("signature-input header is empty")
    label, inner = next(iter(inputs.items()))
    if not isinstance(inner, http_sfv.InnerList):
        raise ValueError(f"signature-input '{label}' is not a list of components")
    if label not in signatures:
        raise ValueError(f"signature header has no '{label}' member")
    value = signatures[label]
    if not isinstance(value, http_sfv.Item) or not isinstance(value.value, bytes):
        raise ValueError(f"signature '{label}' is not a byte sequence")
    names = []
    for item in inner:
        if not isinstance(item.value, str):
            raise ValueError("signature-input components must be strings")
        names.append(item.value)
    for name, kind in _PARAM_TYPES.items():
        # `type(...) is` rather than isinstance: a structured-field boolean is a Python bool,
        # which isinstance would let pass as an integer.
        if name in inner.params and type(inner.params[name]) is not kind:
            raise ValueError(f"signature-input parameter '{name}' has the wrong type")
    return SignatureInput(label, tuple(names), dict(inner.params), value.value, inner)


def _dictionary(value: str, name: str) -> http_sfv.Dictionary:
    field = http_sfv.Dictionary()
    try:
        field.parse(value.encode("ascii"))
    except Exception:  # the parser's error types are undocumented; any failure means bad input
        raise ValueError(f"{name} header is malformed") from None
    return field


def normalise_authority(authority: str, scheme: str) -> str:
    """authority as RFC 9421 signs it: lowercase, without the scheme's default port."""
    authority = authority.strip().lower()
    host, sep, port = authority.rpartition(":")
    if sep and port == _DEFAULT_PORTS.get(scheme.lower()):
        return host
    return authority


def signature_base(
    signed: SignatureInput,
    method: str,
    target: str,
    fields: Mapping[str, str],
    scheme: str,
    authority: str,
) -> bytes:
    """The signature base of RFC 9421 section 2.5 for a request.

    target is the path and query as received, fields maps lowercased header names to values,
    authority is already normalised; ValueError names a component we cannot produce.
    """
    path, has_query, query = target.partition("?")
    derived = {
        "@method": method,
        "@target-uri": f"{scheme.lower()}://{authority}{target}",
        "@authority": authority,
        "@scheme": scheme.lower(),
        "@request-target": target,
        "@path": path or "/",
        "@query": "?" + query if has_query else "?",
    }
    lines = []
    seen = set()
    for item in signed.inner:
        identifier = str(item)
        if identifier in seen:
            raise ValueError(f"component {identifier} is listed twice")
        seen.add(identifier)
        name = item.value
        if item.params:
            raise ValueError(f"component {identifier} has parameters, which we do not support")
        if name.startswith("@"):
            if name not in derived:
                raise ValueError(f"component '{name}' is not supported")
            value = derived[name]
        elif name in fields:
            value = fields[name]
        else:
            raise ValueError(f"header '{name}' is listed but missing")
        if "\n" in value or "\r" in value:
            raise ValueError(f"component '{name}' contains a line break")
        lines.append(f"{identifier}: {value}")
    lines.append(f'"@signature-params": {signed.inner}')
    text = "\n".join(lines)
    if not text.isascii():
        raise ValueError("signature base is not ASCII")
    return text.encode("ascii")


def sign_request_rfc9421(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    key_id: str,
    private_key: RSAPrivateKey | Ed25519PrivateKey,
    *,
    now: datetime | None = None,
    label: str = "sig1",
) -> dict[str, str]:
    """Headers that sign a request per RFC 9421; merge them over headers.

    Returns Signature-Input, Signature and, when body is not None, Content-Digest. Covers
    @method and @target-uri, plus content-type (if present) and content-digest with a body:
    what Mastodon 4.5 requires. RSA keys sign rsa-v1_5-sha256, the one algorithm Mastodon takes.
    """
    if isinstance(private_key, RSAPrivateKey):
        alg = "rsa-v1_5-sha256"
    elif isinstance(private_key, Ed25519PrivateKey):
        alg = "ed25519"
    else:
        raise TypeError("RFC 9421 signing needs an RSA or Ed25519 private key")
    parsed_url = httpx.URL(url)
    fields = {name.lower(): value.strip(" \t") for name, value in headers.items()}
    added: dict[str, str] = {}
    names = ["@method", "@target-uri"]
    if body is not None:
        added["Content-Digest"] = fields["content-digest"] = content_digest_header(body)
        if "content-type" in fields:
            names.append("content-type")
        names.append("content-digest")
    inner = http_sfv.InnerList([http_sfv.Item(name) for name in names])
    inner.params["created"] = int((now or datetime.now(timezone.utc)).timestamp())
    inner.params["keyid"] = key_id
    inner.params["alg"] = alg
    signed = SignatureInput(label, tuple(names), dict(inner.params), b"", inner)
    scheme = parsed_url.scheme
    authority = normalise_authority(parsed_url.netloc.decode("ascii"), scheme)
    target = parsed_url.raw_path.decode("ascii")
    base = signature_base(signed, method, target, fields, scheme, authority)
    if isinstance(private_key, RSAPrivateKey):
        signature = private_key.sign(base, padding.PKCS1v15(), hashes.SHA256())
    else:
        signature = private_key.sign(base)
    signature_input_field = http_sfv.Dictionary()
    signature_input_field[label] = inner
    signature_field = http_sfv.Dictionary()
    signature_field[label] = http_sfv.Item(signature)
    added["Signature-Input"] = str(signature_input_field)
    added["Signature"] = str(signature_field)
    return added


def verify_bytes(algorithm: str, key: object, signature: bytes, data: bytes) -> bool:
    """Whether signature is key's signature of data under the named algorithm."""
    try:
        if algorithm == "ed25519" and isinstance(key, Ed25519PublicKey):
            key.verify(signature, data)
        elif algorithm == "rsa-v1_5-sha256" and isinstance(key, RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "rsa-pss-sha512" and isinstance(key, RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
            key.verify(signature, data, pss, hashes.SHA512())
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True

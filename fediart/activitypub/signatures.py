"""HTTP signatures: sign outgoing requests, check incoming ones; knows nothing of policy or storage.

Checking takes two steps so the inbox can judge the key's domain before fetching any key:
parse_signature() reads the request (scheme, keyId, coverage, clock, body digest) without a key,
and verify_parsed() checks the cryptography once the caller holds the public key. Neither raises
for bad input: every refusal is a result with a reason. The formats live in signatures_cavage.py
(draft-cavage-12, what Mastodon sends) and signatures_rfc9421.py; digests in digest.py.
"""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from fediart.activitypub import signatures_cavage as cavage
from fediart.activitypub import signatures_rfc9421 as rfc9421
from fediart.activitypub.digest import check_content_digest, check_digest
from fediart.activitypub.hosts import host_of

# Re-exported: callers sign and check through this module alone.
from fediart.activitypub.signatures_cavage import sign_request as sign_request
from fediart.activitypub.signatures_rfc9421 import sign_request_rfc9421 as sign_request_rfc9421

# Clocks drift and queues delay: Mastodon lets a Date about an hour old through, Takahe only a
# minute. One hour either way accepts what Mastodon accepts and little more.
CLOCK_SKEW = timedelta(hours=1)

# draft-cavage's names; verification maps them onto RFC 9421 algorithm names.
_CAVAGE_ALGORITHMS = {"", "rsa-sha256", "hs2019"}


@dataclass(frozen=True)
class ParsedSignature:
    """A signature read from a request and found acceptable so far; it awaits its key."""

    key_id: str
    scheme: Literal["cavage", "rfc9421"]
    algorithm: str  # as declared ("rsa-sha256", "hs2019", "rsa-v1_5-sha256", ...), "" if absent
    components: tuple[str, ...]  # as listed: "(request-target)", "date", "@method", ...
    created: int | None
    expires: int | None
    signature: bytes
    bases: tuple[bytes, ...]  # what was signed, to try in order (cavage: with query, then without)
    label: str = ""  # the RFC 9421 label chosen
    ok: bool = field(default=True, init=False)
    reason: str = field(default="", init=False)


@dataclass(frozen=True)
class SignatureError:
    """Why a request's signature is refused, found before any key was needed."""

    reason: str
    key_id: str = ""  # empty when the signature was too malformed to name its key
    ok: bool = field(default=False, init=False)


@dataclass(frozen=True)
class VerifyResult:
    """Whether a parsed signature holds under a public key, and if not, why."""

    ok: bool
    reason: str
    key_id: str
    scheme: str = ""
    without_query: bool = False  # the cavage signature matched only with the query left out


def parse_signature(
    method: str,
    url_path_with_query: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime | None = None,
    scheme: str = "https",
    authority: str | None = None,
) -> ParsedSignature | SignatureError:
    """Read and pre-check a request's signature: everything but the cryptography.

    headers are the raw received headers (any case, e.g. starlette's Headers); url_path_with_query
    is the request target as received. A Signature-Input header selects RFC 9421 (its first label
    if there are several), else Signature selects draft-cavage. scheme and authority (default:
    the Host header) rebuild @target-uri.
    """
    now = _aware(now or datetime.now(timezone.utc))
    fields = _fields(headers)
    if "signature-input" in fields:
        return _parse_rfc9421(method, url_path_with_query, fields, body, now, scheme, authority)
    if "signature" in fields:
        return _parse_cavage(method, url_path_with_query, fields, body, now)
    return SignatureError("request is not signed")


def verify_parsed(parsed: ParsedSignature | SignatureError, public_key: object) -> VerifyResult:
    """Check a parsed signature against the key its keyId names (RSA or Ed25519)."""
    if isinstance(parsed, SignatureError):
        return VerifyResult(False, parsed.reason, parsed.key_id)
    algorithms, why_not = _algorithms_for(parsed, public_key)
    if not algorithms:
        return VerifyResult(False, why_not, parsed.key_id, parsed.scheme)
    for index, base in enumerate(parsed.bases):
        for algorithm in algorithms:
            if rfc9421.verify_bytes(algorithm, public_key, parsed.signature, base):
                return VerifyResult(True, "", parsed.key_id, parsed.scheme, without_query=index > 0)
    return VerifyResult(False, "signature does not match the key", parsed.key_id, parsed.scheme)


def key_id_host(key_id: str) -> str:
    """The host of a keyId, lowercase and IDNA-encoded, for domain policy; "" if it has none."""
    return host_of(key_id)


def _parse_cavage(
    method: str, target: str, fields: dict[str, str], body: bytes, now: datetime
) -> ParsedSignature | SignatureError:
    try:
        params = cavage.read_signature_header(fields["signature"])
    except ValueError as error:
        return SignatureError(str(error))
    key_id = params["keyId"]
    try:
        algorithm = params.get("algorithm", "")
        if algorithm not in _CAVAGE_ALGORITHMS:
            raise ValueError(f"unknown algorithm '{algorithm}'")
        components = cavage.listed_components(params)
        if algorithm == "rsa-sha256" and {"(created)", "(expires)"} & set(components):
            raise ValueError("(created) and (expires) may only be signed with algorithm hs2019")
        _require_cavage_coverage(method, components, body)
        bases = cavage.signing_strings(components, method, target, fields, params)
        created, expires = _number(params, "created"), _number(params, "expires")
        if "date" in components:
            _check_clock("date header", _http_date(fields["date"]), now)
        if created is not None:
            _check_clock("created parameter", _from_timestamp(created), now)
        _check_expiry(expires, now)
        if "digest" in fields:
            _fail_if(check_digest(fields["digest"], body))
        signature = _base64(params["signature"])
    except ValueError as error:
        return SignatureError(str(error), key_id)
    return ParsedSignature(
        key_id, "cavage", algorithm, components, created, expires, signature, bases
    )


def _require_cavage_coverage(method: str, components: tuple[str, ...], body: bytes) -> None:
    # Mastodon's rules: without these a signature can be replayed onto another request.
    if "date" not in components and "(created)" not in components:
        raise ValueError("signature must cover date or (created)")
    if "(request-target)" not in components and "digest" not in components:
        raise ValueError("signature must cover (request-target) or digest")
    if method.upper() == "GET" and "host" not in components:
        raise ValueError("signature must cover host on GET")
    if body and "digest" not in components:
        raise ValueError("signature must cover digest when the request has a body")


def _parse_rfc9421(
    method: str,
    target: str,
    fields: dict[str, str],
    body: bytes,
    now: datetime,
    scheme: str,
    authority: str | None,
) -> ParsedSignature | SignatureError:
    if "signature" not in fields:
        return SignatureError("signature-input header without a signature header")
    try:
        signed = rfc9421.read_signature_fields(fields["signature-input"], fields["signature"])
    except ValueError as error:
        return SignatureError(str(error))
    key_id = signed.params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        return SignatureError("signature-input has no keyid")
    try:
        algorithm = signed.params.get("alg", "")
        if algorithm and algorithm not in rfc9421.ALGORITHMS:
            raise ValueError(f"unknown algorithm '{algorithm}'")
        created, expires = signed.params.get("created"), signed.params.get("expires")
        if not isinstance(created, int):
            raise ValueError("signature-input has no created parameter")
        covered = set(signed.components)
        if "@method" not in covered:
            raise ValueError("signature must cover @method")
        if "@target-uri" not in covered and not (
            "@authority" in covered and covered & {"@path", "@request-target"}
        ):
            raise ValueError("signature must cover @target-uri, or @authority with @path")
        if body and "content-digest" not in covered:
            raise ValueError("signature must cover content-digest when the request has a body")
        host = rfc9421.normalise_authority(authority or fields.get("host", ""), scheme)
        base = rfc9421.signature_base(signed, method, target, fields, scheme, host)
        _check_clock("created parameter", _from_timestamp(created), now)
        _check_expiry(expires if isinstance(expires, int) else None, now)
        if "content-digest" in fields:
            _fail_if(check_content_digest(fields["content-digest"], body))
    except ValueError as error:
        return SignatureError(str(error), key_id)
    return ParsedSignature(
        key_id=key_id,
        scheme="rfc9421",
        algorithm=str(algorithm),
        components=signed.components,
        created=created,
        expires=expires if isinstance(expires, int) else None,
        signature=signed.signature,
        bases=(base,),
        label=signed.label,
    )


def _algorithms_for(parsed: ParsedSignature, key: object) -> tuple[tuple[str, ...], str]:
    """The RFC 9421 names of the algorithms to try with key, or none and why."""
    if isinstance(key, RSAPublicKey):
        is_rsa, kind = True, "an RSA"
    elif isinstance(key, Ed25519PublicKey):
        is_rsa, kind = False, "an Ed25519"
    else:
        return (), f"unsupported key type {type(key).__name__}"
    natural = ("rsa-v1_5-sha256",) if is_rsa else ("ed25519",)
    declared = parsed.algorithm
    if parsed.scheme == "cavage":
        # hs2019 (or no algorithm) means "what the key implies"; with RSA keys the fediverse
        # always means PKCS#1 v1.5 with SHA-256, whatever the draft says about hs2019.
        if declared in ("", "hs2019") or (declared == "rsa-sha256" and is_rsa):
            return natural, ""
    elif not declared:
        # RFC 9421 lets the key imply the algorithm; an RSA key alone cannot say which padding.
        return (("rsa-v1_5-sha256", "rsa-pss-sha512") if is_rsa else natural), ""
    elif (declared in rfc9421.RSA_ALGORITHMS) == is_rsa:
        return (declared,), ""
    return (), f"algorithm '{declared}' does not fit {kind} key"


def _fields(headers: Mapping[str, str]) -> dict[str, str]:
    """Header values by lowercased name; repeated headers joined with ", " as both schemes say."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers.items():
        grouped.setdefault(name.lower(), []).append(value.strip(" \t"))
    return {name: ", ".join(values) for name, values in grouped.items()}


def _check_clock(what: str, when: datetime, now: datetime) -> None:
    offset = (now - when).total_seconds()
    if offset > CLOCK_SKEW.total_seconds():
        raise ValueError(f"{what} is {_span(offset)} old")
    if -offset > CLOCK_SKEW.total_seconds():
        raise ValueError(f"{what} is {_span(offset)} in the future")


def _check_expiry(expires: int | None, now: datetime) -> None:
    if expires is None:
        return
    late = (now - _from_timestamp(expires)).total_seconds()
    if late > CLOCK_SKEW.total_seconds():
        raise ValueError(f"signature expired {_span(late)} ago")


def _span(seconds: float) -> str:
    seconds = int(abs(seconds))
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{seconds // 60} minutes"
    if seconds < 172800:
        return f"{seconds // 3600} hours"
    return f"{seconds // 86400} days"


def _http_date(value: str) -> datetime:
    try:
        return _aware(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        raise ValueError("date header is malformed") from None


def _from_timestamp(value: int) -> datetime:
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError("timestamp is out of range") from None


def _number(params: Mapping[str, str], name: str) -> int | None:
    if name not in params:
        return None
    try:
        return int(float(params[name]))
    except (ValueError, OverflowError):
        raise ValueError(f"{name} parameter is not a number") from None


def _base64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("signature is not valid base64") from None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _fail_if(reason: str | None) -> None:
    if reason:
        raise ValueError(reason)

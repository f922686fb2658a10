"""HTTP signatures checked against implementations we did not write.

Sources: the draft-cavage-12 Appendix C vectors, RFC 9421 Appendix B vectors, a request signed
by a live Mastodon server, and the `http-message-signatures` package (signing and verifying).
Round trips with our own code only come last. Keys and their provenance: data/README.md.
"""

import base64
import hashlib
import json
import random
import re
from datetime import datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, MappingKeyResolver
from http_message_signatures import InvalidSignature as TheirInvalidSignature
from http_message_signatures.algorithms import ED25519, RSA_PSS_SHA512, RSA_V1_5_SHA256
from starlette.datastructures import Headers

from fediart.activitypub import signatures_cavage as cavage
from fediart.activitypub.signatures import (
    ParsedSignature,
    SignatureError,
    key_id_host,
    parse_signature,
    sign_request,
    sign_request_rfc9421,
    verify_parsed,
)

DATA = Path(__file__).parent / "data"


def _private(name: str):
    return load_pem_private_key((DATA / name).read_bytes(), password=None)


def _public(name: str):
    return load_pem_public_key((DATA / name).read_bytes())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- draft-cavage-http-signatures-12, Appendix C --------------------------------------------

C_NOW = datetime(2014, 1, 5, 21, 40, tzinfo=timezone.utc)
C_BODY = b'{"hello": "world"}'
C_HEADERS = {
    "Host": "example.com",
    "Date": "Sun, 05 Jan 2014 21:31:40 GMT",
    "Content-Type": "application/json",
    "Digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    "Content-Length": "18",
}
C2_SIGNATURE = (
    "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe"
    "8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="
)
# Draft 12 lists (created) and (expires) in C.3 but its signature, unchanged since draft 09,
# covers only these six headers; implementations test it that way.
C3_SIGNATURE_HEADER = (
    'keyId="Test",algorithm="rsa-sha256",'
    'headers="(request-target) host date content-type digest content-length",'
    'signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIv'
    'B1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="'
)


def _cavage_crypto_only(signature: str, method: str, target: str, headers: dict[str, str]):
    """A ParsedSignature built from the format functions alone, skipping clock and digest."""
    params = cavage.read_signature_header(signature)
    components = cavage.listed_components(params)
    return ParsedSignature(
        key_id=params["keyId"],
        scheme="cavage",
        algorithm=params.get("algorithm", ""),
        components=components,
        created=None,
        expires=None,
        signature=base64.b64decode(params["signature"]),
        bases=cavage.signing_strings(components, method, target, headers, params),
    )


def test_sign_request_reproduces_cavage_basic_test_exactly():
    # PKCS#1 v1.5 is deterministic, so our signer must produce the draft's bytes.
    added = sign_request(
        "POST",
        "https://example.com/foo?param=value&pet=dog",
        {"Date": C_HEADERS["Date"]},
        None,
        "Test",
        _private("cavage-test-key.pem"),
    )
    assert added == {
        "Host": "example.com",
        "Signature": 'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",'
        f'signature="{C2_SIGNATURE}"',
    }


def test_cavage_all_headers_test_verifies():
    headers = {**C_HEADERS, "Signature": C3_SIGNATURE_HEADER}
    parsed = parse_signature("POST", "/foo?param=value&pet=dog", headers, C_BODY, now=C_NOW)
    assert isinstance(parsed, ParsedSignature), parsed
    assert (parsed.key_id, parsed.scheme, parsed.algorithm) == ("Test", "cavage", "rsa-sha256")
    assert parsed.components[0] == "(request-target)"
    result = verify_parsed(parsed, _public("cavage-test-key.pub.pem"))
    assert (result.ok, result.without_query, result.key_id) == (True, False, "Test")


def test_cavage_basic_test_verifies_and_is_refused_with_an_unsigned_body():
    signature = (
        'keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",'
        f'signature="{C2_SIGNATURE}"'
    )
    bare = {"Host": "example.com", "Date": C_HEADERS["Date"], "Signature": signature}
    parsed = parse_signature("POST", "/foo?param=value&pet=dog", bare, b"", now=C_NOW)
    assert verify_parsed(parsed, _public("cavage-test-key.pub.pem")).ok
    # The same signature on the request with its body leaves the body unsigned.
    with_body = {**C_HEADERS, "Signature": signature}
    refused = parse_signature("POST", "/foo?param=value&pet=dog", with_body, C_BODY, now=C_NOW)
    assert refused == SignatureError(
        "signature must cover digest when the request has a body", "Test"
    )


def test_cavage_default_test_signs_date_only_and_is_refused():
    signature = (
        'keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqti'
        "fLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbG"
        'mtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM="'
    )
    parsed = _cavage_crypto_only(signature, "POST", "/foo", {"date": C_HEADERS["Date"]})
    assert parsed.components == ("date",)  # the default when `headers` is absent
    assert verify_parsed(parsed, _public("cavage-test-key.pub.pem")).ok
    refused = parse_signature("GET", "/foo", {**C_HEADERS, "Signature": signature}, b"", now=C_NOW)
    assert refused.reason == "signature must cover (request-target) or digest"


# --- a signature made by a live Mastodon server ---------------------------------------------


def test_signature_from_a_live_mastodon_server_verifies():
    capture = json.loads((DATA / "mastodon-in-th-2022.json").read_text())
    headers, key = capture["headers"], load_pem_public_key(capture["public_key_pem"].encode())
    parsed = _cavage_crypto_only(headers["signature"], "POST", "/inbox", headers)
    assert parsed.components == ("(request-target)", "host", "date", "digest", "content-type")
    assert verify_parsed(parsed, key).ok
    # The body was not published: the full check gets as far as the digest, and stops there.
    sent = datetime(2022, 11, 9, 18, 29, tzinfo=timezone.utc)
    assert parse_signature("POST", "/inbox", headers, b"{}", now=sent).reason == "digest mismatch"
    moved = {**headers, "host": "evil.example"}
    assert not verify_parsed(
        _cavage_crypto_only(headers["signature"], "POST", "/inbox", moved), key
    ).ok


# --- RFC 9421, Appendix B -------------------------------------------------------------------

B_NOW = datetime(2021, 4, 20, 2, 8, tzinfo=timezone.utc)  # created=1618884473 is 02:07:53
B_BODY = b'{"hello": "world"}'
B_HEADERS = {
    "Host": "example.com",
    "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNy"
    "ealdVLvRwEmTHWXvJwew==:",
    "Content-Length": "18",
}
B23 = {
    "Signature-Input": 'sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" '
    '"content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"',
    "Signature": "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIR"
    "ASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLN"
    "mvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8"
    "ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:",
}
B26 = {
    "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
    '"content-length");created=1618884473;keyid="test-key-ed25519"',
    "Signature": "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6v"
    "uQv5lIp5WPpBKRCw==:",
}
# The signature base printed in RFC 9421 B.2.6.
B26_BASE = b"""\
"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");\
created=1618884473;keyid="test-key-ed25519\""""


def test_rfc9421_b23_full_coverage_rsa_pss_verifies():
    headers = {**B_HEADERS, **B23}
    parsed = parse_signature("POST", "/foo?param=Value&Pet=dog", headers, B_BODY, now=B_NOW)
    assert isinstance(parsed, ParsedSignature), parsed
    assert (parsed.scheme, parsed.label, parsed.algorithm, parsed.created) == (
        "rfc9421",
        "sig-b23",
        "",
        1618884473,
    )
    # No alg parameter: the RSA key alone does not say PSS, so both RSA schemes are tried.
    assert verify_parsed(parsed, _public("rfc9421-test-key-rsa-pss.pub.pem")).ok
    tampered = parse_signature("POST", "/foo?param=Value&Pet=cat", headers, B_BODY, now=B_NOW)
    assert not verify_parsed(tampered, _public("rfc9421-test-key-rsa-pss.pub.pem")).ok


def test_rfc9421_b26_ed25519_base_is_byte_exact_and_verifies():
    headers = {key: value for key, value in B_HEADERS.items() if key != "Content-Digest"}
    parsed = parse_signature("POST", "/foo?param=Value&Pet=dog", {**headers, **B26}, b"", now=B_NOW)
    assert isinstance(parsed, ParsedSignature), parsed
    assert parsed.bases == (B26_BASE,)
    assert verify_parsed(parsed, _public("rfc9421-test-key-ed25519.pub.pem")).ok
    # With the body present, B.2.6 leaves it unsigned: refused before any key is fetched.
    refused = parse_signature(
        "POST", "/foo?param=Value&Pet=dog", {**B_HEADERS, **B26}, B_BODY, now=B_NOW
    )
    assert refused.reason == "signature must cover content-digest when the request has a body"


def test_rfc9421_b21_minimal_signature_is_refused_for_coverage():
    headers = {
        **B_HEADERS,
        "Signature-Input": 'sig-b21=();created=1618884473;keyid="test-key-rsa-pss"',
        "Signature": "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopem==:",
    }
    refused = parse_signature("POST", "/foo?param=Value&Pet=dog", headers, B_BODY, now=B_NOW)
    assert refused == SignatureError("signature must cover @method", "test-key-rsa-pss")


# --- RFC 9421 against the http-message-signatures package -----------------------------------


class _Message:
    """The request shape http-message-signatures reads and writes."""

    def __init__(self, method: str, url: str, headers: dict[str, str]):
        self.method, self.url, self.headers = method, url, dict(headers)


@pytest.mark.parametrize("algorithm", [RSA_V1_5_SHA256, RSA_PSS_SHA512, ED25519])
def test_their_rfc9421_signatures_verify_with_ours(algorithm, rsa_key):
    key = ed25519.Ed25519PrivateKey.generate() if algorithm is ED25519 else rsa_key
    body = b'{"type":"Follow"}'
    message = _Message(
        "POST",
        "https://art.example/inbox?page=2",
        {"Host": "art.example", "Content-Type": "application/activity+json"},
    )
    key_id = "https://remote.example/actor#main-key"
    signer = HTTPMessageSigner(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}),
    )
    signer.sign(message, key_id=key_id, body=body, covered_component_ids=("@method", "@target-uri"))
    parsed = parse_signature("POST", "/inbox?page=2", message.headers, body)
    assert isinstance(parsed, ParsedSignature), parsed
    assert parsed.algorithm == algorithm.algorithm_id
    assert "content-digest" in parsed.components
    assert verify_parsed(parsed, key.public_key()).ok
    assert not verify_parsed(
        parse_signature("POST", "/inbox?page=2", message.headers, body + b" "), key.public_key()
    ).ok


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
@pytest.mark.parametrize("body", [b'{"type":"Create"}', None])
def test_our_rfc9421_signatures_verify_with_theirs(key_type, body, rsa_key):
    key = rsa_key if key_type == "rsa" else ed25519.Ed25519PrivateKey.generate()
    algorithm = RSA_V1_5_SHA256 if key_type == "rsa" else ED25519
    url, method = "https://remote.example/users/bob/inbox?x=1", "POST" if body else "GET"
    headers = (
        {"Content-Type": "application/activity+json"}
        if body
        else {"Accept": "application/activity+json"}
    )
    added = sign_request_rfc9421(
        method, url, headers, body, "https://art.example/actor#main-key", key
    )
    message = _Message(method, url, {**headers, **added})
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithm,
        key_resolver=MappingKeyResolver(
            public_keys={"https://art.example/actor#main-key": key.public_key()}, private_keys={}
        ),
    )
    required = ("@method", "@target-uri") + (("content-digest",) if body else ())
    [result] = verifier.verify(message, body=body, require_components=required)
    assert result.parameters["alg"] == algorithm.algorithm_id
    if body:
        with pytest.raises(TheirInvalidSignature, match="Content-Digest does not match"):
            verifier.verify(message, body=body + b" ")


# --- draft-cavage signatures built by hand, as GoToSocial and others send them --------------


def _cavage_request(
    key, components, target, headers, algorithm="rsa-sha256", extra="", method="post"
):
    """A cavage-signed request built with cryptography directly, not with our signer."""
    lines = []
    for name in components:
        value = f"{method} {target}" if name == "(request-target)" else headers[name]
        lines.append(f"{name}: {value}")
    data = "\n".join(lines).encode()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        raw = key.sign(data)
    else:
        raw = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    algorithm_param = f'algorithm="{algorithm}",' if algorithm else ""
    signature = (
        f'keyId="https://gts.example/users/x/main-key",{algorithm_param}'
        f'headers="{" ".join(components)}",{extra}signature="{base64.b64encode(raw).decode()}"'
    )
    return {**headers, "signature": signature}


def _now_headers(body: bytes = b"", **more: str) -> dict[str, str]:
    return {
        "host": "art.example",
        "date": formatdate(usegmt=True),
        "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "content-type": "application/activity+json",
        **more,
    }


@pytest.mark.parametrize("algorithm", ["hs2019", "rsa-sha256", ""])
def test_hand_built_rsa_cavage_signature_verifies(algorithm, rsa_key):
    body = b'{"type":"Like"}'
    request = _cavage_request(
        rsa_key,
        ["(request-target)", "host", "date", "digest"],
        "/inbox",
        _now_headers(body),
        algorithm,
    )
    parsed = parse_signature("POST", "/inbox", request, body)
    assert parsed.key_id == "https://gts.example/users/x/main-key"
    assert verify_parsed(parsed, rsa_key.public_key()).ok


def test_hs2019_with_an_ed25519_key_and_created_expires_verifies(rsa_key):
    key = ed25519.Ed25519PrivateKey.generate()
    created = int(datetime.now(timezone.utc).timestamp())
    headers = _now_headers(**{"(created)": str(created), "(expires)": str(created + 300)})
    request = _cavage_request(
        key,
        ["(request-target)", "host", "(created)", "(expires)"],
        "/users/a",
        headers,
        "hs2019",
        f"created={created},expires={created + 300},",
        "get",
    )
    for pseudo in ("(created)", "(expires)"):
        del request[pseudo]
    parsed = parse_signature("GET", "/users/a", request, b"")
    assert isinstance(parsed, ParsedSignature), parsed
    assert (parsed.created, parsed.expires) == (created, created + 300)
    assert verify_parsed(parsed, key.public_key()).ok
    assert verify_parsed(parsed, rsa_key.public_key()).reason == "signature does not match the key"


def test_signature_over_the_path_without_query_verifies(rsa_key):
    # Some senders sign (request-target) without the query; Mastodon and GoToSocial retry so.
    request = _cavage_request(
        rsa_key,
        ["(request-target)", "host", "date"],
        "/users/a/outbox",
        _now_headers(),
        method="get",
    )
    parsed = parse_signature("GET", "/users/a/outbox?page=true", request, b"")
    result = verify_parsed(parsed, rsa_key.public_key())
    assert (result.ok, result.without_query) == (True, True)


# --- refusals --------------------------------------------------------------------------------

INBOX_URL = "https://art.example/users/ann/inbox"
BODY = b'{"type":"Create","id":"https://remote.example/1"}'


def _signed_post(key, body: bytes = BODY, **overrides: str) -> dict[str, str]:
    headers = {"Content-Type": "application/activity+json", **overrides}
    return {
        **headers,
        **sign_request("POST", INBOX_URL, headers, body, "https://remote.example/a#k", key),
    }


def _signed_post_rfc9421(key, body: bytes = BODY) -> dict[str, str]:
    headers = {"Host": "art.example", "Content-Type": "application/activity+json"}
    return {
        **headers,
        **sign_request_rfc9421("POST", INBOX_URL, headers, body, "https://remote.example/a#k", key),
    }


def _reason(headers, body=BODY, method="POST", target="/users/ann/inbox", **kw) -> str:
    parsed = parse_signature(method, target, headers, body, **kw)
    assert isinstance(parsed, SignatureError), parsed
    return parsed.reason


def test_tampered_body_is_refused(rsa_key):
    assert _reason(_signed_post(rsa_key), BODY.replace(b"Create", b"Delete")) == "digest mismatch"
    assert _reason(_signed_post_rfc9421(rsa_key), BODY + b" ") == "content-digest mismatch"


def test_wrong_digest_header_is_refused(rsa_key):
    other = base64.b64encode(b"\0" * 32).decode()
    headers = _signed_post(rsa_key)
    assert _reason({**headers, "Digest": f"SHA-256={other}"}) == "digest mismatch"
    assert (
        _reason({**headers, "Digest": f"SHA-512={other}"}) == "digest header has no SHA-256 value"
    )
    rfc = _signed_post_rfc9421(rsa_key)
    assert (
        _reason({**rfc, "Content-Digest": "md5=:AAAA:"})
        == "content-digest header has no sha-256 or sha-512 value"
    )
    assert (
        _reason({**rfc, "Content-Digest": "sha-256=AAAA"}) == "content-digest header is malformed"
    )


def test_listed_but_missing_header_is_refused(rsa_key):
    headers = {k: v for k, v in _signed_post(rsa_key).items() if k != "Content-Type"}
    assert _reason(headers) == "header 'content-type' is listed but missing"
    rfc = {k: v for k, v in _signed_post_rfc9421(rsa_key).items() if k != "Content-Type"}
    assert _reason(rfc) == "header 'content-type' is listed but missing"


@pytest.mark.parametrize(
    ("shift", "reason"),
    [
        (timedelta(hours=2), "date header is 2 hours old"),
        (timedelta(hours=-2), "date header is 2 hours in the future"),
        (timedelta(minutes=61), "date header is 61 minutes old"),
    ],
)
def test_date_outside_one_hour_is_refused(rsa_key, shift, reason):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    headers = _signed_post(rsa_key, Date=now.strftime("%a, %d %b %Y %H:%M:%S GMT"))
    assert _reason(headers, now=now + shift) == reason
    assert verify_parsed(
        parse_signature("POST", "/users/ann/inbox", headers, BODY, now=now + shift / 2.2),
        rsa_key.public_key(),
    ).ok


def test_rfc9421_created_outside_one_hour_is_refused(rsa_key):
    later = datetime.now(timezone.utc) + timedelta(hours=2, minutes=5)
    assert _reason(_signed_post_rfc9421(rsa_key), now=later) == "created parameter is 2 hours old"


def test_unknown_algorithm_is_refused(rsa_key):
    headers = _signed_post(rsa_key)
    headers["Signature"] = headers["Signature"].replace('"rsa-sha256"', '"hmac-sha256"')
    assert _reason(headers) == "unknown algorithm 'hmac-sha256'"
    rfc = _signed_post_rfc9421(rsa_key)
    rfc["Signature-Input"] = rfc["Signature-Input"].replace('"rsa-v1_5-sha256"', '"hmac-sha256"')
    assert _reason(rfc) == "unknown algorithm 'hmac-sha256'"


def test_wrong_key_is_refused(rsa_key, other_rsa_key):
    for headers in (_signed_post(rsa_key), _signed_post_rfc9421(rsa_key)):
        parsed = parse_signature("POST", "/users/ann/inbox", headers, BODY)
        result = verify_parsed(parsed, other_rsa_key.public_key())
        assert (result.ok, result.reason, result.key_id) == (
            False,
            "signature does not match the key",
            "https://remote.example/a#k",
        )
    wrong_type = verify_parsed(
        parse_signature("POST", "/users/ann/inbox", _signed_post(rsa_key), BODY),
        ed25519.Ed25519PrivateKey.generate().public_key(),
    )
    assert wrong_type.reason == "algorithm 'rsa-sha256' does not fit an Ed25519 key"


def test_changed_query_is_refused(rsa_key):
    signed = sign_request(
        "GET", "https://art.example/users/a/outbox?page=1", {}, None, "k", rsa_key
    )
    parsed = parse_signature("GET", "/users/a/outbox?page=2", signed, b"")
    assert not verify_parsed(parsed, rsa_key.public_key()).ok
    assert verify_parsed(
        parse_signature("GET", "/users/a/outbox?page=1", signed, b""), rsa_key.public_key()
    ).ok


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("garbage", "signature header is malformed"),
        ('keyId="a",signature="b",keyId="c"', "signature header repeats 'keyId'"),
        ('keyId="a",headers="(request-target) host date"', "signature header has no signature"),
        ('keyId="a,signature="b"', "signature header is malformed"),
        (
            'keyId="a",headers="date",signature="b"',
            "signature must cover (request-target) or digest",
        ),
        (
            'keyId="a",headers="(request-target) date",signature="b"',
            "signature must cover host on GET",
        ),
        (
            'keyId="a",algorithm="rsa-sha256",headers="(request-target) host (created)",'
            'created=1,signature="b"',
            "(created) and (expires) may only be signed with algorithm hs2019",
        ),
        (
            'keyId="a",algorithm="hs2019",headers="(request-target) host (created)",signature="b"',
            "'(created)' is listed but the signature has no created value",
        ),
        (
            'keyId="a",headers="(request-target) host date",signature="not base64!"',
            "signature is not valid base64",
        ),
    ],
)
def test_malformed_cavage_signature_is_refused(signature, reason):
    headers = {
        "Host": "art.example",
        "Date": datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Signature": signature,
    }
    assert _reason(headers, b"", "GET", "/users/a") == reason


@pytest.mark.parametrize(
    ("signature_input", "signature", "reason"),
    [
        ("sig1=(", "sig1=:AAAA:", "signature-input header is malformed"),
        (
            'sig1=("@method");created=1;keyid="k"',
            "sig2=:AAAA:",
            "signature header has no 'sig1' member",
        ),
        (
            'sig1=("@method" "@target-uri");keyid="k"',
            "sig1=:AAAA:",
            "signature-input has no created parameter",
        ),
        (
            'sig1=("@method" "@target-uri");created="1";keyid="k"',
            "sig1=:AAAA:",
            "signature-input parameter 'created' has the wrong type",
        ),
        ('sig1=("@method" "@target-uri");created=1', "sig1=:AAAA:", "signature-input has no keyid"),
        (
            'sig1=("@method" "@target-uri");created=1;keyid="k"',
            "sig1=AAAA",
            "signature 'sig1' is not a byte sequence",
        ),
        (
            'sig1=("@method" "@path");created={now};keyid="k"',
            "sig1=:AAAA:",
            "signature must cover @target-uri, or @authority with @path",
        ),
        (
            'sig1=("@method" "@target-uri" "@query-param";name="a");created={now};keyid="k"',
            "sig1=:AAAA:",
            'component "@query-param";name="a" has parameters, which we do not support',
        ),
        (
            'sig1=("@method" "@target-uri" "@status");created={now};keyid="k"',
            "sig1=:AAAA:",
            "component '@status' is not supported",
        ),
        (
            'sig1=("@method" "@target-uri" "@method");created={now};keyid="k"',
            "sig1=:AAAA:",
            'component "@method" is listed twice',
        ),
        (
            'sig1=("@method" "@target-uri");created={now};expires={old};keyid="k"',
            "sig1=:AAAA:",
            "signature expired 2 hours ago",
        ),
    ],
)
def test_malformed_rfc9421_signature_is_refused(signature_input, signature, reason):
    now = int(datetime.now(timezone.utc).timestamp())
    headers = {
        "Host": "art.example",
        "Signature": signature,
        "Signature-Input": signature_input.format(now=now, old=now - 7300),
    }
    assert _reason(headers, b"", "GET", "/users/a") == reason


def test_unsigned_requests_and_unsigned_bodies_are_refused(rsa_key):
    assert _reason({"Host": "art.example"}) == "request is not signed"
    assert (
        _reason({"Signature-Input": 'a=("@method")'})
        == "signature-input header without a signature header"
    )
    get = sign_request("GET", INBOX_URL, {}, None, "k", rsa_key)
    assert _reason(get) == "signature must cover digest when the request has a body"


def test_hostile_headers_never_raise():
    pieces = [
        'keyId="',
        '"',
        ",",
        "=",
        "sig1",
        "=(",
        ")",
        ";created=",
        "1",
        ":",
        "AAAA",
        "\x00",
        "é",
        " ",
        "headers=",
        "(request-target)",
        "@method",
        '"@target-uri"',
        "\\",
        "9" * 30,
    ]
    rng = random.Random(9421)
    for _ in range(2000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        for name in ("Signature", "Signature-Input", "Digest", "Content-Digest", "Date"):
            headers = {"Host": "a", "Signature": value, name: value}
            result = parse_signature("POST", "/?" + value, headers, value.encode())
            assert isinstance(result, (ParsedSignature, SignatureError))


# --- our signer, read back by our verifier and checked field by field ------------------------


def test_sign_request_post_adds_what_mastodon_expects(rsa_key):
    added = sign_request(
        "POST",
        "https://Bücher.example:8443/inbox?x=1",
        {"content-type": "application/activity+json"},
        BODY,
        "https://art.example/a#main-key",
        rsa_key,
    )
    assert added["Host"] == "xn--bcher-kva.example:8443"
    assert re.fullmatch(
        r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", added["Date"]
    )
    assert added["Digest"] == "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert 'headers="(request-target) host date digest content-type"' in added["Signature"]
    assert added["Signature"].startswith(
        'keyId="https://art.example/a#main-key",algorithm="rsa-sha256",'
    )
    received = Headers(
        raw=[
            (k.lower().encode(), v.encode())
            for k, v in {"content-type": "application/activity+json", **added}.items()
        ]
    )
    parsed = parse_signature("POST", "/inbox?x=1", received, BODY)
    assert verify_parsed(parsed, rsa_key.public_key()).ok


def test_sign_request_get_has_no_digest_and_keeps_a_given_date(rsa_key):
    added = sign_request(
        "GET",
        "https://art.example/users/a b",
        {"Date": "Sun, 05 Jan 2014 21:31:40 GMT"},
        None,
        "k",
        rsa_key,
    )
    assert set(added) == {"Host", "Signature"}
    assert 'headers="(request-target) host date"' in added["Signature"]
    parsed = parse_signature(
        "GET", "/users/a%20b", {"Date": "Sun, 05 Jan 2014 21:31:40 GMT", **added}, b"", now=C_NOW
    )
    assert verify_parsed(parsed, rsa_key.public_key()).ok
    with pytest.raises(ValueError):
        sign_request("POST", INBOX_URL, {}, b"{}", "k", rsa_key)


def test_repeated_headers_are_joined_as_sent(rsa_key):
    signed = sign_request("GET", "https://art.example/x", {}, None, "k", rsa_key)
    raw = [
        (b"host", b"art.example"),
        (b"date", signed["Date"].encode()),
        (b"signature", signed["Signature"].encode()),
        (b"x-b", b"1"),
        (b"x-b", b"2"),
    ]
    parsed = parse_signature("GET", "/x", Headers(raw=raw), b"")
    assert verify_parsed(parsed, rsa_key.public_key()).ok


@pytest.mark.parametrize(
    ("key_id", "host"),
    [
        ("https://Mastodon.Social/users/a#main-key", "mastodon.social"),
        ("https://Bücher.example./users/a#main-key", "xn--bcher-kva.example"),
        ("https://evil.example@good.example/k", "good.example"),
        ("https://good.example\\@evil.example/k", "evil.example"),
        ("http://[::1]:8080/k", "::1"),
        ("acct:a@b.example", ""),
        ("/users/a/main-key", ""),
        ("https://exa mple.com/", "exa%20mple.com"),
        ("", ""),
    ],
)
def test_key_id_host(key_id, host):
    assert key_id_host(key_id) == host

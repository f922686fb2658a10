"""Who signed a request: the one signature check shared by the inbox (POST) and authorized fetch (GET).

Two steps, so the inbox can act between them (a self-Delete from an unknown actor needs no key):
screen() checks the request is addressed here, parses the signature and asks domain policy about the
keyId's host (and a claimed actor's host) before any network work; identify() fetches the key through
services.remote_actors and verifies (once more after a key refresh, for rotation). verify_request()
does both. Nothing raises for a remote server's mistake: every refusal is a Refusal with an HTTP
status and a short reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import host_of, same_origin
from fediart.activitypub.keys import usable_public_key
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.signatures import ParsedSignature, SignatureError, key_id_host, parse_signature, verify_parsed
from fediart.services import Services
from fediart.store.tables import Actor

log = logging.getLogger("fediart.signatures")

MAX_REASON = 160  # refusals say why in a few words; they never echo documents we fetched


class RefusalKind(StrEnum):
    INVALID = "invalid"  # unsigned, malformed, wrong key, another server's request
    BLOCKED = "blocked"  # domain policy refuses the keyId's or the actor's server
    NO_KEY = "no_key"  # the key could not be fetched or was unusable


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    kind: RefusalKind = RefusalKind.INVALID


def refuse(status: int, reason: str, kind: RefusalKind = RefusalKind.INVALID) -> Refusal:
    return Refusal(status, reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…", kind)


async def _blocked(services: Services, hosts: tuple[str, ...]) -> Refusal | None:
    for host in hosts:
        decision = await services.policy.check_host(host)
        if not decision.allowed:
            return refuse(401, f"server refused by policy: {decision.reason}", RefusalKind.BLOCKED)
    return None


async def screen(services: Services, *, method: str, target: str, headers, body: bytes,
                 claimed_actor: str | None = None) -> ParsedSignature | Refusal:
    """Everything before the key: addressed here, signature well-formed, its servers not blocked."""
    scheme = services.config.server.scheme
    host = headers.get("host", "")
    if not same_origin(f"{scheme}://{host}/", services.urls.base):
        # A request signed for another server, replayed here, must not count as sent to us.
        return refuse(401, "request is addressed to another server")
    parsed = parse_signature(method, target, headers, body, scheme=scheme, authority=host)
    if isinstance(parsed, SignatureError):
        return refuse(401, f"signature: {parsed.reason}")
    if parsed.scheme == "cavage" and "host" not in parsed.components:
        return refuse(401, "signature: signature must cover host")
    # Policy before any network work: a blocked server's keys are never fetched.
    hosts = (key_id_host(parsed.key_id),) + ((host_of(claimed_actor),) if claimed_actor else ())
    return await _blocked(services, hosts) or parsed


async def identify(services: Services, parsed: ParsedSignature) -> Actor | Refusal:
    """The actor whose key made this signature, or why not."""
    try:
        signer = await services.remote_actors.by_key_id(parsed.key_id)
    except FetchError as exc:
        log.info("could not fetch the signing key %s: %s", parsed.key_id, exc.reason)
        return refuse(401, "could not fetch the signing key" + (f" (HTTP {exc.status})" if exc.status else ""),
                      RefusalKind.NO_KEY)
    except ActorError as exc:
        log.info("signing key %s refused: %s", parsed.key_id, exc)
        return refuse(401, f"signing key: {exc}", RefusalKind.NO_KEY)
    result = verify_parsed(parsed, usable_public_key(signer.public_key_pem))
    if not result.ok:
        try:  # the key may have been rotated: fetch it once more, rate-limited per host
            signer = await services.remote_actors.by_key_id(parsed.key_id, refresh=True)
            result = verify_parsed(parsed, usable_public_key(signer.public_key_pem))
        except (FetchError, ActorError) as exc:
            log.info("key refresh for %s failed: %s", parsed.key_id, exc)
    if not result.ok:
        return refuse(401, f"signature: {result.reason}")
    # No second policy check on the owner: remote_actors only accepts a key whose owner is on
    # the key's own server, whose host screen() already judged.
    return signer


async def verify_request(services: Services, *, method: str, target: str, headers, body: bytes = b"",
                         claimed_actor: str | None = None) -> Actor | Refusal:
    """screen() then identify(): the verified signer of a request, or a Refusal."""
    parsed = await screen(services, method=method, target=target, headers=headers, body=body,
                          claimed_actor=claimed_actor)
    if isinstance(parsed, Refusal):
        return parsed
    return await identify(services, parsed)


def raw_target(request) -> str:
    """The request target exactly as sent: signatures cover the raw path, not the decoded one."""
    path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path

"""`fediart credentials init|show`: the instance's Content Credentials signing keys.

`init` makes a certificate authority and a signing leaf for an instance created before Content
Credentials (`fediart init` makes them for new ones); `show` prints what validators will see.
"""

from __future__ import annotations

import argparse
import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from fediart.commands import DEFAULT_CONFIG, CliError, add_parser
from fediart.config import Config, load_config
from fediart.credentials.keys import CA_SUFFIX, LoadedCredentials, create_credentials, credential_paths, load_credentials


def create_keys(config: Config, *, force: bool = False, keep: bool = False) -> list[str]:
    """Lines saying what was written (shared with `fediart init`, which `keep`s existing keys: a
    rewritten config file must not change who signs the files already served)."""
    try:
        paths = create_credentials(config, force=force)
    except FileExistsError as exc:
        if keep:
            return [f"kept the existing Content Credentials keys ({exc.args[0].split(' already')[0]})"]
        raise CliError(str(exc)) from None
    return [f"wrote the Content Credentials signing chain to {paths.cert_chain}",
            f"wrote its private key to {paths.private_key} (keep it secret: whoever has it signs as this server)",
            f"wrote the trust anchor to {paths.trust_anchor}"]


def _init(args: argparse.Namespace) -> int:
    config = load_config(getattr(args, "config", DEFAULT_CONFIG))
    for line in create_keys(config, force=args.force):
        print(line)
    return 0


def _subject(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


def _key_type(certificate: x509.Certificate) -> str:
    key = certificate.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name} (ES256)" if key.curve.name == "secp256r1" else f"EC {key.curve.name}"
    return type(key).__name__


def made_by_fediart(loaded: LoadedCredentials, domain: str) -> bool:
    """Whether the chain was issued by the instance's own CA (what `fediart init` makes: its name is
    "<domain> Content Credentials CA"), rather than by an issuer the admin brought."""
    names = loaded.chain[-1].issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return bool(names) and names[0].value == f"{domain} {CA_SUFFIX}"


def describe(config: Config, now: datetime.datetime | None = None) -> list[str]:
    """The readable report `credentials show` prints."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    paths = credential_paths(config)
    lines = [f"certificate chain: {paths.cert_chain}", f"private key:       {paths.private_key}",
             f"trust anchor:      {paths.trust_anchor}"]
    loaded = load_credentials(config)
    if loaded is None:
        return lines + ["", "no keys: images are stored without Content Credentials.",
                        "run `fediart credentials init` to create the instance's keys."]
    leaf = loaded.leaf
    issued = leaf.not_valid_before_utc
    expires = leaf.not_valid_after_utc
    lines += [
        "",
        f"signer (leaf):  {_subject(leaf)}",
        f"issuer:         {leaf.issuer.rfc4514_string()}",
        f"valid:          {issued:%Y-%m-%d} to {expires:%Y-%m-%d}"
        + (" (EXPIRED: signing will fail)" if expires < now else ""),
        f"key type:       {_key_type(leaf)}",
        f"chain:          {len(loaded.chain)} certificate(s)",
        "",
    ]
    if made_by_fediart(loaded, config.domain):
        lines += [
            "what validators will say:",
            "  this server's own checks: Trusted (the chain ends in the instance's trust anchor).",
            "  outside validators (contentcredentials.org/verify, Adobe, browsers): \"untrusted signer\":",
            "  the chain is not on the C2PA trust list. The signature, the training and mining",
            "  permissions and the author are still shown and any change to the file is still detected.",
            "  For a trusted signer, get a certificate from an issuer on the C2PA trust list and name",
            "  it in [credentials] cert_chain and private_key.",
        ]
    else:
        lines += [
            "what validators will say:",
            "  the chain comes from another issuer: Trusted wherever that issuer is on the validator's",
            "  trust list (the C2PA trust list for outside validators); otherwise \"untrusted signer\".",
        ]
    return lines


def _show(args: argparse.Namespace) -> int:
    config = load_config(getattr(args, "config", DEFAULT_CONFIG))
    print("\n".join(describe(config)))
    return 0


def register(sub) -> None:
    p = add_parser(sub, "credentials", "Content Credentials (C2PA) signing keys")
    inner = p.add_subparsers(dest="credentials_command", required=True, metavar="ACTION")
    q = add_parser(inner, "init", "create the instance's signing CA and key (for an existing instance)")
    q.add_argument("--force", action="store_true", help="replace existing keys")
    q.set_defaults(func=_init)
    q = add_parser(inner, "show", "print the signer and what validators will say")
    q.set_defaults(func=_show)

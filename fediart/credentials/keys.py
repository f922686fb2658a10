"""The instance's Content Credentials keys: a certificate authority and an ES256 leaf it signs.

The C2PA library refuses a self-signed leaf ("the certificate is invalid"), so `fediart init` makes
a small chain: an EC P-256 CA (basicConstraints CA:true, keyCertSign) and a leaf (digitalSignature,
extendedKeyUsage emailProtection, one of the purposes the C2PA certificate profile accepts). Both are
written as PEM under [credentials]; an admin with a chain from a trusted issuer names it there instead.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fediart.config import Config, ConfigError

CA_SUFFIX = "Content Credentials CA"  # how `credentials show` tells the instance's own CA
CA_YEARS = 20
LEAF_YEARS = 5


@dataclass(frozen=True)
class CredentialPaths:
    """Where the signing chain (leaf first), its private key and the trust anchor live."""

    cert_chain: Path
    private_key: Path
    trust_anchor: Path

    def all(self) -> list[Path]:
        return [self.cert_chain, self.private_key, self.trust_anchor]


def credential_paths(config: Config) -> CredentialPaths:
    c = config.credentials
    return CredentialPaths(Path(c.cert_chain), Path(c.private_key), Path(c.trust_anchor))


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _key_usage(*, sign: bool, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
                         crl_sign=cert_sign, encipher_only=False, decipher_only=False)


def make_chain(domain: str, now: datetime.datetime | None = None) -> tuple[bytes, bytes, bytes]:
    """A fresh (leaf + CA chain PEM, leaf private key PEM, CA certificate PEM) for `domain`."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(hours=1)  # tolerate a validator whose clock runs a little behind
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(domain, f"{domain} {CA_SUFFIX}")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(start).not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(sign=False, cert_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(_name(domain, f"{domain} media signer"))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(now + datetime.timedelta(days=365 * LEAF_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(sign=True, cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return leaf.public_bytes(pem) + ca.public_bytes(pem), key_pem, ca.public_bytes(pem)


def create_credentials(config: Config, *, force: bool = False) -> CredentialPaths:
    """Write a new CA and leaf where [credentials] says; FileExistsError naming a file already there
    unless `force` (a new chain makes older files verify against the old anchor only)."""
    paths = credential_paths(config)
    existing = [p for p in paths.all() if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} already exists; use --force to replace the instance's keys")
    chain, key, anchor = make_chain(config.domain)
    for path, data, mode in ((paths.cert_chain, chain, 0o644), (paths.trust_anchor, anchor, 0o644),
                             (paths.private_key, key, 0o600)):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(path, mode)
    return paths


@dataclass(frozen=True)
class LoadedCredentials:
    chain_pem: bytes
    key_pem: bytes
    anchor_pem: bytes
    leaf: x509.Certificate
    chain: list[x509.Certificate]


def load_credentials(config: Config) -> LoadedCredentials | None:
    """The configured chain, key and anchor; None when none of the files exists (an instance made
    before Content Credentials); ConfigError naming the file and key when one is missing or unreadable."""
    paths = credential_paths(config)
    if not any(p.exists() for p in paths.all()):
        return None
    data = {}
    for key, path in (("cert_chain", paths.cert_chain), ("private_key", paths.private_key),
                      ("trust_anchor", paths.trust_anchor)):
        try:
            data[key] = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{config.path}: [credentials] {key}: cannot read {path}: "
                              f"{exc.strerror or exc}") from None
    try:
        chain = x509.load_pem_x509_certificates(data["cert_chain"])
    except ValueError:
        raise ConfigError(f"{config.path}: [credentials] cert_chain: {paths.cert_chain} holds no PEM "
                          "certificate") from None
    try:
        key = serialization.load_pem_private_key(data["private_key"], password=None)
    except (ValueError, TypeError):
        raise ConfigError(f"{config.path}: [credentials] private_key: {paths.private_key} is not an "
                          "unencrypted PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(f"{config.path}: [credentials] private_key: {paths.private_key} must be an "
                          "EC P-256 key (ES256)")
    if key.public_key() != chain[0].public_key():
        raise ConfigError(f"{config.path}: [credentials] private_key: {paths.private_key} does not match "
                          f"the first certificate of {paths.cert_chain}")
    return LoadedCredentials(data["cert_chain"], data["private_key"], data["trust_anchor"], chain[0], chain)

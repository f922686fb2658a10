"""Configuration: one TOML file (plus FEDIART_* environment overrides), loaded once and passed in.

Every key is declared here with its type and default; `config.example.toml` documents them.
An unknown or mistyped key is an error that names the key and the file. Relative paths (the SQLite
file, the media folder) are relative to the config file's folder, or, when they come from a FEDIART_*
variable, to the current directory; load_config makes them absolute.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the file."""


@dataclass(frozen=True)
class ServerConfig:
    domain: str = ""
    scheme: str = ""  # derived from the domain when empty: http for loopback, https otherwise
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    instance_name: str = "fediart"
    instance_description: str = "A home for artists on the fediverse. Not licensed for AI training."
    admin_email: str = ""
    document_cache_seconds: float = 10.0
    access_log: bool = False
    default_language: str = "en"  # BCP 47 tag of posts, sent as the key of `contentMap`
    metrics: bool = False  # serve GET /metrics (Prometheus); off, it is 404 and requests are not timed
    metrics_token: str = ""  # when set, /metrics needs `Authorization: Bearer <token>`


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite+aiosqlite:///./data/fediart.sqlite3"
    schema: str = ""  # PostgreSQL only: the schema (search_path) fediart's tables live in


@dataclass(frozen=True)
class MediaConfig:
    dir: str = "./data/media"
    max_upload_mb: int = 16
    max_megapixels: int = 40
    require_alt_text: bool = True  # the studio refuses an image without a description
    # Art-only instances: refuse uploads whose metadata or declaration says AI-generated.
    refuse_ai_generated: bool = False
    # Long edge of the federated rendition (what attachment.url and the gallery serve); larger uploads
    # keep their full-resolution original apart, served only to whom the artist allows.
    federated_size: int = 2560
    # Per-IP flood control on /media and /originals, in each process's memory (0 turns it off).
    rate_per_minute: int = 600
    rate_burst: int = 300


@dataclass(frozen=True)
class StorageConfig:
    """Where media files live: the local [media] dir, or an S3-compatible bucket."""

    backend: str = "local"  # StorageBackend: local or s3
    endpoint: str = ""  # S3 API address, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000
    bucket: str = ""
    region: str = ""  # "" means us-east-1, which MinIO and most self-hosted stores accept
    access_key_id: str = ""  # "" reads the AWS_* environment variables or the instance role
    secret_access_key: str = ""
    public_base_url: str = ""  # a CDN in front of the bucket; attachment URLs point there when set
    prefix: str = ""  # prepended to every object key, e.g. "fediart/"


@dataclass(frozen=True)
class CredentialsConfig:
    """Content Credentials (C2PA) signing: PEM files, relative paths resolved like [media] dir."""

    cert_chain: str = "./data/credentials/chain.pem"  # the signing certificate first, then its issuers
    private_key: str = "./data/credentials/signing-key.pem"  # EC P-256 (ES256), unencrypted PEM
    trust_anchor: str = "./data/credentials/trust-anchor.pem"  # the root fediart's own checks trust


@dataclass(frozen=True)
class LicenceConfig:
    default: str = "all-rights-reserved"
    ai_training_reserved: bool = True
    generative_only: bool = False
    search_indexing: bool = False


@dataclass(frozen=True)
class FederationConfig:
    allow_private_addresses: bool = False  # development and tests only: http and loopback peers
    fetch_timeout_seconds: float = 10.0
    max_document_bytes: int = 1_000_000
    max_inbox_bytes: int = 1_000_000
    # Inbox flood control per sending host, in each process's memory (0 turns it off).
    inbox_rate_per_minute: int = 600
    inbox_rate_burst: int = 300
    inbox_rate_hosts: int = 10_000  # hosts remembered at once; the least recently heard are forgotten
    mode: str = "blocklist"  # FederationMode: blocklist (everyone but blocked servers) or allowlist
    # GETs of ActivityPub documents and collections need a valid signature from a server not blocked.
    authorized_fetch: bool = True
    blocklist_refresh_hours: float = 24.0  # how often the worker downloads subscribed blocklists


@dataclass(frozen=True)
class WorkerConfig:
    in_serve: bool = True  # run the background worker inside `fediart serve`
    concurrency: int = 50  # deliveries in flight at once, per worker
    inbox_concurrency: int = 20  # inbox items processed at once, per worker
    lease_seconds: float = 60.0  # a claimed row is redone by another worker if not finished by then
    poll_seconds: float = 1.0  # how often an idle worker looks for due work
    delivery_timeout_seconds: float = 10.0
    max_delivery_attempts: int = 16  # with Mastodon's backoff, about two days
    unavailable_after_days: int = 7  # distinct days of failures before a host is skipped
    inbox_retention_hours: float = 168.0  # processed inbox items older than this are deleted; 0 keeps them
    delivery_retention_hours: float = 168.0  # sent and given-up deliveries older than this are deleted; 0 keeps them
    prune_every_minutes: float = 60.0


@dataclass(frozen=True)
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    media: MediaConfig = field(default_factory=MediaConfig)
    licence: LicenceConfig = field(default_factory=LicenceConfig)
    federation: FederationConfig = field(default_factory=FederationConfig)
    worker: WorkerConfig = field(default_factory=WorkerConfig)
    credentials: CredentialsConfig = field(default_factory=CredentialsConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    path: str = "<defaults>"  # where it was loaded from, for error messages

    @property
    def domain(self) -> str:
        return self.server.domain

    @property
    def base_url(self) -> str:
        return f"{self.server.scheme}://{self.server.domain}"

    @property
    def is_development(self) -> bool:
        return self.federation.allow_private_addresses


_SECTION_TYPES = {
    "server": ServerConfig,
    "database": DatabaseConfig,
    "media": MediaConfig,
    "licence": LicenceConfig,
    "federation": FederationConfig,
    "worker": WorkerConfig,
    "credentials": CredentialsConfig,
    "storage": StorageConfig,
}


# BCP 47 in the form peers accept: a 2-3 letter language, then subtags (script, region, variant).
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$", re.IGNORECASE)
_DOMAIN_RE = re.compile(r"^(\[[0-9a-f:]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:[0-9]{1,5})?$")


def is_loopback_domain(domain: str) -> bool:
    """True for localhost and loopback addresses, with or without a port."""
    host = domain.rsplit(":", 1)[0] if domain.count(":") == 1 else domain
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _coerce(value: Any, kind: type, where: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif kind is str:
        if isinstance(value, str):
            return value
    raise ConfigError(f"{where} must be a {kind.__name__}, not {value!r}")


def _build_section(name: str, raw: dict[str, Any], env: dict[str, str], path: str) -> Any:
    cls = _SECTION_TYPES[name]
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key [{name}] {key} (known: {', '.join(known)})")
        values[key] = _coerce(value, _type_of(known[key]), f"{path}: [{name}] {key}")
    for key, f in known.items():
        env_name = f"FEDIART_{name.upper()}_{key.upper()}"
        if env_name in env:
            values[key] = _coerce(env[env_name], _type_of(f), f"environment {env_name}")
    return cls(**values)


def _type_of(f: Any) -> type:
    # Dataclass fields declared as strings under `from __future__ import annotations`.
    return {"str": str, "int": int, "float": float, "bool": bool}[str(f.type)]


def _finish(config: Config) -> Config:
    server = config.server
    if not server.domain:
        raise ConfigError(f"{config.path}: [server] domain is missing")
    domain = server.domain.strip().lower().rstrip("/")
    if not _DOMAIN_RE.match(domain):
        raise ConfigError(f"{config.path}: [server] domain must be a bare host name, like art.example, not {domain!r}")
    if not LANGUAGE_RE.match(server.default_language):
        raise ConfigError(f"{config.path}: [server] default_language must be a language tag like en, pt-BR or "
                          f"zh-Hant, not {server.default_language!r}")
    if config.database.schema and not re.match(r"^[a-z_][a-z0-9_]{0,62}$", config.database.schema):
        raise ConfigError(f"{config.path}: [database] schema must be a plain lowercase identifier")
    from fediart.licence.catalogue import licence_by_key

    try:
        licence_by_key(config.licence.default)
    except KeyError as exc:
        raise ConfigError(f"{config.path}: [licence] default: {exc.args[0]}") from None
    loopback = is_loopback_domain(domain)
    scheme = server.scheme or ("http" if loopback else "https")
    if scheme not in ("http", "https"):
        raise ConfigError(f"{config.path}: [server] scheme must be http or https")
    from fediart.store.states import FederationMode

    if config.federation.mode not in set(FederationMode):
        raise ConfigError(f"{config.path}: [federation] mode must be blocklist or allowlist, "
                          f"not {config.federation.mode!r}")
    if config.federation.mode == FederationMode.ALLOWLIST and not config.federation.authorized_fetch:
        # Unsigned fetches cannot be told apart by server, so an allowlist needs signed ones (as in Mastodon).
        raise ConfigError(f"{config.path}: [federation] mode = \"allowlist\" needs authorized_fetch = true")
    for key in ("concurrency", "inbox_concurrency"):
        if getattr(config.worker, key) < 1:  # 0 would leave that kind's jobs queued forever
            raise ConfigError(f"{config.path}: [worker] {key} must be at least 1")
    if config.federation.allow_private_addresses and not loopback:
        # A public server that talks to loopback peers could be steered into its own network.
        raise ConfigError(
            f"{config.path}: [federation] allow_private_addresses is for development only "
            f"and is refused for the public domain {domain}"
        )
    return replace(config, server=replace(server, domain=domain, scheme=scheme), storage=_storage(config))


def _storage(config: Config) -> StorageConfig:
    from fediart.store.states import StorageBackend

    storage, where = config.storage, f"{config.path}: [storage]"
    if storage.backend not in set(StorageBackend):
        raise ConfigError(f"{where} backend must be local or s3, not {storage.backend!r}")
    if storage.backend == StorageBackend.S3 and not storage.bucket:
        raise ConfigError(f"{where} bucket is missing: backend = \"s3\" needs the bucket's name")
    if storage.bucket and not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", storage.bucket):
        raise ConfigError(f"{where} bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, "
                          f"hyphens), not {storage.bucket!r}")
    for key in ("endpoint", "public_base_url"):
        value = getattr(storage, key)
        if value and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ConfigError(f"{where} {key} must be an http(s) URL, not {value!r}")
    if bool(storage.access_key_id) != bool(storage.secret_access_key):
        raise ConfigError(f"{where} access_key_id and secret_access_key go together: set both or neither")
    prefix = storage.prefix.strip("/")
    if prefix and not re.match(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", prefix) or ".." in prefix.split("/"):
        raise ConfigError(f"{where} prefix must be a plain key prefix like \"fediart/\", not {storage.prefix!r}")
    return replace(storage, prefix=f"{prefix}/" if prefix else "", public_base_url=storage.public_base_url.rstrip("/"))


def load_config(path: str | os.PathLike[str], env: dict[str, str] | None = None) -> Config:
    """Read a config file; FEDIART_SECTION_KEY environment variables override its keys."""
    env = dict(os.environ) if env is None else env
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found (run `fediart init --domain DOMAIN` first)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _absolute_paths(config_from_dict(raw, str(path), env), path.resolve().parent, env)


def _absolute_paths(config: Config, folder: Path, env: dict[str, str]) -> Config:
    # A path in the file means the same whichever directory fediart is started from (`--config
    # /srv/fediart/fediart.toml` must not create an empty database under the current directory);
    # a path in a variable is read as the shell that set it would, from the current directory.
    def base(env_name: str) -> Path:
        return Path.cwd() if env_name in env else folder

    url = absolute_sqlite_url(config.database.url, base("FEDIART_DATABASE_URL"), config.path)
    media_dir = str(base("FEDIART_MEDIA_DIR") / Path(config.media.dir).expanduser())
    credentials = replace(config.credentials, **{
        key: str(base(f"FEDIART_CREDENTIALS_{key.upper()}") / Path(getattr(config.credentials, key)).expanduser())
        for key in ("cert_chain", "private_key", "trust_anchor")})
    return replace(config, database=replace(config.database, url=url), media=replace(config.media, dir=media_dir),
                   credentials=credentials)


def absolute_sqlite_url(url: str, base: Path, where: str) -> str:
    """An SQLite URL with its file made absolute against `base`; other databases' URLs as they are."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"{where}: [database] url is not a database URL: {url!r}") from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or parsed.query.get("uri"):  # an SQLite "file:" URI is the admin's to spell out
        return url
    path = base / Path(parsed.database).expanduser()
    return parsed.set(database=str(path)).render_as_string(hide_password=False)


def config_from_dict(raw: dict[str, Any], path: str = "<dict>", env: dict[str, str] | None = None) -> Config:
    """Build a Config from parsed TOML (used by load_config and by tests)."""
    env = {} if env is None else env
    for name, value in raw.items():
        if name not in _SECTION_TYPES:
            raise ConfigError(f"{path}: unknown section [{name}] (known: {', '.join(_SECTION_TYPES)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {name} must be a [{name}] table")
    sections = {name: _build_section(name, raw.get(name, {}), env, path) for name in _SECTION_TYPES}
    return _finish(Config(**sections, path=path))


def default_config_dict(domain: str, database_url: str | None = None, data_dir: str = "./data") -> dict[str, Any]:
    """The config `fediart init` writes: loopback domains get http and the development switch."""
    loopback = is_loopback_domain(domain)
    port = domain.rpartition(":")[2] if ":" in domain else ""
    return {
        "server": {
            "domain": domain,
            "host": "127.0.0.1",
            "port": int(port) if loopback and port.isdigit() else 8000,
        },
        "database": {"url": database_url or f"sqlite+aiosqlite:///{data_dir}/fediart.sqlite3"},
        "media": {"dir": f"{data_dir}/media"},
        "credentials": {
            "cert_chain": f"{data_dir}/credentials/chain.pem",
            "private_key": f"{data_dir}/credentials/signing-key.pem",
            "trust_anchor": f"{data_dir}/credentials/trust-anchor.pem",
        },
        "federation": {"allow_private_addresses": loopback},
    }

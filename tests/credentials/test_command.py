"""`fediart credentials init|show` and the keys `fediart init` makes, as an admin runs them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import tomli_w

from fediart.cli import main
from fediart.config import load_config
from fediart.credentials.keys import credential_paths, load_credentials

FEDIART = [sys.executable, "-m", "fediart"]


def write_config(tmp_path, **credentials) -> str:
    raw = {"server": {"domain": "art.example"}, "database": {"url": "sqlite+aiosqlite:///./data/db.sqlite3"},
           "media": {"dir": "./data/media"}}
    if credentials:
        raw["credentials"] = credentials
    path = tmp_path / "fediart.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return str(path)


def test_credentials_init_creates_the_keys_once(tmp_path, capsys):
    config_path = write_config(tmp_path)
    assert main(["--config", config_path, "credentials", "init"]) == 0
    paths = credential_paths(load_config(config_path))
    # Relative to the config file's folder, as [media] dir is.
    assert paths.private_key == tmp_path / "data" / "credentials" / "signing-key.pem"
    assert all(p.is_file() for p in paths.all())
    assert oct(paths.private_key.stat().st_mode & 0o777) == "0o600"
    first = paths.private_key.read_bytes()
    capsys.readouterr()
    assert main(["--config", config_path, "credentials", "init"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert paths.private_key.read_bytes() == first
    assert main(["--config", config_path, "credentials", "init", "--force"]) == 0
    assert paths.private_key.read_bytes() != first
    loaded = load_credentials(load_config(config_path))
    assert loaded is not None and len(loaded.chain) == 2
    assert loaded.leaf.issuer == loaded.chain[1].subject  # a leaf signed by the CA, never self-signed


def test_credentials_show_says_who_signs_and_what_validators_will_say(tmp_path, capsys):
    config_path = write_config(tmp_path)
    main(["--config", config_path, "credentials", "show"])
    out = capsys.readouterr().out
    assert "no keys" in out and "fediart credentials init" in out
    main(["--config", config_path, "credentials", "init"])
    capsys.readouterr()
    assert main(["--config", config_path, "credentials", "show"]) == 0
    out = capsys.readouterr().out
    assert "CN=art.example media signer" in out
    assert "issuer:" in out and "CN=art.example Content Credentials CA" in out
    assert "EC secp256r1 (ES256)" in out
    assert "untrusted signer" in out and "C2PA trust list" in out
    assert str(tmp_path / "data" / "credentials" / "chain.pem") in out


def test_a_broken_key_file_is_named_with_its_config_key(tmp_path, capsys):
    config_path = write_config(tmp_path)
    main(["--config", config_path, "credentials", "init"])
    paths = credential_paths(load_config(config_path))
    paths.private_key.write_text("not a key")
    capsys.readouterr()
    assert main(["--config", config_path, "credentials", "show"]) == 1
    err = capsys.readouterr().err
    assert "[credentials] private_key" in err and str(paths.private_key) in err


def test_an_admins_chain_from_another_issuer_is_not_called_self_made(tmp_path, capsys):
    from credentials_support import other_authority

    chain = other_authority("issuer.example")
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "chain.pem").write_bytes(chain.chain_pem)
    (folder / "key.pem").write_bytes(chain.key_pem)
    (folder / "root.pem").write_bytes(chain.anchor_pem)
    config_path = write_config(tmp_path, cert_chain="own/chain.pem", private_key="own/key.pem",
                               trust_anchor="own/root.pem")
    main(["--config", config_path, "credentials", "show"])
    out = capsys.readouterr().out
    assert "CN=issuer.example media signer" in out
    assert "comes from another issuer" in out and "this server's own checks" not in out


@pytest.fixture
def run(tmp_path, database_settings):
    env = {**os.environ, "FEDIART_LOG_LEVEL": "WARNING"}
    if database_settings.get("schema"):
        env["FEDIART_DATABASE_SCHEMA"] = database_settings["schema"]

    def fediart(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*FEDIART, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    fediart.database_url = database_settings["url"]
    return fediart


def test_fediart_init_creates_the_keys_and_keeps_them_when_run_again(run, tmp_path):
    result = run("init", "--domain", "art.example", "--database", run.database_url)
    assert result.returncode == 0, result.stderr
    assert "Content Credentials signing chain" in result.stdout
    key = tmp_path / "data" / "credentials" / "signing-key.pem"
    first = key.read_bytes()
    again = run("init", "--domain", "art.example", "--database", run.database_url, "--force")
    assert again.returncode == 0, again.stderr
    assert "kept the existing Content Credentials keys" in again.stdout
    assert key.read_bytes() == first

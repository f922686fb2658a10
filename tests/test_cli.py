"""The `fediart` command as an admin runs it: real processes, a real database, one-line errors."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

FEDIART = [sys.executable, "-m", "fediart"]


@pytest.fixture
def run(tmp_path, database_settings):
    """Run `fediart ARGS` in tmp_path against this test's database."""
    env = {**os.environ, "FEDIART_LOG_LEVEL": "WARNING"}
    if database_settings.get("schema"):
        env["FEDIART_DATABASE_SCHEMA"] = database_settings["schema"]

    def fediart(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*FEDIART, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"fediart {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    fediart.database_url = database_settings["url"]
    return fediart


def test_init_writes_a_loopback_config_and_creates_the_database(run, tmp_path):
    result = run("init", "--domain", "localhost:8123", "--database", run.database_url)
    assert "http://localhost:8123" in result.stdout
    config = tomllib.loads((tmp_path / "fediart.toml").read_text())
    assert config["server"]["domain"] == "localhost:8123"
    assert config["server"]["port"] == 8123
    assert config["federation"]["allow_private_addresses"] is True
    assert "up to date" in run("migrate").stdout
    again = run("init", "--domain", "localhost:8123", check=False)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_init_for_a_public_domain_uses_https_and_keeps_the_switch_off(run, tmp_path):
    run("init", "--domain", "art.example", "--database", run.database_url)
    config = tomllib.loads((tmp_path / "fediart.toml").read_text())
    assert config["federation"]["allow_private_addresses"] is False
    show = run("user", "create", "ana", "--display-name", "Ana").stdout
    assert "https://art.example/users/ana" in show


def test_user_create_list_show(run):
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    created = run("user", "create", "ana", "--display-name", "Ana Lima", "--licence", "cc-by-nc-nd-4.0",
                  "--field", "Shop=https://shop.example", "--bio", "Painter.")
    assert "created @ana@localhost:8123" in created.stdout
    run("user", "create", "bob", "--allow-ai-training", "--generative-only")
    listing = run("user", "list").stdout.splitlines()
    assert listing[0].split() == ["HANDLE", "LICENCE", "AI", "TRAINING"]
    assert any(line.startswith("@ana@localhost:8123") and "CC BY-NC-ND 4.0" in line for line in listing)
    assert any(line.startswith("@bob@localhost:8123") and line.endswith("allowed") for line in listing)
    show = run("user", "show", "ana").stdout
    assert "http://localhost:8123/users/ana" in show
    assert "train-ai=n" in show and "DMI-PROHIBITED-AIMLTRAINING" in show
    assert "nothing to do" in run("user", "create", "demo", "--if-no-users").stdout


def test_errors_are_one_line_and_exit_non_zero(run, tmp_path):
    missing = run("user", "list", check=False)
    assert missing.returncode == 1 and "config file not found" in missing.stderr
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    run("user", "create", "ana")
    for args, message in (
        (("user", "create", "ana"), "user 'ana' already exists"),
        (("user", "create", "Bad Name!"), "invalid username"),
        (("user", "create", "cara", "--licence", "cc-by-99"), "unknown licence 'cc-by-99'"),
        (("user", "show", "nobody"), "no user named 'nobody'"),
    ):
        result = run(*args, check=False)
        assert result.returncode == 1, args
        assert result.stderr.strip().count("\n") == 0 and message in result.stderr, result.stderr
    config = tmp_path / "fediart.toml"
    config.write_text(config.read_text().replace("[server]\n", "[server]\nportt = 3\n"))
    bad_key = run("user", "list", check=False)
    assert bad_key.returncode == 1
    assert "fediart.toml: unknown key [server] portt" in bad_key.stderr


def test_unreachable_database_is_reported_plainly(run, tmp_path):
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    env_bad = {"FEDIART_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    result = subprocess.run([*FEDIART, "user", "list"], cwd=tmp_path, env={**os.environ, **env_bad},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("fediart: cannot reach the database")
    assert "Traceback" not in result.stderr


def test_fresh_database_accounts_survive_the_cli(run, tmp_path):
    """What the CLI stored is what a server reads: keys are real, the file is where config says."""
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    run("user", "create", "ana")
    if run.database_url.startswith("sqlite"):
        assert Path(run.database_url.split("///", 1)[1]).exists()

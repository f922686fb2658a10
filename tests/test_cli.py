"""The `fediart` command as an admin runs it: real processes, a real database, one-line errors."""

import asyncio
import os
import signal
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from posting import png

from fediart.config import load_config
from fediart.store.db import make_engine
from fediart.store.migrate import alembic_config
from fediart.store.tables import Account, Post, Actor

FEDIART = [sys.executable, "-m", "fediart"]


@pytest.fixture
def run(tmp_path, database_settings):
    """Run `fediart ARGS` in tmp_path against this test's database."""
    env = {**os.environ, "FEDIART_LOG_LEVEL": "WARNING"}
    if database_settings.get("schema"):
        env["FEDIART_DATABASE_SCHEMA"] = database_settings["schema"]

    def fediart(*args: str, check: bool = True, env: dict | None = None, cwd=tmp_path) -> subprocess.CompletedProcess:
        result = subprocess.run([*FEDIART, *args], cwd=cwd, env={**fediart.env, **(env or {})},
                                capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"fediart {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    fediart.database_url = database_settings["url"]
    fediart.env = env
    return fediart


def in_database(run, tmp_path, work):
    """Run `work(connection)` (synchronous SQLAlchemy) on the database of tmp_path/fediart.toml."""
    config = load_config(tmp_path / "fediart.toml", env={k: v for k, v in run.env.items() if k.startswith("FEDIART_")})

    async def go():
        engine = make_engine(config)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def account_id(connection, name: str) -> int:
    return connection.execute(Account.__table__.select().where(Account.username == name)).one().id


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
    assert listing[0].split() == ["HANDLE", "ROLE", "LICENCE", "AI", "TRAINING"]
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


def test_an_error_quoting_a_remote_name_is_one_safe_line(run, tmp_path):
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    run("user", "create", "ana")
    hostile = "\x1b[2J\x1b[Hmallory\r\nfediart: all followers removed\x08\u202e"
    in_database(run, tmp_path, lambda conn: conn.execute(Actor.__table__.insert().values(
        uri="https://evil.example/users/m", domain="evil.example", username=hostile, inbox="https://evil.example/i",
        actor_type="Person", display_name="", summary="", key_id="", public_key_pem="", gone=False,
        fetched_at=datetime(2026, 1, 1, tzinfo=timezone.utc))))
    result = subprocess.run([*FEDIART, "follower", "reject", "ana", "https://evil.example/users/m"], cwd=tmp_path,
                            env=run.env, capture_output=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == (b"fediart: @mallory fediart: all followers removed@evil.example does not follow ana "
                             b"and has not asked to\n")


def test_a_closed_pipe_is_quiet_and_the_post_stays_published(run, tmp_path):
    """`fediart post … | head -1`: the reader leaves early; that is neither a database error nor a crash."""
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    run("user", "create", "ana")
    ana = in_database(run, tmp_path, lambda conn: account_id(conn, "ana"))
    # Enough posts that `post list` writes more than a pipe's buffer while the command runs.
    in_database(run, tmp_path, lambda conn: conn.execute(Post.__table__.insert(), [
        {"account_id": ana, "content": f"<p>sketch {i}</p>", "source": f"sketch {i} " + "x" * 200,
         "summary": "", "sensitive": False, "visibility": "public", "tags": [],
         "published": datetime(2026, 1, 1, tzinfo=timezone.utc)}
        for i in range(400)]))
    # Python buffers stdout into a pipe, so the write may fail at exit; with PYTHONUNBUFFERED, at the print.
    buffered = {k: v for k, v in run.env.items() if k != "PYTHONUNBUFFERED"}
    for env in (buffered, {**buffered, "PYTHONUNBUFFERED": "1"}):
        for args in (("post", "ana", "--text", "Heron at dawn"), ("post", "list", "ana")):
            process = subprocess.Popen([*FEDIART, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
            process.stdout.close()  # the reader is gone before a line is written
            _, err = process.communicate(timeout=60)
            assert (process.returncode, err) == (1, b""), (args, "PYTHONUNBUFFERED" in env)
    assert run("post", "list", "ana").stdout.count("Heron at dawn") == 2


def test_an_os_error_says_what_it_is(run, tmp_path):
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    run("user", "create", "ana")
    (tmp_path / "heron.png").write_bytes(png())
    (tmp_path / "not-a-folder").write_text("a file where the media folder should be")
    result = subprocess.run([*FEDIART, "post", "ana", "--text", "Heron", "--image", "heron.png", "--alt", "a heron"],
                            cwd=tmp_path, env={**run.env, "FEDIART_MEDIA_DIR": "not-a-folder"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"fediart: Not a directory: {tmp_path / 'not-a-folder' / 'ana'}\n"
    assert "has not posted yet" in run("post", "list", "ana").stdout


def test_an_unmigrated_database_says_to_run_migrate(run, tmp_path):
    run("init", "--domain", "localhost:8123", "--database", run.database_url)
    cfg = alembic_config()

    def downgrade(conn):
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")

    in_database(run, tmp_path, downgrade)
    for args in (("user", "list"), ("worker",), ("serve", "--port", "1")):
        result = run(*args, check=False)
        assert result.returncode == 1, args
        assert result.stderr.startswith("fediart: the database schema is at revision ") and \
            result.stderr.endswith(": run `fediart migrate`\n") and result.stderr.count("\n") == 1, result.stderr
    assert "database upgraded" in run("migrate").stdout
    assert "no artist accounts yet" in run("user", "list").stdout
    if run.database_url.startswith("sqlite"):
        missing = run("user", "list", env={"FEDIART_DATABASE_URL": "sqlite+aiosqlite:///elsewhere/none.sqlite3"},
                      check=False)
        assert missing.returncode == 1
        assert missing.stderr == (f"fediart: no database at {tmp_path / 'elsewhere' / 'none.sqlite3'}: run "
                                  f"`fediart migrate` to create it, or check [database] url in fediart.toml\n")
        assert not (tmp_path / "elsewhere" / "none.sqlite3").exists()


def test_serve_refuses_several_workers_on_sqlite(run, tmp_path):
    run("init", "--domain", "localhost:8123", "--database", f"sqlite+aiosqlite:///{tmp_path}/one.sqlite3")
    for args, env, where in (
        (["--workers", "2"], {}, "--workers 2"),
        ([], {"FEDIART_SERVER_WORKERS": "3"}, "[server] workers = 3 in fediart.toml"),
    ):
        # Its own process group, so that a server which did start (the bug) is stopped with all its workers.
        process = subprocess.Popen([*FEDIART, "serve", "--port", "0", *args], cwd=tmp_path,
                                   env={**run.env, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"fediart serve {' '.join(args)} started several workers on SQLite")
        assert process.returncode == 1
        assert err == f"fediart: {where} needs PostgreSQL; SQLite serves from one process (use --workers 1)\n"


def test_relative_paths_in_the_config_file_do_not_depend_on_the_current_directory(run, tmp_path):
    """`--config` from another folder uses the database and media beside the file, not new ones under cwd."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "elsewhere").mkdir()
    run("--config", "conf/fediart.toml", "init", "--domain", "localhost:8123")
    assert tomllib.loads((tmp_path / "conf" / "fediart.toml").read_text())["media"]["dir"] == "./data/media"
    (tmp_path / "me.png").write_bytes(png())
    run("--config", "../conf/fediart.toml", "user", "create", "ana", cwd=tmp_path / "elsewhere")
    run("--config", "../conf/fediart.toml", "user", "update", "ana", "--avatar", "../me.png",
        cwd=tmp_path / "elsewhere")
    assert "@ana@localhost:8123" in run("user", "list", cwd=tmp_path / "conf").stdout
    assert (tmp_path / "conf" / "data" / "fediart.sqlite3").exists()
    assert list((tmp_path / "conf" / "data" / "media" / "ana").glob("*.png"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf", "elsewhere", "me.png"]
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_init_writes_paths_typed_on_the_command_line_as_the_config_file_reads_them(run, tmp_path):
    """--data-dir and --database are typed relative to the current directory; the file is read from its folder."""
    for folder in ("conf", "other", "third"):
        (tmp_path / folder).mkdir()
    run("--config", "conf/fediart.toml", "init", "--domain", "localhost:8123", "--data-dir", "conf/state")
    run("--config", "other/fediart.toml", "init", "--domain", "localhost:8124", "--data-dir", "shared")
    run("--config", "third/fediart.toml", "init", "--domain", "localhost:8125", "--database",
        "sqlite+aiosqlite:///third.sqlite3")
    written = {folder: tomllib.loads((tmp_path / folder / "fediart.toml").read_text())
               for folder in ("conf", "other", "third")}
    assert written["conf"]["media"]["dir"] == "./state/media"
    assert written["other"]["media"]["dir"] == f"{tmp_path}/shared/media"
    assert written["third"]["database"]["url"] == f"sqlite+aiosqlite:///{tmp_path}/third.sqlite3"
    for database in ("conf/state/fediart.sqlite3", "shared/fediart.sqlite3", "third.sqlite3"):
        assert (tmp_path / database).exists(), database

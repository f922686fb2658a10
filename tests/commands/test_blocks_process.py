"""`fediart block` as an admin runs it: a real process and database, exit codes and one-line errors."""

import os
import subprocess
import sys

import pytest

from fediart.policy.blocklists import CSV_HEADER


@pytest.fixture
def fediart(tmp_path, database_settings):
    env = {**os.environ, "FEDIART_LOG_LEVEL": "WARNING"}
    if database_settings.get("schema"):
        env["FEDIART_DATABASE_SCHEMA"] = database_settings["schema"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "fediart", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)

    assert run("init", "--domain", "localhost:8123", "--database", database_settings["url"]).returncode == 0
    return run


def test_errors_exit_1_on_one_line_and_a_bad_file_imports_nothing(fediart, tmp_path):
    bad = fediart("block", "add", "https://spam.example/about")
    assert bad.returncode == 1
    assert bad.stderr == "fediart: not a bare domain name: 'https://spam.example/about'\n"

    good = tmp_path / "good.csv"
    good.write_text(",".join(CSV_HEADER) + "\nspam.example,suspend,false,false,\"spam, mostly\",false\n"
                    "quiet.example,silence,true,false,,false\n")
    imported = fediart("block", "import", str(good))
    assert imported.returncode == 0, imported.stderr
    # Not a terminal: no progress bar, only the summary.
    assert (imported.stdout, imported.stderr) == (f"2 entries from {good}: added 2, changed 0, 0 unchanged\n", "")

    broken = tmp_path / "broken.csv"
    broken.write_text(",".join(CSV_HEADER) + "\nnew.example,suspend\nnew2.example,suspend,sometimes\n")
    failed = fediart("block", "import", str(broken))
    assert failed.returncode == 1
    assert failed.stderr == (f"fediart: {broken}: line 3: #reject_media must be true or false, not 'sometimes'; "
                             "nothing was imported\n")

    exported = fediart("block", "export")
    assert exported.stdout == (",".join(CSV_HEADER) + "\nquiet.example,silence,true,false,,false\n"
                               "spam.example,suspend,false,false,\"spam, mostly\",false\n")
    assert exported.stderr == "exported 2 rule(s)\n"

"""`fediart post …` as an artist runs it: the real command line in-process, a real database, one-line errors."""

import re
import subprocess

import pytest
from posting import png

from fediart.cli import main
from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp


@pytest.fixture
def fediart(tmp_path, database_settings, monkeypatch, capsys):
    """Run `fediart ARGS` in tmp_path; returns what it printed, like a finished process."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEDIART_LOG_LEVEL", "WARNING")
    if database_settings.get("schema"):
        monkeypatch.setenv("FEDIART_DATABASE_SCHEMA", database_settings["schema"])

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        if check and code != 0:
            raise AssertionError(f"fediart {' '.join(args)} failed:\n{out}\n{err}")
        return subprocess.CompletedProcess(args, code, out, err)

    run("init", "--domain", "localhost:8123", "--database", database_settings["url"])
    run("user", "create", "ana", "--licence", "cc-by-nc-nd-4.0")
    return run


def test_post_list_edit_delete(fediart, tmp_path):
    (tmp_path / "heron.png").write_bytes(png())
    out = fediart("post", "ana", "--text", "Heron #ink", "--image", "heron.png", "--alt", "A heron",
                  "--cw", "birds").stdout
    [post_id] = re.findall(r"^http://localhost:8123/@ana/(\d+)$", out, re.M)
    assert "queued for 0 inbox(es)" in out
    fediart("post", "ana", "--text", "no alt needed", "--image", "heron.png", "--alt", "", "--visibility", "unlisted")
    listing = fediart("post", "list", "ana").stdout
    assert f"http://localhost:8123/@ana/{post_id}" in listing and "unlisted" in listing and "Heron #ink" in listing
    assert "edited" in fediart("post", "edit", post_id, "--text", "Heron, varnished", "--alt", "1", "A grey heron").stdout
    files = lambda: {p for p in (tmp_path / "data" / "media" / "ana").glob("*.png") if "-small" not in p.name}  # noqa: E731
    before = files()
    relicensed = fediart("post", "edit", post_id, "--licence", "cc-by-4.0").stdout
    assert "licence now cc-by-4.0, written into every image file" in relicensed
    [image] = files() - before  # the post's file, rewritten under a new name; the other post's is untouched
    assert len(before - files()) == 1
    rights = read_xmp_rights(embedded_xmp(image.read_bytes()))
    assert rights["web_statement"] == "https://creativecommons.org/licenses/by/4.0/"
    assert rights["alt_text"] == "A grey heron"
    assert "deleted" in fediart("post", "delete", post_id).stdout
    assert "deleted" in fediart("post", "list", "ana").stdout.splitlines()[-1]
    assert list((tmp_path / "data" / "media" / "ana").glob("*")) != []  # the other post's files stay


def test_post_errors_are_one_line(fediart, tmp_path):
    (tmp_path / "heron.png").write_bytes(png())
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    for args, message in (
        (("post", "nobody", "--text", "hi"), "no user named 'nobody'"),
        (("post", "ana", "--image", "missing.png", "--alt", "x"), "cannot read missing.png"),
        (("post", "ana", "--image", "heron.png"), "give one --alt TEXT after each --image"),
        (("post", "ana", "--image", "notes.pdf", "--alt", "x"), "PDF images are not accepted"),
        (("post", "ana"), "give --text"),
        (("post", "ana", "--text", "x", "--licence", "cc-by-99"), "unknown licence 'cc-by-99'"),
        (("post", "ana", "--text", "x", "--visibility", "direct"), "needs at least one"),
        (("post", "edit", "abc", "--text", "x"), "give the post's number"),
        (("post", "edit", "999", "--text", "x"), "there is no post 999"),
        (("post", "edit", "1", "--alt", "only text"), "--alt takes the image number"),
        (("post", "delete", "999"), "there is no post 999"),
        (("post", "list", "nobody"), "no user named 'nobody'"),
    ):
        result = fediart(*args, check=False)
        assert result.returncode == 1, (args, result.stdout)
        assert result.stderr.strip().count("\n") == 0 and message in result.stderr, (args, result.stderr)
    assert "has not posted yet" in fediart("post", "list", "ana").stdout


def test_user_update_stores_images_with_the_licence_and_tells_followers(fediart, tmp_path):
    from fediart.licence.xmp import read_xmp_rights
    from fediart.media.encode import embedded_xmp

    (tmp_path / "me.png").write_bytes(png())
    (tmp_path / "junk.png").write_bytes(b"not an image")
    out = fediart("user", "update", "ana", "--avatar", "me.png", "--display-name", "Ana Lima",
                  "--ai-training", "reserved", "--approval", "manual").stdout
    assert "updated @ana@localhost:8123: display name, AI training, follower approval, avatar" in out
    [avatar] = [p for p in (tmp_path / "data" / "media" / "ana").glob("*.png") if "-small" not in p.name]
    rights = read_xmp_rights(embedded_xmp(avatar.read_bytes()))
    assert rights["data_mining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
    bad = fediart("user", "update", "ana", "--header", "junk.png", check=False)
    assert bad.returncode == 1 and "header junk.png: file is not an image" in bad.stderr
    nothing = fediart("user", "update", "ana", check=False)
    assert nothing.returncode == 1 and "nothing to change" in nothing.stderr
    hidden = fediart("user", "update", "ana", "--collections", "hidden").stdout
    assert "updated @ana@localhost:8123: hidden collections" in hidden


def test_listings_show_what_was_typed_without_terminal_controls(fediart):
    """Text pasted from elsewhere can carry escapes; listings and profiles print it on one plain line."""
    fediart("post", "ana", "--text", "Heron\x1b[2J\x1b]0;title\x07 at\rdawn")
    [line] = fediart("post", "list", "ana").stdout.splitlines()
    assert line.endswith("  Heron at dawn")
    out = fediart("user", "update", "ana", "--display-name", "Ana\x1b[31m Lima\u202e").stdout
    assert "  display name     Ana Lima\n" in out and "\x1b" not in out

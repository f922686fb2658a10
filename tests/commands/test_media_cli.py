"""`fediart media migrate|verify|prune` against the local folder and a real S3 protocol server on loopback."""

from __future__ import annotations

import io
import os
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import make_config
from object_storage import bucket, objects, s3_endpoint, with_s3  # noqa: F401 - fixtures
from posting import png, publish
from sqlmodel import select, update

from fediart.cli import build_parser
from fediart.commands import CliError, CommandContext
from fediart.media.storage import make_storage
from fediart.store.tables import Media, utcnow


@pytest.fixture
async def config(database_settings, tmp_path, s3_endpoint, bucket):
    # The instance runs on the local folder; the bucket is configured, ready to migrate to.
    return with_s3(make_config(database_settings, tmp_path), s3_endpoint, bucket, backend="local")


async def run(services, config, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return await args.run(CommandContext(config, services.sessions, services.engine), args)


class Terminal(io.StringIO):
    """stderr as a terminal, so the progress bar draws; it can be interrupted (^C) at a given count."""

    def __init__(self, interrupt_at: str = "") -> None:
        super().__init__()
        self.interrupt_at = interrupt_at

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.interrupt_at and text.endswith(self.interrupt_at):
            raise KeyboardInterrupt
        return super().write(text)


def local_files(services) -> dict[str, bytes]:
    root = Path(services.config.media.dir)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


async def test_migrate_to_s3_copies_everything_verified_and_resumes_after_an_interruption(
        services, config, make_artist, monkeypatch, capsys, s3_endpoint, bucket):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    await publish(services, images=[(png(), "one"), (png("blue"), "two")], licence_key="cc-by-4.0")
    await publish(services, images=[(png("green"), "three")])
    files = local_files(services)
    assert len(files) >= 6
    total = len(files)

    # Interrupted after three objects, as an admin's ^C or a killed process would stop it.
    terminal = Terminal(interrupt_at=f" 3/{total}")
    monkeypatch.setattr(sys, "stderr", terminal)
    with pytest.raises(KeyboardInterrupt):
        await run(services, config, "media", "migrate", "--to", "s3")
    assert len(objects(s3_endpoint, bucket)) == 3

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert await run(services, config, "media", "migrate", "--to", "s3") == 0
    out = capsys.readouterr().out
    assert f"copied {total - 3} objects to s3 (3 were already there); all {total} verified by checksum." in out
    assert 'Now set [storage] backend = "s3"' in out
    assert f"copying to s3 [{'#' * 30}] {total}/{total}" in terminal.getvalue()  # the progress bar

    stored = objects(s3_endpoint, bucket)
    assert set(stored) == set(files)
    target = make_storage(config, "s3")
    for name, data in files.items():
        assert target.get(name) == data
        meta = stored[name]["Metadata"]
        assert meta["tdm-reservation"] == "1" and "noai" in meta["x-robots-tag"]
    # Each object has its own post's licence, as fediart would serve it.
    [media_one] = [m for m in files if m.endswith(".png") and not m.endswith("-small.png")][:1]
    assert 'rel="license"' in stored[media_one]["Metadata"]["link"]

    # A third run finds everything there and copies nothing.
    assert await run(services, config, "media", "migrate", "--to", "s3") == 0
    assert f"copied 0 objects to s3 ({total} were already there)" in capsys.readouterr().out

    # Switched over, the same rows are served from the bucket: nothing in the database changed.
    switched = replace(config, storage=replace(config.storage, backend="s3"))
    assert await run(services, switched, "media", "verify") == 0
    assert f"{total} stored (s3)" in capsys.readouterr().out


async def test_migrate_refuses_the_backend_it_is_on_and_a_target_without_a_bucket(services, config, tmp_path):
    with pytest.raises(CliError, match="already local"):
        await run(services, config, "media", "migrate", "--to", "local")
    bucketless = replace(config, storage=replace(config.storage, bucket=""))
    with pytest.raises(Exception, match=r"\[storage\] bucket is missing"):
        await run(services, bucketless, "media", "migrate", "--to", "s3")


async def test_verify_reports_missing_objects_and_orphans(services, config, make_artist, capsys):
    await make_artist("ana")
    post = await publish(services, images=[(png(), "one")])
    assert await run(services, config, "media", "verify") == 0
    assert "missing: 0" in capsys.readouterr().out
    root = Path(services.config.media.dir)
    async with services.sessions() as session:
        [media] = (await session.exec(select(Media).where(Media.post_id == post.id))).all()
    (root / media.thumbnail_file).unlink()
    (root / "ana" / "stray.png").write_bytes(png())
    assert await run(services, config, "media", "verify") == 1
    out = capsys.readouterr().out
    assert "missing: 1" in out and f"  {media.thumbnail_file}" in out
    assert "orphans: 1" in out and "  ana/stray.png" in out


async def test_prune_removes_old_unattached_uploads_and_old_orphans_only(services, config, make_artist, capsys):
    from fediart.actions.media import upload_media

    ana = await make_artist("ana")
    kept_post = await publish(services, images=[(png(), "kept")])
    old_upload = await upload_media(services, ana, png("blue"), description="never posted")
    fresh_upload = await upload_media(services, ana, png("green"), description="being written")
    async with services.sessions() as session:
        await session.exec(update(Media).where(Media.id == old_upload.id)
                           .values(created_at=utcnow() - timedelta(days=30)))
        await session.commit()
    root = Path(services.config.media.dir)
    old_orphan, fresh_orphan = root / "ana" / "old.png", root / "ana" / "fresh.png"
    old_orphan.write_bytes(png())
    fresh_orphan.write_bytes(png())
    month_ago = time.time() - 30 * 86400
    os.utime(old_orphan, (month_ago, month_ago))

    assert await run(services, config, "media", "prune", "--older-than", "7") == 0
    assert "removed 1 uploads no post took and 1 orphaned objects, older than 7 days" in capsys.readouterr().out
    assert not old_orphan.exists() and fresh_orphan.exists()
    assert not (root / old_upload.file).exists() and (root / fresh_upload.file).exists()
    async with services.sessions() as session:
        assert await session.get(Media, old_upload.id) is None
        assert await session.get(Media, fresh_upload.id) is not None
    assert await run(services, config, "media", "verify") == 0  # what posts use is all still there
    assert kept_post.id


def test_prune_help_says_what_it_removes(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["media", "prune", "--help"])
    assert "no copies of remote media" in " ".join(capsys.readouterr().out.split())

"""`fediart album list|create|add|remove|delete NAME …`: readable output, refusals as one line."""

from __future__ import annotations

import pytest
from web.works_support import add_work

from fediart.commands import CliError
from fediart.store.album_tables import Album


async def test_create_add_list_remove_delete(services, make_artist, cli):
    ana = await make_artist("ana")
    first, second = await add_work(services, ana, source="One"), await add_work(services, ana, source="Two")
    assert (await cli("album", "list", "ana")).startswith("@ana has no albums yet")
    out = await cli("album", "create", "ana", "Herons 2026", "--description", "Grey birds")
    async with services.sessions() as session:
        [album] = (await session.exec(Album.__table__.select())).all()
    assert out == f'created album {album.id} "Herons 2026" for @ana: https://art.example/@ana/albums/{album.id}\n'
    assert album.description == "Grey birds"
    assert await cli("album", "add", "ana", str(album.id), str(first.id), str(second.id)) == \
        f"added 2 posts to album {album.id}\n"
    assert await cli("album", "add", "ana", str(album.id), str(first.id)) == \
        f"added 0 posts to album {album.id} (1 already in it)\n"
    listing = (await cli("album", "list", "@ana")).splitlines()
    assert listing[0].split() == ["ID", "WORKS", "TITLE"]
    assert listing[1].split() == [str(album.id), "2", "Herons", "2026"]
    assert await cli("album", "remove", "ana", str(album.id), str(first.id)) == \
        f"removed post {first.id} from album {album.id}; the post stays\n"
    assert (await cli("album", "list", "ana")).splitlines()[1].split()[1] == "1"
    assert await cli("album", "delete", "ana", str(album.id)) == \
        f'deleted album {album.id} "Herons 2026"; its posts stay\n'
    assert (await cli("album", "list", "ana")).startswith("@ana has no albums yet")


async def test_refusals_name_what_went_wrong(services, make_artist, cli):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    secret = await add_work(services, ana, visibility="followers")
    bea_post = await add_work(services, bea)
    await cli("album", "create", "ana", "Herons")
    async with services.sessions() as session:
        [album] = (await session.exec(Album.__table__.select())).all()
    with pytest.raises(CliError, match=r"^no user named 'nobody'$"):
        await cli("album", "list", "nobody")
    with pytest.raises(CliError, match=r"^cannot add to album \d+: Only public or unlisted posts"):
        await cli("album", "add", "ana", str(album.id), str(secret.id))
    with pytest.raises(CliError, match=r"^cannot add to album \d+: There is no such post of yours\.$"):
        await cli("album", "add", "ana", str(album.id), str(bea_post.id))
    with pytest.raises(CliError, match=r"^cannot delete album \d+: There is no such album of yours\.$"):
        await cli("album", "delete", "bea", str(album.id))
    with pytest.raises(CliError, match=r"^cannot create the album: An album's title can be at most 100"):
        await cli("album", "create", "ana", "x" * 101)
    with pytest.raises(CliError, match=r"^cannot remove from album \d+: That post is not in this album\.$"):
        await cli("album", "remove", "ana", str(album.id), "12345")

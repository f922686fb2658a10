"""`fediart original link|links|revoke|access`: download links and who may fetch originals, from the CLI."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from posting import publish

from fediart.commands import CliError
from fediart.store.posts import media_for
from fediart.store.tables import Account, Post


def big_jpeg(size=(3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def large_media(services):
    post = await publish(services, images=[(big_jpeg(), "A grey gradient")])
    async with services.sessions() as session:
        [media] = (await media_for(session, [post.id]))[post.id]
    return post, media


async def test_link_list_and_revoke(client, services, make_artist, cli):
    await make_artist("ana")
    post, media = await large_media(services)
    out = (await cli("original", "link", "ana", str(media.id), "--expires", "2d", "--label", "Print shop")).splitlines()
    assert out[0].startswith(f"download link 1 for media {media.id}, until ")
    url = out[1]
    assert url.startswith("https://art.example/originals/download/")
    path = url.removeprefix("https://art.example")
    assert (await client.get(path)).status_code == 200
    listing = (await cli("original", "links", "ana")).splitlines()
    assert listing[0].split() == ["ID", "MEDIA", "STATE", "EXPIRES", "LABEL"]
    assert listing[1].split()[:3] == ["1", str(media.id), "active"] and listing[1].endswith("Print shop")
    assert url.rpartition("/")[2] not in "\n".join(listing)  # the secret is shown once
    assert await cli("original", "revoke", "ana", "1") == "revoked download link 1\n"
    assert (await client.get(path)).status_code == 404
    assert (await cli("original", "links", "ana")).splitlines()[1].split()[2] == "revoked"


async def test_refusals_are_one_line(services, make_artist, cli):
    await make_artist("ana")
    await make_artist("bo")
    _, media = await large_media(services)
    with pytest.raises(CliError, match="cannot link: Record not found"):
        await cli("original", "link", "bo", str(media.id))
    with pytest.raises(CliError, match="cannot link: Validation failed: expiry"):
        await cli("original", "link", "ana", str(media.id), "--expires", "soon")
    with pytest.raises(CliError, match="no user named"):
        await cli("original", "links", "nobody")


async def test_access_for_the_account_and_one_post(services, make_artist, cli):
    ana = await make_artist("ana")
    post, _ = await large_media(services)
    assert await cli("original", "access", "ana", "followers") == "@ana's originals: followers\n"
    assert await cli("original", "access", "ana", "everyone", "--post", str(post.id)) == \
        f"post {post.id}'s originals: everyone\n"
    async with services.sessions() as session:
        assert (await session.get(Account, ana.id)).original_access == "followers"
        assert (await session.get(Post, post.id)).original_access == "everyone"
    with pytest.raises(CliError, match="original_access must be one of"):
        await cli("original", "access", "ana", "cats")

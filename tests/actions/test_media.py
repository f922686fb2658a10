"""actions/media.py: uploads kept unattached, owned, described, and cleaned up when no post takes them."""

import pytest
from posting import jpeg, media_files

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.media import discard_uploads, get_media, parse_focus, update_media, upload_media
from fediart.actions.posts import create_status


@pytest.mark.parametrize("text,expected", [(None, None), ("", None), ("0,0", (0.0, 0.0)), ("-1,1", (-1.0, 1.0)),
                                           (" 0.5 , -0.25 ", (0.5, -0.25))])
def test_focus_is_two_numbers_in_range(text, expected):
    assert parse_focus(text) == expected


@pytest.mark.parametrize("text", ["1.01,0", "0,-1.5", "0", "0,0,0", "x,y", "nan,0"])
def test_focus_out_of_range_or_unreadable_is_refused(text):
    with pytest.raises(ActionError, match="focus must be two numbers"):
        parse_focus(text)


async def test_upload_is_unattached_and_only_its_owner_reads_or_changes_it(services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    media = await upload_media(services, ana, jpeg(), description="heron", focus="0.2,0.4")
    assert media.post_id is None and (media.focal_x, media.focal_y) == (0.2, 0.4)
    assert (await get_media(services, ana, str(media.id))).description == "heron"
    with pytest.raises(NotFound):
        await get_media(services, bea, media.id)
    with pytest.raises(NotFound):
        await update_media(services, bea, media.id, description="mine")
    with pytest.raises(NotFound):
        await get_media(services, ana, "12abc")
    changed = await update_media(services, ana, media.id, description="grey heron")
    assert changed.description == "grey heron" and (changed.focal_x, changed.focal_y) == (0.2, 0.4)


async def test_an_unknown_licence_is_refused_before_anything_is_written(services, make_artist):
    ana = await make_artist("ana")
    with pytest.raises(ActionError, match="unknown licence"):
        await upload_media(services, ana, jpeg(), licence_key="cc-by-99")
    assert media_files(services) == []


async def test_discarding_removes_only_unattached_uploads_of_that_artist(services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    posted = await upload_media(services, ana, jpeg())
    await create_status(services, ana, media_ids=[str(posted.id)])
    spare = await upload_media(services, ana, jpeg())
    theirs = await upload_media(services, bea, jpeg())
    await discard_uploads(services, ana, [posted.id, spare.id, theirs.id])
    names = {p.name for p in media_files(services)}
    assert posted.file.split("/")[1] in names and theirs.file.split("/")[1] in names
    assert spare.file.split("/")[1] not in names
    with pytest.raises(NotFound):
        await get_media(services, ana, spare.id)

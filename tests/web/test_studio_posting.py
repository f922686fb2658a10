"""The studio's posting pages, used as a browser uses them: the upload form posted as multipart with the
CSRF token read from the page, the works list, the edit and delete forms; what the public pages, the
stored files, the database and the followers' servers then show."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from posting import add_remote, jpeg, png
from signin import query_of
from sqlmodel import select
from studio_support import signed_in

from helpers import BROWSER_ACCEPT, make_config
from fediart.actions.posts import create_status
from fediart.licence.xmp import read_xmp_rights
from fediart.media.encode import embedded_xmp
from fediart.store.tables import Media, Post
from fediart.worker import run_due_work

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"


@pytest.fixture
async def config(database_settings, tmp_path, request):
    """The usual test config; tests parametrized indirectly on `config` pass make_config arguments."""
    return make_config(database_settings, tmp_path, **getattr(request, "param", {}))


class _Fields(HTMLParser):
    """The values a browser would post from one form: inputs, checked boxes, textareas and selects
    (disabled controls and file inputs left out, as browsers leave them out)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields, self.names = action, False, {}, []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").split("?")[0].endswith(self.action)
            return
        if not self.inside or not a.get("name"):
            if tag == "option" and self.inside and self._select and ("selected" in a or self._select not in self.fields):
                self.fields[self._select] = a.get("value", "")
            return
        name = a["name"]
        self.names.append(name)
        if "disabled" in a:
            return
        if tag == "input" and a.get("type") not in ("file", "checkbox"):
            self.fields[name] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[name] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def fields_of(html: str, action: str) -> tuple[dict[str, str], list[str]]:
    parser = _Fields(action)
    parser.feed(html)
    assert parser.names, f"no form posting to {action}"
    return parser.fields, parser.names


async def form_on(client, page: str, action: str) -> dict[str, str]:
    response = await client.get(page)
    assert response.status_code == 200, response.text
    return fields_of(response.text, action)[0]


async def post_new(client, images=(), **values):
    """Fill in /studio/new as the page serves it; `images` are (slot, filename, bytes)."""
    data = {**await form_on(client, "/studio/new", "/studio/new"), **values}
    files = [(f"image_{n}", (name, blob, "application/octet-stream")) for n, name, blob in images]
    return await client.post("/studio/new", data=data, files=files or [("image_1", ("", b"", "application/octet-stream"))])


async def rows(services, table, *where):
    async with services.sessions() as session:
        return list((await session.exec(select(table).where(*where))).all())


def alert_of(html: str) -> str:
    """The text of the page's role=alert element, tags left out."""
    found = re.search(r'<(p|div)[^>]*role="alert">(.*?)</\1>', html, re.S)
    assert found, html
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def media_files(services) -> list[Path]:
    return [p for p in Path(services.media_dir).rglob("*") if p.is_file()]


async def test_the_upload_form_has_every_field_with_a_label_and_the_account_licence_chosen(client, services, make_artist):
    await signed_in(client, services, make_artist, licence_key="cc-by-nc-4.0")
    page = await client.get("/studio/new")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    fields, names = fields_of(page.text, "/studio/new")
    expected = {"csrf_token", "text", "spoiler_text", "sensitive", "visibility", "licence"}
    expected |= {f"{kind}_{n}" for kind in ("image", "alt", "focus") for n in range(1, 5)}
    assert expected <= set(names)
    assert fields["licence"] == "cc-by-nc-4.0" and fields["visibility"] == "public"
    assert 'enctype="multipart/form-data"' in page.text and '<button type="submit">Post</button>' in page.text
    assert 'accept="image/*"' in page.text and "style=" not in page.text
    for label in ("Text", "Image 3", "Alt text for image 3", "Focal point for image 3", "Content warning",
                  "Mark images as sensitive"):
        assert f">{label}</label>" in page.text
    for control in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', page.text):
        assert f'<label for="{control}">' in page.text, control


async def test_one_image_is_posted_with_its_alt_text_and_the_chosen_licence_in_the_file(client, services,
                                                                                       make_artist):
    ana = await signed_in(client, services, make_artist)
    response = await post_new(client, [(1, "heron.jpg", jpeg())], text="Heron study #ink",
                              alt_1="A grey heron standing in reeds", licence="cc-by-4.0")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "https://art.example/studio/works?done=posted"
    [post] = await rows(services, Post, Post.account_id == ana.id)
    [media] = await rows(services, Media, Media.post_id == post.id)
    assert post.source == "Heron study #ink" and post.licence_key == "cc-by-4.0" and post.visibility == "public"
    assert media.description == "A grey heron standing in reeds"
    rights = read_xmp_rights(embedded_xmp((Path(services.media_dir) / media.file).read_bytes()))
    assert rights["web_statement"] == CC_BY
    assert rights["data_mining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
    profile = await client.get("/@ana", headers={"accept": BROWSER_ACCEPT})
    assert 'alt="A grey heron standing in reeds"' in profile.text
    page = await client.get(f"/@ana/{post.id}", headers={"accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and "A grey heron standing in reeds" in page.text
    works = await client.get(response.headers["location"])
    assert "Your work is posted." in works.text and 'alt="A grey heron standing in reeds"' in works.text
    assert f'href="https://art.example/@ana/{post.id}">View</a>' in works.text


async def test_several_images_keep_their_order_alt_text_focus_and_the_post_its_options(client, services,
                                                                                      make_artist):
    ana = await signed_in(client, services, make_artist)
    images = [(1, "a.png", png("red")), (2, "b.jpg", jpeg()), (4, "c.png", png("blue"))]
    response = await post_new(client, images, alt_1="Red", alt_2="Teal", alt_4="Blue", focus_2="0.5,-0.25",
                              spoiler_text="bright colours", sensitive="1", visibility="unlisted")
    assert response.status_code == 303, response.text
    [post] = await rows(services, Post, Post.account_id == ana.id)
    media = sorted(await rows(services, Media, Media.post_id == post.id), key=lambda m: m.position)
    assert [m.description for m in media] == ["Red", "Teal", "Blue"]
    assert (media[1].focal_x, media[1].focal_y) == (0.5, -0.25)
    assert post.summary == "bright colours" and post.sensitive and post.visibility == "unlisted"
    assert post.licence_key is None  # the profile's licence: the post follows it


async def test_an_image_without_alt_text_is_refused_before_anything_is_stored(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    response = await post_new(client, [(1, "a.png", png()), (2, "b.png", png("blue"))], text="Two studies",
                              alt_1="Red square", alt_2="  ", spoiler_text="squares")
    assert response.status_code == 422
    assert alert_of(response.text).startswith("Add alt text to image 2:")
    assert "choose the image files again" in response.text
    fields, _ = fields_of(response.text, "/studio/new")
    assert fields["text"] == "Two studies" and fields["alt_1"] == "Red square" and fields["spoiler_text"] == "squares"
    assert await rows(services, Post, Post.account_id == ana.id) == []
    assert await rows(services, Media) == [] and media_files(services) == []


@pytest.mark.parametrize("config", [{"media": {"require_alt_text": False}}], indirect=True)
async def test_with_the_switch_off_an_image_without_alt_text_is_posted(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    response = await post_new(client, [(1, "a.png", png())])
    assert response.status_code == 303, response.text
    [post] = await rows(services, Post, Post.account_id == ana.id)
    [media] = await rows(services, Media, Media.post_id == post.id)
    assert media.description == ""


async def test_a_broken_image_after_a_good_one_is_refused_and_the_good_upload_discarded(client, services,
                                                                                        make_artist):
    ana = await signed_in(client, services, make_artist)
    broken = jpeg()[:200]
    response = await post_new(client, [(1, "good.png", png()), (2, "broken.jpg", broken)], text="Keep me",
                              alt_1="Red", alt_2="Broken")
    assert response.status_code == 422
    assert alert_of(response.text) == "Image 2: image data is corrupt or truncated"
    assert fields_of(response.text, "/studio/new")[0]["text"] == "Keep me"
    assert await rows(services, Post, Post.account_id == ana.id) == []
    assert await rows(services, Media) == [] and media_files(services) == []
    not_an_image = await post_new(client, [(1, "notes.txt", b"just some words")], alt_1="Words")
    assert not_an_image.status_code == 422 and "Image 1: file is not an image" in alert_of(not_an_image.text)


async def test_an_empty_post_too_many_images_and_a_bad_focus_are_refused(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    empty = await post_new(client, text="   ")
    assert empty.status_code == 422 and "Write some text or choose at least one image" in alert_of(empty.text)
    data = {**await form_on(client, "/studio/new", "/studio/new"), **{f"alt_{n}": "x" for n in range(1, 5)}}
    five = [(f"image_{n}", (f"{n}.png", png(), "image/png")) for n in (1, 2, 3, 4, 4)]
    too_many = await client.post("/studio/new", data=data, files=five)
    assert too_many.status_code == 422 and "at most 4 images" in alert_of(too_many.text)
    focus = await post_new(client, [(1, "a.png", png())], alt_1="Red", focus_1="2,0")
    assert focus.status_code == 422 and alert_of(focus.text).startswith("Focal point for image 1:")
    assert await rows(services, Post, Post.account_id == ana.id) == []
    assert await rows(services, Media) == []


async def test_forms_posted_with_a_wrong_csrf_token_change_nothing(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    refused = await post_new(client, [(1, "a.png", png())], text="Forged", alt_1="Red", csrf_token="forged")
    assert refused.status_code == 403
    assert await rows(services, Post) == [] and await rows(services, Media) == []
    post = await create_status(services, ana, text="Mine")
    edit = await client.post(f"/studio/works/{post.id}/edit", data={"csrf_token": "forged", "text": "Changed"})
    delete = await client.post(f"/studio/works/{post.id}/delete", data={"csrf_token": "forged"})
    missing = await client.post(f"/studio/works/{post.id}/delete", data={})
    assert edit.status_code == delete.status_code == missing.status_code == 403
    [kept] = await rows(services, Post)
    assert kept.source == "Mine" and kept.deleted_at is None


async def test_an_edit_changes_text_and_alt_text_and_federates_an_update(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    carol = await add_remote(services, network, "carol", follows=ana)
    await post_new(client, [(1, "a.png", png())], text="First words", alt_1="a bird")
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    works = await client.get("/studio/works")
    assert f'href="https://art.example/studio/works/{post.id}/edit">Edit</a>' in works.text
    fields, names = fields_of((await client.get(f"/studio/works/{post.id}/edit")).text, f"/studio/works/{post.id}/edit")
    assert fields["text"] == "First words" and fields[f"alt_{media.id}"] == "a bird"
    assert {"visibility", "licence", "spoiler_text", f"focus_{media.id}"} <= set(names)
    fields.update({"text": "Second words", f"alt_{media.id}": "A grey heron", f"focus_{media.id}": "0,0.5"})
    response = await client.post(f"/studio/works/{post.id}/edit", data=fields)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "https://art.example/studio/works?done=edited"
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    assert post.source == "Second words" and post.updated is not None
    assert media.description == "A grey heron" and (media.focal_x, media.focal_y) == (0.0, 0.5)
    await run_due_work(services)
    sent = {d["type"]: d for d in network.deliveries_to(carol.shared_inbox_url)}
    assert sorted(sent) == ["Create", "Update"]
    note = sent["Update"]["object"]
    assert "Second words" in note["content"] and note["attachment"][0]["name"] == "A grey heron"


async def _one_work_on_its_edit_page(client, services) -> tuple[Post, Media, str, dict]:
    """A work posted with one image ("Words", alt "a bird"); its row, image, edit action and form fields."""
    await post_new(client, [(1, "a.png", png())], text="Words", alt_1="a bird")
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    action = f"/studio/works/{post.id}/edit"
    return post, media, action, await form_on(client, action, action)


async def test_an_edit_is_refused_without_alt_text_or_with_another_audience(client, services, make_artist):
    await signed_in(client, services, make_artist)
    post, media, action, fields = await _one_work_on_its_edit_page(client, services)
    no_alt = await client.post(action, data={**fields, "text": "New words", f"alt_{media.id}": ""})
    assert no_alt.status_code == 422 and alert_of(no_alt.text).startswith("Add alt text to image 1:")
    assert fields_of(no_alt.text, action)[0]["text"] == "New words"
    wider = await client.post(action, data={**fields, "visibility": "direct"})
    assert wider.status_code == 422 and "cannot be changed" in alert_of(wider.text)
    unknown = await client.post(action, data={**fields, "licence": "made-up-1.0"})
    assert unknown.status_code == 422 and alert_of(unknown.text) == "Choose a licence from the list."
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    assert post.source == "Words" and post.visibility == "public" and post.licence_key is None
    assert media.description == "a bird"


async def test_a_form_carrying_a_nul_is_refused_and_changes_nothing(client, services, make_artist):
    await signed_in(client, services, make_artist)
    post, media, action, fields = await _one_work_on_its_edit_page(client, services)
    response = await client.post(action, data={**fields, "text": "New\x00words", f"alt_{media.id}": "a\x00bird"})
    assert response.status_code == 400 and "NUL" in response.text
    [after] = await rows(services, Post)
    assert after.source == "Words" and (await rows(services, Media))[0].description == "a bird"


async def test_a_new_licence_chosen_on_the_edit_page_goes_into_the_files_and_to_followers(
        client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    carol = await add_remote(services, network, "carol", follows=ana)
    post, before, action, fields = await _one_work_on_its_edit_page(client, services)
    assert fields["licence"] == ana.licence_key
    response = await client.post(action, data={**fields, "licence": "cc0-1.0"})
    assert response.status_code == 303, response.text
    [post] = await rows(services, Post)
    [media] = await rows(services, Media)
    assert post.licence_key == "cc0-1.0" and media.file != before.file
    assert not (services.media_dir / before.file).exists()
    rights = read_xmp_rights(embedded_xmp((services.media_dir / media.file).read_bytes()))
    assert rights["web_statement"] == CC0 and rights["alt_text"] == "a bird"
    assert (await form_on(client, action, action))["licence"] == "cc0-1.0"
    await run_due_work(services)
    sent = {d["type"]: d for d in network.deliveries_to(carol.shared_inbox_url)}
    assert sorted(sent) == ["Create", "Update"] and sent["Update"]["object"]["license"] == CC0


async def test_delete_removes_the_post_and_its_images_and_tells_followers(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist)
    carol = await add_remote(services, network, "carol", follows=ana)
    await post_new(client, [(1, "a.png", png())], text="Gone soon", alt_1="a bird")
    [post] = await rows(services, Post)
    works = await client.get("/studio/works")
    assert "tells your followers' servers to remove it" in works.text
    fields = fields_of(works.text, f"/studio/works/{post.id}/delete")[0]
    response = await client.post(f"/studio/works/{post.id}/delete", data=fields)
    assert response.status_code == 303
    assert query_of(response.headers["location"]) == {"done": "deleted"}
    [post] = await rows(services, Post)
    assert post.deleted_at is not None and await rows(services, Media) == []
    works = await client.get("/studio/works?done=deleted")
    assert "Gone soon" not in works.text and "The post is deleted" in works.text
    await run_due_work(services)
    assert network.deliveries_to(carol.shared_inbox_url)[-1]["type"] == "Delete"
    again = await client.post(f"/studio/works/{post.id}/delete", data=fields)
    assert again.status_code == 404


async def test_another_artist_can_neither_see_edit_nor_delete_your_post(client, services, make_artist):
    ana = await make_artist("ana")
    post = await create_status(services, ana, text="Ana's work")
    await signed_in(client, services, make_artist, "bea")
    token = (await form_on(client, "/studio/new", "/studio/new"))["csrf_token"]
    assert (await client.get(f"/studio/works/{post.id}/edit")).status_code == 404
    edit = await client.post(f"/studio/works/{post.id}/edit", data={"csrf_token": token, "text": "Bea's now"})
    delete = await client.post(f"/studio/works/{post.id}/delete", data={"csrf_token": token})
    assert edit.status_code == delete.status_code == 404
    assert (await client.get("/studio/works/not-a-number/edit")).status_code == 404
    assert "Ana&#39;s work" not in (await client.get("/studio/works")).text
    [kept] = await rows(services, Post)
    assert kept.source == "Ana's work" and kept.deleted_at is None


async def test_visitors_who_are_not_signed_in_are_sent_to_the_login_page(app, services, make_artist):
    ana = await make_artist("ana")
    post = await create_status(services, ana, text="Mine")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://art.example") as visitor:
        for method, path in (("GET", "/studio/new"), ("POST", "/studio/new"), ("GET", "/studio/works"),
                             ("GET", f"/studio/works/{post.id}/edit"), ("POST", f"/studio/works/{post.id}/edit"),
                             ("POST", f"/studio/works/{post.id}/delete")):
            response = await visitor.request(method, path, data={"text": "x"} if method == "POST" else None)
            assert response.status_code == 303, path
            assert "/login?next=" in response.headers["location"]
    [kept] = await rows(services, Post)
    assert kept.source == "Mine" and kept.deleted_at is None


async def test_the_works_list_is_newest_first_thirty_a_page_with_every_visibility(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    for n in range(31):
        await create_status(services, ana, text=f"Work number {n:02}", visibility="followers" if n == 30 else "public")
    first = await client.get("/studio/works")
    shown = re.findall(r"Work number (\d\d)", first.text)
    assert shown == [f"{n:02}" for n in range(30, 0, -1)]
    assert "Followers only" in first.text and "Not on your public pages" in first.text
    older = re.search(r'href="https://art.example/studio/works\?max_id=(\d+)">Older works', first.text)
    second = await client.get(f"/studio/works?max_id={older.group(1)}")
    assert re.findall(r"Work number (\d\d)", second.text) == ["00"] and "Older works" not in second.text


async def test_a_form_posted_twice_makes_one_post_and_leaves_no_stray_uploads(client, services, make_artist):
    ana = await signed_in(client, services, make_artist)
    data = {**await form_on(client, "/studio/new", "/studio/new"), "text": "Once", "alt_1": "Red"}
    for _ in range(2):  # a double click on "Post"
        response = await client.post("/studio/new", data=data, files=[("image_1", ("a.png", png(), "image/png"))])
        assert response.status_code == 303, response.text
    [post] = await rows(services, Post, Post.account_id == ana.id)
    [media] = await rows(services, Media)
    assert media.post_id == post.id
    assert len(media_files(services)) == len({media.file, media.thumbnail_file, media.display_file} - {""})
    again = await post_new(client, text="A second post from a new form")
    assert again.status_code == 303 and len(await rows(services, Post, Post.account_id == ana.id)) == 2


@pytest.mark.parametrize("config", [{"media": {"max_upload_mb": 1}}], indirect=True)
async def test_files_over_the_size_limit_are_refused_before_anything_is_stored(client, services, make_artist):
    await signed_in(client, services, make_artist)
    big = jpeg() + bytes(2**20)
    response = await post_new(client, [(1, "a.png", png()), (2, "big.jpg", big)], text="Big", alt_1="a", alt_2="b")
    assert response.status_code == 422
    assert alert_of(response.text) == "Image 2: the file is 1.1 MB; the limit is 1 MB."
    huge = await post_new(client, [(n, f"{n}.jpg", big) for n in (1, 2, 3, 4)] + [(1, "x.jpg", big)], text="Huge")
    assert huge.status_code == 413 and "too large together" in alert_of(huge.text)
    assert await rows(services, Post) == [] and await rows(services, Media) == [] and media_files(services) == []

"""Protected originals: a large upload federates a capped rendition; the full-resolution file lives at
an unguessable address, served only to whom the artist allows, and never by /media."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from fakes import signed_get
from PIL import Image
from posting import add_remote, delete, publish
from signin import give_password, sign_in

from fediart.media.storage import LocalStorage
from fediart.inbox.throttle import InboxThrottle
from fediart.store.original_tables import DownloadLink  # noqa: F401 (registers the table)
from fediart.store.posts import media_for
from fediart.store.tables import Account, Post


def big_jpeg(size=(3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


async def signed_in(client, services, make_artist, name):
    account = await make_artist(name)
    await give_password(services, account)
    assert (await sign_in(client, name, next_path="/studio")).status_code == 303
    return account


async def stored(services, post_id):
    async with services.sessions() as session:
        return (await media_for(session, [post_id]))[post_id]


async def set_access(services, account_id, value, post_id=None):
    async with services.sessions() as session:
        row = await session.get(Post, post_id) if post_id else await session.get(Account, account_id)
        row.original_access = value
        session.add(row)
        await session.commit()
    services.cache.clear()


async def large_post(services, make_artist, name="ana"):
    account = await make_artist(name)
    post = await publish(services, name, images=[(big_jpeg(), "A grey gradient")])
    [media] = await stored(services, post.id)
    return account, post, media


async def test_a_large_upload_federates_a_capped_rendition_and_keeps_the_original_apart(client, services, make_artist,
                                                                                       network):
    _, post, media = await large_post(services, make_artist)
    reader = await add_remote(services, network, "kim", "friends.example")
    root = Path(services.config.media.dir)
    with Image.open(root / media.file) as federated:
        assert federated.size == (2560, 1707)
    assert (media.width, media.height) == (2560, 1707)
    assert media.original_file.startswith("originals/ana/")
    with Image.open(root / media.original_file) as original:
        assert original.size == (3000, 2000)
    # Nothing in the rendition's name leads to the original's.
    stem = media.file.rpartition("/")[2].partition(".")[0]
    assert stem not in media.original_file
    assert len(media.original_file.rpartition("/")[2].partition(".")[0]) == 32
    # The public media route serves the rendition, never anything of the originals tree.
    assert (await client.get(f"/media/{media.file}")).status_code == 200
    for path in (f"/media/{media.original_file}", f"/media/originals/{media.original_file.rpartition('/')[2]}",
                 f"/media/{media.original_file.removeprefix('originals/')}"):
        assert (await client.get(path)).status_code == 404
    # Other servers see only the rendition.
    note = await signed_get(client, reader, f"/users/ana/statuses/{post.id}")
    assert note.status_code == 200
    assert media.file in note.text and media.original_file.rpartition("/")[2] not in note.text


async def test_a_small_upload_is_its_own_original(services, make_artist):
    await make_artist("ana")
    post = await publish(services, images=[(big_jpeg((800, 600)), "small")])
    [media] = await stored(services, post.id)
    assert media.original_file == ""


async def test_only_the_artist_gets_the_original_by_default(client, services, make_artist):
    await signed_in(client, services, make_artist, "ana")
    post = await publish(services, images=[(big_jpeg(), "A grey gradient")])
    [media] = await stored(services, post.id)
    response = await client.get(f"/{media.original_file}")
    assert response.status_code == 200
    assert response.content == (Path(services.config.media.dir) / media.original_file).read_bytes()
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["vary"] == "Cookie, Signature"
    assert "tdm-reservation" in response.headers
    client.cookies.clear()
    anonymous = await client.get(f"/{media.original_file}")
    assert anonymous.status_code == 404
    assert anonymous.headers["cache-control"] == "no-store"  # the next asker may be the artist
    nothing = await client.get("/originals/ana/0123456789abcdef0123456789abcdef.jpg")
    assert (nothing.status_code, nothing.text) == (404, anonymous.text)  # a refusal tells nothing more


async def test_local_lets_other_signed_in_artists_fetch(client, services, make_artist):
    account, post, media = await large_post(services, make_artist)
    await signed_in(client, services, make_artist, "bo")
    assert (await client.get(f"/{media.original_file}")).status_code == 404
    await set_access(services, account.id, "local")
    assert (await client.get(f"/{media.original_file}")).status_code == 200
    client.cookies.clear()
    assert (await client.get(f"/{media.original_file}")).status_code == 404


async def test_followers_servers_that_sign_may_fetch(client, services, make_artist, network):
    account, post, media = await large_post(services, make_artist)
    follower = await add_remote(services, network, "kim", "friends.example", follows=account)
    stranger = await add_remote(services, network, "zed", "strangers.example")
    pending = await add_remote(services, network, "pat", "pending.example", follows=account, state="pending")
    path = f"/{media.original_file}"
    assert (await signed_get(client, follower, path, accept="image/*")).status_code == 404  # ARTIST still
    await set_access(services, account.id, "followers")
    assert (await signed_get(client, follower, path, accept="image/*")).status_code == 200
    # Another actor of the follower's server (its instance actor fetches for its users) may too.
    neighbour = await add_remote(services, network, "instance", "friends.example")
    assert (await signed_get(client, neighbour, path, accept="image/*")).status_code == 200
    assert (await signed_get(client, stranger, path, accept="image/*")).status_code == 404
    assert (await signed_get(client, pending, path, accept="image/*")).status_code == 404
    assert (await client.get(path)).status_code == 404  # unsigned


async def test_everyone_and_the_posts_override(client, services, make_artist):
    account, post, media = await large_post(services, make_artist)
    path = f"/{media.original_file}"
    await set_access(services, account.id, "everyone")
    response = await client.get(path)
    assert response.status_code == 200 and response.headers["cache-control"].startswith("public")
    await set_access(services, account.id, "everyone", post_id=post.id)
    await set_access(services, account.id, "artist", post_id=post.id)
    assert (await client.get(path)).status_code == 404  # the post says "only me"
    await set_access(services, account.id, "artist")
    await set_access(services, account.id, "everyone", post_id=post.id)
    assert (await client.get(path)).status_code == 200  # the post opens what the account keeps


async def test_a_deleted_posts_original_is_gone(client, services, make_artist):
    account, post, media = await large_post(services, make_artist)
    await set_access(services, account.id, "everyone")
    await delete(services, post.id)
    assert (await client.get(f"/{media.original_file}")).status_code == 404


async def test_media_routes_are_rate_limited_per_address(client, app, services, make_artist):
    account, post, media = await large_post(services, make_artist)
    app.state.media_throttle = InboxThrottle(1, 2, 100)  # one a minute: no refill on a slow machine
    assert (await client.get(f"/media/{media.file}")).status_code == 200
    assert (await client.get(f"/media/{media.thumbnail_file}")).status_code == 200
    limited = await client.get(f"/media/{media.file}")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "tdm-reservation" in limited.headers
    assert (await client.get(f"/{media.original_file}")).status_code == 429


class _BrowserForm(HTMLParser):
    """What a browser posts for the form with `action`: inputs (ticked boxes only), textareas, selected options."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.data = action, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") != "file":
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name and "disabled" not in a:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag in ("textarea", "select"):
            self._textarea = self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


async def browser_form(client, page: str, action: str) -> dict[str, str]:
    response = await client.get(page)
    assert response.status_code == 200, response.text
    parser = _BrowserForm(action)
    parser.feed(response.text)
    return parser.data


async def test_the_studio_profile_sets_who_may_download_originals(client, services, make_artist):
    ana = await signed_in(client, services, make_artist, "ana")
    page = await client.get("/studio/profile")
    assert '<label for="original_access">Who may download your full-resolution originals</label>' in page.text
    form = await browser_form(client, "/studio/profile", "/studio/profile")
    assert form["original_access"] == "artist"
    response = await client.post("/studio/profile", data={**form, "original_access": "local"})
    assert response.status_code == 303, response.text
    async with services.sessions() as session:
        assert (await session.get(Account, ana.id)).original_access == "local"
    refused = await client.post("/studio/profile", data={**form, "original_access": "cats"})
    assert refused.status_code == 422
    without_token = {**form, "original_access": "everyone"}
    without_token.pop("csrf_token")
    assert (await client.post("/studio/profile", data=without_token)).status_code == 403
    async with services.sessions() as session:
        assert (await session.get(Account, ana.id)).original_access == "local"


async def test_the_studio_edit_page_shows_the_original_and_overrides_per_post(client, services, make_artist):
    await signed_in(client, services, make_artist, "ana")
    post = await publish(services, images=[(big_jpeg(), "A grey gradient")])
    [media] = await stored(services, post.id)
    page = f"/studio/works/{post.id}/edit"
    html = (await client.get(page)).text
    assert f"https://art.example/{media.original_file}" in html
    assert "As my profile says" in html
    form = await browser_form(client, page, page)
    assert form["original_access"] == ""
    response = await client.post(page, data={**form, "original_access": "everyone"})
    assert response.status_code == 303, response.text
    async with services.sessions() as session:
        assert (await session.get(Post, post.id)).original_access == "everyone"
    client.cookies.clear()
    assert (await client.get(f"/{media.original_file}")).status_code == 200


async def test_the_studio_makes_shows_once_and_revokes_download_links(client, services, make_artist):
    await signed_in(client, services, make_artist, "ana")
    post = await publish(services, images=[(big_jpeg(), "A grey gradient")])
    [media] = await stored(services, post.id)
    page = f"/studio/works/{post.id}/edit"
    action = f"/studio/works/{post.id}/media/{media.id}/links"
    html = (await client.get(page)).text
    assert "Make a download link" in html and '<option value="30d">30 days</option>' in html
    form = await browser_form(client, page, action)
    assert form["expires"] == "7d"
    made = await client.post(action, data={**form, "expires": "1d", "label": "Print shop"})
    assert made.status_code == 200, made.text
    [url] = re.findall(r'href="(https://art\.example/originals/download/[^"]+)"', made.text)
    client.cookies.clear()
    assert (await client.get(url.removeprefix("https://art.example"))).status_code == 200
    await sign_in(client, "ana", next_path="/studio")
    again = (await client.get(page)).text
    form = await browser_form(client, page, action)  # a new session: a new CSRF token
    assert url not in again and "Print shop: active" in again  # the address is shown once
    assert (await client.post(action, data={**form, "expires": "1y"})).status_code == 422
    no_token = {k: v for k, v in form.items() if k != "csrf_token"}
    assert (await client.post(action, data=no_token)).status_code == 403
    [revoke] = re.findall(rf'action="https://art\.example(/studio/works/{post.id}/links/\d+/revoke)"', again)
    revoked = await client.post(revoke, data={"csrf_token": form["csrf_token"]})
    assert revoked.status_code == 303 and revoked.headers["location"].endswith("done=link_revoked")
    assert (await client.get(url.removeprefix("https://art.example"))).status_code == 404
    assert "Print shop: revoked" in (await client.get(page)).text


def test_a_licence_change_rewrites_the_original_too(tmp_path):
    from fediart.licence.model import build_licence
    from fediart.licence.xmp import read_xmp_rights, xmp_packet
    from fediart.media.encode import embedded_xmp
    from fediart.media.images import process_upload
    from fediart.media.relicence import relicence_files
    from fediart.media.store import save_image

    def licence(key):
        return build_licence(key=key, creator="Ana", credit_text="Ana", copyright_notice="© Ana",
                             usage_info_url="https://art.example/@ana/terms",
                             tdm_policy_url="https://art.example/@ana/tdm-policy.json")

    processed = process_upload(big_jpeg(), licence("all-rights-reserved"), federated_size=2560)
    row = save_image(LocalStorage(tmp_path), "ana", processed, account_id=1, alt="x")
    before = row.original_file
    relicence_files(LocalStorage(tmp_path), [row], lambda _row: xmp_packet(licence("cc-by-4.0")))
    assert row.original_file != before and row.original_file.startswith("originals/ana/")
    rights = str(read_xmp_rights(embedded_xmp((tmp_path / row.original_file).read_bytes())))
    assert "creativecommons.org/licenses/by/4.0" in rights

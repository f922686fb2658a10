"""Studio pages for posting: the upload form (/studio/new) and the edit and delete of one work (the list
of works is works.py).

Each form goes through `studio.form()` (the CSRF check) and then the actions the client API calls:
actions/media.py for the images, actions/posts.py for the post. A refused form comes back filled in
with the message, status 422 (or the action's), so the artist loses nothing but the chosen files.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.originals import (ACCESS_CHOICES, issue_link, link_state, list_links, original_url, revoke_link,
                                      set_post_access)
from fediart.actions.errors import ActionError, NotFound
from fediart.actions.media import discard_uploads, parse_focus, upload_media
from fediart.actions.posts import create_status, delete_status, edit_status, status_source
from fediart.licence.catalogue import LICENCES
from fediart.media.provenance import STUDIO_CHOICES, normalise_source_type, short_name
from fediart.outbox.publish import MAX_IMAGES
from fediart.store.posts import media_for
from fediart.store.states import Visibility
from fediart.store.tables import Account, Media, Post
from fediart.web.studio.base import Studio, studio_page, text

SLOTS = tuple(range(1, MAX_IMAGES + 1))
# The form's values are Mastodon's names (what the browser test and API clients know); the rows hold ours.
VISIBILITIES = {"public": Visibility.PUBLIC, "unlisted": Visibility.UNLISTED,
                "private": Visibility.FOLLOWERS, "direct": Visibility.DIRECT}
VISIBILITY_LABELS = {"public": "Public: on your profile and in public timelines",
                     "unlisted": "Unlisted: on your profile, kept out of public timelines",
                     "private": "Followers only",
                     "direct": "Only the people mentioned"}
FORM_VISIBILITY = {stored: name for name, stored in VISIBILITIES.items()}
LICENCE_KEYS = tuple(entry.key for entry in LICENCES)
ALT_MISSING = "Add alt text to image {n}: describe what it shows for people who cannot see it."
# "How was this made?": IPTC digital source types by short name, the first the default.
MADE_CHOICES = tuple((member.short, label) for member, label in STUDIO_CHOICES)
MADE_DEFAULT = MADE_CHOICES[0][0]


@dataclass
class Draft:
    """What the artist typed, to fill the form in again after a refusal."""

    text: str = ""
    spoiler_text: str = ""
    sensitive: bool = False
    visibility: str = "public"
    licence: str = "all-rights-reserved"
    alts: dict[str, str] = field(default_factory=dict)     # by slot (new) or media id (edit)
    focuses: dict[str, str] = field(default_factory=dict)
    made: dict[str, str] = field(default_factory=dict)  # how each image was made: an IPTC short name
    # One per opened form, sent as the Idempotency-Key: a double click on "Post" makes one post.
    form_id: str = field(default_factory=lambda: secrets.token_urlsafe(16))


def _plain(message: str) -> str:
    # The actions word their refusals for API clients ("Validation failed: …"); the artist needs the rest.
    return message.removeprefix("Validation failed: ")


def _draft(form: FormData, keys: tuple[str, ...], default_licence: str) -> Draft:
    return Draft(text=text(form, "text"), spoiler_text=text(form, "spoiler_text").strip(),
                 sensitive=text(form, "sensitive") == "1", visibility=text(form, "visibility", "public"),
                 licence=text(form, "licence", default_licence),
                 alts={k: text(form, f"alt_{k}").strip() for k in keys},
                 focuses={k: text(form, f"focus_{k}").strip() for k in keys},
                 made={k: text(form, f"made_{k}").strip() for k in keys},
                 form_id=text(form, "form_id")[:64] or secrets.token_urlsafe(16))


def _licence_options(selected: str) -> list[dict]:
    return [{"key": e.key, "name": e.name, "selected": e.key == selected} for e in LICENCES]


def _visibility_options(selected: str) -> list[dict]:
    return [{"value": v, "label": VISIBILITY_LABELS[v], "selected": v == selected} for v in VISIBILITIES]


def _made_options(selected: str, stored: str | None = None) -> list[dict]:
    """The "How was this made?" choices; on the edit page a stored value the studio does not offer (read
    from the file, or declared through the API; "" when nobody said) comes first, so saving keeps it."""
    options = [{"value": v, "label": label} for v, label in MADE_CHOICES]
    if stored is not None and stored not in {v for v, _ in MADE_CHOICES}:
        options.insert(0, {"value": stored, "label": f"As stored: {stored}" if stored else "Not stated"})
    return [{**o, "selected": o["value"] == selected} for o in options]


def _check_made(made: str, n: int, stored: str | None = None) -> None:
    if made and made != stored and made not in {v for v, _ in MADE_CHOICES}:
        raise ActionError(f"Image {n}: choose how it was made from the list.")


# ---- /studio/new ---------------------------------------------------------------------------------------

def _new_page(studio: Studio, draft: Draft, *, error: str | None = None, status: int = 200) -> Response:
    made = {str(n): _made_options(draft.made.get(str(n)) or MADE_DEFAULT) for n in SLOTS}
    return studio.render("studio/new.html", status=status, draft=draft, error=error, slots=SLOTS, made=made,
                         licences=_licence_options(draft.licence), visibilities=_visibility_options(draft.visibility),
                         require_alt=studio.services.config.media.require_alt_text,
                         max_mb=studio.services.config.media.max_upload_mb)


def _chosen_images(form: FormData) -> list[tuple[int, UploadFile]]:
    """The files the artist chose, by slot; refused when there are more than the slots allow."""
    chosen = [f for _, f in form.multi_items() if isinstance(f, UploadFile) and f.filename]
    if len(chosen) > MAX_IMAGES:
        raise ActionError(f"A post can show at most {MAX_IMAGES} images; you chose {len(chosen)}.")
    found = []
    for n in SLOTS:
        in_slot = [f for f in form.getlist(f"image_{n}") if isinstance(f, UploadFile) and f.filename]
        if len(in_slot) > 1:
            raise ActionError(f"Image {n}: choose one file per image.")
        found.extend((n, f) for f in in_slot)
    if len(found) != len(chosen):
        raise ActionError("Choose images with the form's image fields.")
    return found


def _check_new(studio: Studio, draft: Draft, images: list[tuple[int, UploadFile]]) -> None:
    """Everything that can be refused before any file is read or stored."""
    if draft.visibility not in VISIBILITIES:
        raise ActionError("Choose who can see the post from the list.")
    if draft.licence not in LICENCE_KEYS:
        raise ActionError("Choose a licence from the list.")
    if not images and not draft.text.strip():
        raise ActionError("Write some text or choose at least one image.")
    max_mb = studio.services.config.media.max_upload_mb
    for n, file in images:
        if (file.size or 0) > max_mb * 2**20:  # the pipeline would say so too, but after earlier images are in
            size = math.ceil(file.size * 10 / 2**20) / 10  # rounded up: never "1.0 MB" over a 1 MB limit
            raise ActionError(f"Image {n}: the file is {size} MB; the limit is {max_mb} MB.")
        if studio.services.config.media.require_alt_text and not draft.alts[str(n)]:
            raise ActionError(ALT_MISSING.format(n=n))
        try:
            parse_focus(draft.focuses[str(n)])
        except ActionError as exc:
            raise ActionError(f"Focal point for image {n}: {exc.message}") from None
        _check_made(draft.made[str(n)], n)


async def _publish(studio: Studio, draft: Draft, images: list[tuple[int, UploadFile]]) -> Post:
    """Upload each image, then post them; the uploads of a refused form are discarded, not left behind."""
    services, account = studio.services, studio.account
    # A post with the profile's licence follows it (None), as a client API post does.
    licence_key = None if draft.licence == account.licence_key else draft.licence
    limit = services.config.media.max_upload_mb * 2**20
    uploaded: list[int] = []
    try:
        for n, file in images:
            data = await file.read(limit + 1)  # one byte over is enough for the pipeline to name the limit
            try:
                media = await upload_media(services, account, data, description=draft.alts[str(n)],
                                           focus=draft.focuses[str(n)] or None,
                                           licence_key=draft.licence,
                                           digital_source_type=draft.made[str(n)] or MADE_DEFAULT,
                                           # the select's default must not hide what the file says
                                           ai_metadata_wins=True)
            except ActionError as exc:
                raise ActionError(f"Image {n}: {_plain(exc.message)}", exc.status) from None
            uploaded.append(media.id)
        post = await create_status(services, account, text=draft.text, media_ids=[str(i) for i in uploaded],
                                   sensitive=draft.sensitive, spoiler_text=draft.spoiler_text,
                                   visibility=VISIBILITIES[draft.visibility], licence_key=licence_key,
                                   idempotency_key=f"studio:{draft.form_id}")
    except BaseException:
        if uploaded:
            await discard_uploads(services, account, uploaded)
        raise
    # A repeated form gets the post the first one made; this request's uploads were not taken by it.
    await discard_uploads(services, account, uploaded)
    return post


@studio_page
async def new_form(request: Request, studio: Studio) -> Response:
    return _new_page(studio, Draft(licence=studio.account.licence_key))


def _too_large(studio: Studio) -> bool:
    """Whether the request announces more bytes than the images and the text can take together."""
    limit = MAX_IMAGES * studio.services.config.media.max_upload_mb * 2**20 + 2**20
    announced = studio.request.headers.get("content-length", "")
    return announced.isdigit() and int(announced) > limit


@studio_page
async def new_post(request: Request, studio: Studio) -> Response:
    if _too_large(studio):
        # Refused before reading: the parser would otherwise spool all of it to disk first.
        message = (f"The files are too large together: each image may have up to "
                   f"{studio.services.config.media.max_upload_mb} MB.")
        return _new_page(studio, Draft(licence=studio.account.licence_key), error=message, status=413)
    # Twice the slots, so that a form with too many files is read and refused with a clear message.
    form = await studio.form(max_files=2 * MAX_IMAGES, max_fields=40)
    draft = _draft(form, tuple(str(n) for n in SLOTS), studio.account.licence_key)
    try:
        images = _chosen_images(form)
        _check_new(studio, draft, images)
        await _publish(studio, draft, images)
    except ActionError as exc:
        return _new_page(studio, draft, error=_plain(exc.message), status=exc.status)
    return studio.done("/studio/works", "posted")


# ---- /studio/works/{id}/edit and /delete ---------------------------------------------------------------

def _focus_text(media: Media) -> str:
    return f"{media.focal_x:g},{media.focal_y:g}"


async def _editable(studio: Studio, post_id: str) -> tuple[Post, list[Media]]:
    """The artist's own post (NotFound for anyone else's) and its images in order."""
    post = await status_source(studio.services, studio.account, post_id)
    async with studio.services.sessions() as session:
        media = (await media_for(session, [post.id])).get(post.id, [])
    return post, media


def _edit_page(studio: Studio, post: Post, media: list[Media], draft: Draft, *, error: str | None = None,
               status: int = 200, **extra) -> Response:
    licence_key = post.licence_key or studio.account.licence_key
    images = [{"id": m.id, "n": i, "thumbnail": studio.services.urls.media(m.thumbnail_file),
               "stored_alt": m.description, "alt": draft.alts.get(str(m.id), m.description),
               "focus": draft.focuses.get(str(m.id), _focus_text(m)),
               "made": _made_options(draft.made.get(str(m.id)) or short_name(m.digital_source_type),
                                     short_name(m.digital_source_type))}
              for i, m in enumerate(media, start=1)]
    originals = {m.id: original_url(studio.services, m) for m in media}
    links = extra.pop("links", {})
    for image in images:
        image["original"] = originals[image["id"]]
        image["links"] = [{"row": row, "state": link_state(row)} for row in links.get(image["id"], [])]
    return studio.render("studio/edit.html", status=status, post=post, draft=draft, images=images, error=error,
                         visibilities=_visibility_options(draft.visibility), licences=_licence_options(licence_key),
                         require_alt=studio.services.config.media.require_alt_text,
                         access_choices=ACCESS_CHOICES, access=post.original_access or "",
                         has_originals=any(originals.values()), link_expiries=LINK_EXPIRIES, **extra)


def _draft_of(post: Post, account: Account) -> Draft:
    return Draft(text=post.source, spoiler_text=post.summary, sensitive=post.sensitive,
                 visibility=FORM_VISIBILITY.get(post.visibility, "public"),
                 licence=post.licence_key or account.licence_key)


def _media_changes(studio: Studio, form: FormData, draft: Draft, media: list[Media]) -> list[dict]:
    """Mastodon's media_attributes from the alt and focus fields; an empty focus is the centre."""
    changes = []
    for n, m in enumerate(media, start=1):
        key = str(m.id)
        if f"alt_{key}" not in form:
            continue  # a form without this image's fields leaves it as it is
        if studio.services.config.media.require_alt_text and not draft.alts[key]:
            raise ActionError(ALT_MISSING.format(n=n))
        change = {"id": key, "description": draft.alts[key], "focus": draft.focuses[key] or "0,0"}
        _check_made(draft.made[key], n, short_name(m.digital_source_type))
        if draft.made[key] and normalise_source_type(draft.made[key]) != m.digital_source_type:
            change["digital_source_type"] = draft.made[key]
        changes.append(change)
    return changes


def _check_unchangeable(post: Post, form: FormData) -> None:
    # edit_status cannot change the audience (Mastodon's edit keeps it): a form asking for it is
    # refused rather than silently left unchanged.
    asked = text(form, "visibility")
    if asked and VISIBILITIES.get(asked) != post.visibility:
        raise ActionError("Who can see a post cannot be changed after posting; delete it and post it again.")


def _new_licence(post: Post, account: Account, form: FormData) -> str | None:
    """The licence the form chose, when it is another than the post has; None to leave it."""
    chosen = text(form, "licence")
    if not chosen or chosen == (post.licence_key or account.licence_key):
        return None
    if chosen not in LICENCE_KEYS:
        raise ActionError("Choose a licence from the list.")
    return chosen


async def _links_of(studio: Studio, media: list[Media]) -> dict[int, list]:
    """The download links of these images, by image (newest first)."""
    found: dict[int, list] = {}
    for row in await list_links(studio.services, studio.account):
        found.setdefault(row.media_id, []).append(row)
    return {m.id: found.get(m.id, []) for m in media}


@studio_page
async def edit_form(request: Request, studio: Studio) -> Response:
    post, media = await _editable(studio, request.path_params["status_id"])
    return _edit_page(studio, post, media, _draft_of(post, studio.account), links=await _links_of(studio, media))


LINK_EXPIRIES = {"1d": "1 day", "7d": "7 days", "30d": "30 days"}


@studio_page
async def make_link(request: Request, studio: Studio) -> Response:
    """Issue a download link and show its address on the edit page, this once (never in a redirect URL)."""
    form = await studio.form()
    post, media = await _editable(studio, request.path_params["status_id"])
    media_id = request.path_params["media_id"]
    if not any(str(m.id) == media_id for m in media):
        raise NotFound()
    expiry = text(form, "expires")
    error, new_link = None, None
    try:
        if expiry not in LINK_EXPIRIES:
            raise ActionError("Choose how long the link works.")
        _, new_link = await issue_link(studio.services, studio.account, media_id, expiry, text(form, "label"))
    except ActionError as exc:
        if exc.status == 404:
            raise
        error = _plain(exc.message)
    return _edit_page(studio, post, media, _draft_of(post, studio.account), error=error,
                      status=422 if error else 200, links=await _links_of(studio, media),
                      new_link=new_link, new_link_media=int(media_id))


@studio_page
async def revoke_download_link(request: Request, studio: Studio) -> Response:
    await studio.form()
    post, _ = await _editable(studio, request.path_params["status_id"])
    row = await revoke_link(studio.services, studio.account, request.path_params["link_id"])
    async with studio.services.sessions() as session:
        media = await session.get(Media, row.media_id)
    if media is None or media.post_id != post.id:
        raise NotFound()
    return studio.done(f"/studio/works/{post.id}/edit", "link_revoked")


@studio_page
async def edit_post(request: Request, studio: Studio) -> Response:
    form = await studio.form(max_fields=40)
    post, media = await _editable(studio, request.path_params["status_id"])
    shown = _draft_of(post, studio.account)
    draft = _draft(form, tuple(str(m.id) for m in media), shown.licence)
    draft.visibility = shown.visibility  # read-only on this form
    try:
        _check_unchangeable(post, form)
        licence_key = _new_licence(post, studio.account, form)
        changes = _media_changes(studio, form, draft, media)
        # A field the form did not send is left as it is (None), never emptied.
        await edit_status(studio.services, studio.account, post.id,
                          text=draft.text if "text" in form else None,
                          spoiler_text=draft.spoiler_text if "spoiler_text" in form else None,
                          sensitive=draft.sensitive, media_attributes=changes, licence_key=licence_key)
        access = text(form, "original_access") if "original_access" in form else None
        if access is not None and access != (post.original_access or ""):
            await set_post_access(studio.services, studio.account, post.id, access)
    except ActionError as exc:
        if exc.status == 404:
            raise
        return _edit_page(studio, post, media, draft, error=_plain(exc.message), status=exc.status)
    return studio.done("/studio/works", "edited")


@studio_page
async def delete_post(request: Request, studio: Studio) -> Response:
    await studio.form()
    await delete_status(studio.services, studio.account, request.path_params["status_id"])
    return studio.done("/studio/works", "deleted")


# "status_id": the name the client API gives a post's id in its paths (and tests/web/test_headers.py fills in).
routes = [
    Route("/studio/new", new_form, methods=["GET"]),
    Route("/studio/new", new_post, methods=["POST"]),
    Route("/studio/works/{status_id}/edit", edit_form, methods=["GET"]),
    Route("/studio/works/{status_id}/edit", edit_post, methods=["POST"]),
    Route("/studio/works/{status_id}/delete", delete_post, methods=["POST"]),
    Route("/studio/works/{status_id}/media/{media_id}/links", make_link, methods=["POST"]),
    Route("/studio/works/{status_id}/links/{link_id}/revoke", revoke_download_link, methods=["POST"]),
]

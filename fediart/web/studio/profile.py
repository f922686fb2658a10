"""/studio/profile: the artist's name, bio, fields, images, follower approval and licence choices.

The form is read into ProfileChanges and handed to actions/profile.py update_profile, as the client API's
update_credentials does, so the change federates as Update{Person}. Only what differs from the stored
account is passed on: saving an unchanged form writes and sends nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.errors import ActionError
from fediart.actions.originals import ACCESS_CHOICES, set_account_access
from fediart.actions.profile import MAX_FIELDS, ProfileChanges, update_profile
from fediart.api.formats import html_to_text
from fediart.licence.catalogue import LICENCES
from fediart.store.tables import Account
from fediart.web.studio.base import Refused, Studio, files, studio_page, text

MAX_IMAGE_READ = 64 * 2**20  # a hard stop before the media limits judge the image
TRAINING = ("reserved", "allowed")


def _current(account: Account) -> dict[str, Any]:
    """The account's settings as the form shows them."""
    fields = [dict(f) for f in account.fields][:MAX_FIELDS]
    fields += [{"name": "", "value": ""}] * (MAX_FIELDS - len(fields))
    return {
        "display_name": account.display_name, "bio": html_to_text(account.summary or ""), "fields": fields,
        "locked": account.manually_approves_followers, "hide_collections": account.hide_collections,
        "hide_ai_media": account.hide_ai_media, "licence_key": account.licence_key,
        "ai_training": "reserved" if account.ai_training_reserved else "allowed",
        "generative_only": account.generative_only, "indexable": account.search_indexing,
        "acquire_licence_url": account.acquire_licence_url or "", "copyright_holder": account.copyright_holder or "",
        "original_access": account.original_access,
    }


def _posted(form: FormData) -> dict[str, Any]:
    """The same settings as posted (an unticked checkbox is absent from the form)."""
    training = text(form, "ai_training")
    if training not in TRAINING:
        raise Refused("Choose whether AI training is reserved or allowed.", 422)
    if text(form, "original_access") and text(form, "original_access") not in dict(ACCESS_CHOICES):
        raise Refused("Choose who may download your full-resolution originals.", 422)
    return {
        "display_name": text(form, "display_name").strip(), "bio": text(form, "bio").replace("\r\n", "\n").strip(),
        "fields": [{"name": text(form, f"field_name_{i}").strip(), "value": text(form, f"field_value_{i}").strip()}
                   for i in range(MAX_FIELDS)],
        "locked": "locked" in form, "hide_collections": "hide_collections" in form,
        "hide_ai_media": "hide_ai_media" in form, "licence_key": text(form, "licence_key"), "ai_training": training,
        "generative_only": "generative_only" in form, "indexable": "indexable" in form,
        "acquire_licence_url": text(form, "acquire_licence_url").strip(),
        "copyright_holder": text(form, "copyright_holder").strip(),
        "original_access": text(form, "original_access"),
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> ProfileChanges:
    """Only the settings that differ; None leaves the rest as they are."""
    def changed(key: str) -> Any:
        return after[key] if after[key] != before[key] else None

    fields = changed("fields")
    training = changed("ai_training")
    return ProfileChanges(
        display_name=changed("display_name"), bio=changed("bio"), fields=fields,
        locked=changed("locked"), hide_collections=changed("hide_collections"),
        hide_ai_media=changed("hide_ai_media"),
        licence_key=changed("licence_key"),
        ai_training_reserved=None if training is None else training == "reserved",
        generative_only=changed("generative_only"), indexable=changed("indexable"),
        acquire_licence_url=changed("acquire_licence_url"), copyright_holder=changed("copyright_holder"))


def _render(studio: Studio, values: dict[str, Any], *, status: int = 200, error: str | None = None) -> Response:
    return studio.render("studio/profile.html", status=status, values=values, licences=LICENCES, error=error,
                         access_choices=ACCESS_CHOICES, federated_size=studio.services.config.media.federated_size)


@studio_page
async def profile_page(request: Request, studio: Studio) -> Response:
    return _render(studio, _current(studio.account))


@studio_page
async def save_profile(request: Request, studio: Studio) -> Response:
    form = await studio.form(max_files=2)
    try:
        posted = _posted(form)
    except Refused as exc:
        return _render(studio, _current(studio.account), status=exc.status, error=exc.message)
    before = _current(studio.account)
    changes = _changes(before, posted)
    changes.image_names = {}
    for what in ("avatar", "header"):
        for upload in files(form, what)[:1]:
            data = await upload.read(MAX_IMAGE_READ + 1)
            if len(data) > MAX_IMAGE_READ:
                raise Refused(f"The {what} image is too large.", 413)
            setattr(changes, what, data)
            changes.image_names[what] = upload.filename or what
    try:
        account, _ = await update_profile(studio.services, studio.account, changes)
        if posted["original_access"] and posted["original_access"] != before["original_access"]:
            # Not part of the actor document: nothing to federate, so its own small action.
            await set_account_access(studio.services, account, posted["original_access"])
    except ActionError as exc:
        # The form comes back as typed, so nothing the artist wrote is lost.
        return _render(studio, posted, status=exc.status, error=exc.message)
    return studio.done("/studio/profile", "saved")


routes = [
    Route("/studio/profile", profile_page, methods=["GET"]),
    Route("/studio/profile", save_profile, methods=["POST"]),
]

"""/studio/profile: a change shows on the public profile and federates Update{Person}; licence choices show
in the actor document; an unchanged form sends nothing; errors keep what was typed; CSRF is checked."""

from __future__ import annotations

from html.parser import HTMLParser

from fakes import signed_get
from helpers import AP_ACCEPT
from posting import add_remote, png
from studio_support import signed_in

from fediart.store.tables import Account
from fediart.worker import run_due_work


class _BrowserForm(HTMLParser):
    """What a browser posts for the profile form: ticked boxes and radios only, textareas, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") != "file":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


async def _profile_form(client) -> dict[str, str]:
    page = await client.get("/studio/profile")
    assert page.status_code == 200
    parser = _BrowserForm()
    parser.feed(page.text.split('action="https://art.example/studio/profile"', 1)[1])
    return parser.data


async def _account(services, account_id: int) -> Account:
    async with services.sessions() as session:
        return await session.get(Account, account_id)


def _updates(network, inbox: str) -> list[dict]:
    return [d for d in network.deliveries_to(inbox) if d["type"] == "Update"]


async def test_profile_change_shows_publicly_and_federates_update(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist, display_name="Ana")
    bob = await add_remote(services, network, "bob", follows=ana, shared_inbox=False)
    data = await _profile_form(client)
    assert data["display_name"] == "Ana" and data["ai_training"] == "reserved" and "locked" not in data
    data.update(display_name="Ana Lima", bio="Herons <and> light\n\nsecond line", field_name_0="Shop",
                field_value_0="https://shop.example/ana", locked="1")
    saved = await client.post("/studio/profile", data=data,
                              files={"avatar": ("me.png", png(), "image/png"), "header": ("", b"", "")})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("/studio/profile?done=saved")
    assert "Saved." in (await client.get(saved.headers["location"])).text

    public = await client.get("/@ana")
    assert "Ana Lima" in public.text and "Herons &lt;and&gt; light" in public.text
    stored = await _account(services, ana.id)
    assert stored.manually_approves_followers and stored.avatar_file
    assert stored.fields == [{"name": "Shop", "value": "https://shop.example/ana"}]
    await run_due_work(services)
    [update] = _updates(network, bob.inbox)
    assert update["object"]["name"] == "Ana Lima" and update["object"]["manuallyApprovesFollowers"] is True
    # The form shows what is stored now; saving it unchanged writes and sends nothing.
    again = await _profile_form(client)
    assert again["bio"] == "Herons <and> light\n\nsecond line" and again["locked"] == "1"
    assert (await client.post("/studio/profile", data=again)).status_code == 303
    await run_due_work(services)
    assert len(_updates(network, bob.inbox)) == 1


async def test_licence_change_shows_in_the_actor_document(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist, display_name="Ana")
    bob = await add_remote(services, network, "bob", follows=ana, shared_inbox=False)
    data = await _profile_form(client)
    data.update(licence_key="cc-by-nc-4.0", ai_training="allowed", indexable="1",
                acquire_licence_url="https://shop.example/licensing", copyright_holder="Ana Lima Studio")
    assert (await client.post("/studio/profile", data=data)).status_code == 303
    actor = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()
    assert actor["license"] == "https://creativecommons.org/licenses/by-nc/4.0/"
    assert actor["acquireLicensePage"] == "https://shop.example/licensing"
    assert "Ana Lima Studio" in actor["copyrightNotice"]
    assert "tdmReservation" not in actor or actor["tdmReservation"] == 0
    assert actor["indexable"] is True
    await run_due_work(services)
    [update] = _updates(network, bob.inbox)
    assert update["object"]["license"] == "https://creativecommons.org/licenses/by-nc/4.0/"
    shown = await _profile_form(client)
    assert (shown["licence_key"], shown["ai_training"], shown["indexable"]) == ("cc-by-nc-4.0", "allowed", "1")


async def test_invalid_values_come_back_with_the_error_and_nothing_changes(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist, display_name="Ana")
    data = await _profile_form(client)
    data.update(display_name="Typed name", acquire_licence_url="javascript:alert(1)")
    refused = await client.post("/studio/profile", data=data)
    assert refused.status_code == 422
    assert "must be an http(s) URL" in refused.text and 'value="Typed name"' in refused.text
    data.update(acquire_licence_url="", licence_key="no-such-licence")
    assert (await client.post("/studio/profile", data=data)).status_code == 422
    data.update(licence_key="cc-by-4.0", ai_training="maybe")
    assert (await client.post("/studio/profile", data=data)).status_code == 422
    stored = await _account(services, ana.id)
    assert (stored.display_name, stored.licence_key, stored.acquire_licence_url) == ("Ana", "all-rights-reserved", None)


async def test_the_profile_form_needs_the_csrf_token(client, services, network, make_artist):
    ana = await signed_in(client, services, make_artist, display_name="Ana")
    data = await _profile_form(client)
    data.update(display_name="Forged", csrf_token="not-the-token")
    refused = await client.post("/studio/profile", data=data)
    assert refused.status_code == 403
    assert (await _account(services, ana.id)).display_name == "Ana"

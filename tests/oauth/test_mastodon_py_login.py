"""End to end with a real client: Mastodon.py registers an app, a browser (httpx, reading the real HTML)
signs in and consents, and Mastodon.py trades the code for a token, against a real uvicorn server."""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin

import httpx
import pytest
import uvicorn
from mastodon import Mastodon

from helpers import migrated_loopback_config
from instance import free_port
from signin import CLIENT_REDIRECT, PASSWORD, form_to, query_of

from fediart.app import create_app
from fediart.auth.passwords import set_password
from fediart.store.accounts import create_account

SCOPES = ["read", "write", "follow", "push"]


@pytest.fixture
async def server(database_settings, tmp_path):
    """A migrated instance serving on a loopback port, with the artist ana and her password; yields its URL."""
    port = free_port()
    config = await migrated_loopback_config(database_settings, tmp_path, port)
    app = create_app(config, run_worker=False)
    async with app.state.services.sessions() as session:
        await set_password(session, await create_account(session, "ana"), PASSWORD)
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(uv.serve())
    for _ in range(200):
        if uv.started or task.done():
            break
        await asyncio.sleep(0.05)
    assert uv.started, "the server did not start"
    try:
        yield config.base_url
    finally:
        uv.should_exit = True
        await task


def browser_consent(url: str, base: str) -> str:
    """What a person does in the browser: sign in on the real form, press Authorize; returns the Location."""
    with httpx.Client(follow_redirects=False, timeout=30) as browser:
        start = browser.get(url)
        assert start.status_code == 302, start.text
        login_page = browser.get(urljoin(base, start.headers["location"]))
        login = form_to(login_page.text, "/login")
        signed_in = browser.post(login.action, data=login.submit(username="ana", password=PASSWORD))
        assert signed_in.status_code == 303, signed_in.text
        consent_page = browser.get(urljoin(base, signed_in.headers["location"]))
        assert "Authorize fediart end to end?" in consent_page.text
        consent = form_to(consent_page.text, "/oauth/authorize")
        done = browser.post(consent.action, data=consent.submit("authorize"))
        assert done.status_code == 302, done.text
        return done.headers["location"]


def mastodon_py_flow(base: str) -> dict:
    client_id, client_secret = Mastodon.create_app("fediart end to end", scopes=SCOPES, api_base_url=base,
                                                   redirect_uris=CLIENT_REDIRECT)
    # No instance endpoint on this branch yet, so Mastodon.py is told the version (the one fediart will
    # advertise): without /api/v1/instance, Mastodon.py 2.x's version retry after log_in recurses forever.
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base, version_check_mode="none",
                   mastodon_version="4.2.0")
    url = api.auth_request_url(redirect_uris=CLIENT_REDIRECT, scopes=SCOPES, state="opaque-state", allow_http=True)
    assert url.startswith(f"{base}/oauth/authorize?")
    location = browser_consent(url, base)
    assert location.startswith(CLIENT_REDIRECT + "?")
    params = query_of(location)
    assert params["state"] == "opaque-state"
    token = api.log_in(code=params["code"], redirect_uri=CLIENT_REDIRECT, scopes=SCOPES, allow_http=True)
    return {"token": token, "app": api.app_verify_credentials()}


async def test_mastodon_py_logs_in_through_the_browser_flow(server):
    result = await asyncio.to_thread(mastodon_py_flow, server)
    assert len(result["token"]) >= 43
    assert result["app"]["name"] == "fediart end to end"
    assert result["app"]["redirect_uris"] == [CLIENT_REDIRECT]

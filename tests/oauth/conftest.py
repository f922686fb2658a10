"""Fixtures for the OAuth tests: a registered app, a signed-in artist, and the browser's consent step."""

from __future__ import annotations

import pytest

from signin import CLIENT_REDIRECT as REDIRECT, form_to, give_password, query_of, sign_in


@pytest.fixture
def register(client):
    """register(**params) -> the CredentialApplication of a new app (form-encoded, as Tusky sends)."""

    async def make(**params):
        data = {"client_name": "Test client", "redirect_uris": REDIRECT, "scopes": "read write follow push",
                **params}
        response = await client.post("/api/v1/apps", data=data)
        assert response.status_code == 200, response.text
        return response.json()

    return make


@pytest.fixture
async def ana(make_artist, services):
    account = await make_artist("ana")
    await give_password(services, account)
    return account


@pytest.fixture
async def signed_in(client, ana):
    response = await sign_in(client, "ana")
    assert response.status_code == 303
    return ana


@pytest.fixture
def consent(client):
    """consent(app, decision="authorize", **params) -> the response to pressing the consent button."""

    async def press(app, decision: str = "authorize", **params):
        query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": app["redirect_uris"][0],
                 "scope": "read write follow push", "state": "st4te", **params}
        page = await client.get("/oauth/authorize", params={k: v for k, v in query.items() if v is not None})
        assert page.status_code == 200, page.text
        form = form_to(page.text, "/oauth/authorize")
        return await client.post(form.action, data=form.submit(decision))

    return press


@pytest.fixture
def authorized_code(consent):
    """authorized_code(app, **params) -> a fresh authorization code for the signed-in artist."""

    async def make(app, **params):
        response = await consent(app, **params)
        assert response.status_code == 302, response.text
        return query_of(response.headers["location"])["code"]

    return make

"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials, in every encoding clients use."""

import pytest
from sqlmodel import select

from fediart.oauth.tokens import digest
from fediart.store.tables import OAuthApp

TUSKY = "oauth2redirect://com.keylesspalace.tusky/"


async def test_a_form_registration_gets_a_credential_application(client, services):
    response = await client.post("/api/v1/apps", data={"client_name": "Tusky", "redirect_uris": TUSKY,
                                                        "scopes": "read write follow push",
                                                        "website": "https://tusky.app"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    doc = response.json()
    assert set(doc) == {"id", "name", "website", "scopes", "redirect_uri", "redirect_uris", "client_id",
                        "client_secret", "client_secret_expires_at"}
    assert isinstance(doc["id"], str) and doc["id"].isdigit()
    assert doc["name"] == "Tusky" and doc["website"] == "https://tusky.app"
    assert doc["scopes"] == ["read", "write", "follow", "push"]
    assert doc["redirect_uri"] == TUSKY and doc["redirect_uris"] == [TUSKY]
    assert doc["client_secret_expires_at"] == 0
    assert len(doc["client_id"]) >= 32 and len(doc["client_secret"]) >= 32
    async with services.sessions() as session:
        row = (await session.exec(select(OAuthApp))).one()
    assert row.client_secret_hash == digest(doc["client_secret"])  # stored hashed
    assert doc["client_secret"] not in str(row.model_dump())


async def test_json_with_an_array_and_the_query_string_work_too(client):
    uris = ["icecubesapp://", "com.tapbots.Ivory.123:/request_token"]
    json_doc = (await client.post("/api/v1/apps", json={"client_name": "Ice Cubes", "redirect_uris": uris,
                                                        "scopes": "read write"})).json()
    assert json_doc["redirect_uris"] == uris and json_doc["redirect_uri"] == "\n".join(uris)
    form_list = (await client.post("/api/v1/apps", data={"client_name": "X", "redirect_uris[]": uris})).json()
    assert form_list["redirect_uris"] == uris
    query = await client.post("/api/v1/apps", params={"client_name": "Mammoth", "redirect_uris": "mammoth://auth"})
    assert query.status_code == 200
    assert query.json()["scopes"] == ["read"]  # the default
    assert query.json()["website"] is None


async def test_two_apps_get_different_credentials(register):
    first, second = await register(), await register()
    assert first["client_id"] != second["client_id"] and first["client_secret"] != second["client_secret"]


@pytest.mark.parametrize("data, message", [
    ({"redirect_uris": TUSKY}, "name can't be blank"),
    ({"client_name": "x"}, "redirect_uris can't be blank"),
    ({"client_name": "x", "redirect_uris": "javascript:alert(1)"}, "not allowed"),
    ({"client_name": "x", "redirect_uris": "data:text/html,x"}, "not allowed"),
    ({"client_name": "x", "redirect_uris": "/callback"}, "absolute"),
    ({"client_name": "x", "redirect_uris": TUSKY, "scopes": "read everything"}, "unknown scope"),
    ({"client_name": "x", "redirect_uris": TUSKY, "website": "javascript:alert(1)"}, "Website"),
    ({"client_name": "x" * 201, "redirect_uris": TUSKY}, "too long"),
])
async def test_bad_registrations_get_422_with_the_reason(client, services, data, message):
    response = await client.post("/api/v1/apps", data=data)
    assert response.status_code == 422
    assert message in response.json()["error"]
    async with services.sessions() as session:
        assert (await session.exec(select(OAuthApp))).all() == []


async def test_verify_credentials_shows_the_tokens_app(client, register):
    app = await register(website="https://client.example")
    token = await client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": app["client_id"],
                                                    "client_secret": app["client_secret"], "scope": "read"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    response = await client.get("/api/v1/apps/verify_credentials", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"id": app["id"], "name": "Test client", "website": "https://client.example",
                               "scopes": ["read", "write", "follow", "push"], "redirect_uri": app["redirect_uri"],
                               "redirect_uris": app["redirect_uris"]}
    assert "client_secret" not in response.text


async def test_verify_credentials_needs_a_token(client):
    response = await client.get("/api/v1/apps/verify_credentials")
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}

"""POST /oauth/revoke and the RFC 8414 metadata document (fediart/oauth/endpoints.py)."""

from signin import CLIENT_REDIRECT as REDIRECT


async def token_for(client, app, **extra):
    data = {"grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"]}
    return (await client.post("/oauth/token", data={**data, **extra})).json()


async def status_with(client, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return (await client.get("/api/v1/apps/verify_credentials", headers=headers)).status_code


async def test_revoke_makes_the_token_invalid(client, register):
    app = await register()
    token = (await token_for(client, app))["access_token"]
    assert await status_with(client, token) == 200
    response = await client.post("/oauth/revoke", data={"token": token, "client_id": app["client_id"],
                                                        "client_secret": app["client_secret"]})
    assert response.status_code == 200 and response.json() == {}
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert await status_with(client, token) == 401


async def test_revoke_answers_200_for_unknown_or_foreign_tokens_and_revokes_nothing(client, register):
    mine, theirs = await register(), await register()
    their_token = (await token_for(client, theirs))["access_token"]
    creds = {"client_id": mine["client_id"], "client_secret": mine["client_secret"]}
    for token in ("never-issued", their_token, ""):
        response = await client.post("/oauth/revoke", data={"token": token, **creds})
        assert response.status_code == 200 and response.json() == {}
    assert await status_with(client, their_token) == 200


async def test_revoke_needs_the_apps_credentials(client, register):
    app = await register()
    token = (await token_for(client, app))["access_token"]
    response = await client.post("/oauth/revoke", data={"token": token, "client_id": app["client_id"],
                                                        "client_secret": "wrong"})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert await status_with(client, token) == 200


async def test_the_metadata_document(client):
    response = await client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    doc = response.json()
    base = "https://art.example"
    assert doc["issuer"] == base
    assert doc["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert doc["token_endpoint"] == f"{base}/oauth/token"
    assert doc["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert doc["app_registration_endpoint"] == f"{base}/api/v1/apps"
    assert {"read", "write", "follow", "push", "read:statuses", "write:media"} <= set(doc["scopes_supported"])
    assert doc["response_types_supported"] == ["code"]
    assert doc["response_modes_supported"] == ["query"]
    assert doc["code_challenge_methods_supported"] == ["S256"]  # Phanpy turns PKCE on from this
    assert doc["grant_types_supported"] == ["authorization_code", "client_credentials", "refresh_token"]
    assert doc["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post"]


async def test_web_clients_may_call_the_token_endpoint_across_origins(client, register):
    app = await register()
    origin = {"Origin": "https://phanpy.social"}
    preflight = await client.options("/oauth/token", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    response = await client.post("/oauth/token", headers=origin, data={
        "grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"]})
    assert response.headers["access-control-allow-origin"] == "*"
    registered = await client.post("/api/v1/apps", headers=origin, data={"client_name": "P", "redirect_uris": REDIRECT})
    assert registered.headers["access-control-allow-origin"] == "*"

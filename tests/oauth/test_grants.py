"""POST /oauth/token (fediart/oauth/grants.py, codes.py, apps.py): each grant, each way clients send
their parameters and credentials, and each guard on codes."""

import base64
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlmodel import select, update

from signin import CLIENT_REDIRECT as REDIRECT

from fediart.store.tables import OAuthCode, OAuthToken, utcnow

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"


def exchange(app, code, **extra):
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": app["client_id"], "client_secret": app["client_secret"], **extra}


async def works(client, token: str) -> int:
    """The status verify_credentials answers with this bearer token (fediart.api.auth.authenticate)."""
    response = await client.get("/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_a_code_becomes_a_token(client, register, signed_in, authorized_code, services):
    app = await register()
    code = await authorized_code(app)
    before = int(time.time())
    response = await client.post("/oauth/token", data=exchange(app, code))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    doc = response.json()
    assert set(doc) == {"access_token", "token_type", "scope", "created_at", "refresh_token"}
    assert doc["token_type"] == "Bearer" and doc["scope"] == "read write follow push"
    assert isinstance(doc["created_at"], int) and before - 2 <= doc["created_at"] <= time.time() + 2
    assert await works(client, doc["access_token"]) == 200
    async with services.sessions() as session:
        row = (await session.exec(select(OAuthToken))).one()
    assert row.account_id == signed_in.id


@pytest.mark.parametrize("how", ["json", "query", "basic", "basic-encoded"])
async def test_parameters_and_credentials_in_every_place_clients_put_them(client, register, signed_in,
                                                                          authorized_code, how):
    app = await register()
    code = await authorized_code(app)
    data = exchange(app, code)
    if how == "json":
        response = await client.post("/oauth/token", json=data)
    elif how == "query":
        response = await client.post("/oauth/token", params=data)
    else:
        client_id, secret = data.pop("client_id"), data.pop("client_secret")
        if how == "basic-encoded":  # RFC 6749 §2.3.1: each half form-encoded first
            client_id, secret = quote(client_id, safe=""), quote(secret, safe="")
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        response = await client.post("/oauth/token", data=data, headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.text
    assert await works(client, response.json()["access_token"]) == 200


async def test_a_code_works_once_and_a_replay_revokes_what_it_bought(client, register, signed_in, authorized_code):
    app = await register()
    code = await authorized_code(app)
    first = await client.post("/oauth/token", data=exchange(app, code))
    token = first.json()["access_token"]
    again = await client.post("/oauth/token", data=exchange(app, code))
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant" and "already used" in again.json()["error_description"]
    assert await works(client, token) == 401


async def test_an_expired_code_is_refused(client, register, signed_in, authorized_code, services):
    app = await register()
    code = await authorized_code(app)
    async with services.sessions() as session:
        await session.exec(update(OAuthCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    response = await client.post("/oauth/token", data=exchange(app, code))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant" and "expired" in response.json()["error_description"]


async def test_codes_live_ten_minutes(client, register, signed_in, authorized_code, services):
    app = await register()
    await authorized_code(app)
    async with services.sessions() as session:
        row = (await session.exec(select(OAuthCode))).one()
    assert row.expires_at - row.created_at == timedelta(minutes=10)


@pytest.mark.parametrize("change", [{"redirect_uri": "https://client.example/other"}, {"redirect_uri": None},
                                    {"code": "not-a-code"}, {"code": None}])
async def test_a_wrong_redirect_uri_or_code_is_invalid_grant(client, register, signed_in, authorized_code, change):
    app = await register(redirect_uris=f"{REDIRECT} https://client.example/other")
    code = await authorized_code(app)
    data = {k: v for k, v in {**exchange(app, code), **change}.items() if v is not None}
    response = await client.post("/oauth/token", data=data)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    # A failed attempt does not burn the code for the real client.
    assert (await client.post("/oauth/token", data=exchange(app, code))).status_code == 200


async def test_another_apps_code_is_refused(client, register, signed_in, authorized_code):
    mine, theirs = await register(), await register()
    code = await authorized_code(theirs)
    response = await client.post("/oauth/token", data=exchange(mine, code))
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_pkce_s256(client, register, signed_in, authorized_code):
    app = await register()
    challenge = create_s256_code_challenge(VERIFIER)
    for verifier in (None, "x" * 43, VERIFIER[:-1] + "Y"):
        code = await authorized_code(app, code_challenge=challenge, code_challenge_method="S256")
        data = exchange(app, code, **({"code_verifier": verifier} if verifier else {}))
        response = await client.post("/oauth/token", data=data)
        assert response.status_code == 400 and "code_verifier" in response.json()["error_description"]
    code = await authorized_code(app, code_challenge=challenge, code_challenge_method="S256")
    response = await client.post("/oauth/token", data=exchange(app, code, code_verifier=VERIFIER))
    assert response.status_code == 200


@pytest.mark.parametrize("secret", ["wrong", "", None])
async def test_a_wrong_client_secret_is_invalid_client(client, register, signed_in, authorized_code, secret):
    app = await register()
    code = await authorized_code(app)
    data = {k: v for k, v in {**exchange(app, code), "client_secret": secret}.items() if v is not None}
    response = await client.post("/oauth/token", data=data)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client" and response.json()["error_description"]


async def test_bad_basic_credentials_name_the_scheme(client, register):
    app = await register()
    for value in ("!!!not base64", base64.b64encode(b"no colon").decode(),
                  base64.b64encode(f"{app['client_id']}:wrong".encode()).decode()):
        response = await client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                     headers={"Authorization": f"Basic {value}"})
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"].startswith("Basic")


async def test_client_credentials_is_an_app_token(client, register):
    app = await register(scopes="read write")
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    response = await client.post("/oauth/token", data={"grant_type": "client_credentials", **creds})
    doc = response.json()
    assert response.status_code == 200 and doc["scope"] == "read write" and "refresh_token" not in doc
    assert await works(client, doc["access_token"]) == 200
    narrower = await client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "read", **creds})
    assert narrower.json()["scope"] == "read"
    wider = await client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": "push", **creds})
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


async def test_refresh_gives_a_new_token_and_retires_the_old(client, register, signed_in, authorized_code):
    app = await register()
    first = (await client.post("/oauth/token", data=exchange(app, await authorized_code(app)))).json()
    creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    response = await client.post("/oauth/token", data={"grant_type": "refresh_token",
                                                       "refresh_token": first["refresh_token"], **creds})
    assert response.status_code == 200
    second = response.json()
    assert second["scope"] == first["scope"] and second["access_token"] != first["access_token"]
    assert await works(client, second["access_token"]) == 200
    assert await works(client, first["access_token"]) == 401
    reused = await client.post("/oauth/token", data={"grant_type": "refresh_token",
                                                     "refresh_token": first["refresh_token"], **creds})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    other = await register()
    stolen = await client.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": second["refresh_token"],
        "client_id": other["client_id"], "client_secret": other["client_secret"]})
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    wider = await client.post("/oauth/token", data={"grant_type": "refresh_token", "scope": "admin:read",
                                                    "refresh_token": second["refresh_token"], **creds})
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


@pytest.mark.parametrize("grant_type", ["password", "implicit", None])
async def test_other_grant_types_are_unsupported(client, register, grant_type):
    app = await register()
    data = {"client_id": app["client_id"], "client_secret": app["client_secret"], "grant_type": grant_type}
    response = await client.post("/oauth/token", data={k: v for k, v in data.items() if v is not None})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


async def test_a_malformed_body_is_a_4xx_not_a_crash(client):
    response = await client.post("/oauth/token", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json; charset=utf-8"


async def test_two_racing_exchanges_of_one_code_get_one_token(client, register, signed_in, authorized_code):
    import asyncio

    app = await register()
    code = await authorized_code(app)
    responses = await asyncio.gather(*(client.post("/oauth/token", data=exchange(app, code)) for _ in range(2)))
    assert sorted(r.status_code for r in responses) == [200, 400]

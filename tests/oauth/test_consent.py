"""GET /oauth/authorize and the consent decision: sign in first, then Authorize or Deny, then back to the
app; errors about the client or the redirect URI stay on our page (fediart/oauth/authorize.py, consent.py)."""

from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import select

from helpers import assert_licence_headers
from signin import CLIENT_REDIRECT as REDIRECT, PASSWORD, form_to, query_of

from fediart.oauth.redirects import OOB
from fediart.oauth.tokens import digest
from fediart.store.tables import OAuthCode

CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B


def authorize_url(app, **params) -> str:
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": app["redirect_uris"][0],
             "scope": "read write follow push", "state": "st4te", **params}
    return "/oauth/authorize?" + urlencode({k: v for k, v in query.items() if v is not None})


async def test_signing_in_first_then_consent_then_back_to_the_app(client, register, ana, services):
    app = await register()
    start = await client.get(authorize_url(app))
    assert start.status_code == 302
    login_url = start.headers["location"]
    assert login_url.startswith("/login?next=")
    login_page = await client.get(login_url)
    form = form_to(login_page.text, "/login")
    assert form.fields["next"] == authorize_url(app)  # back to the same request after signing in
    signed = await client.post(form.action, data=form.submit(username="ana", password=PASSWORD))
    assert signed.status_code == 303 and signed.headers["location"] == authorize_url(app)

    page = await client.get(signed.headers["location"])
    assert page.status_code == 200
    assert_licence_headers(page)
    assert "Authorize Test client?" in page.text and "@ana" in page.text
    assert "post, edit and delete" in page.text and "push notifications" in page.text
    # The form may end at the app's redirect URI, and nowhere else; still no script at all.
    policy = page.headers["content-security-policy"]
    assert "form-action 'self' https://client.example;" in policy and "script-src 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    consent_form = form_to(page.text, "/oauth/authorize")
    assert [b[1] for b in consent_form.buttons] == ["authorize", "deny"]

    done = await client.post(consent_form.action, data=consent_form.submit("authorize"))
    assert done.status_code == 302
    location = done.headers["location"]
    assert location.startswith(REDIRECT + "?")
    params = query_of(location)
    assert params["state"] == "st4te"
    async with services.sessions() as session:
        row = (await session.exec(select(OAuthCode))).one()
    assert row.code_hash == digest(params["code"]) and row.account_id == ana.id
    assert row.scopes == "read write follow push" and row.redirect_uri == REDIRECT


async def test_a_redirect_uri_with_a_query_gets_an_ampersand(register, signed_in, consent):
    app = await register(redirect_uris="https://client.example/cb?from=fediart")
    response = await consent(app)
    assert response.headers["location"].startswith("https://client.example/cb?from=fediart&code=")


async def test_custom_scheme_redirects_and_their_csp(client, register, signed_in, consent):
    app = await register(redirect_uris="com.tapbots.Ivory.123:/request_token")
    page = await client.get(authorize_url(app))
    assert "form-action 'self' com.tapbots.ivory.123:;" in page.headers["content-security-policy"]
    response = await consent(app)
    assert response.headers["location"].startswith("com.tapbots.Ivory.123:/request_token?code=")


async def test_out_of_band_shows_the_code_on_a_page(client, register, signed_in, consent, services):
    app = await register(redirect_uris=OOB)
    response = await consent(app)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert_licence_headers(response)
    code = response.text.split('<code id="code">')[1].split("</code>")[0]
    async with services.sessions() as session:
        assert (await session.exec(select(OAuthCode))).one().code_hash == digest(code)


async def test_deny_sends_access_denied(register, signed_in, consent, services):
    app = await register()
    response = await consent(app, decision="deny")
    assert response.status_code == 302
    params = query_of(response.headers["location"])
    assert params["error"] == "access_denied" and params["state"] == "st4te" and "code" not in params
    async with services.sessions() as session:
        assert (await session.exec(select(OAuthCode))).all() == []


@pytest.mark.parametrize("change", [{"client_id": "unknown"}, {"redirect_uri": "https://evil.example/cb"},
                                    {"redirect_uri": REDIRECT + "/"}, {"redirect_uri": REDIRECT.upper()}])
async def test_bad_client_or_redirect_uri_is_a_page_never_a_redirect(client, register, signed_in, change):
    app = await register()
    response = await client.get(authorize_url(app, **change))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Cannot authorize this app" in response.text
    assert "evil.example" not in response.text


async def test_redirect_uri_may_be_left_out_when_only_one_is_registered(client, register, signed_in):
    one = await register()
    two = await register(redirect_uris=f"{REDIRECT} https://client.example/other")
    assert (await client.get(authorize_url(one, redirect_uri=None))).status_code == 200
    assert (await client.get(authorize_url(two, redirect_uri=None))).status_code == 400


@pytest.mark.parametrize("change, error", [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"scope": "read admin:write"}, "invalid_scope"),
    ({"scope": "read everything"}, "invalid_scope"),
    ({"code_challenge": CHALLENGE, "code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": CHALLENGE}, "invalid_request"),  # no method means plain
    ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
])
async def test_other_errors_go_back_to_the_app(client, register, signed_in, change, error):
    app = await register()
    response = await client.get(authorize_url(app, **change))
    assert response.status_code == 302
    params = query_of(response.headers["location"])
    assert response.headers["location"].startswith(REDIRECT + "?")
    assert params["error"] == error and params["state"] == "st4te"


async def test_a_narrower_scope_is_what_the_code_grants(register, signed_in, consent, services):
    app = await register()
    await consent(app, scope="read:statuses write:media")
    async with services.sessions() as session:
        assert (await session.exec(select(OAuthCode))).one().scopes == "read:statuses write:media"


async def test_consent_without_the_csrf_token_is_refused(client, register, signed_in, services):
    app = await register()
    page = await client.get(authorize_url(app))
    form = form_to(page.text, "/oauth/authorize")
    data = form.submit("authorize")
    for forged in ({k: v for k, v in data.items() if k != "csrf_token"}, {**data, "csrf_token": "a" * 43}):
        response = await client.post("/oauth/authorize", data=forged)
        assert response.status_code == 403 and "location" not in response.headers
    async with services.sessions() as session:
        assert (await session.exec(select(OAuthCode))).all() == []


async def test_consent_needs_a_session(client, register, signed_in):
    app = await register()
    page = await client.get(authorize_url(app))
    form = form_to(page.text, "/oauth/authorize")
    client.cookies.clear()
    response = await client.post("/oauth/authorize", data=form.submit("authorize"))
    assert response.status_code == 403 and "location" not in response.headers


async def test_the_posted_form_is_checked_again(client, register, signed_in):
    app = await register()
    page = await client.get(authorize_url(app))
    data = form_to(page.text, "/oauth/authorize").submit("authorize")
    response = await client.post("/oauth/authorize", data={**data, "redirect_uri": "https://evil.example/"})
    assert response.status_code == 400 and "location" not in response.headers


async def test_force_login_ends_the_session_and_asks_again(client, register, signed_in):
    app = await register()
    response = await client.get(authorize_url(app, force_login="true"))
    assert response.status_code == 302
    next_path = query_of(response.headers["location"])["next"]
    assert "force_login" not in next_path and next_path == authorize_url(app)
    # Signed out: the same request now goes to the login page again instead of the consent page.
    again = await client.get(authorize_url(app))
    assert again.status_code == 302 and urlsplit(again.headers["location"]).path == "/login"


async def test_out_of_band_refusals_are_shown_not_redirected(client, register, signed_in, consent):
    app = await register(redirect_uris=OOB)
    response = await client.get(authorize_url(app, scope="admin:read"))
    assert response.status_code == 400 and "location" not in response.headers
    assert "invalid_scope" in response.text
    denied = await consent(app, decision="deny")
    assert denied.status_code == 400 and "access_denied" in denied.text

"""GET/POST /login and POST /logout as a browser uses them: the form, the session cookie, CSRF, the
throttle and the `next` guard (fediart/auth/pages.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from helpers import assert_licence_headers
from signin import PASSWORD, form_to, give_password, sign_in

from fediart.auth import throttle
from fediart.auth.login import THROTTLED, WRONG
from fediart.oauth.tokens import digest
from fediart.store.tables import LoginAttempt, LoginSession


@pytest.fixture
async def ana(make_artist, services):
    account = await make_artist("ana")
    await give_password(services, account)
    return account


async def test_the_login_page_is_a_form_with_a_csrf_token_and_the_licence(client):
    page = await client.get("/login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert_licence_headers(page)
    assert '<meta name="tdm-reservation" content="1">' in page.text
    form = form_to(page.text, "/login")
    assert form.method == "post"
    assert set(form.fields) == {"csrf_token", "next", "username", "password"}
    assert len(form.fields["csrf_token"]) >= 32
    cookie = page.headers["set-cookie"]
    assert form.fields["csrf_token"] in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


async def test_a_right_password_starts_a_session_with_a_safe_cookie(client, ana, services):
    response = await sign_in(client, "ana", next_path="/@ana")
    assert response.status_code == 303
    assert response.headers["location"] == "/@ana"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "fediart_session=" in c)
    # https instance: the cookie is Secure and __Host- prefixed, so no subdomain can plant one.
    assert cookie.startswith("__Host-fediart_session=")
    for attribute in ("HttpOnly", "Secure", "Path=/"):
        assert attribute in cookie
    assert "samesite=lax" in cookie.lower()
    secret = cookie.split("=", 1)[1].split(";")[0]
    assert len(secret) >= 43  # 256 random bits
    async with services.sessions() as session:
        rows = (await session.exec(select(LoginSession))).all()
    assert [r.session_hash for r in rows] == [digest(secret)]  # stored hashed, never as is
    assert rows[0].account_id == ana.id
    signed_in = await client.get("/login")
    assert "You are signed in as <strong>@ana</strong>" in signed_in.text


async def test_plain_http_instances_set_a_cookie_without_secure(make_artist, services, client, monkeypatch):
    from dataclasses import replace

    account = await make_artist("bo")
    await give_password(services, account)
    config = services.config
    monkeypatch.setattr(services, "config", replace(config, server=replace(config.server, scheme="http")))
    response = await sign_in(client, "bo")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "fediart_session=" in c)
    assert cookie.startswith("fediart_session=") and "Secure" not in cookie


@pytest.mark.parametrize("password", ["wrong password", ""])
async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client, ana, password):
    wrong = await sign_in(client, "ana", password)
    unknown = await sign_in(client, "nobody", password or "whatever1")
    assert wrong.status_code == unknown.status_code == 422
    assert WRONG in wrong.text and WRONG in unknown.text
    assert "fediart_session=" not in str(wrong.headers.get_list("set-cookie"))


async def test_an_account_without_a_password_cannot_sign_in(client, make_artist):
    await make_artist("cy")
    response = await sign_in(client, "cy", "")
    assert response.status_code == 422 and WRONG in response.text


async def test_a_post_without_the_csrf_token_is_refused(client, ana):
    page = await client.get("/login")
    form = form_to(page.text, "/login")
    data = form.submit(username="ana", password=PASSWORD)
    missing = await client.post("/login", data={k: v for k, v in data.items() if k != "csrf_token"})
    assert missing.status_code == 403
    forged = await client.post("/login", data={**data, "csrf_token": "x" * 43})
    assert forged.status_code == 403
    non_ascii = await client.post("/login", data={**data, "csrf_token": "é" * 43})
    assert non_ascii.status_code == 403
    client.cookies.clear()  # another site's page: the browser posts, but without our cookie's value
    cross_site = await client.post("/login", data=data)
    assert cross_site.status_code == 403
    assert "fediart_session=" not in str(cross_site.headers.get_list("set-cookie"))


async def test_failures_per_account_end_in_429_even_with_the_right_password(client, ana):
    for _ in range(throttle.PER_ACCOUNT):
        assert (await sign_in(client, "ana", "wrong password")).status_code == 422
    blocked = await sign_in(client, "ANA", PASSWORD)
    assert blocked.status_code == 429
    assert THROTTLED in blocked.text
    assert blocked.headers["retry-after"] == "900"


async def test_failures_per_address_end_in_429_for_every_name(client, ana, make_artist, services):
    for i in range(throttle.PER_ADDRESS):
        assert (await sign_in(client, f"guess{i}", "wrong password")).status_code == 422
    assert (await sign_in(client, "ana", PASSWORD)).status_code == 429


async def test_old_failures_no_longer_count(client, ana, services):
    from fediart.store.tables import utcnow

    async with services.sessions() as session:
        for _ in range(throttle.PER_ACCOUNT):
            session.add(LoginAttempt(username="ana", address="198.51.100.7",
                                     created_at=utcnow() - throttle.WINDOW - throttle.WINDOW))
        await session.commit()
    assert (await sign_in(client, "ana")).status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\tx",
                                    "javascript:alert(1)", "http:/evil.example"])
async def test_next_never_leaves_the_site(client, ana, target):
    response = await sign_in(client, "ana", next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_logout_ends_the_session_and_needs_its_csrf_token(client, ana, services):
    await sign_in(client, "ana")
    page = await client.get("/login")
    form = form_to(page.text, "/logout")
    refused = await client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert "You are signed in" in (await client.get("/login")).text
    done = await client.post(form.action, data=form.submit())
    assert done.status_code == 303
    async with services.sessions() as session:
        assert (await session.exec(select(LoginSession))).all() == []
    assert "You are signed in" not in (await client.get("/login")).text


async def test_a_stolen_cookie_is_dead_after_logout(client, ana, services):
    response = await sign_in(client, "ana")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "fediart_session=" in c)
    name, value = cookie.split(";")[0].split("=", 1)
    page = await client.get("/login")
    await client.post("/logout", data=form_to(page.text, "/logout").submit())
    client.cookies.set(name, value)
    assert "You are signed in" not in (await client.get("/login")).text


async def test_an_expired_session_is_signed_out(client, ana, services):
    from sqlmodel import update

    from fediart.store.tables import utcnow

    await sign_in(client, "ana")
    assert "You are signed in" in (await client.get("/login")).text
    async with services.sessions() as session:
        await session.exec(update(LoginSession).values(expires_at=utcnow() - throttle.WINDOW))
        await session.commit()
    assert "You are signed in" not in (await client.get("/login")).text


async def test_last_seen_is_kept_without_a_write_per_page(client, ana, services):
    from datetime import timedelta

    from sqlmodel import update

    from fediart.store.tables import utcnow

    await sign_in(client, "ana")
    old = utcnow() - timedelta(hours=1)
    async with services.sessions() as session:
        await session.exec(update(LoginSession).values(last_seen_at=old))
        await session.commit()
    await client.get("/login")
    async with services.sessions() as session:
        seen = (await session.exec(select(LoginSession))).one().last_seen_at
    assert seen.replace(tzinfo=None) > old.replace(tzinfo=None) + timedelta(minutes=50)

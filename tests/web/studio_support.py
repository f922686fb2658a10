"""Test support for the studio: an artist signed in through the real login form, and the studio's forms."""

from __future__ import annotations

from signin import Form, form_to, give_password, sign_in


async def signed_in(client, services, make_artist, name: str = "ana", **options):
    """A new artist with a password, signed in on `client` (its cookie jar keeps the session)."""
    account = await make_artist(name, **options)
    await give_password(services, account)
    response = await sign_in(client, name, next_path="/studio")
    assert response.status_code == 303, response.text
    return account


async def studio_form(client, page: str, action: str) -> Form:
    """The form on studio page `page` that posts to `action` (with its CSRF token and hidden fields)."""
    response = await client.get(page)
    assert response.status_code == 200, response.text
    return form_to(response.text, action)

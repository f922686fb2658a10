"""The sign-in and consent pages and the client API's answers carry the licence signals too: headers on
every answer, meta tags on every page, and a `licence` on every status and in the artist's `source`."""

from helpers import assert_licence_headers

from fediart.store.tables import OAuthApp


async def test_sign_in_pages_and_api_answers_carry_the_licence(client, services, make_artist, bearer):
    ana = await make_artist("ana")
    headers = await bearer(ana)
    async with services.sessions() as session:
        session.add(OAuthApp(name="app", client_id="licence-app", client_secret_hash="0" * 64,
                             redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read"))
        await session.commit()
    login = await client.get("/login")
    authorize = await client.get("/oauth/authorize", params={"response_type": "code", "client_id": "licence-app",
                                                             "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"})
    assert authorize.status_code == 302 and authorize.headers["location"].startswith("/login")
    assert_licence_headers(authorize)
    assert_licence_headers(login)
    assert '<meta name="tdm-reservation" content="1">' in login.text
    posted = await client.post("/api/v1/statuses", headers=headers, json={"status": "Heron"})
    assert posted.json()["licence"]["ai_training"] == "reserved"
    for response in (posted, await client.get("/api/v2/instance"),
                     await client.get("/api/v1/accounts/verify_credentials", headers=headers),
                     await client.get("/api/v1/timelines/home", headers=headers)):
        assert_licence_headers(response)
    me = (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).json()
    assert me["source"]["licence"]["ai_training"] == "reserved"

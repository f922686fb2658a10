"""The hottest anonymous GETs answered from memory (fediart/served.py), as peers see them: the same
bytes every time, each variant kept apart, and a change visible at once."""

from __future__ import annotations

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers

from fediart.actions.profile import ProfileChanges, update_profile

WEBFINGER = "/.well-known/webfinger?resource=acct:ana@art.example"


def _seen(response) -> tuple:
    return response.status_code, list(response.headers.raw), response.content


async def test_a_repeated_fetch_gets_the_same_answer_licence_headers_included(client, make_artist):
    await make_artist("ana")
    for path, accept in (("/users/ana", AP_ACCEPT), (WEBFINGER, "application/jrd+json"), ("/actor", AP_ACCEPT)):
        first = await client.get(path, headers={"Accept": accept})
        again = [await client.get(path, headers={"Accept": accept}) for _ in range(3)]
        assert first.status_code == 200, path
        assert all(_seen(response) == _seen(first) for response in again), path
        assert_licence_headers(again[-1])


async def test_a_profile_change_shows_at_once(client, services, make_artist):
    ana = await make_artist("ana")
    before = await client.get("/users/ana", headers={"Accept": AP_ACCEPT})
    assert before.json()["license"] == "https://art.example/@ana/terms"  # all rights reserved
    await client.get("/users/ana", headers={"Accept": AP_ACCEPT})
    await update_profile(services, ana, ProfileChanges(licence_key="cc-by-4.0"))
    # Authorized fetch is on in the tests: the unsigned answer is the minimal actor, which keeps the
    # licence terms; the answer remembered for this request is forgotten with the artist's documents.
    after = await client.get("/users/ana", headers={"Accept": AP_ACCEPT})
    assert after.json()["license"] == "https://creativecommons.org/licenses/by/4.0/"


async def test_signed_requests_and_other_accepts_get_their_own_answers(client, network, make_artist):
    await make_artist("ana")
    unsigned = (await client.get("/users/ana", headers={"Accept": AP_ACCEPT})).json()
    assert "followers" not in unsigned  # the minimal actor of authorized fetch
    signed = (await signed_get(client, network.fetcher(), "/users/ana")).json()
    assert signed["followers"] == "https://art.example/users/ana/followers"
    page = await client.get("/users/ana", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


async def test_a_browser_client_asking_across_origins_gets_its_cors_headers(client, make_artist):
    await make_artist("ana")
    assert "access-control-expose-headers" not in (await client.get(WEBFINGER)).headers
    from_elk = await client.get(WEBFINGER, headers={"Origin": "https://elk.example"})
    assert from_elk.status_code == 200
    assert "Link" in from_elk.headers["access-control-expose-headers"]

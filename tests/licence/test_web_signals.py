"""The licence on the web side: headers on every response, robots.txt, ai.txt, TDMRep, ODRL, pages."""

import json
import re

import pytest
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers

ARTIST_POLICY = "https://art.example/@ana/tdm-policy.json"
SITE_POLICY = "https://art.example/tdm-policy.json"
# Where rel="license" points: the licence document, or for all rights reserved the terms page.
LICENSE_LINK = {
    ("all-rights-reserved", ARTIST_POLICY): "https://art.example/@ana/terms",
    ("cc-by-nc-nd-4.0", ARTIST_POLICY): "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    # The instance default stays all rights reserved whatever one artist chooses.
    ("all-rights-reserved", SITE_POLICY): "https://art.example/terms",
    ("cc-by-nc-nd-4.0", SITE_POLICY): "https://art.example/terms",
}

EVERY_GET = [
    ("/", BROWSER_ACCEPT, 200, SITE_POLICY),
    ("/@ana", BROWSER_ACCEPT, 200, ARTIST_POLICY),
    ("/@ana", AP_ACCEPT, 200, ARTIST_POLICY),
    ("/users/ana", AP_ACCEPT, 200, ARTIST_POLICY),
    ("/users/ana", BROWSER_ACCEPT, 200, ARTIST_POLICY),
    ("/@ana/terms", BROWSER_ACCEPT, 200, ARTIST_POLICY),
    ("/@ana/licensing", BROWSER_ACCEPT, 200, ARTIST_POLICY),
    ("/@ana/tdm-policy.json", "*/*", 200, ARTIST_POLICY),
    ("/actor", AP_ACCEPT, 200, SITE_POLICY),
    ("/.well-known/webfinger?resource=acct:ana@art.example", "*/*", 200, ARTIST_POLICY),
    ("/.well-known/host-meta", "*/*", 200, SITE_POLICY),
    ("/.well-known/nodeinfo", "*/*", 200, SITE_POLICY),
    ("/nodeinfo/2.1", "*/*", 200, SITE_POLICY),
    ("/robots.txt", "*/*", 200, SITE_POLICY),
    ("/ai.txt", "*/*", 200, SITE_POLICY),
    ("/.well-known/tdmrep.json", "*/*", 200, SITE_POLICY),
    ("/about", BROWSER_ACCEPT, 200, SITE_POLICY),
    ("/tags/ink", BROWSER_ACCEPT, 200, SITE_POLICY),
    ("/authorize_interaction?uri=acct:ana@art.example", BROWSER_ACCEPT, 200, SITE_POLICY),
    ("/actor/outbox", AP_ACCEPT, 200, SITE_POLICY),
    ("/actor/collections/featured", AP_ACCEPT, 200, SITE_POLICY),
    ("/tdm-policy.json", "*/*", 200, SITE_POLICY),
    ("/terms", BROWSER_ACCEPT, 200, SITE_POLICY),
    ("/ns/fediart.jsonld", "*/*", 200, SITE_POLICY),
    ("/static/site.css", "*/*", 200, SITE_POLICY),
    ("/no/such/page", BROWSER_ACCEPT, 404, SITE_POLICY),
    ("/@nobody", BROWSER_ACCEPT, 404, SITE_POLICY),
]


@pytest.mark.parametrize("licence_key", ["all-rights-reserved", "cc-by-nc-nd-4.0"])
async def test_every_response_carries_the_licence_headers(client, make_artist, licence_key):
    await make_artist("ana", licence_key=licence_key)
    for path, accept, status, policy in EVERY_GET:
        response = await client.get(path, headers={"Accept": accept})
        assert response.status_code == status, path
        assert_licence_headers(response, policy=policy)
        link = LICENSE_LINK[licence_key, policy]
        assert f'<{link}>; rel="license"' in response.headers["link"], path
        if response.headers["content-type"].startswith("text/html") and "<html" in response.text:
            # Pages say it too, to crawlers in the head and to people in the words.
            assert f'<link rel="license" href="{link}">' in response.text, path
            assert f'<a rel="license" href="{link}">' in response.text, path


async def test_an_artist_who_allows_training_gets_permissive_headers(client, make_artist):
    await make_artist("bob", ai_training_reserved=False, search_indexing=True, licence_key="cc-by-4.0")
    response = await client.get("/users/bob", headers={"Accept": AP_ACCEPT})
    assert response.headers["tdm-reservation"] == "0"
    assert response.headers["content-usage"] == "train-ai=y"
    assert "noai" not in response.headers["x-robots-tag"]
    rules = (await client.get("/.well-known/tdmrep.json")).json()
    bob_rules = [r for r in rules if "bob" in r["location"]]
    assert bob_rules and all(r["tdm-reservation"] == 0 for r in bob_rules)


async def test_robots_txt_turns_away_ai_crawlers_but_not_fediverse_or_previews(client):
    text = (await client.get("/robots.txt")).text
    agents = re.findall(r"^User-agent: (.+)$", text, re.M)
    for crawler in ("GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "Bytespider", "img2dataset"):
        assert crawler in agents
    for keep_out in ("facebookexternalhit", "Applebot", "Twitterbot", "Mastodon", "Pleroma", "Googlebot", "bingbot"):
        assert keep_out not in agents
    # The AI group disallows everything; the catch-all group allows and states the AIPREF preference.
    groups = text.split("\n\n")
    ai_group = next(g for g in groups if "User-agent: GPTBot" in g)
    assert "Disallow: /" in ai_group
    catch_all = next(g for g in groups if "User-agent: *" in g)
    assert "Content-Usage: train-ai=n" in catch_all and "Allow: /" in catch_all and "Disallow" not in catch_all


async def test_ai_txt_disallows_media(client):
    text = (await client.get("/ai.txt")).text
    assert "User-agent: *" in text
    for line in ("Disallow: *.jpg", "Disallow: *.png", "Disallow: *.webp", "Disallow: /"):
        assert line in text


async def test_tdmrep_rules_put_artists_first_and_the_site_last(client, make_artist):
    await make_artist("ana")
    rules = (await client.get("/.well-known/tdmrep.json")).json()
    assert rules[-1] == {"location": "/", "tdm-reservation": 1, "tdm-policy": SITE_POLICY}
    ana = [r for r in rules[:-1] if "ana" in r["location"]]
    assert {r["location"] for r in ana} >= {"/@ana$", "/@ana/", "/users/ana$", "/media/ana/"}
    assert all(r["tdm-policy"] == ARTIST_POLICY for r in ana)


async def test_tdm_policy_is_an_odrl_offer_requiring_consent(client, make_artist):
    await make_artist("ana")
    response = await client.get("/@ana/tdm-policy.json")
    assert response.headers["content-type"].startswith("application/ld+json")
    policy = response.json()
    assert policy["@type"] == "Offer"
    assert policy["profile"] == "http://www.w3.org/ns/tdmrep"
    assert policy["uid"] == ARTIST_POLICY
    [permission] = policy["permission"]
    assert permission["action"] == "tdm:mine"
    assert permission["duty"] == [{"action": "obtainConsent"}]
    assert "prohibition" not in policy  # the TDMRep profile allows none


async def test_profile_page_states_the_licence_for_machines_and_people(client, make_artist):
    await make_artist("ana", display_name="Ana Lima", licence_key="cc-by-nc-nd-4.0", summary="<p>Painter</p>")
    html = (await client.get("/@ana", headers={"Accept": BROWSER_ACCEPT})).text
    assert '<meta name="robots" content="noai, noimageai, noarchive, noindex">' in html
    assert '<meta name="tdm-reservation" content="1">' in html
    assert f'<meta name="tdm-policy" content="{ARTIST_POLICY}">' in html
    assert '<link rel="license" href="https://creativecommons.org/licenses/by-nc-nd/4.0/">' in html
    assert "Not licensed for AI training." in html
    assert "@ana@art.example" in html
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    schema = json.loads(script)
    assert schema["@type"] == "ProfilePage"
    assert schema["license"] == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert schema["creator"]["name"] == "Ana Lima"
    assert "No works posted yet" in html


async def test_profile_page_escapes_what_the_artist_typed(client, make_artist):
    await make_artist("eve", display_name='Eve <script>alert(1)</script></script>',
                      fields=[{"name": "<b>x</b>", "value": "<img src=x onerror=alert(1)>"}])
    html = (await client.get("/@eve", headers={"Accept": BROWSER_ACCEPT})).text
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(script)["name"] == "Eve <script>alert(1)</script></script>"

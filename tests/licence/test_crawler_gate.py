"""AI-training crawlers get 403 on pages and media; servers, previews and consent files stay open."""

from __future__ import annotations

import pytest

from fediart.licence.crawlers import crawler_list, refused_by, token_in
from fediart.store.policy_tables import CrawlerAgent

GPT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; +https://openai.com/gptbot)"
AP_ACCEPT = "application/activity+json"


@pytest.mark.parametrize("path", ["/", "/@ana", "/users/ana", "/@ana.atom", "/users/ana.atom", "/tags/art",
                                  "/media/ana/missing.webp"])
async def test_a_listed_crawler_is_refused_on_pages_and_media_with_the_licence_on(client, make_artist, path):
    await make_artist("ana")
    response = await client.get(path, headers={"User-Agent": GPT})
    assert response.status_code == 403
    assert "GPTBot" in response.text and response.headers["content-type"].startswith("text/plain")
    assert response.headers["tdm-reservation"] == "1"


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17 Safari/605.1.15",
    "http.rb/5.1.1 (Mastodon/4.3.0; +https://mastodon.example/)",
    "GoToSocial/0.17.0 (+https://gts.example)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17 Safari/605.1.15 (Applebot/0.1)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
])
async def test_people_fediverse_servers_and_link_previews_get_the_page(client, make_artist, agent):
    await make_artist("ana")
    response = await client.get("/@ana", headers={"User-Agent": agent})
    assert response.status_code == 200


async def test_server_routes_stay_open_to_a_listed_crawler(client, make_artist, migrated):
    await make_artist("ana")
    headers = {"User-Agent": GPT}
    assert (await client.get("/robots.txt", headers=headers)).status_code == 200
    assert (await client.get("/.well-known/nodeinfo", headers=headers)).status_code == 200
    resource = f"acct:ana@{migrated.server.domain}"
    assert (await client.get("/.well-known/webfinger", params={"resource": resource},
                             headers=headers)).status_code == 200
    actor = await client.get("/@ana", headers={**headers, "Accept": AP_ACCEPT})
    assert actor.status_code == 200 and actor.json()["preferredUsername"] == "ana"


def test_tokens_match_on_word_boundaries_only():
    assert token_in("GPTBot", GPT)
    assert token_in("gptbot", GPT)
    assert not token_in("GPT", GPT)
    assert not token_in("GPTBot", "ChatGPTBot/1.0")
    assert not token_in("Applebot", "Applebot-Extended")
    assert refused_by("Mozilla/5.0 (Applebot/0.1)", ("Applebot-Extended",)) is None
    # A fediverse server is never refused, even when it also names a listed token.
    assert refused_by("Mastodon/4.3 CCBot/2.0", ("CCBot",)) is None
    assert refused_by("CCBot/2.0", ("CCBot",)) == "CCBot"


async def test_the_admin_table_replaces_the_shipped_list_for_the_gate_and_robots(client, services, make_artist):
    await make_artist("ana")
    async with services.sessions() as session:
        session.add(CrawlerAgent(agent="PaintGrabber"))
        await session.commit()
    crawler_list(services.sessions).forget()
    assert (await client.get("/@ana", headers={"User-Agent": "PaintGrabber/2"})).status_code == 403
    assert (await client.get("/@ana", headers={"User-Agent": GPT})).status_code == 200
    robots = (await client.get("/robots.txt")).text
    assert "User-agent: PaintGrabber" in robots and "User-agent: GPTBot" not in robots

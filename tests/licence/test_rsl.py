"""RSL 1.0 licence files: /license.xml for the instance, /@NAME/license.xml per artist, and how they are announced."""

import re
import xml.etree.ElementTree as ET

from fakes import signed_get
from helpers import AP_ACCEPT, BROWSER_ACCEPT, assert_licence_headers
from posting import png, publish

NS = {"rsl": "https://rslstandard.org/rsl"}
BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
SITE_RSL = "https://art.example/license.xml"
ANA_RSL = "https://art.example/@ana/license.xml"
ANA_PATHS = ["/@ana$", "/@ana/*", "/users/ana$", "/users/ana/*", "/media/ana/*"]


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rsl+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{https://rslstandard.org/rsl}rsl"
    return root


def blocks(root: ET.Element) -> dict[str, ET.Element]:
    return {content.get("url"): content for content in root.findall("rsl:content", NS)}


def usage(content: ET.Element, kind: str) -> list[str]:
    """Tokens of <permits|prohibits type="usage">: RSL 1.0 lists are space-separated."""
    [element] = content.findall(f"rsl:license/rsl:{kind}[@type='usage']", NS) or [None]
    return element.text.split() if element is not None else []


async def test_the_instance_file_has_a_block_per_artist_path_and_the_default_last(client, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    await make_artist("bob", ai_training_reserved=False, search_indexing=True, licence_key="cc0-1.0")
    response = await client.get("/license.xml")
    assert_licence_headers(response)
    root = parse(response)
    found = blocks(root)
    assert list(found) == ANA_PATHS + [p.replace("ana", "bob") for p in ANA_PATHS] + ["/"]
    for path in ANA_PATHS:
        ana = found[path]
        assert usage(ana, "prohibits") == ["search", "ai-train", "ai-input", "ai-index"]
        assert usage(ana, "permits") == []
        payment = ana.find("rsl:license/rsl:payment", NS)
        assert payment.get("type") == "attribution" and payment.find("rsl:standard", NS).text == BY_NC_ND
        assert ana.find("rsl:terms", NS).text == "https://art.example/@ana/terms"
        copyright = ana.find("rsl:copyright", NS)
        assert copyright.text == "Ana" and copyright.get("type") == "person"
        assert copyright.get("contactUrl") == "https://art.example/@ana/licensing"
    # An artist who allows AI training and search: everything permitted, nothing prohibited.
    bob = found["/@bob/*"]
    assert usage(bob, "permits") == ["all"] and usage(bob, "prohibits") == []
    assert bob.find("rsl:license/rsl:payment", NS).get("type") == "free"
    assert bob.find("rsl:license/rsl:payment/rsl:standard", NS).text == CC0
    # The instance default: all rights reserved, so no standard licence and no payment element.
    site = found["/"]
    assert usage(site, "prohibits") == ["search", "ai-train", "ai-input", "ai-index"]
    assert site.find("rsl:license/rsl:payment", NS) is None
    assert site.find("rsl:copyright", NS).get("type") == "organization"
    assert site.find("rsl:terms", NS).text == "https://art.example/terms"


async def test_generative_only_keeps_retrieval_open_and_search_follows_the_choice(client, make_artist):
    await make_artist("ana", generative_only=True, search_indexing=True)
    root = parse(await client.get("/@ana/license.xml"))
    for content in blocks(root).values():
        assert usage(content, "permits") == ["search", "ai-index"]
        assert usage(content, "prohibits") == ["ai-train", "ai-input"]


async def test_an_artist_who_allows_training_but_not_search_prohibits_only_search(client, make_artist):
    await make_artist("bob", ai_training_reserved=False, licence_key="cc-by-4.0")
    root = parse(await client.get("/@bob/license.xml"))
    for content in blocks(root).values():
        assert usage(content, "permits") == ["ai-all"] and usage(content, "prohibits") == ["search"]


async def test_the_artist_file_has_only_the_artists_paths_and_their_headers(client, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    await make_artist("bob")
    response = await client.get("/@ana/license.xml")
    assert_licence_headers(response, policy="https://art.example/@ana/tdm-policy.json")
    assert f'<{ANA_RSL}>; rel="license"; type="application/rsl+xml"' in response.headers["link"]
    assert list(blocks(parse(response))) == ANA_PATHS
    assert (await client.get("/@nobody/license.xml")).status_code == 404
    assert (await client.get("/@Bad..Name/license.xml")).status_code == 404


async def test_hostile_names_are_escaped_in_the_xml(client, services, make_artist):
    hostile = 'Eve </copyright><content url="/">&amp; ]]> <!-- "q"'
    eve = await make_artist("eve", display_name=hostile)
    async with services.sessions() as session:
        eve.acquire_licence_url = 'https://shop.example/?a=1&b="2"'
        session.add(eve)
        await session.commit()
    services.cache.clear()
    for path in ("/license.xml", "/@eve/license.xml"):
        response = await client.get(path)
        assert b"</copyright><content" not in response.content
        found = blocks(parse(response))
        assert '/' not in found or path == "/license.xml"
        copyright = found["/@eve/*"].find("rsl:copyright", NS)
        assert copyright.text == hostile
        assert copyright.get("contactUrl") == 'https://shop.example/?a=1&b="2"'


async def test_every_response_announces_the_rsl_file_after_the_plain_licence_link(client, services, make_artist,
                                                                                  network):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    post = await publish(services, text="Heron", images=[(png(), "a heron")])
    [media] = re.findall(r"/media/ana/[^\"' <]+", (await client.get(f"/@ana/{post.id}",
                                                                     headers={"Accept": BROWSER_ACCEPT})).text)[:1]
    for path, accept, rsl in [("/@ana", BROWSER_ACCEPT, ANA_RSL), (f"/@ana/{post.id}", BROWSER_ACCEPT, ANA_RSL),
                              (media, "*/*", ANA_RSL), ("/users/ana", AP_ACCEPT, ANA_RSL),
                              (f"/users/ana/statuses/{post.id}", AP_ACCEPT, ANA_RSL), ("/", BROWSER_ACCEPT, SITE_RSL),
                              ("/robots.txt", "*/*", SITE_RSL), ("/license.xml", "*/*", SITE_RSL)]:
        if accept == AP_ACCEPT:
            response = await signed_get(client, network.fetcher(), path, AP_ACCEPT)
        else:
            response = await client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, path
        links = [link.strip() for link in response.headers["link"].split(",")]
        assert links[0].endswith('; rel="license"') and "rsl+xml" not in links[0], path
        assert f'<{rsl}>; rel="license"; type="application/rsl+xml"' in links, path
        if "<html" in response.text[:200]:
            assert f'<link rel="license" type="application/rsl+xml" href="{rsl}">' in response.text, path


async def test_ai_crawlers_still_get_the_licence_files(client, make_artist):
    await make_artist("ana")
    gptbot = {"User-Agent": "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)"}
    assert (await client.get("/@ana", headers={**gptbot, "Accept": BROWSER_ACCEPT})).status_code == 403
    for path in ("/license.xml", "/@ana/license.xml", "/robots.txt"):
        assert (await client.get(path, headers=gptbot)).status_code == 200, path


async def test_a_post_under_its_own_licence_gets_its_own_blocks(client, services, make_artist):
    await make_artist("ana", licence_key="cc-by-nc-nd-4.0")
    shared = await publish(services, text="Free heron", images=[(png(), "a heron")], licence_key="cc-by-4.0")
    same = await publish(services, text="Usual", licence_key="cc-by-nc-nd-4.0")
    hidden = await publish(services, text="Friends", licence_key="cc-by-4.0", visibility="followers")
    for path in ("/license.xml", "/@ana/license.xml"):
        found = blocks(parse(await client.get(path)))
        own = [url for url in found if url not in ANA_PATHS and url != "/"]
        assert f"/@ana/{shared.id}$" in own and f"/users/ana/statuses/{shared.id}$" in own
        files = [url for url in own if url.startswith("/media/ana/")]
        assert files and all(url.endswith("$") for url in files)
        for url in own:
            assert str(shared.id) in url or url.startswith("/media/ana/")
            payment = found[url].find("rsl:license/rsl:payment/rsl:standard", NS)
            assert payment.text == "https://creativecommons.org/licenses/by/4.0/", url
            # Only the copyright licence changes; the AI reservation stays the artist's.
            assert "ai-train" in usage(found[url], "prohibits")
        assert not any(str(same.id) in url or str(hidden.id) in url for url in found)

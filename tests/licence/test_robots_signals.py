"""robots.txt: the RSL `License:` record, Content Signals with their policy, and AIPREF Content-Usage."""

import re

import pytest

from fediart.licence.documents import content_signal, robots_txt
from fediart.licence.model import build_licence


def licence(**choices):
    choices.setdefault("rsl_url", "https://art.example/license.xml")
    return build_licence(key=choices.pop("key", "all-rights-reserved"), creator="Ana", credit_text="Ana",
                         copyright_notice="© Ana", usage_info_url="https://art.example/terms",
                         tdm_policy_url="https://art.example/tdm-policy.json", **choices)


def group(text: str, agent: str) -> list[str]:
    """The lines of the group that starts with `User-agent: agent`, up to the next blank line."""
    lines = text.splitlines()
    start = lines.index(f"User-agent: {agent}")
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


async def test_robots_txt_served_has_license_content_usage_and_content_signal(client):
    response = await client.get("/robots.txt")
    text = response.text
    # RSL: an absolute URL on a record of its own, outside every group.
    assert re.search(r"^License: https://art\.example/license\.xml$", text, re.M)
    license_at = text.index("License:")
    assert "User-agent" not in text[:license_at]
    catch_all = group(text, "*")
    assert "Content-Usage: train-ai=n, search=n" in catch_all
    assert "Content-Signal: search=no, ai-train=no, ai-input=no" in catch_all
    assert "Allow: /" in catch_all and not any(line.startswith("Disallow") for line in catch_all)
    # The policy that gives Content-Signal its legal meaning sits right above the group.
    before = text[:text.index("User-agent: *")]
    assert "# ai-train: training or fine-tuning AI models." in before
    assert "ARTICLE 4 OF THE EUROPEAN UNION DIRECTIVE 2019/790" in before
    assert before.rstrip().splitlines()[-1].startswith("#")


async def test_ai_crawlers_are_disallowed_except_for_the_licence_files(client):
    text = (await client.get("/robots.txt")).text
    gptbot = group(text, "GPTBot")
    assert "Disallow: /" in gptbot
    assert "Allow: /license.xml" in gptbot and "Allow: /@*/license.xml" in gptbot


@pytest.mark.parametrize("choices, expected", [
    ({}, "search=no, ai-train=no, ai-input=no"),
    ({"search_indexing": True}, "search=yes, ai-train=no, ai-input=no"),
    # The vocabulary has no "generative only": a yes would grant the training the artist refuses.
    ({"generative_only": True, "search_indexing": True}, "search=yes, ai-train=no, ai-input=no"),
    ({"ai_training_reserved": False, "search_indexing": True}, "search=yes, ai-train=yes, ai-input=yes"),
    ({"ai_training_reserved": False}, "search=no, ai-train=yes, ai-input=yes"),
])
def test_content_signal_follows_the_licence(choices, expected):
    chosen = licence(**choices)
    assert content_signal(chosen) == expected
    text = robots_txt(chosen, ("GPTBot",), "https://art.example")
    assert f"Content-Signal: {expected}" in group(text, "*")
    assert f"Content-Usage: {chosen.content_usage}" in group(text, "*")


def test_an_instance_that_permits_training_names_no_crawler_group():
    text = robots_txt(licence(ai_training_reserved=False, search_indexing=True), ("GPTBot",), "https://art.example")
    assert "User-agent: GPTBot" not in text
    assert "License: https://art.example/license.xml" in text
    assert "Content-Signal: search=yes, ai-train=yes, ai-input=yes" in text


async def test_the_served_file_follows_the_instance_licence(client, services, monkeypatch):
    site = services.site_licence
    monkeypatch.setattr(services, "site_licence", licence(search_indexing=True, rsl_url=site.rsl_url))
    text = (await client.get("/robots.txt")).text
    assert "Content-Signal: search=yes, ai-train=no, ai-input=no" in group(text, "*")
    assert "Content-Usage: train-ai=n" in group(text, "*")

"""Site-level licence documents: robots.txt, ai.txt, /.well-known/tdmrep.json and the ODRL policies."""

from __future__ import annotations

from typing import Any

from fediart.licence.model import Licence

# Spawning's ai.txt is read when media is downloaded, so it names the image types we serve.
_MEDIA_PATTERNS = ("*.jpg", "*.jpeg", "*.png", "*.webp", "*.gif", "*.avif")


# The Content Signals Policy (contentsignals.org, CC0) that gives the `Content-Signal:` line its meaning;
# crawlers read the line, courts and people read this block, so the two stand together.
CONTENT_SIGNALS_POLICY = """\
# As a condition of accessing this website, you agree to abide by the following
# content signals:
#
# (a) If a content-signal = yes, you may collect content for the corresponding use.
# (b) If a content-signal = no, you may not collect content for the corresponding use.
# (c) If the website operator does not include a content signal for a corresponding
#     use, the website operator neither grants nor restricts permission via content
#     signal with respect to the corresponding use.
#
# The content signals and their meanings are:
#
# search:   building a search index and providing search results (e.g., returning
#           hyperlinks and short excerpts from your website's contents). Search does
#           not include providing AI-generated search summaries.
# ai-input: inputting content into one or more AI models (e.g., retrieval augmented
#           generation, grounding, or other real-time taking of content for
#           generative AI search answers).
# ai-train: training or fine-tuning AI models.
#
# ANY RESTRICTIONS EXPRESSED VIA CONTENT SIGNALS ARE EXPRESS RESERVATIONS OF RIGHTS
# UNDER ARTICLE 4 OF THE EUROPEAN UNION DIRECTIVE 2019/790 ON COPYRIGHT AND RELATED
# RIGHTS IN THE DIGITAL SINGLE MARKET."""


def content_signal(licence: Licence) -> str:
    """The Content Signals value (docs/licence.md §4.2 gives the mapping and why).

    ai-train and ai-input are both "no" whenever AI training is reserved, generative-only included:
    the vocabulary cannot say "generative training only", a "yes" would grant the generative
    training the artist refuses, and ai-input (RAG, grounding, generated answers) is itself a
    generative use of the work.
    """
    search = "yes" if licence.search_indexing else "no"
    ai = "no" if licence.ai_training_reserved else "yes"
    return f"search={search}, ai-train={ai}, ai-input={ai}"


def robots_txt(licence: Licence, crawlers: tuple[str, ...], base_url: str) -> str:
    """robots.txt: RSL `License:`, a Disallow group for AI-training crawlers, then AIPREF and Content Signals."""
    lines = ["# Art on this server is not licensed for AI training." if licence.ai_training_reserved
             else "# AI training on this server's content is permitted.",
             f"# Terms: {licence.usage_info_url}",
             f"# Machine-readable reservation: {base_url}/.well-known/tdmrep.json", ""]
    # RSL 1.0: a record outside any group, and an absolute URL.
    lines += [f"License: {licence.rsl_url or base_url + '/license.xml'}", ""]
    if licence.ai_training_reserved and crawlers:
        lines += [f"User-agent: {agent}" for agent in crawlers]
        # The licence files stay readable: a crawler that honours robots.txt must still learn the terms,
        # and under RFC 9309 the longer Allow wins over "Disallow: /".
        lines += ["Allow: /license.xml", "Allow: /@*/license.xml", "Disallow: /", ""]
    lines += [CONTENT_SIGNALS_POLICY, "User-agent: *", f"Content-Usage: {licence.content_usage}",
              f"Content-Signal: {content_signal(licence)}", "Allow: /", ""]
    return "\n".join(lines)


def ai_txt(licence: Licence) -> str:
    """Spawning ai.txt: robots syntax, read by dataset tools before they download media."""
    lines = ["# ai.txt: AI training permissions for this site", f"# Terms: {licence.usage_info_url}",
             "User-agent: *"]
    if licence.ai_training_reserved:
        lines += [f"Disallow: {pattern}" for pattern in _MEDIA_PATTERNS]
        lines += ["Disallow: *", "Disallow: /"]
    else:
        lines += ["Allow: /"]
    return "\n".join(lines) + "\n"


def tdmrep_rule(location: str, licence: Licence) -> dict[str, Any]:
    rule: dict[str, Any] = {"location": location, "tdm-reservation": licence.tdm_reservation}
    if licence.ai_training_reserved:
        rule["tdm-policy"] = licence.tdm_policy_url
    return rule


def tdmrep_json(site: Licence, per_artist: list[tuple[str, Licence]]) -> list[dict[str, Any]]:
    """TDMRep well-known rules: each artist's paths first (first match wins), the site rule last."""
    rules = []
    for username, licence in per_artist:
        # "$" anchors the bare page so that /@ana does not also match /@anabel.
        for location in (f"/@{username}$", f"/@{username}/", f"/users/{username}$", f"/users/{username}/",
                         f"/media/{username}/"):
            rules.append(tdmrep_rule(location, licence))
    rules.append(tdmrep_rule("/", site))
    return rules


def odrl_policy(licence: Licence, *, uid: str, target: str, assigner_url: str, assigner_nickname: str) -> dict[str, Any]:
    """A TDMRep-profile ODRL Offer: mining is permitted only with the artist's consent when reserved."""
    permission: dict[str, Any] = {"target": target, "action": "tdm:mine"}
    if licence.ai_training_reserved:
        permission["duty"] = [{"action": "obtainConsent"}]
    policy: dict[str, Any] = {
        "@context": ["http://www.w3.org/ns/odrl.jsonld", "http://www.w3.org/ns/tdmrep.jsonld"],
        "@type": "Offer",
        "profile": "http://www.w3.org/ns/tdmrep",
        "uid": uid,
        "assigner": {"uid": assigner_url, "vcard:fn": licence.creator, "vcard:nickname": assigner_nickname,
                     "vcard:hasURL": assigner_url},
        "permission": [permission],
    }
    if licence.acquire_licence_url:
        policy["assigner"]["vcard:hasURL"] = licence.acquire_licence_url
    return policy

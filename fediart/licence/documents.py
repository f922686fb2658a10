"""Site-level licence documents: robots.txt, ai.txt, /.well-known/tdmrep.json and the ODRL policies."""

from __future__ import annotations

from typing import Any

from fediart.licence.model import Licence

# Spawning's ai.txt is read when media is downloaded, so it names the image types we serve.
_MEDIA_PATTERNS = ("*.jpg", "*.jpeg", "*.png", "*.webp", "*.gif", "*.avif")


def robots_txt(licence: Licence, crawlers: tuple[str, ...], base_url: str) -> str:
    """robots.txt: AIPREF Content-Usage for everyone, and a Disallow group for AI-training crawlers."""
    lines = ["# Art on this server is not licensed for AI training." if licence.ai_training_reserved
             else "# AI training on this server's content is permitted.",
             f"# Terms: {licence.usage_info_url}", ""]
    if licence.ai_training_reserved and crawlers:
        lines += [f"User-agent: {agent}" for agent in crawlers]
        lines += ["Disallow: /", ""]
    lines += ["User-agent: *", f"Content-Usage: {licence.content_usage}"]
    signal_search = "yes" if licence.search_indexing else "no"
    signal_train = "no" if licence.ai_training_reserved else "yes"
    lines += [f"Content-Signal: search={signal_search}, ai-input={signal_train}, ai-train={signal_train}"]
    lines += ["Allow: /", "", f"# Machine-readable reservation: {base_url}/.well-known/tdmrep.json", ""]
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

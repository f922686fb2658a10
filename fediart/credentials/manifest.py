"""What fediart asserts about an image, as a C2PA manifest definition (pure: facts in, a dict out).

- `c2pa.actions` (the library writes it as `c2pa.actions.v2`): created, or edited from a parent
  ingredient, with the artist's IPTC digitalSourceType;
- `cawg.training-mining` (CAWG 1.1) and the legacy `c2pa.training-mining` (Adobe's Verify reads only
  that one), both from the licence: every use `notAllowed` when AI training is reserved, only
  generative training when just that is refused, all `allowed` otherwise;
- `stds.schema-org.CreativeWork` naming the author by their actor URL, with the licence link.
"""

from __future__ import annotations

from dataclasses import dataclass

from fediart.licence.model import Licence

IPTC_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
DIGITAL_CREATION = IPTC_SOURCE + "digitalCreation"
CREATED = "c2pa.created"
EDITED = "c2pa.edited"
USES = ("ai_training", "ai_generative_training", "ai_inference", "data_mining")
ALLOWED, NOT_ALLOWED = "allowed", "notAllowed"
GENERATOR = "fediart"


@dataclass(frozen=True)
class Facts:
    """What one signature says about an image."""

    title: str
    actor_url: str  # the creator, as their ActivityPub actor
    creator_name: str
    licence: Licence
    digital_source_type: str = DIGITAL_CREATION
    action: str = CREATED  # EDITED when the image is signed with a parent ingredient


def training_mining(licence: Licence) -> dict[str, str]:
    """Each use ("ai_training", …) → allowed or notAllowed, from the licence."""
    if not licence.ai_training_reserved:
        return dict.fromkeys(USES, ALLOWED)
    if licence.generative_only:
        return {use: NOT_ALLOWED if use == "ai_generative_training" else ALLOWED for use in USES}
    return dict.fromkeys(USES, NOT_ALLOWED)


def _entries(prefix: str, licence: Licence) -> dict:
    return {f"{prefix}.{use}": {"use": value} for use, value in training_mining(licence).items()}


def manifest_definition(facts: Facts) -> dict:
    """The manifest definition the C2PA Builder takes."""
    from fediart import __version__

    action = {"action": facts.action, "digitalSourceType": facts.digital_source_type}
    if facts.action == EDITED:
        action = {"action": EDITED, "softwareAgent": {"name": GENERATOR},
                  "description": "resized and re-encoded for the web; licence metadata written"}
    work = {"@context": "https://schema.org", "@type": "CreativeWork",
            "author": [{"@type": "Person", "@id": facts.actor_url, "name": facts.creator_name,
                        "url": facts.actor_url}],
            "copyrightNotice": facts.licence.copyright_notice,
            "usageInfo": facts.licence.usage_info_url}
    if facts.licence.url:
        work["license"] = facts.licence.url
    return {
        "claim_generator_info": [{"name": GENERATOR, "version": __version__}],
        "title": facts.title[:200] or "image",
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [action]}},
            {"label": "cawg.training-mining", "data": {"entries": _entries("cawg", facts.licence)}},
            {"label": "c2pa.training-mining", "data": {"entries": _entries("c2pa", facts.licence)}},
            {"label": "stds.schema-org.CreativeWork", "data": work, "kind": "Json"},
        ],
    }

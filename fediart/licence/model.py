"""The licence model: what an artist reserves, from which every rendering is derived.

One `Licence` value per account (and, later, per post). JSON-LD terms, HTTP headers, HTML meta
and image-file XMP are each rendered from it by a small pure function in this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from fediart.licence.catalogue import LICENCES, licence_by_key

IPTC_VOCAB = "http://ns.useplus.org/ldf/vocab/"


@dataclass(frozen=True)
class Licence:
    """An artist's licensing choices, with the URLs of the pages that explain them."""

    key: str  # catalogue key, e.g. "all-rights-reserved" or "cc-by-nc-nd-4.0"
    name: str  # human-readable, e.g. "CC BY-NC-ND 4.0"
    url: str | None  # the licence document; None means all rights reserved
    ai_training_reserved: bool  # True: TDM/AI-training rights reserved (the default)
    generative_only: bool  # True: only generative-AI training is refused
    search_indexing: bool  # may search engines and fediverse search index the work
    credit_text: str  # how to credit, e.g. "Ana (@ana@art.example)"
    copyright_notice: str  # e.g. "© 2026 Ana"
    usage_info_url: str  # human terms page (schema:usageInfo)
    tdm_policy_url: str  # machine-readable ODRL/TDMRep policy
    acquire_licence_url: str | None  # where to ask for or buy a licence (schema:acquireLicensePage)
    creator: str  # the artist's display name
    rsl_url: str | None = None  # the RSL 1.0 licence file (application/rsl+xml) that covers this work

    @property
    def document_url(self) -> str:
        """What `license` points to: the licence document, or for all rights reserved the terms page."""
        return self.url or self.usage_info_url

    @property
    def all_rights_reserved(self) -> bool:
        return self.url is None

    @property
    def content_usage(self) -> str:
        """The IETF AIPREF Content-Usage dictionary (draft-ietf-aipref-vocab-07)."""
        parts = ["train-ai=n" if self.ai_training_reserved else "train-ai=y"]
        if not self.search_indexing:
            parts.append("search=n")
        return ", ".join(parts)

    @property
    def x_robots_tag(self) -> str:
        """De facto robots values: noai/noimageai (DeviantArt), noarchive (Bing's AI opt-out)."""
        values = []
        if self.ai_training_reserved:
            values += ["noai", "noimageai", "noarchive"]
        if not self.search_indexing:
            values.append("noindex")
        return ", ".join(values) if values else "all"

    @property
    def tdm_reservation(self) -> int:
        return 1 if self.ai_training_reserved else 0

    @property
    def data_mining(self) -> str:
        """The IPTC PLUS DataMining value (IPTC Photo Metadata 2023.1)."""
        if not self.ai_training_reserved:
            return IPTC_VOCAB + "DMI-ALLOWED"
        if self.generative_only:
            return IPTC_VOCAB + "DMI-PROHIBITED-GENAIMLTRAINING"
        return IPTC_VOCAB + "DMI-PROHIBITED-AIMLTRAINING"

    @property
    def summary(self) -> str:
        """One human sentence, as shown on pages and appended to federated posts."""
        rights = self.name if self.url else "All rights reserved"
        ai = "not licensed for AI training" if self.ai_training_reserved else "AI training permitted"
        return f"{self.copyright_notice} · {rights} · {ai}"


def build_licence(
    *,
    key: str,
    ai_training_reserved: bool = True,
    generative_only: bool = False,
    search_indexing: bool = False,
    creator: str,
    credit_text: str,
    copyright_notice: str,
    usage_info_url: str,
    tdm_policy_url: str,
    acquire_licence_url: str | None = None,
    rsl_url: str | None = None,
) -> Licence:
    """Make a Licence from a catalogue key; raises KeyError naming the unknown key."""
    entry = licence_by_key(key)
    return Licence(
        key=entry.key,
        name=entry.name,
        url=entry.url,
        ai_training_reserved=ai_training_reserved,
        generative_only=generative_only,
        search_indexing=search_indexing,
        credit_text=credit_text,
        copyright_notice=copyright_notice,
        usage_info_url=usage_info_url,
        tdm_policy_url=tdm_policy_url,
        acquire_licence_url=acquire_licence_url,
        creator=creator,
        rsl_url=rsl_url,
    )


__all__ = ["Licence", "build_licence", "LICENCES", "IPTC_VOCAB"]

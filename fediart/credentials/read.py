"""Reading an image's Content Credentials back: validation state and what the manifest says.

The state is the library's: `Trusted` when the signer chains to the trust anchor given (fediart's own
CA, or the admin's issuer), `Valid` when the signature and hashes hold but the signer is unknown,
`Invalid` when anything was changed after signing. A file the library cannot even parse reads Invalid
too; one without a manifest reads None.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import c2pa

TRUSTED, VALID, INVALID = "Trusted", "Valid", "Invalid"


@dataclass(frozen=True)
class Credentials:
    state: str  # Trusted, Valid or Invalid
    training_mining: dict[str, str] = field(default_factory=dict)  # "ai_training" → allowed/notAllowed (cawg)
    legacy_training_mining: dict[str, str] = field(default_factory=dict)  # the same from c2pa.training-mining
    digital_source_type: str = ""
    actions: list[str] = field(default_factory=list)
    creator_url: str = ""
    creator_name: str = ""
    licence_url: str = ""  # the copyright licence the author named ("" for all rights reserved)
    signer: str = ""  # the signing certificate's common name
    signer_organisation: str = ""
    signed_at: str = ""  # ISO time, when the signer put one in the claim
    ingredients: list[dict] = field(default_factory=list)  # title, relationship, its manifest's signer
    failures: list[str] = field(default_factory=list)  # validation failure codes


def _context(trust_anchor: bytes | None) -> c2pa.Context:
    import c2pa  # on first use: the native library costs ~8 MiB a process may never need
    settings: dict = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    if trust_anchor:
        settings["trust"] = {"user_anchors": trust_anchor.decode("ascii")}
    return c2pa.Context.from_dict(settings)


def _assertion(manifest: dict, *labels: str) -> dict:
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") in labels:
            return assertion.get("data") or {}
    return {}


def _uses(manifest: dict, label: str) -> dict[str, str]:
    entries = _assertion(manifest, label).get("entries") or {}
    prefix = label.split(".")[0] + "."
    return {name.removeprefix(prefix): (entry or {}).get("use", "") for name, entry in entries.items()}


def _source_type(store: dict, label: str | None, seen: set[str]) -> str:
    """The first digitalSourceType in a manifest's actions, else in its parent's (an edit keeps the
    creation's)."""
    manifest = store.get("manifests", {}).get(label or "")
    if manifest is None or label in seen:
        return ""
    seen.add(label)
    for action in _assertion(manifest, "c2pa.actions", "c2pa.actions.v2").get("actions", []):
        if action.get("digitalSourceType"):
            return action["digitalSourceType"]
    for ingredient in manifest.get("ingredients", []):
        if ingredient.get("relationship") == "parentOf":
            return _source_type(store, ingredient.get("active_manifest"), seen)
    return ""


def read_credentials(data: bytes, media_type: str, trust_anchor: bytes | None = None,
                     manifest: bytes | None = None) -> Credentials | None:
    """What the image's manifest (or the detached `manifest`) says; None when it has none."""
    import c2pa  # on first use: the native library costs ~8 MiB a process may never need
    try:
        reader = c2pa.Reader.try_create(media_type, io.BytesIO(data), manifest_data=manifest,
                                        context=_context(trust_anchor))
    except c2pa.C2paError as exc:
        return Credentials(state=INVALID, failures=[str(exc)])
    if reader is None:
        return None
    with reader:
        store = json.loads(reader.json())
        state = reader.get_validation_state() or INVALID
        results = reader.get_validation_results() or {}
    active_label = store.get("active_manifest")
    active = store.get("manifests", {}).get(active_label, {})
    work = _assertion(active, "stds.schema-org.CreativeWork")
    author = (work.get("author") or [{}])[0]
    signature = active.get("signature_info") or {}
    ingredients = []
    for ingredient in active.get("ingredients", []):
        parent = store.get("manifests", {}).get(ingredient.get("active_manifest") or "", {})
        ingredients.append({"title": ingredient.get("title", ""), "relationship": ingredient.get("relationship", ""),
                            "signer": (parent.get("signature_info") or {}).get("common_name", ""),
                            "manifest": ingredient.get("active_manifest") or ""})
    failures = [item.get("code", "") for item in (results.get("activeManifest") or {}).get("failure", [])]
    return Credentials(
        state=state,
        training_mining=_uses(active, "cawg.training-mining"),
        legacy_training_mining=_uses(active, "c2pa.training-mining"),
        digital_source_type=_source_type(store, active_label, set()),
        actions=[a.get("action", "") for a in _assertion(active, "c2pa.actions", "c2pa.actions.v2").get("actions", [])],
        creator_url=author.get("@id", ""),
        creator_name=author.get("name", ""),
        licence_url=work.get("license", ""),
        signer=signature.get("common_name", ""),
        signer_organisation=signature.get("issuer", ""),
        signed_at=signature.get("time", ""),
        ingredients=ingredients,
        failures=failures,
    )

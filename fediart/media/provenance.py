"""How an image was made, from evidence only: the IPTC digital source type its file declares (XMP
`Iptc4xmpExt:DigitalSourceType`) or its Content Credentials sign (the `digitalSourceType` of a C2PA
`c2pa.actions` assertion), and the artist's own declaration. Never a guessing classifier.

Pure: bytes or strings in, an IPTC URL out. `read_source_type` runs on the raw upload, before the
image pipeline strips metadata.

Which types count as AI-generated (`is_ai_generated`): IPTC's `trainedAlgorithmicMedia` ("created
by a model trained on sampled content") and `compositeWithTrainedAlgorithmicMedia` ("a mix … at
least one of which is trained algorithmic media"). Not `algorithmicMedia` (IPTC: "created purely by
an algorithm not based on any sampled training data", e.g. a fractal or generative code art),
`compositeSynthetic` (a composite with any synthetic element, CGI included: it does not say a
trained model was involved), `algorithmicallyEnhanced` (minor corrections) or `dataDrivenMedia`. The
label answers the question artists ask ("was a generative model trained on others' work used?"),
so it follows the two codes that say so.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from enum import StrEnum

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_untrusted_xml

from fediart.media.encode import embedded_xmp

IPTC_BASE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SCHEMA_TERM = "http://schema.org/digitalSourceType"  # also accepted with https, as in schema.org's own pages
_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


class DigitalSourceType(StrEnum):
    """IPTC NewsCodes digital source types (2024-Q3 release), as the URLs files and C2PA carry."""

    DIGITAL_CAPTURE = IPTC_BASE + "digitalCapture"
    COMPUTATIONAL_CAPTURE = IPTC_BASE + "computationalCapture"
    NEGATIVE_FILM = IPTC_BASE + "negativeFilm"
    POSITIVE_FILM = IPTC_BASE + "positiveFilm"
    PRINT = IPTC_BASE + "print"
    SCREEN_CAPTURE = IPTC_BASE + "screenCapture"
    VIRTUAL_RECORDING = IPTC_BASE + "virtualRecording"
    HUMAN_EDITS = IPTC_BASE + "humanEdits"
    COMPOSITE_CAPTURE = IPTC_BASE + "compositeCapture"
    ALGORITHMICALLY_ENHANCED = IPTC_BASE + "algorithmicallyEnhanced"
    DIGITAL_CREATION = IPTC_BASE + "digitalCreation"
    DATA_DRIVEN_MEDIA = IPTC_BASE + "dataDrivenMedia"
    TRAINED_ALGORITHMIC_MEDIA = IPTC_BASE + "trainedAlgorithmicMedia"
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = IPTC_BASE + "compositeWithTrainedAlgorithmicMedia"
    COMPOSITE_SYNTHETIC = IPTC_BASE + "compositeSynthetic"
    ALGORITHMIC_MEDIA = IPTC_BASE + "algorithmicMedia"

    @property
    def short(self) -> str:
        return self.value.removeprefix(IPTC_BASE)


AI_GENERATED = frozenset({DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA,
                          DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA})

# What the studio offers an artist, in this order; the first is the default.
STUDIO_CHOICES = (
    (DigitalSourceType.DIGITAL_CREATION, "Made by me (drawn, painted, modelled…)"),
    (DigitalSourceType.HUMAN_EDITS, "A photo or scan I edited"),
    (DigitalSourceType.COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA, "My work with AI-generated parts"),
    (DigitalSourceType.TRAINED_ALGORITHMIC_MEDIA, "AI-generated"),
)

# Codes IPTC retired, read as the ones that replaced them (2024-Q3 release).
_RETIRED = {"digitalArt": "digitalCreation", "minorHumanEdits": "humanEdits",
            "softwareImage": "digitalCreation"}
_BY_SHORT = {member.short.lower(): member for member in DigitalSourceType}
_URL_FORMS = re.compile(r"^https?://cv\.iptc\.org/newscodes/digitalsourcetype/([A-Za-z]+)/?$")
# schema.org's IPTCDigitalSourceEnumeration members: TrainedAlgorithmicMediaDigitalSource, …
_SCHEMA_FORMS = re.compile(r"^(?:https?://schema\.org/|schema:)?([A-Za-z]+)DigitalSource$")


def normalise_source_type(value: object) -> str:
    """The IPTC URL a value names: the URL itself (http or https), a short name like
    `trainedAlgorithmicMedia` (any case), or a schema.org member (`TrainedAlgorithmicMediaDigitalSource`,
    full or compact); "" for anything else, so unknown or hostile values are never stored."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    match = _URL_FORMS.match(text) or _SCHEMA_FORMS.match(text)
    short = match.group(1) if match else text
    if match and match.re is _SCHEMA_FORMS:
        short = short[:1].lower() + short[1:]
    short = _RETIRED.get(short, short)
    member = _BY_SHORT.get(short.lower())
    return member.value if member else ""


def is_ai_generated(source_type: str | None) -> bool:
    """Whether a stored IPTC URL labels the image AI-generated (see the module docstring)."""
    return source_type in AI_GENERATED


def short_name(source_type: str) -> str:
    """`trainedAlgorithmicMedia` for its URL; "" for ""."""
    return source_type.removeprefix(IPTC_BASE)


def xmp_source_type(packet: bytes) -> str:
    """`Iptc4xmpExt:DigitalSourceType` of an XMP packet, normalised; "" when absent or unreadable."""
    try:
        root = parse_untrusted_xml(packet.strip(b"\x00 \t\r\n"))
    except (ET.ParseError, DefusedXmlException, ValueError):
        return ""
    name = f"{{{_IPTC_EXT}}}DigitalSourceType"
    for element in root.iter():
        # XMP allows the property as an element (text or rdf:resource) or as an attribute.
        if name in element.attrib:
            return normalise_source_type(element.attrib[name])
        if element.tag == name:
            value = element.get(f"{{{_RDF}}}resource") or element.text or ""
            return normalise_source_type(value)
    return ""


def _c2pa_types(manifest_store: dict) -> list[str]:
    """Every digitalSourceType of every manifest's actions, the active manifest's first."""
    manifests = manifest_store.get("manifests") or {}
    active = manifest_store.get("active_manifest")
    order = ([active] if active in manifests else []) + [label for label in manifests if label != active]
    found = []
    for label in order:
        for assertion in manifests[label].get("assertions") or []:
            if not str(assertion.get("label", "")).startswith("c2pa.actions"):
                continue
            for action in (assertion.get("data") or {}).get("actions") or []:
                source = normalise_source_type(action.get("digitalSourceType"))
                if source:
                    found.append(source)
    return found


def c2pa_source_type(data: bytes) -> str:
    """The digitalSourceType the file's Content Credentials state: an AI one if any manifest in the
    store says so (an edit of generated media is still generated), else the active manifest's first;
    "" without a manifest. Read offline; a manifest whose signature does not verify still counts, as a
    declaration (it can only add a label, and unsigned XMP is read the same way)."""
    # JUMBF boxes are labelled "c2pa": without those bytes there is no manifest, and the native
    # library need not be loaded for the ordinary upload.
    if b"c2pa" not in data:
        return ""
    try:
        import c2pa  # native library: imported only for files that may carry a manifest
    except ImportError:  # pragma: no cover - a dependency, but reading must not break uploads
        return ""
    try:
        context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
        with c2pa.Reader(None, io.BytesIO(data), context=context) as reader:
            store = json.loads(reader.json())
    except Exception:  # noqa: BLE001 - any unreadable manifest (C2paError and friends) means "none"
        return ""
    types = _c2pa_types(store)
    return next((t for t in types if t in AI_GENERATED), types[0] if types else "")


def read_source_type(data: bytes) -> str:
    """How the uploaded file says it was made, from its C2PA manifest and XMP; "" when neither says.
    Either one saying AI-generated wins; otherwise the signed manifest over the unsigned XMP."""
    signed = c2pa_source_type(data)
    packet = embedded_xmp(data)
    declared = xmp_source_type(packet) if packet else ""
    if declared in AI_GENERATED and signed not in AI_GENERATED:
        return declared
    return signed or declared

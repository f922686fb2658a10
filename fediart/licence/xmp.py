"""Licence rendered as an XMP packet, the form that travels inside the image file itself.

The media pipeline embeds `xmp_packet(licence)` in every original and derivative it writes, so the
"no AI training" signal survives when the file is copied away from our pages and headers.
`read_xmp_rights` is the reverse, for tests and for images arriving from other servers.

Fields follow IPTC Photo Metadata 2023.1 (plus:DataMining), the XMP Rights Management schema and
the schema.org mapping Google documents for image licence metadata. The image's description (alt
text) travels in the same packet, as IPTC's Alt Text (Accessibility) field, so a copy keeps it too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TypedDict

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_untrusted_xml

from fediart.licence.model import Licence

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Registered once at import so the packet uses the prefixes every XMP reader and person
# expects (plus:, dc:, …) instead of ns0:; registration is idempotent.
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

# Characters XML 1.0 forbids even when escaped. ElementTree escapes <, & and quotes but passes
# these through, producing a packet no reader accepts. Removing them also keeps 0x00 and 0x01 out
# of the packet, which the GIF embedding (raw bytes ended by a 0x01… trailer) depends on.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The xpacket id is the fixed value from the XMP specification, part 1, §7.3.2.
_PACKET_HEAD = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_PACKET_TAIL = '\n<?xpacket end="w"?>'


class XmpRights(TypedDict):
    """The rights fields read back from an XMP packet; None (or []) where a field is absent."""

    data_mining: str | None
    other_constraints: str | None
    web_statement: str | None
    marked: bool | None
    usage_terms: str | None
    rights: str | None
    creator: list[str]
    credit: str | None
    licensor_url: str | None
    alt_text: str | None


def _q(qualified: str) -> str:
    prefix, local = qualified.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _clean(text: str) -> str:
    return _NOT_XML_CHAR.sub("", text)


def _simple(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, _q(name)).text = _clean(value)


def _lang_alt(parent: ET.Element, name: str, value: str) -> None:
    alt = ET.SubElement(ET.SubElement(parent, _q(name)), _q("rdf:Alt"))
    item = ET.SubElement(alt, _q("rdf:li"), {_XML_LANG: "x-default"})
    item.text = _clean(value)


def _ai_sentence(licence: Licence) -> str:
    if not licence.ai_training_reserved:
        return "AI/ML training permitted"
    if licence.generative_only:
        return "Not licensed for generative AI/ML training"
    return "Not licensed for AI/ML training"


def _usage_terms(licence: Licence) -> str:
    if licence.url:
        rights = f"Licensed under {licence.name} ({licence.url})"
    else:
        rights = "All rights reserved"
    return f"{rights}. {_ai_sentence(licence)}. Terms: {licence.usage_info_url}"


def xmp_packet(licence: Licence, alt_text: str = "") -> bytes:
    """The licence (and the image's description, when it has one) as a complete UTF-8 XMP packet,
    ready to embed in JPEG, PNG, WebP or GIF."""
    root = ET.Element(_q("x:xmpmeta"))
    rdf = ET.SubElement(root, _q("rdf:RDF"))
    desc = ET.SubElement(rdf, _q("rdf:Description"), {_q("rdf:about"): ""})

    _simple(desc, "plus:DataMining", licence.data_mining)
    constraints = f"{_ai_sentence(licence)}. Terms: {licence.usage_info_url}"
    _lang_alt(desc, "plus:OtherConstraints", constraints)
    # The XMP spec: Marked=False means public domain, so a CC0 dedication must not claim True.
    public_domain = "/publicdomain/" in (licence.url or "")
    _simple(desc, "xmpRights:Marked", "False" if public_domain else "True")
    _simple(desc, "xmpRights:WebStatement", licence.url or licence.usage_info_url)
    _lang_alt(desc, "xmpRights:UsageTerms", _usage_terms(licence))
    _lang_alt(desc, "dc:rights", licence.copyright_notice)
    creators = ET.SubElement(ET.SubElement(desc, _q("dc:creator")), _q("rdf:Seq"))
    ET.SubElement(creators, _q("rdf:li")).text = _clean(licence.creator)
    _simple(desc, "photoshop:Credit", licence.credit_text)
    if licence.acquire_licence_url:
        # PLUS defines Licensor as an ordered list of structures; LicensorURL is what Google
        # maps to schema:acquireLicensePage.
        licensors = ET.SubElement(ET.SubElement(desc, _q("plus:Licensor")), _q("rdf:Seq"))
        entry = ET.SubElement(licensors, _q("rdf:li"), {_q("rdf:parseType"): "Resource"})
        _simple(entry, "plus:LicensorURL", licence.acquire_licence_url)
    if alt_text.strip():
        # Escaped by ElementTree and cleared of characters XML forbids (_clean); its length is capped
        # where descriptions are accepted (MAX_ALT), well inside one JPEG segment.
        _lang_alt(desc, "Iptc4xmpCore:AltTextAccessibility", alt_text)

    body = ET.tostring(root, encoding="unicode")
    return (_PACKET_HEAD + body + _PACKET_TAIL).encode("utf-8")


def _first_text(element: ET.Element) -> str | None:
    """The value of a simple property, or the x-default (else first) item of an Alt/Seq/Bag."""
    items = element.findall("./*/rdf:li", {"rdf": NS["rdf"]})
    if not items:
        resource = element.get(_q("rdf:resource"))
        return resource if resource is not None else (element.text or "").strip() or None
    for item in items:
        if item.get(_XML_LANG) == "x-default":
            return item.text
    return items[0].text


def _lookup(root: ET.Element, qualified: str) -> ET.Element | str | None:
    """A property in element form, or in the attribute shorthand XMP also allows."""
    name = _q(qualified)
    for element in root.iter():
        if element.tag == name:
            return element
        if name in element.attrib:
            return element.attrib[name]
    return None


def _text(root: ET.Element, qualified: str) -> str | None:
    found = _lookup(root, qualified)
    return found if isinstance(found, str) or found is None else _first_text(found)


def read_xmp_rights(xmp_bytes: bytes) -> XmpRights:
    """The rights fields of an XMP packet; ValueError if it is not well-formed, safe XML."""
    # JPEG and WebP writers may pad the packet with NULs or whitespace after the trailer.
    data = xmp_bytes.strip(b"\x00 \t\r\n")
    try:
        root = parse_untrusted_xml(data)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"XMP packet is not well-formed XML: {exc}") from exc

    creator_element = _lookup(root, "dc:creator")
    if isinstance(creator_element, ET.Element):
        items = creator_element.findall("./*/rdf:li", {"rdf": NS["rdf"]})
        creator = [item.text or "" for item in items] or [_first_text(creator_element) or ""]
    else:
        creator = [creator_element] if creator_element else []

    marked = _text(root, "xmpRights:Marked")
    return XmpRights(
        data_mining=_text(root, "plus:DataMining"),
        other_constraints=_text(root, "plus:OtherConstraints"),
        web_statement=_text(root, "xmpRights:WebStatement"),
        marked=None if marked is None else marked.strip().lower() == "true",
        usage_terms=_text(root, "xmpRights:UsageTerms"),
        rights=_text(root, "dc:rights"),
        creator=creator,
        credit=_text(root, "photoshop:Credit"),
        licensor_url=_text(root, "plus:LicensorURL"),
        alt_text=_text(root, "Iptc4xmpCore:AltTextAccessibility"),
    )

"""Images that say how they were made, made here: an XMP packet with IPTC's DigitalSourceType embedded in
a JPEG, PNG or WebP, and a JPEG carrying Content Credentials (C2PA) signed by a test CA's ES256 leaf,
its c2pa.actions naming a digitalSourceType. For the AI-label tests (media, API, studio)."""

from __future__ import annotations

import datetime
import io
from functools import lru_cache

from PIL import Image

from fediart.media.provenance import IPTC_BASE
from fediart.media.relicence import replace_xmp

_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"{attribute}>{element}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def source_type_packet(short: str, *, as_attribute: bool = False) -> bytes:
    """An XMP packet whose Iptc4xmpExt:DigitalSourceType is IPTC's URL for `short`, written as an
    element (as ExifTool and Photoshop do) or in the attribute shorthand XMP also allows."""
    url = IPTC_BASE + short
    if as_attribute:
        return _PACKET.format(attribute=f' Iptc4xmpExt:DigitalSourceType="{url}"', element="").encode()
    return _PACKET.format(attribute="", element=f"<Iptc4xmpExt:DigitalSourceType>{url}"
                                                "</Iptc4xmpExt:DigitalSourceType>").encode()


def _plain(fmt: str, colour: str = "teal", size: tuple[int, int] = (80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def jpeg_saying(short: str, **options) -> bytes:
    """A JPEG whose APP1 XMP says it was made as `short` (e.g. trainedAlgorithmicMedia)."""
    return replace_xmp(_plain("JPEG"), source_type_packet(short, **options))


def png_saying(short: str) -> bytes:
    """A PNG with the packet in an iTXt XML:com.adobe.xmp chunk."""
    return replace_xmp(_plain("PNG"), source_type_packet(short))


def webp_saying(short: str) -> bytes:
    """A WebP (extended format) with the packet in its XMP chunk."""
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(out, "WEBP", xmp=source_type_packet(short))
    return out.getvalue()


@lru_cache(maxsize=1)
def _test_signer_pems() -> tuple[bytes, bytes]:
    """A P-256 certificate authority and an ES256 leaf it issued (c2pa refuses a self-signed leaf):
    the chain (leaf first) and the leaf's key, PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fediart tests")])

    def usage(*, sign_certs: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=not sign_certs, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=sign_certs,
                             crl_sign=sign_certs, encipher_only=False, decipher_only=False)

    now = datetime.datetime.now(datetime.UTC)
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def builder(subject: str, issuer: x509.Name, key) -> x509.CertificateBuilder:
        return (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(issuer).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=30)))

    ca = (builder("fediart test CA", name("fediart test CA"), ca_key)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(sign_certs=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (builder("fediart test signer", ca.subject, leaf_key)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(sign_certs=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + ca.public_bytes(pem)
    key = leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return chain, key


def c2pa_jpeg_saying(short: str, *, action: str = "c2pa.created") -> bytes:
    """A JPEG with embedded Content Credentials: one c2pa.actions assertion whose action carries IPTC's
    digitalSourceType URL for `short`, signed offline by the test CA's leaf."""
    import c2pa

    chain, key = _test_signer_pems()
    manifest = {
        "claim_generator_info": [{"name": "fediart tests", "version": "1"}],
        "title": "made.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [
            {"action": action, "digitalSourceType": IPTC_BASE + short}]}}],
    }
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                      "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(b"es256", chain, key, None))
    out = io.BytesIO()
    with c2pa.Builder(manifest, context=context) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(_plain("JPEG", "purple")), out)
    return out.getvalue()

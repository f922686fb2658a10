"""Images and licences the Content Credentials tests share."""

from __future__ import annotations

import io

from cryptography import x509
from PIL import Image

from fediart.credentials.keys import LoadedCredentials, make_chain
from fediart.licence.model import build_licence

DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
DIGITAL_CREATION = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation"


def image(fmt: str = "JPEG", size: tuple[int, int] = (2000, 1500), frames: int = 1) -> bytes:
    pictures = [Image.new("RGB", size, colour) for colour in ("teal", "orange", "navy")[:frames]]
    for index, picture in enumerate(pictures):  # some detail, so a tampered byte changes pixels
        picture.paste((200, 30 + index * 40, 90), (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    options = {"save_all": True, "append_images": pictures[1:], "duration": 100} if frames > 1 else {}
    pictures[0].save(out, fmt, **options)
    return out.getvalue()


def licence(key: str = "all-rights-reserved", *, reserved: bool = True, generative_only: bool = False):
    return build_licence(key=key, ai_training_reserved=reserved, generative_only=generative_only,
                         creator="Ana Example", credit_text="Ana (@ana@art.example)",
                         copyright_notice="© 2026 Ana Example", usage_info_url="https://art.example/@ana/terms",
                         tdm_policy_url="https://art.example/@ana/tdm-policy.json")


def other_authority(domain: str = "camera.example") -> LoadedCredentials:
    """A second CA and leaf, standing for a camera maker's or Adobe's: not trusted by the instance."""
    chain, key, anchor = make_chain(domain)
    certificates = x509.load_pem_x509_certificates(chain)
    return LoadedCredentials(chain, key, anchor, certificates[0], certificates)


def tamper(data: bytes) -> bytes:
    """The same file with one byte of image data changed, near the end (after any metadata)."""
    at = len(data) - len(data) // 5
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1:]

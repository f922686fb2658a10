"""What each rendition and Content Credentials add to an upload of a 4000×3000 JPEG: the bare upload
(the file stored and a thumbnail, unsigned: the ceiling), then the display rendition, the federated
rendition with the full-resolution original kept apart, every file signed, an upload that came with
its own manifest (kept as parent ingredient), reading its labels, and the signing of each file alone.

Prints medians; no assertions. The media pipeline's own cost is bench/bench_images.py's subject.

    .venv/bin/python bench/bench_credentials.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from cryptography import x509
from PIL import Image

from fediart.credentials.keys import LoadedCredentials, make_chain
from fediart.credentials.manifest import Facts
from fediart.credentials.renditions import RenditionSigner
from fediart.credentials.sign import sign_image, sniff_type
from fediart.licence.model import build_licence
from fediart.config import MediaConfig
from fediart.media.images import DISPLAY_SIZE, process_upload
from fediart.media.provenance import read_source_type
from fediart.media.store import save_image

FEDERATED_SIZE = MediaConfig().federated_size


def credentials(domain: str) -> LoadedCredentials:
    chain, key, anchor = make_chain(domain)
    certificates = x509.load_pem_x509_certificates(chain)
    return LoadedCredentials(chain, key, anchor, certificates[0], certificates)


def photo(width: int = 4000, height: int = 3000) -> bytes:
    # Noise-like detail so the JPEG has a realistic size (a flat colour compresses to nothing).
    small = Image.effect_noise((width // 8, height // 8), 60).convert("RGB")
    picture = small.resize((width, height), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    licence = build_licence(key="all-rights-reserved", creator="Ana", credit_text="Ana (@ana@art.example)",
                            copyright_notice="© 2026 Ana", usage_info_url="https://art.example/@ana/terms",
                            tdm_policy_url="https://art.example/@ana/tdm-policy.json")
    instance = credentials("art.example")
    facts = Facts(title="bench", actor_url="https://art.example/users/ana", creator_name="Ana", licence=licence)
    upload = photo()
    camera_upload = sign_image(upload, "image/jpeg", facts, credentials("camera.example")).data
    print(f"upload: 4000×3000 JPEG, {len(upload) / 2**20:.1f} MB; median of {runs} runs")

    def upload_ms(data: bytes, *, display: bool, federated: bool, sign: bool) -> float:
        def once() -> None:
            processed = process_upload(data, licence, display_size=DISPLAY_SIZE if display else None,
                                       federated_size=FEDERATED_SIZE if federated else None)
            signer = RenditionSigner(instance, facts, data) if sign else None
            save_image(media_dir, "ana", processed, account_id=1, alt="", sign=signer)
        return median_ms(once, runs)

    with tempfile.TemporaryDirectory() as folder:
        media_dir = Path(folder)
        # The ceiling: what any server does with an upload (decode, one stored file, a thumbnail).
        bare = upload_ms(upload, display=False, federated=False, sign=False)
        display = upload_ms(upload, display=True, federated=False, sign=False)
        federated = upload_ms(upload, display=True, federated=True, sign=False)
        signed = upload_ms(upload, display=True, federated=True, sign=True)
        parent = upload_ms(camera_upload, display=True, federated=True, sign=True)
        evidence = median_ms(lambda: read_source_type(camera_upload), runs)
    print(f"  stored + thumbnail, unsigned (ceiling):     {bare:8.1f} ms")
    print(f"  + display rendition (1600 px):              {display:8.1f} ms  (+{display - bare:.1f} ms)")
    print(f"  + federated rendition (2560), original apart {federated:7.1f} ms  (+{federated - display:.1f} ms)")
    print(f"  + every file signed (4 files):              {signed:8.1f} ms  (+{signed - federated:.1f} ms)")
    print(f"  same, upload carrying a manifest (parent):  {parent:8.1f} ms  (+{parent - federated:.1f} ms)")
    print(f"  reading its labels (C2PA + XMP), alone:     {evidence:8.1f} ms")
    processed = process_upload(upload, licence, federated_size=FEDERATED_SIZE)
    for name, data in (("federated", processed.original), ("display", processed.display),
                       ("thumbnail", processed.thumbnail), ("original", processed.full_resolution)):
        if data is None:
            continue
        kind = sniff_type(data)
        cost = median_ms(lambda: sign_image(data, kind, facts, instance), runs)
        print(f"  sign {name:<9} ({len(data) / 1024:7.0f} KB):            {cost:8.1f} ms")


if __name__ == "__main__":
    main()

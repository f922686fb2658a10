"""What Content Credentials add to an upload: a 4000×3000 JPEG processed and stored without signing,
then with every rendition signed (original, display rendition, thumbnail), and the signing of each
rendition alone; also an upload that came with its own manifest (kept as parent ingredient).

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
from fediart.media.images import process_upload
from fediart.media.store import save_image


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

    processed = process_upload(upload, licence)
    with tempfile.TemporaryDirectory() as folder:
        media_dir = Path(folder)
        plain = median_ms(lambda: save_image(media_dir, "ana", process_upload(upload, licence),
                                             account_id=1, alt=""), runs)
        signed = median_ms(lambda: save_image(media_dir, "ana", process_upload(upload, licence), account_id=1,
                                              alt="", sign=RenditionSigner(instance, facts, upload)), runs)
        parent = median_ms(lambda: save_image(media_dir, "ana", process_upload(camera_upload, licence),
                                              account_id=1, alt="",
                                              sign=RenditionSigner(instance, facts, camera_upload)), runs)
    print(f"  process + store, unsigned:                 {plain:8.1f} ms")
    print(f"  process + store, 3 renditions signed:      {signed:8.1f} ms  (+{signed - plain:.1f} ms)")
    print(f"  same, upload carrying a manifest (parent): {parent:8.1f} ms  (+{parent - plain:.1f} ms)")
    for name, data in (("original", processed.original), ("display", processed.display),
                       ("thumbnail", processed.thumbnail)):
        if data is None:
            continue
        kind = sniff_type(data)
        cost = median_ms(lambda: sign_image(data, kind, facts, instance), runs)
        print(f"  sign {name:<9} ({len(data) / 1024:7.0f} KB):          {cost:8.1f} ms")


if __name__ == "__main__":
    main()

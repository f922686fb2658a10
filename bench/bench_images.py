"""Benchmark of the upload pipeline: time and peak memory of `process_upload` per input.

Inputs are generated, and each case is run, in separate child processes: Linux carries the
parent's peak RSS into a child's ru_maxrss across fork and exec, so the parent stays small and
each case's figure is its own. Run by hand:

    .venv/bin/python bench/bench_images.py
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

RUNS = 5


def artwork(size: tuple[int, int]) -> Image.Image:
    """Detail like a painting or photo: a fractal, gradients and a little grain."""
    detail = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 120)
    across = Image.linear_gradient("L").resize(size)
    down = Image.linear_gradient("L").rotate(90).resize(size)
    picture = Image.merge("RGB", (detail, across, down))
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(picture, grain, 0.08)


CASES = [
    ("JPEG 4000×3000 q90", (4000, 3000), "JPEG", {"quality": 90}),
    ("PNG 2000×2000 RGB", (2000, 2000), "PNG", {}),
]


def make_inputs(folder: Path) -> None:
    """Runs in a child process: write one input file per case."""
    for index, (_, size, fmt, options) in enumerate(CASES):
        artwork(size).save(folder / f"{index}.{fmt.lower()}", fmt, **options)


def run_child(*args: str) -> str:
    return subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout


def child(path: Path) -> None:
    """Runs in the child process: time RUNS calls and report figures as one JSON line."""
    from fediart.licence.model import build_licence
    from fediart.media.images import process_upload

    licence = build_licence(
        key="cc-by-nc-nd-4.0",
        creator="Ana",
        credit_text="Ana (@ana@art.example)",
        copyright_notice="© 2026 Ana",
        usage_info_url="https://art.example/@ana/terms",
        tdm_policy_url="https://art.example/@ana/tdm-policy.json",
    )
    data = path.read_bytes()
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = process_upload(data, licence)
        times.append(time.perf_counter() - started)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "input": len(data),
                "original": len(result.original),
                "thumbnail": len(result.thumbnail),
                "median": statistics.median(times),
                "min": min(times),
                "baseline_kb": baseline_kb,
                "peak_kb": peak_kb,
            }
        )
    )


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        run_child("--make", folder)
        for index, (name, _, fmt, _) in enumerate(CASES):
            output = run_child("--child", str(Path(folder) / f"{index}.{fmt.lower()}"))
            rows.append((name, json.loads(output.strip().splitlines()[-1])))

    mb = 2**20
    print(f"process_upload, median of {RUNS} runs (Pillow {Image.__version__})\n")
    header = (
        f"{'input':<20} {'in MB':>6} {'out MB':>7} {'thumb KB':>9} {'median s':>9} {'min s':>7} "
        f"{'peak RSS MB':>12} {'+ over base':>12}"
    )
    print(header)
    print("-" * len(header))
    for name, r in rows:
        print(
            f"{name:<20} {r['input'] / mb:>6.2f} {r['original'] / mb:>7.2f} "
            f"{r['thumbnail'] / 1024:>9.0f} {r['median']:>9.3f} {r['min']:>7.3f} "
            f"{r['peak_kb'] / 1024:>12.0f} {(r['peak_kb'] - r['baseline_kb']) / 1024:>12.0f}"
        )
    print("\npeak RSS: whole child process (interpreter, imports, input bytes, pipeline);")
    print("+ over base: growth during the runs, roughly what process_upload itself needs.")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--make":
        make_inputs(Path(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        main()

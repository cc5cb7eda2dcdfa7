"""Benchmark: convert() on a 50-page, 25,000-word .docx must cost at most 1.5x mammoth alone.

Run from anywhere: `python bench/bench_conversion.py`. Exits 1 when the ratio is above 1.5.
"""

from __future__ import annotations

import gc
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mammoth
from flask import Flask
from flask_babel import Babel

from egi.manuals.conversion import convert
from egi.manuals.uploads import check_upload
from tests.docgen import make_long_docx

MAX_RATIO = 1.5
ROUNDS = 7


def timed(func) -> float:
    """Wall-clock seconds of one call, starting from a collected heap."""
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def measure(label: str, data: bytes) -> float:
    """Print the timings for one file and return the convert/mammoth ratio."""
    upload = check_upload("long.docx", data)
    blocks = convert(upload).blocks
    runs: dict[str, list[float]] = {"mammoth": [], "check": [], "convert": []}
    for _ in range(ROUNDS):  # interleaved, best of each: the least noisy estimate
        runs["mammoth"].append(timed(lambda: mammoth.convert_to_html(io.BytesIO(data))))
        runs["check"].append(timed(lambda: check_upload("long.docx", data)))
        runs["convert"].append(timed(lambda: convert(upload)))
    mammoth_s, check_s, convert_s = (min(runs[k]) for k in ("mammoth", "check", "convert"))
    ratio = convert_s / mammoth_s
    print(f"{label}: {len(data) / 1024:.0f} KiB, {len(blocks)} blocks")
    print(f"  mammoth alone: {mammoth_s:.3f} s")
    print(f"  check_upload:  {check_s:.3f} s")
    print(f"  convert():     {convert_s:.3f} s (+{(convert_s - mammoth_s) * 1000:.0f} ms)")
    print(f"  ratio:         {ratio:.2f}")
    return ratio


def main() -> int:
    """Print mammoth-alone and convert() seconds and their ratio; non-zero exit if too slow.

    Two files: a Word-shaped one (python-docx's full style sheet, formatted runs) and a
    minimal one (no template styles, one run per paragraph). mammoth is fastest on the
    minimal file, so it is the worst case for our extra work; both must pass.
    """
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        ratio = max(
            measure("Word-shaped 25,000 words", make_long_docx(words=25_000, pages=50)),
            measure("minimal 25,000 words",
                    make_long_docx(words=25_000, pages=50, realistic=False)),
        )
    verdict = "OK" if ratio <= MAX_RATIO else "TOO SLOW"
    print(f"gate: worst ratio {ratio:.2f}, limit {MAX_RATIO}: {verdict}")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())

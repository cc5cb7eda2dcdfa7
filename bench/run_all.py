"""Run every speed benchmark in turn (``make bench``) and print a summary table.

Each script runs with this same interpreter in its own process and sets its own limit:
convert() <= 1.5x mammoth, compare_blocks <= 3x difflib, upload service path <= 1.5x
mammoth, and the reading page's query count independent of its length (throughput is
reported only). Exits 1 when any script fails or overruns its time budget.
Run: ``.venv/bin/python bench/run_all.py``.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SCRIPTS = ("bench_conversion.py", "bench_compare.py", "bench_upload.py", "bench_pages.py")
TIME_BUDGET = 900  # seconds per script before it is stopped and counted as failed
# The lines of each script's output that carry its verdict, for the summary table.
HEADLINE = re.compile(
    r"^(gate:.*|FAIL.*|SQL queries.*|\s*ratio healthz.*|\s*/healthz .*req/s|"
    r"\s*reading page .*req/s|\S.*anchors ?: .*ratio [\d.]+)"
)


def run(script: str) -> tuple[int | None, float, list[str]]:
    """Run one script, echoing its output; (exit code or None on timeout, seconds, lines)."""
    print(f"\n=== {script} ===", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-u", str(BENCH_DIR / script)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    lines: list[str] = []

    def reader() -> None:
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        code: int | None = proc.wait(timeout=TIME_BUDGET)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # the script's own group, servers included
        proc.wait(timeout=30)
        code = None
        print(f"--- {script}: stopped after {TIME_BUDGET} s")
    thread.join(timeout=10)
    return code, time.perf_counter() - start, lines


def headline(lines: list[str]) -> list[str]:
    """The verdict lines of one script, trimmed for the table."""
    picked = [" ".join(line.split()) for line in lines if HEADLINE.match(line)]
    trimmed = [re.sub(r"\s*\((medians|\d+ ok).*", "", line) for line in picked]
    return trimmed or ["(no verdict line)"]


def main() -> int:
    """Run the scripts in order, then print script / result / seconds / verdict lines."""
    results = [(script, *run(script)) for script in SCRIPTS]
    width = max(len(s) for s in SCRIPTS)
    print("\n" + "=" * 100)
    print(f"{'script':<{width}}  {'result':<9} {'time':>6}  verdict")
    print("-" * 100)
    failed = 0
    for script, code, seconds, lines in results:
        result = "PASS" if code == 0 else ("TIMEOUT" if code is None else f"FAIL({code})")
        failed += code != 0
        for n, line in enumerate(headline(lines)):
            if n == 0:
                print(f"{script:<{width}}  {result:<9} {seconds:5.0f}s  {line}")
            else:
                print(f"{'':<{width}}  {'':<9} {'':>6}  {line}")
    print("-" * 100)
    print(f"{len(results) - failed} of {len(results)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

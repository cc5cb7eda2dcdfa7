"""Benchmark: compare_blocks on two 25,000-word versions vs a bare paragraph-level difflib pass.

Product requirement: the full comparison (alignment, pairing, word redlines, escaping) costs at
most 3x ``SequenceMatcher(None, old_texts, new_texts).get_opcodes()``. Exits 1 when it does not.
Run: ``.venv/bin/python bench/bench_compare.py``.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from egi.manuals.compare import compare_blocks

MAX_RATIO = 3.0
WORDS = 25_000
REPEATS = 100


@dataclass(frozen=True)
class Block:
    """Stand-in for manuals.conversion.Block."""

    anchor: str
    kind: str
    level: int
    number: str
    html: str
    text: str


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(4000)]
    return words + ["the", "of", "and", "to", "a", "in", "is", "for", "on", "with"] * 40


def _paragraph(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(20, 65))]
    words[0] = words[0].capitalize()
    for k in range(7, len(words) - 1, rng.randint(6, 14)):
        words[k] += rng.choice([",", ";", ""])
    return " ".join(words) + "."


def _edit(rng: random.Random, vocab: list[str], text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(words))
        action = rng.random()
        if action < 0.5:
            words[pos] = rng.choice(vocab)
        elif action < 0.75:
            words[pos:pos] = [rng.choice(vocab) for _ in range(rng.randint(1, 6))]
        elif len(words) > 8:
            del words[pos : pos + rng.randint(1, 4)]
    return " ".join(words)


def _blocks(texts: list[str], paraids: list[str] | None) -> list[Block]:
    out = []
    for n, text in enumerate(texts):
        if paraids:
            anchor = f"p-{paraids[n]}"
        else:
            anchor = "b-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]
        out.append(Block(anchor, "paragraph", 0, f"¶{n + 1}", f"<p>{text}</p>", text))
    return out


def make_versions(seed: int = 2009) -> tuple[list[str], list[str], list[str], list[str]]:
    """Two versions (~10% of paragraphs edited, 3 moved, 4 added, 3 removed) and their paraIds."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    old: list[str] = []
    total = 0
    while total < WORDS:
        old.append(_paragraph(rng, vocab))
        total += len(old[-1].split())
    ids = [f"{0x10000000 + n * 7919:08X}" for n in range(len(old))]
    rows = list(zip(old, ids, strict=True))
    for k in rng.sample(range(len(rows)), len(rows) // 10):
        rows[k] = (_edit(rng, vocab, rows[k][0]), rows[k][1])
    for _ in range(3):
        del rows[rng.randrange(len(rows))]
    for _ in range(3):
        row = rows.pop(rng.randrange(len(rows)))
        rows.insert(rng.randrange(len(rows)), row)
    for n in range(4):
        rows.insert(rng.randrange(len(rows)), (_paragraph(rng, vocab), f"{0x70000000 + n:08X}"))
    return old, [t for t, _ in rows], ids, [i for _, i in rows]


def _time_pair(first, second, repeats: int = REPEATS) -> tuple[float, float, float, float]:
    """(min, median) seconds of two callables, timed alternately so noise hits both alike.

    The gate uses the minimum (timeit's advice for CPU-bound code on a shared machine: other
    processes only ever add time); the medians are printed for context.
    """
    first()
    second()
    t1: list[float] = []
    t2: list[float] = []
    for _ in range(repeats):
        for fn, out in ((first, t1), (second, t2)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return min(t1), min(t2), statistics.median(t1), statistics.median(t2)


def main() -> int:
    """Time both passes (text anchors and Word paraId anchors); exit 1 if any ratio > 3."""
    old_texts, new_texts, old_ids, new_ids = make_versions()
    words = sum(len(t.split()) for t in old_texts)
    print(f"old: {len(old_texts)} blocks, {words} words; new: {len(new_texts)} blocks")

    def baseline() -> None:
        SequenceMatcher(None, old_texts, new_texts).get_opcodes()

    status = 0
    for label, (old, new) in {
        "text anchors ": (_blocks(old_texts, None), _blocks(new_texts, None)),
        "paraId anchors": (_blocks(old_texts, old_ids), _blocks(new_texts, new_ids)),
    }.items():
        result = compare_blocks(old, new)
        t_base, t_cmp, m_base, m_cmp = _time_pair(
            baseline, lambda old=old, new=new: compare_blocks(old, new)
        )
        ratio = t_cmp / t_base
        print(
            f"{label}: baseline {t_base:.4f}s  compare_blocks {t_cmp:.4f}s  ratio {ratio:.2f}  "
            f"(medians {m_base:.4f}s / {m_cmp:.4f}s = {m_cmp / m_base:.2f})\n    "
            f"(changed {result.changed}, added {result.added}, removed {result.removed}, "
            f"moved {result.moved}, same {result.unchanged})"
        )
        if ratio > MAX_RATIO:
            print(f"FAIL: ratio {ratio:.2f} > {MAX_RATIO}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())

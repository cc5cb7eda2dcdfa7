"""Compare two versions of a manual: align blocks, then redline changed blocks word by word.

Rule: blocks are aligned by paragraph first (key: the Word paraId anchor "p-..." when the block
has one, else its normalised text), replaced regions are paired up by anchor or word similarity,
exact-text blocks found elsewhere are "moved", and the rest are "removed" or "added". The result is
ordered by the new document; removed blocks appear where they stood in the old one.

Redline markup scheme (all text is escaped with :func:`markupsafe.escape`); ``SR(x)`` below
stands for ``<span class="sr-only">x</span>``::

    deleted words   <del>SR([deleted: )words SR(])</del>
    inserted words  <ins>SR([inserted: )words SR(])</ins>
    removed block   <del class="block">SR([deleted: )whole text SR(])</del>
    added block     <ins class="block">SR([inserted: )whole text SR(])</ins>
    moved block     <span class="moved">SR([moved from 3.2 ¶4: )text SR(])</span>
                    ("[moved: " when the old block has no number)
    same block      the escaped text, unwrapped

(there is no space before ``SR(])``; it is shown only for legibility.)

The bracketed ``sr-only`` text makes the redline readable without colour or strike-through
(screen readers, high-contrast modes, copy and paste). Spaces between words sit outside the
tags, so a redline reads ``word <del>…</del> <ins>…</ins> word``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Protocol

from flask_babel import gettext as _
from markupsafe import Markup, escape

__all__ = ["Block", "Change", "Comparison", "compare_blocks", "word_redline"]

#: Minimum word-level similarity for two blocks of a replaced region to count as one edited block.
PAIR_THRESHOLD = 0.5
#: How many old blocks ahead of the last pairing a new block is compared with (keeps cost linear).
PAIR_WINDOW = 8

#: How many skipped words a word-level resynchronisation may span before difflib takes over.
RESYNC_WINDOW = 12

_SR_CLOSE = '<span class="sr-only">]</span>'


class Block(Protocol):
    """What compare needs from a converted block (duck-typed against manuals.conversion.Block)."""

    @property
    def anchor(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def text(self) -> str: ...


class Change:
    """One block of the comparison: its kind, both sides, the redline and a 0..1 similarity."""

    __slots__ = ("_redline", "kind", "new", "old", "similarity")

    def __init__(self, kind: str, old: Block | None, new: Block | None,
                 redline: Markup | None, similarity: float) -> None:
        self.kind = kind  # "same" | "added" | "removed" | "changed" | "moved"
        self.old = old
        self.new = new
        self._redline = redline
        self.similarity = similarity

    @property
    def redline(self) -> Markup:
        """The escaped redline; for unchanged blocks escaping waits until it is shown."""
        if self._redline is None:
            return escape(self.new.text)
        return self._redline

    def __repr__(self) -> str:
        return f"Change({self.kind!r}, {self.old!r}, {self.new!r}, {self.similarity!r})"


@dataclass
class Comparison:
    """All changes in new-document order, with a count per kind."""

    changes: list[Change] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    changed: int = 0
    moved: int = 0
    unchanged: int = 0


# --------------------------------------------------------------------------- word level


def _wrap(tag: str, label: str, text: str, css_class: str | None = None) -> str:
    """Wrap text in <del>/<ins> with a visually hidden label; the text is escaped here."""
    cls = f' class="{css_class}"' if css_class else ""
    return f'<{tag}{cls}><span class="sr-only">[{label}: </span>{escape(text)}{_SR_CLOSE}</{tag}>'


def _common_prefix(a: str, b: str, n: int) -> int:
    """Length of the common prefix of a and b, at most n (binary search on C-level compares)."""
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # a[:lo] == b[:lo] and a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: str, b: str, n: int) -> int:
    """Length of the common suffix of a and b, at most n."""
    la, lb = len(a), len(b)
    if a[la - n :] == b[lb - n :]:
        return n
    lo, hi = 0, n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[la - mid :] == b[lb - mid :]:
            lo = mid
        else:
            hi = mid
    return lo


def _word_ops(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes over two word lists that differ in a few places.

    Walks both lists; at a mismatch it takes the nearest resynchronisation point (smallest
    number of skipped words) where two consecutive words agree again, or both lists end. When
    none lies within RESYNC_WINDOW words, difflib's SequenceMatcher diffs the remainder. This is
    linear for the usual handful of edits, where SequenceMatcher costs tens of microseconds.
    """
    ops: list[tuple[str, int, int, int, int]] = []
    la, lb = len(a), len(b)
    i = j = 0
    while i < la and j < lb:
        if a[i] == b[j]:
            i0, j0 = i, j
            while i + 8 <= la and j + 8 <= lb and a[i : i + 8] == b[j : j + 8]:  # C-speed stride
                i += 8
                j += 8
            while i < la and j < lb and a[i] == b[j]:
                i += 1
                j += 1
            ops.append(("equal", i0, i, j0, j))
            continue
        found = None
        for step in range(1, RESYNC_WINDOW + 1):
            for di in range(step + 1):
                ii, jj = i + di, j + step - di
                if ii >= la or jj >= lb:
                    if ii == la and jj == lb:
                        found = (ii, jj)
                        break
                    continue
                if a[ii] == b[jj] and (
                    (ii + 1 < la and jj + 1 < lb and a[ii + 1] == b[jj + 1])
                    or (ii + 1 == la and jj + 1 == lb)
                ):
                    found = (ii, jj)
                    break
            if found:
                break
        if found is None:
            sm = SequenceMatcher(None, a[i:], b[j:], autojunk=False)
            ops.extend(
                (t, i1 + i, i2 + i, j1 + j, j2 + j) for t, i1, i2, j1, j2 in sm.get_opcodes()
            )
            return ops
        ii, jj = found
        ops.append(
            ("replace" if ii > i and jj > j else "delete" if ii > i else "insert", i, ii, j, jj)
        )
        i, j = ii, jj
    if i < la or j < lb:
        ops.append(
            ("replace" if i < la and j < lb else "delete" if i < la else "insert", i, la, j, lb)
        )
    return ops


class _Diff:
    """A word diff of two texts: shared head and tail, then opcodes over the middle words."""

    __slots__ = ("a_words", "b_words", "head", "lead", "ops", "ratio", "tail", "trail")

    def __init__(
        self,
        ratio: float,
        texts: tuple[str, str, str, str],
        a_words: list,
        b_words: list,
        ops: list,
    ):
        self.ratio = ratio
        self.head, self.lead, self.trail, self.tail = texts
        self.a_words, self.b_words, self.ops = a_words, b_words, ops

    def redline(self, labels: dict[str, str]) -> Markup:
        """The escaped redline: <del>/<ins> runs with sr-only labels between equal text."""
        a_w, b_w = self.a_words, self.b_words
        parts: list[str] = []
        for tag, i1, i2, j1, j2 in self.ops:
            if tag == "equal":
                parts.append(escape(" ".join(b_w[j1:j2])))
                continue
            if i2 > i1:
                parts.append(_wrap("del", labels["del"], " ".join(a_w[i1:i2])))
            if j2 > j1:
                parts.append(_wrap("ins", labels["ins"], " ".join(b_w[j1:j2])))
        middle = " ".join(parts)  # words are separated by single spaces (normalised text)
        return Markup(  # noqa: S704 - every text part is escaped; lead/trail are whitespace
            f"{escape(self.head)}{self.lead}{middle}{self.trail}{escape(self.tail)}"
        )


def _word_diff(a: str, b: str, floor: float = -1.0) -> _Diff | None:
    """Word diff of two texts, or None when their similarity cannot reach floor.

    Similarity is difflib's ratio 2*M/T over words: M counts the words of the common head and
    tail plus the matching words in between. The shared head and tail are found by C-level
    string compares and cut at spaces, so a one-word edit costs a one-word diff. Two cheap
    upper bounds, difflib's ``real_quick_ratio`` (lengths) and a ``quick_ratio``-like bound
    (words present on both sides), reject hopeless pairs before the words are aligned.
    """
    la, lb = len(a), len(b)
    n = min(la, lb)
    pre = _common_prefix(a, b, n)
    if pre < n or (pre < la and not a[pre].isspace()) or (pre < lb and not b[pre].isspace()):
        pre = a.rfind(" ", 0, pre) + 1  # start the middle at a word
    suf = _common_suffix(a, b, n - pre)
    if suf:
        cut = a.find(" ", la - suf)  # start the tail at a space, i.e. between words
        suf = la - cut if cut >= 0 else 0
    head, tail = b[:pre], b[lb - suf :]
    a_mid, b_mid = a[pre : la - suf], b[pre : lb - suf]
    a_words, b_words = a_mid.split(), b_mid.split()
    # Block text is whitespace-normalised: the head ends and the tail starts with the single
    # space after/before each of its words, so counting spaces counts words without a split.
    shared = (head.count(" ") if head.endswith(" ") else len(head.split())) + (
        tail.count(" ") if tail.startswith(" ") else len(tail.split())
    )
    total = 2 * shared + len(a_words) + len(b_words)
    if not total:
        return _Diff(1.0, (head, "", "", tail), [], [], [])
    if 2.0 * (shared + min(len(a_words), len(b_words))) / total < floor:  # real_quick_ratio
        return None
    if 2.0 * shared / total < floor:  # quick_ratio-like: middle words found on both sides
        in_b = set(b_words)
        if 2.0 * (shared + sum(map(in_b.__contains__, a_words))) / total < floor:
            return None
    ops = _word_ops(a_words, b_words)
    matched = shared + sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    ratio = 2.0 * matched / total
    if ratio < floor:
        return None
    mid = a_mid if a_mid.strip() else b_mid  # the side that carries the outer whitespace
    lead = mid[: len(mid) - len(mid.lstrip())]
    trail = mid[len(mid.rstrip()) :] if mid.strip() else ""
    return _Diff(ratio, (head, lead, trail, tail), a_words, b_words, ops)


def word_redline(old_text: str, new_text: str) -> Markup:
    """Word-level redline of old_text -> new_text: <del>/<ins> with sr-only labels, all escaped."""
    diff = _word_diff(old_text, new_text)
    assert diff is not None  # without a floor a diff is always returned
    return diff.redline(_labels())


# --------------------------------------------------------------------------- block level


def _labels() -> dict[str, str]:
    """The screen-reader labels in the reader's language, looked up once per comparison."""
    return {"del": _("deleted"), "ins": _("inserted")}


def _content_key(block: Block) -> str:
    return block.text or "\x01" + block.html


def _whole(tag: str, label: str, text: str) -> Markup:
    return Markup(_wrap(tag, label, text, "block"))  # noqa: S704 - _wrap escapes the text


def _moved(old: Block, new: Block) -> Markup:
    label = _("moved from %(number)s", number=old.number) if old.number else _("moved")
    return Markup(  # noqa: S704 - label and text are escaped
        f'<span class="moved"><span class="sr-only">[{escape(label)}: </span>'
        f"{escape(new.text)}{_SR_CLOSE}</span>"
    )


_Diffs = dict[tuple[int, int], _Diff]


def _pair_gap(
    old: Sequence[Block],
    new: Sequence[Block],
    i1: int,
    i2: int,
    j1: int,
    j2: int,
    out: list[tuple[int, int]],
    diffs: _Diffs,
) -> None:
    """Greedy, order-preserving pairing by similarity inside old[i1:i2] x new[j1:j2].

    Each new block looks at most PAIR_WINDOW old blocks past the last pairing, so the cost
    stays linear in the region size; the winning word diff is kept for the redline.
    """
    lo = i1
    for j in range(j1, j2):
        if lo >= i2:
            break
        text = new[j].text
        best_i, best = -1, None
        floor = PAIR_THRESHOLD
        for i in range(lo, min(i2, lo + PAIR_WINDOW)):
            diff = _word_diff(old[i].text, text, floor)
            if diff is not None and (best is None or diff.ratio > best.ratio):
                best_i, best, floor = i, diff, diff.ratio
        if best is not None:
            out.append((best_i, j))
            diffs[best_i, j] = best
            lo = best_i + 1


def _pair_region(
    old: Sequence[Block],
    new: Sequence[Block],
    region: tuple[int, int, int, int],
    diffs: _Diffs,
) -> list[tuple[int, int]]:
    """Pairs (old index, new index) in a replaced region: same anchor first, then similarity."""
    i1, i2, j1, j2 = region
    if i2 - i1 == 1 and j2 - j1 == 1:  # the common case: one paragraph edited in place
        a, b = old[i1], new[j1]
        if not (a.anchor and a.anchor == b.anchor):
            diff = _word_diff(a.text, b.text, PAIR_THRESHOLD)
            if diff is None:
                return []
            diffs[i1, j1] = diff
        return [(i1, j1)]
    by_anchor = {old[i].anchor: i for i in range(i1, i2) if old[i].anchor}
    anchored: list[tuple[int, int]] = []
    last = i1 - 1
    for j in range(j1, j2):
        i = by_anchor.get(new[j].anchor, -1)
        if i > last:
            anchored.append((i, j))
            last = i
    pairs: list[tuple[int, int]] = []
    pi, pj = i1, j1
    for i, j in anchored:
        _pair_gap(old, new, pi, i, pj, j, pairs, diffs)
        pairs.append((i, j))
        pi, pj = i + 1, j + 1
    _pair_gap(old, new, pi, i2, pj, j2, pairs, diffs)
    return pairs


def _unique_anchors(old_keys: list[str], new_keys: list[str]) -> tuple[list[int], list[int]]:
    """Blocks whose key occurs once on each side, longest run kept in order on both (patience)."""
    count_old, count_new = Counter(old_keys), Counter(new_keys)
    new_pos = {k: j for j, k in enumerate(new_keys) if count_new[k] == 1}
    seq_i = [i for i, k in enumerate(old_keys) if count_old[k] == 1 and k in new_pos]
    seq_j = [new_pos[old_keys[i]] for i in seq_i]
    # Longest increasing subsequence of seq_j (patience sorting, O(n log n)).
    tails: list[int] = []  # smallest new position ending an increasing run of each length
    tail_at: list[int] = []  # index in seq of that element
    prev = [-1] * len(seq_j)
    for k, j in enumerate(seq_j):
        if not tails or j > tails[-1]:
            p = len(tails)
            tails.append(j)
            tail_at.append(k)
        else:
            p = bisect_left(tails, j)
            tails[p] = j
            tail_at[p] = k
        if p:
            prev[k] = tail_at[p - 1]
    chain: list[int] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(k)
        k = prev[k]
    chain.reverse()
    return [seq_i[k] for k in chain], [seq_j[k] for k in chain]


def _align(old: Sequence[Block], new: Sequence[Block]) -> list[tuple[str, int, int, int, int]]:
    """Paragraph-level opcodes over block keys (difflib opcode format).

    Blocks whose key is unique on both sides anchor the alignment (patience diff: near-linear,
    and a moved paragraph cannot drag its neighbours out of place); the gaps between anchors
    are aligned by difflib's SequenceMatcher, with autojunk off so a repeated block (an empty
    paragraph, a recurring "Note") stays matchable. A block's key is its Word paraId anchor
    when it has one, else its text (its html when the text is empty).
    """
    old_keys = [
        "\x00" + b.anchor if b.anchor.startswith("p-") else b.text or "\x01" + b.html for b in old
    ]
    new_keys = [
        "\x00" + b.anchor if b.anchor.startswith("p-") else b.text or "\x01" + b.html for b in new
    ]
    ops: list[tuple[str, int, int, int, int]] = []

    def emit(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if tag == "equal" and ops and ops[-1][0] == "equal":
            ops[-1] = ("equal", ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    def gap(i1: int, i2: int, j1: int, j2: int) -> None:
        head = 0  # repeated (non-unique) blocks next to the anchors
        while i1 + head < i2 and j1 + head < j2 and old_keys[i1 + head] == new_keys[j1 + head]:
            head += 1
        if head:
            emit("equal", i1, i1 + head, j1, j1 + head)
            i1, j1 = i1 + head, j1 + head
        tail = 0
        while (
            i1 < i2 - tail and j1 < j2 - tail and old_keys[i2 - 1 - tail] == new_keys[j2 - 1 - tail]
        ):
            tail += 1
        i2, j2 = i2 - tail, j2 - tail
        if i2 - i1 > 1 and j2 - j1 > 1:
            sm = SequenceMatcher(None, old_keys[i1:i2], new_keys[j1:j2], autojunk=False)
            for tag, a1, a2, b1, b2 in sm.get_opcodes():
                emit(tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1)
        elif i1 < i2 and j1 < j2:
            emit("replace", i1, i2, j1, j2)
        elif i1 < i2:
            emit("delete", i1, i2, j1, j1)
        elif j1 < j2:
            emit("insert", i1, i1, j1, j2)
        if tail:
            emit("equal", i2, i2 + tail, j2, j2 + tail)

    i = j = 0  # next block not yet aligned on each side
    run_i = run_j = 0  # start of the current run of consecutive anchors
    for ai, aj in zip(*_unique_anchors(old_keys, new_keys), strict=True):
        if ai != i or aj != j:
            if i > run_i:
                emit("equal", run_i, i, run_j, j)
            gap(i, ai, j, aj)
            run_i, run_j = ai, aj
        i, j = ai + 1, aj + 1
    if i > run_i:
        emit("equal", run_i, i, run_j, j)
    gap(i, len(old_keys), j, len(new_keys))
    return ops


def _removed(block: Block, labels: dict[str, str]) -> Change:
    return Change("removed", block, None, _whole("del", labels["del"], block.text), 0.0)


def compare_blocks(old: Sequence[Block], new: Sequence[Block]) -> Comparison:
    """Compare two block lists; changes follow the new order, removed blocks their old place."""
    labels = _labels()
    old_of_new = [-1] * len(new)
    new_of_old = [-1] * len(old)
    diffs: _Diffs = {}

    # Pass 1: pair blocks; everything left over is a candidate for "moved".
    free_old: list[int] = []
    free_new: list[int] = []
    for tag, i1, i2, j1, j2 in _align(old, new):
        if tag == "equal":
            old_of_new[j1:j2] = range(i1, i2)
            new_of_old[i1:i2] = range(j1, j2)
            continue
        if tag == "replace":
            for i, j in _pair_region(old, new, (i1, i2, j1, j2), diffs):
                old_of_new[j], new_of_old[i] = i, j
            free_old.extend(i for i in range(i1, i2) if new_of_old[i] < 0)
            free_new.extend(j for j in range(j1, j2) if old_of_new[j] < 0)
        else:
            free_old.extend(range(i1, i2))
            free_new.extend(range(j1, j2))

    # Pass 2: an unpaired old block whose exact content was inserted elsewhere moved there.
    waiting: dict[str, list[int]] = {}
    for j in free_new:
        waiting.setdefault(_content_key(new[j]), []).append(j)
    moved_from: dict[int, int] = {}  # new index -> old index
    for i in free_old:
        slots = waiting.get(_content_key(old[i]))
        if slots:
            moved_from[slots.pop(0)] = i
    moved_away = set(moved_from.values())

    # A removed block is shown right after the new position of the last paired block before
    # it, i.e. before the added blocks of its own gap.
    removed_at: dict[int, list[int]] = {}
    last, p = -1, 0
    for g in free_old:
        if g in moved_away:
            continue
        while p < g:
            if new_of_old[p] >= 0:
                last = new_of_old[p]
            p += 1
        removed_at.setdefault(last + 1, []).append(g)

    # Pass 3: emit in new order.
    changes: list[Change] = []
    append = changes.append
    changed = 0
    for j, b in enumerate(new):
        if j in removed_at:
            changes.extend(_removed(old[g], labels) for g in removed_at[j])
        i = old_of_new[j]
        if i >= 0:
            a = old[i]
            if a.text == b.text and (a.text or a.html == b.html):
                append(Change("same", a, b, None, 1.0))
                continue
            diff = diffs.get((i, j)) or _word_diff(a.text, b.text)
            assert diff is not None  # without a floor a diff is always returned
            append(Change("changed", a, b, diff.redline(labels), diff.ratio))
            changed += 1
        elif j in moved_from:
            a = old[moved_from[j]]
            append(Change("moved", a, b, _moved(a, b), 1.0))
        else:
            append(Change("added", None, b, _whole("ins", labels["ins"], b.text), 0.0))
    changes.extend(_removed(old[g], labels) for g in removed_at.get(len(new), ()))

    moved = len(moved_from)
    return Comparison(
        changes=changes,
        added=len(free_new) - moved,
        removed=len(free_old) - moved,
        changed=changed,
        moved=moved,
        unchanged=len(new) - len(free_new) - changed,
    )

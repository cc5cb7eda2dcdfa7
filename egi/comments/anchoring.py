"""Re-anchoring carried-forward comments: Word paragraph id, then quoted text, fuzzily, then
position. A block that cannot be found leaves the comment "outdated", never lost."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

from egi.comments.models import AnchorState

# How similar a block must be to count as the same block, edited.
FUZZY_THRESHOLD = 0.6
# The block at the same position is accepted with less similarity (it was rewritten in place).
POSITION_THRESHOLD = 0.35


class BlockLike(Protocol):
    id: int
    anchor: str
    position: int
    text: str


@dataclass(frozen=True)
class Placement:
    """Where a comment lands in the new version."""

    block: BlockLike | None
    state: AnchorState


def _words(text: str) -> set[str]:
    return set(text.lower().split())


class Reanchorer:
    """Indexes a version's blocks once, then places any number of comments on them."""

    def __init__(self, blocks: list[BlockLike]):
        self.blocks = blocks
        self.by_anchor = {b.anchor: b for b in blocks}
        self.by_text: dict[str, BlockLike] = {}
        for block in blocks:
            self.by_text.setdefault(block.text, block)
        self.word_sets = [_words(b.text) for b in blocks]

    def place(self, anchor: str, text: str, quote: str, position: int) -> Placement:
        """Find the block a comment made on (anchor, text, quote, position) belongs to now."""
        same = self.by_anchor.get(anchor)
        if same is not None:
            return Placement(same, AnchorState.UNCHANGED if same.text == text
                             else AnchorState.CHANGED)
        exact = self.by_text.get(text) if text else None
        if exact is not None:
            return Placement(exact, AnchorState.MOVED)
        if quote:
            holder = next((b for b in self.blocks if quote in b.text), None)
            if holder is not None:
                return Placement(holder, AnchorState.CHANGED)
        fuzzy = self._most_similar(text)
        if fuzzy is not None:
            return Placement(fuzzy, AnchorState.CHANGED)
        if 0 <= position < len(self.blocks):
            candidate = self.blocks[position]
            if _ratio(text, candidate.text) >= POSITION_THRESHOLD:
                return Placement(candidate, AnchorState.CHANGED)
        return Placement(None, AnchorState.OUTDATED)

    def _most_similar(self, text: str) -> BlockLike | None:
        if not text:
            return None
        words = _words(text)
        best, best_score = None, FUZZY_THRESHOLD
        for block, block_words in zip(self.blocks, self.word_sets, strict=True):
            # Cheap bound first: shared words over all words.
            union = len(words | block_words) or 1
            if len(words & block_words) / union < FUZZY_THRESHOLD / 2:
                continue
            score = _ratio(text, block.text)
            if score > best_score:
                best, best_score = block, score
        return best


def _ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.ratio()

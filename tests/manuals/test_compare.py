"""Comparing two versions: block alignment, pairing, moves and the escaped, accessible redline."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from markupsafe import Markup

from egi.manuals.compare import Change, compare_blocks, word_redline


@dataclass(frozen=True)
class B:
    """Minimal stand-in for manuals.conversion.Block."""

    anchor: str
    kind: str
    level: int
    number: str
    html: str
    text: str


def text_block(text: str, number: str = "", kind: str = "paragraph") -> B:
    digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:8]
    return B(f"b-{digest}", kind, 0, number, f"<p>{text}</p>", text)


def para_block(para_id: str, text: str, number: str = "") -> B:
    return B(f"p-{para_id}", "paragraph", 0, number, f"<p>{text}</p>", text)


def blocks(*texts: str) -> list[B]:
    return [text_block(t, f"¶{n}") for n, t in enumerate(texts, 1)]


A = "Law enforcement agencies designate a single contact point for referrals."
B_ = "Non-governmental organisations provide shelter and legal counselling to victims."
C = "Labour inspectorates share indicators of forced labour with the police."
D = "Research institutes publish anonymised data on trafficking trends every year."
E = "The parties review the memorandum of understanding at least once a year."


def ins(words: str) -> str:
    """The documented markup for inserted words."""
    return (
        f'<ins><span class="sr-only">[inserted: </span>{words}<span class="sr-only">]</span></ins>'
    )


def dele(words: str) -> str:
    """The documented markup for deleted words."""
    return (
        f'<del><span class="sr-only">[deleted: </span>{words}<span class="sr-only">]</span></del>'
    )


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


def test_identical_documents_are_all_same():
    doc = blocks(A, B_, C)
    result = compare_blocks(doc, list(doc))
    assert kinds(result.changes) == ["same", "same", "same"]
    assert (result.unchanged, result.changed, result.added, result.removed, result.moved) == (
        3,
        0,
        0,
        0,
        0,
    )
    assert all(c.similarity == 1.0 for c in result.changes)
    assert isinstance(result.changes[0].redline, Markup)
    assert str(result.changes[0].redline) == A
    assert "<ins>" not in result.changes[0].redline


def test_edited_paragraph_is_changed_with_word_level_ins_and_del():
    edited = A.replace("a single contact point", "one named contact point")
    result = compare_blocks(blocks(A, B_, C), blocks(edited, B_, C))
    assert kinds(result.changes) == ["changed", "same", "same"]
    assert result.changed == 1 and result.unchanged == 2
    change = result.changes[0]
    assert change.old.text == A and change.new.text == edited
    assert 0.5 <= change.similarity < 1.0
    assert str(change.redline) == (
        f"Law enforcement agencies designate {dele('a single')} {ins('one named')}"
        " contact point for referrals."
    )


def test_added_removed_and_moved_blocks_are_counted_once():
    old = blocks(A, B_, C, D)
    new = blocks(B_, C, A, E)  # A moved to the end, D removed, E added
    result = compare_blocks(old, new)
    assert (result.added, result.removed, result.moved, result.unchanged, result.changed) == (
        1,
        1,
        1,
        2,
        0,
    )
    # D is shown where it stood (after C), before the blocks inserted in its gap.
    assert kinds(result.changes) == ["same", "same", "removed", "moved", "added"]
    moved = result.changes[3]
    assert moved.old.text == A and moved.new.text == A and moved.similarity == 1.0
    assert "[moved from ¶1: " in moved.redline
    removed = result.changes[2]
    assert removed.new is None and removed.old.text == D
    assert removed.redline.startswith('<del class="block"><span class="sr-only">[deleted: </span>')
    added = result.changes[4]
    assert added.old is None and added.new.text == E
    assert added.redline.startswith('<ins class="block"><span class="sr-only">[inserted: </span>')


def test_removed_block_stays_where_it_stood_and_precedes_added_blocks_of_its_gap():
    result = compare_blocks(blocks(A, B_, C), blocks(A, D, C))
    # B_ and D share no words: not similar enough to pair, so removed then added in place.
    assert kinds(result.changes) == ["same", "removed", "added", "same"]
    assert result.changes[1].old.text == B_ and result.changes[2].new.text == D


def test_output_follows_new_document_order():
    old = blocks(A, B_, C, D, E)
    new = blocks(A, C, D, E)
    result = compare_blocks(old, new)
    assert [c.new.text if c.new else f"-{c.old.text}" for c in result.changes] == [
        A,
        f"-{B_}",
        C,
        D,
        E,
    ]


def test_html_in_text_is_escaped_everywhere():
    evil = 'Contact <script>alert("x")</script> & "partners"'
    old = blocks(A, evil)
    new = blocks(A, evil.replace("partners", "allies"), '<img src=x onerror="y">')
    result = compare_blocks(old, new)
    for change in result.changes:
        assert "<script>" not in change.redline
        assert "<img" not in change.redline
    assert kinds(result.changes) == ["same", "changed", "added"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp;" in result.changes[1].redline
    assert dele("&#34;partners&#34;") in result.changes[1].redline
    assert "&lt;img src=x onerror=&#34;y&#34;&gt;" in result.changes[2].redline
    redline = word_redline("a <b>bold</b> claim", "a <i>new</i> claim")
    assert "<b>" not in redline and "<i>" not in redline
    assert "&lt;i&gt;new&lt;/i&gt;" in redline


def test_redline_has_screen_reader_text_equivalents():
    redline = word_redline("victims may be referred", "victims shall be referred promptly")
    assert str(redline) == f"victims {dele('may')} {ins('shall')} be referred {ins('promptly')}"
    # Each <del>/<ins> carries its hidden label: the change reads without colour.
    assert redline.count("[deleted: ") == redline.count("<del>") == 1
    assert redline.count("[inserted: ") == redline.count("<ins>") == 2


def test_word_redline_of_equal_texts_has_no_markup():
    assert str(word_redline(A, A)) == A
    assert str(word_redline("", "")) == ""


def test_word_redline_handles_insertions_at_either_end():
    assert str(word_redline("the cat", "the cat sat")) == f"the cat {ins('sat')}"
    assert str(word_redline("cat sat", "the cat sat")) == f"{ins('the')} cat sat"
    assert str(word_redline("the cats", "the cat")) == f"the {dele('cats')} {ins('cat')}"
    assert str(word_redline("a b c d e", "a c d e f")) == f"a {dele('b')} c d e {ins('f')}"


def test_paraid_blocks_pair_by_anchor_even_when_text_changed_completely():
    old = [para_block("1A2B3C4D", A), para_block("2B3C4D5E", B_), para_block("3C4D5E6F", C)]
    new = [para_block("1A2B3C4D", A), para_block("2B3C4D5E", D), para_block("3C4D5E6F", C)]
    result = compare_blocks(old, new)
    assert kinds(result.changes) == ["same", "changed", "same"]
    change = result.changes[1]
    assert change.old.text == B_ and change.new.text == D
    assert change.similarity < 0.5
    assert "[deleted: " in change.redline and "[inserted: " in change.redline


def test_paraid_blocks_with_new_ids_fall_back_to_similarity():
    old = [para_block("1A2B3C4D", A), para_block("2B3C4D5E", B_)]
    edited = B_.replace("legal counselling", "free legal counselling")
    new = [para_block("1A2B3C4D", A), para_block("7F000001", edited)]
    result = compare_blocks(old, new)
    assert kinds(result.changes) == ["same", "changed"]


def test_dissimilar_replacement_is_removed_and_added_not_changed():
    result = compare_blocks(blocks(A, B_), blocks(A, E))
    assert kinds(result.changes) == ["same", "removed", "added"]


def test_replaced_region_pairs_each_new_block_with_its_closest_old_block():
    old = blocks(A, B_, C, D)
    new = blocks(
        A.replace("single", "dedicated"),
        "An entirely new paragraph about data protection and consent.",
        C.replace("share", "exchange"),
        D,
    )
    result = compare_blocks(old, new)
    assert kinds(result.changes) == ["changed", "removed", "added", "changed", "same"]
    assert result.changes[3].old.text == C


def test_comparison_of_empty_documents():
    assert compare_blocks([], []).changes == []
    result = compare_blocks([], blocks(A))
    assert kinds(result.changes) == ["added"] and result.added == 1
    result = compare_blocks(blocks(A), [])
    assert kinds(result.changes) == ["removed"] and result.removed == 1


def test_repeated_identical_blocks_stay_aligned():
    note = "Note: see the annex."
    old = blocks(A, note, B_, note, C)
    new = blocks(A, note, B_, note, D, C)
    result = compare_blocks(old, new)
    assert kinds(result.changes) == ["same", "same", "same", "same", "added", "same"]

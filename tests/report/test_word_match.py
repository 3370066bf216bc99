"""The matcher verify compares printed words with: the same blocks as the standard
library's ``difflib.SequenceMatcher(None, a, b, autojunk=False)``, which is the
reference here, on words that repeat as a certificate's do (a few words thousands of
times). Found in the scale-pass: difflib's matching grows as the square of the words
(10 s for the 19,103 words of a 66-page certificate of 10,000 cases, 0.1 s now)."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medeval.report import _word_match as word_match
from medeval.report._word_match import WordMatcher, _longest

# few distinct words, so that each repeats: the hard case for difflib, and ties to break
_WORDS = st.lists(st.sampled_from(["10", "–", "0.0000", "(", "site", "n"]), max_size=160)


def _reference(a: list[str], b: list[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


@settings(max_examples=150, deadline=None)
@given(a=_WORDS, b=_WORDS, data=st.data())
def test_the_longest_match_of_any_ranges_is_difflibs(a: list[str], b: list[str],
                                                     data: st.DataObject) -> None:
    alo = data.draw(st.integers(0, len(a)))
    ahi = data.draw(st.integers(alo, len(a)))
    blo = data.draw(st.integers(0, len(b)))
    bhi = data.draw(st.integers(blo, len(b)))
    # the automaton's search itself (WordMatcher leaves ranges of under 4,096 pairs of
    # positions to difflib), on short ranges too
    assert _longest(a, alo, ahi, b, blo, bhi) == \
        _reference(a, b).find_longest_match(alo, ahi, blo, bhi)


@settings(max_examples=60, deadline=None)
@given(a=st.lists(st.sampled_from(["10", "–", "0.0000", "site"]), min_size=70,
                  max_size=300), edits=st.lists(st.tuples(st.integers(0, 299),
                                                          st.sampled_from(["x", "10", ""])),
                                                max_size=12))
def test_the_opcodes_of_an_edited_text_are_difflibs(a: list[str],
                                                    edits: list[tuple[int, str]]) -> None:
    b = list(a)
    for where, word in edits:  # a word replaced, inserted (x), or taken out ("")
        where %= len(b) or 1
        if word == "":
            del b[where:where + 1]
        elif word == "x":
            b.insert(where, word)
        else:
            b[where:where + 1] = [word]
    assert WordMatcher(a, b).get_opcodes() == _reference(a, b).get_opcodes()


def test_a_tie_is_broken_as_difflib_breaks_it() -> None:
    # 'a b' occurs twice in each; difflib keeps the block ending first in a (i = 0..1),
    # then first in b (j = 0..1): (0, 0, 2). Worked by hand, and difflib agrees.
    a = ["a", "b", "x", "a", "b"] * 100
    b = ["a", "b", "y", "a", "b"] * 100
    assert _longest(a, 0, 5, b, 0, 5) == (0, 0, 2)
    assert WordMatcher(a, b).get_matching_blocks() == _reference(a, b).get_matching_blocks()


# Found in the review of the scale-pass: whole comparisons, not one search, against
# difflib, the two sides' lengths spanning none, one side, and ranges past the 4,096
# pairs below which difflib searches; three words so that ties abound.
# lists of a length drawn first: hypothesis's own lists are mostly short, and no search
# of them reached the automaton
_SOME_WORDS = st.integers(0, 140).flatmap(
    lambda n: st.lists(st.sampled_from(["10", "–", "n"]), min_size=n, max_size=n))


@settings(max_examples=150, deadline=None)
@given(a=_SOME_WORDS, b=_SOME_WORDS)
def test_blocks_opcodes_and_ratio_of_any_words_are_difflibs(a: list[str],
                                                           b: list[str]) -> None:
    ours, theirs = WordMatcher(a, b), _reference(a, b)
    assert ours.get_matching_blocks() == theirs.get_matching_blocks()
    assert ours.get_opcodes() == theirs.get_opcodes()
    assert ours.ratio() == theirs.ratio()


def test_words_set_again_are_the_ones_compared() -> None:
    # Found in the review of the scale-pass: the search read the words given when the
    # matcher was made, so after set_seq2 (difflib's way of comparing one text with
    # several) it searched the old b with the new one's index. 'x y' 100 times against
    # 'y x' 50 times then 'z': difflib's blocks.
    a = ["x", "y"] * 100
    matcher = WordMatcher(a, a)
    b = ["y", "x"] * 50 + ["z"]
    matcher.set_seq2(b)
    assert matcher.get_matching_blocks() == _reference(a, b).get_matching_blocks()


def test_words_each_printed_once_are_left_to_difflibs_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in the review of the scale-pass: each search is linear, the comparison is not.
    # 300 distinct words against the same with 'X' after each: every block is one word
    # long, the earliest is taken, and the next search is of the rest, so 300 searches of
    # ranges of up to 300 + 600 words. The automaton built for each (2 states a word of b)
    # took four times difflib's time, whose search here goes through one pair a word.
    # Now difflib searches; no automaton is built, and the blocks are difflib's.
    a = [f"w{i}" for i in range(300)]
    b = [w for word in a for w in (word, "X")]
    built = []
    monkeypatch.setattr(word_match, "_longest",
                        lambda *args: built.append(args) or _longest(*args))
    assert WordMatcher(a, b).get_matching_blocks() == \
        _reference(a, b).get_matching_blocks()
    assert built == []
    # words repeated as a certificate's are: the automaton still searches
    c = ["10", "–"] * 150
    assert WordMatcher(c, c[1:]).get_matching_blocks() == \
        _reference(c, c[1:]).get_matching_blocks()
    assert len(built) == 1

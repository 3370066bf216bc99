"""difflib's ``SequenceMatcher`` (no junk), its longest matches found in linear time.

``verify`` compares a certificate's printed words with a rendering's: tens of thousands
of words in which a few (``10``, ``–``, ``0.0000``) occur thousands of times. difflib
finds each longest match by pairing every position of a word in one range with every
position of it in the other, so the work grows as the square of the words (a 66-page
certificate of 10,000 cases: 69 million pairs, 10 s; 37,500 cases would take minutes).

:class:`WordMatcher` is that matcher with ``isjunk=None`` and ``autojunk=False``, whose
:meth:`~WordMatcher.find_longest_match` reads the same block from a suffix automaton of
the second range instead (Blumer et al. 1985; each state keeps the end of its first
occurrence), in time linear in the two ranges. It returns the block difflib returns:
the longest; of those, the one ending first in ``a``; then first in ``b``. So the
matching blocks, the opcodes and every message made from them are difflib's.

Each search is linear, not the whole comparison: ``get_matching_blocks`` searches again
on each side of every block found, and where the blocks found first lie at one end (a
copy differing every few words, ties going to the earliest) it searches ranges almost as
long as the words once per block. So a search whose words occur in ``b`` no more often
than the two ranges are long (words each printed once or twice) is left to difflib,
whose search costs those occurrences, while the automaton costs a state or two per
word: built for each of those ranges, it took four times difflib's time.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from difflib import Match
from itertools import repeat

__all__ = ["WordMatcher"]

#: Ranges whose product is below this are left to difflib (as fast there, and exact).
_SMALL = 4096


class WordMatcher(difflib.SequenceMatcher[str]):
    """``difflib.SequenceMatcher(None, a, b, autojunk=False)``, faster on long ranges."""

    # set by difflib (set_seq1, set_seq2), which typeshed does not declare
    a: Sequence[str]
    b: Sequence[str]
    b2j: dict[str, list[int]]

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> Match:
        # self.a and self.b, not words kept aside: set_seq1/set_seq2 replace them
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        if (ahi - alo) * (bhi - blo) < _SMALL or \
                _pairs(self.b2j, self.a[alo:ahi]) <= 2 * (ahi - alo + bhi - blo):
            return super().find_longest_match(alo, ahi, blo, bhi)
        return _longest(self.a, alo, ahi, self.b, blo, bhi)


def _pairs(b2j: dict[str, list[int]], words: Sequence[str]) -> int:
    """How many positions in ``b`` the ``words`` occur at, counted with repeats: no
    fewer than the pairs difflib's search of them goes through."""
    return sum(map(len, map(b2j.get, words, repeat(()))))


def _longest(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int,
             bhi: int) -> Match:
    """The longest block of ``a[alo:ahi]`` in ``b[blo:bhi]`` as difflib chooses it."""
    # suffix automaton of b[blo:bhi]: per state its transitions, longest length, suffix
    # link and the end (index in b) of its first occurrence
    nexts: list[dict[str, int]] = [{}]
    length, link, first = [0], [-1], [-1]
    last = 0
    for p in range(blo, bhi):
        c = b[p]
        cur = len(nexts)
        nexts.append({})
        length.append(length[last] + 1)
        link.append(0)
        first.append(p)
        v = last
        while v != -1 and c not in nexts[v]:
            nexts[v][c] = cur
            v = link[v]
        if v != -1:
            q = nexts[v][c]
            if length[v] + 1 == length[q]:
                link[cur] = q
            else:
                clone = len(nexts)
                nexts.append(dict(nexts[q]))
                length.append(length[v] + 1)
                link.append(link[q])
                first.append(first[q])
                while v != -1 and nexts[v].get(c) == q:
                    nexts[v][c] = clone
                    v = link[v]
                link[q] = link[cur] = clone
        last = cur
    # the longest suffix of a[alo:i + 1] found in b[blo:bhi], for each i in turn: the
    # first i reaching the longest, and the first end in b of that block
    best, best_i, best_state = 0, alo, 0
    v, matched = 0, 0
    for i in range(alo, ahi):
        c = a[i]
        while v and c not in nexts[v]:
            v = link[v]
            matched = length[v]
        if c in nexts[v]:
            v = nexts[v][c]
            matched += 1
        else:
            matched = 0
        if matched > best:
            best, best_i, best_state = matched, i, v
    if best == 0:
        return Match(alo, blo, 0)
    return Match(best_i - best + 1, first[best_state] - best + 1, best)

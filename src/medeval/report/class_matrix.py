"""The multi-class confusion matrix as the certificate prints it.

Reference classes in rows, the classes answered in columns, with totals. A column is a
fraction of the page: with many classes, a name longer than its column ("adenocarcinoma",
"hyperplastic_polyp" among twelve) was split inside a word over three lines in the
column heads and in the row labels. For a result made after medeval 0.11.0
(:data:`NUMBERED_AFTER`), such a matrix numbers its classes: each row is headed by its
number and its whole name, in a column as wide as the longest name needs (up to
:data:`_LABEL_SHARE` of the page), and each column by the number of its class only,
as a note under the matrix says. Its count columns are as wide as their widest count or
head word needs ("151", "1200", "answer" of "No answer"), the row labels taking what is
left: a count split over two lines ("15" over "1") read as another number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .blocks import Block, Cell, Para, Table
from .catalogue import Msg, texts
from .page import FRAME_W, TABLE_PADDING, text_width

__all__ = ["NUMBERED_AFTER", "multiclass_matrix"]

#: The last release whose certificates printed every class's name in the column heads,
#: however narrow the columns (a name split inside a word).
NUMBERED_AFTER = "0.11.0"

#: The tables' text size (pdf.py: the "cell" and "head" styles), in points.
_SIZE = 7.5
#: The row labels' column takes at most this share of the page's width.
_LABEL_SHARE = 0.45


def multiclass_matrix(tables: Mapping[str, Any], *, numbered: bool = False) -> list[Block]:
    """The multi-class confusion matrix (reference rows, answered columns, totals); the
    "no answer" column only where a failed case was counted in it. ``numbered``: the
    classes numbered where a name does not fit its column (a result made after
    :data:`NUMBERED_AFTER`)."""
    matrix = tables.get("confusion_matrix")
    if not isinstance(matrix, Mapping) or not {"labels", "counts"} <= set(matrix):
        return []
    labels = [str(label) for label in matrix["labels"]]
    counts = [[int(n) for n in row] for row in matrix["counts"]]
    no_answer = any(len(row) > len(labels) and row[len(labels)] for row in counts)
    answered = len(labels) + no_answer
    widths: tuple[float, ...] = (2.4,) + (1.0,) * (answered + 1)
    span = min(1.0, 0.3 + 0.1 * answered)
    heads, names = list(labels), list(labels)
    later, numbered = numbered, numbered and not _fits(labels, widths, span)
    if numbered:
        heads = [f"({i})" for i in range(1, len(labels) + 1)]
        names = [f"({i}) {label}" for i, label in enumerate(labels, start=1)]
        widths, span = _numbered_widths(names, answered)
    header: tuple[Cell, ...] = (Msg("text.multiclass_matrix_corner"), *heads, *(
        (Msg("text.multiclass_no_answer"),) if no_answer else ()),
        Msg("column.total"))
    rows: list[tuple[Cell, ...]] = [
        (name, *(str(n) for n in row[:answered]), str(sum(row)))
        for name, row in zip(names, counts)]
    columns = [sum(row[j] for row in counts) for j in range(answered)]
    rows.append((Msg("column.total"), *(str(n) for n in columns), str(sum(columns))))
    if later:
        widths, span = _counts_fit(widths, span, [
            [head, *(row[j] for row in rows)] for j, head in enumerate(header[1:], start=1)])
    notes = ("text.multiclass_matrix",
             *(("text.multiclass_matrix_numbered",) if numbered else ()),
             *(("text.multiclass_no_answer_note",) if no_answer else ()))
    return [*(Para(Msg(key), "note") for key in notes),
            Table(header, tuple(rows), widths, numeric=tuple(range(1, answered + 2)),
                  span=span)]


def _widest_word(text: str, *, bold: bool) -> float:
    """The width of ``text``'s longest run without a space: what a cell cannot wrap."""
    return max((text_width(word, _SIZE, bold=bold) for word in text.split()), default=0.0)


def _fits(labels: list[str], widths: tuple[float, ...], span: float) -> bool:
    """Whether every name fits, unbroken inside a word, both its column head (bold) and
    its row label."""
    unit = span * FRAME_W / sum(widths)
    column, label = unit * widths[1] - TABLE_PADDING, unit * widths[0] - TABLE_PADDING
    return all(_widest_word(name, bold=True) <= column
               and _widest_word(name, bold=False) <= label for name in labels)


def _counts_fit(widths: tuple[float, ...], span: float,
                columns: list[list[Cell]]) -> tuple[tuple[float, ...], float]:
    """``widths`` with each count column as wide as the widest word of its ``columns``
    (its head, in bold and either language, and its counts) needs, the row labels'
    column giving up what they lack (down to a fifth of the page); ``widths`` unchanged
    where every column fits already."""
    need = [max(_widest_word(text, bold=True) for cell in cells
                for text in texts(cell, "ko+en")) + TABLE_PADDING + 1 for cells in columns]
    unit = span * FRAME_W / sum(widths)
    if all(unit * width >= least for width, least in zip(widths[1:], need)):
        return widths, span
    total = max(span * FRAME_W, min(FRAME_W, unit * widths[0] + sum(need)))
    label = max(min(unit * widths[0], total - sum(need)), FRAME_W / 5)
    room = total - label - sum(need)
    if room >= 0:
        counts = [least + room / len(need) for least in need]
    else:  # more than the page has: shared in proportion
        counts = [least * (total - label) / sum(need) for least in need]
    return (label, *counts), total / FRAME_W


def _numbered_widths(names: list[str], answered: int) -> tuple[tuple[float, ...], float]:
    """The columns of a numbered matrix across the page: the row labels' as wide as the
    longest numbered name needs (at most :data:`_LABEL_SHARE` of the page, at least the
    2.4 parts of the other layout), the counts sharing the rest."""
    need = max(text_width(name, _SIZE) for name in names) + TABLE_PADDING + 1
    counts = answered + 1
    least = FRAME_W * 2.4 / (2.4 + counts)
    label = min(max(need, least), FRAME_W * _LABEL_SHARE)
    return (label, *((FRAME_W - label) / counts,) * counts), 1.0

"""Text written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko ...), which the
certificate cannot print as written.

reportlab sets every line left to right, in the order the characters are stored, and
does not join Arabic letters: ``"שלום"`` is printed as if it read ``"םולש"``, an Arabic
word as its letters apart and reversed. The certificate would state another name than
the one given, so such a text is refused, named with its code point, as a character no
embedded font has is (:func:`~medeval.report.fonts.font_runs`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import fields, is_dataclass
from typing import Any

from ._errors import ReportError

__all__ = ["refuse_right_to_left"]

#: Unicode bidirectional classes of letters written right to left (UAX #9): R (Hebrew
#: ...), AL (Arabic letters). Arabic-Indic digits (AN) run left to right, as printed.
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


def refuse_right_to_left(tree: Any) -> None:
    """Raise :class:`ReportError` for the first text in ``tree`` (a certificate, its
    blocks, their tuples and phrases' values) holding a letter written right to left.

    Examples
    --------
    >>> refuse_right_to_left(("Seoul", ("서울", 1.0)))
    >>> refuse_right_to_left(("Cust \\u05e9",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.report._errors.ReportError: the certificate cannot print 'ש' (U+05E9 ...
    """
    if isinstance(tree, str):
        _refuse_in(tree)
    elif isinstance(tree, (tuple, list)):
        for item in tree:
            refuse_right_to_left(item)
    elif is_dataclass(tree) and not isinstance(tree, type):
        for field in fields(tree):
            refuse_right_to_left(getattr(tree, field.name))


def _refuse_in(text: str) -> None:
    for char in text:
        if unicodedata.bidirectional(char) in _RIGHT_TO_LEFT:
            raise ReportError(
                f"the certificate cannot print {char!r} (U+{ord(char):04X} "
                f"{unicodedata.name(char, 'unnamed')}) in {text!r}: it is written right to "
                "left, and the certificate sets every line left to right (it would print "
                "the letters in reverse order, Arabic ones unjoined); write it in Latin or "
                "Korean letters in the protocol, the manifest or the report info")

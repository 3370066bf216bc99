"""What a table cell or JSON text that is no number may have meant (private): Excel's
thousands separator, a decimal comma, a percentage, a number with its unit, a minus sign
that is not ``-``. Said in a refused measurement's or score's message."""

from __future__ import annotations

import math
import re

from ..loaders.tables import number_text

__all__ = ["is_number_text", "number_hint"]


def number_hint(text: str, unit: str | None) -> str:
    """What ``text``, no number, may mean, for a refused reference or prediction: Excel's
    thousands separator, a decimal comma, a percentage, a number with its unit (``unit``:
    the protocol's; None for a score, which has none), a minus sign that is not ``-``
    (U+2212, as word processors write it); else empty.

    >>> number_hint("45,2", "%"), number_hint("−5.4", "mm")
    ('; a decimal comma? write 45.2', "; a minus sign '−' (U+2212)? write -5.4")
    >>> number_hint("0,886", None), number_hint("1,500", "mm")
    ('; a decimal comma? write 0.886', '; a thousands separator? write 1500')
    >>> number_hint("85%", None)[:58]
    "; a percentage (Excel's % format)? write the number alone,"
    """
    text = text.strip()
    if text[:1] in "\u2212\u2013\ufe63\uff0d" and is_number_text(text[1:]):
        return f"; a minus sign {text[0]!r} (U+{ord(text[0]):04X})? write -{text[1:]}"
    # a group of thousands starts with 1-9: 0,886 is a decimal comma (a score's 0.886)
    if re.fullmatch(r"[-+]?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]*)?", text):
        return f"; a thousands separator? write {text.replace(',', '')}"
    if re.fullmatch(r"[-+]?[0-9]*,[0-9]+", text):
        return f"; a decimal comma? write {text.replace(',', '.')}"
    if re.fullmatch(r"[-+]?[0-9.]+\s*[%％]", text):
        return ("; a percentage (Excel's % format)? write the number alone, 85% as 0.85 or "
                "85 as the threshold reads it" if unit is None else
                "; a percentage (Excel's % format)? write the number in the protocol's "
                f"unit ({unit}), 85% as 85 or 0.85 as the unit says")
    if re.fullmatch(r"[-+]?[0-9.]+\s*[^\s0-9.]+", text):
        return ("; write the number alone" if unit is None else
                f"; write the number alone, in the protocol's unit ({unit})")
    return ""


def is_number_text(text: str) -> bool:
    """``text`` spells a finite number (:func:`~medeval.loaders.tables.number_text`)."""
    try:
        return math.isfinite(number_text(text))
    except ValueError:
        return False

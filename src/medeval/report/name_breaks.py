"""Where a long name without spaces breaks in a narrow column of the certificate.

reportlab breaks a word wider than its column at whatever character fills the line: the
ECG demo's algorithm, identified as ``medeval.demo.algorithms.ecg.qrs_detector:QrsDetector``,
printed '...qrs_detec' / 'tor:QrsDetector' in the cover's fields. :func:`broken_names`
breaks such a word after a '.', ':' or '/' instead, where its parts fit the column (a
certificate of a result made after :data:`NAMES_BROKEN_UNTIL`, ``Certificate.names_broken``).

Examples
--------
>>> broken_names("medeval.demo.algorithms.ecg.qrs_detector:QrsDetector", 130.0, 7.5)
'medeval.demo.algorithms.ecg.\\nqrs_detector:QrsDetector'
>>> broken_names("WDBC logistic regression", 30.0, 7.5)
'WDBC logistic regression'
"""

from __future__ import annotations

import re

from .page import text_width

__all__ = ["NAMES_BROKEN_UNTIL", "broken_names"]

#: The last release whose certificates let reportlab break a long name at any character.
NAMES_BROKEN_UNTIL = "0.11.0"

_AFTER = re.compile(r"(?<=[.:/])")


def broken_names(text: str, room_pt: float, size: float) -> str:
    """``text`` with a line break put after a '.', ':' or '/' of each word (a run without
    spaces) wider than ``room_pt`` points at ``size`` points, as many as its parts need
    to fit, filling each line; a text of words that fit is returned as it is. A part
    wider than the room alone is left to reportlab."""
    return " ".join(_broken(word, room_pt, size) if text_width(word, size) > room_pt
                    else word for word in text.split(" "))


def _broken(word: str, room_pt: float, size: float) -> str:
    lines = [""]
    for part in _AFTER.split(word):
        if lines[-1] and text_width(lines[-1] + part, size) > room_pt:
            lines.append(part)
        else:
            lines[-1] += part
    return "\n".join(lines)

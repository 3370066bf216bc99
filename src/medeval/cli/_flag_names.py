"""The library's parameter names in a message, as ``medeval sample-size`` spells them.

:func:`medeval.stats.cases_to_pass` and :func:`medeval.stats.sample_size` say what is
wrong in their own terms (``cases_to_pass: icc and cases_per_patient go together``); the
command's user typed ``--icc`` and ``--cases-per-patient`` and knows no function of that
name, so :func:`as_flags` rewrites the message at the command's boundary.
"""

from __future__ import annotations

import re

__all__ = ["as_flags"]

#: the plans' parameters, each the flag that sets it
_FLAGS = {"expected": "--expected", "goal": "--goal", "power": "--power",
          "prevalence": "--prevalence", "confidence": "--confidence", "method": "--method",
          "measure": "--measure", "max_n": "--max-n", "half_width": "--half-width",
          "icc": "--icc", "cases_per_patient": "--cases-per-patient"}
_FUNCTIONS = re.compile(r"^(cases_to_pass|sample_size): ")
# a parameter where the message names it (at the start, or beside another parameter), or
# where an identifier with an underscore cannot be an English word
_NAMED = re.compile(r"(?:^|(?<=\band )|(?<=\bor ))(" + "|".join(_FLAGS) + r")\b(?= must\b| and\b|"
                    r" or\b| \(| \(cases per)|\b(max_n|half_width|cases_per_patient)\b")


def as_flags(message: str) -> str:
    """``message`` with the plan's function named as the command and each parameter it
    names as its flag.

    Examples
    --------
    >>> as_flags("cases_to_pass: icc and cases_per_patient go together; give both")
    'sample-size: --icc and --cases-per-patient go together; give both'
    >>> as_flags("sample_size: prevalence must be strictly between 0 and 1, got 20.0")
    'sample-size: --prevalence must be strictly between 0 and 1, got 20.0'
    >>> as_flags("cases_to_pass: expected (0.85) must be above the goal (0.9): a device")
    'sample-size: --expected (0.85) must be above the goal (0.9): a device'
    """
    if not _FUNCTIONS.match(message):
        return message
    body = _FUNCTIONS.sub("", message)
    return "sample-size: " + _NAMED.sub(
        lambda m: _FLAGS[m.group(1) or m.group(2)], body)

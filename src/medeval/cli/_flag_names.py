"""The library's parameter names in a message, as a command spells them.

:func:`medeval.stats.cases_to_pass`, :func:`medeval.stats.sample_size` and
:func:`medeval.evaluate_classification` say what is wrong in their own terms
(``cases_to_pass: icc and cases_per_patient go together``); the command's user typed
``--icc`` and ``--cases-per-patient`` and knows no function of that name, so
:func:`as_flags` rewrites the message at the command's boundary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["EVALUATE", "SAMPLE_SIZE", "as_flags"]

#: ``medeval sample-size``: its functions, and their parameters each with the flag that
#: sets it
SAMPLE_SIZE = ("sample-size", ("cases_to_pass", "sample_size"), {
    "expected": "--expected", "goal": "--goal", "power": "--power",
    "prevalence": "--prevalence", "confidence": "--confidence", "method": "--method",
    "measure": "--measure", "max_n": "--max-n", "half_width": "--half-width",
    "icc": "--icc", "cases_per_patient": "--cases-per-patient"})
#: ``medeval evaluate --reference ... --predictions ...``
EVALUATE = ("evaluate", ("evaluate_classification",), {
    "threshold": "--threshold", "confidence": "--confidence", "n_resamples": "--n-resamples",
    "seed": "--seed", "proportion_method": "--proportion-method",
    "auc_method": "--auc-method", "bootstrap_method": "--bootstrap-method",
    "pos_label": "--pos-label"})


def as_flags(message: str, command: tuple[str, tuple[str, ...], Mapping[str, str]]) -> str:
    """``message`` with the function named as the command and each parameter it names as
    its flag: at the start, beside another parameter, before ``must``, or (an identifier
    with an underscore, no English word) anywhere; ``pos_label=7`` is ``--pos-label 7``.

    Examples
    --------
    >>> as_flags("cases_to_pass: icc and cases_per_patient go together; give both",
    ...          SAMPLE_SIZE)
    'sample-size: --icc and --cases-per-patient go together; give both'
    >>> as_flags("sample_size: prevalence must be strictly between 0 and 1, got 20.0",
    ...          SAMPLE_SIZE)
    'sample-size: --prevalence must be strictly between 0 and 1, got 20.0'
    >>> as_flags("cases_to_pass: expected (0.85) must be above the goal (0.9): a device",
    ...          SAMPLE_SIZE)
    'sample-size: --expected (0.85) must be above the goal (0.9): a device'
    >>> as_flags("cases_to_pass: it is below at max_n = 60; raise max_n (--max-n of medeval "
    ...          "sample-size)", SAMPLE_SIZE)
    'sample-size: it is below at --max-n 60; raise --max-n'
    >>> as_flags("evaluate_classification: n_resamples must be an integer >= 100, got 10",
    ...          EVALUATE)
    'evaluate: --n-resamples must be an integer >= 100, got 10'
    >>> as_flags("reference table r.csv: labels must be binary with pos_label=7 among them",
    ...          EVALUATE)
    'reference table r.csv: labels must be binary with --pos-label 7 among them'

    A quoted text is the user's, and stays as written (a label named ``seed``):

    >>> as_flags("evaluate_classification: seed must be an integer; the labels ['seed', "
    ...          "'pos_label'] ...", EVALUATE)
    "evaluate: --seed must be an integer; the labels ['seed', 'pos_label'] ..."
    >>> as_flags("cases_to_pass: the protocol's icc and cases_per_patient go together",
    ...          SAMPLE_SIZE)
    "sample-size: the protocol's icc and --cases-per-patient go together"
    """
    name, functions, flags = command
    named = "|".join(map(re.escape, flags))
    underscored = "|".join(re.escape(p) for p in flags if "_" in p)
    pattern = re.compile(
        rf"(?:^|(?<=\band )|(?<=\bor ))({named})\b(?= must\b| and\b| or\b| \()"
        + (rf"|\b({underscored})\b(=?)" if underscored else ""))

    def flag(found: re.Match[str]) -> str:
        parameter = found.group(1) or found.group(2)
        return flags[parameter] + (" " if found.lastindex == 3 and found.group(3) else "")

    prefix = re.match(rf"^({'|'.join(map(re.escape, functions))}): ", message)
    # what the message quotes (a label, a file's name, a column) is the user's own text:
    # only what lies between quotes is the library's
    # (a quote opens after no letter: the apostrophe of "protocol's" opens none)
    parts = re.split(r"((?<!\w)'[^'\n]*'(?!\w))",
                     message[prefix.end():] if prefix else message)
    body = "".join(part if index % 2 else pattern.sub(flag, part)
                   for index, part in enumerate(parts))
    # the library's pointer to the flag is the flag itself now: '--max-n (--max-n of
    # medeval sample-size)' is '--max-n', 'at --max-n = 60' is 'at --max-n 60'
    body = re.sub(r"(--[a-z-]+) \(\1 of medeval [a-z-]+\)", r"\1", body)
    body = re.sub(r"(--[a-z-]+) = ", r"\1 ", body)
    return (f"{name}: " if prefix else "") + body

"""Reading a case's JSON prediction (private to the task modules)."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from .._text_offsets import where_utf8_stops
from ..manifest import Case
from .base import PredictionError, prediction_file


def read_json_prediction(case: Case, predictions: Path) -> Any:
    """The parsed ``<case_id>.json``, or a PredictionError naming the case.

    UTF-8, with or without a byte order mark (RFC 8259 lets a parser ignore one; Windows
    PowerShell 5 and Notepad write it). An object whose ``"case_id"`` names another case
    (a script that wrote each case's answer into its neighbour's file) is refused, as
    ``medeval run`` refuses such an output; ids are compared in NFC."""
    path = prediction_file(predictions, case.case_id, (".json",))
    value = _parsed(case, path)
    named = value.get("case_id", case.case_id) if isinstance(value, dict) else case.case_id
    text = named if isinstance(named, str) else json.dumps(named, ensure_ascii=False)
    if unicodedata.normalize("NFC", text) != unicodedata.normalize("NFC", case.case_id):
        shown = json.dumps(named, ensure_ascii=False)
        raise PredictionError(
            f"case {case.case_id}: {path.name} names case "
            f"{shown if len(shown) <= 80 else shown[:77] + '...'} in its \"case_id\": the "
            "file of one case holds another's answer (files named out of step with what "
            "they hold?); write each case's prediction into its own <case_id>.json, or "
            "leave \"case_id\" out")
    return value


def _parsed(case: Case, path: Path) -> Any:
    """The JSON in ``path``, or a PredictionError naming the case and what is wrong."""
    text, raw = "", b""
    try:
        with open(path, "rb", buffering=0) as handle:
            raw = handle.read()
        text = raw.decode("utf-8-sig")  # a BOM (Windows tools write one)
        if "\r" in text:  # as read_text(encoding="utf-8") gives it: newlines translated
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        # a run of 309 digits may be an integer past any float (float() overflows, numpy
        # refuses it: the whole evaluation stopped); only then are integers parsed one by
        # one. Digits made NUL (which JSON text cannot hold raw): a scan at C speed.
        if _LONG_RUN in text.translate(_DIGITS_AS_NUL):
            return json.loads(text, parse_int=_float_sized, object_pairs_hook=_once)
        return json.loads(text, object_pairs_hook=_once)
    except _NamedTwice as exc:
        raise PredictionError(
            f"case {case.case_id}: {path.name} names {exc} more than once in one object; "
            "JSON readers differ on which value they keep (Python's the last, others the "
            "first), and medeval run refuses such an output: write each name once") from None
    except UnicodeDecodeError as exc:
        if exc.object[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16's byte order mark
            raise PredictionError(
                f"case {case.case_id}: {path.name} is UTF-16 text, not UTF-8 (Windows "
                "PowerShell 5 writes UTF-16 with '>' and Out-File): write it as UTF-8 "
                "(Out-File -Encoding utf8, which writes UTF-8 with a byte order mark, read "
                "as UTF-8)") from None
        raise PredictionError(
            f"case {case.case_id}: {path.name} is not UTF-8 text "
            f"({where_utf8_stops(raw, exc)}: byte "
            f"{exc.object[exc.start:exc.start + 1].hex()}; a program on Korean Windows "
            "writes CP949): write it as UTF-8") from None
    except (OSError, ValueError) as exc:
        empty = isinstance(exc, ValueError) and not text.strip()
        raise PredictionError(f"case {case.case_id}: {path.name} is " + (
            "empty: no JSON in it" if empty else f"not JSON: {exc}")) from None


class _NamedTwice(Exception):
    """A JSON object repeating a name (the names, quoted, are its text)."""


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a name given twice (``{"label": "G1", "label":
    "G3"}``), as the runner's reading of an algorithm's output does
    (:func:`medeval.runner.predictions.parse_json`): a supplied file and the same file
    written by a run are read alike.

    >>> _once([("value", 5.1), ("unit", "mm")])
    {'value': 5.1, 'unit': 'mm'}
    """
    value = dict(pairs)
    if len(value) < len(pairs):
        names = [name for name, _ in pairs]
        raise _NamedTwice(", ".join(json.dumps(name, ensure_ascii=False) for name in
                                    sorted({n for n in names if names.count(n) > 1})))
    return value


_DIGITS_AS_NUL = str.maketrans(dict.fromkeys("0123456789", "\0"))
_LONG_RUN = "\0" * 309


def _float_sized(digits: str) -> int:
    """A JSON integer that a float can hold, else ValueError saying so."""
    value = int(digits)
    if abs(value) > sys.float_info.max:
        raise ValueError(f"the integer {digits[:20]}... ({len(digits)} digits) is too large for "
                         "any number a float can hold")
    return value

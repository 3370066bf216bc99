"""What counts as a prediction, and how it is stored: validated, atomic, hashed.

A prediction of one case is JSON data (a score, a label, any further fields; or a list,
as a COCO detector's results for its frame) or
files named ``prediction.<ext>`` (a mask ``prediction.nii.gz``, an ECG detector's WFDB
annotations ``prediction.qrs``, an EEG detector's EDF+ events ``prediction.edf``; boxes,
points, beats and events otherwise go in the JSON, as each task reads them), never both:
each task reads one of them, and the other would lie unread. The JSON
is checked (a finite number where a score is expected, no NaN anywhere) and written in
canonical form as ``predictions/<case_id>.json``; a file is stored as
``predictions/<case_id>.<ext>``. Every file is written under a temporary name and
renamed into place, so a reader never sees half of one; its SHA-256 goes into the run
log, and a resumed run trusts a file only if its bytes still have that hash.
Predictions are not flushed to disk one by one (a disk flush per case would cost more
than the runner's whole budget); the run ends by flushing the filesystem (``syncfs``),
and after a power cut the hashes tell which files to predict again.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._atomic import atomic_write
from .._canonical import canonical_json

__all__ = ["InvalidPrediction", "atomic_write", "normalize_prediction", "store_outputs"]

_FILE_NAME = re.compile(r"^prediction\.([A-Za-z0-9][A-Za-z0-9._-]{0,31})$")


class InvalidPrediction(Exception):
    """A prediction that breaks the contract; ``reason`` is the failure reason to record."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def normalize_prediction(value: Any) -> dict[str, Any] | list[Any] | None:
    """Check a prediction and return it as a dict or list (``None``: no JSON prediction).

    A number becomes ``{"score": number}``. A dict is kept as it is — the task checks its
    shape (a score, a label, beats, events, detections ...) — but ``"score"``, when
    present, must be a finite number or a list or dict of finite numbers (class
    probabilities), and no value anywhere may be NaN or infinite. A list is kept as it
    is too (the ``coco-detection`` task reads a COCO results list, ``[]`` when nothing is
    detected; another task fails it in the evaluation as ``invalid-output``), with no
    NaN or infinity anywhere.

    Raises
    ------
    InvalidPrediction
        With reason ``invalid-output`` and what is wrong.

    Examples
    --------
    >>> normalize_prediction(0.25)
    {'score': 0.25}
    >>> normalize_prediction({"score": float("nan")})
    Traceback (most recent call last):
    ...
    medeval.runner.predictions.InvalidPrediction: score is NaN or infinite (or too large)
    """
    if value is None:
        return None
    if _is_number(value):
        value = {"score": value}
    if isinstance(value, list):  # a COCO results list: the task checks its entries
        if not _finite(value):
            raise InvalidPrediction("invalid-output", "the prediction holds a NaN or infinity")
        return value
    if not isinstance(value, dict):
        raise InvalidPrediction("invalid-output", f"expected a score (number), a dict with "
                                f"'score' or 'label', or a list (COCO results), got "
                                f"{type(value).__name__}")
    if "score" in value:
        score = value["score"]
        numbers = (score if isinstance(score, list) else list(score.values())
                   if isinstance(score, dict) else [score])
        if not numbers or not all(_is_number(v) for v in numbers):
            raise InvalidPrediction("invalid-output",
                                    f"score must be a number (or numbers), got {score!r}"[:300])
        if not all(_within_float(v) for v in numbers):
            raise InvalidPrediction("invalid-output", "score is NaN or infinite (or too large)")
    if not value:
        raise InvalidPrediction("invalid-output", "the prediction is an empty object")
    if not _finite(value):
        raise InvalidPrediction("invalid-output", "the prediction holds a NaN or infinity")
    return {str(k): v for k, v in value.items()}


def _within_float(value: int | float) -> bool:
    """A finite float, or an integer a float can hold (``math.isfinite(10**400)`` raises)."""
    if isinstance(value, int):
        return -sys.float_info.max <= value <= sys.float_info.max
    return math.isfinite(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


def parse_json(data: bytes) -> Any:
    """Parse a ``prediction.json``; NaN and Infinity are refused."""

    def refuse(constant: str) -> Any:
        raise InvalidPrediction("invalid-output", f"prediction.json holds {constant}")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:  # JSON readers differ on which value of a repeated name they keep
            raise InvalidPrediction("invalid-output", "prediction.json names "
                                    f"{', '.join(map(repr, twice))} more than once")
        return dict(pairs)

    try:
        return json.loads(data, parse_constant=refuse, object_pairs_hook=unique)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPrediction("invalid-output",
                                f"prediction.json is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidPrediction("invalid-output", "prediction.json is nested too deeply "
                                "to be read") from None


def store_outputs(
    case_id: str,
    value: Any,
    files: Mapping[str, bytes],
    predictions_dir: Path,
    *,
    limit_bytes: int,
    value_from_file: bool,
) -> dict[str, str]:
    """Validate a case's prediction and store it; return ``{file name: sha256}``.

    Parameters
    ----------
    case_id : str
    value : JSON data or None
        What ``predict`` returned (a plugin); ignored for a command.
    files : Mapping of str to bytes
        The files the case wrote in its output directory, by name.
    predictions_dir : Path
        ``<run>/predictions``.
    limit_bytes : int
        Largest total size of the prediction (files, or the JSON).
    value_from_file : bool
        Take the JSON prediction from ``prediction.json`` (a command).

    Raises
    ------
    InvalidPrediction
        ``output-too-large`` or ``invalid-output``, with the detail.
    """
    by_ext: dict[str, bytes] = {}
    for name, data in files.items():
        match = _FILE_NAME.match(name)
        if not match:
            raise InvalidPrediction("invalid-output", f"unexpected file {name!r} in the "
                                    "output directory, which holds the prediction only "
                                    "(prediction.json or prediction.<ext>): write logs "
                                    "and scratch files to /tmp")
        by_ext[match.group(1)] = data
    total = sum(len(data) for data in files.values())
    if total > limit_bytes:
        raise InvalidPrediction("output-too-large", f"{total} bytes written, limit "
                                f"{limit_bytes}")
    if "json" in by_ext:
        if not value_from_file and value is not None:
            raise InvalidPrediction("invalid-output", "predict returned a value and also "
                                    "wrote prediction.json; do one or the other")
        value = parse_json(by_ext.pop("json"))
    elif value_from_file:
        value = None
    if value is not None and by_ext:
        raise InvalidPrediction("invalid-output", _two_predictions(
            sorted(f"prediction.{ext}" for ext in by_ext), value_from_file))
    try:
        prediction = normalize_prediction(value)
    except RecursionError:
        raise InvalidPrediction("invalid-output", "the prediction is nested too deeply to "
                                "be checked") from None
    named = prediction.get("case_id", case_id) if isinstance(prediction, dict) else case_id
    if named != case_id:
        raise InvalidPrediction("invalid-output", f"the prediction of case {case_id!r} "
                                f"names case {named!r}"[:300])
    if prediction is None and not by_ext:
        raise InvalidPrediction("invalid-output", (
            "no prediction: the command exited 0 but wrote no prediction.json (nor "
            "prediction.<ext>) in its output directory ($MEDEVAL_OUTPUT_DIR, {output} on "
            "its command line: /output in the sandbox)"
            if value_from_file else
            "no prediction: predict returned None and wrote no prediction.<ext> in "
            "case.output_dir; return the prediction, or write its file there (a file "
            "written anywhere else, in /tmp or the current folder, is not collected)"))
    stored: dict[str, str] = {}
    if prediction is not None:
        try:
            data = canonical_json({**prediction, "case_id": case_id}
                                  if isinstance(prediction, dict) else prediction)
        except RecursionError:
            raise InvalidPrediction("invalid-output", "the prediction is nested too "
                                    "deeply to be written") from None
        if len(data) > limit_bytes:
            raise InvalidPrediction("output-too-large", f"{len(data)} bytes of JSON, limit "
                                    f"{limit_bytes}")
        by_ext = {"json": data, **by_ext}
    for ext, data in by_ext.items():
        name = f"{case_id}.{ext}"
        atomic_write(predictions_dir / name, data, durable=False)
        stored[name] = hashlib.sha256(data).hexdigest()
    return stored


def _two_predictions(files: list[str], value_from_file: bool) -> str:
    """Why a case's JSON prediction beside a prediction file is refused: every task reads
    one of them (a segmentation its mask, an EEG task its JSON before an EDF+ file), and
    the other would be stored and never read, without a word."""
    named = ", ".join(files)
    return (f"the command wrote prediction.json and {named}; a case has one prediction, "
            "and the evaluation reads only one of them: write one" if value_from_file else
            f"predict returned a value and also wrote {named}; a case has one prediction, "
            "and the evaluation reads only one of them: return the value, or write the "
            "file and return None")


def sync_filesystem(path: Path) -> None:
    """Flush every written file of the filesystem holding ``path`` to disk (``syncfs``)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not Linux
        os.sync()
        return
    try:
        if libc.syncfs(descriptor) != 0:  # pragma: no cover
            os.sync()
    finally:
        os.close(descriptor)

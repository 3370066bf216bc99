"""ECG beats: QRS detection and beat classification per ANSI/AAMI EC57 (as ``bxb``).

The manifest has, per record, the WFDB header and signal as inputs (columns
``input_header`` and ``input_signal``, so the runner copies both) and the reference
annotation file (e.g. ``100.atr``) as ``reference``; rhythm labels and comments in it
are not beats. The prediction is ``<case_id>.json``: ``{"fs": Hz, "samples": [int, ...],
"symbols": ["N", "V", ...]}`` (all ``"N"`` without symbols); or, with the task parameter
``prediction_annotator`` (e.g. ``"qrs"``), the detector's own WFDB annotation file
``<case_id>.qrs`` in MIT format (a runner plugin writes it as ``prediction.qrs`` in its
``case.output_dir``), at its stated time resolution or else the record's. Each record
is compared with
:func:`medeval.metrics.ec57` (window and learning period from the protocol; other values
than 0.15 s and 300 s make the result non-standard, flagged).

Aggregation reports the *gross* statistics of EC57 (counts pooled over records) with
the protocol's proportion interval. The interval treats beats as independent, which they
are not within a record; the per-record (*average*) statistics are in the tables.
Failure policy ``worst-case``: a failed record detected no beat.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..errors import MedevalError, UndefinedMetricWarning
from ..manifest import Case
from ..stats.intervals import ProportionMethod, proportion_ci
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    metric_record,
    metric_scope,
    prediction_file,
)

__all__ = ["EcgBeats", "STATISTICS"]

#: The EC57 statistics reported, by the names criteria use.
STATISTICS = ("qrs_sensitivity", "qrs_ppv", "veb_sensitivity", "veb_ppv",
              "sveb_sensitivity", "sveb_ppv", "veb_fpr")


class EcgBeats:
    """The ``ecg-beats`` task type behind :func:`medeval.evaluate`."""

    type = "ecg-beats"
    reference_kind = "annotations"
    parallel = True
    reads_reference = True
    case_columns = tuple(f"{s}_{part}" for s in STATISTICS for part in ("num", "den")) + (
        "standard",)

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics

    def _reference(self, case: Case, root: Path) -> Any:
        from ..loaders import read_annotations

        try:
            return read_annotations(root / case.reference).beats()
        except MedevalError as exc:
            raise ReferenceProblem(f"case {case.case_id}: {exc}") from None

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the reference annotations cannot be read."""
        try:
            self._reference(case, root)
        except ReferenceProblem as exc:
            return str(exc)
        return None

    def _compare(self, reference: Any, samples: Any, symbols: Any, fs: float,
                 case_id: str) -> dict[str, Any]:
        from ..metrics.ecg import ec57

        with warnings.catch_warnings():  # a record's own undefined ratios do not matter
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            result = ec57(
                reference.samples, reference.symbol_array, samples, symbols,
                reference_fs=float(reference.fs), test_fs=fs, window_s=self.spec.window_s,
                learning_period_s=self.spec.learning_period_s, record_id=case_id,
            )
        values: dict[str, Any] = {}
        for name in STATISTICS:
            ratio = getattr(result, name)
            values[f"{name}_num"] = int(ratio.numerator)
            values[f"{name}_den"] = int(ratio.denominator)
        values["standard"] = bool(result.standard)
        return values

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Compare the detected beats with the reference beats of one record."""
        reference = self._reference(case, root)
        if self.spec.prediction_annotator:
            samples, symbols, fs = self._annotation_prediction(case, predictions, reference)
        else:
            samples, symbols, fs = self._json_prediction(case, predictions)
        try:
            return self._compare(reference, samples, symbols, fs, case.case_id)
        except MedevalError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}") from None

    def _annotation_prediction(self, case: Case, predictions: Path,
                               reference: Any) -> tuple[Any, Any, float]:
        """The beats of ``<case_id>.<annotator>``, at the file's own time resolution or,
        where it states none, the reference record's (a detector annotates the record)."""
        from ..loaders.wfdb import read_wfdb_annotations

        path = prediction_file(predictions, case.case_id, (f".{self.spec.prediction_annotator}",))
        try:
            found = read_wfdb_annotations(path, default_fs=float(reference.fs))
        except MedevalError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}") from None
        return found.samples, found.symbol_array, float(cast(float, found.fs))

    def _json_prediction(self, case: Case, predictions: Path) -> tuple[Any, Any, float]:
        data = read_json_prediction(case, predictions)
        try:
            fs = float(data["fs"])
            samples = np.asarray(data["samples"])  # ec57 refuses a fraction of a sample
            given = data.get("symbols")
            symbols = np.asarray(given) if given else np.full(samples.size, "N")
            if symbols.shape != samples.shape or not math.isfinite(fs) or fs <= 0:
                raise ValueError("symbols and samples differ in length, or fs is not > 0")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PredictionError(
                f"case {case.case_id}: the prediction must be {{\"fs\": Hz, \"samples\": [...], "
                f"\"symbols\": [...]}}: {exc}"
            ) from None
        return samples, symbols, fs

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No beat detected."""
        reference = self._reference(case, root)
        return self._compare(reference, np.zeros(0, np.int64), np.zeros(0, dtype="<U1"),
                             float(reference.fs), case.case_id)

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Gross EC57 statistics with proportion intervals; per-record averages in tables."""
        st = self.statistics
        metrics = []
        average: dict[str, Any] = {}
        for name in STATISTICS:
            num = sum(int(r.values[f"{name}_num"]) for r in rows)
            den = sum(int(r.values[f"{name}_den"]) for r in rows)
            # An undefined statistic (no VEB in the set) warns; evaluate() records it.
            with metric_scope(name):
                estimate = proportion_ci(num, den,
                                         method=cast(ProportionMethod, st.proportion_method),
                                         confidence=st.confidence)
            metrics.append(metric_record(name, f"ec57_{name}", estimate))
            per_record = [int(r.values[f"{name}_num"]) / int(r.values[f"{name}_den"])
                          for r in rows if int(r.values[f"{name}_den"]) > 0]
            average[name] = {"value": float(np.mean(per_record)) if per_record else math.nan,
                             "n_records": len(per_record)}
        standard = all(bool(r.values["standard"]) for r in rows)
        tables = {"ec57": {"gross": {m.name: {"numerator": m.estimate.numerator,
                                              "denominator": m.estimate.n}
                                     for m in metrics},
                           "average": average, "n_records": len(rows), "standard": standard,
                           "window_s": self.spec.window_s,
                           "learning_period_s": self.spec.learning_period_s}}
        return Aggregate(tuple(metrics), tables)

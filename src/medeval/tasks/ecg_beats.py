"""ECG beats: QRS detection and beat classification per ANSI/AAMI EC57 (as ``bxb``).

The manifest has, per record, the WFDB header and signal as inputs (columns
``input_header`` and ``input_signal``, so the runner copies both) and the reference
annotation file (e.g. ``100.atr``) as ``reference``; rhythm labels and comments in it
are not beats, and its ventricular flutter/fibrillation episodes (``[`` ... ``]``) are
left unscored, as ``bxb`` leaves them. The prediction is ``<case_id>.json``: ``{"fs":
Hz, "samples": [int, ...], "symbols": ["N", "V", ...]}`` (all ``"N"`` without symbols);
or, with the task parameter ``prediction_annotator`` (e.g. ``"qrs"``), the detector's
own WFDB annotation file ``<case_id>.qrs`` in MIT format (a runner plugin writes it as
``prediction.qrs`` in its ``case.output_dir``), at its stated time resolution or else
the record's. Each record is compared with :func:`medeval.metrics.ec57` (window and
learning period from the protocol; other values than 0.15 s and 300 s make the result
non-standard, flagged), up to the record's end as ``bxb`` reads it from the record's
header (frames / frame rate: the manifest's ``.hea`` input of the reference's record,
else of a multi-segment record, else the first, else the header beside the reference; 0
frames or none: no end; with no header, the length of an EDF/EDF+ input or reference:
data records x record duration): a beat after the end counts only as the later member of
a pair, so a detector's beats past the end of the signal are not false positives (the
aggregate's warnings count those past it by more than the window: a prediction's fs
other than its samples' rate puts them there; and the reference's beats past it, which
are not scored either: an annotation file longer than its record). The header's rate is
also the reference's time resolution when the annotation file states none and has no
header beside it (with no WFDB header, an EDF record's one signal rate). An EDF+
reference in a file of its own (annotations beside an EDF record) must start when the
record does (the date and time of the two headers), as its onsets count from its own
start; a plain EDF or BDF reference (no annotations channel) of no beat is refused.

Aggregation reports the *gross* statistics of EC57 (counts pooled over records: the
ratio of the summed numerators to the summed denominators), as PhysioNet's ``sumstats``
and :func:`medeval.metrics.ec57_summary` pool them. Each record's numerator and
denominator (the case columns ``<statistic>_num`` and ``_den``) are therefore
``sumstats``' counts of that record: the same as ``bxb``'s per-record counts except SVEB
+P, whose denominator leaves out F beats labelled S (``Ss / (Ss + Ns + Vs + Os)``; bxb's
per-record figure also counts Fs; the record's matrix in the tables has that cell).

The interval of a gross statistic, by default (task parameter ``interval =
"records"``), is a bootstrap that resamples whole records (or patients, as
``statistics.resampling_unit`` says) and recomputes the pooled ratio from those counts:
the beats of one record are not independent trials (a detector misses beats in runs, in
noisy stretches and unusual morphologies), so a binomial interval on the pooled beats
is too narrow. With one record (or one patient) there is nothing to resample and the
interval is undefined. ``interval = "beats"`` gives the protocol's proportion interval on
the pooled beat counts instead, treating every beat as independent (EC57 itself states no
interval). Failure policy ``worst-case``: a failed record detected no beat.

The table ``ec57`` holds the gross counts, the per-record (*average*) statistics, and
the beat-label matrices of ``bxb -S`` (reference class against detected class), pooled
and per record, as plain integers::

    "matrix": {
      "rows":    ["N", "S", "V", "F", "Q", "O"],   # reference class; O: no reference beat
      "columns": ["n", "s", "v", "f", "q", "o"],   # detected class;  o: no detected beat
      "pooled":  [[Nn, Ns, Nv, Nf, Nq, No], ..., [On, Os, Ov, Of, Oq, 0]],
      "records": {"<case_id>": [[...6 ints] x 6], ...}   # sorted by case id
    }

``pooled[i][j]`` counts reference beats of class ``rows[i]`` labelled ``columns[j]``;
row O holds extra detections, column o missed reference beats; cell (O, o) is always 0
(bxb has no such cell). ``pooled`` is the sum of ``records`` (every record, failed ones
with their failure policy's matrix), and every gross count above is a sum of its cells.
No shutdown row or column X (see :func:`medeval.metrics.ec57`).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import replace
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from .._validation import undefined
from ..errors import MedevalError, UndefinedMetricWarning
from ..manifest import Case
from ..stats.bootstrap import pooled_ratio_cis
from ..stats.estimate import Estimate
from ..stats.intervals import ProportionMethod, proportion_ci
from ._json_numbers import is_number, number, shown_json
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    TaskType,
    metric_record,
    prediction_file,
)

__all__ = ["EcgBeats", "STATISTICS"]

#: The EC57 statistics reported, by the names criteria use.
STATISTICS = ("qrs_sensitivity", "qrs_ppv", "veb_sensitivity", "veb_ppv",
              "sveb_sensitivity", "sveb_ppv", "veb_fpr")


#: A record's count columns: each statistic's numerator and denominator (the order in
#: which :func:`~medeval.metrics._ecg_input.sumstats_values` gives them).
_COUNT_COLUMNS = tuple(f"{s}_{part}" for s in STATISTICS for part in ("num", "den"))

#: The marks of a ventricular flutter episode's onset and end that a reference's beats
#: carry (``read_beats(..., vf_marks=True)``; :data:`medeval.loaders.wfdb.VF_MARKS`, not
#: imported with the task): no beat each.
_VF_MARKS = ("[", "]")


class EcgBeats(TaskType):
    """The ``ecg-beats`` task type behind :func:`medeval.evaluate`."""

    type = "ecg-beats"
    reference_kind = "annotations"
    parallel = True
    reads_reference = True
    case_columns = (*_COUNT_COLUMNS, "standard")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        # the records whose reference the checks found to hold no beat, with its marks
        self._beatless: list[tuple[str, int]] = []
        # ... and those whose reference has beats after the record's end, how many
        self._late: list[tuple[str, int, float, float]] = []

    def _reference(self, case: Case, root: Path) -> tuple[Any, float | None, float | None]:
        """The reference beats, the record's length in seconds (None: nothing states
        it) and its frame rate (None: no header states one). A record no longer than the
        learning period is the set's fault: nothing of it would be scored."""
        from ..loaders._mit_annotations import header_timing
        from ..loaders.signal import read_beats

        header = _header(case, root)
        fs, frames = header_timing(header)
        # the header beside the reference, if that is the one just read: the rate of an
        # annotation file stating none is not read from it again
        beside = header == _beside(case, root)
        # no WFDB header: an EDF record's one signal rate, which its samples count
        default_fs = fs if fs is not None else _edf_rate(case, root)
        try:
            beats = read_beats(root / case.reference, default_fs=default_fs, vf_marks=True,
                               beside_fs=fs if beside else None)
        except MedevalError as exc:
            raise ReferenceProblem(
                f"case {case.case_id}: {exc}{_no_rate(case, root, default_fs, exc)}") from None
        samples = cast("NDArray[np.int64]", beats.samples)
        falls = np.flatnonzero(np.diff(samples) < 0)
        if falls.size:  # a WFDB file (an EDF+ file's beats are sorted as read)
            k = int(falls[0])
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference}: its annotations are not "
                f"in time order ({falls.size} step(s) back, the first from sample "
                f"{int(samples[k])} to {int(samples[k + 1])}): write the "
                "annotations sorted by time (wfdb.wrann refuses them otherwise)")
        if not len(beats.symbol_array) and (plain := _plain_edf(root / case.reference)):
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference} is plain {plain}, which "
                "holds no annotations (only EDF+ and BDF+ do): give the beats as EDF+ "
                "annotations or a WFDB annotation file")
        length = None if fs is None or frames is None else frames / fs
        if length is None:  # an EDF/EDF+ record (or reference) states its length
            length = _edf_length(case, root)
            late = _start_mismatch(case, root)
            if late:
                raise ReferenceProblem(f"case {case.case_id}: {late}")
        if length is not None and length <= self.spec.learning_period_s:
            raise ReferenceProblem(
                f"case {case.case_id}: the record lasts {length:g} s, no longer than the "
                f"learning period of {self.spec.learning_period_s:g} s: none of its beats "
                "would be scored; leave it out of the set or shorten learning_period_s")
        return beats, length, fs

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the reference annotations cannot be read, or the record is no
        longer than the learning period."""
        try:
            reference, length_s, _ = self._reference(case, root)
        except ReferenceProblem as exc:
            return str(exc)
        beatless = _beatless(reference)
        if beatless is not None:
            self._beatless.append((case.case_id, beatless))
        late = _reference_past_end(reference, length_s, self.spec.window_s)
        if late:
            self._late.append((case.case_id, *late))
        return None

    def reference_warnings(self) -> tuple[str, ...]:
        """The records checked so far whose reference holds no beat, or beats after the
        record's end."""
        return _beatless_warning(self._beatless) + _reference_past_end_warning(self._late)

    def _compare(self, reference: Any, samples: Any, symbols: Any, fs: float,
                 case_id: str, length_s: float | None) -> dict[str, Any]:
        from ..metrics._ecg_input import sumstats_values
        from ..metrics.ecg import ec57

        with warnings.catch_warnings():  # a record's own undefined ratios do not matter
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            result = ec57(
                reference.samples, reference.symbol_array, samples, symbols,
                reference_fs=float(reference.fs), test_fs=fs, window_s=self.spec.window_s,
                learning_period_s=self.spec.learning_period_s, duration_s=length_s,
                record_id=case_id,
            )
        # The record's counts as sumstats pools them (ec57_summary's gross counts of the
        # one record): bxb's own per-record SVEB +P counts F beats labelled S (Fs) as
        # false positives, sumstats' gross and average figures do not.
        values: dict[str, Any] = dict(zip(_COUNT_COLUMNS, sumstats_values(result.matrix)))
        values["standard"] = bool(result.standard)
        values["matrix"] = cast("list[list[int]]", result.matrix.tolist())
        return values

    def case_files(self, case: Case, root: Path, predictions: Path) -> tuple[tuple[str, int], ...]:
        """The reference annotations, the record's header (its rate and length) and the
        prediction, which :meth:`score_case` reads."""
        reference = os.path.join(root, case.reference)
        suffix = (f".{self.spec.prediction_annotator}" if self.spec.prediction_annotator
                  else ".json")
        return ((reference, 0), (_header(case, root), 0),
                (os.path.join(predictions, f"{case.case_id}{suffix}"), 0))

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Compare the detected beats with the reference beats of one record."""
        reference, length_s, frame_fs = self._reference(case, root)
        if self.spec.prediction_annotator:
            # the record's rate: its header's, else its EDF input's (_record_rate)
            record_fs = frame_fs or _record_rate(case, root, reference)
            samples, symbols, fs = self._annotation_prediction(case, predictions, record_fs, root)
        else:
            samples, symbols, fs = self._json_prediction(case, predictions)
        try:
            values = self._compare(reference, samples, symbols, fs, case.case_id, length_s)
        except MedevalError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}") from None
        late = _past_end(samples, fs, length_s, self.spec.window_s)
        if late:
            values["past_end"] = late
        else:
            pace = _pace(samples, fs, reference)
            if pace is not None:
                values["pace"] = pace
        return self._with_reference_facts(values, reference, length_s)

    def _with_reference_facts(self, values: dict[str, Any], reference: Any,
                              length_s: float | None) -> dict[str, Any]:
        """The record's values with what its reference's reading found: texts read as
        no beat, no beat at all (:func:`_with_unread_texts`), beats after the record's
        end (``"reference_past_end"``, :func:`_reference_past_end`)."""
        late = _reference_past_end(reference, length_s, self.spec.window_s)
        if late:
            values["reference_past_end"] = late
        return _with_unread_texts(values, reference)

    def _annotation_prediction(self, case: Case, predictions: Path, record_fs: float | None,
                               root: Path) -> tuple[Any, Any, float]:
        """The beats of ``<case_id>.<annotator>``, at the file's own time resolution or,
        where it states none, the record's frame rate (as ``wfdb.rdann`` reads it from
        the header: a detector annotates the record; else an EDF record's one signal rate,
        else the reference's resolution: :func:`_record_rate`)."""
        from ..loaders.wfdb import read_wfdb_arrays

        path = prediction_file(predictions, case.case_id, (f".{self.spec.prediction_annotator}",))
        try:
            found = read_wfdb_arrays(path, default_fs=record_fs)
        except MedevalError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}"
                                  f"{_no_rate(case, root, record_fs, exc)}") from None
        return found.samples, found.symbol_array, float(cast(float, found.fs))

    def _json_prediction(self, case: Case, predictions: Path) -> tuple[Any, Any, float]:
        data = read_json_prediction(case, predictions)
        if not isinstance(data, dict):  # a list (a plugin's may be stored as it is) or text
            got = (f"a list of {len(data)} value(s)" if isinstance(data, list)
                   else repr(data)[:60])
            raise PredictionError(
                f"case {case.case_id}: the prediction must be {{\"fs\": Hz, \"samples\": "
                f"[...], \"symbols\": [...]}}, an object; got {got}")
        try:
            fs = number(data["fs"], name="fs")  # not "360", not true
            if not math.isfinite(fs) or fs <= 0:
                raise ValueError(f"fs is {fs!r}, not > 0")
            samples = _flat_numbers(data["samples"])  # ec57 refuses a fraction of a sample
            given = data.get("symbols")
            # no symbols: every beat N; an empty list is 0 symbols, not "none given"
            symbols = np.full(samples.size, "N") if given is None else np.asarray(given)
            if symbols.shape != samples.shape:
                raise ValueError(f"{len(given)} symbols for {samples.size} samples" if
                                 isinstance(given, list) else "symbols is not a list")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PredictionError(
                f"case {case.case_id}: the prediction must be {{\"fs\": Hz, \"samples\": [...], "
                f"\"symbols\": [...]}}: {exc}"
            ) from None
        return samples, symbols, fs

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No beat detected."""
        reference, length_s, _ = self._reference(case, root)
        values = self._compare(reference, np.zeros(0, np.int64), np.zeros(0, dtype="<U1"),
                               float(reference.fs), case.case_id, length_s)
        return self._with_reference_facts(values, reference, length_s)

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Gross EC57 statistics with their intervals (records resampled, or beats as
        binomial trials: ``interval``); per-record averages in tables."""
        counts = _counts(rows)  # (record, statistic, numerator/denominator)
        # An undefined statistic (no VEB in the set) says why in its note.
        estimates = self._gross(counts, clusters)
        metrics = [metric_record(name, f"ec57_{name}", estimate)
                   for name, estimate in zip(STATISTICS, estimates)]
        gross: dict[str, Any] = {}
        average: dict[str, Any] = {}
        for j, name in enumerate(STATISTICS):
            num, den = (int(total) for total in counts[:, j].sum(axis=0))
            gross[name] = {"numerator": num, "denominator": den}
            scored = counts[counts[:, j, 1] > 0, j]
            average[name] = {
                "value": float(np.mean(scored[:, 0] / scored[:, 1])) if scored.size else math.nan,
                "n_records": int(scored.shape[0])}
        standard = all(r.values["standard"] for r in rows)
        tables = {"ec57": {"gross": gross, "gross_interval": self.spec.interval,
                           "average": average, "n_records": len(rows), "standard": standard,
                           "window_s": self.spec.window_s,
                           "learning_period_s": self.spec.learning_period_s,
                           "matrix": _matrices(rows)}}
        beatless = [(row.case_id, row.values["beatless"]) for row in rows
                    if row.values.get("beatless") is not None]
        return Aggregate(tuple(metrics), tables, case_facts=_beatless_warning(beatless)
                         + _unread_warning(rows) + _reference_past_end_warning(
                             [(row.case_id, *row.values["reference_past_end"]) for row in rows
                              if row.values.get("reference_past_end")])
                         + _past_end_warning(rows) + _pace_warning(rows))

    def _gross(self, counts: NDArray[np.int64], clusters: Sequence[str] | None
               ) -> list[Estimate]:
        """Each pooled ratio sum(numerators) / sum(denominators) over records, with its
        interval: records (or patients) resampled, or the pooled beats as binomial trials.
        The statistics resampled share one set of resamples (:func:`pooled_ratio_cis`:
        each interval the one a bootstrap of that statistic alone gives, to the bit)."""
        st = self.statistics
        totals = [(int(num), int(den)) for num, den in counts.sum(axis=0)]
        if self.spec.interval == "beats":
            return [proportion_ci(num, den, method=cast(ProportionMethod, st.proportion_method),
                                  confidence=st.confidence) for num, den in totals]
        estimates: list[Estimate | None] = []
        for _, den in totals:
            if den:
                estimates.append(None)
                continue
            note = (f"gross statistic: 0/0 over {counts.shape[0]} record(s), so it is "
                    "undefined; the estimate and its interval are NaN")
            nan = undefined(note)
            estimates.append(Estimate(nan, nan, nan, f"bootstrap-{st.bootstrap_method}",
                                      st.confidence, int(counts.shape[0]), note=note))
        defined = [j for j, estimate in enumerate(estimates) if estimate is None]
        if defined:
            resampled = pooled_ratio_cis(
                counts[:, defined, 0], counts[:, defined, 1], seed=st.seed,
                method=st.bootstrap_method, confidence=st.confidence,
                n_resamples=st.n_resamples,
                clusters=None if clusters is None else np.asarray(clusters))
            for j, estimate in zip(defined, resampled):
                num, den = totals[j]
                estimates[j] = replace(estimate, value=num / den)  # the gross statistic exactly
        return [estimate for estimate in estimates if estimate is not None]


def _with_unread_texts(values: dict[str, Any], reference: Any) -> dict[str, Any]:
    """The record's values, with (for an EDF+ reference) the annotation texts that are
    no WFDB annotation code and so were not read as beats: ``"unread"``, (text, count)
    pairs, most frequent first, as the reference's reading found them
    (:func:`~medeval.loaders.signal.read_beats`' ``other_texts``: the file is not read
    again). A WFDB file holds codes only; EDF+ holds free text ("Normal beat" is no beat
    symbol, and was not counted as one). For a reference of no beat, ``"beatless"``: the
    flutter marks it holds (:func:`_beatless`)."""
    if reference.other_texts:
        values["unread"] = reference.other_texts
    beatless = _beatless(reference)
    if beatless is not None:
        values["beatless"] = beatless
    return values


def _beatless(reference: Any) -> int | None:
    """How many flutter marks a reference of no beat holds (0: none at all); None where
    it holds a beat."""
    symbols = reference.symbol_array
    if symbols.size and symbols[0] not in _VF_MARKS:
        return None  # a record's first annotation tells most records apart at once
    return None if not np.isin(symbols, _VF_MARKS).all() else len(symbols)


def _past_end(samples: Any, fs: float, length_s: float | None, window_s: float
              ) -> tuple[int, float, float] | None:
    """The detections that lie after the record's end by more than the match window
    (bxb scores none of them: they pair with no beat of the record), as (how many, the
    last one's time in seconds, the record's length); None where there are none or no
    length is known."""
    if length_s is None or not len(samples):
        return None
    times = np.asarray(samples, dtype=np.float64) / fs
    late = int(np.count_nonzero(times > length_s + window_s))
    return (late, float(times.max()), float(length_s)) if late else None


def _reference_past_end(reference: Any, length_s: float | None, window_s: float
                        ) -> tuple[int, float, float] | None:
    """The reference's beats that lie after the record's end by more than the match
    window, as (how many, the last one's time in seconds, the record's length); None
    where there are none or no length is known. ``bxb`` compares up to the record's end,
    so they are scored neither as found nor as missed: right for a beat annotated in the
    record's last instant, and the sign of an annotation file longer than its record (the
    signal cut short and its annotations not, a header stating fewer frames, another
    record's file) when they are many."""
    if length_s is None or not len(reference.samples):
        return None
    from ..metrics._ecg_input import is_beat

    beats = is_beat(reference.symbol_array)
    times = np.asarray(reference.samples, dtype=np.float64)[beats] / float(reference.fs)
    late = int(np.count_nonzero(times > length_s + window_s))
    return (late, float(times.max()), float(length_s)) if late else None


def _reference_past_end_warning(found: Sequence[tuple[str, int, float, float]]
                                ) -> tuple[str, ...]:
    """The word on reference beats after their record's end, as (case id, how many, the
    last one's time, the record's length) per record, ten shown: their record's figures
    leave them out, as bxb does."""
    if not found:
        return ()
    return (f"{sum(n for _, n, _, _ in found)} reference beat(s) in {len(found)} record(s) "
            "lie after the record's end and were not scored, as bxb leaves them (an "
            "annotation file longer than its record: the signal cut short and not its "
            "annotations, a header stating fewer frames, another record's file): "
            f"{_records_past_end(found)}",)


def _records_past_end(found: Sequence[tuple[str, int, float, float]]) -> str:
    """'c1: 3, the last at 1805.2 s of 600 s; ...' for the first ten records (the count
    of all after them)."""
    shown = "; ".join(f"{case_id}: {n}, the last at {last:.6g} s of {length:.6g} s"
                      for case_id, n, last, length in found[:10])
    return shown + (f"; ... ({len(found)} records)" if len(found) > 10 else "")


def _past_end_warning(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """The aggregate's word on detections after their record's end (ten records shown):
    many of them is the sign of a prediction whose fs is not its samples' rate."""
    found = [(row.case_id, *row.values["past_end"]) for row in rows
             if row.values.get("past_end")]
    if not found:
        return ()
    return (f"{sum(n for _, n, _, _ in found)} detected beat(s) in {len(found)} record(s) lie "
            "after the record's end and were not scored, as bxb leaves them (a prediction "
            "whose fs is not the rate of its samples puts beats there): "
            f"{_records_past_end(found)}",)


#: The detected beats' median interval over the reference's outside which a record is
#: warned of (a fifth shorter, a quarter longer): fs 500 given for samples at 360 Hz
#: makes it 0.72, a heart rate's own beat-to-beat changes keep it near 1.
_PACE = (0.8, 1.25)


def _pace(samples: Any, fs: float, reference: Any) -> float | None:
    """The median interval between detected beats over that between the reference's
    beats, both in seconds, where it lies outside :data:`_PACE` and each has ten beats or
    more; else None. A prediction whose fs is not its samples' rate scales every beat
    time by their ratio: fs too high crowds the beats into the record's first part (each
    then matches nothing), too low spreads them past its end (:func:`_past_end`)."""
    if len(samples) < 10 or len(reference.samples) < 10:
        return None
    detected = _median_interval(samples, fs)
    annotated = _median_interval(reference.samples, float(reference.fs))
    if detected is None or annotated is None:
        return None
    ratio = detected / annotated
    return None if _PACE[0] <= ratio <= _PACE[1] else ratio


def _median_interval(samples: Any, fs: float) -> float | None:
    """The median of the positive intervals between beats (in time order), in seconds;
    None where there is none.

    Taken on the sample numbers' own differences (integers, as a record's beats come),
    each divided by ``fs`` only once chosen: dividing by a positive rate keeps their
    order, so the middle ones are the same and each is the same float as the median of
    the intervals in seconds (``np.median(np.diff(samples / fs))``, its middle two
    averaged after division) -- a record's thousand intervals are not all divided.

    >>> beats = np.array([0, 300, 300, 590, 900, 1200])  # a beat given twice: interval 0
    >>> _median_interval(beats, 360.0) == float(np.median(np.diff(beats)[[0, 2, 3, 4]] / 360))
    True
    """
    values = np.asarray(samples)
    if values.size < 2:
        return None
    if values.dtype.kind == "u":  # differences of unsigned numbers out of order wrap round
        values = values.astype(np.int64)
    gaps = values[1:] - values[:-1]  # np.diff, without its own checks
    if not gaps.min() > 0:  # beats given twice, or out of order (most come sorted); NaN
        if not gaps.min() >= 0:
            gaps = np.diff(np.sort(values.astype(np.float64)))
        gaps = gaps[gaps > 0]
        if not gaps.size:
            return None
    k = gaps.size // 2
    if gaps.size % 2:
        return float(np.partition(gaps, k)[k]) / fs
    part = np.partition(gaps, (k - 1, k))
    return (float(part[k - 1]) / fs + float(part[k]) / fs) / 2


def _pace_warning(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """The aggregate's word on records whose detected beats come at another pace than
    their reference beats (ten records shown)."""
    found = [(row.case_id, row.values["pace"]) for row in rows if row.values.get("pace")]
    if not found:
        return ()
    shown = "; ".join(f"{case_id}: {ratio:.3g}x" for case_id, ratio in found[:10])
    more = f"; ... ({len(found)} records)" if len(found) > 10 else ""
    return (f"in {len(found)} record(s) the detected beats' median interval is not the "
            "reference beats' (detected over reference): "
            f"{shown}{more}; a prediction whose fs is not the rate of its samples scales "
            "every beat time so (fs 500 given for samples at 360 Hz: 0.72x), and its beats "
            "then match none of the reference's; double detections halve the interval, "
            "missed beats lengthen it",)


def _beatless_warning(found: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    """The word on records whose reference holds no beat, as (case id, the flutter marks
    it holds), ten shown: their QRS sensitivity is 0/0 and each detection a false
    positive, right for a record of ventricular fibrillation alone (MIT-BIH's VF
    database annotates rhythms only), and the sign of a file that is no beat annotation
    file (a seizure or rhythm file given in its place), which scores on unrefused."""
    if not found:
        return ()
    shown = "; ".join(f"{case_id}" + (f" ({marks} flutter mark(s) [ ])" if marks else "")
                      for case_id, marks in found[:10])
    more = f"; ... ({len(found)} records)" if len(found) > 10 else ""
    return (f"{len(found)} record(s) whose reference holds no beat annotation, so each "
            "detected beat there counts as a false positive and none can be missed: "
            f"{shown}{more}; if a reference is not the record's beat annotation file (a "
            "seizure, rhythm or sleep-stage file in its place), give the beat "
            "annotations",)


def _unread_warning(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """The aggregate's word on EDF+ reference annotations that were not read as beats,
    per record (ten records at most, five texts each)."""
    found = [(row.case_id, row.values["unread"]) for row in rows if row.values.get("unread")]
    if not found:
        return ()
    shown = []
    for case_id, texts in found[:10]:
        listed = ", ".join(f"{text!r} ({n})" for text, n in texts[:5])
        more = f", ... ({len(texts)} texts)" if len(texts) > 5 else ""
        shown.append(f"{case_id}: {sum(n for _, n in texts)}, {listed}{more}")
    more = f"; ... ({len(found)} records)" if len(found) > 10 else ""
    return ("EDF+ reference annotations whose text is no WFDB annotation code were not read "
            "as beats (the beats are the annotations written as WFDB beat symbols, N, V, A, "
            f"...; map other texts to them if they are beats): {'; '.join(shown)}{more}",)


def _flat_numbers(values: Any) -> NDArray[Any]:
    """A JSON list of numbers as a 1-D array, or ``ValueError`` naming the first entry
    that is not a number (a nested list, a string, true)."""
    if not isinstance(values, list):
        raise ValueError(f"samples is {type(values).__name__}, not a list of sample numbers")
    array = np.asarray(values) if values else np.zeros(0, np.int64)
    # numpy reads true as 1 (false as 0) among numbers: a type check of the list finds
    # it, needed only where the array holds a 0 or 1 (10 us per 750 beats saved otherwise)
    if array.ndim == 1 and array.dtype.kind in "iuf" and not (
            (array <= 1).any() and bool in set(map(type, values))):
        return array
    # an int beyond 64 bits makes the array one of objects
    k = next((k for k, v in enumerate(values) if not is_number(v) or abs(v) >= 2**63), 0)
    raise ValueError(f"samples entry {k} is {shown_json(values[k])}, not a sample number")


def _header(case: Case, root: Path) -> str:
    """The record's WFDB header: of the manifest's inputs ending in ``.hea``, the one of
    the reference's record (``100.atr``: ``100.hea``), else a multi-segment record's own
    (``100/2 ...`` on its record line: its segments' headers are inputs too, and may come
    first), else the first; with no such input, the header beside the reference."""
    beside = _beside(case, root)
    headers = [name for name in case.inputs if name.lower().endswith(".hea")]
    record = os.path.basename(beside)[:-4]
    for name in headers:
        if os.path.basename(name)[:-4] == record:
            return os.path.join(root, name)
    from ..loaders._wfdb_header import multi_segment

    segmented = [name for name in (headers if len(headers) > 1 else ())
                 if multi_segment(os.path.join(root, name))]
    if len(segmented) == 1:
        return os.path.join(root, segmented[0])
    return os.path.join(root, headers[0]) if headers else beside


def _beside(case: Case, root: Path) -> str:
    """The path of the WFDB header beside the reference (``100.hea`` for ``100.atr``)."""
    return f"{os.path.join(root, case.reference).rpartition('.')[0]}.hea"


def _plain_edf(path: Path) -> str | None:
    """``"EDF"`` or ``"BDF"`` where the file is one without the EDF+/BDF+ annotations
    channel (its header's reserved field), which holds no annotation; else None. Read
    only for a reference of no beat at all."""
    from ..loaders._files import EDF_VERSIONS

    try:
        with open(path, "rb") as handle:
            head = handle.read(197)
    except OSError:
        return None
    if head[:8] not in EDF_VERSIONS or len(head) < 197 or head[192:196] in (b"EDF+", b"BDF+"):
        return None
    return "EDF" if head[:1] == b"0" else "BDF"


def _start_mismatch(case: Case, root: Path) -> str | None:
    """Why an EDF+ reference in a file of its own (annotations beside the record) does
    not start when the case's EDF input does, if it does not (the date and time of the
    two headers): its onsets count from its own start, the detections from the record's.
    None where the reference is an input itself, is not EDF, or no input is EDF."""
    from ..loaders.edf import edf_start, first_edf_start, shown_start

    if case.reference in case.inputs:
        return None
    start = edf_start(root / case.reference)  # unreadable: said by the beats' reading
    found = None if start is None else first_edf_start(root, case.inputs)
    if start is None or found is None or found[1] == start:
        return None
    name, record = found
    return (f"reference {case.reference} starts at {shown_start(start)}, its record "
            f"{name} at {shown_start(record)}: the reference's onsets count from its own "
            "start, the detections from the record's; write the reference with the record's "
            "start date and time")


def _edf_rate(case: Case, root: Path) -> float | None:
    """The one signal rate of the case's EDF/BDF inputs (none where they hold several:
    :func:`~medeval.loaders.edf.record_rate`), else None: the rate at which a detector
    run on that record counts its samples."""
    from ..loaders.edf import record_rate

    return record_rate(root, case.inputs)


def _record_rate(case: Case, root: Path, reference: Any) -> float | None:
    """The rate a detector run on a record of no WFDB header counts its samples at: the
    one signal rate of the case's EDF/BDF input (none where its signals are at several
    rates: which one is not assumed), not the reference's time resolution, which a record
    resampled for the detector does not share; with no EDF input, the reference's, unless
    those are an EDF+ file's onsets in microseconds (no one signal rate)."""
    from ..loaders.edf import record_rate, several_rates
    from ..loaders.signal import EDF_ONSET_RATE

    if several_rates(root, case.inputs):
        return None
    found = record_rate(root, case.inputs)  # (an annotation-only EDF+ input holds none)
    if found is not None:
        return found
    return None if reference.fs == EDF_ONSET_RATE else float(reference.fs)


def _no_rate(case: Case, root: Path, default_fs: float | None, exc: Exception) -> str:
    """Why an annotation file stating no time resolution had none to be read at, where
    the case's EDF record holds signals at several rates (its advice to put a WFDB header
    beside the file is no help to an EDF record), else nothing."""
    from ..loaders.edf import several_rates

    if default_fs is not None or "states no sampling frequency" not in str(exc):
        return ""
    return several_rates(root, case.inputs)


def _edf_length(case: Case, root: Path) -> float | None:
    """The length in seconds of the case's first input (or else its reference) that is
    an EDF/BDF file stating one (data records x record duration), else None."""
    from ..loaders.edf import edf_duration_s

    for name in (*case.inputs, case.reference):
        try:
            found = edf_duration_s(root / name)
        except (OSError, MedevalError):
            continue  # unreadable: the input's or the reference's own check says why
        if found is not None and found[0] > 0:
            return found[0]
    return None


def _counts(rows: Sequence[CaseRow]) -> NDArray[np.int64]:
    """The records' counts, shape (records, statistics, 2): numerator and denominator of
    each statistic, in the order of ``STATISTICS``."""
    read = itemgetter(*(f"{name}_{part}" for name in STATISTICS for part in ("num", "den")))
    values = np.fromiter(chain.from_iterable(read(r.values) for r in rows), dtype=np.int64,
                         count=len(rows) * len(STATISTICS) * 2)
    return values.reshape(len(rows), len(STATISTICS), 2)


def _matrices(rows: Sequence[CaseRow]) -> dict[str, Any]:
    """The N/S/V/F/Q matrices as plain JSON: labels, the pooled sum, and each record's
    (sorted by case id; a failed record's is its failure policy's, as in the pooling).

    A record's matrix is its own list of lists of ints, as the comparison of the record
    made it (not copied: 36 ints a record); other numbers are made whole ints."""
    from ..metrics.ecg import EC57_CLASSES

    size = len(EC57_CLASSES)
    ordered = sorted(rows, key=attrgetter("case_id"))
    matrices = np.array([r.values["matrix"] for r in ordered]).reshape(len(ordered), size, size)
    if matrices.dtype.kind == "i":
        records = {r.case_id: r.values["matrix"] for r in ordered}
    else:
        matrices = matrices.astype(np.int64)
        records = dict(zip((r.case_id for r in ordered), matrices.tolist()))
    return {"rows": list(EC57_CLASSES), "columns": [c.lower() for c in EC57_CLASSES],
            "pooled": matrices.sum(axis=0).tolist(), "records": records}

"""EEG events (seizures): detected intervals against reference intervals, SzCORE rules.

The manifest's ``reference`` is a JSON file ``{"duration_s": D, "events": [[start_s,
end_s], ...]}`` (an empty list for a recording without seizure; ``duration_s`` may be
left out where the input is an EDF file), or a WFDB annotation file whose ``[`` and
``]`` annotations open and close each event (CHB-MIT's ``<record>.edf.seizures``; its
length from the EDF input; a file holding annotations but no such mark, such as rhythm
changes ``+ (AFIB``, is refused, not read as no event); the prediction is ``<case_id>.json`` holding
``{"events": [[start_s, end_s], ...]}``, or ``<case_id>.edf``, an EDF+ file whose
annotations are the detected events (onset and duration in its TALs, counted from the
recording's start: the two headers' start date and time must agree; an annotation
without a duration fails the case; both a ``.json`` and a ``.edf`` of one case fail
it, as two predictions). Which annotations are events the protocol's ``[task]
event_annotations`` says (their texts, surrounding spaces aside, in Unicode NFC): the
others are left out and the aggregate's warnings count them by text; without it, a file whose
annotations hold more than one text fails its case (a hypnogram's "Sleep stage W",
"Sleep stage 1", ... were scored as 288 seizures), one of a single text is read whole.
Each
recording is scored with :func:`medeval.metrics.event_scoring` and the protocol's SzCORE
parameters. A detected event that starts within the recording and ends after it is cut
at its end, as timescoring's masks cut it (a detector's last window often reaches past
the signal), and the aggregate's warnings count them; one starting at or after the end
fails the case (times in samples or milliseconds end so).

The reference's ``duration_s`` is checked against the case's first input that is an
EDF/EDF+/BDF file stating its length (its header's data records x record duration), or
else its first WFDB header input stating one (frames / frame rate; a multi-segment
record's own header before its segments'): it must end within
that file's last data record (or frame), else the set is refused (the false alarms per
24 h are counted over it). Without ``duration_s`` the reference takes that length.

Aggregation pools the recordings (TP, FP, reference events and durations summed):
sensitivity, precision, F1 and false alarms per 24 h, with bootstrap intervals that
resample whole recordings (or patients) — events of one recording are not independent.
Failure policy ``worst-case``: a failed recording detected nothing (its seizures missed,
no false alarm), and its time is not counted in the false alarms per 24 h (which it
would lower: the figure is over the recordings scored, as with the failed ones excluded).
"""

from __future__ import annotations

import json
import math
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._text_offsets import where_utf8_stops
from ..errors import MedevalError, UndefinedMetricWarning
from ..loaders._files import EDF_VERSIONS
from ..manifest import Case
from ..metrics.events import event_scoring
from ..stats.estimate import Estimate
from ._json_numbers import number, number_rows
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    TaskType,
    bootstrap_estimate,
    metric_record,
    prediction_file,
    prediction_named,
)

__all__ = ["EegEvents"]

_DAY_S = 86400.0

#: Why a pooled ratio is undefined (its denominator 0).
_UNDEFINED = {
    "sensitivity": "no reference event (TP + FN = 0)",
    "precision": "no detected event (TP + FP = 0)",
    "f1": "no reference and no detected event (2 TP + FP + FN = 0)",
    # every recording failed: a failed recording's time is not counted (see aggregate)
    "fp_per_24h": "no recording time scored (0 s)",
}


class EegEvents(TaskType):
    """The ``eeg-events`` task type behind :func:`medeval.evaluate`."""

    type = "eeg-events"
    reference_kind = "file"
    parallel = True
    reads_reference = True
    case_columns = ("duration_s", "n_reference", "n_hypothesis", "tp", "fp")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics

    def _reference(self, case: Case, root: Path) -> tuple[float, NDArray[np.float64]]:
        path = root / case.reference
        duration: float | None = None
        if path.suffix.lower() == ".json":
            raw = b""
            try:
                raw = path.read_bytes()
                data = json.loads(raw.decode("utf-8-sig"))  # a BOM: Windows
                given = data["duration_s"] if "duration_s" in data else None
                duration = None if given is None else number(given, name="duration_s")
                events = _event_pairs(data["events"])
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise ReferenceProblem(
                    f"case {case.case_id}: reference {path} must be JSON {{\"duration_s\": "
                    f"number, \"events\": [[start_s, end_s], ...]}}: {_why(exc, raw)}"
                ) from None
        else:
            events = _wfdb_events(case, path, root)
        recording = _recording(case, root)
        if isinstance(recording, str):
            raise ReferenceProblem(f"case {case.case_id}: reference {case.reference}: {recording}")
        if duration is None:
            if recording is None:
                missing, remedy = (
                    ("has no \"duration_s\"", "give duration_s")
                    if path.suffix.lower() == ".json" else
                    ("states no length", "give the reference as JSON {\"duration_s\": ..., "
                     "\"events\": [[start_s, end_s], ...]} (a WFDB file cannot hold one)"))
                from ..loaders.edf import edf_discontinuous

                gapped = next((name for name in case.inputs
                               if edf_discontinuous(root / name)), None)
                if gapped:  # an EDF input, but its header states no one length
                    raise ReferenceProblem(
                        f"case {case.case_id}: reference {path} {missing}, and its input "
                        f"{gapped} is discontinuous (EDF+D or BDF+D: gaps between its data "
                        "records), so its header states no one length: export the recording "
                        f"as one continuous file (EDF+C, BDF+C), or {remedy}")
                blank = _annotations_only(case, root)
                if blank:  # an EDF+ of no signal: a hypnogram, an events file
                    raise ReferenceProblem(
                        f"case {case.case_id}: reference {path} {missing}, and its input "
                        f"{blank} is an annotation-only EDF+ (no signal; its header states "
                        "0 s), not the recording: list the recording's EDF file as the "
                        f"input, or {remedy}")
                raise ReferenceProblem(
                    f"case {case.case_id}: reference {path} {missing} and no input of the "
                    f"case is an EDF/BDF file or a WFDB header stating its length: {remedy}")
            _events_within(case, events, *recording)
            return recording[0], events
        problem = None if recording is None else _length_problem(duration, *recording)
        if problem:
            raise ReferenceProblem(f"case {case.case_id}: reference {case.reference}: {problem}")
        return duration, events

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the reference (JSON or WFDB marks) cannot be read or scored (its
        events must lie within its duration, each ending after it starts), or its
        duration_s is not its EDF input's length, or no length is stated at all."""
        try:
            self._scored_alone(case, *self._reference(case, root))
        except ReferenceProblem as exc:
            return str(exc)
        return None

    def _score(self, reference: NDArray[np.float64], hypothesis: NDArray[np.float64],
               duration: float) -> Any:
        """Per-recording counts; a recording's own undefined ratios do not matter here."""
        s = self.spec
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            return event_scoring(
                reference, hypothesis, duration_s=duration,
                tolerance_start_s=s.tolerance_start_s, tolerance_end_s=s.tolerance_end_s,
                min_overlap=s.min_overlap, max_event_duration_s=s.max_event_duration_s,
                min_gap_s=s.min_gap_s,
            )

    def _scored_alone(self, case: Case, duration: float, reference: NDArray[np.float64]) -> Any:
        """The reference scored against no detection; its faults are the set's."""
        try:
            return self._score(reference, np.zeros((0, 2)), duration)
        except MedevalError as exc:
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference}: {exc}") from None

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Score one recording."""
        duration, reference = self._reference(case, root)
        found = prediction_file(predictions, case.case_id, (".json", ".edf"))
        if found.suffix.lower() == ".json" and prediction_named(
                predictions, case.case_id, ".edf") is not None:
            # read the JSON first, the EDF+ file's events went uncounted without a word
            # (found in the ECG/EEG pass); a segmentation's two mask files are refused so
            raise PredictionError(
                f"case {case.case_id}: 2 prediction files ({found.name}, "
                f"{found.stem}.edf); keep one per case: the events as JSON or as an EDF+ "
                "file's annotations")
        left: list[tuple[str, int]] = []
        if found.suffix.lower() == ".edf":
            hypothesis, left = _edf_events(case, root, found, self.spec.event_annotations)
        else:
            data = read_json_prediction(case, predictions)
            events = data.get("events") if isinstance(data, dict) else None
            if not isinstance(events, list):
                raise PredictionError(
                    f"case {case.case_id}: the prediction needs \"events\": [...]")
            try:
                hypothesis = _event_pairs(events)
            except ValueError as exc:
                raise PredictionError(f"case {case.case_id}: {exc}") from None
        hypothesis, cut = _cut_at_end(hypothesis, duration)
        late = _starting_after(hypothesis, duration)
        if late:
            self._scored_alone(case, duration, reference)  # the reference's fault first
            raise PredictionError(f"case {case.case_id}: {late}")
        try:
            scores = self._score(reference, hypothesis, duration)
        except MedevalError as exc:
            self._scored_alone(case, duration, reference)  # the reference's fault first
            raise PredictionError(f"case {case.case_id}: {exc}") from None
        return {**_values(scores, duration), "cut_at_end": cut, "left_out": left}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """Nothing detected."""
        duration, reference = self._reference(case, root)
        return _values(self._scored_alone(case, duration, reference), duration)

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Pooled SzCORE figures with bootstrap intervals over recordings."""
        st = self.statistics
        # a failed recording (worst case: it detected nothing, its events missed) adds no
        # time to the false alarms per 24 h: counted with none of its false alarms, its
        # hours would lower the rate, the worst case then more favourable than the
        # figure without the failed recordings
        table = np.array([[r.values["tp"], r.values["fp"], r.values["n_reference"],
                           r.values["duration_s"] if r.status == "ok" else 0.0]
                          for r in rows], dtype=float).reshape(-1, 4)
        metrics = []
        for name in ("sensitivity", "precision", "f1", "fp_per_24h"):
            pooled = _pooled(name)(table, np.ones((1, table.shape[0])))
            if table.shape[0] and np.isnan(pooled[0]) and name in _UNDEFINED:
                # NaN on every resample too: say why, in the words of the definition
                estimate = Estimate(
                    math.nan, math.nan, math.nan, f"bootstrap-{st.bootstrap_method}",
                    st.confidence, table.shape[0],
                    note=f"{_UNDEFINED[name]} in any of the {table.shape[0]} recording(s), "
                         f"so the pooled {name} is undefined (NaN)")
            else:
                estimate = bootstrap_estimate(_pooled(name), table, clusters, st)
            metrics.append(metric_record(name, f"szcore_event_{name}", estimate))
        totals = table.sum(axis=0) if table.size else np.zeros(4)
        tables = {"events": {"tp": int(totals[0]), "fp": int(totals[1]),
                             "n_reference": int(totals[2]), "hours": totals[3] / 3600.0,
                             "standard": self._standard()}}
        return Aggregate(tuple(metrics), tables,
                         case_facts=_cut_warning(rows) + _left_out_warning(rows))

    def _standard(self) -> bool:
        s = self.spec
        return (s.tolerance_start_s, s.tolerance_end_s, s.min_overlap, s.max_event_duration_s,
                s.min_gap_s) == (30.0, 60.0, 0.0, 300.0, 90.0)


def _wfdb_events(case: Case, path: Path, root: Path) -> NDArray[np.float64]:
    """The events of a WFDB annotation file, as CHB-MIT's ``<record>.edf.seizures``
    holds them: each ``[`` (onset) paired with the next ``]`` (end), in seconds at the
    file's time resolution (where it states none and no header is beside it: the frame
    rate of the case's WFDB header input, as ``wfdb`` reads a record's annotations, else
    the one signal rate of its EDF/BDF input: CHB-MIT's marks count the EDF's samples);
    other annotations are left out."""
    from ..loaders._mit_annotations import header_timing
    from ..loaders.edf import record_rate, several_rates
    from ..loaders.wfdb import read_wfdb_annotations

    record_fs = next((fs for name in case.inputs if name.lower().endswith(".hea")
                      if (fs := header_timing(root / name)[0]) is not None), None)
    if record_fs is None:
        record_fs = record_rate(root, case.inputs)

    if _edf_start(path):
        raise ReferenceProblem(
            f"case {case.case_id}: reference {path} is an EDF file; which of its annotations "
            "are the events cannot be told: give them as JSON {\"events\": [[start_s, "
            "end_s], ...]} (or a WFDB file of '[' and ']' marks)")
    try:
        found = read_wfdb_annotations(path, default_fs=record_fs)
    except MedevalError as exc:
        rates = "" if record_fs is not None or "states no sampling frequency" not in str(
            exc) else several_rates(root, case.inputs)
        raise ReferenceProblem(
            f"case {case.case_id}: reference {path}: neither JSON (by its name) nor a WFDB "
            f"annotation file: {exc}{rates}") from None
    marks = [(t, s) for t, s in zip(found.onsets_s.tolist(), found.symbols) if s in ("[", "]")]
    if not marks and found.symbols:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {path}: {_unmarked(found)}, and no '[' (event "
            "onset) or ']' (end), the marks this task reads as events: an empty list of "
            "events would score every detection a false alarm; give the events as JSON "
            "{\"events\": [[start_s, end_s], ...]} (an empty list for a recording without one)")
    starts = [t for t, s in marks[0::2] if s == "["]
    ends = [t for t, s in marks[1::2] if s == "]"]
    if len(starts) != len(ends) or len(marks) != 2 * len(starts):
        raise ReferenceProblem(
            f"case {case.case_id}: reference {path}: its '[' (seizure onset) and ']' (end) "
            f"annotations do not alternate in pairs ({''.join(s for _, s in marks)[:40]})")
    pairs: NDArray[np.float64] = np.array([starts, ends], dtype=np.float64).T.reshape(-1, 2)
    return pairs


def _unmarked(found: Any) -> str:
    """What a WFDB annotation file of no ``[``/``]`` mark holds: its count, and its most
    frequent symbols with their texts (a rhythm change ``+`` says ``(AFIB``)."""
    from collections import Counter

    shown = Counter(f"{s} {a}".strip() if a else s
                    for s, a in zip(found.symbols, found.aux or ("",) * len(found.symbols)))
    listed = ", ".join(f"{text!r} x{n}" for text, n in shown.most_common(5))
    more = f", ... ({len(shown)} kinds)" if len(shown) > 5 else ""
    return f"it holds {len(found.symbols)} annotation(s) ({listed}{more})"


def _edf_start(path: Path) -> bool:
    """Whether the file starts as an EDF or BDF file does."""
    try:
        with open(path, "rb") as handle:
            return handle.read(8) in EDF_VERSIONS
    except OSError:
        return False


def _edf_events(case: Case, root: Path, path: Path, named: Sequence[str] | None
                ) -> tuple[NDArray[np.float64], list[tuple[str, int]]]:
    """The detected events of an EDF+ prediction: each annotation ``[onset, onset +
    duration]`` in seconds from the file's start, which must be the recording's (the
    start date and time of the two headers); an annotation without a duration fails the
    case (an event needs both ends). With ``named`` (the protocol's event_annotations)
    only annotations of those texts are events, and the others are given back with their
    counts, most frequent first; without it, annotations of more than one text fail the
    case (a hypnogram's "Sleep stage W", "Sleep stage 1", ... were 288 seizures)."""
    from ..loaders.edf import read_edf_annotations

    try:
        found = read_edf_annotations(path)
    except MedevalError as exc:
        raise PredictionError(f"case {case.case_id}: {exc}") from None
    if found.metadata.get("file_type") in ("EDF", "BDF"):
        raise PredictionError(
            f"case {case.case_id}: {path.name} is plain {found.metadata['file_type']}, which "
            "holds no annotations: write the detected events as EDF+ annotations (or JSON)")
    late = _start_mismatch(case, root, path)
    if late:
        raise PredictionError(f"case {case.case_id}: {late}")
    # surrounding spaces aside and in NFC, as the protocol's texts are (a Korean text
    # written decomposed, NFD, is the same text to the eye)
    texts = [unicodedata.normalize("NFC", text.strip()) for text in found.symbols]
    counts = _text_counts(texts)
    if named is None and len(counts) > 1:
        example = json.dumps(counts[0][0], ensure_ascii=False)
        raise PredictionError(
            f"case {case.case_id}: {path.name}: its {len(texts)} annotations hold "
            f"{len(counts)} different texts ({_listed(counts)}): which of them are detected "
            "events cannot be told; name the texts that are in the protocol's [task] "
            f"event_annotations (e.g. event_annotations = [{example}]; "
            "the others are then left out and counted), or write the events as JSON")
    keep = np.ones(len(texts), bool) if named is None else np.isin(texts, list(named))
    onsets, durations = found.onsets_s[keep], found.durations_s[keep]
    kept = [text for text, k in zip(texts, keep.tolist()) if k]
    none = np.flatnonzero(~np.isfinite(durations))
    if none.size:
        k = int(none[0])
        raise PredictionError(
            f"case {case.case_id}: {path.name}: {none.size} annotation(s) state no duration, "
            f"the first {kept[k]!r} at {onsets[k]:g} s; a detected event needs its "
            "onset and its duration")
    left = _text_counts([text for text, k in zip(texts, keep.tolist()) if not k])
    return np.column_stack([onsets, onsets + durations]).reshape(-1, 2), left


def _text_counts(texts: Sequence[str]) -> list[tuple[str, int]]:
    """Each text with how many annotations hold it, most frequent first (then in the
    order first met)."""
    from collections import Counter

    return Counter(texts).most_common()


def _listed(counts: Sequence[tuple[str, int]]) -> str:
    """Five texts with their counts, and how many there are where there are more."""
    listed = ", ".join(f"{text!r} ({n})" for text, n in counts[:5])
    return listed + (f", ... ({len(counts)} texts)" if len(counts) > 5 else "")


def _start_mismatch(case: Case, root: Path, path: Path) -> str | None:
    """Why the EDF+ prediction's start (date and time in its header) is not that of the
    case's EDF input, if it is not; None where no input is EDF."""
    from ..loaders.edf import first_edf_start, shown_start

    with open(path, "rb") as handle:
        start = handle.read(184)[168:184].decode("latin-1")
    found = first_edf_start(root, case.inputs)
    if found is None or found[1] == start:
        return None
    return (f"{path.name} starts at {shown_start(start)}, its recording {found[0]} at "
            f"{shown_start(found[1])}: onsets must count from the recording's start")


def _recording(case: Case, root: Path) -> tuple[float, float, str, str] | str | None:
    """The length of the case's first EDF/BDF input that states one, or else of its
    first WFDB header input that states one (frames / frame rate, as ``wfdb`` reads it; a
    multi-segment record's own header first, as its segments' state a part's length):
    (seconds, the length of its last data record or frame, how the file states it, the
    input's name); a message if an EDF file cannot be read; None if no input states a
    length."""
    from ..loaders._mit_annotations import header_timing
    from ..loaders._wfdb_header import multi_segment
    from ..loaders.edf import edf_duration_s

    for name in case.inputs:
        try:
            found = edf_duration_s(root / name)
        except OSError:
            continue  # a missing or unreadable input is the manifest check's to name
        except MedevalError as exc:
            return f"its recording {name} cannot be checked: {exc}"
        if found is not None and found[0] > 0:  # not EDF, length unknown, annotations only
            length, records, seconds = found
            return length, seconds, f"{records} data records of {seconds:g} s", name
    headers = [name for name in case.inputs if name.lower().endswith(".hea")]
    if len(headers) > 1:
        # a multi-segment record's own header (name/n) states the whole record's length;
        # its segments' headers, inputs too and maybe listed first, each a part's
        headers.sort(key=lambda name: not multi_segment(root / name))
    for name in headers:
        fs, frames = header_timing(root / name)
        if fs is not None and frames is not None:
            return frames / fs, 1 / fs, f"{frames} frames at {fs:g} Hz by its header", name
    return None


def _annotations_only(case: Case, root: Path) -> str | None:
    """The case's first input that is an EDF+ file of 0 s (data records of 0 s: an
    annotation-only file such as Sleep-EDF's hypnogram), if any."""
    from ..loaders.edf import edf_duration_s

    for name in case.inputs:
        try:
            found = edf_duration_s(root / name)
        except (OSError, MedevalError):
            continue
        if found is not None and found[0] == 0:
            return name
    return None


def _events_within(case: Case, events: NDArray[np.float64], length: float, last: float,
                   stated: str, name: str) -> None:
    """Refuse reference events ending after the recording whose length stands for the
    reference's duration_s, naming the recording (the scoring's own refusal would speak
    of a duration_s the reference does not give)."""
    late = np.flatnonzero(np.isfinite(events).all(axis=1) & (events[:, 1] > length))
    if not late.size:
        return
    k = int(late[0])
    remedy = ("times are seconds from the recording's start (in samples or milliseconds "
              "they lie so)" if events[k, 0] >= length else
              "end each event by the recording's end (a seizure running on into the next "
              "file ends in this one at its end)")
    raise ReferenceProblem(
        f"case {case.case_id}: reference {case.reference}: {late.size} event(s) end after "
        f"the recording {name} does ({length:g} s: {stated}), the first "
        f"[{events[k, 0]:g}, {events[k, 1]:g}] s: {remedy}, or give the reference of this "
        "recording")


def _length_problem(duration: float, length: float, last: float, stated: str,
                    name: str) -> str | None:
    """Why ``duration`` does not end within the recording's last data record (or
    frame), if not."""
    slack = 1e-6 * max(length, 1.0)
    if length - last - slack <= duration <= length + slack:
        return None
    return (f"duration_s = {duration:g} s, but its recording {name} lasts {length:g} s "
            f"({stated}); the false alarms per 24 h are counted over duration_s: give the "
            "recording's length")


def _why(exc: Exception, raw: bytes = b"") -> str:
    """A reference's fault in words: 'no "events"', 'not UTF-8 text ...', the parser's."""
    if isinstance(exc, KeyError):
        return f"no {json.dumps(exc.args[0])}"
    if isinstance(exc, UnicodeDecodeError):
        return (f"not UTF-8 text ({where_utf8_stops(raw or bytes(exc.object), exc)}: "
                f"{exc.object[exc.start:exc.start + 1]!r})")
    if isinstance(exc, TypeError):
        return "not an object with those keys"
    return str(exc)


def _event_pairs(events: Any) -> NDArray[np.float64]:
    """``[[start_s, end_s], ...]`` as an ``(n, 2)`` array, or ``ValueError`` naming the first
    entry that is not a pair of numbers."""
    return number_rows(events, name="event", shape="[start_s, end_s]", width=2)


def _cut_at_end(events: NDArray[np.float64], duration: float
                ) -> tuple[NDArray[np.float64], tuple[int, float]]:
    """Detected events that start within the recording and end after it, cut at its end,
    as timescoring's sample masks cut them (a detector's last window often reaches past
    the signal); with how many were cut and the most one ended after it, in seconds. An
    event starting at or after the end is left as it is: :func:`event_scoring` refuses it
    (times in samples or milliseconds end so)."""
    if not events.size:
        return events, (0, 0.0)
    finite = np.isfinite(events).all(axis=1)
    over = finite & (events[:, 0] < duration) & (events[:, 1] > duration)
    if not over.any():
        return events, (0, 0.0)
    most = float((events[over, 1] - duration).max())
    cut = events.copy()
    cut[over, 1] = duration
    return cut, (int(over.sum()), most)


def _starting_after(events: NDArray[np.float64], duration: float) -> str | None:
    """Why detected events starting at or after the recording's end fail their case (no
    window's overreach: times in another unit, or another recording's), if any do; said
    of the recording, whose length a detector knows, not of the reference's duration_s."""
    # after _cut_at_end, an event still ending after the end starts at or after it
    finite = np.isfinite(events).all(axis=1) & (events[:, 1] >= events[:, 0])
    late = np.flatnonzero(finite & (events[:, 1] > duration))
    if not late.size:
        return None
    k = int(late[0])
    return (f"{late.size} detected event(s) start at or after the recording's end "
            f"({duration:g} s), the first [{events[k, 0]:g}, {events[k, 1]:g}] s: times are "
            "seconds from the start of the recording (in samples or milliseconds they lie "
            "so)")


def _cut_warning(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """The aggregate's word on detected events cut at their recording's end."""
    cut = [(row.case_id, *row.values["cut_at_end"]) for row in rows
           if row.values.get("cut_at_end", (0, 0.0))[0]]
    if not cut:
        return ()
    events = sum(n for _, n, _ in cut)
    shown = ", ".join(case for case, _, _ in cut[:10]) + (
        f", ... ({len(cut)} recordings)" if len(cut) > 10 else "")
    return (f"{events} detected event(s) in {len(cut)} recording(s) end after the recording, "
            f"by up to {max(most for _, _, most in cut):.6g} s, and were cut at its end, as "
            f"timescoring cuts them: {shown}",)


def _left_out_warning(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """The aggregate's word on EDF+ prediction annotations left out as not named in the
    protocol's event_annotations, per recording (ten recordings at most, five texts
    each)."""
    found = [(row.case_id, row.values["left_out"]) for row in rows
             if row.values.get("left_out")]
    if not found:
        return ()
    shown = "; ".join(f"{case_id}: {sum(n for _, n in texts)}, {_listed(texts)}"
                      for case_id, texts in found[:10])
    more = f"; ... ({len(found)} recordings)" if len(found) > 10 else ""
    return ("EDF+ prediction annotations whose text the protocol's event_annotations does "
            f"not name were left out, not scored as detected events: {shown}{more}",)


def _values(scores: Any, duration: float) -> dict[str, Any]:
    return {"duration_s": duration, "n_reference": int(scores.n_reference),
            "n_hypothesis": int(scores.n_hypothesis), "tp": int(scores.tp),
            "fp": int(scores.fp)}


def _pooled(name: str) -> Any:
    def compute(table: NDArray[np.float64], weights: NDArray[np.float64]) -> Any:
        tp, fp, ref, duration = (np.einsum("bn,n->b", weights, table[:, i]) for i in range(4))
        fn = ref - tp
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "sensitivity":
                return np.where(ref > 0, tp / ref, np.nan)
            if name == "precision":
                return np.where(tp + fp > 0, tp / (tp + fp), np.nan)
            if name == "f1":
                return np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)
            return fp / duration * _DAY_S
    return compute

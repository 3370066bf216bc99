r"""Event scoring of interval detections (EEG seizures) per SzCORE.

The rules are those of SzCORE (Dan et al. 2024) as the ``timescoring`` library (0.0.7)
applies them; :func:`event_scoring` counts events, :func:`sample_scoring` counts samples,
:func:`event_scoring_summary` pools several recordings and averages per subject.

Event scoring, in order, on the reference and on the hypothesis separately:

1. the events are sorted by start and merged when the gap between one event's end and
   the next one's start is shorter than ``min_gap_s`` (overlapping events always merge);
2. an event longer than ``max_event_duration_s`` is cut into pieces of that length from
   its start, the last piece keeping the remainder (a 30-minute event becomes 6 events);
3. each reference event is widened to
   :math:`[\max(0, s - t_\text{start}),\ \min(D, e + t_\text{end})]`; it is a true
   positive when the hypothesis covers more than ``min_overlap`` (+ 1e-6) of that window;
4. a hypothesis event that overlaps no widened true-positive reference is a false
   positive.

medeval works in continuous time, ``timescoring`` on a 10 Hz grid; see
:func:`event_scoring`, Notes, for where the two differ and by how much.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .._validation import choice, warn_undefined
from ..errors import InvalidInputError
from ._event_intervals import (
    _events,
    _mask,
    _merge,
    _not_overlapping,
    _parameter,
    _split,
)

__all__ = [
    "EventScores",
    "EventScoringSummary",
    "event_scoring",
    "event_scoring_summary",
    "sample_scoring",
]

_DAY_S = 86400.0
#: timescoring's tolerance on the relative overlap (``relativeOverlap > minOverlap + 1e-6``)
_OVERLAP_TOLERANCE = 1e-6
_SZCORE_DEFAULTS = {
    "tolerance_start_s": 30.0,
    "tolerance_end_s": 60.0,
    "min_overlap": 0.0,
    "max_event_duration_s": 300.0,
    "min_gap_s": 90.0,
}


@dataclass(frozen=True)
class EventScores:
    """Counts and scores of one recording (or of pooled recordings).

    Attributes
    ----------
    n_reference : int
        Reference events after merging and splitting (``unit="event"``), or reference
        samples (``unit="sample"``).
    n_hypothesis : int
        Hypothesis events after merging and splitting, or hypothesis samples.
    tp : int
        Reference events detected (widened reference overlapped), or samples positive in
        both.
    fp : int
        Hypothesis events overlapping no detected widened reference, or samples positive
        in the hypothesis only.
    fn : int
        ``n_reference - tp``.
    sensitivity, precision, f1 : float
        ``tp / n_reference``, ``tp / (tp + fp)``, ``2 tp / (2 tp + fp + fn)``; NaN when
        the denominator is 0.
    fp_per_24h : float
        ``fp / (duration_s / 86400)``: false alarms (events or samples) per 24 hours.
    duration_s : float
        The scored duration in seconds (summed when pooled).
    unit : {"event", "sample"}
        What the counts count.
    definition : str
        ``"szcore_event"`` or ``"szcore_sample"``.
    standard : bool
        True when every parameter is SzCORE's default.
    parameters : dict
        The parameters used, by name (seconds, a fraction, or ``fs`` in Hz).
    n_recordings : int
        Recordings pooled into this record (1 for a single call).
    """

    n_reference: int
    n_hypothesis: int
    tp: int
    fp: int
    fn: int
    sensitivity: float
    precision: float
    f1: float
    fp_per_24h: float
    duration_s: float
    unit: Literal["event", "sample"]
    definition: str
    standard: bool
    parameters: dict[str, float] = field(hash=False)
    n_recordings: int = 1


@dataclass(frozen=True)
class EventScoringSummary:
    """Several recordings: pooled counts and per-subject averages.

    Attributes
    ----------
    pooled : EventScores
        Counts and durations summed over every recording, scores from the sums.
    per_subject : dict
        Subject -> its recordings pooled, in order of first appearance.
    mean_sensitivity, mean_precision, mean_f1, mean_fp_per_24h : float
        Means over subjects of the per-subject values.
    n_subjects : int
        Number of subjects.
    n_undefined : dict
        Metric name -> number of subjects where it is NaN.
    undefined : {"propagate", "omit"}
        How those subjects entered the mean.
    """

    pooled: EventScores
    per_subject: dict[Hashable, EventScores] = field(hash=False)
    mean_sensitivity: float
    mean_precision: float
    mean_f1: float
    mean_fp_per_24h: float
    n_subjects: int
    n_undefined: dict[str, int] = field(hash=False)
    undefined: Literal["propagate", "omit"]


def event_scoring(
    reference_events: ArrayLike,
    hypothesis_events: ArrayLike,
    *,
    duration_s: float,
    tolerance_start_s: float = 30,
    tolerance_end_s: float = 60,
    min_overlap: float = 0.0,
    max_event_duration_s: float = 300,
    min_gap_s: float = 90,
) -> EventScores:
    r"""Score detected events against reference events with SzCORE's event rules.

    With reference events :math:`R` and hypothesis events :math:`H` after merging
    (gap :math:`< g`) and splitting (length :math:`> L`), a recording of duration
    :math:`D`, tolerances :math:`t_s, t_e` and minimum overlap :math:`m`:

    .. math::

        W_r &= [\max(0, s_r - t_s),\ \min(D, e_r + t_e)], \qquad
        TP = \#\{r \in R : |W_r \cap \textstyle\bigcup H| > (m + 10^{-6})\,|W_r|\}

        FP &= \#\{h \in H : |h \cap \textstyle\bigcup_{r\ \text{detected}} W_r| = 0\}

        \text{Se} &= \frac{TP}{|R|}, \quad \text{Prec} = \frac{TP}{TP + FP}, \quad
        F_1 = \frac{2\,TP}{2\,TP + FP + (|R| - TP)}, \quad
        \text{FP/24h} = \frac{FP}{D / 86400\,\text{s}}

    where :math:`|\cdot|` is length in seconds.

    Parameters
    ----------
    reference_events, hypothesis_events : array-like of shape (n_events, 2)
        ``(start_s, end_s)`` pairs in seconds from the start of the recording, in any
        order, possibly overlapping; an empty list is no event.
    duration_s : float
        The recording's duration in seconds (> 0); every event must end by then.
    tolerance_start_s : float, default 30
        Widening of each reference event before its start (>= 0).
    tolerance_end_s : float, default 60
        Widening after its end (>= 0).
    min_overlap : float, default 0.0
        Fraction of the widened reference the hypothesis must cover, in [0, 1); 0 means
        any overlap.
    max_event_duration_s : float, default 300
        Events longer than this are split (> 0; ``math.inf`` never splits).
    min_gap_s : float, default 90
        Events separated by less than this are merged (>= 0).

    Returns
    -------
    EventScores
        With ``unit="event"`` and ``definition="szcore_event"``.

    Raises
    ------
    InvalidInputError
        Events not of shape (n, 2), not finite, starting before 0, ending before they
        start or after ``duration_s`` (every offending position named); ``duration_s``
        not > 0; a negative tolerance or ``min_gap_s``; ``max_event_duration_s`` not > 0;
        ``min_overlap`` outside [0, 1).

    Warns
    -----
    UndefinedMetricWarning
        No reference event (sensitivity NaN), no true or false positive (precision NaN),
        neither reference events nor false positives (F1 NaN).

    Notes
    -----
    Edge cases: no reference event gives sensitivity NaN, and with false positives
    precision 0 and F1 0; no hypothesis gives precision NaN, sensitivity 0 and F1 0 (if
    there are reference events); neither gives all three NaN. FP/24h is always defined.
    A zero-length event (start = end) is allowed: as a reference it is an event whose
    window is the tolerances alone; as a hypothesis it overlaps nothing and is a false
    positive (so in timescoring too). Widened windows may overlap one another (split
    pieces, small ``min_gap_s``); each reference event is judged on its own window.
    Floating-point noise: an overlap of at most 1 ns between a hypothesis event and a
    detected window counts as touching, not overlapping (``130.3 + 60`` is not exactly
    ``190.3``); the relative tolerance 1e-6 of the true-positive rule does the same there.

    Where medeval differs from ``timescoring`` 0.0.7 (``EventScoring``), and why:

    * **Continuous time, not a 10 Hz grid.** timescoring marks samples
      ``round(10 s) ... round(10 e) - 1`` of a 10 Hz mask for each event and tests
      overlap on those samples; medeval measures overlap exactly. The grid can only
      lose overlaps, never create them: an overlap of at most 0.1 s may vanish in
      timescoring, so a reference event medeval counts as detected can be missed there
      (TP one lower, and the hypothesis event may then count as FP), and a hypothesis
      event overlapping a detected window by at most 0.1 s can be an extra FP there.
      With ``min_overlap > 0`` the covered length differs by up to 0.1 s per boundary.
      When every event boundary, both tolerances, ``max_event_duration_s`` and
      ``duration_s`` are multiples of 0.1 s the two agree exactly (tested case by
      case). The definition should not depend on a sampling grid that annotations
      (often in milliseconds, EDF+) do not share.
    * **FP/24h** uses ``duration_s``; timescoring uses its grid length,
      ``round(10 D) / 10``.
    * **Input is sorted and merged.** timescoring walks the list in the given order
      and merges an event into its predecessor by taking the later event's end, so an
      event nested in another shortens it (``(0, 100), (10, 20)`` becomes
      ``(0, 20)``) and unsorted lists merge wrongly. medeval sorts by start and keeps
      the larger end (the union).
    * **Invalid events raise.** timescoring slices its mask silently: events past the
      end are truncated, negative times index from the end.

    References
    ----------
    Dan J, Pale U, Amirshahi A, et al. SzCORE: seizure community open-source research
    evaluation framework for the validation of electroencephalography-based automated
    seizure detection algorithms. Epilepsia 2024.

    ``timescoring`` 0.0.7 (https://github.com/esl-epfl/timescoring), ``EventScoring``.

    Examples
    --------
    A seizure at 100-160 s detected at 150-170 s, and a 30-minute false detection,
    in a 2-hour recording:

    >>> s = event_scoring([(100, 160)], [(150, 170), (3000, 4800)], duration_s=7200)
    >>> s.n_reference, s.tp, s.fp, s.n_hypothesis
    (1, 1, 6, 7)
    >>> round(s.precision, 4), s.fp_per_24h
    (0.1429, 72.0)
    """
    func = "event_scoring"
    duration = _parameter(duration_s, name="duration_s", func=func)
    tol_start = _parameter(tolerance_start_s, name="tolerance_start_s", func=func, zero=True)
    tol_end = _parameter(tolerance_end_s, name="tolerance_end_s", func=func, zero=True)
    gap = _parameter(min_gap_s, name="min_gap_s", func=func, zero=True, inf=True)
    max_length = _parameter(max_event_duration_s, name="max_event_duration_s", func=func,
                            inf=True)
    overlap = _parameter(min_overlap, name="min_overlap", func=func, zero=True)
    if overlap >= 1.0:
        raise InvalidInputError(f"{func}: min_overlap must be in [0, 1), got {min_overlap!r}")
    reference = _events(reference_events, name="reference_events", func=func, duration=duration)
    hypothesis = _events(
        hypothesis_events, name="hypothesis_events", func=func, duration=duration
    )
    ref = _split(_merge(reference, gap), max_length)
    hyp = _split(_merge(hypothesis, gap), max_length)

    hyp_start, hyp_end = hyp[:, 0], hyp[:, 1]
    win_start = np.maximum(0.0, ref[:, 0] - tol_start)
    win_end = np.minimum(duration, ref[:, 1] + tol_end)
    detected = np.zeros(len(ref), dtype=bool)
    for i, (a, b) in enumerate(zip(win_start.tolist(), win_end.tolist())):
        if b <= a:
            continue
        lo = int(np.searchsorted(hyp_end, a, side="right"))
        hi = int(np.searchsorted(hyp_start, b, side="left"))
        covered = np.minimum(hyp_end[lo:hi], b) - np.maximum(hyp_start[lo:hi], a)
        detected[i] = float(np.clip(covered, 0.0, None).sum()) / (b - a) > (
            overlap + _OVERLAP_TOLERANCE
        )
    false = _not_overlapping(hyp, win_start[detected], win_end[detected])
    parameters = {
        "tolerance_start_s": tol_start,
        "tolerance_end_s": tol_end,
        "min_overlap": overlap,
        "max_event_duration_s": max_length,
        "min_gap_s": gap,
    }
    counts = (len(ref), len(hyp), int(detected.sum()), int(false.sum()))
    return _scores(*counts, duration, "event", parameters == _SZCORE_DEFAULTS, parameters, func)


def sample_scoring(
    reference_events: ArrayLike,
    hypothesis_events: ArrayLike,
    *,
    duration_s: float,
    fs: float = 1.0,
) -> EventScores:
    r"""Score events sample by sample at a stated rate (SzCORE sample-based scoring).

    The recording is cut into :math:`N = \operatorname{round}(D f_s)` samples; an event
    :math:`(s, e)` marks samples :math:`\operatorname{round}(s f_s)` to
    :math:`\operatorname{round}(e f_s) - 1` (round half to even, as Python's ``round``).
    With the reference mask :math:`r` and the hypothesis mask :math:`h`:

    .. math::

        TP = \sum r \wedge h, \quad FP = \sum \lnot r \wedge h, \quad
        \text{Se} = \frac{TP}{\sum r}, \quad \text{Prec} = \frac{TP}{TP + FP}, \quad
        \text{FP/24h} = \frac{FP}{N / f_s / 86400}

    and :math:`F_1` as in :func:`event_scoring`. Overlapping or unsorted events simply
    mark the union; no merging or splitting.

    Parameters
    ----------
    reference_events, hypothesis_events : array-like of shape (n_events, 2)
        ``(start_s, end_s)`` pairs in seconds, in any order.
    duration_s : float
        The recording's duration in seconds (> 0).
    fs : float, default 1.0
        The scoring rate in Hz (> 0); SzCORE uses 1 Hz.

    Returns
    -------
    EventScores
        With ``unit="sample"``, ``definition="szcore_sample"``, counts in samples,
        ``fp_per_24h`` in false-positive samples per 24 h and ``duration_s`` = N / fs.

    Raises
    ------
    InvalidInputError
        Invalid events (as :func:`event_scoring`), ``duration_s`` or ``fs`` not > 0, or
        fewer than one sample (``round(duration_s * fs) < 1``).

    Warns
    -----
    UndefinedMetricWarning
        No reference sample (sensitivity NaN), no hypothesis sample (precision NaN),
        neither reference samples nor false-positive samples (F1 NaN).

    Notes
    -----
    This is exactly timescoring 0.0.7's ``SampleScoring`` (same rounding, same counts),
    except that invalid events raise instead of being truncated by the mask.

    References
    ----------
    Dan J, et al. SzCORE. Epilepsia 2024. ``timescoring`` 0.0.7,
    ``SampleScoring``.

    Examples
    --------
    >>> s = sample_scoring([(10, 20)], [(15, 30)], duration_s=60)
    >>> s.n_reference, s.tp, s.fp, s.sensitivity, round(s.precision, 4)
    (10, 5, 10, 0.5, 0.3333)
    """
    func = "sample_scoring"
    duration = _parameter(duration_s, name="duration_s", func=func)
    rate = _parameter(fs, name="fs", func=func)
    n = round(duration * rate)
    if n < 1:
        raise InvalidInputError(
            f"{func}: duration_s * fs = {duration * rate!r} rounds to no sample; "
            "raise fs or check duration_s"
        )
    reference = _mask(
        _events(reference_events, name="reference_events", func=func, duration=duration),
        n,
        rate,
    )
    hypothesis = _mask(
        _events(hypothesis_events, name="hypothesis_events", func=func, duration=duration),
        n,
        rate,
    )
    counts = (
        int(reference.sum()), int(hypothesis.sum()), int((reference & hypothesis).sum()),
        int((~reference & hypothesis).sum()),
    )
    return _scores(*counts, n / rate, "sample", rate == 1.0, {"fs": rate}, func)


def event_scoring_summary(
    results: Sequence[EventScores],
    *,
    subjects: Sequence[Hashable] | None = None,
    undefined: Literal["propagate", "omit"] = "propagate",
) -> EventScoringSummary:
    r"""Pool several recordings and average per subject.

    *Pooled*: counts and durations summed over all recordings, scores from the sums.
    *Per subject*: each subject's recordings pooled the same way, then the mean over
    subjects of sensitivity, precision, F1 and FP/24h:

    .. math::

        \overline{\text{Se}} = \frac{1}{S}\sum_{j=1}^{S} \frac{\sum_{i \in j} TP_i}
        {\sum_{i \in j} |R_i|}, \quad
        \overline{\text{FP/24h}} = \frac{1}{S}\sum_{j=1}^{S}
        \frac{\sum_{i \in j} FP_i}{\sum_{i \in j} D_i / 86400}

    Parameters
    ----------
    results : sequence of EventScores
        One per recording, all of the same unit and parameters.
    subjects : sequence of hashable, optional
        The subject of each recording; None makes each recording its own subject
        (keys 0, 1, ...).
    undefined : {"propagate", "omit"}, default "propagate"
        A subject whose value is NaN (e.g. sensitivity of a subject without seizures):
        ``"propagate"`` makes the mean NaN; ``"omit"`` averages over the other subjects
        (a NaN-ignoring mean); either way ``n_undefined`` counts them.

    Returns
    -------
    EventScoringSummary

    Raises
    ------
    InvalidInputError
        No result, results of different units or parameters, ``subjects`` of another
        length, an unknown ``undefined``.

    Warns
    -----
    UndefinedMetricWarning
        When a pooled value or a mean is NaN.

    Notes
    -----
    Pooled FP/24h is total false alarms over total duration, not a mean of rates.
    A mean with ``"omit"`` over subjects that are all undefined is NaN.

    References
    ----------
    Dan J, Pale U, Amirshahi A, et al. SzCORE: seizure community open-source research
    evaluation framework for the validation of electroencephalography-based automated
    seizure detection algorithms. Epilepsia 2024;65:3192-3203.

    Examples
    --------
    >>> a = event_scoring([(100, 160)], [(120, 130)], duration_s=3600)
    >>> b = event_scoring([(100, 160), (1000, 1100)], [(2000, 2010)], duration_s=3600)
    >>> summary = event_scoring_summary([a, b], subjects=["s1", "s2"])
    >>> summary.pooled.sensitivity, summary.mean_sensitivity
    (0.3333333333333333, 0.5)
    """
    func = "event_scoring_summary"
    policy = choice(undefined, ("propagate", "omit"), name="undefined", func=func)
    if isinstance(results, EventScores):  # list() of it: a bare "not iterable"
        raise InvalidInputError(
            f"{func}: results is one EventScores; pass a sequence of them, one per "
            "recording (for one recording, [scores])")
    items = list(results)
    if not items:
        raise InvalidInputError(f"{func}: results is empty; pass one EventScores per recording")
    bad = [i for i, r in enumerate(items) if not isinstance(r, EventScores)]
    if bad:
        raise InvalidInputError(
            f"{func}: results must be EventScores; not at position(s) {bad[:10]}"
        )
    first = items[0]
    differ = [
        i
        for i, r in enumerate(items)
        if r.unit != first.unit or r.parameters != first.parameters
    ]
    if differ:
        raise InvalidInputError(
            f"{func}: results must share unit and parameters; position(s) {differ[:10]} "
            f"differ from position 0 ({first.unit}, {first.parameters})"
        )
    labels: list[Hashable] = list(range(len(items))) if subjects is None else list(subjects)
    if len(labels) != len(items):
        raise InvalidInputError(
            f"{func}: subjects has {len(labels)} labels for {len(items)} results"
        )
    groups: dict[Hashable, list[EventScores]] = {}
    for label, result in zip(labels, items):
        groups.setdefault(label, []).append(result)
    per_subject = {label: _pool(group, warn=False) for label, group in groups.items()}
    pooled = _pool(items, warn=True)
    means: dict[str, float] = {}
    counts: dict[str, int] = {}
    for metric in ("sensitivity", "precision", "f1", "fp_per_24h"):
        values = np.array([getattr(s, metric) for s in per_subject.values()], dtype=float)
        nan = np.isnan(values)
        counts[metric] = int(nan.sum())
        if nan.all() or (nan.any() and policy == "propagate"):
            means[metric] = warn_undefined(
                f"{func}: the per-subject mean {metric} is NaN: it is undefined for "
                f"{counts[metric]} of {len(values)} subject(s)"
                + ("" if nan.all() else "; pass undefined='omit' to average the others")
            )
        else:
            means[metric] = float(values[~nan].mean())
    return EventScoringSummary(
        pooled=pooled,
        per_subject=per_subject,
        mean_sensitivity=means["sensitivity"],
        mean_precision=means["precision"],
        mean_f1=means["f1"],
        mean_fp_per_24h=means["fp_per_24h"],
        n_subjects=len(per_subject),
        n_undefined=counts,
        undefined="omit" if policy == "omit" else "propagate",
    )


# --- private helpers ---------------------------------------------------------------------


def _scores(
    n_reference: int, n_hypothesis: int, tp: int, fp: int, duration: float,
    unit: Literal["event", "sample"], standard: bool, parameters: dict[str, float],
    warn_func: str | None, n_recordings: int = 1,
) -> EventScores:
    """The record from the counts; warns (naming ``warn_func``) on undefined ratios."""
    fn = n_reference - tp
    sensitivity = tp / n_reference if n_reference else math.nan
    precision = tp / (tp + fp) if tp + fp else math.nan
    f1 = 2 * tp / (2 * tp + fp + fn) if n_reference + fp else math.nan
    if warn_func is not None:
        reasons = []
        if n_reference == 0:
            reasons.append(f"sensitivity (no reference {unit})")
        if tp + fp == 0:
            reasons.append(f"precision (no hypothesis {unit} counted, tp + fp = 0)")
        if n_reference + fp == 0:
            reasons.append(f"f1 (no reference {unit} and no false positive)")
        if reasons:
            warn_undefined(f"{warn_func}: undefined, so NaN: " + "; ".join(reasons))
    return EventScores(
        n_reference, n_hypothesis, tp, fp, fn, sensitivity, precision, f1,
        fp / (duration / _DAY_S), duration, unit, f"szcore_{unit}", standard, parameters,
        n_recordings,
    )


def _pool(results: Sequence[EventScores], *, warn: bool) -> EventScores:
    first = results[0]
    n_ref, n_hyp, tp, fp = (
        sum(getattr(r, f) for r in results) for f in ("n_reference", "n_hypothesis", "tp", "fp")
    )
    return _scores(
        n_ref, n_hyp, tp, fp, math.fsum(r.duration_s for r in results), first.unit, first.standard,
        first.parameters, "event_scoring_summary" if warn else None,
        sum(r.n_recordings for r in results),
    )

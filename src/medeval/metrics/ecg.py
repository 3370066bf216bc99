"""ECG beat detection and classification per ANSI/AAMI EC57, as PhysioNet's ``bxb``.

:func:`beat_match` pairs reference and test beat times; :func:`ec57` also maps MIT-BIH
beat labels to the AAMI classes and fills ``bxb``'s confusion matrix, from which QRS,
VEB and SVEB sensitivity and positive predictivity and the VEB false-positive rate are
read; :func:`ec57_summary` pools several records (gross) and averages them (average),
as ``sumstats`` does. The matching (private module ``_beat_matching``) reproduces
``bxb.c`` count for count; the few places where medeval differs are listed in the Notes
of :func:`ec57`.

Every ratio is a :class:`BeatRatio`: its numerator and denominator (for a proportion
confidence interval) and its value, NaN with an
:class:`~medeval.errors.UndefinedMetricWarning` when the denominator is 0 (``bxb``
prints ``-``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import warn_undefined
from ..errors import InvalidInputError
from ._ecg_input import (
    _CLASS_INDEX,
    _O,
    _WHY,
    AAMI_CLASS,
    EC57_CLASSES,
    EC57_LEARNING_PERIOD_S,
    EC57_WINDOW_S,
    STATISTICS,
    _counts,
    _match,
    _samples,
    _seconds,
    _standard,
    _symbols,
    _time_base,
    _TimeBase,
    inside,
    vf_episodes,
    vf_uncounted,
)

__all__ = [
    "AAMI_CLASS",
    "EC57_CLASSES",
    "BeatMatch",
    "BeatRatio",
    "EC57Average",
    "EC57Result",
    "EC57Summary",
    "beat_match",
    "ec57",
    "ec57_summary",
]



@dataclass(frozen=True)
class BeatRatio:
    """A statistic that is a count over a count, as ``bxb`` prints it ``(a/b)``.

    ``value`` is ``numerator / denominator``, NaN when the denominator is 0 (the
    function that built it warned then). ``definition`` is the id of its written
    definition (``"ec57_veb_ppv"``, ``"ec57_sveb_ppv@gross"``, ...).
    """

    numerator: int
    denominator: int
    value: float
    definition: str = ""

    def __float__(self) -> float:
        return self.value


def _ratio(
    numerator: int, denominator: int, what: str, why: str, func: str, definition: str = ""
) -> BeatRatio:
    if denominator > 0:
        value = numerator / denominator
    else:
        value = warn_undefined(f"{func}: {what} is undefined: {why}; returning NaN")
    return BeatRatio(int(numerator), int(denominator), value, definition)


@dataclass(frozen=True)
class BeatMatch:
    """Reference and test beats paired by :func:`beat_match` (``bxb``'s rules).

    Attributes
    ----------
    tp, fn, fp : int
        Matched reference beats, missed reference beats, extra test beats.
    sensitivity, ppv : float
        ``tp / (tp + fn)`` and ``tp / (tp + fp)``; NaN when undefined.
    pairs : numpy.ndarray
        ``(tp, 2)`` indices ``(reference, test)`` into the arrays given.
    missed, extra : numpy.ndarray
        Indices of the missed reference beats and of the extra test beats.
    window_samples, start_sample, end_sample : int
        Window, first scored time and last scored time, on the common time base.
    fs : float
        The common time base (annotations per second).
    standard : bool
        True when the window and learning period are EC57's (0.15 s, 300 s).
    """

    tp: int
    fn: int
    fp: int
    sensitivity: float
    ppv: float
    pairs: NDArray[np.int64]
    missed: NDArray[np.int64]
    extra: NDArray[np.int64]
    window_samples: int
    start_sample: int
    end_sample: int
    fs: float
    standard: bool


@dataclass(frozen=True)
class EC57Result:
    """One record scored by :func:`ec57`.

    ``matrix[r, c]`` counts reference class ``EC57_CLASSES[r]`` against test class
    ``EC57_CLASSES[c]``; row O holds extra test beats, column O missed reference beats
    (``bxb -S``'s table without its shutdown row and column X). The statistics are
    :class:`BeatRatio`; ``beats`` is the underlying :class:`BeatMatch` (indices into the
    arrays given, non-beat annotations included in the indexing).
    """

    matrix: NDArray[np.int64]
    qrs_sensitivity: BeatRatio
    qrs_ppv: BeatRatio
    veb_sensitivity: BeatRatio
    veb_ppv: BeatRatio
    sveb_sensitivity: BeatRatio
    sveb_ppv: BeatRatio
    veb_fpr: BeatRatio
    beats: BeatMatch
    standard: bool
    record_id: str | None = None

    def cell(self, reference: str, test: str) -> int:
        """The count of reference class ``reference`` labelled ``test`` (e.g. "V", "N")."""
        try:
            return int(self.matrix[_CLASS_INDEX[reference], _CLASS_INDEX[test.upper()]])
        except KeyError:
            raise InvalidInputError(
                f"EC57Result.cell: classes are {EC57_CLASSES}, got {reference!r}, {test!r}"
            ) from None


@dataclass(frozen=True)
class EC57Average:
    """A per-record mean, as ``sumstats``'s "Average": records with a zero denominator
    are left out, and ``n_records`` says how many were averaged. ``definition``: e.g.
    ``"ec57_qrs_sensitivity@average"``."""

    value: float
    n_records: int
    definition: str = ""


@dataclass(frozen=True)
class EC57Summary:
    """Several records: gross (pooled counts) and average (per-record mean) statistics."""

    n_records: int
    matrix: NDArray[np.int64]
    gross: dict[str, BeatRatio]
    average: dict[str, EC57Average]
    standard: bool
    record_ids: tuple[str | None, ...]


def beat_match(
    reference_samples: ArrayLike,
    test_samples: ArrayLike,
    *,
    fs: float | None = None,
    window_s: float = EC57_WINDOW_S,
    learning_period_s: float = EC57_LEARNING_PERIOD_S,
    duration_s: float | None = None,
    reference_fs: float | None = None,
    test_fs: float | None = None,
) -> BeatMatch:
    r"""Match test beats to reference beats as ``bxb`` does (ANSI/AAMI EC57).

    .. math::

        \mathrm{Se} = \frac{TP}{TP + FN}, \qquad +P = \frac{TP}{TP + FP}

    where TP counts reference beats paired with a test beat at most ``window_s`` away
    (inclusive), FN unpaired reference beats and FP unpaired test beats, between the end
    of the learning period and the end of the comparison.

    Parameters
    ----------
    reference_samples, test_samples : array-like of int
        Beat times in samples, sorted (non-decreasing), >= 0. Every entry is a beat:
        filter non-beat annotations first (or use :func:`ec57`, which does).
    fs : float, optional
        Annotation time resolution (samples per second) of both sides.
    window_s : float, default 0.15
        Match window; a pair needs ``|t - T| <= round(window_s * fs)`` samples.
    learning_period_s : float, default 300
        Time not scored at the start (EC57: 5 minutes).
    duration_s : float, optional
        End of the comparison (the record's length, as ``bxb`` reads it from the
        header); None: the last beat of either side.
    reference_fs, test_fs : float, optional
        Each side's resolution when they differ (override ``fs``).

    Returns
    -------
    BeatMatch
        Counts, sensitivity, PPV, the matched index pairs and the unmatched beats.

    Raises
    ------
    InvalidInputError
        Samples not one-dimensional, not whole numbers, negative or unsorted; no rate,
        a rate <= 0; a negative window or learning period; ``duration_s`` before the
        end of the learning period.

    Warns
    -----
    UndefinedMetricWarning
        Sensitivity with no reference beat compared, PPV with no test beat compared.

    Notes
    -----
    Follows ``bxb.c`` (WFDB Software Package, last revised 27 April 2020) line by line:

    - Window and start in samples by WFDB's ``strtim`` (``x * fs + 0.5`` truncated):
      0.15 s is 54 samples at 360 Hz, 38 at 250 Hz; the window is inclusive.
    - Reference beats before ``start`` are skipped (``getref`` while ``T < start``); the
      last test beat before ``start`` may still pair with the first reference beat after
      it (and then counts); otherwise a first test beat within the window after ``start``
      that matches the first reference beat worse than the next test beat is dropped
      uncounted.
    - Main loop, earlier beat first (reference first at equal times): a beat pairs with
      the head of the other stream if within the window and closer than that head is to
      the next beat of the first stream, or if the two next beats are closer still (the
      2002 amendment for beats within the window of two others). Otherwise it is
      unmatched. Each beat is used at most once; pairs never cross.
    - End: bxb loops while either head is at or before the end, so a beat after the end
      counts only as the later member of a pair.
    - bxb's streams start from a type-0 sentinel at time 0, never counted. With
      ``learning_period_s=0`` a test beat at sample 0 is therefore dropped unless a
      reference beat is also at sample 0; with a learning period shorter than the
      window and no test beat before it, a first reference beat within the window of
      sample 0 that is nearer 0 than to the first test beat is dropped.

    Edge cases: no beat on either side gives TP = FN = FP = 0 and NaN for both ratios
    (warned); beats at the same sample are separate beats; a learning period longer
    than the record leaves nothing to score (NaN, warned).

    wfdb-python's ``processing.compare_annotations(ref, test, width)`` differs: its
    window is strict (``|d| < width`` samples), it has no learning period and its own
    matching order. On beats further apart than two windows the counts agree with
    ``window_s=(width - 1) / fs, learning_period_s=0``.

    Cost: O(n log n) numpy work, with loops only over blocks of 32,768 reference beats.

    Different rates: both sides are put on the least common multiple of the rates
    (360 Hz and 720 Hz: 720 Hz), exactly, and the window and start are rounded there.
    ``standard`` is False unless ``window_s == 0.15`` and ``learning_period_s == 300``
    (bxb's "nonstandard comparison selected").

    References
    ----------
    .. [1] ANSI/AAMI EC57:2012. Testing and reporting performance results of cardiac
       rhythm and ST segment measurement algorithms. AAMI; 2012.
    .. [2] Moody GB, Mark RG. ``bxb``: ANSI/AAMI-standard beat-by-beat annotation
       comparator. WFDB Software Package (``app/bxb.c``); WFDB Applications Guide,
       PhysioNet.

    Examples
    --------
    >>> m = beat_match([100, 460, 820], [90, 515, 1000], fs=360, learning_period_s=0)
    >>> m.tp, m.fn, m.fp  # 100-90 pairs; 515-460 = 55 > 54 samples; 820 missed
    (1, 2, 2)
    >>> m.pairs.tolist()
    [[0, 0]]
    """
    func = "beat_match"
    base = _time_base(fs, reference_fs, test_fs, func)
    ref = _samples(reference_samples, "reference_samples", func)
    test = _samples(test_samples, "test_samples", func)
    window = _seconds(window_s, "window_s", func)
    learning = _seconds(learning_period_s, "learning_period_s", func)
    duration = None if duration_s is None else _seconds(duration_s, "duration_s", func)
    matching, w, start, end = _match(ref, test, base, window, learning, duration, func)
    return _beat_record(
        matching.pairs, matching.missed, matching.extra, w, start, end, base, window,
        learning, func,
    )


def _beat_record(
    pairs: NDArray[np.int64],
    missed: NDArray[np.int64],
    extra: NDArray[np.int64],
    w: int,
    start: int,
    end: int,
    base: _TimeBase,
    window: float,
    learning: float,
    func: str,
) -> BeatMatch:
    tp, fn, fp = len(pairs), len(missed), len(extra)
    se = _ratio(tp, tp + fn, "sensitivity", "no reference beat was compared", func)
    ppv = _ratio(tp, tp + fp, "ppv", "no test beat was compared", func)
    return BeatMatch(
        tp=tp, fn=fn, fp=fp, sensitivity=se.value, ppv=ppv.value, pairs=pairs,
        missed=missed, extra=extra, window_samples=w, start_sample=start,
        end_sample=end, fs=float(base.fs), standard=_standard(window, learning),
    )


def ec57(
    reference_samples: ArrayLike,
    reference_symbols: ArrayLike,
    test_samples: ArrayLike,
    test_symbols: ArrayLike,
    *,
    fs: float | None = None,
    window_s: float = EC57_WINDOW_S,
    learning_period_s: float = EC57_LEARNING_PERIOD_S,
    duration_s: float | None = None,
    reference_fs: float | None = None,
    test_fs: float | None = None,
    record_id: str | None = None,
) -> EC57Result:
    r"""Score beat detection and classification of one record per EC57, as ``bxb -S``.

    With :math:`M_{rc}` the count of reference class r labelled c by the test (o: no
    beat), classes N, S, V, F, Q:

    .. math::

        QRS\ Se = \frac{\sum_{r,c \ne o} M_{rc}}{\sum_{r \ne O} M_{r\cdot}}, \quad
        QRS\ {+P} = \frac{\sum_{r,c \ne o} M_{rc}}{\sum_{c \ne o} M_{\cdot c}}, \quad
        VEB\ Se = \frac{M_{Vv}}{\sum_c M_{Vc}}, \quad
        VEB\ {+P} = \frac{M_{Vv}}{M_{Vv} + M_{Nv} + M_{Sv} + M_{Ov}},

    .. math::

        SVEB\ Se = \frac{M_{Ss}}{\sum_c M_{Sc}}, \quad
        SVEB\ {+P} = \frac{M_{Ss}}{M_{Ss} + M_{Ns} + M_{Vs} + M_{Fs} + M_{Os}}, \quad
        VEB\ FPR = \frac{M_{Nv} + M_{Sv} + M_{Ov}}
                        {M_{Nv} + M_{Sv} + M_{Ov} + \sum_{r \ne V,\, c \in \{n,s,f,q\}} M_{rc}}.

    Parameters
    ----------
    reference_samples, reference_symbols : array-like
        Reference annotation times (samples, sorted, >= 0) and MIT-BIH symbols, one per
        annotation; non-beat annotations (``+``, ``~``, ``"``, ``[`` ...) are allowed and
        left out.
    test_samples, test_symbols : array-like
        The same for the algorithm under test.
    fs, reference_fs, test_fs, window_s, learning_period_s, duration_s
        As in :func:`beat_match`.
    record_id : str, optional
        Carried into the result (for :func:`ec57_summary`).

    Returns
    -------
    EC57Result
        The 6 x 6 matrix (N, S, V, F, Q, O) and the seven statistics, each a
        :class:`BeatRatio` with its counts.

    Raises
    ------
    InvalidInputError
        As :func:`beat_match`; symbols not one per sample; a symbol that is not a WFDB
        annotation code.

    Warns
    -----
    UndefinedMetricWarning
        For each statistic whose denominator is 0 (``bxb`` prints ``-``): e.g. VEB
        sensitivity and +P on a record without V beats.

    Notes
    -----
    Beats are the WFDB beat codes (``isqrs``) ``N L R B A a J S V r F e j n E / f Q ?``,
    mapped by :data:`AAMI_CLASS` as ``bxb``'s ``amap`` with SVEB statistics (-S, -C, -L):
    the escape beats ``j e n`` are S there, while EC57's class table lists atrial and
    nodal escape beats under N. The VEB figures do not depend on this choice.

    Cells per statistic are ``bxb``'s: an F or Q beat labelled V is not a VEB false
    positive; a Q beat labelled S is not an SVEB false positive, an F beat labelled S is.

    Ventricular flutter/fibrillation, as ``bxb``: everything between ``[`` (VFON) and
    the next ``]`` (VFOFF) of a file is skipped, beats included (an unclosed ``[`` runs
    to the end of the file); an extra test beat inside the reference's current or
    previous VF episode (as far as ``getref`` has read) is not counted at all.

    Differences from ``bxb`` (by design):

    - No shutdown: ``~`` with subtype bits 4-5 marks it in WFDB files, but symbols
      carry no subtype, so ``~`` is a plain non-beat and row and column X are absent.
    - ``duration_s=None`` scores to the last beat of either side; ``bxb`` without a
      record length stops at the end of the reference file, and with a header at the
      record's length: pass that length as ``duration_s`` to get bxb's default.
    - No RMS RR-interval error; no ``-t 0`` mode.

    References
    ----------
    .. [1] ANSI/AAMI EC57:2012. Testing and reporting performance results of cardiac
       rhythm and ST segment measurement algorithms. AAMI; 2012. Sections 3 and 4.
    .. [2] Moody GB, Mark RG. ``bxb`` (``app/bxb.c``) and the WFDB Applications Guide,
       PhysioNet.
    .. [3] de Chazal P, O'Dwyer M, Reilly RB. Automatic classification of heartbeats
       using ECG morphology and heartbeat interval features. IEEE Trans Biomed Eng.
       2004;51(7):1196-206 (the AAMI class table).

    Examples
    --------
    >>> r = ec57([100, 460, 820, 1180], ["N", "V", "N", "A"],
    ...          [101, 461, 830, 1185], ["N", "N", "V", "A"], fs=360, learning_period_s=0)
    >>> r.cell("V", "N"), r.cell("N", "V"), r.cell("S", "S")
    (1, 1, 1)
    >>> r.qrs_sensitivity.value, (r.veb_ppv.numerator, r.veb_ppv.denominator)
    (1.0, (0, 1))
    """
    func = "ec57"
    base = _time_base(fs, reference_fs, test_fs, func)
    ref_all = _samples(reference_samples, "reference_samples", func)
    test_all = _samples(test_samples, "test_samples", func)
    ref_sym, ref_code = _symbols(reference_symbols, ref_all.size, "reference_symbols", func)
    test_sym, test_code = _symbols(test_symbols, test_all.size, "test_symbols", func)
    window = _seconds(window_s, "window_s", func)
    learning = _seconds(learning_period_s, "learning_period_s", func)
    duration = None if duration_s is None else _seconds(duration_s, "duration_s", func)

    # Beats: WFDB beat codes outside VF episodes (bxb's getref/gettest skip everything
    # between "[" and "]").
    ref_vf = vf_episodes(ref_sym)
    test_vf = vf_episodes(test_sym)
    ref_beat = np.flatnonzero(_outside(ref_code >= 0, ref_vf))
    test_beat = np.flatnonzero(_outside(test_code >= 0, test_vf))
    ref_class = ref_code[ref_beat]
    test_class = test_code[test_beat]

    matching, w, start, end = _match(
        ref_all[ref_beat], test_all[test_beat], base, window, learning, duration, func
    )
    extra = matching.extra
    if ref_vf[0].size and extra.size:  # extra test beats in reference VF: not counted
        scale = base.ref_scale
        on_index, off_index = ref_vf
        terminated = off_index < ref_sym.size
        off_time = ref_all[np.minimum(off_index, ref_sym.size - 1)] * scale
        drop = vf_uncounted(
            test_all[test_beat][extra] * base.test_scale, ref_all[ref_beat] * scale,
            ref_beat, on_index, ref_all[on_index] * scale, off_time, terminated,
        )
        extra = extra[~drop]
    p, missed = matching.pairs, matching.missed
    flat = np.concatenate([
        ref_class[p[:, 0]] * 6 + test_class[p[:, 1]],
        ref_class[missed] * 6 + _O,
        _O * 6 + test_class[extra],
    ])
    matrix = np.bincount(flat, minlength=36).astype(np.int64).reshape(6, 6)
    beats = _beat_record(
        np.column_stack([ref_beat[p[:, 0]], test_beat[p[:, 1]]]).astype(np.int64),
        ref_beat[missed].astype(np.int64), test_beat[extra].astype(np.int64),
        w, start, end, base, window, learning, func,
    )
    stats = {
        name: _ratio(num, den, name.replace("_", " "), _WHY[name], func, f"ec57_{name}")
        for name, (num, den) in _counts(matrix).items()
    }
    return EC57Result(
        matrix=matrix, beats=beats, standard=_standard(window, learning),
        record_id=record_id, **stats,
    )


def _outside(
    beat: NDArray[np.bool_], episodes: tuple[NDArray[np.int64], NDArray[np.int64]]
) -> NDArray[np.bool_]:
    """``beat`` where the annotation lies in no VF episode (of :func:`vf_episodes`)."""
    if not episodes[0].size:
        return beat
    return beat & ~inside(beat.size, *episodes)


def ec57_summary(results: Sequence[EC57Result]) -> EC57Summary:
    r"""Gross and average statistics over records, as ``sumstats`` on ``bxb -L`` lines.

    .. math::

        \text{gross} = \frac{\sum_k a_k}{\sum_k b_k}, \qquad
        \text{average} = \frac{1}{|K|} \sum_{k \in K} \frac{a_k}{b_k},
        \quad K = \{k : b_k > 0\}

    Parameters
    ----------
    results : sequence of EC57Result
        One per record, from :func:`ec57`.

    Returns
    -------
    EC57Summary
        ``matrix`` (the sum), ``gross`` (a :class:`BeatRatio` per statistic),
        ``average`` (an :class:`EC57Average` per statistic), ``standard`` (all records
        standard) and the record ids.

    Raises
    ------
    InvalidInputError
        If ``results`` is empty or holds something other than :class:`EC57Result`.

    Warns
    -----
    UndefinedMetricWarning
        A gross statistic with a zero pooled denominator, or an average with no record
        to average.

    Notes
    -----
    As ``sumstats``: a record whose denominator is 0 is left out of that average (the
    count averaged is ``n_records``), not counted as 0. SVEB +P (gross and average)
    is ``Ss / (Ss + Ns + Vs + Os)``: the ``-L`` line merges the F and Q rows, and
    ``sumstats`` leaves that column cell out, whereas ``bxb``'s per-record SVEB +P
    counts F beats labelled S as false positives. VEB FPR follows ``sumstats`` on
    ``bxb -l`` lines (the same cells as ``bxb``).

    References
    ----------
    .. [1] ANSI/AAMI EC57:2012, aggregate statistics (gross and average).
    .. [2] Moody GB. ``sumstats`` (``app/sumstats.c``), WFDB Software Package.

    Examples
    --------
    >>> ref, ref_sym = [1000, 2000, 3000], ["N", "V", "A"]
    >>> a = ec57(ref, ref_sym, [1000, 2000], ["A", "V"], fs=360, learning_period_s=0)
    >>> b = ec57(ref, ref_sym, ref, ref_sym, fs=360, learning_period_s=0)
    >>> s = ec57_summary([a, b])
    >>> s.gross["qrs_sensitivity"]  # (2 + 3) / (3 + 3)
    BeatRatio(numerator=5, denominator=6, value=0.8333333333333334,
              definition='ec57_qrs_sensitivity@gross')
    >>> s.average["qrs_sensitivity"].value  # (2/3 + 3/3) / 2
    0.8333333333333333
    >>> s.average["sveb_sensitivity"]  # (0/1 + 1/1) / 2
    EC57Average(value=0.5, n_records=2, definition='ec57_sveb_sensitivity@average')
    """
    if isinstance(results, EC57Result):  # list() of it: a bare "not iterable"
        raise InvalidInputError(
            "ec57_summary: results is one EC57Result; pass a sequence of them, one per "
            "record (for one record, [result])")
    items = list(results)
    if not items or not all(isinstance(r, EC57Result) for r in items):
        raise InvalidInputError(
            "ec57_summary: results must be a non-empty sequence of EC57Result (from ec57)"
        )
    func = "ec57_summary"
    matrix = np.sum([r.matrix for r in items], axis=0).astype(np.int64)
    gross = {
        name: _ratio(
            num, den, f"gross {name.replace('_', ' ')}", _WHY[name], func,
            f"ec57_{name}@gross",
        )
        for name, (num, den) in _counts(matrix, sumstats=True).items()
    }
    per_record = [_counts(r.matrix, sumstats=True) for r in items]
    average: dict[str, EC57Average] = {}
    for name in STATISTICS:
        values = [num / den for num, den in (c[name] for c in per_record) if den > 0]
        if values:
            average[name] = EC57Average(
                math.fsum(values) / len(values), len(values), f"ec57_{name}@average"
            )
        else:
            average[name] = EC57Average(
                warn_undefined(
                    f"{func}: average {name.replace('_', ' ')} is undefined: no record has a "
                    "non-zero denominator; returning NaN"
                ),
                0,
                f"ec57_{name}@average",
            )
    return EC57Summary(
        n_records=len(items), matrix=matrix, gross=gross, average=average,
        standard=all(r.standard for r in items),
        record_ids=tuple(r.record_id for r in items),
    )

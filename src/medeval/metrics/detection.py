r"""Lesion detection: detections matched to reference lesions, FROC, CPM, AP.

Per case, :func:`match_detections` decides which (reference lesion, detection) pairs are
*eligible* under a stated criterion —

- ``"iou"``: boxes, :math:`\mathrm{IoU}(B_r, B_d) \ge t`;
- ``"distance"``: points (or box centres), :math:`\lVert c_r - c_d \rVert \le \rho`
  in millimetres, with the voxel spacing;
- ``"inside"``: a labelled reference mask (one label per lesion) and detection points:
  the point's voxel belongs to the lesion —

and counts true positives one to one at every score threshold: detections are added in
decreasing score, and each one is a true positive exactly when it increases the maximum
one-to-one matching of eligible pairs (an augmenting path, as in the Hungarian method),
otherwise a false positive. So at *every* threshold the number of true positives is the
largest number of lesions that the detections at or above it can hit one to one, and a
high-scoring detection is never displaced by a low-scoring one (the inconsistency of
picai_eval issue 24). A detection that hits two lesions counts once.

:func:`froc` pools the cases: sensitivity (matched lesions over all reference lesions)
against false positives per case, where the number of cases includes lesion-free cases
(their detections are all false positives) and, when told so (``scored``), leaves out
the cases whose output was not scored (an algorithm failure counted as detecting
nothing: its lesions missed, no case added), sensitivity at stated FP rates, their mean
(the competition performance metric of LUNA16), and average precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import as_array, choice, warn_undefined
from ..errors import InvalidInputError
from ._eligibility import _eligibility, _number

__all__ = [
    "DetectionMatch",
    "FROC_RATES",
    "Froc",
    "case_scores",
    "froc",
    "match_detections",
]

Criterion = Literal["iou", "distance", "inside"]

#: The FP-per-case rates of LUNA16's competition performance metric.
FROC_RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class DetectionMatch:
    """The detections of one case, scored against its reference lesions.

    Attributes
    ----------
    scores : ndarray
        Detection scores in decreasing order (ties in input order).
    true_positive : ndarray of bool
        For each detection (same order), whether adding it increased the one-to-one
        matching: the count of True among the detections with score >= t is the number
        of lesions hit at threshold t.
    n_reference : int
        Reference lesions in the case (0 for a lesion-free case).
    pairs : ndarray
        The final one-to-one matching, rows ``(lesion index, detection index)`` with
        detection indices in the original input order.
    criterion : str
        The matching criterion used.
    """

    scores: NDArray[np.float64]
    true_positive: NDArray[np.bool_]
    n_reference: int
    pairs: NDArray[np.intp]
    criterion: str

    @property
    def lesion_free(self) -> bool:
        """No reference lesion in this case."""
        return self.n_reference == 0


def match_detections(
    reference: ArrayLike,
    detections: ArrayLike,
    scores: ArrayLike,
    *,
    criterion: Criterion,
    iou_threshold: float | None = None,
    max_distance_mm: float | None = None,
    spacing_mm: float | tuple[float, ...] | None = None,
) -> DetectionMatch:
    r"""Match one case's detections to its reference lesions, one to one, by score.

    Eligibility of the pair (lesion :math:`r`, detection :math:`d`):

    .. math::
        \text{iou:}\ \frac{|B_r \cap B_d|}{|B_r \cup B_d|} \ge t;\qquad
        \text{distance:}\ \sqrt{\textstyle\sum_i ((c_{r,i} - c_{d,i})\, s_i)^2} \le \rho;
        \qquad \text{inside:}\ M[\lfloor c_d + 1/2 \rfloor] = r
        \ \text{(a box: } M[\lfloor (lo_d + hi_d)/2 \rfloor] = r\text{)}.

    Detections are then added in decreasing score; a detection is a true positive when
    it enlarges the maximum one-to-one matching of eligible pairs (augmenting path).

    Parameters
    ----------
    reference : array-like
        ``"iou"``: boxes, shape (n, 2·dim), rows ``(lo_0, …, lo_{dim-1}, hi_0, …)``
        with ``hi > lo`` (half-open, in voxels or any unit shared with the
        detections); ``"distance"``: points, shape (n, dim), in voxel coordinates
        (box rows are accepted and their centres used); ``"inside"``: a labelled mask
        (0 background, lesion ``k`` has label ``k``; lesions are numbered by label).
    detections : array-like
        Boxes (``"iou"``) or points (``"distance"``, ``"inside"``; box rows give their
        centres), one row per detection; may be empty.
    scores : array-like
        One finite score per detection, higher meaning more confident.
    criterion : {"iou", "distance", "inside"}
        Required: the matching rule.
    iou_threshold : float
        :math:`t` in (0, 1], required with ``"iou"``.
    max_distance_mm : float
        :math:`\rho` >= 0, required with ``"distance"``.
    spacing_mm : float or sequence of float
        Voxel spacing in the coordinates' axis order, required with ``"distance"``.

    Returns
    -------
    DetectionMatch

    Raises
    ------
    InvalidInputError
        A missing parameter for the criterion; boxes with ``hi <= lo``; shapes that do
        not fit; non-finite scores or coordinates; a point outside the mask
        (``"inside"``); a labelled mask whose labels are not 1 to K (a label without a
        voxel would be a lesion never hit: 0/255 is 255 lesions), or a boolean mask of
        several separate regions (one label: one lesion).

    Notes
    -----
    A lesion-free case (no reference row, or a mask with no label) makes every detection
    a false positive. Equal scores are added as they come; the number of true positives
    after a group of tied scores does not depend on their order.

    References
    ----------
    Chakraborty DP, Winter LH. Free-response methodology: alternate analysis and a new
    observer-performance experiment. Radiology 1990;174:873-881.
    Setio AAA, Traverso A, de Bel T, et al. Validation, comparison, and combination of
    algorithms for automatic detection of pulmonary nodules in computed tomography
    images: the LUNA16 challenge. Med Image Anal 2017;42:1-13.

    Examples
    --------
    >>> ref = [[0, 0, 10, 10], [20, 20, 30, 30]]          # two lesions (boxes)
    >>> det = [[1, 1, 11, 11], [50, 50, 60, 60], [21, 19, 31, 29]]
    >>> m = match_detections(ref, det, [0.9, 0.8, 0.3], criterion="iou", iou_threshold=0.5)
    >>> m.scores.tolist(), m.true_positive.tolist()
    ([0.9, 0.8, 0.3], [True, False, True])
    """
    func = "match_detections"
    criterion = choice(criterion, ("iou", "distance", "inside"), name="criterion", func=func)  # type: ignore[assignment]
    score = as_array(scores, name="scores", func=func, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(score)):
        raise InvalidInputError(f"{func}: scores must be finite")
    eligible = _eligibility(reference, detections, score.size, criterion, iou_threshold,
                            max_distance_mm, spacing_mm, func)
    n_ref = eligible.shape[0]
    order = np.argsort(-score, kind="stable")
    lesion_of: dict[int, int] = {}  # detection -> lesion in the current matching
    detection_of: dict[int, int] = {}  # lesion -> detection
    hits = np.zeros(score.size, dtype=bool)
    for position, d in enumerate(order):
        hits[position] = _augment(int(d), eligible, lesion_of, detection_of, set())
    pairs = np.array(sorted(detection_of.items()), dtype=np.intp).reshape(-1, 2)
    return DetectionMatch(score[order], hits, n_ref, pairs, criterion)


def _augment(
    d: int,
    eligible: NDArray[np.bool_],
    lesion_of: dict[int, int],
    detection_of: dict[int, int],
    seen: set[int],
) -> bool:
    """Kuhn's augmenting path from detection ``d``; True when the matching grew."""
    for r in np.flatnonzero(eligible[:, d]).tolist():
        if r in seen:
            continue
        seen.add(r)
        if r not in detection_of or _augment(detection_of[r], eligible, lesion_of,
                                             detection_of, seen):
            detection_of[r] = d
            lesion_of[d] = r
            return True
    return False


def _match_list(matches: Any, func: str) -> list[DetectionMatch]:
    """``matches`` as a list, or refused where it is not a sequence of
    :class:`DetectionMatch` (one case's match alone, say), naming it, where its first use
    would raise a bare TypeError."""
    if isinstance(matches, DetectionMatch):
        raise InvalidInputError(
            f"{func}: matches is one DetectionMatch; pass a sequence of them, one per "
            "case (for one case, [match])")
    if isinstance(matches, (str, bytes)) or not hasattr(matches, "__iter__"):
        raise InvalidInputError(
            f"{func}: matches must be a sequence of DetectionMatch (from "
            f"match_detections), one per case, got {type(matches).__name__}")
    listed = list(matches)
    other = [i for i, m in enumerate(listed) if not isinstance(m, DetectionMatch)]
    if other:
        raise InvalidInputError(
            f"{func}: matches must hold DetectionMatch records (from match_detections); "
            f"position(s) {other[:10]} hold something else, e.g. "
            f"{type(listed[other[0]]).__name__}")
    return listed


@dataclass(frozen=True)
class Froc:
    """A free-response ROC curve pooled over cases, and its summaries.

    Attributes
    ----------
    thresholds : ndarray
        Distinct detection scores, decreasing; point ``k`` counts detections with score
        >= ``thresholds[k]``.
    sensitivity : ndarray
        Lesion sensitivity at each threshold.
    fp_per_case : ndarray
        Mean false positives per case at each threshold, over the scored cases
        (lesion-free ones included; every case unless :func:`froc` was given ``scored``).
    sensitivity_at : dict
        FP rate -> sensitivity at that rate (see :func:`froc`).
    cpm : float
        Mean of ``sensitivity_at`` (competition performance metric).
    average_precision : float
        Step-wise area under the precision–lesion-recall curve.
    n_cases, n_lesions, n_lesion_free_cases : int
        The cases pooled (scored or not), their reference lesions (the sensitivity's
        denominator) and the lesion-free ones among them.
    interpolation : str
        How ``sensitivity_at`` was read off the curve.
    n_scored_cases : int or None
        The cases the false positives per case are over (the scored ones); None on a
        record made without it, whose ``fp_per_case`` is over ``n_cases``.
    """

    thresholds: NDArray[np.float64]
    sensitivity: NDArray[np.float64]
    fp_per_case: NDArray[np.float64]
    sensitivity_at: dict[float, float]
    cpm: float
    average_precision: float
    n_cases: int
    n_lesions: int
    n_lesion_free_cases: int
    interpolation: str
    n_scored_cases: int | None = None


def froc(
    matches: Sequence[DetectionMatch],
    *,
    fp_rates: Sequence[float] = FROC_RATES,
    interpolation: Literal["step", "linear"] = "step",
    scored: ArrayLike | None = None,
) -> Froc:
    r"""Free-response ROC over cases: lesion sensitivity against false positives per case.

    With :math:`L` reference lesions (of every case) and :math:`C` scored cases
    (lesion-free cases included; every case unless ``scored`` says otherwise), at each
    threshold :math:`t` (a distinct score):

    .. math::
        \mathrm{Se}(t) = \frac{\sum_c TP_c(t)}{L},\qquad
        \mathrm{FPC}(t) = \frac{\sum_c FP_c(t)}{C},\qquad
        \mathrm{CPM} = \frac{1}{|R|}\sum_{r \in R} \mathrm{Se}@r

    and average precision :math:`\sum_k (R_k - R_{k-1}) P_k` with recall
    :math:`R = \mathrm{Se}` and precision :math:`TP / (TP + FP)` (no interpolation).

    Parameters
    ----------
    matches : sequence of DetectionMatch
        One per case, from :func:`match_detections` — every case, with or without
        lesions or detections.
    fp_rates : sequence of float
        FP-per-case rates at which to read the sensitivity (default LUNA16's 1/8 … 8).
    interpolation : {"step", "linear"}
        ``"step"`` (default): the sensitivity of the operating point with the most false
        positives per case not above the rate — an operating point the algorithm
        achieves; ``"linear"``: linear interpolation between operating points in FP per
        case, as LUNA16's evaluation script (``numpy.interp``).
    scored : array-like of bool, optional
        One per case: whether the case's output was scored. A case not scored (an
        algorithm failure counted as detecting nothing, as a worst case) keeps its
        reference lesions, all missed, in the sensitivity's denominator, but is not a
        case of the false positives per case: counted there with no false positive of
        its own it would lower the rate, and the failure would raise the sensitivity at
        a given rate. It must have no detection. Default: every case scored (FP per
        case over all cases).

    Returns
    -------
    Froc

    Raises
    ------
    InvalidInputError
        No case; a negative rate; an unknown interpolation; ``scored`` not one bool per
        case, or a case not scored that has detections.

    Warns
    -----
    UndefinedMetricWarning
        No reference lesion in any case: sensitivity, CPM and AP are NaN. (No case
        scored: there is no detection, so the sensitivity at every rate, the CPM and AP
        are 0.)

    Notes
    -----
    Before the first threshold the curve starts at (0 FP/case, Se 0); a rate below the
    first operating point's FP/case reads 0 with ``"step"``. A rate beyond the last
    operating point reads the last sensitivity (no more detections exist). Adding
    lesion-free cases lowers FP per case for the same detections — by design: FP per
    case is over all cases the algorithm ran on (nnDetection issue 272) and whose
    output was scored (a case it failed on is not a case with no false positive).

    Against LUNA16's evaluation script (``noduleCADEvaluationLUNA16.py``): with
    ``interpolation="linear"`` and :func:`match_detections` by ``"distance"``, the
    sensitivities at the rates and the CPM are LUNA16's on a set where no lesion is hit
    by two detections and no detection hits two lesions (``tests/metrics/
    test_detection_luna16.py`` re-counts LUNA16's way). Otherwise the counting differs,
    by definition (one to one, as in Chakraborty's FROC): (1) a second detection on a
    lesion already hit is a false positive here, where LUNA16 ignores it (neither hit
    nor false positive; the lesion takes its highest-scoring candidate); (2) a detection
    within two lesions hits one of them here, both in LUNA16; (3) a detection exactly at
    ``max_distance_mm`` hits here (``<=``), LUNA16 needs it strictly within the radius
    (``<``); (4) LUNA16's radius is each nodule's own (its diameter / 2), here one
    ``max_distance_mm`` for every lesion; (5) LUNA16 ignores the candidates on its
    "irrelevant findings" (excluded nodules); here there is no such region: remove
    those detections before, or count them. The default ``interpolation="step"`` reads
    an achieved operating point instead of LUNA16's straight line between two.

    References
    ----------
    Chakraborty DP. Maximum likelihood analysis of free-response receiver operating
    characteristic (FROC) data. Med Phys 1989;16:561-568.
    Setio AAA, et al. The LUNA16 challenge. Med Image Anal 2017;42:1-13.

    Examples
    --------
    >>> a = match_detections([[0, 0, 10, 10]], [[0, 0, 10, 10], [40, 40, 50, 50]],
    ...                      [0.9, 0.6], criterion="iou", iou_threshold=0.5)
    >>> b = match_detections(np.zeros((0, 4)), [[5, 5, 9, 9]], [0.7],
    ...                      criterion="iou", iou_threshold=0.5)
    >>> f = froc([a, b], fp_rates=[0.5, 1.0])
    >>> f.sensitivity.tolist(), f.fp_per_case.tolist()
    ([1.0, 1.0, 1.0], [0.0, 0.5, 1.0])
    >>> f.sensitivity_at, f.cpm
    ({0.5: 1.0, 1.0: 1.0}, 1.0)
    """
    func = "froc"
    interpolation = choice(interpolation, ("step", "linear"), name="interpolation", func=func)  # type: ignore[assignment]
    matches = _match_list(matches, func)
    if len(matches) == 0:
        raise InvalidInputError(f"{func}: needs at least one case")
    rates = [float(r) for r in fp_rates]
    if any(not r >= 0 for r in rates):
        raise InvalidInputError(f"{func}: fp_rates must be >= 0, got {list(fp_rates)}")
    n_cases = len(matches)
    if scored is None:
        counted = np.ones(n_cases, dtype=bool)
    else:
        counted = np.asarray(scored)
        if counted.shape != (n_cases,) or counted.dtype != np.bool_:
            raise InvalidInputError(
                f"{func}: scored must be one bool per case ({n_cases}), got "
                f"{counted.dtype} of shape {counted.shape}")
        busy = [i for i, m in enumerate(matches) if not counted[i] and m.scores.size]
        if busy:
            raise InvalidInputError(
                f"{func}: case(s) {busy[:10]} are not scored but have detections: a case "
                "not scored detected nothing")
    n_scored = int(counted.sum())
    n_lesions = sum(m.n_reference for m in matches)
    lesion_free = sum(m.lesion_free for m in matches)
    scores = np.concatenate([m.scores for m in matches]) if n_cases else np.zeros(0)
    hits = np.concatenate([m.true_positive for m in matches]).astype(np.int64)
    order = np.argsort(-scores, kind="stable")
    scores, hits = scores[order], hits[order]
    last = np.ones(scores.size, dtype=bool)
    last[:-1] = scores[1:] != scores[:-1]
    tp = np.cumsum(hits)[last]
    fp = np.cumsum(1 - hits)[last]
    thresholds = scores[last]
    fp_per_case = fp / n_scored if n_scored else fp.astype(float)  # none scored: empty
    if n_lesions == 0:
        warn_undefined(f"{func}: no reference lesion in any case; sensitivity is undefined")
        sensitivity = np.full(thresholds.size, math.nan)
        at = {r: math.nan for r in rates}
        return Froc(thresholds, sensitivity, fp_per_case, at, math.nan, math.nan, n_cases,
                    0, lesion_free, interpolation, n_scored)
    sensitivity = tp / n_lesions
    # no case scored: no detection at all (a case not scored has none), so the curve is
    # its origin alone and the sensitivity at every rate 0, whatever the rate's
    # denominator: a worst case that failed every case detected nothing
    curve_fp = np.concatenate([[0.0], fp_per_case])
    curve_se = np.concatenate([[0.0], sensitivity])
    at = {}
    for r in rates:
        if interpolation == "step":
            at[r] = float(curve_se[np.searchsorted(curve_fp, r, side="right") - 1])
        else:
            at[r] = float(np.interp(r, curve_fp, curve_se))
    precision = tp / (tp + fp)
    recall_step = np.diff(np.concatenate([[0.0], sensitivity]))
    ap = float(np.sum(recall_step * precision))
    cpm = float(np.mean(list(at.values()))) if at else math.nan
    return Froc(thresholds, sensitivity, fp_per_case, at, cpm, ap, n_cases, n_lesions,
                lesion_free, interpolation, n_scored)


def case_scores(
    matches: Sequence[DetectionMatch], *, no_detection_score: float = 0.0
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    r"""Case-level labels and scores for a ROC analysis of detection output.

    .. math:: y_c = [L_c > 0],\qquad s_c = \max_d s_{c,d}

    Parameters
    ----------
    matches : sequence of DetectionMatch
        One per case.
    no_detection_score : float
        The score of a case without any detection (default 0, for scores that are
        probabilities; choose one below every detection score otherwise).

    Returns
    -------
    y_true, y_score : ndarray
        Whether each case holds a lesion, and its highest detection score.

    Raises
    ------
    InvalidInputError
        A non-finite ``no_detection_score``; one above the highest score of a case with
        detections while some case has none (scores such as logits below 0 with the
        default 0): the case without any detection would rank above a case with one.

    Notes
    -----
    Feed the two arrays to :func:`~medeval.stats.auc_ci`. A case-level score ignores
    where the detection is: a false positive elsewhere in a lesion case counts as a hit
    here, unlike in :func:`froc`.

    References
    ----------
    Chakraborty DP. Med Phys 1989;16:561-568 (highest-rating inferred ROC).

    Examples
    --------
    >>> a = match_detections([[1, 1]], [[1, 1]], [0.8], criterion="distance",
    ...                      max_distance_mm=1.0, spacing_mm=1.0)
    >>> b = match_detections(np.zeros((0, 2)), np.zeros((0, 2)), [], criterion="distance",
    ...                      max_distance_mm=1.0, spacing_mm=1.0)
    >>> y, s = case_scores([a, b])
    >>> y.tolist(), s.tolist()
    ([True, False], [0.8, 0.0])
    """
    matches = _match_list(matches, "case_scores")
    if not math.isfinite(_number(no_detection_score)):  # text or None: NaN, refused here
        raise InvalidInputError(
            f"case_scores: no_detection_score must be a finite number, got "
            f"{no_detection_score!r}")
    y = np.array([not m.lesion_free for m in matches], dtype=bool)
    s = np.array([float(m.scores.max()) if m.scores.size else float(no_detection_score)
                  for m in matches])
    detected = np.array([m.scores.size > 0 for m in matches], dtype=bool)
    if detected.any() and not detected.all():
        lowest = float(s[detected].min())
        if lowest < no_detection_score:
            raise InvalidInputError(
                f"case_scores: no_detection_score={no_detection_score!r} is above the score "
                f"{lowest!r} of a case with detections, so the {int((~detected).sum())} "
                "case(s) without any detection would rank above it (scores that are not "
                "probabilities, e.g. logits, with the default 0); pass a no_detection_score "
                f"at or below every case's highest score, e.g. {math.floor(lowest) - 1}"
            )
    return y, s

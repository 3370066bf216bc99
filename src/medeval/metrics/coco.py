r"""COCO detection AP and AR, as pycocotools' ``COCOeval`` computes them, vectorised.

Polyp and lesion detectors are reported as COCO AP: the twelve figures of
``COCOeval.summarize`` (AP over IoU 0.50:0.05:0.95, at 0.50 and 0.75, for small, medium
and large objects; AR with 1, 10 and 100 detections per image, and per size).
:func:`coco_detection` computes them from a COCO ground-truth dict and a COCO results
list, box IoU (``"bbox"``) or mask IoU (``"segm"``), equal to pycocotools' ``stats`` to
1e-12 (tested against it), with AP per category and the per-image match data from which
:func:`coco_ap_resampled` recomputes any of the figures on weighted resamples of the
images, and :func:`coco_ap_ci` gives a bootstrap interval over images or patients.

Where pycocotools prints -1 (no reference object in an area range, in any category)
medeval returns NaN with an :class:`~medeval.errors.UndefinedMetricWarning`: a -1 is a
number that an average or a criterion would take at face value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validation import choice, warn_undefined
from ..errors import InvalidInputError
from ..stats.estimate import Estimate
from ._coco_accumulate import curves, mean_defined, threshold_index
from ._coco_input import read_coco
from ._coco_match import (
    AREA_LABELS,
    AREA_RANGES,
    IOU_THRESHOLDS,
    MAX_DETECTIONS,
    candidate_pairs,
    greedy_match,
    rank_detections,
)

__all__ = [
    "COCO_SUMMARIES",
    "CocoDetection",
    "CocoMatches",
    "coco_ap_ci",
    "coco_ap_resampled",
    "coco_detection",
]

IouType = Literal["bbox", "segm"]

#: The twelve figures of ``COCOeval.stats``, in its order: name -> (AP?, IoU threshold
#: or None for all ten, area range, detections per image).
COCO_SUMMARIES: dict[str, tuple[bool, float | None, str, int]] = {
    "ap": (True, None, "all", 100),
    "ap50": (True, 0.5, "all", 100),
    "ap75": (True, 0.75, "all", 100),
    "ap_small": (True, None, "small", 100),
    "ap_medium": (True, None, "medium", 100),
    "ap_large": (True, None, "large", 100),
    "ar1": (False, None, "all", 1),
    "ar10": (False, None, "all", 10),
    "ar100": (False, None, "all", 100),
    "ar_small": (False, None, "small", 100),
    "ar_medium": (False, None, "medium", 100),
    "ar_large": (False, None, "large", 100),
}


#: The area ranges of ``COCOeval`` (``areaRng``, in px², bounds included) in words, as
#: the notes of this module and of the ``coco-detection`` task print them.
AREA_WORDS = {"all": "", "small": " of area <= 32² px", "medium": " of area 32² to 96² px",
               "large": " of area >= 96² px"}


@dataclass(frozen=True, eq=False)
class CocoMatches:
    """Per-image match data: what a resample of images needs to recompute every figure.

    Detections are those evaluated (the 100 best of each image and category, in listed
    categories), sorted by category, decreasing score, image, rank.

    Attributes
    ----------
    image_ids : ndarray
        The reference's image ids, increasing: the resampling units' order (column ``i``
        of a weight matrix is image ``image_ids[i]``).
    category_ids : ndarray
        The reference's category ids, increasing.
    det_image, det_category : ndarray of int
        Each detection's image and category, as indices into the two id arrays.
    det_score : ndarray
        Scores.
    det_rank : ndarray of int
        Rank within its image and category (0 = highest score; ties in results order).
    true_positive, false_positive : ndarray of bool, shape (10, 4, n)
        Per IoU threshold (0.50 ... 0.95) and area range (all, small, medium, large);
        a detection that is neither is ignored (matched to a crowd region or to an
        object outside the area range, or unmatched and itself outside it).
    counted : ndarray of float, shape (n_images, n_categories, 4)
        Reference objects counted per image, category and area range (not crowd, area
        inside the range).
    """

    image_ids: NDArray[np.int64]
    category_ids: NDArray[np.int64]
    det_image: NDArray[np.intp]
    det_category: NDArray[np.intp]
    det_score: NDArray[np.float64]
    det_rank: NDArray[np.intp]
    true_positive: NDArray[np.bool_]
    false_positive: NDArray[np.bool_]
    counted: NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CocoDetection:
    """COCO detection figures; the first twelve attributes are ``COCOeval.stats`` in order.

    Attributes
    ----------
    ap, ap50, ap75, ap_small, ap_medium, ap_large : float
        Average precision (101-point interpolated) over IoU 0.50:0.05:0.95, at 0.50, at
        0.75, and for small (area <= 32²), medium (32² ... 96²) and large (>= 96²)
        objects; 100 detections per image; mean over categories with reference objects.
    ar1, ar10, ar100, ar_small, ar_medium, ar_large : float
        Average recall over IoU 0.50:0.05:0.95 with 1, 10, 100 detections per image, and
        per object size (100 detections).
    ap_per_category : dict
        Category id -> AP (IoU 0.50:0.95, all areas, 100 detections); NaN for a category
        without reference objects.
    precision : ndarray, shape (10, 101, K, 4, 3)
        ``COCOeval.eval["precision"]`` with NaN where pycocotools writes -1.
    recall : ndarray, shape (10, K, 4, 3)
        ``COCOeval.eval["recall"]`` likewise.
    matches : CocoMatches
        Per-image data for resampling (:func:`coco_ap_resampled`, :func:`coco_ap_ci`).
    iou_type : str
        ``"bbox"`` or ``"segm"``.
    n_images, n_reference, n_detections : int
        Images of the reference; its non-crowd objects; detections evaluated.
    n_unlisted_detections : int
        Detections left out because their category is not in the reference (as
        ``COCOeval`` leaves them out).
    """

    ap: float
    ap50: float
    ap75: float
    ap_small: float
    ap_medium: float
    ap_large: float
    ar1: float
    ar10: float
    ar100: float
    ar_small: float
    ar_medium: float
    ar_large: float
    ap_per_category: dict[int, float]
    # kept out of the repr: a notebook printing the figures got pages of arrays (10 x
    # 101 x K x 4 x 3 precisions and every detection's matches)
    precision: NDArray[np.float64] = field(repr=False)
    recall: NDArray[np.float64] = field(repr=False)
    matches: CocoMatches = field(repr=False)
    iou_type: str
    n_images: int
    n_reference: int
    n_detections: int
    n_unlisted_detections: int

    #: Attribute -> definition id in :mod:`medeval.definitions`.
    definitions: ClassVar[dict[str, str]] = {name: f"coco_{name}" for name in COCO_SUMMARIES}
    higher_is_better: ClassVar[bool] = True

    @property
    def stats(self) -> tuple[float, ...]:
        """The twelve figures in ``COCOeval.stats`` order (NaN where it has -1)."""
        return tuple(float(getattr(self, name)) for name in COCO_SUMMARIES)


def coco_detection(
    reference: Any, detections: Any, *, iou_type: IouType = "bbox"
) -> CocoDetection:
    r"""COCO AP and AR of detections against a COCO ground truth (pycocotools' COCOeval).

    Per category :math:`k`, area range :math:`a`, limit :math:`M` of detections per
    image and IoU threshold :math:`t \in \{0.50, 0.55, \ldots, 0.95\}`, detections are
    matched greedily per image (decreasing score; each takes the free reference object
    of highest IoU :math:`\ge t`; crowd regions, with IoU = intersection / detection
    area, and objects outside the area range are matched but ignored), pooled over
    images in decreasing score, and with :math:`N` counted objects

    .. math::
        p_j = \frac{TP_j}{TP_j + FP_j},\quad r_j = \frac{TP_j}{N},\quad
        \mathrm{AP}_{k,t} = \frac{1}{101}\sum_{\rho \in \{0, 0.01, \ldots, 1\}}
        \max_{j:\, r_j \ge \rho} p_j,\qquad
        \mathrm{AR}_{k,t} = r_{\mathrm{last}},

    (a max over no point is 0); AP is the mean of :math:`\mathrm{AP}_{k,t}` over the ten
    thresholds and the categories with :math:`N > 0`, AR likewise.

    Parameters
    ----------
    reference : dict or path
        A COCO dataset (``images``, ``annotations``, ``categories``) or its JSON file.
        Annotations need ``id`` (integers from 1), ``image_id``, ``category_id``,
        ``area`` and a ``bbox`` ``[x, y, w, h]`` (``"bbox"``) or a ``segmentation``
        (polygons or RLE; ``"segm"``, with the images' ``height`` and ``width``);
        ``iscrowd`` defaults to 0.
    detections : list of dict or path
        COCO results: ``image_id``, ``category_id``, ``score`` and ``bbox`` (or, for
        ``"segm"``, ``segmentation``); may be empty.
    iou_type : {"bbox", "segm"}
        Box IoU (computed here as pycocotools' C code does) or mask IoU
        (``pycocotools.mask.iou``).

    Returns
    -------
    CocoDetection

    Raises
    ------
    InvalidInputError
        An unreadable file; a missing field; non-integer or duplicate ids; annotation id
        0; a reference annotation on an unlisted image or category; a detection on an
        image not in the reference; non-finite boxes or scores, negative box sizes;
        ``"segm"`` results of which some carry a bbox and some do not; (``"segm"``) a
        polygon, of the reference or of a result, with a vertex not finite or more than
        its image's own width or height outside it, named by position, annotation id and
        image id (pycocotools would rasterise a vertex at 1e9 px at a cost of tens of GB;
        the check is the ``coco-detection`` task's own).

    Warns
    -----
    UndefinedMetricWarning
        A figure without any counted reference object (every category empty in that
        area range; pycocotools prints -1): NaN. A category without reference objects:
        its AP is NaN (left out of the mean, as pycocotools does).

    Notes
    -----
    Equal to ``COCOeval(gt, dt, iou_type)``'s ``evaluate(); accumulate(); summarize()``
    ``stats`` with default parameters, to 1e-12, with these stated answers:

    - no detection at all: AP and AR 0 where there are objects (pycocotools' ``loadRes``
      cannot load an empty list; its COCOeval on an empty result set gives the same);
    - images without objects count through their detections (false positives);
    - tied scores: a stable sort, ties in the results' order within an image and in
      increasing image id across images, exactly as pycocotools' mergesort;
    - a category listed without objects has AP NaN and is left out of the means;
      detections of an unlisted category are left out (``n_unlisted_detections``);
    - a detection's area (for the area ranges) is w x h of its box; for ``"segm"``
      results without a bbox, the mask's area.

    References
    ----------
    Lin T-Y, Maire M, Belongie S, et al. Microsoft COCO: common objects in context.
    ECCV 2014, LNCS 8693:740-755.
    COCO detection evaluation, https://cocodataset.org/#detection-eval; pycocotools
    ``cocoeval.py`` (Dollár P, Lin T-Y, 2015).

    Examples
    --------
    Three objects (small, medium, large), a false positive scored above both hits: at
    every threshold the points are (P, R) = (0, 0), (1/2, 1/3), (2/3, 2/3), so the
    interpolated precision is 2/3 up to recall 0.66 (67 of 101 points): AP = 134/303.

    >>> boxes = {1: [0, 0, 10, 10], 2: [50, 50, 40, 40], 3: [0, 0, 100, 100]}
    >>> gt = {"images": [{"id": 1}, {"id": 2}], "categories": [{"id": 7}],
    ...       "annotations": [{"id": i, "image_id": 1 if i < 3 else 2, "category_id": 7,
    ...                        "bbox": b, "area": b[2] * b[3]} for i, b in boxes.items()]}
    >>> dt = [{"image_id": 1, "category_id": 7, "bbox": boxes[1], "score": 0.9},
    ...       {"image_id": 2, "category_id": 7, "bbox": boxes[3], "score": 0.8},
    ...       {"image_id": 2, "category_id": 7, "bbox": [120, 120, 20, 20], "score": 0.95}]
    >>> r = coco_detection(gt, dt)
    >>> [round(x, 4) for x in (r.ap, 134 / 303, r.ap_small, r.ap_medium, r.ap_large)]
    [0.4422, 0.4422, 0.5, 0.0, 1.0]
    >>> round(r.ar100, 4), round(r.ar1, 4), r.ap_per_category == {7: r.ap}
    (0.6667, 0.3333, True)
    """
    func = "coco_detection"
    iou_type = choice(iou_type, ("bbox", "segm"), name="iou_type", func=func)  # type: ignore[assignment]
    data = read_coco(reference, detections, iou_type, func)
    dets, rank = rank_detections(data)
    pairs = candidate_pairs(data, dets, iou_type)
    tp, fp, counted_gt = greedy_match(data, dets, rank, pairs)
    n_img, n_cat = data.image_ids.size, data.category_ids.size
    counted = np.zeros((n_img, n_cat, len(AREA_RANGES)))
    for a in range(len(AREA_RANGES)):
        np.add.at(counted[:, :, a], (data.gt_image[counted_gt[a]],
                                     data.gt_category[counted_gt[a]]), 1.0)
    order = np.lexsort((rank, data.dt_image[dets], -data.dt_score[dets],
                        data.dt_category[dets]))
    matches = CocoMatches(
        image_ids=data.image_ids, category_ids=data.category_ids,
        det_image=data.dt_image[dets][order], det_category=data.dt_category[dets][order],
        det_score=data.dt_score[dets][order], det_rank=rank[order],
        true_positive=tp[:, :, order], false_positive=fp[:, :, order], counted=counted,
    )
    precision, recall = _curves(matches, np.ones((1, n_img)), range(IOU_THRESHOLDS.size),
                                range(len(AREA_RANGES)), MAX_DETECTIONS)
    figures = {name: float(_summary(matches, name, precision, recall)[0])
               for name in COCO_SUMMARIES}
    per_category = {}
    for k, cat in enumerate(data.category_ids.tolist()):
        block = precision[0, :, :, k, 0, -1]
        per_category[int(cat)] = math.nan if np.isnan(block).all() else float(block.mean())
    _warn_undefined(figures, per_category, func)
    return CocoDetection(
        **figures, ap_per_category=per_category, precision=precision[0], recall=recall[0],
        matches=matches, iou_type=iou_type, n_images=n_img,
        n_reference=int((~data.gt_crowd).sum()), n_detections=int(dets.size),
        n_unlisted_detections=data.n_unlisted,
    )


def _curves(matches: CocoMatches, weights: NDArray[np.float64], thresholds: Any,
            areas: Any, max_dets: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return curves(matches.det_category, matches.det_image, matches.det_score,
                  matches.det_rank, matches.true_positive, matches.false_positive,
                  matches.counted, weights, thresholds=list(thresholds),
                  areas=list(areas), max_dets=list(max_dets))


def _summary(matches: CocoMatches, name: str, precision: NDArray[np.float64],
             recall: NDArray[np.float64]) -> NDArray[np.float64]:
    """One figure per resample from full-size curves (all thresholds, areas, limits)."""
    is_ap, iou, area, limit = COCO_SUMMARIES[name]
    a, m = AREA_LABELS.index(area), MAX_DETECTIONS.index(limit)
    t = None if iou is None else threshold_index(iou)
    return mean_defined(precision[..., a, m], recall[..., a, m], use_precision=is_ap,
                   threshold=t)


def _warn_undefined(figures: Mapping[str, float], per_category: Mapping[int, float],
                    func: str) -> None:
    empty = [name for name, value in figures.items() if math.isnan(value)]
    no_objects = [cat for cat, value in per_category.items() if math.isnan(value)]
    parts = []
    if empty:
        parts.append(f"no reference object (not crowd) in the area range of {empty}: "
                     "NaN (pycocotools prints -1)")
    if no_objects:
        parts.append(f"categories {no_objects} have no reference object: their AP is NaN "
                     "and left out of the means")
    if parts:
        warn_undefined(f"{func}: " + "; ".join(parts))


def _check_result(result: Any, func: str) -> None:
    """Refuse what is not :func:`coco_detection`'s record (the reference dataset, say),
    where ``result.matches`` would raise a bare AttributeError."""
    if not isinstance(result, CocoDetection):
        raise InvalidInputError(
            f"{func}: result must be the CocoDetection that coco_detection(reference, "
            f"detections) returns, got {type(result).__name__}")


def coco_ap_resampled(
    result: CocoDetection, weights: ArrayLike, *, summary: str = "ap"
) -> NDArray[np.float64]:
    r"""A COCO figure recomputed on weighted resamples of the images.

    Row :math:`b` of ``weights`` gives each image an integer frequency :math:`w_{b,i}`;
    the figure is :func:`coco_detection`'s on the data set in which image :math:`i`
    appears :math:`w_{b,i}` times, its copies together at its place in the image order:

    .. math::
        N_b = \sum_i w_{b,i} N_i,\qquad
        TP_{b,j} = \sum_{j' \le j} w_{b,i(j')}\,[\text{TP}_{j'}],\qquad
        \mathrm{AP}_b = \frac{1}{101}\sum_\rho \max_{j:\,TP_{b,j} \ge \rho N_b}
        \frac{TP_{b,j}}{TP_{b,j} + FP_{b,j}}

    (averaged over thresholds and categories as in :func:`coco_detection`).

    Parameters
    ----------
    result : CocoDetection
        From :func:`coco_detection`.
    weights : array-like, shape (b, n_images) or (n_images,)
        Non-negative integer frequencies, columns in ``result.matches.image_ids`` order
        (as :func:`medeval.stats.bootstrap_ci` passes them to a callable statistic).
    summary : str
        One of ``COCO_SUMMARIES``: ``"ap"`` (default), ``"ap50"``, ``"ap75"``,
        ``"ap_small"``, ... ``"ar_large"``.

    Returns
    -------
    ndarray of shape (b,)
        NaN for a resample without any counted reference object (no warning: the
        bootstrap counts such resamples).

    Raises
    ------
    InvalidInputError
        An unknown summary; weights of the wrong shape, negative or not integers.

    Notes
    -----
    Weights of 1 everywhere give exactly ``getattr(result, summary)`` (the same
    arithmetic). Tied scores are placed as pycocotools would place them in the expanded
    data set: across images by image order, copies of an image together; the tied
    detections of one image repeat as a block per copy.

    References
    ----------
    Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall 1993.
    Lin T-Y, et al. Microsoft COCO: common objects in context. ECCV 2014.

    Examples
    --------
    The data of :func:`coco_detection`'s example; image 1 alone has one hit and two
    objects (AP = 51/101: precision 1 up to recall 0.5), image 2 alone a false positive
    then a hit (AP = 1/2):

    >>> boxes = {1: [0, 0, 10, 10], 2: [50, 50, 40, 40], 3: [0, 0, 100, 100]}
    >>> gt = {"images": [{"id": 1}, {"id": 2}], "categories": [{"id": 7}],
    ...       "annotations": [{"id": i, "image_id": 1 if i < 3 else 2, "category_id": 7,
    ...                        "bbox": b, "area": b[2] * b[3]} for i, b in boxes.items()]}
    >>> dt = [{"image_id": 1, "category_id": 7, "bbox": boxes[1], "score": 0.9},
    ...       {"image_id": 2, "category_id": 7, "bbox": boxes[3], "score": 0.8},
    ...       {"image_id": 2, "category_id": 7, "bbox": [120, 120, 20, 20], "score": 0.95}]
    >>> r = coco_detection(gt, dt)
    >>> ap = coco_ap_resampled(r, [[1, 1], [1, 0], [0, 1]])
    >>> bool(ap[0] == r.ap), [round(float(x), 4) for x in (ap[1], 51 / 101, ap[2])]
    (True, [0.505, 0.505, 0.5])
    """
    func = "coco_ap_resampled"
    _check_result(result, func)
    summary = choice(summary, tuple(COCO_SUMMARIES), name="summary", func=func)
    matches = result.matches
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        w = w[None, :]
    n_img = matches.image_ids.size
    if w.ndim != 2 or w.shape[1] != n_img:
        raise InvalidInputError(
            f"{func}: weights must have one column per image ({n_img}), got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)) or (w < 0).any() or (w != np.round(w)).any():
        raise InvalidInputError(f"{func}: weights must be non-negative integers")
    is_ap, iou, area, limit = COCO_SUMMARIES[summary]
    thresholds = range(IOU_THRESHOLDS.size) if iou is None else [threshold_index(iou)]
    precision, recall = _curves(matches, w, thresholds, [AREA_LABELS.index(area)], [limit])
    return _reduce(precision[..., 0, 0], recall[..., 0, 0], is_ap)


def _reduce(precision: NDArray[np.float64], recall: NDArray[np.float64], is_ap: bool
            ) -> NDArray[np.float64]:
    return mean_defined(precision, recall, use_precision=is_ap, threshold=None)


def coco_ap_ci(
    result: CocoDetection,
    *,
    seed: int | np.random.Generator,
    summary: str = "ap",
    clusters: ArrayLike | Mapping[int, Any] | None = None,
    method: Literal["percentile", "bca"] = "percentile",
    confidence: float = 0.95,
    n_resamples: int = 2000,
) -> Estimate:
    r"""Bootstrap interval of a COCO figure over images, or over patients.

    Resamples images (with ``clusters``: whole patients with all their images) with
    replacement, :math:`B` times, and recomputes the figure on each resample with
    :func:`coco_ap_resampled`; the interval is :func:`medeval.stats.bootstrap_ci`'s:

    .. math::
        [\,Q(\alpha/2),\ Q(1 - \alpha/2)\,]\ \text{of}\ \{\mathrm{AP}_b\}_{b=1}^{B}
        \quad\text{(percentile), or BCa.}

    Parameters
    ----------
    result : CocoDetection
        From :func:`coco_detection`.
    seed : int or numpy.random.Generator
        Required: the same seed gives the same interval.
    summary : str
        Which figure (``COCO_SUMMARIES``), default ``"ap"``.
    clusters : array-like or mapping, optional
        The patient of each image: one value per image in ``result.matches.image_ids``
        order, or a mapping image id -> patient id covering every image.
    method : {"percentile", "bca"}
        The interval. BCa's jackknife recomputes the figure once per unit left out.
    confidence : float
        Confidence level in (0, 1).
    n_resamples : int
        Number of resamples (at least 100).

    Returns
    -------
    Estimate
        ``value`` equals ``getattr(result, summary)``; ``n`` is the number of images.

    Raises
    ------
    InvalidInputError
        As :func:`medeval.stats.bootstrap_ci`; a mapping without some image.

    Warns
    -----
    UndefinedMetricWarning
        As :func:`medeval.stats.bootstrap_ci` (e.g. resamples without any reference
        object are left out and counted).

    Notes
    -----
    The unit of resampling is the image (or the patient), never the detection: the
    detections of an image, and its objects, travel together.

    References
    ----------
    Efron B, Tibshirani RJ. An Introduction to the Bootstrap. Chapman & Hall 1993,
    ch. 13 and 16.

    Examples
    --------
    >>> sizes = {1: 10, 2: 50, 3: 100, 4: 20}
    >>> gt = {"images": [{"id": i} for i in sizes], "categories": [{"id": 1}],
    ...       "annotations": [{"id": i, "image_id": i, "category_id": 1, "area": s * s,
    ...                        "bbox": [0, 0, s, s]} for i, s in sizes.items()]}
    >>> dt = [{"image_id": i, "category_id": 1, "bbox": [i - 1, 0, s, s],
    ...        "score": 1 - i / 10} for i, s in sizes.items()]
    >>> r = coco_detection(gt, dt)
    >>> e = coco_ap_ci(r, seed=1, clusters={1: "a", 2: "a", 3: "b", 4: "c"})
    >>> e.value == r.ap, e.low <= e.value <= e.high, e.method
    (True, True, 'bootstrap-percentile')
    """
    func = "coco_ap_ci"
    _check_result(result, func)
    summary = choice(summary, tuple(COCO_SUMMARIES), name="summary", func=func)
    ids = result.matches.image_ids
    groups: Any = None
    if isinstance(clusters, Mapping):
        missing = [int(i) for i in ids.tolist() if i not in clusters]
        if missing:
            raise InvalidInputError(
                f"{func}: clusters gives no patient for image id(s) {missing[:5]}"
            )
        groups = np.array([str(clusters[i]) for i in ids.tolist()])
    elif clusters is not None:
        groups = np.asarray(clusters)

    # imported here: medeval.stats.bootstrap imports metrics modules (the named
    # statistics' definitions), so the metrics package cannot import it while it loads
    from ..stats.bootstrap import bootstrap_ci

    def statistic(_images: NDArray[Any], weights: NDArray[np.float64]) -> NDArray[np.float64]:
        return coco_ap_resampled(result, weights, summary=summary)

    # what a resample it is undefined on lacks, for the note (not a class to stratify by)
    statistic.left_out_reason = (  # type: ignore[attr-defined]
        f"there is no reference object (not crowd){AREA_WORDS[COCO_SUMMARIES[summary][2]]}")
    return bootstrap_ci(statistic, np.arange(ids.size), seed=seed, method=method,
                        confidence=confidence, n_resamples=n_resamples, clusters=groups)

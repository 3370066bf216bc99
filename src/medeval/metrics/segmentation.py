r"""Overlap and volume of segmentation masks.

Named so they do not clash with the classification metrics: voxel-wise sensitivity and
precision are :func:`mask_sensitivity` and :func:`mask_precision`.

Declared answers for empty masks (the same table as the distance metrics; the record
:class:`MaskOverlap` flags ``reference_empty`` and ``prediction_empty``):

=====================  =====  =======  ==============  ==============  =============
masks                  Dice   Jaccard  sensitivity     precision       RVD
=====================  =====  =======  ==============  ==============  =============
both empty             1      1        NaN + warning   NaN + warning   0
only reference empty   0      0        NaN + warning   0               ``inf``
only prediction empty  0      0        0               NaN + warning   -1
=====================  =====  =======  ==============  ==============  =============
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._validation import warn_undefined
from ._docs import _MASK_PAIR_PARAMETER, _indented_doc_sections, _raises_as
from ._masks import as_mask, bounding_box, mask_pair, spacing_of, union_box

__all__ = [
    "MaskOverlap",
    "dice",
    "jaccard",
    "mask_overlap",
    "mask_precision",
    "mask_sensitivity",
    "relative_volume_difference",
    "volume_ml",
]

_overlap_doc = _indented_doc_sections(
    mask_pair_parameters=f"""\
Parameters
----------
{_MASK_PAIR_PARAMETER}""",
    overlap_raises=_raises_as("mask_overlap"),
)


@dataclass(frozen=True)
class MaskOverlap:
    """Voxel counts of two masks; every overlap metric is derived from these.

    Attributes
    ----------
    tp : int
        Voxels in both masks.
    fp : int
        Voxels in the prediction only.
    fn : int
        Voxels in the reference only.
    reference_empty, prediction_empty : bool
        Whether each mask is empty (see the module's table).
    """

    tp: int
    fp: int
    fn: int

    @property
    def reference_empty(self) -> bool:
        """No voxel in the reference."""
        return self.tp + self.fn == 0

    @property
    def prediction_empty(self) -> bool:
        """No voxel in the prediction."""
        return self.tp + self.fp == 0

    def dice(self) -> float:
        """``2 TP / (2 TP + FP + FN)``; 1 when both masks are empty."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 1.0 if denominator == 0 else 2 * self.tp / denominator

    def jaccard(self) -> float:
        """``TP / (TP + FP + FN)``; 1 when both masks are empty."""
        denominator = self.tp + self.fp + self.fn
        return 1.0 if denominator == 0 else self.tp / denominator

    def sensitivity(self) -> float:
        """``TP / (TP + FN)``; NaN and a warning with an empty reference."""
        if self.reference_empty:
            return warn_undefined("mask_sensitivity: undefined with an empty reference mask")
        return self.tp / (self.tp + self.fn)

    def precision(self) -> float:
        """``TP / (TP + FP)``; NaN and a warning with an empty prediction."""
        if self.prediction_empty:
            return warn_undefined("mask_precision: undefined with an empty prediction mask")
        return self.tp / (self.tp + self.fp)


@_overlap_doc
def mask_overlap(reference: ArrayLike, prediction: ArrayLike) -> MaskOverlap:
    r"""Count the voxels of two binary masks: both, prediction only, reference only.

    .. math:: TP = |R \cap P|,\quad FP = |P \setminus R|,\quad FN = |R \setminus P|

    %(mask_pair_parameters)s

    Returns
    -------
    MaskOverlap

    Raises
    ------
    InvalidInputError
        Shapes that differ, masks that are not 2D/3D or not binary, NaN.

    Notes
    -----
    Counted inside the box holding both masks only, so a small object in a large volume
    costs about one read of each mask. Empty masks give zero counts, flagged.

    References
    ----------
    Dice LR. Measures of the amount of ecologic association between species. Ecology
    1945;26:297-302.

    Examples
    --------
    >>> mask_overlap([[1, 1, 0]], [[0, 1, 1]])
    MaskOverlap(tp=1, fp=1, fn=1)
    """
    return _overlap(reference, prediction, func="mask_overlap")


def _overlap(reference: ArrayLike, prediction: ArrayLike, *, func: str) -> MaskOverlap:
    """:func:`mask_overlap`'s counts; a refusal names ``func``, the function called."""
    ref, pred = mask_pair(reference, prediction, func=func)
    box = union_box(bounding_box(ref), bounding_box(pred))
    if box is None:
        return MaskOverlap(0, 0, 0)
    r, p = ref[box], pred[box]
    tp = int(np.count_nonzero(r & p))
    return MaskOverlap(tp, int(np.count_nonzero(p)) - tp, int(np.count_nonzero(r)) - tp)


@_overlap_doc
def dice(reference: ArrayLike, prediction: ArrayLike) -> float:
    r"""Dice similarity coefficient of two masks.

    .. math:: \mathrm{DSC} = \frac{2|R \cap P|}{|R| + |P|}

    %(mask_pair_parameters)s

    Returns
    -------
    float
        In [0, 1]. Both masks empty: 1 (perfect agreement that nothing is there);
        exactly one empty: 0.

    %(overlap_raises)s

    Notes
    -----
    Peers differ on two empty masks (NaN in MONAI and DeepMind, 1 in MetricsReloaded,
    inf in SimpleITK); medeval's answer is 1, flagged by :func:`mask_overlap`.

    References
    ----------
    Dice LR. Ecology 1945;26:297-302.

    Examples
    --------
    >>> dice([[1, 1, 0, 0]], [[0, 1, 1, 0]])
    0.5
    """
    return _overlap(reference, prediction, func="dice").dice()


@_overlap_doc
def jaccard(reference: ArrayLike, prediction: ArrayLike) -> float:
    r"""Jaccard index (intersection over union) of two masks.

    .. math:: J = \frac{|R \cap P|}{|R \cup P|} = \frac{\mathrm{DSC}}{2 - \mathrm{DSC}}

    %(mask_pair_parameters)s

    Returns
    -------
    float
        In [0, 1]. Both masks empty: 1; exactly one empty: 0.

    %(overlap_raises)s

    Notes
    -----
    Equals MedPy's ``jc`` on non-empty masks.

    References
    ----------
    Jaccard P. The distribution of the flora in the alpine zone. New Phytol
    1912;11:37-50.

    Examples
    --------
    >>> round(jaccard([[1, 1, 0, 0]], [[0, 1, 1, 0]]), 4)
    0.3333
    """
    return _overlap(reference, prediction, func="jaccard").jaccard()


@_overlap_doc
def mask_sensitivity(reference: ArrayLike, prediction: ArrayLike) -> float:
    r"""Voxel-wise sensitivity (recall): the share of the reference that is predicted.

    .. math:: \frac{|R \cap P|}{|R|}

    %(mask_pair_parameters)s

    Returns
    -------
    float
        In [0, 1]; NaN when the reference is empty.

    %(overlap_raises)s

    Warns
    -----
    UndefinedMetricWarning
        With an empty reference.

    Notes
    -----
    An empty reference makes the ratio 0/0: NaN with a warning, whatever the prediction.

    References
    ----------
    Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212.

    Examples
    --------
    >>> mask_sensitivity([[1, 1, 0, 0]], [[0, 1, 1, 0]])
    0.5
    """
    return _overlap(reference, prediction, func="mask_sensitivity").sensitivity()


@_overlap_doc
def mask_precision(reference: ArrayLike, prediction: ArrayLike) -> float:
    r"""Voxel-wise precision: the share of the prediction inside the reference.

    .. math:: \frac{|R \cap P|}{|P|}

    %(mask_pair_parameters)s

    Returns
    -------
    float
        In [0, 1]; NaN when the prediction is empty.

    %(overlap_raises)s

    Warns
    -----
    UndefinedMetricWarning
        With an empty prediction.

    Notes
    -----
    An empty prediction makes the ratio 0/0: NaN with a warning.

    References
    ----------
    Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212.

    Examples
    --------
    >>> mask_precision([[1, 1, 0, 0]], [[0, 1, 1, 1]])
    0.3333333333333333
    """
    return _overlap(reference, prediction, func="mask_precision").precision()


def volume_ml(mask: ArrayLike, *, spacing_mm: float | tuple[float, ...] | None) -> float:
    r"""Volume of a 3D mask in millilitres (area in cm² is not offered: 3D only).

    .. math:: V = |M| \cdot \prod_i s_i \,/\, 1000 \quad (\mathrm{mm^3} \to \mathrm{mL})

    Parameters
    ----------
    mask : array-like
        A 3D mask, boolean or 0/1.
    spacing_mm : float or sequence of float
        Voxel spacing in mm, required.

    Returns
    -------
    float
        In mL; 0 for an empty mask.

    Raises
    ------
    InvalidInputError
        A mask that is not 3D or not binary; a missing or invalid spacing.

    Notes
    -----
    Counts voxels; no partial-volume correction.

    References
    ----------
    Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212.

    Examples
    --------
    >>> volume_ml(np.ones((10, 10, 10)), spacing_mm=(2.0, 1.0, 1.0))  # 2000 mm³
    2.0
    """
    func = "volume_ml"
    array = as_mask(mask, name="mask", func=func)
    if array.ndim != 3:
        from ..errors import InvalidInputError

        raise InvalidInputError(f"{func}: needs a 3D mask, got shape {array.shape}")
    spacing = spacing_of(spacing_mm, 3, func=func)
    return int(np.count_nonzero(array)) * math.prod(spacing) / 1000.0


@_overlap_doc
def relative_volume_difference(reference: ArrayLike, prediction: ArrayLike) -> float:
    r"""Relative volume difference of the prediction against the reference.

    .. math:: \mathrm{RVD} = \frac{|P| - |R|}{|R|}

    Parameters
    ----------
    reference, prediction : array-like
        2D or 3D masks of the same shape, boolean or 0/1 (the spacing cancels).

    Returns
    -------
    float
        Signed: positive when the prediction is larger. Both empty: 0; only the
        reference empty: ``inf``; only the prediction empty: -1.

    %(overlap_raises)s

    Notes
    -----
    MedPy's ``ravd`` is the same formula with the reference as denominator; it raises
    on an empty reference where medeval returns the declared ``inf``.

    References
    ----------
    Heimann T, van Ginneken B, Styner MA, et al. IEEE Trans Med Imaging
    2009;28:1251-1265.

    Examples
    --------
    >>> relative_volume_difference([[1, 1, 0, 0]], [[0, 1, 1, 1]])
    0.5
    """
    counts = _overlap(reference, prediction, func="relative_volume_difference")
    ref_volume, pred_volume = counts.tp + counts.fn, counts.tp + counts.fp
    if ref_volume == 0:
        return 0.0 if pred_volume == 0 else math.inf
    return (pred_volume - ref_volume) / ref_volume

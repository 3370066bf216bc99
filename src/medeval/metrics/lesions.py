r"""Lesion-wise evaluation: connected components matched one to one.

Each mask is split into connected components (lesions) with a stated connectivity; a
reference and a predicted lesion may be matched when they satisfy the criterion —
``"iou"``: their intersection over union is at least ``iou_threshold``; ``"overlap"``:
they share at least one voxel — and among the eligible pairs a one-to-one assignment
maximising the total IoU is chosen (Hungarian algorithm). A matched reference lesion is a
true positive, an unmatched one a false negative, an unmatched predicted lesion a false
positive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage
from scipy.optimize import linear_sum_assignment

from .._validation import choice, real_number, warn_undefined, whole_number
from ..errors import InvalidInputError
from ._masks import bounding_box, mask_pair, spacing_of, union_box

__all__ = ["LesionCriterion", "LesionMatch", "ReferenceLesion", "lesion_matching"]

LesionCriterion = Literal["iou", "overlap"]


@dataclass(frozen=True)
class ReferenceLesion:
    """One reference lesion and what it was matched to.

    Attributes
    ----------
    index : int
        Component number (1-based, in ``scipy.ndimage.label`` order).
    voxels : int
        Its size in voxels.
    volume_ml : float
        Its volume in mL (3D) or area in mm² / 1000 (2D).
    match : int or None
        The matched predicted component's number, or None (missed).
    iou, dice : float
        Overlap with the matched lesion; 0 when missed.
    """

    index: int
    voxels: int
    volume_ml: float
    match: int | None
    iou: float
    dice: float


@dataclass(frozen=True)
class LesionMatch:
    """The outcome of lesion matching on one case.

    Attributes
    ----------
    reference_lesions : tuple of ReferenceLesion
        Every reference lesion, with its match.
    predicted_voxels : tuple of int
        The size of every predicted component (component ``i`` at position ``i - 1``).
    false_positive_lesions : tuple of int
        Numbers of the predicted components matched to no reference lesion.
    criterion : str
        ``"iou"`` or ``"overlap"``.
    iou_threshold : float
        The IoU a match needs (criterion ``"iou"``).
    connectivity : int
        Connectivity of the components.
    """

    reference_lesions: tuple[ReferenceLesion, ...]
    predicted_voxels: tuple[int, ...]
    false_positive_lesions: tuple[int, ...]
    criterion: str
    iou_threshold: float
    connectivity: int

    @property
    def true_positives(self) -> int:
        """Reference lesions matched."""
        return sum(lesion.match is not None for lesion in self.reference_lesions)

    @property
    def false_negatives(self) -> int:
        """Reference lesions missed."""
        return len(self.reference_lesions) - self.true_positives

    @property
    def false_positives(self) -> int:
        """Predicted lesions matched to nothing."""
        return len(self.false_positive_lesions)

    def sensitivity(self) -> float:
        """Lesion-level sensitivity ``TP / (TP + FN)``; NaN and a warning without lesions."""
        if not self.reference_lesions:
            return warn_undefined("lesion sensitivity: undefined with no reference lesion")
        return self.true_positives / len(self.reference_lesions)


def lesion_matching(
    reference: ArrayLike,
    prediction: ArrayLike,
    *,
    spacing_mm: float | tuple[float, ...] | None,
    criterion: LesionCriterion = "iou",
    iou_threshold: float = 0.1,
    connectivity: int | None = None,
) -> LesionMatch:
    r"""Match reference and predicted lesions (connected components) one to one.

    With reference lesions :math:`R_i` and predicted lesions :math:`P_j`, the pair
    :math:`(i, j)` is eligible when

    .. math::
        \text{iou:}\ \frac{|R_i \cap P_j|}{|R_i \cup P_j|} \ge t
        \qquad\text{overlap:}\ |R_i \cap P_j| \ge 1,

    and the matching maximises :math:`\sum \mathrm{IoU}` over eligible pairs, each
    lesion used at most once.

    Parameters
    ----------
    reference, prediction : array-like
        2D or 3D binary masks of the same shape.
    spacing_mm : float or sequence of float
        Voxel spacing in mm, for lesion volumes (required).
    criterion : {"iou", "overlap"}
        What makes a pair eligible.
    iou_threshold : float
        :math:`t` in (0, 1] for ``criterion="iou"``.
    connectivity : int, optional
        Component connectivity, 1 (faces) to the number of dimensions (corners, the
        default: 8-connected in 2D, 26-connected in 3D).

    Returns
    -------
    LesionMatch
        Per reference lesion its match, IoU, Dice and volume; the false-positive
        components; counts and lesion-level sensitivity.

    Raises
    ------
    InvalidInputError
        As the other mask metrics; an unknown criterion; a threshold outside (0, 1];
        a connectivity out of range.

    Notes
    -----
    No reference lesion: lesion sensitivity is NaN with a warning, every predicted
    lesion is a false positive. A predicted lesion touching two reference lesions is
    matched to at most one of them (the assignment with the larger total IoU).

    References
    ----------
    Maier-Hein L, Reinke A, et al. Nat Methods 2024;21:195-212 (matching strategies).
    Kuhn HW. The Hungarian method for the assignment problem. Nav Res Logist Q
    1955;2:83-97.

    Examples
    --------
    >>> ref = np.zeros((6, 8), bool); ref[1:3, 1:3] = True; ref[4:6, 5:7] = True
    >>> pred = np.zeros((6, 8), bool); pred[1:3, 1:4] = True; pred[0, 7] = True
    >>> m = lesion_matching(ref, pred, spacing_mm=1.0)
    >>> m.true_positives, m.false_negatives, m.false_positives
    (1, 1, 1)
    >>> round(m.reference_lesions[0].dice, 4)
    0.8
    """
    func = "lesion_matching"
    criterion = choice(criterion, ("iou", "overlap"), name="criterion", func=func)  # type: ignore[assignment]
    ref, pred = mask_pair(reference, prediction, func=func)
    spacing = spacing_of(spacing_mm, ref.ndim, func=func)
    conn = ref.ndim if connectivity is None else whole_number(
        connectivity, name="connectivity", func=func)
    if conn not in range(1, ref.ndim + 1):
        raise InvalidInputError(
            f"{func}: connectivity must be 1 to {ref.ndim} for a {ref.ndim}D mask, got "
            f"{connectivity!r}"
        )
    if criterion == "iou" and not 0.0 < real_number(
            iou_threshold, name="iou_threshold", func=func) <= 1.0:
        raise InvalidInputError(f"{func}: iou_threshold must be in (0, 1], got {iou_threshold!r}")
    structure = ndimage.generate_binary_structure(ref.ndim, conn)
    box = union_box(bounding_box(ref), bounding_box(pred))
    if box is not None:
        ref, pred = ref[box], pred[box]
    ref_labels, n_ref = ndimage.label(ref, structure=structure)
    pred_labels, n_pred = ndimage.label(pred, structure=structure)
    ref_sizes = np.bincount(ref_labels.ravel(), minlength=n_ref + 1)[1:]
    pred_sizes = np.bincount(pred_labels.ravel(), minlength=n_pred + 1)[1:]
    both = (ref_labels > 0) & (pred_labels > 0)
    pairs = ref_labels[both].astype(np.int64) * (n_pred + 1) + pred_labels[both]
    keys, inter = np.unique(pairs, return_counts=True)
    rows, cols = keys // (n_pred + 1) - 1, keys % (n_pred + 1) - 1
    union = ref_sizes[rows] + pred_sizes[cols] - inter
    iou = inter / union
    eligible = iou >= iou_threshold if criterion == "iou" else inter >= 1
    match = _assign(rows[eligible], cols[eligible], iou[eligible], inter[eligible])
    voxel_ml = math.prod(spacing) / 1000.0
    lesions = []
    for i in range(n_ref):
        j, pair_iou, pair_inter = match.get(i, (None, 0.0, 0))
        pair_dice = 2 * pair_inter / (ref_sizes[i] + pred_sizes[j]) if j is not None else 0.0
        lesions.append(ReferenceLesion(
            index=i + 1, voxels=int(ref_sizes[i]), volume_ml=float(ref_sizes[i] * voxel_ml),
            match=None if j is None else j + 1, iou=float(pair_iou), dice=float(pair_dice),
        ))
    matched = {j for j, _, _ in match.values()}
    return LesionMatch(
        reference_lesions=tuple(lesions),
        predicted_voxels=tuple(int(v) for v in pred_sizes),
        false_positive_lesions=tuple(j + 1 for j in range(n_pred) if j not in matched),
        criterion=criterion,
        iou_threshold=float(iou_threshold),
        connectivity=conn,
    )


def _assign(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    iou: NDArray[np.float64],
    inter: NDArray[np.int64],
) -> dict[int, tuple[int, float, int]]:
    """One-to-one matching of eligible pairs maximising total IoU (Hungarian)."""
    if rows.size == 0:
        return {}
    ref_ids, ref_pos = np.unique(rows, return_inverse=True)
    pred_ids, pred_pos = np.unique(cols, return_inverse=True)
    gain = np.zeros((ref_ids.size, pred_ids.size))
    gain[ref_pos, pred_pos] = iou
    chosen_r, chosen_c = linear_sum_assignment(gain, maximize=True)
    lookup = {(int(r), int(c)): (float(v), int(k)) for r, c, v, k in zip(rows, cols, iou, inter)}
    result = {}
    for r, c in zip(chosen_r, chosen_c):
        key = (int(ref_ids[r]), int(pred_ids[c]))
        if key in lookup:  # a zero-gain assignment of an ineligible pair is not a match
            result[key[0]] = (key[1], *lookup[key])
    return result

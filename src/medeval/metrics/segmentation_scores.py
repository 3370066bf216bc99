"""Every segmentation metric of one case at once, keyed by definition id; label maps.

:func:`segmentation_scores` is what an evaluation calls per case: one crop, one set of
border distances, every number derived from them and named by its definition id in
:mod:`medeval.definitions` (``"dice"``, ``"hd95@max-directed"``, ``"nsd@surfel"`` …),
with the empty-mask flags that aggregation needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import as_array, choice, real_number, whole_number
from ..errors import InvalidInputError
from ._masks import mask_pair, spacing_of
from .segmentation import MaskOverlap
from .surface import NSDVariant, SurfaceDistances, assd, hausdorff, hd95, masd, nsd

__all__ = ["SegmentationScores", "per_label", "segmentation_scores"]


@dataclass(frozen=True)
class SegmentationScores:
    """The segmentation metrics of one case (or one label of a case).

    Attributes
    ----------
    values : dict
        Definition id -> value: ``dice``, ``jaccard``, ``volume_ml@reference``,
        ``volume_ml@prediction``, ``relative_volume_difference``, ``hausdorff``,
        ``hd95@max-directed``, ``hd95@pooled`` (``hd{q}@…`` for another percentile),
        ``assd``, ``masd``, ``nsd@surfel`` or ``nsd@count``.
    reference_empty, prediction_empty : bool
        The empty-mask flags (see :mod:`medeval.metrics.surface` for the declared
        answers); both True for a label absent from both maps.
    overlap : MaskOverlap
        The voxel counts.
    parameters : dict
        Spacing, tolerance, percentile, connectivity and NSD variant used.
    """

    values: dict[str, float]
    reference_empty: bool
    prediction_empty: bool
    overlap: MaskOverlap
    parameters: dict[str, Any]


def segmentation_scores(
    reference: ArrayLike,
    prediction: ArrayLike,
    *,
    spacing_mm: float | tuple[float, ...] | None,
    tolerance_mm: float,
    percentile: float = 95.0,
    nsd_variant: NSDVariant = "surfel",
    connectivity: int = 1,
) -> SegmentationScores:
    r"""Dice, Jaccard, volumes, HD, HD95 (both variants), ASSD, MASD and NSD of two masks.

    .. math::
        \mathrm{DSC} = \frac{2|R \cap P|}{|R| + |P|},\quad
        \mathrm{HD} = \max(\max d_{R\to P}, \max d_{P\to R}),\quad \ldots

    each as its own function defines it. The distances are computed once
    (:func:`~medeval.metrics.surface.surface_distances`)
    and every distance metric is read from them; see each metric for its formula.

    Parameters
    ----------
    reference, prediction : array-like
        2D or 3D binary masks of the same shape.
    spacing_mm : float or sequence of float
        Voxel spacing in mm, in the array's axis order (required).
    tolerance_mm : float
        The NSD tolerance.
    percentile : float
        Of the percentile Hausdorff distances.
    nsd_variant : {"surfel", "count"}
        Which NSD.
    connectivity : int
        Border definition.

    Returns
    -------
    SegmentationScores

    Raises
    ------
    InvalidInputError
        As the individual metrics.

    Notes
    -----
    Volumes are in mL for 3D masks; for 2D masks the ``volume_ml`` entries are areas in
    mm² divided by 1000 (the product of the spacings per pixel).

    References
    ----------
    Maier-Hein L, Reinke A, et al. Metrics reloaded. Nat Methods 2024;21:195-212.

    Examples
    --------
    >>> ref = np.zeros((4, 6), bool); ref[1:3, 1:3] = True
    >>> pred = np.zeros((4, 6), bool); pred[1:3, 2:5] = True
    >>> s = segmentation_scores(ref, pred, spacing_mm=1.0, tolerance_mm=1.0)
    >>> s.values["dice"], s.values["hausdorff"], s.values["assd"]
    (0.4, 2.0, 0.8)
    """
    func = "segmentation_scores"
    choice(nsd_variant, ("surfel", "count"), name="nsd_variant", func=func)
    ref, pred = mask_pair(reference, prediction, func=func)
    spacing = spacing_of(spacing_mm, ref.ndim, func=func)
    if tolerance_mm is None:
        raise InvalidInputError(f"{func}: tolerance_mm (the NSD tolerance) is required")
    connectivity = whole_number(connectivity, name="connectivity", func=func)
    percentile = real_number(percentile, name="percentile", func=func)
    sd = SurfaceDistances(ref, pred, spacing, connectivity)
    # The crop holds every voxel of both masks: count there (mask_overlap would find the
    # box again).
    tp = int(np.count_nonzero(sd._ref & sd._pred))
    counts = MaskOverlap(tp, int(np.count_nonzero(sd._pred)) - tp,
                         int(np.count_nonzero(sd._ref)) - tp)
    voxel_ml = math.prod(spacing) / 1000.0
    q = f"{percentile:g}"
    ref_volume, pred_volume = counts.tp + counts.fn, counts.tp + counts.fp
    if ref_volume:
        rvd = (pred_volume - ref_volume) / ref_volume
    else:
        rvd = 0.0 if pred_volume == 0 else math.inf
    values = {
        "dice": counts.dice(),
        "jaccard": counts.jaccard(),
        "volume_ml@reference": ref_volume * voxel_ml,
        "volume_ml@prediction": pred_volume * voxel_ml,
        "relative_volume_difference": rvd,
        "hausdorff": hausdorff(sd),
        f"hd{q}@max-directed": hd95(sd, percentile=percentile),
        f"hd{q}@pooled": hd95(sd, percentile=percentile, variant="pooled"),
        "assd": assd(sd),
        "masd": masd(sd),
        f"nsd@{nsd_variant}": nsd(sd, tolerance_mm=tolerance_mm, variant=nsd_variant),
    }
    return SegmentationScores(
        values=values,
        reference_empty=sd.reference_empty,
        prediction_empty=sd.prediction_empty,
        overlap=counts,
        parameters={
            "spacing_mm": list(spacing), "tolerance_mm": float(tolerance_mm),
            "percentile": float(percentile), "nsd_variant": nsd_variant,
            "connectivity": int(connectivity),
        },
    )


def per_label(
    reference: ArrayLike,
    prediction: ArrayLike,
    *,
    spacing_mm: float | tuple[float, ...] | None,
    tolerance_mm: float,
    labels: list[int] | None = None,
    percentile: float = 95.0,
    nsd_variant: NSDVariant = "surfel",
    connectivity: int = 1,
) -> dict[int, SegmentationScores]:
    r"""Segmentation scores for each label of two integer label maps.

    .. math:: R_k = \{v : \mathrm{ref}(v) = k\},\quad P_k = \{v : \mathrm{pred}(v) = k\}

    Each label ``k`` is scored as the masks ``reference == k`` and ``prediction == k``
    with :func:`segmentation_scores`. Background (0) is never scored.

    Parameters
    ----------
    reference, prediction : array-like
        2D or 3D integer label maps of the same shape (0 = background).
    spacing_mm, tolerance_mm, percentile, nsd_variant, connectivity
        As :func:`segmentation_scores`.
    labels : list of int, optional
        The labels to report. By default every label present in either map. A label
        given here but absent from both maps is reported with both empty flags set.

    Returns
    -------
    dict
        Label -> :class:`SegmentationScores`, in increasing label order.

    Raises
    ------
    InvalidInputError
        Maps that differ in shape, are not integer-valued, or hold negative labels;
        a label 0 in ``labels``.

    Notes
    -----
    A label present in only one map gets the one-empty answers of the empty-mask table
    (Dice 0, distances ``inf``), flagged; absent from both, the both-empty answers
    (Dice 1, distances 0), flagged — aggregation decides what such a case counts as.

    References
    ----------
    Maier-Hein L, Reinke A, et al. Metrics reloaded. Nat Methods 2024;21:195-212.

    Examples
    --------
    >>> ref = np.array([[0, 1, 1, 2]]); pred = np.array([[0, 1, 2, 2]])
    >>> scores = per_label(ref, pred, spacing_mm=1.0, tolerance_mm=1.0, labels=[1, 2, 3])
    >>> {k: v.values["dice"] for k, v in scores.items()}
    {1: 0.6666666666666666, 2: 0.6666666666666666, 3: 1.0}
    >>> scores[3].reference_empty and scores[3].prediction_empty
    True
    """
    func = "per_label"
    ref = as_array(reference, name="reference", func=func)
    pred = as_array(prediction, name="prediction", func=func)
    if ref.shape != pred.shape:
        raise InvalidInputError(
            f"{func}: reference and prediction differ in shape: {ref.shape} vs {pred.shape}"
        )
    for name, array in (("reference", ref), ("prediction", pred)):
        integral = array.dtype.kind in "biu" or (
            array.dtype.kind == "f" and bool(np.all(np.isfinite(array)))
            and bool(np.all(array == np.round(array)))
        )
        if not integral:
            raise InvalidInputError(f"{func}: {name} must hold integer labels, got {array.dtype}")
        if array.size and array.min() < 0:
            raise InvalidInputError(f"{func}: {name} holds negative labels")
    present = sorted((set(np.unique(ref).tolist()) | set(np.unique(pred).tolist())) - {0})
    chosen = _chosen_labels(labels, func) if labels is not None else [int(k) for k in present]
    if 0 in chosen:
        raise InvalidInputError(f"{func}: label 0 is background and is not scored")
    return {
        k: segmentation_scores(
            ref == k, pred == k, spacing_mm=spacing_mm, tolerance_mm=tolerance_mm,
            percentile=percentile, nsd_variant=nsd_variant, connectivity=connectivity,
        )
        for k in chosen
    }


def _chosen_labels(labels: Any, func: str) -> list[int]:
    """``labels`` as sorted ints: integers, or floats of whole value (``np.unique`` of a
    float map); text, fractions (1.5 would be read as 1) or nested lists are refused."""
    given = as_array(labels, name="labels", func=func)
    if given.ndim != 1 or not (
            given.dtype.kind in "iu" or (given.dtype.kind == "f" and given.size and bool(
                np.all(np.isfinite(given)) and np.all(given == np.round(given))))
            or given.size == 0):
        raise InvalidInputError(
            f"{func}: labels must be a list of integer labels, e.g. [1, 2], got {labels!r}")
    return sorted(int(k) for k in given.tolist())

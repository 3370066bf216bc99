"""The conformance gate: does a prediction fit its reference before anything is scored?

``check_compatible`` sits between the loaders and the metrics, so it lives beside them at
the top of the package rather than inside ``loaders`` (it reads nothing) or ``metrics``
(which are pure functions of arrays and never see geometry objects).

A mismatch is a :class:`~medeval.errors.CompatibilityError` that lists every difference
found, each with the reference's value beside the prediction's.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import CompatibilityError

__all__ = ["check_compatible"]


def check_compatible(
    reference: Any,
    prediction: Any,
    *,
    tolerance_mm: float = 1e-3,
    tolerance_direction: float = 1e-4,
    labels: Collection[int] | None = None,
    tolerance_s: float = 0.0,
    compare_channels: bool = True,
) -> None:
    """Raise unless ``prediction`` conforms to ``reference``; return None when it does.

    Images (:class:`~medeval.loaders.Image`): same shape; spacing and origin equal
    within ``tolerance_mm`` (spacing along an axis of length 1 is not compared: a single
    slice has no slice spacing); direction cosines equal within
    ``tolerance_direction``; label values in ``labels`` when given, and integer-valued
    when the reference is integer or boolean. Two images without physical spacing (2-D
    raster files: PNG, JPEG, BMP, TIFF) are compared by shape only, as they have no
    geometry; one with spacing and one without is refused: nothing is taken as 1 mm.

    Signals (:class:`~medeval.loaders.Signal`) and annotations
    (:class:`~medeval.loaders.Annotations`): the same sampling rate; two signals of the
    same channels and duration (within ``tolerance_s``); annotations inside the
    reference signal's duration.

    Parameters
    ----------
    reference, prediction : Image, Signal or Annotations
        Reference first, prediction second.
    tolerance_mm : float
        Largest difference of spacing or origin, in mm, still taken as equal.
    tolerance_direction : float
        Largest difference of a direction cosine still taken as equal.
    labels : collection of int, optional
        The label values allowed in both images (e.g. ``{0, 1}`` for a binary mask).
    tolerance_s : float
        Largest difference of duration, in seconds, between two signals.
    compare_channels : bool
        Compare the images' colour axis too (default). False compares the grid
        ``(z, y, x)`` only: a mask against the colour frame it was drawn on.

    Raises
    ------
    CompatibilityError
        Listing every difference as ``what: reference ..., prediction ...``.

    Examples
    --------
    >>> import numpy as np
    >>> from medeval.loaders import Image
    >>> ref = Image(np.zeros((2, 4, 4), dtype=np.uint8), spacing_mm=(2.5, 0.5, 0.5))
    >>> check_compatible(ref, Image(np.ones((2, 4, 4), dtype=np.uint8), (2.5, 0.5, 0.5)))
    >>> check_compatible(ref, Image(np.zeros((2, 4, 4)), spacing_mm=(2.0, 0.5, 0.5)),
    ...                  labels={0, 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.CompatibilityError: ... spacing_mm: reference (2.5, 0.5, 0.5), prediction ...

    A PNG frame and its mask have no spacing: their shapes are compared, nothing else.

    >>> frame = Image(np.zeros((1, 4, 6, 3), dtype=np.uint8), spacing_mm=None)
    >>> check_compatible(frame, Image(np.zeros((1, 4, 6), np.uint8), spacing_mm=None),
    ...                  compare_channels=False)
    >>> check_compatible(Image(np.zeros((1, 4, 6), np.uint8), spacing_mm=(1.0, 0.1, 0.1)),
    ...                  Image(np.zeros((1, 4, 6), np.uint8), spacing_mm=None))
    ...                  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.CompatibilityError: ... reference (1.0, 0.1, 0.1), prediction none ...
    """
    from .loaders._records import Annotations, Image, Signal  # the leaf: no reader imported

    if isinstance(reference, Image) and isinstance(prediction, Image):
        problems = _images(reference, prediction, tolerance_mm, tolerance_direction, labels,
                           compare_channels)
    elif isinstance(reference, Signal) and isinstance(prediction, Signal):
        problems = _signals(reference, prediction, tolerance_s)
    elif isinstance(reference, (Signal, Annotations)) and isinstance(prediction, Annotations):
        problems = _annotations(reference, prediction)
    else:
        raise CompatibilityError(
            f"check_compatible: cannot compare a reference {type(reference).__name__} with "
            f"a prediction {type(prediction).__name__}; give two Images, two Signals, or "
            "a Signal or Annotations with Annotations"
        )
    if problems:
        where = _sources(reference, prediction)
        raise CompatibilityError(
            f"prediction{where} does not conform to its reference: " + "; ".join(problems)
        )


def _swapped(ref: tuple[int, ...], pred: tuple[int, ...]) -> str:
    """A hint where the prediction's rows and columns are the reference's columns and
    rows: an array written x first (transposed), or a frame turned by 90 degrees."""
    if len(ref) >= 3 and len(pred) >= 3 and ref[1] != ref[2] and \
            (pred[0], pred[1], pred[2]) == (ref[0], ref[2], ref[1]):
        return (" (rows and columns swapped: written transposed, x before y, or turned "
                "by 90 degrees?)")
    return ""


def _reversed(ref: tuple[int, ...], pred: tuple[int, ...]) -> str:
    """A hint where a volume's axes are the reference's in reverse order: an array in
    (x, y, z) order (nibabel's, or a network's (W, H, D)) written by SimpleITK, whose
    GetImageFromArray takes (z, y, x)."""
    if len(ref) == len(pred) == 3 and ref[0] != ref[2] and pred == ref[::-1]:
        return (" (the axes in reverse order: an array in (x, y, z) order, as nibabel's "
                "get_fdata() gives it, written with SimpleITK's GetImageFromArray, which "
                "takes (z, y, x)? transpose it first)")
    return ""


def _per_channel(ref: tuple[int, ...], pred: tuple[int, ...]) -> str:
    """A hint where the prediction holds several values per voxel of the reference's
    grid (channels last): one-hot labels or a probability per class."""
    if len(pred) == len(ref) + 1 and pred[:-1] == ref and pred[-1] > 1:
        # a single frame of 3 or 4 values a pixel is as likely a colour image (RGB, RGBA)
        colour = "a colour image (RGB, RGBA), or " if ref[0] == 1 and pred[-1] in (3, 4) else ""
        return (f" ({pred[-1]} values in each voxel: {colour}one-hot labels or a probability "
                "per class? write one label per voxel, the class of each voxel (argmax), "
                "as the reference is coded)")
    return ""


def _resized(ref: tuple[int, ...], pred: tuple[int, ...]) -> str:
    """A hint where the prediction's rows and columns are the reference's scaled by one
    factor (a model's output at its own resolution, 1/2 or 1/4 of the frame), or are
    square where the reference is not (the model's fixed input size), slices alike: the
    output was not resized back to the frame."""
    if len(ref) < 3 or len(pred) < 3 or ref[0] != pred[0] or ref[1:3] == pred[1:3] \
            or 0 in ref[1:3] or 0 in pred[1:3]:
        return ""
    factor = Fraction(pred[1], ref[1])
    if factor == Fraction(pred[2], ref[2]):
        return (f" (the reference's rows and columns times {factor}: the model's output at "
                "its own resolution? resize it to the reference's size, nearest neighbour "
                "for labels, before writing it)")
    if pred[1] == pred[2] and ref[1] != ref[2]:
        return (f" (a square {pred[1]} x {pred[2]} prediction for a {ref[1]} x {ref[2]} "
                "reference: the model's input size? resize its output back to the "
                "reference's rows and columns before writing it)")
    return ""


def _images(
    ref: Any, pred: Any, tol_mm: float, tol_dir: float, labels: Collection[int] | None,
    channels: bool,
) -> list[str]:
    problems = []
    geometry = _geometry(ref, pred, tol_mm, tol_dir)
    regridded = ""
    if geometry and ref.spacing_mm is not None and pred.spacing_mm is not None:
        regridded = _regridded(ref, pred, tol_mm)
        geometry[-1] += regridded + (" (in (z, y, x) order: SimpleITK's GetSpacing() "
                                     "and GetOrigin() reversed, its direction's rows and "
                                     "columns too)")
    # the shape's own hints (transposed, the model's resolution) where the geometry
    # does not explain the shape better; an array saved without geometry may also be
    # x first or one-hot, and copying the geometry alone would not mend it
    explained = regridded and regridded != _NO_GEOMETRY
    hint = "" if explained else (_swapped(ref.shape, pred.shape)
                                 or _reversed(ref.shape, pred.shape)
                                 or _per_channel(ref.shape, pred.shape)
                                 or _resized(ref.shape, pred.shape)
                                 or _boxed(ref, pred, tol_mm, tol_dir))
    if channels and ref.shape != pred.shape:
        problems.append(f"shape: reference {ref.shape}, prediction {pred.shape}" + hint)
    elif ref.shape[:3] != pred.shape[:3]:
        problems.append(f"grid (z, y, x): reference {ref.shape[:3]}, prediction "
                        f"{pred.shape[:3]}" + hint)
    problems += geometry
    if labels is not None:
        allowed = set(labels)
        for role, image in (("reference", ref), ("prediction", pred)):
            extra = sorted(set(np.unique(image.array).tolist()) - allowed)
            if extra:
                problems.append(f"labels: {role} has {extra[:10]} outside {sorted(allowed)}")
    if ref.array.dtype.kind in "biu" and pred.array.dtype.kind == "f":
        values = pred.array
        if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
            problems.append(
                f"values: reference holds labels ({ref.array.dtype}), prediction holds "
                f"non-integer values ({pred.array.dtype}); threshold scores into labels first"
            )
    return problems


def _boxed(ref: Any, pred: Any, tol_mm: float, tol_dir: float) -> str:
    """A hint where the prediction is another box of the reference's grid (same spacing
    and direction, its first voxel's centre on one of the reference's): cropped to the
    body or the organ's surroundings, or padded, and not put back."""
    if ref.spacing_mm is None or pred.spacing_mm is None or len(ref.shape) < 3 or \
            len(pred.shape) != len(ref.shape) or ref.shape[3:] != pred.shape[3:] or \
            np.max(np.abs(np.subtract(ref.spacing_mm, pred.spacing_mm))) > tol_mm or \
            np.max(np.abs(ref.direction - pred.direction)) > tol_dir:
        return ""
    steps = ref.direction * np.asarray(ref.spacing_mm)  # column i: one voxel along axis i
    index = np.linalg.solve(steps, np.subtract(pred.origin_mm, ref.origin_mm))
    first = np.round(index)
    if np.linalg.norm(steps @ (index - first)) > tol_mm:
        return ""
    start = tuple(int(v) for v in first)
    end = tuple(a + n - 1 for a, n in zip(start, pred.shape[:3]))
    last = tuple(n - 1 for n in ref.shape[:3])
    inside = min(start) >= 0 and all(e <= n for e, n in zip(end, last))
    around = max(start) <= 0 and all(e >= n for e, n in zip(end, last))
    what = "cropped" if inside else "padded" if around else "cropped and padded"
    return (f" (the reference's grid {what}: the prediction's voxels span the "
            f"reference's (z, y, x) {start} to {end}, of (0, 0, 0) to {last}; write it "
            "on the reference's whole grid, e.g. SimpleITK's Paste into an image of the "
            "reference's geometry)")


def _geometry(ref: Any, pred: Any, tol_mm: float, tol_dir: float) -> list[str]:
    """Spacing, origin and direction: none compared for two images without spacing (2-D
    raster frames have no geometry but their shape), a mix of the two refused."""
    if ref.spacing_mm is None and pred.spacing_mm is None:
        return []
    if ref.spacing_mm is None or pred.spacing_mm is None:
        shown = ["none (a file without physical spacing)" if image.spacing_mm is None
                 else str(image.spacing_mm) for image in (ref, pred)]
        return [f"spacing_mm: reference {shown[0]}, prediction {shown[1]}; an image with "
                "geometry and one without cannot be compared, and none is taken as 1 mm: "
                "give both as raster files (distances in pixels) or both with spacing "
                "(DICOM, NIfTI)"]
    problems = []
    compared = [i for i in range(3) if ref.shape[i] > 1 or pred.shape[i] > 1]
    off = max((abs(ref.spacing_mm[i] - pred.spacing_mm[i]) for i in compared), default=0.0)
    if off > tol_mm:
        problems.append(f"spacing_mm: reference {ref.spacing_mm}, prediction {pred.spacing_mm}"
                        f" (up to {off:.4g} mm apart on an axis; the tolerance is {tol_mm:g}"
                        " mm)" + _stated_none(ref, "reference")
                        + _stated_none(pred, "prediction"))
    apart = np.abs(np.subtract(ref.origin_mm, pred.origin_mm))
    if np.max(apart) > tol_mm:
        # one slice apart only along z: a 2-D file (PNG-like NIfTI, a 2-D array written
        # without a position) states no slice position, and that is the usual cause
        flat = ref.shape[0] == 1 and pred.shape[0] == 1 and np.max(apart[1:]) <= tol_mm
        problems.append(
            f"origin_mm: reference {ref.origin_mm}, prediction {pred.origin_mm} "
            f"({np.linalg.norm(apart):.4g} mm apart; the tolerance is {tol_mm:g} mm on an "
            "axis)" + (
                " (only the slice position differs: a 2-D file states none; write the "
                "prediction with the reference's geometry, e.g. SimpleITK's "
                "CopyInformation)" if flat else ""))
    if np.max(np.abs(ref.direction - pred.direction)) > tol_dir:
        problems.append(
            f"direction: reference {ref.direction.round(6).tolist()}, prediction "
            f"{pred.direction.round(6).tolist()}"
        )
    return problems


def _stated_none(image: Any, role: str) -> str:
    """Where an image's file states no spacing (a NIfTI pixdim of NaN or 0, read by
    SimpleITK as 1 or as the pixdim all the same), what the file holds: the spacing shown
    beside it is the reader's stand-in, not the file's."""
    note = image.metadata.get("spacing_note")
    if image.metadata.get("spacing_source") != "absent" or not note:
        return ""
    return (f" (the {role} states no spacing: {note}; the spacing shown is the one "
            "SimpleITK puts in its place)")


def _corners(image: Any) -> NDArray[np.float64]:
    """The physical points (z, y, x) of the centres of an image's eight corner voxels."""
    last = np.array(image.shape[:3]) - 1
    return np.array([image.physical_point(last * np.array(bits))
                     for bits in itertools.product((0, 1), repeat=3)])


def _same_steps(ref: Any, pred: Any, tol_mm: float) -> bool:
    """Whether each of the prediction's axes steps as one of the reference's does, either
    way and as many voxels long: with the same corners, the same voxel centres (not the
    same box at other spacings, which a permuted resampling can give)."""
    def steps(image: Any) -> list[tuple[int, NDArray[np.float64]]]:
        start = np.asarray(image.physical_point((0, 0, 0)))
        return [(image.shape[i], np.asarray(image.physical_point(tuple(np.eye(3, dtype=int)[i])))
                 - start) for i in range(3)]

    ours = steps(ref)
    return all(any(n == m and min(np.linalg.norm(step - other), np.linalg.norm(step + other))
                   <= tol_mm + 1e-6 for m, other in ours) for n, step in steps(pred))


_NO_GEOMETRY = (" — the prediction states 1 mm, origin 0 and the identity direction, what "
                "an array saved without geometry gets (SimpleITK's GetImageFromArray, "
                "nibabel's Nifti1Image(mask, None)): copy the reference's geometry into it "
                "(SimpleITK's CopyInformation from the reference)")


def _regridded(ref: Any, pred: Any, tol_mm: float) -> str:
    """A hint where a prediction off its reference's grid still covers the reference's
    volume: the same voxel centres in space stored in another axis order or orientation
    (reoriented), or the same extent at another spacing (resampled)."""
    here, there = _corners(ref), _corners(pred)
    apart = np.linalg.norm(here[:, None, :] - there[None, :, :], axis=2).min(axis=1)
    if sorted(ref.shape[:3]) == sorted(pred.shape[:3]) and np.max(apart) <= tol_mm + 1e-6 \
            and _same_steps(ref, pred, tol_mm):
        return (" — the same voxels in space stored in another axis order or orientation "
                "(reoriented, as nibabel's as_closest_canonical or SimpleITK's DICOMOrient "
                "do): write the prediction on the reference's grid, with the reference's "
                "geometry (SimpleITK's CopyInformation from the reference), without "
                "reorienting it")
    if np.allclose(pred.spacing_mm, 1.0) and not np.any(pred.origin_mm) and \
            np.array_equal(pred.direction, np.eye(3)):
        return _NO_GEOMETRY
    extent = np.multiply(ref.shape[:3], ref.spacing_mm)
    other = np.multiply(pred.shape[:3], pred.spacing_mm)
    slack = np.maximum(ref.spacing_mm, pred.spacing_mm)
    if not np.allclose(ref.spacing_mm, pred.spacing_mm, rtol=0, atol=tol_mm) and \
            np.all(np.abs(extent - other) <= slack) and \
            np.max(np.linalg.norm(ref.direction - pred.direction, axis=0)) <= 1e-3 and \
            np.linalg.norm(np.subtract(ref.origin_mm, pred.origin_mm)) <= np.max(slack):
        shown = ", ".join(f"{v:g}" for v in pred.spacing_mm)
        return (f" — the reference's volume resampled to a spacing of ({shown}) mm: "
                "resample the output back onto the reference's grid (nearest neighbour "
                "for labels; SimpleITK's Resample with the reference as reference image) "
                "before writing it")
    return ""


def _signals(ref: Any, pred: Any, tol_s: float) -> list[str]:
    problems = []
    if ref.fs != pred.fs:
        problems.append(f"fs: reference {ref.fs:g} Hz, prediction {pred.fs:g} Hz")
    if abs(ref.duration_s - pred.duration_s) > tol_s:
        problems.append(
            f"duration: reference {ref.duration_s:g} s ({ref.n_samples} samples), "
            f"prediction {pred.duration_s:g} s ({pred.n_samples} samples)"
        )
    if ref.channels != pred.channels:
        problems.append(f"channels: reference {list(ref.channels)}, prediction "
                        f"{list(pred.channels)}")
    return problems


def _annotations(ref: Any, pred: Any) -> list[str]:
    from .loaders.signal import Signal

    problems = []
    if ref.fs is not None and pred.fs is not None and ref.fs != pred.fs:
        problems.append(f"fs: reference {ref.fs:g} Hz, prediction {pred.fs:g} Hz")
    if isinstance(ref, Signal) and len(pred):
        late = pred.onsets_s[pred.onsets_s >= ref.duration_s]
        early = pred.onsets_s[pred.onsets_s < 0]
        if late.size or early.size:
            problems.append(
                f"time: reference lasts {ref.duration_s:g} s, prediction has "
                f"{late.size + early.size} annotation(s) outside it (first at "
                f"{np.concatenate([early, late])[0]:g} s)"
            )
    return problems


def _sources(ref: Any, pred: Any) -> str:
    sources = [getattr(x, "metadata", {}).get("source") for x in (ref, pred)]
    if not any(sources):
        return ""
    return f" {sources[1] or '<in memory>'} (reference {sources[0] or '<in memory>'})"

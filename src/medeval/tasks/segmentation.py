"""Segmentation: reference masks against predicted masks, mean metrics with intervals.

The manifest's ``reference`` is a mask or label map: a volume (NIfTI, MHA, NRRD, a DICOM
file or series folder; a DICOM SEG as the label map of its segment numbers, placed on the
grid of the case's DICOM input, the series it was drawn on, or of its one NIfTI,
MetaImage or NRRD input) or a 2-D mask image (PNG, BMP, TIFF; JPEG with
``jpeg_threshold``), read with
:func:`medeval.loaders.read_mask` as the protocol's ``label_map`` and ``jpeg_threshold``
say. The prediction is ``<case_id>`` with one of :data:`SUFFIXES` (a volume, a DICOM SEG
placed on the reference's grid, or a mask image read the same way as the references), on
the reference's grid — checked with
:func:`medeval.compat.check_compatible` before anything is measured (two mask images by
their shape: they state no geometry). Each protocol label is scored with
:func:`medeval.metrics.segmentation_scores`.

Distances, in the protocol's ``distance_unit``:

- ``"mm"``: with the reference image's spacing in (z, y, x); a mask image states none, so
  the protocol's ``pixel_spacing_mm`` ``s`` gives ``(1, s, s)``. A mask image without it
  is a reference problem (listed for every case before anything is scored when the
  algorithm is run; in the scoring pass, found from the file's first bytes, for supplied
  predictions): nothing is taken as 1 mm. A volume with a spacing of its own under a
  protocol that declares ``pixel_spacing_mm`` is refused as well (which would hold?).
- ``"px"``: spacing ``(1, 1, 1)``, distances and the NSD tolerance in pixels (voxel
  steps); every distance record of the result carries unit ``px``, and so does the
  table ``distances`` that says what the per-case distance columns hold.

With ``distances = false`` only Dice, IoU (``jaccard``) and the relative volume
difference are computed, from the voxel counts alone: no unit, spacing or tolerance is
needed, and a criterion on a distance is refused.

A grid of one slice (every 2-D frame, and a volume one voxel thick along any axis: a
sagittal slice, or a 2-D mask nibabel wrote from a (1, H, W) array, x its axis of length
1) is measured in 2-D: the border of a mask is its contour in the plane. (Measured as a
volume one voxel thick, every pixel of a mask would be a border voxel, its top and bottom
faces included.)

The reference mask of a 2-D frame must have the frame's rows and columns (the frame's
colour channels are not part of a mask): each raster or DICOM input of the case is
compared by its header (a DICOM file's Rows and Columns), and a mask that does not fit
its frame is a reference problem. Under mm, a mask image takes the protocol's
``pixel_spacing_mm``, which must agree with the pixel size a DICOM input states (see
``docs/dicom-2d.md``). A stack of frames without distances between them (a multi-page
TIFF, a cine) is not measured as a volume: distances on it are refused.

Aggregation: the mean over cases of each metric, with a bootstrap interval (resampling
patients or cases as the protocol says). An infinite distance — one mask empty, the
declared answer of the empty-mask table — is replaced by the protocol's
``failures.worst_distance_mm`` (``worst_distance_px`` for distances in pixels) when one
is declared, and counted; without it the mean is infinite and its interval undefined,
which the result shows. A failed case scores Dice 0, IoU 0, NSD 0, the declared worst
distance and a relative volume difference of -1 (its prediction taken as empty).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..compat import check_compatible
from ..errors import CompatibilityError, LoaderError
from ..manifest import Case
from ..metrics.segmentation import mask_overlap
from ..metrics.segmentation_scores import segmentation_scores
from ..result import MetricRecord
from ..stats.estimate import Estimate
from ._frame_notes import corrected_warning, key_frame_warning
from ._frames import (
    RASTER,
    conflicting_spacing,
    differing_regions,
    mismatched_frame,
    stated_spacing,
    unplaced_stack,
)
from ._segmentation_files import SUFFIXES as SUFFIXES  # re-exported: the docstring's
from ._segmentation_files import (
    _coded_as_references,
    _drawn_on,
    _page_problem,
    _prediction_file,
    _sniff,
    _unplaced_frames,
)
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    TaskType,
    bootstrap_estimate,
    metric_record,
)

__all__ = ["Segmentation"]

_DISTANCES = ("hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd")


def _within(values: NDArray[Any], allowed: Sequence[int]) -> bool:
    """Whether every value of ``values`` is one of ``allowed`` (by the extremes when the
    allowed values are a run of integers, as the usual 0, 1, ..., K are)."""
    if values.dtype == np.bool_ or not values.size:
        return True
    low, high = min(allowed), max(allowed)
    if len(allowed) == high - low + 1 and values.dtype.kind in "iu":
        return bool(values.min() >= low and values.max() <= high)
    return bool(np.isin(values, allowed).all())


def _coding_problem(ref: NDArray[Any], pred: NDArray[Any], labels: Sequence[int]) -> str | None:
    """Why the prediction is not coded as its reference is, or None.

    Where the reference holds only background (0) and the scored labels, the prediction
    must too: a volume saved as 0/255, or with its lesion as 2 where the reference says
    1, would otherwise be measured as an empty mask (Dice 0) without a word. References
    holding other labels as well (a label map of which some labels are scored) set no
    such bound, and are left alone."""
    allowed = sorted({0, *labels})
    if not _within(ref, allowed) or _within(pred, allowed):
        return None
    outside = sorted(set(np.unique(pred).tolist()) - set(allowed))
    shown = ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in outside[:10])
    return (f"holds the value(s) {shown}, which its reference (coded "
            f"{', '.join(map(str, allowed))}: background and the scored labels) does not "
            "use; save the mask with the reference's coding (e.g. 0/1, not 0/255)")


class Segmentation(TaskType):
    """The ``segmentation`` task type behind :func:`medeval.evaluate`."""

    type = "segmentation"
    reference_kind = "image"
    parallel = True
    loads_ahead = True
    reads_reference = True

    def __init__(self, spec: Any, statistics: Any, failures: Any) -> None:
        self.spec = spec
        self.statistics = statistics
        self.failures = failures
        q = f"{spec.hd_percentile:g}"
        self.metric_names: tuple[str, ...] = (
            "dice", "jaccard", "hausdorff", f"hd{q}@max-directed", f"hd{q}@pooled", "assd",
            "masd", f"nsd@{spec.nsd_variant}", "relative_volume_difference",
        ) if spec.distances else ("dice", "jaccard", "relative_volume_difference")
        self.case_columns = tuple(
            f"{self._prefix(label)}{name}" for label in spec.labels
            for name in (*self.metric_names, "reference_empty", "prediction_empty")
        )
        self.unit: str = spec.distance_unit
        self.tolerance = (spec.nsd_tolerance_px if self.unit == "px"
                          else spec.nsd_tolerance_mm)
        self.worst = getattr(failures, f"worst_distance_{self.unit}", None)
        self.worst_key = f"failures.worst_distance_{self.unit}"

    def _prefix(self, label: int) -> str:
        return "" if len(self.spec.labels) == 1 else f"label{label}:"

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A reference the protocol's distance unit cannot measure (a mask image without
        spacing under mm, or a volume with its own spacing under ``pixel_spacing_mm``),
        found from the files' first bytes and headers. A mask image, and a DICOM SEG, is
        then read and checked as scoring reads and checks it (:meth:`_checked_reference`:
        a mask that does not fit its frame, a JPEG without ``jpeg_threshold``, values
        that need a ``label_map``, a colour mask, a stack of pages measured in distances;
        a SEG placed on the case's series by its headers, a series with a missing slice,
        a SEG drawn on another series): before the algorithm runs, not after it ran on
        every case. Volumes (NIfTI, a DICOM series) are not decoded here."""
        path = root / case.reference
        try:
            fmt = _sniff(path)
            problem = self._spacing_problem(case, root, path, fmt)
            if problem is None and (fmt in RASTER or fmt == "dicom" and path.is_file()):
                from ..loaders.seg import is_dicom_segmentation

                if fmt in RASTER or is_dicom_segmentation(path):
                    self._checked_reference(case, root, path, fmt)
        except OSError as exc:
            return f"case {case.case_id}: reference {case.reference}: cannot be read ({exc})"
        except LoaderError as exc:  # an EXIF orientation, a JPEG without a threshold, ...
            return f"case {case.case_id}: {exc}"
        except ReferenceProblem as exc:
            return str(exc)
        return problem

    def _spacing_problem(self, case: Case, root: Path, path: Path, fmt: str) -> str | None:
        spec = self.spec
        if self.unit == "px" or not spec.distances:  # nothing measured in mm
            return None
        if fmt in RASTER:
            return self._mask_spacing_problem(case, root, fmt)
        if spec.pixel_spacing_mm is None and fmt in ("nifti", "gzip", "nrrd", "metaimage"):
            from ..loaders.itk import spacing_not_stated

            note = spacing_not_stated(path)  # the header: found before the algorithm runs
            return None if note is None else _no_mm(case, note)
        if spec.pixel_spacing_mm is not None:
            return (f"case {case.case_id}: reference {case.reference} is a {fmt} file with "
                    "a spacing of its own, and the protocol declares pixel_spacing_mm (for "
                    "2-D frames that state none): remove pixel_spacing_mm, or use mask "
                    "images")
        return None

    def _mask_spacing_problem(self, case: Case, root: Path, fmt: str) -> str | None:
        """A mask image under mm: the protocol's ``pixel_spacing_mm`` is its pixel size,
        and must agree with the one its DICOM frame states (an ultrasound's calibrated
        region, a mammogram's PixelSpacing), if it states one: a set-wide pixel size
        other than the frame's would give every distance in mm wrong by their ratio."""
        s = self.spec.pixel_spacing_mm
        stated = stated_spacing(root, case.inputs)
        said = ("" if stated is None else f"; its frame {stated[0]} states "
                f"{stated[1][0]:g} x {stated[1][1]:g} mm (rows x columns, from "
                f"{stated[2]})")
        square = stated is None or bool(np.isclose(*stated[1], rtol=1e-3, atol=0.0))
        if not square:
            said += ("; its pixels are not square, and pixel_spacing_mm gives both axes one "
                     "size: use DICOM SEG references (they take the frame's own spacing) or "
                     "distance_unit = \"px\"")
        if s is None:
            return (f"case {case.case_id}: reference {case.reference} is a {fmt.upper()} "
                    "image, which states no pixel size, and the protocol measures distances "
                    "in mm: declare [task] pixel_spacing_mm (the pixel size in mm) or "
                    "distance_unit = \"px\" (distances in pixels); nothing is taken as 1 mm"
                    f"{said}")
        if stated is None and (conflict := conflicting_spacing(root, case.inputs)):
            return (f"case {case.case_id}: reference {case.reference} is measured with the "
                    f"protocol's pixel_spacing_mm = {s:g}, but its frame {conflict[0]} has "
                    f"no one pixel size: {conflict[1]}; correct the file's PixelSpacing or "
                    "its regions, or use distance_unit = \"px\"")
        if stated is None and (differing := differing_regions(root, case.inputs)):
            return (f"case {case.case_id}: reference {case.reference} is measured with the "
                    f"protocol's pixel_spacing_mm = {s:g}, but its frame {differing[0]} has "
                    f"ultrasound regions of different pixel sizes ({differing[1]}; rows x "
                    "columns): no one size holds for the image; use distance_unit = \"px\"")
        if stated is not None and not np.allclose(stated[1], (s, s), rtol=1e-3, atol=0.0):
            return (f"case {case.case_id}: reference {case.reference} is measured with the "
                    f"protocol's pixel_spacing_mm = {s:g}{said}" + (
                        "" if not square else ": the two disagree, and distances "
                        "in mm would be wrong by their ratio; declare the frames' pixel "
                        "size, or distance_unit = \"px\""))
        return None

    def _frame_problem(self, case: Case, root: Path, mask_size: tuple[int, int]) -> str | None:
        """The reference mask against each raster or DICOM input's rows and columns
        (headers)."""
        try:
            found = mismatched_frame(root, case.inputs, mask_size)
        except LoaderError as exc:
            return f"case {case.case_id}: {exc}"
        if found is None:
            return None
        name, size = found
        if tuple(size) == tuple(mask_size)[::-1]:  # a portrait frame, a landscape mask
            return (f"case {case.case_id}: reference {case.reference} is "
                    f"{mask_size[0]} x {mask_size[1]} pixels (rows x columns) but its "
                    f"frame {name} is {size[0]} x {size[1]}: rows and columns swapped, "
                    "one of them turned by 90 degrees (an EXIF orientation applied to "
                    "one only, a rotated export); turn the mask to the frame as the "
                    "algorithm reads it, and check it there")
        return (f"case {case.case_id}: reference {case.reference} is "
                f"{mask_size[0]} x {mask_size[1]} pixels (rows x columns) but its "
                f"frame {name} is {size[0]} x {size[1]}: the mask was not drawn on "
                "this frame, or one of them was resized; correct the set")

    def load_case(self, case: Case, root: Path, predictions: Path
                  ) -> tuple[Any, Any, Any, str | None, dict[str, Any]]:
        """Read both masks, check their geometry and split them by label (the evaluation
        may do this ahead, while the previous case is measured); with them, where the
        pixel size in mm came from (:func:`_spacing_source`) and, where the image's
        PixelSpacing was set aside for ImagerPixelSpacing over the magnification factor,
        how (``metadata["spacing_correction"]``); and, for one mask image on a cine, the
        cine's name and frame count (values for :meth:`aggregate`'s warnings)."""
        reference_path = root / case.reference
        try:
            fmt = _sniff(reference_path)
        except OSError as exc:
            raise ReferenceProblem(f"case {case.case_id}: reference {case.reference}: "
                                   f"cannot be read ({exc})") from None
        problem = self._spacing_problem(case, root, reference_path, fmt)
        if problem is not None:
            raise ReferenceProblem(problem)
        try:
            reference, spacing = self._checked_reference(case, root, reference_path, fmt)
        except LoaderError as exc:
            raise ReferenceProblem(f"case {case.case_id}: {exc}") from None
        path = _prediction_file(predictions, case.case_id)
        try:
            prediction = self._read_prediction(path, reference)
        except (LoaderError, OSError) as exc:
            raise PredictionError(f"case {case.case_id}: {exc}{_coded_as_references(exc)}"
                                  ) from None
        try:
            check_compatible(reference, prediction)
        except CompatibilityError as exc:
            raise PredictionError(f"case {case.case_id}: {exc}", "incompatible") from None
        ref, pred = reference.array, prediction.array
        problem = _coding_problem(ref, pred, self.spec.labels)
        if problem is not None:
            raise PredictionError(f"case {case.case_id}: prediction {path.name}: {problem}",
                                  "incompatible")
        ref, pred, spacing = _in_the_plane(ref, pred, spacing)
        masks = {label: (ref == label, pred == label) for label in self.spec.labels}
        source = self._spacing_source(reference)
        hidden = {_CORRECTED: reference.metadata.get("spacing_correction")
                  if source not in (None, "protocol pixel_spacing_mm") else None,
                  _ON_CINE: unplaced_stack(root, case.inputs)
                  if fmt in RASTER and ref.ndim == 2 else None}
        return spacing, masks, _unscored_values(ref, masks), source, hidden

    def _checked_reference(self, case: Case, root: Path, path: Path, fmt: str
                           ) -> tuple[Any, tuple[float, ...]]:
        """The reference read as scoring reads it, with the spacing its distances are
        measured with; what :meth:`reference_problem` checks before the algorithm runs and
        :meth:`load_case` while scoring, one path for both.

        Raises
        ------
        ReferenceProblem
            A mask image not of its frame's size, or a stack of pages not of its cine's
            frames; a spacing the protocol's unit cannot measure with (:meth:`_spacing`).
        LoaderError
            The reference cannot be read as scoring reads it (:meth:`_read_reference`).
        """
        reference = self._read_reference(case, root, path, fmt)
        problem = _unlabelled(case, reference.array)
        if problem is not None:
            raise ReferenceProblem(problem)
        if fmt in RASTER:
            problem = self._frame_problem(case, root, reference.array.shape[1:3])
            problem = problem or _page_problem(case, root, reference.array.shape[0])
            if problem is not None:
                raise ReferenceProblem(problem)
        return reference, self._spacing(case, reference)

    def _read_reference(self, case: Case, root: Path, path: Path, fmt: str) -> Any:
        """A DICOM SEG reference is placed on the grid of the case's DICOM input it was
        drawn on (its frame of reference and series checked): a SEG holds only the
        frames its writer kept, so its own grid may be part of the image's. Of several
        DICOM inputs (the series and a prior, say), the one whose SeriesInstanceUID the
        SEG's ReferencedSeriesSequence names; a SEG naming none or several of them is a
        reference problem. Without a DICOM input, on the grid of the case's one volume
        input (NIfTI, MetaImage, NRRD: the series converted), by its header; else on
        the SEG's own grid."""
        from ..loaders.dicom import read_dicom_file_grid, read_dicom_grid
        from ..loaders.itk import read_itk_grid
        from ..loaders.seg import is_dicom_segmentation, read_label_map

        if fmt == "dicom" and is_dicom_segmentation(path):
            images = [root / name for name in case.inputs
                      if (root / name).is_dir()
                      or ((root / name).is_file() and _sniff(root / name) == "dicom")]
            if len(images) > 1:
                images = [_drawn_on(case, path, images)]
            if images:  # a series or an image: its headers give the grid, not its pixels
                image = read_dicom_grid(images[0]) if images[0].is_dir() \
                    else read_dicom_file_grid(images[0])
                return read_label_map(path, reference=image)
            volumes = [root / name for name in case.inputs if (root / name).is_file()
                       and _sniff(root / name) in ("nifti", "gzip", "nrrd", "metaimage")]
            if len(volumes) == 1:  # the series converted: the SEG goes on its grid
                placed = read_label_map(path, reference=read_itk_grid(volumes[0]))
                # its pixel size is the volume's header's, not the SEG's own geometry
                return replace(placed, metadata={"spacing_source": "image file header",
                                                 **placed.metadata})
        return self._read(path, fmt)

    def _read_prediction(self, path: Path, reference: Any) -> Any:
        """A DICOM SEG prediction is placed on the reference's grid (its frames must lie
        on the reference's slices); any other prediction is read as it is."""
        from ..loaders.seg import is_dicom_segmentation, read_label_map

        fmt = _sniff(path)
        if fmt == "dicom" and reference.spacing_mm is not None and is_dicom_segmentation(path):
            return read_label_map(path, reference=reference)
        return self._read(path, fmt)

    def _read(self, path: Path, fmt: str) -> Any:
        from ..loaders import read_image, read_mask

        if fmt in RASTER:
            return read_mask(path, label_map=self.spec.label_map,
                             jpeg_threshold=self.spec.jpeg_threshold)
        return read_image(path)

    def _spacing(self, case: Case, reference: Any) -> tuple[float, ...]:
        """The spacing distances are measured with, in the protocol's unit."""
        if not self.spec.distances:
            return (1.0, 1.0, 1.0)
        _unplaced_frames(case, reference)
        if self.unit == "px":
            return (1.0, 1.0, 1.0)
        if reference.metadata.get("spacing_conflict"):  # PixelSpacing against its regions
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference}: its image's "
                f"{reference.metadata['spacing_conflict']}, and the protocol measures "
                "distances in mm: correct the file's PixelSpacing or its regions, or use "
                "distance_unit = \"px\"; nothing is taken as 1 mm")
        if reference.metadata.get("spacing_source") == "absent":  # read as 1 x 1 mm
            note = reference.metadata.get("spacing_note")
            what = (note if reference.metadata.get("format") == "itk" else
                    "DICOM without a pixel spacing (no PixelSpacing, ImagerPixelSpacing "
                    "or calibrated ultrasound region" + (f": {note})" if note else ")"))
            raise ReferenceProblem(_no_mm(case, what))
        if reference.spacing_mm is not None:
            if self.spec.pixel_spacing_mm is not None:
                raise ReferenceProblem(
                    f"case {case.case_id}: reference {case.reference} has a spacing of its "
                    f"own {tuple(reference.spacing_mm)} mm, and the protocol declares "
                    "pixel_spacing_mm: remove one of them")
            return tuple(float(v) for v in reference.spacing_mm)
        s = self.spec.pixel_spacing_mm
        if s is None:
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference} states no spacing and the "
                "protocol measures distances in mm: declare [task] pixel_spacing_mm or "
                "distance_unit = \"px\"; nothing is taken as 1 mm")
        return (1.0, float(s), float(s))

    def score_loaded(self, case: Case,
                     loaded: tuple[Any, Any, Any, str | None, dict[str, Any]]
                     ) -> dict[str, Any]:
        """Score every protocol label of masks already read (see :meth:`load_case`)."""
        spacing, masks, unscored, source, hidden = loaded
        # not case columns: for aggregate
        values: dict[str, Any] = {_UNSCORED: unscored, _SOURCE: source, **hidden}
        if not self.spec.distances:
            return {**values, **self._overlaps(masks)}
        for label in self.spec.labels:
            scores = segmentation_scores(
                *masks[label],
                spacing_mm=spacing, tolerance_mm=self.tolerance,
                percentile=self.spec.hd_percentile, nsd_variant=self.spec.nsd_variant,
                connectivity=self.spec.connectivity,
            )
            prefix = self._prefix(label)
            for name in self.metric_names:
                values[prefix + name] = scores.values[name]
            values[prefix + "reference_empty"] = scores.reference_empty
            values[prefix + "prediction_empty"] = scores.prediction_empty
        return values

    def _overlaps(self, masks: dict[int, Any]) -> dict[str, Any]:
        """Dice, IoU and RVD only (``distances = false``): the voxel counts that
        :func:`~medeval.metrics.segmentation_scores` starts from, and its edge cases."""
        values: dict[str, Any] = {}
        for label in self.spec.labels:
            counts = mask_overlap(*masks[label])
            ref_volume, pred_volume = counts.tp + counts.fn, counts.tp + counts.fp
            if ref_volume:
                rvd = (pred_volume - ref_volume) / ref_volume
            else:
                rvd = 0.0 if pred_volume == 0 else math.inf
            prefix = self._prefix(label)
            values[prefix + "dice"] = counts.dice()
            values[prefix + "jaccard"] = counts.jaccard()
            values[prefix + "relative_volume_difference"] = rvd
            values[prefix + "reference_empty"] = counts.reference_empty
            values[prefix + "prediction_empty"] = counts.prediction_empty
        return values

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read both masks, check their geometry, score every protocol label."""
        return self.score_loaded(case, self.load_case(case, root, predictions))

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """Dice 0, NSD 0, the declared worst distance (``inf`` if none), RVD -1."""
        worst = self.worst
        distance = math.inf if worst is None else float(worst)
        values: dict[str, Any] = {}
        for label in self.spec.labels:
            prefix = self._prefix(label)
            for name in self.metric_names:
                if name in ("dice", "jaccard") or name.startswith("nsd@"):
                    values[prefix + name] = 0.0
                elif name == "relative_volume_difference":
                    values[prefix + name] = -1.0
                else:
                    values[prefix + name] = distance
            values[prefix + "reference_empty"] = None
            values[prefix + "prediction_empty"] = True
        return values

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """The mean of each metric over the cases, with a bootstrap interval."""
        st = self.statistics
        worst = self.worst
        metrics: list[MetricRecord] = []
        tables: dict[str, Any] = {}
        for label in self.spec.labels:
            prefix = self._prefix(label)
            substituted = 0
            for name in self.metric_names:
                values = np.array([float(r.values[prefix + name]) for r in rows])
                if _is_distance(name) and worst is not None:
                    infinite = np.isinf(values)
                    substituted += int(infinite.sum())
                    values[infinite] = float(worst)
                unreplaced = _is_distance(name) and worst is None
                estimate = _mean_ci(values, clusters, st,
                                    unreplaced=self.worst_key if unreplaced else None,
                                    distance=_is_distance(name))
                unit = self.unit if _is_distance(name) else None
                metrics.append(metric_record(f"{prefix}{name}", _definition_id(name),
                                             estimate, unit))
            flags = [(r.values.get(prefix + "reference_empty"),
                      r.values.get(prefix + "prediction_empty")) for r in rows]
            tables[f"{prefix}empty_masks"] = {
                "reference_only_empty": sum(1 for a, b in flags if a is True and b is False),
                "prediction_only_empty": sum(1 for a, b in flags if a is False and b is True),
                "both_empty": sum(1 for a, b in flags if a is True and b is True),
                "distances_replaced_by_worst": substituted,
            }
        if self.spec.distances:
            tables["distances"] = self._distance_table(rows)
        corrected = [(r.case_id, r.values[_CORRECTED]) for r in rows
                     if r.values.get(_CORRECTED)]
        on_cine = [(r.case_id, *r.values[_ON_CINE]) for r in rows if r.values.get(_ON_CINE)]
        return Aggregate(tuple(metrics), tables, case_facts=self._unscored_warning(rows)
                         + self._worst_exceeded_warning(rows)
                         + corrected_warning(corrected, len(rows))
                         + key_frame_warning(on_cine, len(rows)))

    def _worst_exceeded_warning(self, rows: Sequence[CaseRow]) -> tuple[str, ...]:
        """Distances measured beyond the declared worst distance: a failed case, or a
        mask empty on one side, counted at it would score better than those cases (a
        worst distance of 205 px, the diagonal of a 160 x 128 frame, on 1280 x 1024
        frames)."""
        worst = self.worst
        if worst is None:
            return ()
        names = [self._prefix(label) + name for label in self.spec.labels
                 for name in self.metric_names if _is_distance(name)]
        above: list[tuple[float, str, str]] = []
        for row in rows:
            found = [(float(v), name) for name in names
                     if isinstance(v := row.values.get(name), (int, float))
                     and math.isfinite(v) and v > worst]
            if found:
                above.append((*max(found), row.case_id))
        if not above:
            return ()
        value, name, case = max(above, key=lambda item: item[0])
        return (f"{self.worst_key} = {worst:g} is less than distances measured: {len(above)} "
                f"of {len(rows)} case(s) have a distance above it (the largest, {name} "
                f"{value:.4g} {self.unit}, in case {case}), so a failed case or a mask empty "
                "on one side, counted at it, scores better than they do; declare at least the "
                "largest distance the images allow (the diagonal of a frame or volume)",)

    def _unscored_warning(self, rows: Sequence[CaseRow]) -> tuple[str, ...]:
        """References holding none of the scored labels but other values: a mask coded
        0/255 under labels [1] is scored as an empty reference, every case Dice 0."""
        found = [(r.case_id, r.values[_UNSCORED]) for r in rows if r.values.get(_UNSCORED)]
        if not found:
            return ()
        values = sorted({v for _, shown in found for v in shown})
        cases = ", ".join(case for case, _ in found[:10]) + (
            f", ... ({len(found)} cases)" if len(found) > 10 else "")
        labels = ", ".join(map(str, self.spec.labels))
        return (f"{len(found)} of {len(rows)} case(s) have a reference holding none of the "
                f"scored label(s) {labels} but other values ({', '.join(map(str, values[:10]))}): "
                f"{cases}; each is scored as an empty reference. If the masks are coded "
                f"otherwise (0/255, say), declare those values as [task] labels or recode "
                "the masks",)

    def _distance_table(self, rows: Sequence[CaseRow]) -> dict[str, Any]:
        """What the distance columns hold: their unit, the pixel size, the tolerance;
        in mm, where each scored case's pixel size came from (source: number of cases)."""
        table: dict[str, Any] = {
            "unit": self.unit,
            "pixel_spacing_mm": self.spec.pixel_spacing_mm,
            "nsd_tolerance": self.tolerance,
            "case_columns": [f"{self._prefix(label)}{name}" for label in self.spec.labels
                             for name in self.metric_names if _is_distance(name)],
        }
        if self.unit == "mm":
            found = Counter(r.values[_SOURCE] for r in rows if r.values.get(_SOURCE))
            table["pixel_size_sources"] = dict(sorted(found.items()))
        return table

    def _spacing_source(self, reference: Any) -> str | None:
        """Where the pixel size distances are measured with came from, for the result:
        the DICOM element a loader names (``PixelSpacing``, ``ImagerPixelSpacing``,
        ``ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor``,
        ``SequenceOfUltrasoundRegions``: a mammogram's PixelSpacing and ImagerPixelSpacing
        differ by the magnification, some 8 %), ``image file header`` for a NIfTI,
        MetaImage or NRRD file, ``DICOM geometry`` for a DICOM object's own (a SEG's pixel
        measures), and ``protocol pixel_spacing_mm``. None where nothing is measured in
        mm."""
        if not self.spec.distances or self.unit != "mm":
            return None
        if reference.spacing_mm is None:
            return "protocol pixel_spacing_mm"
        named = reference.metadata.get("spacing_source")
        if named:
            return str(named)
        return ("image file header" if reference.metadata.get("format") == "itk"
                else "DICOM geometry")


_UNSCORED = "_reference_unscored_values"
_SOURCE = "_pixel_size_source"
_CORRECTED = "_pixel_size_corrected"
_ON_CINE = "_one_mask_on_a_cine"


def _no_mm(case: Case, what: str) -> str:
    """A reference stating no spacing under distances in mm: ``what`` it is."""
    return (f"case {case.case_id}: reference {case.reference} is {what}, and the "
            "protocol measures distances in mm: use distance_unit = \"px\" or a "
            "reference that states its spacing; nothing is taken as 1 mm")


def _in_the_plane(ref: NDArray[Any], pred: NDArray[Any], spacing: tuple[float, ...]
                  ) -> tuple[NDArray[Any], NDArray[Any], tuple[float, ...]]:
    """A grid one voxel thick along an axis, the slice axis or another (a sagittal
    slice, a 2-D mask that nibabel wrote from a (1, H, W) array: x is the axis of
    length 1), as the 2-D grid of the other two axes with their spacing."""
    flat = [axis for axis in range(ref.ndim) if ref.shape[axis] == 1]
    if ref.ndim != 3 or not flat:
        return ref, pred, spacing
    axis = flat[0]
    return (np.take(ref, 0, axis=axis), np.take(pred, 0, axis=axis),
            tuple(v for i, v in enumerate(spacing) if i != axis))


def _unlabelled(case: Case, ref: NDArray[Any]) -> str | None:
    """Why a floating-point reference holds no labels, or None
    (:func:`medeval._label_values.not_labels`)."""
    from .._label_values import not_labels

    problem = not_labels(ref)
    return None if problem is None else (
        f"case {case.case_id}: reference {case.reference} {problem}")


def _unscored_values(ref: NDArray[Any], masks: dict[int, Any]) -> list[Any]:
    """The values (up to 10) of a reference holding none of the scored labels but other
    values than 0; empty otherwise (and found at no cost when a label is there)."""
    if any(ref_mask.any() for ref_mask, _ in masks.values()) or not ref.any():
        return []
    values = np.unique(ref)
    return [v.item() for v in values[values != 0][:10]]


def _base(name: str) -> str:
    return name.split(":", 1)[-1]


def _is_distance(name: str) -> bool:
    """Whether a figure is a distance, in the protocol's unit: the Hausdorff distance at
    any ``hd_percentile`` too (``hd90@pooled``), whose definition is ``hd95@pooled``'s."""
    return _definition_id(name) in _DISTANCES


def _definition_id(name: str) -> str:
    base = _base(name)
    if base.startswith("hd") and "@" in base and not base.startswith("hd95"):
        return "hd95@" + base.split("@", 1)[1]  # another percentile: the same definition
    return base


def _mean(x: NDArray[np.float64], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = np.einsum("bn,n->b", weights, x) / weights.sum(axis=1)
    return result


def _mean_ci(values: NDArray[np.float64], clusters: Sequence[str] | None, st: Any, *,
             unreplaced: str | None = None, distance: bool = True) -> Estimate:
    """The mean over the cases with its bootstrap interval; an infinite value (a mask
    empty on one side) makes the mean infinite and the interval undefined, with a note
    (``unreplaced``: the key of the declared worst distance that would have replaced
    it). A failed case is counted at the worst distance for a ``distance`` only (the
    relative volume difference of a failed case is -1): only then is it a cause."""
    infinite = int((~np.isfinite(values)).sum())
    if infinite:
        failed = (", or a failed case counted at the worst distance, which is infinite "
                  "where none is declared") if distance else ""
        note = (f"{infinite} of {values.size} case(s) have an infinite value (a mask empty "
                f"on one side{failed}), so the mean is infinite and its interval "
                "undefined (NaN)")
        if unreplaced:
            note += f"; no {unreplaced} is declared to replace them"
        return Estimate(float(values.mean()), math.nan, math.nan,
                        f"bootstrap-{st.bootstrap_method}", st.confidence, int(values.size),
                        note=note)
    return bootstrap_estimate(_mean, values, clusters, st)



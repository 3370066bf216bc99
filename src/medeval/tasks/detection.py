"""Lesion detection: detections with scores against reference lesions, FROC and CPM.

The manifest's ``reference`` is a JSON file — ``{"boxes": [[lo..., hi...], ...]}`` or
``{"points": [[...], ...]}``, coordinates in millimetres in the image's axis order (or
in voxels with ``"spacing_mm"`` given beside them, which ``"unit": "voxel"`` may say;
``"unit": "mm"`` may say they are
millimetres, and points in mm on a volume of voxels other than 1 mm without it are
named in the result's warnings) — or, for ``criterion = "inside"``, a
labelled mask image (lesion ``k`` has label ``k``). A lesion-free case has an empty list.
The prediction is ``<case_id>.json``: ``{"detections": [{"box": [...], "score": s} |
{"point": [...], "score": s}, ...]}``.

Matching per case is :func:`medeval.metrics.match_detections`; the FROC pools all cases
(lesion-free ones count in FP per case). Intervals: a bootstrap over cases (or patients)
in which each resample re-weights every case's lesions and detections — the FROC is
recomputed on each resample, vectorised. Failure policy ``worst-case``: a failed case
has no detection (its lesions are missed), and is not a case of the false positives per
case (which, counted with none of its own, it would lower: the figure is over the cases
scored, as with the failed ones excluded); with every case failed, nothing was detected:
the sensitivity is 0 at every rate. In the case-level AUC a failed case is ranked wrongly:
below every case if it holds a lesion, above every case if it is lesion-free.

2-D frames annotated in COCO or LabelMe files, with COCO results as predictions and COCO
AP beside the FROC, are the ``coco-detection`` task type (:mod:`.coco_detection`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import MedevalError
from ..manifest import Case
from ..metrics.detection import DetectionMatch, Froc, case_scores, froc, match_detections
from ..result import MetricRecord
from ..stats.estimate import Estimate
from ._auc_interval import auc_over_unit
from ._json_numbers import number, number_rows
from ._scalar_json import read_json_prediction
from ._volume_points import millimetre_points_volume, volume_points_problem
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    ReferenceProblem,
    TaskType,
    bootstrap_estimate,
    metric_record,
)

__all__ = ["Detection", "froc_records", "froc_table"]


class Detection(TaskType):
    """The ``detection`` task type behind :func:`medeval.evaluate`."""

    type = "detection"
    reads_reference = True
    case_columns = ("n_reference", "n_detections", "true_positives", "max_score")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        self.reference_kind = "image" if spec.criterion == "inside" else "file"
        # case -> (its reference's digest and inputs' identities, _unit_checks' finding)
        self._checked: dict[str, tuple[Any, Any]] = {}
        self._volumes: dict[str, Any] = {}  # case -> the volume its mm points lie on

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the reference cannot be read or matched (a box whose upper
        corner is below its lower one, a point of the wrong dimension ...)."""
        try:
            self._matched_alone(case, *self._reference(case, root))
        except ReferenceProblem as exc:
            return str(exc)
        return None

    def _reference(self, case: Case, root: Path) -> tuple[Any, tuple[float, ...] | float]:
        if self.spec.criterion == "inside":
            return _lesion_mask(case, root), 1.0
        path = root / case.reference
        try:
            text = path.read_bytes()
            data = json.loads(text.decode("utf-8-sig"))  # a BOM: Windows
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ReferenceProblem(f"case {case.case_id}: reference {path} is not JSON: {exc}") \
                from None
        key = "boxes" if self.spec.criterion == "iou" else "points"
        rows = data.get(key, data.get("boxes")) if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise ReferenceProblem(
                f"case {case.case_id}: reference {path} needs a list {key!r}"
            )
        try:
            reference = number_rows(rows, name=key.removesuffix("es").removesuffix("s"),
                                    shape="a list of coordinates")
            spacing = data.get("spacing_mm", 1.0)
            if isinstance(spacing, list):
                spacing = tuple(number(v, name="spacing_mm") for v in spacing)
            else:
                spacing = number(spacing, name="spacing_mm")
        except ValueError as exc:
            raise ReferenceProblem(f"case {case.case_id}: reference {path}: {exc}") from None
        if self.spec.criterion == "distance":
            # the checks that read the case's input, once a set: the pre-check before the
            # algorithm runs, not again when the case is scored (the same file, unchanged)
            identity = (hashlib.sha256(text).digest(), _identities(root, case.inputs))
            checked = self._checked.get(case.case_id)
            if checked is None or checked[0] != identity:
                checked = identity, _unit_checks(case, root, data, reference, spacing)
                self._checked[case.case_id] = checked
            self._volumes[case.case_id] = checked[1]
        return reference, spacing

    def _match(self, reference: Any, spacing: Any, detections: NDArray[np.float64],
               scores: NDArray[np.float64]) -> DetectionMatch:
        if self.spec.criterion == "inside":
            ref, width = reference, reference.ndim
        else:
            ref, width = reference, reference.shape[1]
            if not len(ref):
                width = detections.shape[1] if len(detections) else 0
                ref = np.zeros((0, width))
        det = detections if len(detections) else np.zeros((0, width))
        return match_detections(
            ref, det, scores, criterion=self.spec.criterion,
            iou_threshold=self.spec.iou_threshold, max_distance_mm=self.spec.max_distance_mm,
            spacing_mm=spacing if self.spec.criterion == "distance" else None,
        )

    def _matched_alone(self, case: Case, reference: Any, spacing: Any) -> DetectionMatch:
        """The reference matched against no detection; its faults are the set's."""
        try:
            return self._match(reference, spacing, np.zeros((0, 0)), np.zeros(0))
        except MedevalError as exc:
            raise ReferenceProblem(
                f"case {case.case_id}: reference {case.reference}: {exc}") from None

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read both lists and match them."""
        reference, spacing = self._reference(case, root)
        data = read_json_prediction(case, predictions)
        key = "box" if self.spec.criterion == "iou" else "point"
        try:
            items = data.get("detections") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise ValueError("there is no list \"detections\"")
            for k, item in enumerate(items):
                if not isinstance(item, dict):
                    raise ValueError(f"detection {k} is {json.dumps(item)[:60]}, not an object")
            detections = number_rows([item.get(key, item.get("box")) for item in items],
                                     name=key, shape="a list of coordinates")
            scores = np.array([number(item.get("score"), name=f"detection {k}'s score")
                               for k, item in enumerate(items)], dtype=np.float64)
            if not np.isfinite(scores).all():  # NaN or Infinity, as Python's json writes
                k = int(np.flatnonzero(~np.isfinite(scores))[0])
                raise ValueError(f"detection {k}'s score is {json.dumps(float(scores[k]))}, "
                                 "not a finite number")
        except ValueError as exc:
            raise PredictionError(
                f"case {case.case_id}: the prediction must be {{\"detections\": [{{\"box\" or "
                f"\"point\": [...], \"score\": number}}, ...]}}: {exc}"
            ) from None
        try:
            match = self._match(reference, spacing, detections, scores)
        except MedevalError as exc:
            self._matched_alone(case, reference, spacing)  # the reference's fault first
            raise PredictionError(f"case {case.case_id}: {exc}") from None
        values = {**_values(match), "_extents": _extents(
            reference, detections, self.spec.criterion), **self._volume_of(case)}
        if self.spec.criterion == "iou" and detections.shape[1:] == (4,):
            size = _frame_size(case, root)
            if size is not None:
                values["_frame_boxes"] = _frame_boxes(size, detections, reference)
        return values

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No detection: every lesion of the case is missed."""
        return {**_values(self._matched_alone(case, *self._reference(case, root))),
                **self._volume_of(case)}

    def _volume_of(self, case: Case) -> dict[str, Any]:
        """The volume the case's points in mm lie on, of voxels not 1 mm (see
        :func:`._volume_points.millimetre_points_volume`), as a value of its row."""
        found = self._volumes.get(case.case_id)
        return {} if found is None else {"_mm_volume": [found[0], found[1]]}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """FROC, sensitivity at the FP rates, CPM, AP and the case-level AUC."""
        st, spec = self.statistics, self.spec
        matches = [DetectionMatch(np.asarray(r.values["_scores"], dtype=float),
                                  np.asarray(r.values["_hits"], dtype=bool),
                                  int(r.values["n_reference"]), np.zeros((0, 2), np.intp),
                                  spec.criterion) for r in rows]
        names = ["froc_cpm", "detection_average_precision"] + [
            f"froc_sensitivity@{r:g}" for r in spec.fp_rates]
        # a failed case (worst case: nothing detected, its lesions missed) is not a case
        # of the false positives per case: counted with none of its own, it would lower
        # the rate, and the worst case would read a higher sensitivity at a given rate
        # than the figures without the failed cases
        scored = [r.status == "ok" for r in rows]
        metrics = froc_records(matches, names, clusters, st, fp_rates=spec.fp_rates,
                               interpolation=spec.interpolation, scored=scored)
        if not matches:  # every case failed and left out
            return Aggregate(tuple(metrics), {})
        curve = froc(matches, fp_rates=spec.fp_rates, interpolation=spec.interpolation,
                     scored=scored)
        y, s = case_scores(matches, no_detection_score=_nothing_detected(matches))
        s = _failed_ranked_wrongly(y, s, np.asarray(scored, dtype=bool))
        if 0 < int(y.sum()) < y.size:
            metrics.append(metric_record("case_auc", "case_roc_auc",
                                         auc_over_unit(y, s, clusters, st)))
        return Aggregate(tuple(metrics), {"froc": froc_table(curve)},
                         _within_one(rows) + _column_first(rows),
                         case_facts=_millimetre_points(rows))


def _extents(reference: Any, detections: NDArray[np.float64], criterion: str
             ) -> tuple[float | None, float | None]:
    """The largest coordinate of the reference (a lesion mask: its largest index) and of
    the detections, in absolute value; None where there is none."""
    ref: float | None
    if criterion == "inside":
        ref = float(max(reference.shape) - 1)
    else:
        ref = float(np.abs(reference).max()) if reference.size else None
    return ref, float(np.abs(detections).max()) if detections.size else None


def _within_one(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """A warning when every detection coordinate lies within [-1, 1] while the reference
    reaches past 1: coordinates normalised to the image's size (a detector's own form),
    scored as given against a reference in pixels or millimetres."""
    extents = [r.values["_extents"] for r in rows if "_extents" in r.values]
    detected = [d for _, d in extents if d is not None]
    reference = [r for r, _ in extents if r is not None]
    if not detected or max(detected) > 1.0 or not reference or max(reference) <= 1.0:
        return ()
    return (f"every coordinate of the detections lies within [-1, 1] (the largest "
            f"{max(detected):g}), while the reference's coordinates reach "
            f"{max(reference):g}: are they "
            "normalised to the image's size? They were scored as given, in the reference's "
            "pixels or millimetres",)


def _frame_size(case: Case, root: Path) -> tuple[int, int] | None:
    """Rows and columns of the case's one frame (its header): a raster file, or a DICOM
    file of one frame without positions (an ultrasound, endoscopy or mammography image;
    these were skipped, so boxes given (x, y) first on them went unwarned); else None."""
    from ..loaders._files import sniff
    from ._frames import RASTER, dicom_header, raster_size

    if len(case.inputs) != 1:
        return None
    frame = root / case.inputs[0]
    try:
        kind = str(sniff(frame)) if frame.is_file() else ""
        if kind in RASTER:
            return raster_size(frame)
        if kind != "dicom":
            return None
        head = dicom_header(frame)
        return head.size if head.frames == 1 and not head.positioned else None
    except (OSError, MedevalError):
        return None


def _frame_boxes(size: tuple[int, int], detections: NDArray[np.float64],
                 reference: NDArray[np.float64] | None = None
                 ) -> tuple[int, int, list[float] | None, bool]:
    """The frame's rows and columns; the first box reaching more than 1 px past the
    frame's bottom or right edge read as [row0, col0, row1, col1] (None: none does); and
    whether every box lies within the frame read as [x1, y1, x2, y2] while every box of
    the ``reference`` lies within it read row first (a reference that reaches past it so
    is given column first too: the boxes agree with it, and are scored rightly)."""
    rows, cols = size

    def past_rows_first(boxes: NDArray[np.float64]) -> NDArray[np.bool_]:
        return (np.maximum(boxes[:, 0], boxes[:, 2]) > rows + 1) | (
            np.maximum(boxes[:, 1], boxes[:, 3]) > cols + 1)

    past = past_rows_first(detections)
    inside_xy = bool(np.all((detections[:, [0, 2]] <= cols + 1)
                            & (detections[:, [1, 3]] <= rows + 1)))
    if reference is not None and reference.shape[1:] == (4,) and len(reference):
        inside_xy = inside_xy and not bool(past_rows_first(reference).any())
    first = detections[int(np.argmax(past))].tolist() if past.any() else None
    return rows, cols, first, inside_xy


def _column_first(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """A warning when detection boxes reach past their frames read in the image's axis
    order, row first, while every one lies inside its frame read as [x1, y1, x2, y2]
    (column first: YOLO's and torchvision's corners), scored as given."""
    found = [(r.case_id, r.values["_frame_boxes"]) for r in rows if "_frame_boxes" in r.values]
    past = [(case_id, box) for case_id, box in found if box[2] is not None]
    if not past or not all(box[3] for _, box in found):
        return ()
    case_id, (height, width, first, _) = past[0]
    shown = ", ".join(f"{v:g}" for v in first or ())
    return (f"the detection boxes of {len(past)} case(s) reach past their frame's bottom "
            f"or right edge read as [row0, col0, row1, col1] (e.g. case {case_id}: "
            f"[{shown}] on a frame {width} px wide, {height} px high), while every box "
            "lies inside its frame read as [x1, y1, x2, y2]: were (x, y) corners given? "
            "The detection task reads a box in the image's axis order, row first; they "
            "were scored as given",)


def _millimetre_points(rows: Sequence[CaseRow]) -> tuple[str, ...]:
    """A fact when points given without "spacing_mm" (millimetres) lie on volumes whose
    voxels are not 1 mm: read so, voxel indices would be wrong by the spacing, without a
    word; a reference saying "unit": "mm" is not counted."""
    found = [(r.case_id, r.values["_mm_volume"]) for r in rows if "_mm_volume" in r.values]
    if not found:
        return ()
    case_id, (name, spacing) = found[0]
    shown = ", ".join("?" if s is None else f"{s:g}" for s in spacing)
    return (f"{len(found)} case(s) give their reference points without \"spacing_mm\" "
            f"on a volume whose voxels are not 1 mm (e.g. case {case_id}: {name}, "
            f"[{shown}] mm in (z, y, x) order): the points and detections were read as "
            "millimetres, which is not checked; were they voxel indices, every distance "
            "would be wrong by the spacing. Points in voxels need \"spacing_mm\" beside "
            "them; \"unit\": \"mm\" in a reference file says its points are millimetres",)


def _failed_ranked_wrongly(y: NDArray[np.bool_], s: NDArray[np.float64],
                           scored: NDArray[np.bool_]) -> NDArray[np.float64]:
    """The case scores of the case AUC with each failed case (worst case) ranked wrongly:
    one holding a lesion below every case, a lesion-free one above every case, as the
    multi-class AUCs rank a failed case. Scored as a case without detection, a failed
    lesion-free case ranked as a right negative: failing raised the AUC.

    >>> _failed_ranked_wrongly(np.array([True, False, True, False]),
    ...                        np.array([0.9, 0.2, 0.0, 0.0]),
    ...                        np.array([True, True, False, False])).tolist()
    [0.9, 0.2, -1.0, 1.9]
    """
    failed = ~scored
    if not failed.any():
        return s
    out: NDArray[np.float64] = s.copy()
    out[failed & y] = float(s.min()) - 1.0
    out[failed & ~y] = float(s.max()) + 1.0
    return out


def _nothing_detected(matches: Sequence[DetectionMatch]) -> float:
    """The case-level score of a case without any detection: 0 for scores that are
    probabilities (as before), else one below every case's highest score (logits can
    be negative; only the ranks matter to the case AUC)."""
    highest = [float(m.scores.max()) for m in matches if m.scores.size]
    lowest = min(highest, default=0.0)
    return 0.0 if lowest >= 0 else math.floor(lowest) - 1.0


def _identities(root: Path, inputs: Sequence[str]) -> tuple[Any, ...]:
    """Each input's identity (inode, size, modification time): a file replaced between
    the pre-check and the scoring is checked again."""
    found: list[Any] = []
    for name in inputs:
        try:
            status = os.stat(root / name)
        except OSError:
            found.append(None)
            continue
        found.append((status.st_ino, status.st_size, status.st_mtime_ns))
    return tuple(found)


def _unit_checks(case: Case, root: Path, data: dict[str, Any], reference: NDArray[np.float64],
                 spacing: tuple[float, ...] | float) -> tuple[str, list[float | None]] | None:
    """The distance criterion's checks of the reference's unit against its case's input
    (each raises :class:`ReferenceProblem`); the input volume and its spacing where the
    points are millimetres on voxels other than 1 mm without ``"unit": "mm"`` said (for
    the result's warning), else None."""
    unit = data.get("unit")
    if unit == "voxel" and "spacing_mm" not in data:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives \"unit\": \"voxel\" "
            "without \"spacing_mm\": points in voxels are measured with the voxels' "
            "spacing, given beside them (\"spacing_mm\": [sz, sy, sx])")
    if unit is not None and unit not in ("mm", "voxel"):
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives \"unit\" "
            f"{json.dumps(unit)[:40]}: a reference's points are millimetres (\"unit\": "
            "\"mm\" may say so), or voxel indices with \"spacing_mm\" beside them "
            "(\"unit\": \"voxel\" may say so)")
    if unit == "mm" and "spacing_mm" in data:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives both \"unit\": \"mm\" "
            "and \"spacing_mm\" (points in voxels): leave out the one that is not true")
    try:
        if reference.shape[1] > 2:
            _points_across_frames(case, root)
        # a lesion-free frame ({"points": []}) has no point to take as mm: its
        # detections are false positives in any unit
        if "spacing_mm" not in data and len(reference):
            _no_pixel_size(case, root)
            return None if unit == "mm" else millimetre_points_volume(case, root)
        if "spacing_mm" in data:
            _other_pixel_size(case, root, spacing)
            problem = volume_points_problem(case, root, spacing, reference)
            if problem is not None:
                raise ReferenceProblem(problem)
    except ValueError as exc:
        raise ReferenceProblem(f"case {case.case_id}: reference {case.reference}: {exc}") \
            from None
    return None


def _no_pixel_size(case: Case, root: Path) -> None:
    """Refuse distance matching of points without spacing on a frame that states no pixel
    size (a raster file, or a DICOM image without PixelSpacing, ImagerPixelSpacing or a
    calibrated ultrasound region): its points are in pixels, and would be taken as mm."""
    from ._frames import conflicting_spacing, unsized_frame

    conflict = conflicting_spacing(root, case.inputs)
    if conflict is not None:  # its PixelSpacing against its regions: neither is taken
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives its points without "
            f"\"spacing_mm\", on the frame {conflict[0]}, which has no one pixel size: "
            f"{conflict[1]}; correct the file's PixelSpacing or its regions, or match by "
            "box (criterion \"iou\") or lesion mask (criterion \"inside\")")
    name = unsized_frame(root, case.inputs)
    if name is not None:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives its points without "
            f"\"spacing_mm\", on the frame {name}, which states no pixel size: its "
            "points (in pixels) would be taken as millimetres, and nothing is taken as "
            "1 mm; give \"spacing_mm\": [s, s] beside them (the pixel size in mm, rows "
            "and columns), or match by box (criterion \"iou\") or lesion mask "
            "(criterion \"inside\"), which need no unit")


def _points_across_frames(case: Case, root: Path) -> None:
    """Refuse distance matching of points (frame, row, column) on a stack of frames
    without positions (an ultrasound cine): its frames are instants, and the distance
    between a detection on frame 2 and a lesion on frame 1 would count the frame as a
    pixel (or a mm) away, a hit at a 1 mm tolerance."""
    from ._frames import unplaced_stack

    found = unplaced_stack(root, case.inputs)
    if found is not None:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives points of 3 or more "
            f"coordinates on {found[0]}, {found[1]} frames without positions (a cine's "
            "frames in time): there is no distance between its frames. Make each frame a "
            "case of its own (its points [row, column]), or match by lesion mask "
            "(criterion \"inside\")")


def _other_pixel_size(case: Case, root: Path, spacing: tuple[float, ...] | float) -> None:
    """Refuse a reference's ``spacing_mm`` (pixels to mm) other than the pixel size its
    2-D DICOM frame states (PixelSpacing, ImagerPixelSpacing over the magnification, or
    the ultrasound region in cm; see :func:`._frames.stated_spacing`): the points'
    distances in mm would be wrong by their ratio. A 3-D spacing is compared with
    its volume by :func:`._volume_points.volume_points_problem`."""
    from ._frames import conflicting_spacing, differing_regions, stated_spacing

    pair = (spacing, spacing) if isinstance(spacing, float) else spacing
    stated = stated_spacing(root, case.inputs) if len(pair) == 2 else None
    conflict = conflicting_spacing(root, case.inputs) if stated is None else None
    if conflict is not None and len(pair) == 2:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives \"spacing_mm\" "
            f"{list(pair)}, but its frame {conflict[0]} has no one pixel size: "
            f"{conflict[1]}; correct the file's PixelSpacing or its regions, or match by "
            "box (criterion \"iou\") or lesion mask (criterion \"inside\")")
    differing = differing_regions(root, case.inputs) if stated is None else None
    if differing is not None and len(pair) == 2:
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} gives \"spacing_mm\" "
            f"{list(pair)}, but its frame {differing[0]} has ultrasound regions of "
            f"different pixel sizes ({differing[1]}; rows x columns): no one size holds "
            "for the image; match by box (criterion \"iou\") or lesion mask (criterion "
            "\"inside\")")
    if stated is None or np.allclose(stated[1], pair, rtol=1e-3, atol=0.0):
        return
    raise ReferenceProblem(
        f"case {case.case_id}: reference {case.reference} gives \"spacing_mm\" "
        f"{list(pair)}, but its frame {stated[0]} states {stated[1][0]:g} x "
        f"{stated[1][1]:g} mm (rows x columns, from {stated[2]}): the two disagree, and "
        "distances in mm would be wrong by their ratio; give the frame's pixel size")


def _lesion_mask(case: Case, root: Path) -> NDArray[np.int64]:
    """The case's labelled lesion mask (lesion ``k`` has value ``k``, numbered 1 to K).

    A mask image (PNG, BMP, TIFF) is read by :func:`medeval.loaders.masks.read_lesion_mask`
    (stored values, 0/255 as one lesion) and must fit its frame; one frame is a 2-D grid,
    so its detections are (row, column) points. Any other file is read with
    :func:`medeval.loaders.read_image` in its axis order. Lesion numbers with a gap (1 and
    3) are refused: lesion 2 would be counted, and missed, without a pixel."""
    from ..loaders import read_image
    from ..loaders._files import sniff
    from ..loaders.masks import distinct_values, read_lesion_mask
    from ._frames import RASTER, mismatched_frame

    path = root / case.reference
    try:
        raster = path.is_file() and str(sniff(path)) in RASTER
        image = read_lesion_mask(path) if raster else read_image(path)
        frame = mismatched_frame(root, case.inputs, image.array.shape[1:3]) if raster \
            else None
    except MedevalError as exc:
        raise ReferenceProblem(f"case {case.case_id}: {exc}") from None
    except OSError as exc:
        raise ReferenceProblem(f"case {case.case_id}: reference {case.reference}: cannot "
                               f"be read ({exc})") from None
    if frame is not None:
        rows, columns = image.array.shape[1:3]
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} is {rows} x {columns} pixels "
            f"(rows x columns) but its frame {frame[0]} is {frame[1][0]} x {frame[1][1]}: "
            "the mask was not drawn on this frame, or one of them was resized; correct the "
            "set")
    array = image.array
    if raster and array.shape[0] == 1:
        array = array[0]
    if array.dtype.kind not in "biu":
        return array  # match_detections names the problem
    labels = distinct_values(array)
    labels = labels[labels > 0]
    if labels.size and labels.size != int(labels[-1]):
        shown = ", ".join(str(v) for v in labels[:10].tolist())
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} holds the lesion labels "
            f"[{shown}{', ...' if labels.size > 10 else ''}]: lesion k is value k, "
            f"numbered 1 to K without a gap, else a number without a pixel would count "
            "as a lesion missed; renumber the lesions")
    result: NDArray[np.int64] = array.astype(np.int64)
    return result


def froc_records(matches: Sequence[DetectionMatch], names: Sequence[str],
                 clusters: Sequence[str] | None, statistics: Any, *,
                 fp_rates: Sequence[float], interpolation: str,
                 scored: Sequence[bool] | None = None) -> list[MetricRecord]:
    """The FROC figures ``names`` (``froc_cpm``, ``detection_average_precision``,
    ``froc_sensitivity@<rate>``) of the cases' matches, each with its bootstrap interval
    over the cases (or the patients ``clusters`` gives), the cases' lesions and
    detections re-weighted together. ``scored`` (one bool per case, default all): the
    cases the false positives per case are over (a failed case, counted as detecting
    nothing, is not one), on each resample too."""
    st = statistics
    if not matches:  # every case failed and left out: nothing to count
        return [metric_record(name, "froc_sensitivity" if name.startswith(
            "froc_sensitivity@") else name, Estimate(
                math.nan, math.nan, math.nan, f"bootstrap-{st.bootstrap_method}",
                st.confidence, 0, note="no cases")) for name in names]
    counted = [True] * len(matches) if scored is None else [bool(v) for v in scored]
    weighted = _WeightedFroc(matches, fp_rates, interpolation, counted)
    n_lesions = sum(m.n_reference for m in matches)
    case_index = np.arange(len(matches), dtype=float)
    metrics = []
    for name in names:
        if n_lesions == 0:  # every resample's value NaN too: say why, once
            estimate = Estimate(
                math.nan, math.nan, math.nan, f"bootstrap-{st.bootstrap_method}",
                st.confidence, len(matches),
                note=f"no reference lesion in any of the {len(matches)} case(s), so the "
                     "lesion sensitivity is undefined (NaN)")
        else:
            estimate = bootstrap_estimate(weighted.statistic(name), case_index, clusters, st)
        definition_id = "froc_sensitivity" if name.startswith("froc_sensitivity@") else name
        metrics.append(metric_record(name, definition_id, estimate))
    return metrics


def froc_table(curve: Froc) -> dict[str, Any]:
    """The FROC curve as the result's ``tables.froc``: ``n_cases`` the cases pooled
    (failed ones included under ``worst-case``: their lesions count, missed),
    ``n_cases_scored`` those the false positives per case are over."""
    return {"thresholds": curve.thresholds.tolist(), "sensitivity": curve.sensitivity.tolist(),
            "fp_per_case": curve.fp_per_case.tolist(), "n_cases": curve.n_cases,
            "n_cases_scored": curve.n_cases if curve.n_scored_cases is None
            else curve.n_scored_cases,
            "n_lesions": curve.n_lesions, "n_lesion_free_cases": curve.n_lesion_free_cases}


def _values(match: DetectionMatch) -> dict[str, Any]:
    return {"n_reference": match.n_reference, "n_detections": int(match.scores.size),
            "true_positives": int(match.true_positive.sum()),
            "max_score": float(match.scores[0]) if match.scores.size else None,
            "_scores": match.scores.tolist(), "_hits": match.true_positive.tolist()}


class _WeightedFroc:
    """The FROC summaries under case weights (b resamples at once)."""

    def __init__(self, matches: Sequence[DetectionMatch], rates: Sequence[float],
                 interpolation: str, scored: Sequence[bool]) -> None:
        case_of = np.concatenate([np.full(m.scores.size, i) for i, m in enumerate(matches)]
                                 + [np.zeros(0, dtype=np.intp)]).astype(np.intp)
        scores = np.concatenate([m.scores for m in matches] + [np.zeros(0)])
        hits = np.concatenate([m.true_positive for m in matches] + [np.zeros(0, bool)])
        order = np.argsort(-scores, kind="stable")
        self.case_of, self.hits = case_of[order], hits[order].astype(float)
        sorted_scores = scores[order]
        last = np.ones(sorted_scores.size, dtype=bool)
        last[:-1] = sorted_scores[1:] != sorted_scores[:-1]
        self.ends = np.flatnonzero(last)
        self.lesions = np.array([m.n_reference for m in matches], dtype=float)
        # the cases the false positives per case are over (a failed case is not one)
        self.scored = np.asarray(scored, dtype=float)
        self.rates, self.interpolation = list(rates), interpolation

    def curves(self, weights: NDArray[np.float64]) -> tuple[Any, Any, Any, Any]:
        w = weights[:, self.case_of]
        tp = np.cumsum(w * self.hits, axis=1)[:, self.ends]
        fp = np.cumsum(w * (1 - self.hits), axis=1)[:, self.ends]
        lesions = np.einsum("bn,n->b", weights, self.lesions)[:, None]
        cases = (weights @ self.scored)[:, None]
        # a resample of failed cases only has no detection (fp 0): its curve is the
        # origin, sensitivity 0 at every rate (its lesions missed), not 0/0
        per_case = np.divide(fp, cases, out=np.zeros_like(fp, dtype=float), where=cases > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return tp / lesions, per_case, tp, fp

    def statistic(self, name: str) -> Any:
        def compute(_index: NDArray[np.float64], weights: NDArray[np.float64]) -> Any:
            se, fpc, tp, fp = self.curves(weights)
            if name == "detection_average_precision":
                with np.errstate(divide="ignore", invalid="ignore"):
                    precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
                step = np.diff(np.concatenate([np.zeros((se.shape[0], 1)), se], axis=1), axis=1)
                return (step * precision).sum(axis=1)
            rates = self.rates if name == "froc_cpm" else [float(name.split("@")[1])]
            values = np.array([[self._at(se[b], fpc[b], r) for r in rates]
                               for b in range(se.shape[0])])
            return values.mean(axis=1)
        # what a resample it is undefined on lacks, for the bootstrap's note
        compute.left_out_reason = "there is no reference lesion"  # type: ignore[attr-defined]
        return compute

    def _at(self, se: NDArray[np.float64], fpc: NDArray[np.float64], rate: float) -> float:
        curve_fp = np.concatenate([[0.0], fpc])
        curve_se = np.concatenate([[0.0], se])
        if self.interpolation == "step":
            return float(curve_se[np.searchsorted(curve_fp, rate, side="right") - 1])
        return float(np.interp(rate, curve_fp, curve_se))

"""Objects in 2-D frames (polyps, lesions): COCO AP as pycocotools computes it, and the FROC.

The task type ``coco-detection``, beside ``detection`` (JSON boxes or points in
millimetres, FROC only): the references are 2-D annotation files and the predictions COCO
results, and the figures are COCO's twelve (``COCOeval.stats``) next to the clinical view,
the per-lesion sensitivity at false-positive rates per image.

Reference
    The manifest's ``reference`` is read by :mod:`medeval.loaders.annotations_2d`: a
    case's own LabelMe file or one-image COCO file (``labels/c001.json``), or a set-wide
    COCO file with the case's image after ``#`` (``labels/set.json#frames/c001.jpg``, by
    ``file_name``, or ``labels/set.json#17``, by image id). The manifest's reference kind
    is ``"annotations-2d"``.
Prediction
    ``<case_id>.json``: a COCO results list for the case's image, ``[{"category_id": 1,
    "bbox": [x, y, w, h], "score": 0.93}, ...]`` (pixels; top-left corner and size),
    with ``"segmentation"`` (polygons, or an RLE of the image's ``[height, width]``) in
    place of the box for ``iou_type = "segm"``. ``[]``: nothing detected. The evaluation
    gives the case's image its ``image_id`` (the file's name says which image it is): an
    ``image_id`` in the file is not needed, and one that is another image of the case's
    set-wide COCO file than the case's own (another case's results in this case's file)
    makes the prediction invalid; an id the file does not have is not read. With
    ``class_agnostic`` ``category_id`` is not read either. A result that is not an
    object, a score that is not a finite number, a category the set does not have, a box
    not of 4 finite numbers with ``w, h >= 0``, a segmentation pycocotools cannot read,
    of another size, or whose RLE runs do not cover the image exactly: the case's
    prediction is invalid (``invalid-output``), every problem named.

COCO AP
    :func:`medeval.metrics.coco_detection` on the analysed cases, one image each: images
    numbered 1, 2, ... in the order of their ``file_name`` (then case id), annotations in
    that order; equal to pycocotools' ``COCOeval`` (``evaluate``, ``accumulate``,
    ``summarize``) on the same ground truth and results. Intervals:
    :func:`medeval.metrics.coco_ap_ci` over the images, or over patients (a patient's
    frames resampled together) as ``statistics.resampling_unit`` says, with the
    statistics section's seed, method, confidence and number of resamples. ``segm``: a
    result's ``bbox`` beside its segmentation is not used (the size class of a detection
    is its mask's area; pycocotools' ``loadRes`` would take the box's ``w x h`` when the
    first result has a box).
FROC
    Per image, the detections are matched one to one to the objects of their category
    (crowd regions are not lesions: a detection on one hits nothing, a false positive
    here where COCO AP ignores it) by box IoU ``>= iou_threshold``
    (:func:`medeval.metrics.match_detections`; a ``segm`` result's box is its mask's),
    every detection taken, not only COCO's 100 best; the FROC pools the images, lesion-free
    ones counting in the false positives per image (:func:`medeval.metrics.froc`), with
    the same bootstrap as the ``detection`` task.
Failures
    ``worst-case``: a failed case's image stays in, with its objects and no detection (its
    objects are missed), but is not one of the images the FROC's false positives per image
    are over (counted with none of its own it would lower that rate; with every image
    failed, it is undefined); ``exclude``: the image is left out of both the reference
    and the detections.
"""

from __future__ import annotations

import math
import posixpath
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidInputError, LoaderError, MedevalError, UndefinedMetricWarning
from ..manifest import Case
from ..metrics.coco import (
    AREA_WORDS,
    COCO_SUMMARIES,
    CocoDetection,
    coco_ap_ci,
    coco_detection,
)
from ..metrics.detection import DetectionMatch, froc, match_detections
from ..result import MetricRecord
from ..stats.estimate import Estimate
from ._annotated_size import frame_problem, swapped_cases
from ._coco_box_form import box_form_texts
from ._coco_category_id import category_problem
from ._coco_crowd import crowd_texts
from ._coco_result_shapes import corners, detection_box, plain_number, result_box, result_rle
from ._json_numbers import shown_value
from ._scalar_json import read_json_prediction
from .base import Aggregate, CaseRow, PredictionError, ReferenceProblem, TaskType, metric_record
from .detection import froc_records, froc_table

__all__ = ["CocoDetectionTask", "coco_input"]

#: The one category of a class-agnostic evaluation.
AGNOSTIC = (1, "object")
_SHOWN = 5
#: How far outside its image an object may lie when a refused file is read again for its
#: image's name and size: any distance (as the manifest's check reads it).
_ANY_TOLERANCE_PX = 1e12


class CocoDetectionTask(TaskType):
    """The ``coco-detection`` task type behind :func:`medeval.evaluate`."""

    type = "coco-detection"
    reference_kind = "annotations-2d"
    reads_reference = True
    case_columns = ("n_reference", "n_detections", "true_positives", "max_score")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics
        named = spec.categories
        self.categories: list[str] | dict[str, int] | None = (
            None if named is None else dict(named) if isinstance(named, Mapping)
            else list(named))
        self._unusable: dict[str, str] = {}  # annotation file -> the first case naming it
        self._names: dict[str, dict[str, str | None]] = {}  # file -> its images' names
        self._frames: frozenset[str] | None = None  # every case's input (see_cases)
        self._cases: tuple[Case, ...] = ()  # the set (see_cases)
        self._swaps: dict[str, dict[str, str]] = {}  # unusable file -> case -> swap
        self._ids: dict[str, dict[int, str]] = {}  # set-wide file -> image id -> file_name

    def see_cases(self, cases: Sequence[Case]) -> None:
        """Keep the set's frames: a LabelMe file drawn on another case's frame is crossed."""
        self._frames = frozenset(_frame_key(name) for case in cases for name in case.inputs)
        self._cases = tuple(cases)

    # --- reading ---------------------------------------------------------------------

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the case's annotation file or image cannot be used."""
        try:
            self._reference(case, root)
        except ReferenceProblem as exc:
            return str(exc)
        return None

    def _reference(self, case: Case, root: Path) -> dict[str, Any]:
        """The case's image as plain data: size, category table, objects.

        A file that cannot be used is named in full for the first case pointing into it
        and referred to for the others (a set-wide file is not parsed again for each)."""
        from ..loaders._files import within_root
        from ..loaders.annotations_2d import (
            read_annotation_file,
            read_case_annotations,
            split_reference,
        )

        categories, tolerance = self.categories, self.spec.tolerance_px
        path = case.reference.partition("#")[0]
        if path in self._unusable:
            swap = self._swapped(root, path).get(case.case_id)
            raise ReferenceProblem(
                f"case {case.case_id}: "
                + (f"{swap}; with it {path!r} cannot be used" if swap
                   else f"{path!r} cannot be used")
                + f" (see case {self._unusable[path]})"
                + ("" if swap else self._also(case, root, path)))
        try:
            split_reference(case.reference)
            try:
                images = read_annotation_file(within_root(root, path), categories=categories,
                                              tolerance_px=tolerance)
            except MedevalError as exc:
                self._unusable[path] = case.case_id
                swaps = self._swapped(root, path, case)
                if case.case_id in swaps:  # what the listing calls vertices outside
                    raise LoaderError(f"{swaps[case.case_id]}; with it the file cannot be "
                                      f"used: {exc}") from None
                if swaps:
                    named = sorted(swaps)
                    more = f" and {len(named) - _SHOWN} more" if len(named) > _SHOWN else ""
                    raise LoaderError(
                        f"{exc}\n  (the file states the images of case(s) "
                        f"{', '.join(named[:_SHOWN])}{more} with width and height swapped "
                        "against their frames: see those cases)") from None
                raise
            image = read_case_annotations(case.reference, root=root, categories=categories,
                                          tolerance_px=tolerance)
        except MedevalError as exc:
            swapped = case.case_id in self._swaps.get(path, {})  # said already
            raise ReferenceProblem(f"case {case.case_id}: {exc}" + (
                "" if swapped else self._also(case, root, path))) from None
        agnostic = self.spec.class_agnostic
        if image.format == "labelme" and self.categories is None and not agnostic:
            raise ReferenceProblem(
                f"case {case.case_id}: {image.source} is a LabelMe file; its labels have "
                "no category ids for the predictions' category_id to name: give the "
                "protocol's task.categories (names, or names -> ids), or class_agnostic = "
                "true")
        if agnostic:
            table = [AGNOSTIC]
        elif isinstance(self.categories, dict):
            table = sorted((number, name) for name, number in self.categories.items())
        elif self.categories is not None:
            table = list(enumerate(self.categories, start=1))
        else:
            table = sorted(image.categories)
        objects = [{"category_id": AGNOSTIC[0] if agnostic else obj.category_id,
                    "bbox": list(obj.box), "area": obj.area, "iscrowd": int(obj.iscrowd),
                    "segmentation": obj.coco_segmentation()} for obj in image.objects]
        problem = self._placement(case, root, path, images, image)
        if problem is not None:
            raise ReferenceProblem(problem)
        set_file = None  # a set-wide COCO file: its images, for results of another image
        if "#" in case.reference and image.image_id is not None and len(images) > 1:
            set_file = path
            if path not in self._ids:
                self._ids[path] = {other.image_id: other.file_name for other in images
                                   if other.image_id is not None}
        return {"file_name": image.file_name, "height": image.height, "width": image.width,
                "categories": table, "objects": objects, "image_id": image.image_id,
                "set_file": set_file}

    def _placement(self, case: Case, root: Path, path: str, images: Sequence[Any],
                   image: Any) -> str | None:
        """Whether the case's image is its frame's: crossed rows of a set-wide file, a
        LabelMe file drawn on another case's frame, an image size not the frame's."""
        return (self._crossed(case, path, images, image.file_name)
                or (_labelme_crossed(case, root, image.source, image.file_name,
                                     self._frames)
                    if image.format == "labelme" and self._frames else None)
                or frame_problem(case, root, image, path))

    def _also(self, case: Case, root: Path, path: str) -> str:
        """Where the protocol's reading refused the case's file (a label outside its
        categories, a vertex beyond its tolerance), the case's :meth:`_placement` problem
        found with the file read as the manifest's check reads it (any label, any
        distance), as a line to add: a file drawn on another frame was told only once
        its labels were fixed. Empty where there is none, or the file is unreadable so."""
        from ..loaders._files import within_root
        from ..loaders.annotations_2d import read_annotation_file, read_case_annotations

        try:
            images = read_annotation_file(within_root(root, path),
                                          tolerance_px=_ANY_TOLERANCE_PX)
            image = read_case_annotations(case.reference, root=root,
                                          tolerance_px=_ANY_TOLERANCE_PX)
        except MedevalError:
            return ""
        problem = self._placement(case, root, path, images, image)
        return "" if problem is None else f"\n  also {problem}"

    def _swapped(self, root: Path, path: str, case: Case | None = None) -> dict[str, str]:
        """The cases of the set (and ``case``) pointing into an annotation file that
        cannot be used, whose image the file states with width and height swapped
        against their frame: case id -> the message; found once per file."""
        if path not in self._swaps:
            cases = [c for c in self._cases if c.reference.partition("#")[0] == path]
            if case is not None and case not in cases:
                cases.append(case)
            self._swaps[path] = swapped_cases(cases, root, path)
        return self._swaps[path]

    def _crossed(self, case: Case, path: str, images: Sequence[Any], selected: str
                 ) -> str | None:
        """A case whose frame has the file name of another image of the set's file than
        the one its reference selects (crossed manifest rows): a problem, else None."""
        if len(images) < 2:
            return None
        if path not in self._names:  # each file's names once, not per case
            names: dict[str, str | None] = {}
            for other in images:
                base = _base(other.file_name)
                names[base] = None if base in names else other.file_name  # None: twice
            self._names[path] = names
        names = self._names[path]
        for name in case.inputs:
            other = names.get(_base(name))
            if other is not None and _base(other) != _base(selected):
                return (f"case {case.case_id}: its frame {name!r} has the file name of "
                        f"image {other!r} of {path}, but the reference selects image "
                        f"{selected!r}: the manifest's rows are crossed, or a frame is "
                        "misnamed; correct the set")
        return None

    def _detections(self, case: Case, data: Any, image: Mapping[str, Any]
                    ) -> list[dict[str, Any]]:
        """The case's results, checked; every problem named in one PredictionError."""
        if not isinstance(data, list):
            raise PredictionError(
                f"case {case.case_id}: the prediction must be a COCO results list for the "
                "case's image, [{\"category_id\": 1, \"bbox\": [x, y, w, h], \"score\": "
                f"0.9}}, ...] ([] when nothing is detected); got a {type(data).__name__}")
        segm = self.spec.iou_type == "segm"
        found, problems = [], []
        for i, item in enumerate(data):
            where = f"result {i}"
            if not isinstance(item, dict):
                problems.append(f"{where}: not an object")
                continue
            score: Any = item.get("score")
            bad_score = not plain_number(score) or not math.isfinite(score)
            if bad_score:
                problems.append(f"{where}: score {shown_value(score)} is not a finite number")
            category = AGNOSTIC[0] if self.spec.class_agnostic else item.get("category_id")
            wrong = category_problem(category, image["categories"])
            if wrong:
                problems.append(f"{where}: {wrong}")
            shape: Any
            if segm:
                shape, problem = result_rle(item.get("segmentation"), image["height"],
                                      image["width"])
            else:
                shape, problem = result_box(item.get("bbox"))
            if problem:
                problems.append(f"{where}: {problem}")
            crossed = self._other_image(item.get("image_id"), image)
            if crossed:
                problems.append(f"{where}: {crossed}")
            if not bad_score and shape is not None:
                found.append({"category_id": category, "score": float(score),
                              "segmentation" if segm else "bbox": shape})
        if problems:
            shown = "; ".join(problems[:_SHOWN])
            more = f"; ... ({len(problems)} problems in all)" if len(problems) > _SHOWN else ""
            raise PredictionError(f"case {case.case_id}: {shown}{more}")
        return found

    def _other_image(self, image_id: Any, image: Mapping[str, Any]) -> str | None:
        """A result's ``image_id`` that names another image of the case's set-wide COCO
        file than the case's own: another case's results in this case's file. An id the
        file does not have (a detector's own numbering), or none, says nothing."""
        own, path = image.get("image_id"), image.get("set_file")
        if (path is None or not isinstance(image_id, int) or isinstance(image_id, bool)
                or image_id == own):
            return None
        name = self._ids.get(path, {}).get(image_id)
        if name is None:
            return None
        return (f"image_id {image_id} is image {name!r} of {path}, not this case's image "
                f"{own} ({image['file_name']!r}): the file holds another case's results "
                "(files crossed or misnamed?); write each case's results in its own "
                "<case_id>.json (the image_id may be left out)")

    # --- one case ----------------------------------------------------------------------

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the case's objects and results, and match them for the FROC."""
        image = self._reference(case, root)
        detections = self._detections(case, read_json_prediction(case, predictions), image)
        return self._values(case, image, detections)

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No detection: every object of the case is missed."""
        return self._values(case, self._reference(case, root), [])

    def _values(self, case: Case, image: dict[str, Any], detections: list[dict[str, Any]]
                ) -> dict[str, Any]:
        match = self._froc_match(case, image, detections)
        return {"n_reference": match.n_reference, "n_detections": len(detections),
                "true_positives": int(match.true_positive.sum()),
                "max_score": float(match.scores[0]) if match.scores.size else None,
                "_image": image, "_detections": detections,
                "_scores": match.scores.tolist(), "_hits": match.true_positive.tolist()}

    def _froc_match(self, case: Case, image: Mapping[str, Any],
                    detections: Sequence[Mapping[str, Any]]) -> DetectionMatch:
        """One to one within each category by box IoU; a box of no area hits nothing."""
        boxes = [corners(detection_box(d)) for d in detections]
        scores, hits, n_lesions = [], [], 0
        categories = {d["category_id"] for d in detections} | {
            o["category_id"] for o in image["objects"]}
        for category in sorted(categories):
            lesions = [corners(o["bbox"]) for o in image["objects"]
                       if o["category_id"] == category and not o["iscrowd"]]
            n_lesions += len(lesions)
            mine = [i for i, d in enumerate(detections) if d["category_id"] == category]
            usable = [i for i in mine if boxes[i][2] > boxes[i][0] and boxes[i][3] > boxes[i][1]]
            try:
                match = match_detections(
                    np.asarray(lesions, dtype=float).reshape(-1, 4),
                    np.asarray([boxes[i] for i in usable], dtype=float).reshape(-1, 4),
                    [detections[i]["score"] for i in usable], criterion="iou",
                    iou_threshold=self.spec.iou_threshold)
            except InvalidInputError as exc:  # detection boxes are checked: the reference
                raise ReferenceProblem(f"case {case.case_id}: {exc}") from None
            scores += match.scores.tolist()
            hits += match.true_positive.tolist()
            degenerate = [detections[i]["score"] for i in mine if i not in set(usable)]
            scores += degenerate
            hits += [False] * len(degenerate)
        order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
        return DetectionMatch(np.asarray(scores, dtype=float)[order],
                              np.asarray(hits, dtype=bool)[order], n_lesions,
                              np.zeros((0, 2), np.intp), "iou")

    # --- the set -----------------------------------------------------------------------

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """COCO's twelve figures with their intervals, then the FROC figures."""
        st, spec = self.statistics, self.spec
        texts: list[str] = []
        facts: list[str] = []  # of particular cases: said once, for the whole set
        tables: dict[str, Any] = {}
        metrics: list[MetricRecord] = []
        if rows:
            reference, detections = coco_input(rows)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UndefinedMetricWarning)
                coco = coco_detection(reference, detections, iou_type=spec.iou_type)
            patients = None if clusters is None else {
                image["id"]: clusters[index]
                for index, image in zip(_order(rows), reference["images"])}
            texts += _category_texts(coco, reference["categories"])
            texts += _tie_texts(detections)
            texts += crowd_texts(reference)
            facts += _outside_texts(rows)
            texts += box_form_texts(rows)
            tables["coco"] = _coco_table(coco, reference, spec.class_agnostic)
        for name, (_, _, area, _) in COCO_SUMMARIES.items():
            if not rows:
                estimate = Estimate(math.nan, math.nan, math.nan,
                                    f"bootstrap-{st.bootstrap_method}", st.confidence, 0,
                                    note="no cases")
            elif math.isnan(getattr(coco, name)):
                estimate = Estimate(
                    math.nan, math.nan, math.nan, f"bootstrap-{st.bootstrap_method}",
                    st.confidence, len(rows),
                    note=f"no reference object (not crowd){AREA_WORDS[area]} in any of the "
                         f"{len(rows)} image(s), so it is undefined (NaN; pycocotools "
                         "prints -1)")
            else:
                estimate = coco_ap_ci(coco, seed=st.seed, summary=name, clusters=patients,
                                      method=st.bootstrap_method, confidence=st.confidence,
                                      n_resamples=st.n_resamples)
            metrics.append(metric_record(f"coco_{name}", f"coco_{name}", estimate))
        matches = [DetectionMatch(np.asarray(r.values["_scores"], dtype=float),
                                  np.asarray(r.values["_hits"], dtype=bool),
                                  int(r.values["n_reference"]), np.zeros((0, 2), np.intp),
                                  "iou") for r in rows]
        names = ["froc_cpm"] + [f"froc_sensitivity@{r:g}" for r in spec.fp_rates]
        # a failed frame (nothing detected, its objects missed) adds no frame to the false
        # positives per frame, as in the detection task
        scored = [r.status == "ok" for r in rows]
        metrics += froc_records(matches, names, clusters, st, fp_rates=spec.fp_rates,
                                interpolation=spec.interpolation, scored=scored)
        if matches:  # none when every case failed and is left out
            tables["froc"] = froc_table(froc(matches, fp_rates=spec.fp_rates,
                                             interpolation=spec.interpolation,
                                             scored=scored))
        return Aggregate(tuple(metrics), tables, tuple(texts), case_facts=tuple(facts))


def coco_input(rows: Sequence[CaseRow]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The cases' images as one COCO ground truth and their results as one results list.

    Images are numbered 1, 2, ... in the order of their ``file_name`` (then case id), as
    :func:`medeval.loaders.coco_ground_truth` numbers them, each carrying its
    ``case_id``; annotations 1, 2, ... in that order; results in that image order, each
    case's in its file's order. The categories are the union of the cases' tables.

    Raises
    ------
    MedevalError
        Two cases' files give one category id two names (COCO files of their own with
        different tables: give the protocol's ``task.categories``).
    """
    table: dict[int, str] = {}
    for row in rows:
        for number, name in row.values["_image"]["categories"]:
            if table.setdefault(number, name) != name:
                raise MedevalError(
                    f"coco-detection: category id {number} is {table[number]!r} in one "
                    f"case's annotation file and {name!r} in case {row.case_id}'s; give "
                    "the set one table (the protocol's task.categories)")
    reference: dict[str, Any] = {
        "images": [], "annotations": [],
        "categories": [{"id": number, "name": name, "supercategory": ""}
                       for number, name in sorted(table.items())]}
    detections: list[dict[str, Any]] = []
    for image_id, index in enumerate(_order(rows), start=1):
        row = rows[index]
        image = row.values["_image"]
        reference["images"].append({"id": image_id, "file_name": image["file_name"],
                                    "height": image["height"], "width": image["width"],
                                    "case_id": row.case_id})
        for obj in image["objects"]:
            reference["annotations"].append(
                {"id": len(reference["annotations"]) + 1, "image_id": image_id, **obj})
        detections += [{"image_id": image_id, **d} for d in row.values["_detections"]]
    return reference, detections


def _order(rows: Sequence[CaseRow]) -> list[int]:
    return sorted(range(len(rows)), key=lambda i: (
        rows[i].values["_image"]["file_name"], rows[i].case_id))


def _tie_texts(detections: Sequence[Mapping[str, Any]]) -> list[str]:
    """A note when detections of different images share a score in one category.

    COCO AP ranks all detections of a category by score; equal scores keep the order of
    the images (pycocotools' stable sort), so the figure then depends on how the images
    are numbered: here by ``file_name``; pycocotools on a COCO file numbering them
    otherwise can give another figure."""
    images: dict[tuple[int, float], set[int]] = {}
    for d in detections:
        images.setdefault((d["category_id"], d["score"]), set()).add(d["image_id"])
    shared = sorted(key for key, found in images.items() if len(found) > 1)
    if not shared:
        return []
    shown = ", ".join(f"{score:g} (category {category})" for category, score in shared[:3])
    more = f" and {len(shared) - 3} more" if len(shared) > 3 else ""
    return [f"COCO AP: {len(shared)} score(s) are given to detections of more than one "
            f"image ({shown}{more}); ranked by score, tied detections keep the order of "
            "the images, which medeval numbers by file_name, so pycocotools on a COCO file "
            "that numbers the images otherwise can give other figures (scores without "
            "ties avoid this)"]


def _outside_texts(rows: Sequence[CaseRow]) -> list[str]:
    """A note when result boxes lie wholly outside their frame: no object can be there,
    and a detector run on a resized copy of the frames (its boxes in the copy's pixels)
    gives such boxes; and one when result boxes have no area (zero width or height),
    which overlap no object, on the frame's edge or not. Both are scored as COCOeval
    scores them, as false positives."""
    outside: list[tuple[str, list[float], int, int]] = []
    flat: list[tuple[str, list[float], int, int]] = []
    for row in rows:
        height, width = row.values["_image"]["height"], row.values["_image"]["width"]
        for d in row.values["_detections"]:
            if "bbox" not in d:
                continue
            x, y, w, h = d["bbox"]
            if w == 0 or h == 0:
                flat.append((row.case_id, d["bbox"], width, height))
            elif x >= width or y >= height or x + w <= 0 or y + h <= 0:
                outside.append((row.case_id, d["bbox"], width, height))
    texts = []
    if outside:
        texts.append(f"{_boxes_of(outside)} lie wholly outside their frame (e.g. "
                     f"{_box_shown(outside[0])}): were the detections made on a resized copy "
                     "of the frames? They are scored as false positives, as COCOeval scores "
                     "them")
    if flat:
        texts.append(f"{_boxes_of(flat)} have no area, a width or height of 0 (e.g. "
                     f"{_box_shown(flat[0])}): such a box overlaps no object, and is scored "
                     "as a false positive, as COCOeval scores it")
    return texts


def _boxes_of(found: Sequence[tuple[str, list[float], int, int]]) -> str:
    return f"{len(found)} result box(es) of {len({f[0] for f in found})} case(s)"


def _box_shown(found: tuple[str, list[float], int, int]) -> str:
    case, box, width, height = found
    shown = ", ".join(f"{v:g}" for v in box)
    return f"case {case}: [{shown}] on a frame {width} px wide, {height} px high"


def _category_texts(coco: CocoDetection, categories: Sequence[Mapping[str, Any]]) -> list[str]:
    empty = [c for c in categories if math.isnan(coco.ap_per_category[c["id"]])]
    if not empty or len(empty) == len(categories):
        return []
    listed = ", ".join(f"{c['id']} ({c['name']})" for c in empty)
    return [f"categories {listed} have no reference object: their COCO AP is undefined and "
            "left out of the means over categories (as pycocotools)"]


def _coco_table(coco: CocoDetection, reference: Mapping[str, Any], agnostic: bool
                ) -> dict[str, Any]:
    return {
        "iou_type": coco.iou_type, "class_agnostic": agnostic,
        "categories": [{"id": c["id"], "name": c["name"]} for c in reference["categories"]],
        "ap_per_category": {str(k): (None if math.isnan(v) else v)
                            for k, v in sorted(coco.ap_per_category.items())},
        "n_images": coco.n_images, "n_reference": coco.n_reference,
        "n_crowd": sum(1 for a in reference["annotations"] if a["iscrowd"]),
        "n_detections": coco.n_detections,
    }


def _labelme_crossed(case: Case, root: Path, source: str, image_path: str,
                     frames: frozenset[str]) -> str | None:
    """A LabelMe file whose ``imagePath`` (relative to the file, as LabelMe writes it)
    is another case's frame (an input of the set, ``frames``, not of this case: crossed
    manifest rows, frames numbered per patient too): a problem, else None. A path that
    names no file (the frames moved, a Windows path), a file that is no frame of the set
    (the original a frame was converted or renamed from, a copy beside the JSON) or the
    case's own frame says nothing."""
    if not (image_path and case.inputs):
        return None
    target = Path(source).parent / image_path.replace("\\", "/")
    try:
        drawn_on = target.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    key = _frame_key(drawn_on)
    if key not in frames or key in {_frame_key(name) for name in case.inputs} \
            or not target.is_file():
        return None
    return (f"case {case.case_id}: its LabelMe file {case.reference} was drawn on "
            f"{drawn_on!r} (its imagePath {image_path!r}), a frame of the set, not on the "
            f"case's frame {case.inputs[0]!r}: the manifest's rows are crossed, or a frame "
            "is misnamed; correct the set")


def _frame_key(name: str) -> str:
    """A frame's path within the root as compared: '/', normalised, in NFC."""
    return unicodedata.normalize("NFC", posixpath.normpath(name.replace("\\", "/")))


def _base(name: str) -> str:
    """A file name's last part (after '/' or '\\'), in NFC, as selectors are matched."""
    return unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])


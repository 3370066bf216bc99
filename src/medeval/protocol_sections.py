"""What a test protocol holds: its sections (``[test]``, ``[task]`` — one kind per task
type, ``[statistics]``, ``[[criteria]]`` ...) as frozen models, and the metrics each task
reports (the names acceptance criteria use).

:mod:`medeval.protocol` reads and checks a protocol file into a :class:`Protocol` and
re-exports these; a protocol names its task with ``type = "..."``, by which the ``[task]``
section is picked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_serializer,
    field_validator,
    model_validator,
)

from .runner.limits import MAX_OUTPUT_LIMIT_MB, MAX_TIMEOUT_S

__all__ = [
    "TASK_METRICS",
    "AlgorithmSpec",
    "Criterion",
    "DatasetSpec",
    "Failures",
    "Identity",
    "Party",
    "Protocol",
    "RunnerSettings",
    "Statistics",
    "Subgroups",
    "BinaryClassificationTask",
    "CocoDetectionTask",
    "DetectionTask",
    "EcgBeatsTask",
    "EegEventsTask",
    "MeasurementTask",
    "MulticlassClassificationTask",
    "MultilabelClassificationTask",
    "ReaderStudyTask",
    "Section",
    "SegmentationTask",
    "Task",
]


class Section(BaseModel):
    """A protocol section: unknown keys are refused, and it cannot change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


#: A report number as medeval.report.info and the registry take it.
_REPORT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


class Identity(Section):
    """``[test]``: the test's identity."""

    id: str = Field(min_length=1, description="Report number / test id, e.g. KTL-2026-0001")
    title: str = Field(min_length=1)
    version: str = Field(default="1", description="Version of this protocol")
    mode: Literal["certificate", "pre-check"] = Field(
        description="certificate: a laboratory's certified run (isolation required); "
        "pre-check: a company's own run, never called a certificate"
    )

    @field_validator("id")
    @classmethod
    def _a_report_number(cls, value: str) -> str:
        """The test id is the certificate's report number unless the report info gives
        one, so it is written as a report number is (medeval.report.info): a ``;`` broke
        the PDF's Keywords record (the certificate failed its own verification), a ``|``
        the QR code's fields, a space or Hangul the registry's and the page's look-up."""
        if not _REPORT_NUMBER.fullmatch(value):
            # name what is wrong: Hangul is a letter to a reader, not to a report number
            other = next((c for c in value if not re.fullmatch(r"[A-Za-z0-9._/-]", c)), None)
            what = (f": {other!r} is not one of them" if other is not None else
                    f": it is {len(value)} characters long" if len(value) > 64 else
                    f": it begins with {value[:1]!r}" if value else "")
            raise ValueError(
                "the test id is the certificate's report number: 1 to 64 letters (A-Z, "
                "a-z), digits and '. _ / -', a letter or digit first (e.g. KTL-2026-0001)"
                f"{what}; a title in any script goes in test.title")
        return value


class Party(Section):
    """``[laboratory]`` or ``[customer]``."""

    name: str = Field(min_length=1)
    address: str | None = None


class AlgorithmSpec(Section):
    """``[algorithm]``: the item tested."""

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    manufacturer: str | None = None
    plugin: str | None = Field(default=None, description="package.module:Class or "
                               "file.py:Class (a relative file from the protocol's folder)")
    command: str | None = Field(default=None, description="an executable and its arguments "
                                "(relative paths from the protocol's folder)")

    @model_validator(mode="after")
    def _one_kind(self) -> AlgorithmSpec:
        if self.plugin and self.command:
            raise ValueError("give either plugin or command, not both")
        return self


class DatasetSpec(Section):
    """``[dataset]``: the held-out set."""

    manifest: str = Field(min_length=1, description="manifest CSV, relative to the protocol")
    fingerprint: str | None = Field(
        default=None, pattern=r"^(sha256:)?[0-9a-f]{64}$",
        description="expected Manifest.fingerprint(); the run refuses another set",
    )
    selection: str = Field(min_length=1, description="how the cases were selected (sampling plan)")
    sample_size: str | None = Field(
        default=None, min_length=1,
        description="how the number of cases was determined (STARD 18), e.g. the plan "
                    "'medeval sample-size' prints")
    received: str | None = Field(default=None, description="date the item/data were received")



class BinaryClassificationTask(Section):
    """``[task]`` for ``binary-classification``."""

    type: Literal["binary-classification"]
    threshold: float = Field(description="score >= threshold is positive; fixed in advance",
                             allow_inf_nan=False)
    positive_label: str | int = 1
    negative_label: str | int = 0
    calibration_bins: int = Field(default=10, ge=1)

    @model_validator(mode="after")
    def _two_labels(self) -> BinaryClassificationTask:
        _labels_once("positive_label and negative_label",
                     [self.positive_label, self.negative_label])
        return self


class MulticlassClassificationTask(Section):
    """``[task]`` for ``multiclass-classification``."""

    type: Literal["multiclass-classification"]
    labels: list[str | int] = Field(min_length=2)
    kappa_weights: Literal["none", "linear", "quadratic"] = "none"
    referable_from: str | int | None = Field(
        default=None, description="a label: the cases of it and of the labels after it are "
        "referable (the positive class of a referable-vs-not split, such as diabetic "
        "retinopathy grade 2 and above); reported as referable_sensitivity@<label> and "
        "referable_specificity@<label>")
    within_classes: int | None = Field(
        default=None, ge=1, description="for labels on an ordinal scale (grades): the "
        "accuracy within this many classes of the reference (1: an answer one grade off "
        "counts as right), reported as accuracy_within@<n>")
    probabilities: bool = Field(
        default=False, description="each prediction also gives the class probabilities, "
        "{\"label\": ..., \"probabilities\": {<label>: p, ...}} naming every label once (a "
        "predictions table: columns probability@<label>); a case without them fails as "
        "invalid-output. Adds each class's one-vs-rest AUC (auc@<label>), their macro "
        "average (auc@macro) and with referable_from the referable AUC "
        "(referable_auc@<label>)")
    probability_sum_tolerance: float = Field(
        default=0.001, gt=0, le=0.1, description="with probabilities: how far from 1 a "
        "case's probabilities may sum (|sum - 1| <= tolerance); a case beyond it fails as "
        "invalid-output (never renormalised)")

    @model_validator(mode="after")
    def _labels_listed_once(self) -> MulticlassClassificationTask:
        _labels_once("labels", self.labels)
        if self.within_classes is not None and self.within_classes >= len(self.labels) - 1:
            raise ValueError(f"within_classes: {self.within_classes} with {len(self.labels)} "
                             "labels would count every answer as right; " + (
                                 f"it must be at most {len(self.labels) - 2}"
                                 if len(self.labels) > 2 else "with two labels, leave it out "
                                 "(the accuracy is the figure)"))
        if self.referable_from is not None:
            forms = [unicodedata.normalize("NFC", str(label)) for label in self.labels]
            given = unicodedata.normalize("NFC", str(self.referable_from))
            if given not in forms:
                raise ValueError(f"referable_from: {self.referable_from!r} is not one of the "
                                 f"labels {self.labels}")
            if given == forms[0]:
                raise ValueError(f"referable_from: {self.referable_from!r} is the first label, "
                                 "so every case would be referable; name the first referable "
                                 "class of the scale")
        # a class's sensitivity is sensitivity@<label>: 'macro' would name the average's
        averaged = [label for label in self.labels
                    if str(label).strip().casefold() in ("macro", "micro", "weighted")]
        if averaged:
            raise ValueError(f"labels: {averaged} would name a class's sensitivity as an "
                             "average is named (sensitivity@macro); rename the class")
        return self


class MultilabelClassificationTask(Section):
    """``[task]`` for ``multilabel-classification``: several labels per case, each decided
    by its own score at a threshold fixed in advance."""

    type: Literal["multilabel-classification"]
    labels: list[str | int] = Field(min_length=2)
    threshold: float | None = Field(
        default=None, description="one threshold for every label: score >= threshold calls "
        "the label present (give this or thresholds)", allow_inf_nan=False)
    thresholds: dict[str, Annotated[float, Field(allow_inf_nan=False)]] | None = Field(
        default=None, description="a threshold for each label, {NORM = 0.5, MI = 0.35, "
        "...}, every label once (give this or threshold)")
    reference_separator: str = Field(
        default=";", min_length=1, description="what joins a case's labels in the "
        "manifest's reference cell (MI;STTC)")
    no_label: str | None = Field(
        default=None, min_length=1, description="the reference cell's word for a case that "
        "carries none of the labels (e.g. \"none\"); without it every case must carry at "
        "least one label (PTB-XL's benchmark leaves out records without a superclass)")

    @model_validator(mode="after")
    def _labels_and_thresholds(self) -> MultilabelClassificationTask:
        _labels_once("labels", self.labels)
        forms = [unicodedata.normalize("NFC", str(label)) for label in self.labels]
        problems = []
        if (self.threshold is None) == (self.thresholds is None):
            problems.append("give either threshold (one for every label) or thresholds (one "
                            "per label), " + ("not both" if self.threshold is not None
                                              else "fixed in advance"))
        given = [unicodedata.normalize("NFC", key) for key in self.thresholds or {}]
        missing = [label for label in forms if self.thresholds is not None
                   and label not in given]
        extra = [key for key in given if key not in forms]
        if missing:
            problems.append(f"thresholds: no threshold for label(s) {missing}")
        if extra:
            problems.append(f"thresholds: {extra} are not among the labels {forms}")
        cuts = [self.threshold] if self.threshold is not None else list(
            (self.thresholds or {}).values())
        if any(not math.isfinite(cut) for cut in cuts if cut is not None):
            problems.append("a threshold must be a finite number")
        joined = [label for label in forms if self.reference_separator in label]
        if joined:
            problems.append(f"labels: {joined} hold the reference_separator "
                            f"{self.reference_separator!r}, which joins a case's labels")
        if self.reference_separator.strip() == "":
            problems.append("reference_separator: a space cannot be told from the spaces "
                            "around a label; use ';' or another character")
        named = [label for label in forms if label.strip().casefold() == "macro"]
        if named:
            problems.append(f"labels: {named} would name a label's AUC as the average's "
                            "(auc@macro); rename the label")
        if self.no_label is not None and unicodedata.normalize(
                "NFC", self.no_label.strip()) in forms:
            problems.append(f"no_label: {self.no_label!r} is one of the labels")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _labels_once(what: str, labels: list[str | int]) -> None:
    """Refuses labels that the tasks take as one: compared as text in NFC (1 and "1";
    '악성' typed on Windows and taken from a macOS folder name), a label listed twice
    would be a class no case can have (its figures undefined) or make every case
    positive."""
    if any(isinstance(label, str) and not label.strip() for label in labels):
        raise ValueError(f"{what}: a label is empty or blank; name every label")
    spaced = [label for label in labels if isinstance(label, str) and label != label.strip()]
    if spaced:  # references and predictions are read without them: no case would match
        raise ValueError(f"{what}: {', '.join(map(repr, spaced))} "
                         f"{'has' if len(spaced) == 1 else 'have'} spaces around it, and "
                         "labels are compared without surrounding spaces (a reference "
                         f"{spaced[0].strip()!r} would be no declared label): write "
                         + ", ".join(repr(label.strip()) for label in spaced))
    seen: dict[str, list[str | int]] = {}
    for label in labels:
        seen.setdefault(unicodedata.normalize("NFC", str(label)), []).append(label)
    twice = [f"{key!r} ({len(given)} times" + (
        ", in two Unicode forms (NFC and NFD)" if len({str(v) for v in given}) > 1
        and all(isinstance(v, str) for v in given) else "") + ")"
        for key, given in seen.items() if len(given) > 1]
    if twice:
        raise ValueError(f"{what}: each label once; {', '.join(twice)} is one label "
                         "(labels are compared as text, in NFC)")


class SegmentationTask(Section):
    """``[task]`` for ``segmentation``.

    Distances (Hausdorff, HD95, ASSD, MASD and the NSD tolerance) are in the unit
    ``distance_unit`` declares:

    - ``"mm"`` (default): from the images' own spacing (NIfTI, DICOM ...), or, for frames
      that state none (PNG, JPEG, BMP, TIFF), from ``pixel_spacing_mm`` (both in-plane
      axes). The tolerance is ``nsd_tolerance_mm`` and a failed case's distance
      ``failures.worst_distance_mm``. A frame without spacing and no ``pixel_spacing_mm``
      is a reference problem: nothing is taken as 1 mm.
    - ``"px"``: in pixels (voxel steps) of the grid, whatever the files state; the
      tolerance is ``nsd_tolerance_px``, a failed case's distance
      ``failures.worst_distance_px``, and every distance the result reports has unit px.

    ``label_map`` and ``jpeg_threshold`` say how mask images are read (references and
    predictions alike, :func:`medeval.loaders.read_mask`).
    """

    type: Literal["segmentation"]
    labels: list[int] = Field(default=[1], min_length=1)
    distance_unit: Literal["mm", "px"] = Field(
        default="mm",
        description="mm: distances in millimetres (the images' spacing, or pixel_spacing_mm "
        "for 2-D frames); px: in pixels of the grid, reported with unit px",
    )
    pixel_spacing_mm: float | None = Field(
        default=None, gt=0,
        description="pixel size in mm (both in-plane axes) of 2-D frames that state none "
        "(PNG, JPEG, BMP, TIFF); only with distance_unit = 'mm'",
    )
    nsd_tolerance_mm: float | None = Field(
        default=None, ge=0, description="NSD tolerance, with distance_unit = 'mm' (required)")
    nsd_tolerance_px: float | None = Field(
        default=None, ge=0, description="NSD tolerance, with distance_unit = 'px' (required)")
    nsd_variant: Literal["surfel", "count"] = "surfel"
    hd_percentile: float = Field(default=95.0, ge=0, le=100)
    connectivity: int = Field(default=1, ge=1, le=3)
    distances: bool = Field(
        default=True,
        description="false: Dice, IoU (jaccard) and the relative volume difference only, "
        "no surface distances (Hausdorff, HD95, ASSD, MASD, NSD) and no NSD tolerance",
    )
    label_map: dict[int, int] | None = Field(
        default=None,
        description="mask images: pixel value (grey level, palette index, 16-bit value) -> "
        "label id, every value in a file listed; TOML keys are strings (\"255\" = 1). "
        "Without it a mask image must be binary (0/1 or 0/255)",
    )
    jpeg_threshold: float | None = Field(
        default=None, gt=0, le=255,
        description="JPEG masks are read only with it: grey level >= threshold is label 1",
    )

    @model_validator(mode="after")
    def _structure_labels(self) -> SegmentationTask:
        twice = sorted({label for label in self.labels if self.labels.count(label) > 1})
        if twice:
            raise ValueError(f"labels: {twice} listed more than once; each label is scored "
                             "once (its metrics would be reported twice)")
        background = [label for label in self.labels if label < 1]
        if background:
            raise ValueError(f"labels: {background} are not structures: 0 is the background "
                             "(every voxel of no structure) and a mask holds no negative "
                             "label; list the ids of the structures scored, whole numbers "
                             ">= 1")
        return self

    @model_validator(mode="after")
    def _distance_unit(self) -> SegmentationTask:
        if self.distances and self.distance_unit == "mm":  # without distances: no tolerance
            if self.nsd_tolerance_mm is None:
                raise ValueError("nsd_tolerance_mm is required (distance_unit 'mm'); for "
                                 "distances in pixels set distance_unit = 'px' and "
                                 "nsd_tolerance_px")
            if self.nsd_tolerance_px is not None:
                raise ValueError("nsd_tolerance_px needs distance_unit = 'px'; with 'mm' give "
                                 "nsd_tolerance_mm only")
        elif self.distances and self.nsd_tolerance_px is None:
            raise ValueError("nsd_tolerance_px is required with distance_unit = 'px'")
        if self.distance_unit == "px":
            if self.nsd_tolerance_mm is not None:
                raise ValueError("nsd_tolerance_mm contradicts distance_unit = 'px'; give "
                                 "nsd_tolerance_px")
            if self.pixel_spacing_mm is not None:
                raise ValueError("pixel_spacing_mm contradicts distance_unit = 'px' (with a "
                                 "pixel size distances are in mm): drop one of them")
        if self.label_map is not None:
            if any(k < 0 or v < 0 for k, v in self.label_map.items()):
                raise ValueError("label_map: pixel values and label ids are whole numbers >= 0")
            missing = [label for label in self.labels if label not in self.label_map.values()]
            if missing:
                raise ValueError(f"label_map maps no pixel value to label(s) {missing} of "
                                 "labels; every label scored must be in the map")
        return self

    @field_serializer("label_map")
    def _label_map_keys(self, value: dict[int, int] | None) -> dict[str, int] | None:
        """Keys as strings, as TOML and JSON write them (the result's canonical form)."""
        return None if value is None else {str(k): v for k, v in sorted(value.items())}


def _rates_listed_once(rates: list[float]) -> list[float]:
    """A rate listed twice (``0.5`` and ``0.50`` are one) would be reported twice under
    one name, ``froc_sensitivity@0.5``, while the CPM averages the distinct rates."""
    twice = sorted({rate for rate in rates if rates.count(rate) > 1})
    if twice:
        raise ValueError("each rate once; listed more than once: "
                         f"{', '.join(f'{r:g}' for r in twice)}")
    return rates


FpRates = Annotated[
    list[Annotated[float, Field(ge=0, allow_inf_nan=False)]], AfterValidator(_rates_listed_once)]
"""False positives per case (per frame) at which the FROC's sensitivity is read: finite,
>= 0 (as :func:`medeval.metrics.detection.froc` takes them), each once."""


class DetectionTask(Section):
    """``[task]`` for ``detection``."""

    type: Literal["detection"]
    criterion: Literal["iou", "distance", "inside"]
    iou_threshold: float | None = Field(default=None, gt=0, le=1)
    max_distance_mm: float | None = Field(default=None, ge=0)
    fp_rates: FpRates = Field(default=[0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], min_length=1)
    interpolation: Literal["step", "linear"] = "step"

    @model_validator(mode="after")
    def _criterion_parameter(self) -> DetectionTask:
        if self.criterion == "iou" and self.iou_threshold is None:
            raise ValueError("criterion 'iou' needs iou_threshold")
        if self.criterion == "distance" and self.max_distance_mm is None:
            raise ValueError("criterion 'distance' needs max_distance_mm")
        return self


class CocoDetectionTask(Section):
    """``[task]`` for ``coco-detection``: objects in 2-D frames, COCO AP and the FROC.

    References are COCO or LabelMe annotation files (``path`` or ``path#image`` into a
    set-wide COCO file); predictions are ``<case_id>.json``, a COCO results list for the
    case's image.
    """

    type: Literal["coco-detection"]
    iou_type: Literal["bbox", "segm"] = Field(
        default="bbox", description="COCO AP on box IoU (bbox) or mask IoU (segm)")
    categories: list[str] | dict[str, int] | None = Field(
        default=None,
        description="the set's categories: names (ids 1, 2, ... in that order) or names -> "
        "ids; required for LabelMe references unless class_agnostic; default: the COCO "
        "reference files' own table")
    class_agnostic: bool = Field(
        default=False,
        description="every object and detection is of one category: category_id is not "
        "read from the predictions, and COCO AP is that of the one category")
    tolerance_px: float = Field(
        default=0.0, ge=0,
        description="how far outside its image a reference vertex or box corner may lie")
    iou_threshold: float = Field(
        default=0.5, gt=0, le=1,
        description="box IoU at which a detection hits a lesion in the FROC")
    fp_rates: FpRates = Field(default=[0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], min_length=1)
    interpolation: Literal["step", "linear"] = "step"

    @model_validator(mode="after")
    def _unique_categories(self) -> CocoDetectionTask:
        # names in NFC, as the annotation files' are compared with them
        if self.categories is not None and len(
                {unicodedata.normalize("NFC", name) for name in self.categories}) != len(
                self.categories):
            raise ValueError("categories: each name once (in NFC and NFD a name is one)")
        if isinstance(self.categories, dict) and len(set(self.categories.values())) != len(
                self.categories):
            raise ValueError("categories: each id once")
        if self.categories is not None and not self.categories:
            raise ValueError("categories: name at least one category, or leave it out")
        return self


class EcgBeatsTask(Section):
    """``[task]`` for ``ecg-beats`` (ANSI/AAMI EC57 as PhysioNet's bxb)."""

    type: Literal["ecg-beats"]
    # at most 1 s: a window wider than a heartbeat (0.2 s at 300 bpm) matches a detection
    # to another beat; 150 (milliseconds typed for seconds) matched everything silently
    window_s: float = Field(default=0.15, gt=0, le=1.0,
                            description="beat-matching window in seconds (EC57: 0.15)")
    learning_period_s: float = Field(default=300.0, ge=0)
    prediction_annotator: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_]{1,16}$",
        description="read each record's detected beats from the WFDB annotation file "
        "<case_id>.<annotator> (MIT format, e.g. qrs) instead of <case_id>.json",
    )
    interval: Literal["records", "beats"] = Field(
        default="records",
        description="records: the gross statistics' interval resamples records (or "
        "patients, as statistics.resampling_unit says), since beats of one record are not "
        "independent; beats: the proportion method on the pooled beat counts, as if every "
        "beat were an independent trial",
    )


class EegEventsTask(Section):
    """``[task]`` for ``eeg-events`` (SzCORE event scoring)."""

    type: Literal["eeg-events"]
    tolerance_start_s: float = Field(default=30.0, ge=0)
    tolerance_end_s: float = Field(default=60.0, ge=0)
    min_overlap: float = Field(default=0.0, ge=0, lt=1)
    max_event_duration_s: float = Field(default=300.0, gt=0)
    min_gap_s: float = Field(default=90.0, ge=0)
    event_annotations: list[str] | None = Field(
        default=None, min_length=1,
        description="the texts of an EDF+ prediction's annotations that are detected "
        "events (compared after stripping surrounding spaces, in Unicode NFC, letter case "
        "kept); the "
        "others are left out and counted in the result's warnings. Unset: an EDF+ "
        "prediction whose annotations hold more than one text fails its case")

    @field_validator("event_annotations")
    @classmethod
    def _texts(cls, texts: list[str] | None) -> list[str] | None:
        if texts is None:
            return None
        # NFC, as the annotations' texts are compared: a macOS tool may write Korean
        # decomposed (NFD), the same text to the eye
        stripped = [unicodedata.normalize("NFC", text.strip()) for text in texts]
        if not all(stripped):
            raise ValueError("event_annotations: each text must hold more than spaces")
        if len(set(stripped)) != len(stripped):
            raise ValueError("event_annotations: each text once")
        return stripped


class MeasurementTask(Section):
    """``[task]`` for ``measurement`` (agreement with a reference value)."""

    type: Literal["measurement"]
    unit: str = Field(min_length=1, description="unit of the measured quantity, e.g. mm")


class ReaderStudyTask(Section):
    """``[task]`` for ``reader-study``: a multi-reader multi-case ROC study comparing two
    treatments (reading with the AI and without it), analysed by Obuchowski–Rockette with
    Hillis's degrees of freedom or by DBM (:func:`medeval.stats.mrmc`).

    The manifest names the cases and their truth (``reference``: ``positive_label`` or
    ``negative_label``); ``readings`` is a CSV ``reader, treatment, case, rating`` with one
    rating per reader, treatment and case. The figure judged is ``auc_difference``:
    ``test_treatment`` − ``reference_treatment`` in the reader-averaged AUC, with its
    interval for the scope ``scope``.
    """

    type: Literal["reader-study"]
    readings: str = Field(min_length=1, description="the readings CSV (reader, treatment, "
                          "case, rating), relative to the protocol")
    readings_sha256: str | None = Field(
        default=None, pattern=r"^(sha256:)?[0-9a-f]{64}$",
        description="expected SHA-256 of the readings file; required in certificate mode")
    test_treatment: str = Field(min_length=1, description="e.g. 'with AI'")
    reference_treatment: str = Field(min_length=1, description="e.g. 'without AI'")
    comparison: Literal["superiority", "non-inferiority"] = Field(
        description="superiority: the difference's goal is 0; non-inferiority: -margin")
    margin: float | None = Field(
        default=None, gt=0, lt=1,
        description="the non-inferiority margin in AUC (e.g. 0.05); only for non-inferiority")
    positive_label: str | int = 1
    negative_label: str | int = 0
    method: Literal["OR", "DBM"] = Field(
        default="OR", description="Obuchowski-Rockette (Hillis 2007 ddf) or DBM")
    covariance: Literal["jackknife", "delong", "unbiased"] = Field(
        default="jackknife", description="OR's covariance of the reader AUCs (DBM: jackknife)")
    scope: Literal["RRRC", "FRRC", "RRFC"] = Field(
        default="RRRC", description="whose interval is judged: random readers and cases "
        "(RRRC), fixed readers (FRRC) or fixed cases (RRFC)")

    @model_validator(mode="after")
    def _comparison(self) -> ReaderStudyTask:
        if self.comparison == "non-inferiority" and self.margin is None:
            raise ValueError("comparison 'non-inferiority' needs margin (e.g. 0.05)")
        if self.comparison == "superiority" and self.margin is not None:
            raise ValueError("margin is for comparison 'non-inferiority'; a superiority "
                             "study has none")
        # compared in NFC, as the readings' treatments are: one name in NFC and NFD is one
        if unicodedata.normalize("NFC", self.test_treatment) == unicodedata.normalize(
                "NFC", self.reference_treatment):
            raise ValueError("test_treatment and reference_treatment must differ" + (
                "" if self.test_treatment == self.reference_treatment else
                " (they are one name in two Unicode forms, NFC and NFD)"))
        _labels_once("positive_label and negative_label",
                     [self.positive_label, self.negative_label])
        if self.method == "DBM" and self.covariance != "jackknife":
            raise ValueError("method 'DBM' analyses jackknife pseudovalues: covariance "
                             "must be 'jackknife'")
        return self

    @property
    def goal(self) -> float:
        """The goal of ``auc_difference``: 0, or −margin for non-inferiority."""
        return -self.margin if self.margin is not None else 0.0


Task = Annotated[
    BinaryClassificationTask | MulticlassClassificationTask | MultilabelClassificationTask
    | SegmentationTask
    | DetectionTask | CocoDetectionTask | EcgBeatsTask | EegEventsTask | MeasurementTask
    | ReaderStudyTask,
    Field(discriminator="type"),
]


MAX_RESAMPLES = 1_000_000
"""The most resamples a bootstrap interval takes: a run's time grows with them, and a
digit too many (20000000 for 20000) would run for hours, silent."""


class Statistics(Section):
    """``[statistics]``: how uncertainty is computed."""

    confidence: float = Field(default=0.95, gt=0, lt=1)
    proportion_method: Literal[
        "wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald"
    ] = "wilson"
    auc_method: Literal["delong", "obuchowski", "newcombe", "bootstrap"] = Field(
        default="delong", description="the AUC's interval; delong is Obuchowski's "
        "clustered form when the unit is the patient and some patient holds several cases; "
        "at an AUC of 0 or 1 (a variance of 0) both fall back to Newcombe's method 5")
    bootstrap_method: Literal["percentile", "bca"] = "percentile"
    n_resamples: int = Field(
        default=2000, ge=100, le=MAX_RESAMPLES,
        description="resamples of each bootstrap interval; a run's time grows with it (an "
        "extra digit is ten times longer), so at most 1000000")
    resampling_unit: Literal["case", "patient"] = "patient"
    seed: int = Field(ge=0, description="seed of every resampling; required")


class Subgroups(Section):
    """``[subgroups]``: manifest metadata columns to report separately."""

    columns: list[str] = Field(default_factory=list)
    order: dict[str, list[str]] = Field(
        default_factory=dict, description="the order to report a column's values in, e.g. "
        "age_band = [\"<50\", \"50-64\", \"≥65\"] (each value as the manifest has it); "
        "a value not listed follows them; without it, numbers ascending, else the "
        "manifest's order")
    case_columns: list[str] = Field(
        default_factory=list, description="the columns of subgroups.columns that belong "
        "to each case, not to its patient (a view, an image's quality): a patient's cases "
        "lie in several of their values, as expected, and no warning names such patients "
        "(for a patient's column, a site, such a patient is an id two sites share)")


class Failures(Section):
    """``[failures]``: what a failed case (crash, timeout, invalid output) counts as."""

    policy: Literal["worst-case", "exclude"] = Field(
        default="worst-case",
        description="worst-case: a wrong answer (classification), Dice 0 and "
        "worst_distance_mm (segmentation), every beat or event missed (ECG, EEG), no "
        "detection (detection); exclude: left out (reported, never the certified figure "
        "alone)",
    )
    worst_distance_mm: float | None = Field(
        default=None, gt=0, description="distance counted for a failed segmentation case"
    )
    worst_distance_px: float | None = Field(
        default=None, gt=0, description="the same in pixels, for a segmentation task whose "
        "distance_unit is 'px'"
    )


class RunnerSettings(Section):
    """``[runner]``: how the algorithm is run (when the laboratory runs it)."""

    workers: int = Field(default=1, ge=1)
    # at most what the runner takes (30 days; 1 TiB of output), so that a protocol
    # `protocol check` passes is not refused by the run after hashing the set
    timeout_s: float = Field(default=60.0, gt=0, le=MAX_TIMEOUT_S,
                             description="per case, in seconds (at most 30 days)")
    setup_timeout_s: float = Field(
        default=120.0, gt=0, le=MAX_TIMEOUT_S, description="loading the algorithm and its "
        "setup(), per worker, in seconds (a model of several GB, read from a slow disk, "
        "may need more; at most 30 days)")
    memory_mb: Annotated[int, Field(ge=64)] | Literal["none"] = Field(
        default=4096, description="memory of each worker's whole process tree, in-memory "
        "folders included, in MB (at least 64); \"none\": no limit (pre-checks)")
    memory_guard: Literal["auto", "cgroup", "watch"] = Field(
        default="auto", description="how the memory limit is held: a cgroup per worker "
        "where the host allows one, else watching the process tree")
    max_processes: Annotated[int, Field(ge=16)] | Literal["none"] = Field(
        default=1024, description="processes and threads (tasks) each worker's whole tree "
        "may hold at once, held by a kernel pids cgroup (at least 16); a certificate run "
        "refuses to start where no pids cgroup can be made; \"none\": no limit")
    address_space_mb: int | None = Field(
        default=None, ge=64, description="also an address-space limit (RLIMIT_AS); off by "
        "default, since CUDA and torch reserve far more address space than they use")
    retries: int = Field(
        default=1, ge=0, description="runs again of a case whose worker was killed from "
        "outside (reason infrastructure); recorded as retried")
    gpus: Literal["all", "none"] | list[Annotated[int, Field(ge=0)]] = Field(
        default="all", description="the GPUs the run may use (nvidia-smi's indices); each "
        "worker gets one of them, and its sandbox sees only that one; \"all\" on a host "
        "without GPU is none")
    output_limit_mb: float = Field(
        default=64.0, gt=0, le=MAX_OUTPUT_LIMIT_MB, description="largest prediction of a "
        "case, and largest file the algorithm writes, /tmp included, in MB (at most 1 TiB)")
    isolation: Literal["auto", "bubblewrap", "none"] = Field(
        default="auto", description="certificate mode refuses to run without a sandbox"
    )


class Criterion(Section):
    """``[[criteria]]``: one acceptance criterion."""

    metric: str = Field(min_length=1, description="a metric the task reports")
    goal: float
    rule: Literal["guarded", "point"] = "guarded"
    source: str = Field(min_length=1, description="where the goal comes from")

    @field_validator("metric")
    @classmethod
    def _nfc(cls, metric: str) -> str:
        """In NFC, as the task names a class's figure (sensitivity@증식성 typed on a Mac)."""
        return unicodedata.normalize("NFC", metric)


class Protocol(Section):
    """A validated test protocol (see the module documentation)."""

    test: Identity
    laboratory: Party
    customer: Party
    algorithm: AlgorithmSpec
    dataset: DatasetSpec
    task: Task
    statistics: Statistics
    subgroups: Subgroups = Field(default_factory=Subgroups)
    failures: Failures = Field(default_factory=Failures)
    runner: RunnerSettings = Field(default_factory=RunnerSettings)
    #: At least one in a protocol file (:func:`validate_protocol`); a protocol built in
    #: code to evaluate two tables (:func:`medeval.evaluate_classification`) has none.
    criteria: list[Criterion] = Field(default_factory=list)

    _path: Path | None = PrivateAttr(default=None)
    _sha256: str | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path | None:
        """The file the protocol was read from (None when built in code)."""
        return self._path

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the protocol file's bytes (None when built in code)."""
        return self._sha256

    def manifest_path(self) -> Path:
        """The manifest's path, resolved against the protocol's folder."""
        base = self._path.parent if self._path is not None else Path.cwd()
        return base / self.dataset.manifest


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


#: The metrics each task reports: the name criteria use -> its definition id.
TASK_METRICS: dict[str, dict[str, str]] = {
    "binary-classification": {
        **_same("prevalence", "sensitivity", "specificity", "ppv", "npv", "accuracy",
                "balanced_accuracy", "youden_j", "f1", "lr_positive", "lr_negative",
                "roc_auc", "average_precision", "brier_score"),
        "ece": "ece@uniform",
    },
    "multiclass-classification": {
        "accuracy": "accuracy@multiclass",
        **{f"{ratio}@{avg}": f"class_average@{avg}" for ratio in ("sensitivity", "ppv", "f1")
           for avg in ("macro", "micro", "weighted")},
        "cohen_kappa": "cohen_kappa@classes",
    },
    "multilabel-classification": {
        "auc@macro": "roc_auc_label_macro", "hamming_loss": "hamming_loss",
        "subset_accuracy": "subset_accuracy",
    },
    "segmentation": _same(
        "dice", "jaccard", "hausdorff", "hd95@max-directed", "hd95@pooled", "assd", "masd",
        "nsd@surfel", "nsd@count", "relative_volume_difference",
    ),
    "detection": {
        **_same("froc_cpm", "detection_average_precision"),
        **{f"froc_sensitivity@{r:g}": "froc_sensitivity"
           for r in (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)},
        "case_auc": "case_roc_auc",
    },
    "coco-detection": {
        **{f"coco_{name}": f"coco_{name}" for name in (
            "ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large",
            "ar1", "ar10", "ar100", "ar_small", "ar_medium", "ar_large")},
        "froc_cpm": "froc_cpm",
        **{f"froc_sensitivity@{r:g}": "froc_sensitivity"
           for r in (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)},
    },
    "ecg-beats": {name: f"ec57_{name}" for name in (
        "qrs_sensitivity", "qrs_ppv", "veb_sensitivity", "veb_ppv", "sveb_sensitivity",
        "sveb_ppv", "veb_fpr")},
    "eeg-events": {name: f"szcore_event_{name}"
                   for name in ("sensitivity", "precision", "f1", "fp_per_24h")},
    "measurement": {
        "completion_rate": "completion_rate", "bias": "bland_altman_bias",
        "lower_loa": "bland_altman_loa", "upper_loa": "bland_altman_loa", "mae": "mae",
        "rmse": "rmse", "lins_ccc": "lins_ccc",
    },
    "reader-study": {"auc_difference": "mrmc_auc_difference",
                     "test_auc": "mrmc_reader_averaged_auc",
                     "reference_auc": "mrmc_reader_averaged_auc"},
}


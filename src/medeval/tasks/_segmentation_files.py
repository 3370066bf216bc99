"""Where a segmentation case's files are and what they are: the prediction file of a case
(:data:`SUFFIXES`), a file's format by its first bytes, the DICOM input a SEG reference
was drawn on, a stack of mask pages against its cine's frames, frames without the
distance between them, and the way out for a predicted mask whose values are no labels.

A leaf module, private: :class:`medeval.tasks.segmentation.Segmentation` reads with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import LoaderError
from ..manifest import Case
from ._frames import mismatched_frame_count
from .base import PredictionError, ReferenceProblem, prediction_file, prediction_named

#: Prediction files: volumes, then mask images (a JPEG needs the protocol's jpeg_threshold).
SUFFIXES = (".nii.gz", ".nii", ".mha", ".nrrd", ".dcm", ".png", ".bmp", ".tif", ".tiff",
            ".jpg", ".jpeg")


def _page_problem(case: Case, root: Path, pages: int) -> str | None:
    """A stack of mask pages against the frames of the case's DICOM input (a cine): as
    many pages as frames, or the pages would be scored against frames they were not
    drawn on. A single mask image is not compared (a key frame's mask)."""
    found = mismatched_frame_count(root, case.inputs, pages) if pages > 1 else None
    if found is None:
        return None
    return (f"case {case.case_id}: reference {case.reference} holds {pages} mask pages "
            f"but its input {found[0]} holds {found[1]} frame(s) (NumberOfFrames): each "
            "frame needs its page, in the frames' order; correct the set")


def _unplaced_frames(case: Case, reference: Any) -> None:
    """Refuse distances on a stack of 2-D frames that states no distance between them: a
    multi-page TIFF of masks, or a DICOM multi-frame object without positions (an
    ultrasound cine, whose frames are instants in time). Measured as a volume, a
    contour's nearest point could lie in another frame, that frame counted 1 pixel (or
    1 mm) away: a stray blob 5 frames from where the lesion sits would be measured
    through that frame, not in its own."""
    frames = reference.array.shape[0]
    unplaced = (reference.spacing_mm is None
                or reference.metadata.get("geometry") == "absent")
    if frames > 1 and unplaced:
        what = ("an ultrasound cine's frames in time" if reference.metadata.get("frame_axis")
                == "time" else "frames without positions")
        raise ReferenceProblem(
            f"case {case.case_id}: reference {case.reference} is a stack of {frames} "
            f"2-D frames ({what}) with no distance between them: distances measured "
            "across the stack would count the next frame 1 pixel away. Make each frame a "
            "case of its own (its mask and prediction one image each), or set "
            "distances = false (Dice, IoU and the volume difference pooled over the frames)")


def _drawn_on(case: Case, seg: Path, images: Sequence[Path]) -> Path:
    """Of a case's DICOM inputs (files or series folders), the one whose series the SEG's
    ReferencedSeriesSequence names, by their headers; else LoaderError saying why."""
    import pydicom

    def series_of(where: Path) -> set[str]:
        """The series of a file, or of a folder's first DICOM file (a folder of several
        series is refused when it is read)."""
        files = sorted(p for p in where.iterdir() if p.is_file()
                       and not p.name.startswith(".")) if where.is_dir() else [where]
        for file in files:
            try:
                head = pydicom.dcmread(file, stop_before_pixels=True, force=True,
                                       specific_tags=["SeriesInstanceUID"])
            except Exception:  # not DICOM: its reader says so, if it is chosen
                continue
            if "SeriesInstanceUID" in head:
                return {str(head.SeriesInstanceUID)}
        return set()

    head = pydicom.dcmread(seg, stop_before_pixels=True, force=True,
                           specific_tags=["ReferencedSeriesSequence"])
    named = {str(item.get("SeriesInstanceUID", ""))
             for item in head.get("ReferencedSeriesSequence", None) or []} - {""}
    holding = [where for where in images if series_of(where) & named]
    if len(holding) == 1:
        return holding[0]
    inputs = ", ".join(where.name for where in images)
    which = ("none of them" if not holding
             else "several: " + ", ".join(where.name for where in holding))
    raise LoaderError(
        f"reference {case.reference}: a DICOM SEG, to be placed on the DICOM input it was "
        f"drawn on; its ReferencedSeriesSequence names series "
        f"{', '.join(sorted(named)) or '(none)'}, and of the case's DICOM inputs "
        f"({inputs}) {which} holds it")


def _sniff(path: Path) -> str:
    """The file's format from its first bytes; a directory is a DICOM series (read by
    :func:`medeval.loaders.read_image`, which refuses anything else in it)."""
    from ..loaders._files import sniff

    if path.is_dir():
        return "dicom"
    return str(sniff(path))

#: The words of :func:`medeval.loaders.read_mask` for pixel values that are no labels.
_NOT_LABELS = ("not a binary mask", "not integer labels", "which the label map")


def _coded_as_references(exc: Exception) -> str:
    """The way out for a predicted mask image whose values are no labels (probabilities
    saved as grey levels or floats, 0/65535): read_mask's own advice is a label map,
    which the protocol declares for the references too."""
    if not any(words in str(exc) for words in _NOT_LABELS):
        return ""
    return ("; as a prediction: the protocol's label_map and jpeg_threshold read the "
            "references too, so write the labels coded as the references are (8-bit 0/1 or "
            "0/255 for one label), thresholding probabilities or logits first")


def _prediction_file(predictions: Path, case_id: str) -> Path:
    """The case's one prediction file; two (``c1.png`` and ``c1.nii.gz``) are refused.

    Each suffix is looked for as :func:`~.base.prediction_named` does (in capitals too,
    ``c1.PNG`` as Windows tools write it, and the case id in either Unicode form)."""
    found = [path for suffix in SUFFIXES
             if (path := prediction_named(predictions, case_id, suffix)) is not None]
    if len(found) > 1:
        raise PredictionError(
            f"case {case_id}: {len(found)} prediction files "
            f"({', '.join(p.name for p in found)}); keep one per case")
    if not found:
        return prediction_file(predictions, case_id, SUFFIXES)  # raises missing-output
    return found[0]

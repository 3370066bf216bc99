"""``manifest check --read-files``: DICOM inputs whose pixel size the file states twice
(private). An ultrasound frame whose PixelSpacing disagrees with its calibrated regions
states none that can be trusted; a mammogram whose PixelSpacing copies ImagerPixelSpacing
beside a magnification factor is measured in the breast (ImagerPixelSpacing over the
factor): both are said before the run, from the headers alone
(:func:`medeval.tasks._frames.dicom_header`, cached for the task's own checks).
"""

from __future__ import annotations

from ..manifest import Manifest

__all__ = ["pixel_size_warnings"]


def pixel_size_warnings(manifest: Manifest) -> list[str]:
    """The warnings (none, one or two) on the DICOM file inputs of ``manifest`` whose
    PixelSpacing disagrees with their ultrasound regions, or copies ImagerPixelSpacing
    in a magnified projection; each names its first five cases and their count."""
    from ..loaders._files import sniff
    from ..tasks._frames import dicom_header

    conflicts: list[str] = []
    corrected: list[str] = []
    for case in manifest.cases:
        for value in case.inputs:
            target = manifest.path(value)
            try:
                if not target.is_file() or str(sniff(target)) != "dicom":
                    continue
                head = dicom_header(target)
            except OSError:  # an unreadable input: the check names it
                continue
            if head.conflict is not None:
                conflicts.append(f"{case.case_id} {value!r} ({head.conflict})")
            if head.correction is not None:
                corrected.append(f"{case.case_id} {value!r} ({head.correction})")
    out = []
    if conflicts:
        out.append(f"{len(conflicts)} DICOM input(s) state a PixelSpacing that disagrees "
                   f"with their ultrasound regions: {_first(conflicts)}; such a frame has "
                   "no pixel size a distance in mm can use (a segmentation or detection "
                   "task refuses it in mm): correct the file, or measure in px")
    if corrected:
        out.append(f"{len(corrected)} DICOM input(s) copy ImagerPixelSpacing into "
                   "PixelSpacing (no PixelSpacingCalibrationType) beside an "
                   "EstimatedRadiographicMagnificationFactor above 1: measured in mm with "
                   f"ImagerPixelSpacing / the factor, the size in the breast: {_first(corrected)}")
    return out


def _first(items: list[str]) -> str:
    return "; ".join(items[:5]) + (f"; ... ({len(items)} in all)" if len(items) > 5 else "")

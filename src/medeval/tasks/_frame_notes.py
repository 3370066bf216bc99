"""The result's warnings on the 2-D DICOM frames a segmentation was scored on (private).

A mammogram whose PixelSpacing merely copies ImagerPixelSpacing beside a magnification
factor above 1 is measured with ImagerPixelSpacing over the factor, the size in the
breast (:func:`medeval.loaders._slices.plane_spacing`): the result says so, naming the
cases and both sizes, since the file's own PixelSpacing would give lengths longer by the
factor. A single 2-D mask scored on a multi-frame input without positions (a cine)
names no frame: the result says which cases, since the reference and the prediction are
then compared as drawn on the same frame, which only the protocol can say.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["corrected_warning", "key_frame_warning"]


def corrected_warning(found: Sequence[tuple[str, str]], total: int) -> tuple[str, ...]:
    """The warning for the cases (id, ``'0.1 x 0.1 mm / 1.08 = 0.09259 x 0.09259 mm'``)
    measured with ImagerPixelSpacing over the magnification factor instead of their
    PixelSpacing; none when there are none. The first ten cases are shown."""
    if not found:
        return ()
    shown = "; ".join(f"{case} ({how})" for case, how in found[:10]) + (
        f"; ... ({len(found)} cases)" if len(found) > 10 else "")
    return (f"{len(found)} of {total} case(s) were measured in mm with ImagerPixelSpacing / "
            "EstimatedRadiographicMagnificationFactor (the size in the breast), not with "
            "their PixelSpacing, which copies ImagerPixelSpacing (the detector plane; no "
            f"PixelSpacingCalibrationType): {shown}",)


def key_frame_warning(found: Sequence[tuple[str, str, int]], total: int) -> tuple[str, ...]:
    """The warning for the cases (id, input, its NumberOfFrames) whose reference is one
    2-D mask image while their DICOM input is a cine; none when there are none."""
    if not found:
        return ()
    shown = "; ".join(f"{case} ({name!r}, {frames} frames)" for case, name, frames
                      in found[:10]) + (f"; ... ({len(found)} cases)" if len(found) > 10 else "")
    return (f"{len(found)} of {total} case(s) score one 2-D mask on a multi-frame input "
            f"without positions (a cine): {shown}. The mask names no frame, so the "
            "reference and the prediction were compared as drawn on the same one; say in "
            "the protocol which frame that is (a key frame), or make each frame a case of "
            "its own",)

"""The result's warnings on the pixel size a 2-D DICOM frame was measured with (private).

A mammogram whose PixelSpacing merely copies ImagerPixelSpacing beside a magnification
factor above 1 is measured with ImagerPixelSpacing over the factor, the size in the
breast (:func:`medeval.loaders._slices.plane_spacing`): the result says so, naming the
cases and both sizes, since the file's own PixelSpacing would give lengths longer by the
factor.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["corrected_warning"]


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

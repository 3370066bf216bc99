"""``manifest check --read-files --protocol`` of a segmentation set: references that lie
on none of their case's input volumes' grids, and input series that cannot be read.

An algorithm sees its inputs only, so it writes its mask on the grid of the image it
reads; a reference stored on another grid (the series converted to NIfTI and reoriented
to RAS, resampled, cropped) fails every such prediction as ``incompatible``, counted as
the algorithm's failure. Only headers are read (:func:`~medeval.loaders.itk.read_itk_grid`,
:func:`~medeval.loaders.dicom.read_dicom_grid`), but for a DICOM file with positions (an
enhanced CT or MR, read as :func:`~medeval.loaders.read_image` reads it); a DICOM SEG
reference is placed on its input by the task itself, and raster frames have no grid of
their own: both are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import LoaderError
from ..manifest import Manifest

__all__ = ["off_grid_references"]

_VOLUMES = ("nifti", "gzip", "nrrd", "metaimage")


def off_grid_references(manifest: Manifest, *, progress: bool = False) -> list[str]:
    """One line per case whose reference volume lies on none of its input volumes'
    grids, or whose input series cannot be read (a missing slice, uneven gaps); with
    ``progress``, a bar on stderr (a series' headers take about 0.15 s: minutes for a
    set of a thousand)."""
    from .._progress_bar import bar

    found = []
    for case in bar(manifest.cases, "reading grids", progress=progress):
        try:
            reference = _grid(manifest.path(case.reference)) if case.reference else None
        except LoaderError:
            continue  # the reference's own reading names it, in the run
        if reference is None:
            continue
        grids, unread = [], []
        for value in case.inputs:
            try:
                grid = _grid(manifest.path(value))
            except LoaderError as exc:
                unread.append(f"case {case.case_id}: input {value!r} cannot be read as a "
                              f"volume ({exc}); the algorithm reads it as its reader can, "
                              "and its mask may then not lie on the reference's grid")
                continue
            if grid is not None:
                grids.append((value, grid))
        found += unread
        if not grids or unread:
            continue
        problems = [_difference(reference, grid) for _, grid in grids]
        if all(problems):
            found.append(
                f"case {case.case_id}: reference {case.reference!r} is not on the grid of "
                f"its input {grids[0][0]!r} ({problems[0]}): an algorithm writes its mask "
                "on the grid of the image it reads, so its prediction fails as "
                f"incompatible, counted as the algorithm's failure; {_remedy(grids[0][1])}")
    return found


def _remedy(grid: Any) -> str:
    """How to store the reference on its input's grid."""
    if grid.metadata.get("format") == "dicom" and grid.metadata.get("geometry") == "absent":
        return ("the input states no position and no pixel size (read_image reads 1 mm "
                "in the plane, a slice spacing only from SpacingBetweenSlices, metadata "
                "spacing_source 'absent'; SimpleITK 1 mm throughout): the reference's "
                "geometry came from its conversion, not from the image; store the reference "
                "on the grid of the reader the algorithm uses, and measure in pixels "
                "(distance_unit = \"px\") unless the pixel size is known")
    if grid.metadata.get("format") == "dicom" and "frame_order" in grid.metadata:
        return ("the input is a multi-frame file, which readers place differently: "
                "medeval.loaders.read_image sorts its frames along the slice normal, "
                "SimpleITK keeps the file's frame order; store the reference on the grid "
                "of the reader the algorithm uses, and name that reader in the protocol")
    return ("store the reference on its input's grid (SimpleITK: Resample onto the input, "
            "nearest neighbour)")


def _grid(path: Path) -> Any:
    """The volume's grid from its header, or None for what has no grid to compare (a
    raster frame, a DICOM SEG or image without positions, anything else)."""
    from ..loaders._files import sniff
    from ..loaders.dicom import read_dicom_grid
    from ..loaders.itk import read_itk_grid

    if path.is_dir():
        return read_dicom_grid(path)
    if not path.is_file():
        return None
    try:
        fmt = sniff(path)
    except (OSError, LoaderError):
        return None
    if fmt == "gzip" and not path.name.lower().endswith(".nii.gz"):
        return None  # clinical data gzipped (.json.gz, .csv.gz): SimpleITK reads none
    if fmt == "dicom":
        return _dicom_file_grid(path)
    return read_itk_grid(path) if fmt in _VOLUMES else None


def _dicom_file_grid(path: Path) -> Any:
    """The grid of a DICOM file (a CT slice, an enhanced CT or MR, an RT dose grid, a
    multi-frame image without positions), as :func:`~medeval.loaders.read_image` gives
    it to the algorithm: frames sorted along the slice normal, which SimpleITK does not
    do (eCT_Supplemental: origin z -149 along -z, SimpleITK's -159 along +z). None for a
    SEG, which the task places on its image."""
    from ..loaders.dicom import read_dicom_file_grid
    from ..loaders.seg import is_dicom_segmentation

    return None if is_dicom_segmentation(path) else read_dicom_file_grid(path)


def _difference(reference: Any, grid: Any, tol_mm: float = 1e-3) -> str:
    """What differs between the two grids (the conformance gate's tolerances: 1e-3 mm,
    1e-4 for a direction cosine; as it does, no spacing along an axis one voxel long: a
    single slice has no slice spacing), empty where they are one."""
    import numpy as np

    differs = []
    if reference.shape[:3] != grid.shape[:3]:
        differs.append(f"shape (z, y, x) {reference.shape[:3]} against {grid.shape[:3]}")
    axes = [i for i in range(3) if reference.shape[i] > 1 or grid.shape[i] > 1]
    for name, compared in (("spacing_mm", axes), ("origin_mm", [0, 1, 2])):
        ours, theirs = getattr(reference, name), getattr(grid, name)
        if ours is None or theirs is None or np.max(
                np.abs(np.subtract(ours, theirs))[compared], initial=0.0) > tol_mm:
            differs.append(f"{name} (z, y, x) {_shown(ours)} against {_shown(theirs)}")
    if np.max(np.abs(reference.direction - grid.direction)) > 1e-4:
        differs.append(f"direction {(reference.direction.round(4) + 0.0).tolist()} against "
                       f"{(grid.direction.round(4) + 0.0).tolist()}")
    return "; ".join(differs)


def _shown(values: Any) -> str:
    return "none" if values is None else "(" + ", ".join(f"{v:.4g}" for v in values) + ")"

"""Detection points in voxels against the volume they were drawn on (private).

A ``detection`` reference may give its points in voxels with ``"spacing_mm"`` beside
them, in the array's axis order (z, y, x). Two mistakes of a tester then give distances
in millimetres that are wrong without a word: the spacing copied in SimpleITK's
``GetSpacing()`` order (x, y, z), or any spacing other than the volume's; and points
written (x, y, z). Where the case's one input is a volume whose header states its grid —
a NIfTI, MetaImage or NRRD file (:func:`medeval.loaders.itk.read_itk_grid`, the header
alone) or a DICOM series folder (its slices' headers,
:func:`medeval.loaders.dicom.read_dicom_grid`: the slice spacing from their positions,
as for the series read as a volume; a folder that is not one readable series, one
slice's header: the spacing between rows and columns and their numbers) — the
reference's spacing must be the volume's (1e-3 relative) and its points must lie in the
volume (each index from -0.5 to n - 0.5). Anything else (a 2-D frame, an input that
cannot be read, a volume whose header states no spacing) is not compared here.

Points without ``"spacing_mm"`` are millimetres: on such a volume of voxels other than
1 mm, :func:`millimetre_points_volume` names it, for the result's warning that this is
not checked (voxel indices read as millimetres would be wrong by the spacing). A DICOM
series is judged by one slice's plane, and by its slices' positions only where the
plane is 1 mm (1 mm pixels on thick slices).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MedevalError

__all__ = ["millimetre_points_volume", "volume_points_problem"]

_VOLUMES = ("nifti", "gzip", "nrrd", "metaimage")
_Axis = float | None


def _geometry(root: Path, inputs: tuple[str, ...], *, slices: bool = True
              ) -> tuple[str, tuple[_Axis, ...], tuple[int | None, ...], str] | None:
    """The one input volume's name, (z, y, x) spacing and shape (None where not read)
    and where they come from; None where there is no such volume. ``slices``: a DICOM
    series folder's slice spacing and count from every slice's header (else one
    slice's header alone: the plane)."""
    from ..loaders._files import sniff

    if len(inputs) != 1:
        return None
    path = root / inputs[0]
    try:
        if path.is_dir():
            return _series_geometry(path, inputs[0], slices=slices)
        if not path.is_file() or str(sniff(path)) not in _VOLUMES or (
                str(sniff(path)) == "gzip" and not path.name.lower().endswith(".nii.gz")):
            return None
        from ..loaders.itk import read_itk_grid

        grid = read_itk_grid(path)
    except (OSError, MedevalError):
        return None  # the manifest's checks, or the algorithm, meet it
    if grid.spacing_mm is None or grid.array.shape[0] == 1 or \
            grid.metadata.get("spacing_source") == "absent":
        return None  # a 2-D image, or one whose header states no spacing
    shape = tuple(int(n) for n in grid.array.shape)
    return inputs[0], tuple(float(s) for s in grid.spacing_mm), shape, "its header"


def _series_geometry(path: Path, name: str, *, slices: bool
                     ) -> tuple[str, tuple[_Axis, ...], tuple[int | None, ...], str] | None:
    """A DICOM series folder's grid from its slices' headers (the slices sorted along
    their normal, the spacing their mean gap, as :func:`medeval.loaders.read_image`
    reads the series), else from one slice's header: the plane alone."""
    from ..loaders._files import sniff
    from ._frames import dicom_header

    if slices:
        from ..loaders.dicom import read_dicom_grid

        try:
            grid = read_dicom_grid(path)
        except MedevalError:
            grid = None  # not one series (a missing slice ...): its plane below
        if grid is not None and grid.spacing_mm is not None and grid.array.ndim == 3 \
                and grid.array.shape[0] > 1 \
                and grid.metadata.get("spacing_source") not in (None, "absent"):
            return (name, tuple(float(s) for s in grid.spacing_mm),
                    tuple(int(n) for n in grid.array.shape),
                    f"its slices' positions and {grid.metadata['spacing_source']}")
    files = sorted(p for p in path.iterdir() if p.is_file()
                   and not p.name.startswith(".") and p.name.upper() != "DICOMDIR")
    dicom = [p for p in files[:20] if str(sniff(p)) == "dicom"]
    head = dicom_header(dicom[0]) if dicom else None
    if head is None or head.spacing is None or head.size is None or \
            head.source in (None, "absent"):
        return None
    return (name, (None, *head.spacing), (None, *head.size), f"its slices' {head.source}")


def millimetre_points_volume(case: Any, root: Path) -> tuple[str, list[float | None]] | None:
    """The case's one input volume and its (z, y, x) spacing (None: not read, a DICOM
    series' slice spacing) where a voxel of it is not 1 mm on every axis, else None:
    points given without ``"spacing_mm"`` are read as millimetres there, unchecked."""
    found = _geometry(root, case.inputs, slices=False)
    if found is None:
        return None
    if found[1][0] is None and _one_mm(found[1]):
        # a DICOM series of 1 mm pixels: only its slices' positions tell whether the
        # voxels are 1 mm deep too (read here alone, as a thick-sliced series of 1 mm
        # pixels is rare, and the positions of every slice are costly)
        found = _geometry(root, case.inputs, slices=True) or found
    spacing = list(found[1])
    if _one_mm(spacing):
        return None
    return found[0], spacing


def _one_mm(spacing: Any) -> bool:
    """Every axis read is 1 mm (1e-3 absolute); an axis not read (None) is not counted."""
    return all(s is None or abs(s - 1.0) <= 1e-3 for s in spacing)


def volume_points_problem(case: Any, root: Path, spacing: tuple[float, ...] | float,
                          points: Any) -> str | None:
    """Why the case's reference points in voxels (with ``spacing``) do not fit its input
    volume, or None. See the module's docstring."""
    found = _geometry(root, case.inputs)
    if found is None:
        return None
    name, stated, shape, source = found
    given = (spacing,) * 3 if isinstance(spacing, float) else tuple(spacing)
    if len(given) != 3:
        return None  # the matching names a spacing of the wrong length
    known = [axis for axis in range(3) if stated[axis] is not None]
    stated_known = [float(s) for s in stated if s is not None]
    where = f"case {case.case_id}: reference {case.reference}"
    shown = "[" + ", ".join("?" if s is None else f"{s:g}" for s in stated) + "]"
    unread = "; '?' not read" if None in stated else ""
    if not np.allclose([given[a] for a in known], stated_known, rtol=1e-3, atol=0.0):
        reversed_fits = np.allclose([given[::-1][a] for a in known], stated_known,
                                    rtol=1e-3, atol=0.0)
        return (f"{where} gives \"spacing_mm\" {list(given)}, but its input {name} states "
                f"{shown} mm in (z, y, x) order ({source}{unread}): distances in mm "
                "would be wrong by their ratio. "
                + ("Reversed, it is the input's: was it copied in (x, y, z) order, as "
                   "SimpleITK's GetSpacing() gives it? " if reversed_fits else "")
                + "Give the input's spacing in the points' axis order, (z, y, x), as "
                "numpy and SimpleITK's GetArrayFromImage give the array")
    rows = np.asarray(points, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] not in (3, 6) or not len(rows):
        return None
    centres = rows if rows.shape[1] == 3 else (rows[:, :3] + rows[:, 3:]) / 2

    def outside(p: Any) -> bool:
        return any(n is not None and not -0.5 <= v <= n - 0.5 for v, n in zip(p, shape))

    off = [k for k, p in enumerate(centres) if outside(p)]
    if not off:
        return None
    first = centres[off[0]]
    extent = "[" + ", ".join("?" if n is None else str(n) for n in shape) + "]"
    reversed_fits = not any(outside(p[::-1]) for p in centres)
    return (f"{where} gives {len(off)} point(s) in voxels (\"spacing_mm\" beside them) "
            f"outside its input {name}, of {extent} voxels (z, y, x{unread}), e.g. "
            f"point {off[0]} [{', '.join(f'{v:g}' for v in first)}]. "
            + ("Reversed, every point lies in it: were they written (x, y, z)? "
               if reversed_fits else "Are they millimetres? Then leave \"spacing_mm\" "
               "out. ")
            + "Points are in the array's axis order, (z, y, x), index 0 the first voxel")

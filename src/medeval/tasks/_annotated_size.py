"""The image size a 2-D annotation file states against the case's frames (private).

A COCO or LabelMe file's ``height`` and ``width`` must be the frame's (read from its
header, nothing decoded): annotations drawn on a resized or turned copy of the frame are
not where the frame shows them (:func:`frame_problem`).

One mismatch is named for what it is: COCO's ``images[].width`` and ``height``
(LabelMe's ``imageWidth``, ``imageHeight``) transposed against the frame's own columns
and rows: an export from a tool that turned the frame, or a converter that wrote the two
the other way round. Its objects, drawn on the frame, then reach past the width the file
states, and the file's check lists vertices "outside the image" that are on it. The size
the file states for a case's image is then set against the case's frames: when it is
theirs transposed, the message says so, naming the file, the image and the case
(:func:`swapped_cases`; the file read as plain JSON, leniently: only the one image's
size is wanted, from a file the annotation reader refused as a whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MedevalError
from ..loaders._annotation_json import _is_int, _nfc
from ..manifest import Case
from ._frames import mismatched_frame

if TYPE_CHECKING:
    from ..loaders._annotated import AnnotatedImage

__all__ = ["frame_problem", "swap_text", "swapped_cases"]


def frame_problem(case: Case, root: Path, image: AnnotatedImage, path: str) -> str | None:
    """The annotation's image size against each raster input's header (nothing decoded).

    Coordinates, areas (COCO's size classes) and a result's RLE size are those of the
    annotation's ``height`` x ``width``: annotations drawn on a resized or turned copy of
    the frame would be scored against boxes that are not where the frame shows them."""
    height, width = image.height, image.width
    try:
        found = mismatched_frame(root, case.inputs, (height, width))
    except MedevalError as exc:  # an EXIF orientation: which way were boxes drawn?
        return f"case {case.case_id}: {exc}"
    if found is None:
        return None
    name, size = found
    stated = (f"its image {image.file_name!r}" if image.format == "labelme" else
              f"image {image.file_name!r} (id {image.image_id})")
    swap = swap_text(path, stated, (height, width), name, size)
    return f"case {case.case_id}: {swap}" if swap else (
        f"case {case.case_id}: reference {case.reference} gives its image "
        f"{height} x {width} pixels (height x width) but the frame {name} is "
        f"{size[0]} x {size[1]}: the annotations were not drawn on this frame, "
        "or one of them was resized or turned; correct the set")


def swap_text(path: str, image: str, stated: tuple[int, int],
              frame: str, found: tuple[int, int]) -> str | None:
    """The message for a frame (``found``: rows, columns) that is the image size the file
    states (``stated``: height, width) transposed; None when it is not (or is square).
    The case is not named: the callers put it first."""
    height, width = stated
    if found != (width, height) or height == width:
        return None
    return (f"{path} states {image} as {width} x {height} pixels (width x height), but "
            f"the frame {frame} is {height} x {width}: width and height swapped (a rotated "
            "export, or a frame saved turned?); if the annotations were drawn on the frame "
            f"as it is stored, write width {height} and height {width} for it in the file, "
            "else export the annotations or the frame again, the same way up")


class StatedSizes:
    """The image sizes one annotation file states, looked up by a case's selector.

    Read once per file (a set-wide COCO file of 20,000 images is not read per case);
    an entry without an integer height and width is skipped."""

    def __init__(self, file: Path) -> None:
        from ..loaders._annotation_json import load_json

        self.labelme: tuple[str, int, int] | None = None
        self.by_name: dict[str, list[tuple[str, int, int]]] = {}
        self.by_id: dict[int, tuple[str, int, int]] = {}
        self.count = 0
        try:
            data: Any = load_json(file)
        except MedevalError:
            return
        if isinstance(data, dict) and "shapes" in data:
            size = _size(data.get("imageHeight"), data.get("imageWidth"))
            if size is not None:
                self.labelme = (f"its image {data.get('imagePath')!r}", *size)
            return
        entries = data.get("images") if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict):
                continue
            self.count += 1
            size = _size(entry.get("height"), entry.get("width"))
            name, number = entry.get("file_name"), entry.get("id")
            if size is None:
                continue
            label = f"image {name!r}" + (f" (id {number})" if _is_int(number) else "")
            if isinstance(name, str):
                self.by_name.setdefault(_nfc(name), []).append((label, *size))
            if isinstance(number, int) and not isinstance(number, bool):  # narrowed
                self.by_id.setdefault(number, (label, *size))

    def of(self, selector: str | None) -> tuple[str, int, int] | None:
        """The selected image's description, height and width; None when the selector
        names no one image of a usable size."""
        if self.labelme is not None:
            return self.labelme if selector is None else None
        if selector is None:
            images = [i for found in self.by_name.values() for i in found]
            return images[0] if self.count == 1 and len(images) == 1 else None
        named = self.by_name.get(_nfc(selector), [])
        if len(named) == 1:
            return named[0]
        if not named and selector.strip().lstrip("-").isdigit():
            return self.by_id.get(int(selector))
        return None


def swapped_cases(cases: Sequence[Case], root: Path, path: str) -> dict[str, str]:
    """The cases pointing into the annotation file ``path`` (which cannot be used) whose
    image it states with width and height swapped against their frame: case id -> the
    message. The file read once, the frames' headers only."""
    from ..loaders._files import within_root

    try:
        sizes = StatedSizes(within_root(root, path))
    except MedevalError:  # a path leaving the root: the file's own message names it
        return {}
    swaps = {}
    for case in cases:
        stated = sizes.of(case.reference.partition("#")[2] or None)
        swap = None if stated is None else _swapped(case, root, path, stated)
        if swap is not None:
            swaps[case.case_id] = swap
    return swaps


def _swapped(case: Case, root: Path, path: str, stated: tuple[str, int, int]) -> str | None:
    """The swap message for the case when its frames are the stated size transposed."""
    image, height, width = stated
    try:
        found = mismatched_frame(root, case.inputs, (height, width))
    except MedevalError:  # an EXIF orientation: the frame check names it
        return None
    if found is None:
        return None
    return swap_text(path, image, (height, width), *found)


def _size(height: Any, width: Any) -> tuple[int, int] | None:
    ok = _is_int(height) and _is_int(width) and height > 0 and width > 0
    return (height, width) if ok else None

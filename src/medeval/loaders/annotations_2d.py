"""2-D annotation files — COCO and LabelMe JSON — read into one record per image.

Endoscopy and ultrasound sets come as JPEG/PNG frames whose objects are drawn as polygons,
boxes or run-length encoded (RLE) masks in a JSON file: COCO (``images``, ``annotations``,
``categories``) or LabelMe (``shapes``, ``imageHeight``, ``imageWidth``, ``imagePath``).
Both are read into :class:`AnnotatedImage` records holding :class:`AnnotatedObject`\\ s:
category, box ``(x, y, w, h)`` in pixels (COCO's convention), ``iscrowd``, area, and a
boolean mask of the image's ``height × width`` on demand. Polygons and RLE are rasterised
and decoded by ``pycocotools.mask`` (the COCO project's own code), LabelMe polygons too,
so a shape gives the same pixels whichever file it came from.

=============================  ========================================================
``read_annotation_file``       every image of a COCO or LabelMe file
``read_case_annotations``      one case's image, from its manifest reference
``annotation_problems``        every case whose reference cannot be used, all at once
``split_reference``            a reference's file path and selector
``coco_ground_truth``          a case list as a COCO dataset dict (``pycocotools.COCO``)
``to_coco_dataset``            records as a COCO dataset dict
=============================  ========================================================

The manifest convention
-----------------------
A case's ``reference`` is the path of its annotation file, relative to the data root,
optionally followed by ``#`` and a selector::

    case_id,patient_id,input,reference
    c001,p01,frames/c001.png,labels/c001.json              one file per case
    c002,p01,frames/c002.png,labels/set.json#frames/c002.png  one COCO file for the set
    c003,p02,frames/c003.png,labels/set.json#17               ... by image id

* Without a selector the file holds the case's image alone: a LabelMe file, or a COCO
  file with exactly one image.
* With a selector the file is a COCO file for the whole set, and the selector names the
  case's image by its ``file_name`` exactly as written there, or, when no ``file_name``
  is the selector and the selector is an integer, by its ``id``. A selector that is one
  image's ``file_name`` and another image's ``id`` is refused as ambiguous.
* The path is everything before the first ``#``, so the path may not contain ``#``; the
  selector may. The path must stay inside the data root (``..`` and symbolic links are
  resolved, as for every manifest path).

A set-wide file is parsed and checked once and kept (the last few files, keyed by path,
size and modification time), so 20,000 cases pointing into it parse it once.

Coordinates, tolerance and refusals
-----------------------------------
Coordinates are COCO's continuous pixel coordinates: pixel ``(row i, column j)`` covers
``[j, j + 1) × [i, i + 1)``, so an image ``width`` pixels wide spans ``0 ≤ x ≤ width`` and a
vertex at ``x == width`` lies on its right edge. A polygon vertex or a box corner may lie
at most ``tolerance_px`` outside ``[0, width] × [0, height]`` (default 0: none outside);
what pycocotools rasterises beyond the image is cut off. A file is checked whole before
any record is returned, and every problem found is listed in one
:class:`~medeval.errors.LoaderError` naming the file and each entry (COCO annotation id,
LabelMe shape index): JSON that is invalid (line and column given) or neither COCO nor
LabelMe; an annotation naming an unknown image or category; a polygon with fewer than 3
points or a vertex outside its image; a box of negative or zero width or height, or
outside its image; an RLE whose size is not its image's; duplicate image ids or file
names, annotation ids or category ids; a LabelMe file without ``imageHeight`` or
``imageWidth``; a LabelMe shape that is not a polygon or a rectangle.

LabelMe shapes with the same ``label`` and a ``group_id`` are one object (LabelMe's own
``labelme2coco`` groups them so). A LabelMe label gets its category id from
``categories`` when given; otherwise the id is ``None`` until :func:`to_coco_dataset`
numbers the labels of a whole set in sorted order.
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import LoaderError
from ._annotated import AnnotatedImage, AnnotatedObject
from ._annotation_json import listing, parse_annotation_json
from ._files import regular_file, within_root

__all__ = [
    "AnnotatedImage",
    "AnnotatedObject",
    "annotation_problems",
    "coco_ground_truth",
    "read_annotation_file",
    "read_case_annotations",
    "split_reference",
    "to_coco_dataset",
]

Categories = Sequence[str] | Mapping[str, int]


def read_annotation_file(
    path: str | os.PathLike[str],
    *,
    categories: Categories | None = None,
    tolerance_px: float = 0.0,
) -> tuple[AnnotatedImage, ...]:
    """Read a COCO or LabelMe JSON file into one record per image, checked whole first.

    Parameters
    ----------
    path : path
        A COCO dataset file (``images``, ``annotations``, ``categories``) or a LabelMe
        file (``shapes``, ``imageHeight``, ``imageWidth``, ``imagePath``).
    categories : sequence of str or mapping of str to int, optional
        The set's categories: names (ids 1, 2, ... in that order) or names to ids. A
        LabelMe label takes its id from here, and a label not in it is refused; a COCO
        file's categories must agree with it (same name, same id).
    tolerance_px : float, default 0
        How far outside ``[0, width] × [0, height]`` a vertex or box corner may lie.

    Returns
    -------
    tuple of AnnotatedImage
        COCO: the images in the file's order; LabelMe: its one image.

    Raises
    ------
    LoaderError
        The file is missing, not JSON (line and column given), neither COCO nor
        LabelMe, or has problems; every problem is listed, with its entry.

    Notes
    -----
    A COCO file's ``area`` and ``bbox`` are kept as written (COCO AP uses them); only
    a missing one is computed from the mask. The records share nothing mutable.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "f.json").write_text(json.dumps({
    ...     "version": "5.4.1", "flags": {}, "imagePath": "f.png", "imageData": None,
    ...     "imageHeight": 6, "imageWidth": 8, "shapes": [
    ...         {"label": "polyp", "points": [[0, 0], [6, 0], [0, 3]], "group_id": None,
    ...          "shape_type": "polygon", "flags": {}},
    ...         {"label": "polyp", "points": [[7, 5], [4, 2]], "group_id": None,
    ...          "shape_type": "rectangle", "flags": {}}]}))
    >>> (image,) = read_annotation_file(folder / "f.json", categories=["polyp"])
    >>> image.file_name, image.height, image.width
    ('f.png', 6, 8)
    >>> [(o.category_id, o.shape, o.box, o.area) for o in image.objects]
    [(1, 'polygon', (0.0, 0.0, 5.0, 3.0), 9.0), (1, 'box', (4.0, 2.0, 3.0, 3.0), 9.0)]
    >>> int(image.objects[0].mask().sum())
    9
    """
    file = regular_file(path, what="annotation file")
    return _parsed(file, _category_key(categories), float(tolerance_px)).images


def read_case_annotations(
    reference: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str],
    categories: Categories | None = None,
    tolerance_px: float = 0.0,
) -> AnnotatedImage:
    """Return a case's annotated image from its manifest reference (``path[#selector]``).

    Parameters
    ----------
    reference : str or path
        ``labels/c001.json`` (LabelMe, or COCO with one image) or
        ``labels/set.json#<file_name or image id>`` (one COCO file for the set); see the
        module's description of the convention. A ``pathlib.Path`` is read as its text.
    root : path
        The data root the path is relative to; the path may not leave it.
    categories, tolerance_px
        As for :func:`read_annotation_file`.

    Returns
    -------
    AnnotatedImage

    Raises
    ------
    LoaderError
        The file cannot be read or has problems; the selector names no image (or two);
        no selector is given for a file of several images.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "set.json").write_text(json.dumps({
    ...     "images": [{"id": 7, "file_name": "a.png", "height": 4, "width": 4},
    ...                {"id": 8, "file_name": "b.png", "height": 4, "width": 4}],
    ...     "annotations": [{"id": 1, "image_id": 8, "category_id": 3,
    ...                      "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}],
    ...     "categories": [{"id": 3, "name": "polyp"}]}))
    >>> read_case_annotations("set.json#b.png", root=root).objects[0].box
    (1.0, 1.0, 2.0, 2.0)
    >>> read_case_annotations("set.json#7", root=root).file_name
    'a.png'
    >>> read_case_annotations("set.json", root=root)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: .../set.json: holds 2 images; name the case's image ...
    """
    path, selector = split_reference(reference)
    file = regular_file(within_root(root, path), what="annotation file")
    parsed = _parsed(file, _category_key(categories), float(tolerance_px))
    return parsed.select(selector)


def annotation_problems(
    references: Mapping[str, str],
    *,
    root: str | os.PathLike[str],
    categories: Categories | None = None,
    tolerance_px: float = 0.0,
) -> dict[str, str]:
    """Check every case's reference; return each case that cannot be used, with why.

    Each file is read once however many cases point into it, and every case is checked,
    so the result lists every missing file, unreadable file and missing image at once
    (for manifest validation). Two cases selecting the same image are reported too.

    Parameters
    ----------
    references : mapping of str to str
        Case id to its manifest reference (``path[#selector]``).
    root, categories, tolerance_px
        As for :func:`read_case_annotations`.

    Returns
    -------
    dict of str to str
        Case id to its problem, sorted by case id; empty when every case is usable.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "set.json").write_text(json.dumps({
    ...     "images": [{"id": 1, "file_name": "a.png", "height": 4, "width": 4}],
    ...     "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}))
    >>> problems = annotation_problems(
    ...     {"c1": "set.json#a.png", "c2": "set.json#b.png", "c3": "none.json"}, root=root)
    >>> sorted(problems)
    ['c2', 'c3']
    >>> problems["c2"]  # doctest: +ELLIPSIS
    "...set.json: no image has file_name 'b.png'; ..."
    """
    key, tolerance = _category_key(categories), float(tolerance_px)
    by_file: dict[str, list[tuple[str, str | None]]] = {}
    problems: dict[str, str] = {}
    for case_id, reference in references.items():
        try:
            path, selector = split_reference(reference)
            file = regular_file(within_root(root, path), what="annotation file")
        except LoaderError as exc:
            problems[case_id] = str(exc)
            continue
        by_file.setdefault(str(file), []).append((case_id, selector))
    seen: dict[tuple[str, int], str] = {}
    for name, cases in by_file.items():
        try:
            parsed = _parsed(Path(name), key, tolerance)
        except LoaderError as exc:
            problems.update((case_id, str(exc)) for case_id, _ in cases)
            continue
        for case_id, selector in cases:
            try:
                index = parsed.index(selector)
            except LoaderError as exc:
                problems[case_id] = str(exc)
                continue
            if (name, index) in seen:
                problems[case_id] = (f"{name}: image {parsed.images[index].file_name!r} is "
                                     f"also case {seen[name, index]}'s; give each case its "
                                     "own image")
            else:
                seen[name, index] = case_id
    return dict(sorted(problems.items()))


def split_reference(reference: str | os.PathLike[str]) -> tuple[str, str | None]:
    """Split a case's reference into its file path and its selector (``None`` if none).

    The path is everything before the first ``#``; what follows names the case's image in
    a set-wide COCO file. Manifest checks and hashing use the path part: a set-wide file
    is one file, however many cases point into it.

    Parameters
    ----------
    reference : str
        ``path`` or ``path#selector``, as in the manifest's ``reference`` column.

    Returns
    -------
    tuple of (str, str or None)

    Raises
    ------
    LoaderError
        No path before the ``#``, or nothing after it.

    Examples
    --------
    >>> split_reference("labels/set.json#frames/c002.png")
    ('labels/set.json', 'frames/c002.png')
    >>> split_reference("labels/c001.json")
    ('labels/c001.json', None)
    """
    reference = os.fspath(reference)  # a pathlib.Path: its text (AttributeError before)
    path, sep, selector = reference.partition("#")
    if not path.strip():
        raise LoaderError(f"reference {reference!r}: no file path before '#'")
    if sep and not selector:
        raise LoaderError(f"reference {reference!r}: nothing after '#'; give the image's "
                          "file_name or id, or drop the '#'")
    return path, (selector if sep else None)


def coco_ground_truth(
    references: Mapping[str, str],
    *,
    root: str | os.PathLike[str],
    categories: Categories | None = None,
    tolerance_px: float = 0.0,
) -> dict[str, Any]:
    """A case list's references as one COCO dataset dict, as ``pycocotools.COCO`` loads.

    Reads each case with :func:`read_case_annotations` and hands the records, with their
    case ids, to :func:`to_coco_dataset`.

    Parameters
    ----------
    references : mapping of str to str
        Case id to its manifest reference (``path[#selector]``).
    root, categories, tolerance_px
        As for :func:`read_case_annotations`.

    Returns
    -------
    dict
        ``{"images", "annotations", "categories"}``; see :func:`to_coco_dataset`.

    Raises
    ------
    LoaderError
        Every case that cannot be read, listed with its problem
        (:func:`annotation_problems`).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "set.json").write_text(json.dumps({
    ...     "images": [{"id": 7, "file_name": "a.png", "height": 4, "width": 4},
    ...                {"id": 8, "file_name": "b.png", "height": 4, "width": 4}],
    ...     "annotations": [{"id": 1, "image_id": 8, "category_id": 3,
    ...                      "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}],
    ...     "categories": [{"id": 3, "name": "polyp"}]}))
    >>> gt = coco_ground_truth({"c2": "set.json#b.png", "c1": "set.json#a.png"}, root=root)
    >>> [(i["id"], i["case_id"], i["file_name"]) for i in gt["images"]]
    [(1, 'c1', 'a.png'), (2, 'c2', 'b.png')]
    >>> [(a["id"], a["image_id"], a["bbox"]) for a in gt["annotations"]]
    [(1, 2, [1.0, 1.0, 2.0, 2.0])]
    """
    problems = annotation_problems(references, root=root, categories=categories,
                                   tolerance_px=tolerance_px)
    if problems:
        raise LoaderError(listing(
            f"coco_ground_truth: {len(problems)} of {len(references)} case(s) cannot be read",
            [f"case {case_id}: {message}" for case_id, message in problems.items()]))
    images = [read_case_annotations(reference, root=root, categories=categories,
                                    tolerance_px=tolerance_px)
              for reference in references.values()]
    return to_coco_dataset(images, case_ids=list(references))


def to_coco_dataset(
    images: Sequence[AnnotatedImage],
    *,
    case_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Records as one COCO dataset dict (``images``, ``annotations``, ``categories``).

    Images are numbered 1, 2, ... in the order of their ``file_name`` (then case id,
    then source file), annotations 1, 2, ... in that image order and each image's object
    order, so the same set gives the same dict whichever order it was listed in.

    Parameters
    ----------
    images : sequence of AnnotatedImage
    case_ids : sequence of str, optional
        Each image's case id, kept as the image entry's ``case_id`` (a key
        ``pycocotools`` carries along), so a case's detections can be given its
        ``image_id``.

    Returns
    -------
    dict
        Each annotation has ``id``, ``image_id``, ``category_id``, ``bbox``, ``area``,
        ``iscrowd`` and ``segmentation`` (a box-only object's 4 corners as a polygon, as
        ``pycocotools.COCO.loadRes`` does for boxes). ``categories`` is the union of the
        records' category tables; labels without an id (LabelMe read without
        ``categories``) are numbered 1, 2, ... in sorted order.

    Raises
    ------
    LoaderError
        Two records give one category id different names (or one name two ids);
        labels without an id are mixed with numbered categories.

    Examples
    --------
    >>> obj = AnnotatedObject(category_id=None, category="polyp", box=(0.0, 0.0, 2.0, 1.0),
    ...                       iscrowd=False, area=2.0, shape="box", image_size=(4, 4),
    ...                       polygons=((0.0, 0.0, 2.0, 0.0, 2.0, 1.0, 0.0, 1.0),))
    >>> image = AnnotatedImage("b.png", 4, 4, (obj,), None, "b.json", "labelme")
    >>> dataset = to_coco_dataset([image])
    >>> dataset["categories"], dataset["annotations"][0]["category_id"]
    ([{'id': 1, 'name': 'polyp', 'supercategory': ''}], 1)
    """
    if case_ids is not None and len(case_ids) != len(images):
        raise LoaderError(f"to_coco_dataset: {len(images)} images but {len(case_ids)} "
                          "case ids; give one case id per image")
    ids = [None] * len(images) if case_ids is None else list(case_ids)
    table = _category_table(images)
    order = sorted(range(len(images)),
                   key=lambda i: (images[i].file_name, str(ids[i]), images[i].source))
    dataset: dict[str, Any] = {"images": [], "annotations": [], "categories": [
        {"id": number, "name": name, "supercategory": ""} for name, number in
        sorted(table.items(), key=lambda item: item[1])]}
    for image_id, index in enumerate(order, start=1):
        image = images[index]
        entry: dict[str, Any] = {"id": image_id, "file_name": image.file_name,
                                 "height": image.height, "width": image.width}
        if ids[index] is not None:
            entry["case_id"] = ids[index]
        dataset["images"].append(entry)
        for obj in image.objects:
            dataset["annotations"].append({
                "id": len(dataset["annotations"]) + 1, "image_id": image_id,
                "category_id": table[obj.category], "bbox": list(obj.box),
                "area": obj.area, "iscrowd": int(obj.iscrowd),
                "segmentation": obj.coco_segmentation()})
    return dataset


def _category_table(images: Sequence[AnnotatedImage]) -> dict[str, int]:
    """Name -> id over every record's table and objects; conflicts raise."""
    table: dict[str, int] = {}
    unnumbered: set[str] = set()
    pairs: Iterable[tuple[int | None, str]] = [
        *(pair for image in images for pair in image.categories),
        *((o.category_id, o.category) for image in images for o in image.objects)]
    for number, name in pairs:
        if number is None:
            unnumbered.add(name)
            continue
        if table.setdefault(name, number) != number or list(table.values()).count(number) > 1:
            raise LoaderError(
                f"to_coco_dataset: category {name!r} and id {number} conflict with "
                f"{sorted(table.items())} from another file; give the set one category table")
    if unnumbered and table:
        raise LoaderError(
            f"to_coco_dataset: labels {sorted(unnumbered)} have no category id while others "
            "have; read the LabelMe files with categories=... (the COCO files' table)")
    return table or {name: i for i, name in enumerate(sorted(unnumbered), start=1)}


def _category_key(categories: Categories | None) -> tuple[tuple[str, int], ...] | None:
    """Categories as a hashable, validated tuple of (name, id)."""
    if categories is None:
        return None
    if isinstance(categories, str):
        raise LoaderError("categories: give a sequence of names or a name -> id mapping, "
                          f"not the string {categories!r}")
    pairs = (list(categories.items()) if isinstance(categories, Mapping)
             else [(name, i) for i, name in enumerate(categories, start=1)])
    names = [name for name, _ in pairs]
    numbers = [number for _, number in pairs]
    if len(set(names)) != len(names) or len(set(numbers)) != len(numbers):
        raise LoaderError(f"categories: names and ids must each be unique, got {pairs}")
    return tuple((str(name), int(number)) for name, number in pairs)


class _Parsed:
    """A checked file's records with lookups by file name and id."""

    def __init__(self, file: Path, images: tuple[AnnotatedImage, ...]) -> None:
        self.file = file
        self.images = images
        self.by_name = {image.file_name: i for i, image in enumerate(images)}
        # the same name in another Unicode form (macOS writes Hangul decomposed, NFD)
        self.by_nfc: dict[str, list[int]] = {}
        for i, image in enumerate(images):
            self.by_nfc.setdefault(unicodedata.normalize("NFC", image.file_name), []).append(i)
        self.by_id = {image.image_id: i for i, image in enumerate(images)
                      if image.image_id is not None}
        self.by_base: dict[str, list[str]] | None = None  # last part, casefolded
        self.by_folded: dict[str, list[str]] = {}  # the name casefolded (with by_base)
        self.by_slashed: dict[str, list[str]] = {}  # by _separated (with by_base)

    def index(self, selector: str | None) -> int:
        if selector is None:
            if len(self.images) != 1:
                raise LoaderError(
                    f"{self.file}: holds {len(self.images)} images; name the case's image "
                    "after '#' (its file_name or id), or give each case a file of its own")
            return 0
        if self.images and self.images[0].format == "labelme":
            raise LoaderError(f"{self.file}: a LabelMe file holds one image; drop "
                              f"'#{selector}' from the reference")
        by_name = self.by_name.get(selector)
        if by_name is None:
            same = self.by_nfc.get(unicodedata.normalize("NFC", selector), [])
            if len(same) > 1:
                raise LoaderError(
                    f"{self.file}: {selector!r} is the file_name of {len(same)} images "
                    "written in different Unicode forms (NFC, NFD); rename them apart")
            by_name = same[0] if same else None
        by_id = self.by_id.get(int(selector)) if selector.strip().lstrip("-").isdigit() \
            else None
        if by_name is not None and by_id is not None and by_name != by_id:
            raise LoaderError(
                f"{self.file}: {selector!r} is one image's file_name and another's id; "
                "select by the full file_name of an image whose name is no other's id")
        found = by_name if by_name is not None else by_id
        if found is None:
            kind = "file_name or id" if by_id is None and selector.isdigit() else "file_name"
            raise LoaderError(f"{self.file}: no image has {kind} {selector!r}; check the "
                              f"reference against the file's images{self._alike(selector)}")
        return found

    def _alike(self, selector: str) -> str:
        """A hint: the image whose name differs from the selector only in letter case
        (``FRAMES/D-01.JPG`` for ``frames/D-01.jpg``: one file to Windows and macOS, but
        not one file_name) or only in its separators (``frames\\D-01.jpg``, as Windows
        tools write it), else the images whose name ends in the selector's last part
        (the file names a folder the manifest does not, or the other way round), in
        that letter case or another."""
        if self.by_base is None:  # built on the first miss only
            self.by_base, self.by_folded = {}, {}
            for image in self.images:
                name = image.file_name
                self.by_base.setdefault(_base(name).casefold(), []).append(name)
                self.by_folded.setdefault(_folded(name), []).append(name)
                self.by_slashed.setdefault(_separated(name), []).append(name)
        told = "; the selector is the file_name exactly as the file writes it"
        slashed = self.by_slashed.get(_separated(selector), [])
        if slashed:  # a Windows tool's separators; shown as written, not as repr() doubles
            return (f" (the file_name '{slashed[0]}' is this path with other separators, "
                    "'\\' and '/'; the selector is the file_name exactly as the file "
                    f"writes it: #{slashed[0]})")
        folded = self.by_folded.get(_folded(selector), [])
        if folded:
            return (f" (the file_name {folded[0]!r} differs from it only in letter case"
                    f"{told}, letter case too)")
        alike = self.by_base.get(_base(selector).casefold(), [])
        if not alike:
            return ""
        shown = ", ".join(repr(name) for name in alike[:3])
        if any(_base(name) == _base(selector) for name in alike):
            return f" (the same file name in another folder: {shown}{told})"
        return (f" (the same file name, in other letter case, in another folder: {shown}"
                f"{told}, letter case too)")

    def select(self, selector: str | None) -> AnnotatedImage:
        return self.images[self.index(selector)]


def _parsed(file: Path, categories: tuple[tuple[str, int], ...] | None,
            tolerance_px: float) -> _Parsed:
    """The checked records of ``file``, parsed once per (file, size, mtime, options)."""
    if not math.isfinite(tolerance_px) or tolerance_px < 0:
        raise LoaderError(f"tolerance_px must be a finite number >= 0, got {tolerance_px}")
    stat = file.stat()
    return _parse_cached(str(file), stat.st_size, stat.st_mtime_ns, categories, tolerance_px)


@functools.lru_cache(maxsize=8)
def _parse_cached(file: str, size: int, mtime_ns: int,
                  categories: tuple[tuple[str, int], ...] | None,
                  tolerance_px: float) -> _Parsed:
    del size, mtime_ns  # part of the cache key only: an edited file is parsed anew
    images = parse_annotation_json(Path(file), dict(categories) if categories else None,
                                   tolerance_px)
    return _Parsed(Path(file), images)


def _base(name: str) -> str:
    """A file name's last part (after '/' or '\\'), in NFC."""
    return unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])


def _separated(name: str) -> str:
    """A file name with every run of '/' and '\\' one '/' (``frames\\\\a.png`` as a
    manifest may double it, ``frames\\a.png`` as Windows tools write it)."""
    return re.sub(r"[\\/]+", "/", name)


def _folded(name: str) -> str:
    """A file name as letter case aside compares it: NFC, casefolded."""
    return unicodedata.normalize("NFC", name).casefold()

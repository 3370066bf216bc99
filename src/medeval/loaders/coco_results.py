"""A detector's set-wide COCO results file, placed on a held-out set's cases.

Detectors (mmdetection, detectron2, YOLO's COCO export) write one results file for the
whole set they ran on: ``[{"image_id": 101, "category_id": 1, "bbox": [x, y, w, h],
"score": 0.93}, ...]``, each ``image_id`` an image of the COCO file they read. The
``coco-detection`` task reads one prediction file per case, ``<case_id>.json``, holding
that case's results alone. :func:`split_coco_results` places every result on its case
(``medeval predictions split-coco`` writes the files).

Which image is which case
    The images' ids and file names come from ``images`` (the COCO file the detector ran
    on; only its ``images`` list is read), or, without it, from the one set-wide COCO
    file the manifest's references point into (``labels/set.json#frames/c001.jpg``).
    A case whose reference selects an image of that same file is that image, selected as
    the evaluation selects it (``file_name``, else ``id``). Any other case is matched by
    the name of its input frame(s): an image whose ``file_name`` is the input's path as
    the manifest writes it, else the one image whose ``file_name`` ends in the input's
    file name (the detector may have seen the frames in another folder). Names are
    compared in NFC (macOS writes Hangul decomposed) with ``\\`` read as ``/``.

File stems (``image_ids="stem"``)
    YOLO's COCO export (ultralytics ``val`` with ``save_json``) writes no COCO image id:
    its ``image_id`` is the frame's file stem, a number when the stem is all digits
    (``0042.jpg`` -> ``42``), else the stem itself (``"D-01"``). With ``image_ids="stem"``
    each case is the image whose stem its frame has; no COCO file is read. In the default
    mode, an id that is another case's frame stem as a number is counted in
    :attr:`CocoResultsSplit.stem_clashes`: the sign of stems read as COCO ids.

Refused, every problem listed at once (a :class:`~medeval.errors.LoaderError`): a result
that is not an object, lacks ``image_id``, ``category_id``, ``score`` or both ``bbox`` and
``segmentation``, whose ``image_id`` (unless a stem) or ``category_id`` is not an integer,
whose score, box, segmentation (polygons or RLE) or other key holds a number that is not
finite (``NaN``, ``Infinity``, as Python's ``json`` writes them) or whose box is not 4
numbers; an ``image_id`` that no image has, or whose image is no case's (the detector ran
on frames outside the set); a case with no image, with two images, or sharing its image
with another case; two images with one id; with ``iou_type`` (the protocol's), a result
without the ``bbox`` or ``segmentation`` it scores.
A case whose image has no result gets an empty list: nothing detected. Category ids the
COCO file's ``categories`` do not list are counted (:attr:`CocoResultsSplit.unknown_categories`),
not refused: the evaluation fails their cases.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import LoaderError
from ._annotation_json import load_json
from ._coco_image_names import (
    _cases_stems,
    _Key,
    _key,
    _LetterCase,
    _nearest,
    _stem_clashes,
    _stem_in_other_case,
    _stem_key,
    _untold,
)
from ._coco_result_items import _is_int, _of, _plainly_fine, _result_problems
from ._files import regular_file, within_root

if TYPE_CHECKING:  # pragma: no cover
    from ..manifest import Case

__all__ = ["CocoResultsSplit", "read_coco_results", "split_coco_results"]

#: Problems shown in full in one message; the rest are counted.
_SHOWN = 20

#: What a result's ``image_id`` is: a COCO image id, or the frame's file stem (YOLO).
ImageIds = Literal["coco", "stem"]


@dataclass(frozen=True)
class CocoResultsSplit:
    """A set-wide COCO results file placed on the cases of a held-out set.

    Attributes
    ----------
    results : mapping of str to tuple of dict
        Case id to its results, in the file's order, each as the file has it (its
        ``image_id`` kept, unless the ids are of another numbering than the COCO file
        the references select the images in, the frames' stems or another images file,
        and it is an id of another image of that file: the evaluation would take it for
        that image's); an empty tuple for a case whose image has none. Cases in the
        manifest's order.
    image_ids : mapping of str to int or str
        Case id to the ``image_id`` of its image (its stem with ``image_ids="stem"``).
    source : str
        The results file.
    images_source : str
        Where the ids come from: the COCO file whose images gave them, or the frames'
        file stems.
    stem_clashes : tuple of int
        Image ids of the results, placed by a COCO file on one case, that are, as
        numbers, the file stem of another case's frame: if the detector wrote stems
        (YOLO), the results are on the wrong cases (``image_ids="stem"``). Empty with
        ``image_ids="stem"``.
    unknown_categories : mapping of int to int
        Category ids of the results that the COCO file's ``categories`` do not list, each
        with its number of results (the evaluation fails every case holding one, as
        invalid output). With ``image_ids="stem"``, the file is the one set-wide COCO
        file the references point into, if they do. Empty when there is no such file or
        it lists no categories.
    categories_source : str
        The COCO file whose ``categories`` were compared ("" when none).
    """

    results: Mapping[str, tuple[dict[str, Any], ...]]
    image_ids: Mapping[str, _Key]
    source: str
    images_source: str
    stem_clashes: tuple[int, ...] = ()
    unknown_categories: Mapping[int, int] = field(default_factory=dict)
    categories_source: str = ""

    @property
    def n_results(self) -> int:
        """How many results were placed (every result of the file)."""
        return sum(len(found) for found in self.results.values())

    @property
    def empty_cases(self) -> tuple[str, ...]:
        """The cases whose image has no result, in the manifest's order."""
        return tuple(case for case, found in self.results.items() if not found)


def read_coco_results(path: str | os.PathLike[str], *, image_ids: ImageIds = "coco"
                      ) -> tuple[dict[str, Any], ...]:
    """Read a COCO results file, every result checked.

    Parameters
    ----------
    path : path
        A JSON list of results, ``{"image_id", "category_id", "bbox" or "segmentation",
        "score"}`` each (other keys are kept).
    image_ids : {"coco", "stem"}, default "coco"
        ``"stem"``: an ``image_id`` may be a string (a file stem, as YOLO writes it).

    Returns
    -------
    tuple of dict
        The results in the file's order.

    Raises
    ------
    LoaderError
        The file is missing or not JSON, is not a list, or has results that cannot be
        used (every one named by its index and image id).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "results.json"
    >>> _ = file.write_text(json.dumps([
    ...     {"image_id": 7, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}]))
    >>> read_coco_results(file)[0]["bbox"]
    [1, 2, 3, 4]
    >>> _ = file.write_text('[{"image_id": 7, "bbox": [1, 2, 3, 4], "score": NaN}]')
    >>> read_coco_results(file)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: ...: results[0] (image_id 7): no 'category_id'; score nan ...
    """
    file = regular_file(path, what="COCO results file")
    data = load_json(file)
    if not isinstance(data, list):
        keys = f" with keys {sorted(data)[:6]}" if isinstance(data, dict) else ""
        hint = (" (a COCO dataset of images and annotations: that is the ground truth, "
                "not a detector's results)" if isinstance(data, dict) and "images" in data
                else "")
        raise LoaderError(f"{file}: a COCO results file is a JSON list of results "
                          f"[{{\"image_id\", \"category_id\", \"bbox\", \"score\"}}, ...]; "
                          f"it is a {type(data).__name__}{keys}{hint}")
    if image_ids not in ("coco", "stem"):
        raise LoaderError(f"image_ids must be 'coco' or 'stem', got {image_ids!r}")
    stems = image_ids == "stem"
    problems = [f"results[{index}]{_of(item)}: {'; '.join(found)}"
                for index, item in enumerate(data) if not _plainly_fine(item)
                and (found := _result_problems(item, stems=stems))]
    if problems:
        raise LoaderError(_listing(f"{file}: {len(problems)} result(s) cannot be used",
                                   problems))
    return tuple(data)


def split_coco_results(
    results: str | os.PathLike[str],
    cases: Sequence[Case],
    *,
    root: str | os.PathLike[str],
    images: str | os.PathLike[str] | None = None,
    image_ids: ImageIds = "coco",
    iou_type: Literal["bbox", "segm"] | None = None,
) -> CocoResultsSplit:
    """Place every result of a set-wide COCO results file on its case.

    Parameters
    ----------
    results : path
        The detector's results file (:func:`read_coco_results`).
    cases : sequence of Case
        The held-out set's cases (``Manifest.cases``).
    root : path
        The data root the cases' paths are relative to (``Manifest.root``).
    images : path, optional
        The COCO file the detector ran on (only its ``images`` are read). Without it,
        the one COCO file the cases' references point into.
    image_ids : {"coco", "stem"}, default "coco"
        What a result's ``image_id`` is: an id of those images, or (``"stem"``, YOLO's
        export) the case's frame's file stem; then ``images`` is not given.
    iou_type : {"bbox", "segm"}, optional
        The protocol's ``iou_type``: every result must then carry what it scores, a
        ``bbox`` or a ``segmentation`` (a result without it fails its case in the
        evaluation). None: either will do.

    Returns
    -------
    CocoResultsSplit

    Raises
    ------
    LoaderError
        A result that cannot be used; an image id no image has, or whose image is no
        case's; a case with no image or two, two cases with one image (every problem
        listed); no ``images`` and no set-wide reference file to take them from; with
        ``iou_type``, a result without the ``bbox`` or ``segmentation`` it needs.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from medeval.manifest import Case
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "set.json").write_text(json.dumps({
    ...     "images": [{"id": 7, "file_name": "a.png", "height": 9, "width": 9},
    ...                {"id": 8, "file_name": "b.png", "height": 9, "width": 9}],
    ...     "annotations": [], "categories": [{"id": 1, "name": "polyp"}]}))
    >>> _ = (root / "results.json").write_text(json.dumps([
    ...     {"image_id": 8, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}]))
    >>> cases = [Case("c1", "p1", ("a.png",), "set.json#a.png"),
    ...          Case("c2", "p1", ("b.png",), "set.json#b.png")]
    >>> split = split_coco_results(root / "results.json", cases, root=root)
    >>> split.image_ids, [len(split.results[c]) for c in ("c1", "c2")], split.empty_cases
    ({'c1': 7, 'c2': 8}, [0, 1], ('c1',))
    """
    found = read_coco_results(results, image_ids=image_ids)
    if iou_type is not None:
        _check_iou_type(found, iou_type, results)
    table: Mapping[_Key, str]
    categories_file: Path | None
    categories: frozenset[int] | None
    untold: dict[_Key, str] = {}
    table_file: Path | None = None
    if image_ids == "stem":
        if images is not None:
            raise LoaderError("image ids as file stems are told from the frames' names; a "
                              "COCO images file is not read with them (drop it)")
        source = "the frames' file stems"
        image_of, table, problems = _cases_stems(cases)
        keys = [_stem_key(item["image_id"]) for item in found]
        categories_file, categories = _reference_categories(cases, Path(root))
    else:
        table_file, coco, categories = _image_table(cases, Path(root), images)
        categories_file = table_file
        source, table = str(table_file), coco
        image_of, problems, untold = _cases_images(cases, Path(root), table_file, coco)
        keys = [item["image_id"] for item in found]
    case_of: dict[_Key, str] = {}
    frames = {case.case_id: case.inputs for case in cases}
    for case_id, image_id in image_of.items():
        if image_id in case_of and image_ids == "stem":
            other = case_of[image_id]
            problems.append(f"case {case_id}: its frame {frames[case_id][0]!r} has the file "
                            f"stem {image_id!r}, as case {other}'s frame "
                            f"{frames[other][0]!r} has: file stems as image ids cannot "
                            "tell the two apart; give the frames names unique in the set "
                            "before the detector runs, or have it write the image ids of "
                            "the set's COCO file")
        elif image_id in case_of:
            problems.append(f"case {case_id}: its image {image_id!r} ({table[image_id]!r}) "
                            f"is also case {case_of[image_id]}'s; give each case its own "
                            "image")
        else:
            case_of[image_id] = case_id
    problems += _unplaced(keys, table, case_of, source, untold)
    if problems:
        raise LoaderError(_listing(
            f"cannot place the results of {results} on the cases ({len(problems)} "
            "problem(s))", problems))
    placed: dict[str, list[dict[str, Any]]] = {case.case_id: [] for case in cases}
    own = _reference_ids(cases, Path(root), None if image_ids == "stem" else table_file)
    for item, key in zip(found, keys):
        case_id = case_of[key]
        misread = own is not None and item["image_id"] in own[1] \
            and item["image_id"] != own[0].get(case_id)
        placed[case_id].append(item if not misread else
                               {k: v for k, v in item.items() if k != "image_id"})
    clashes = () if image_ids == "stem" else _stem_clashes(cases, case_of, set(keys))
    unknown: dict[int, int] = {}
    if categories:
        for item in found:
            if item["category_id"] not in categories:
                unknown[item["category_id"]] = unknown.get(item["category_id"], 0) + 1
    return CocoResultsSplit({case: tuple(items) for case, items in placed.items()},
                            dict(image_of), str(results), source, clashes,
                            dict(sorted(unknown.items())),
                            str(categories_file) if categories else "")


def _check_iou_type(found: Sequence[dict[str, Any]], iou_type: str,
                    results: str | os.PathLike[str]) -> None:
    """Refuse results without what ``iou_type`` scores (its key), every one counted."""
    key = "bbox" if iou_type == "bbox" else "segmentation"
    lacking = [index for index, item in enumerate(found) if key not in item]
    if lacking:
        other = "segm" if iou_type == "bbox" else "bbox"
        shown = ", ".join(f"results[{i}]" for i in lacking[:5]) + (
            f" and {len(lacking) - 5} more" if len(lacking) > 5 else "")
        raise LoaderError(
            f"{results}: {len(lacking)} of {len(found)} result(s) have no {key!r} "
            f"({shown}), and the protocol's iou_type = \"{iou_type}\" scores the "
            f"{key}: the evaluation would fail their cases as invalid output; write "
            f"the detector's {'boxes' if key == 'bbox' else 'masks'} too, or evaluate "
            f"with iou_type = \"{other}\" if every result has its "
            f"{'segmentation' if other == 'segm' else 'bbox'}")


def _unplaced(keys: Sequence[_Key], table: Mapping[_Key, str],
              case_of: Mapping[_Key, str], source: str, untold: Mapping[_Key, str]
              ) -> list[str]:
    """An image id no image has, or whose image is no case's: one line per id
    (``untold``: images no case's frame could be placed on, with why)."""
    first: dict[_Key, int] = {}
    count: dict[_Key, int] = {}
    for index, image_id in enumerate(keys):
        if image_id not in case_of:
            first.setdefault(image_id, index)
            count[image_id] = count.get(image_id, 0) + 1
    lines = []
    folded = {key.casefold(): key for key in case_of if isinstance(key, str)}
    for image_id, index in first.items():
        where = f"image_id {image_id!r} (results[{index}], {count[image_id]} result(s))"
        if source == "the frames' file stems":
            other = _stem_in_other_case(image_id, folded, table, case_of)
            lines.append(f"{where}: no case's frame has this file stem" + (
                other if other else "; the detector ran on frames outside the held-out "
                "set, or renamed them"))
        elif image_id in untold:
            lines.append(f"{where}: its image {table[image_id]!r} {untold[image_id]}")
        elif image_id in table:
            lines.append(f"{where}: its image {table[image_id]!r} is no case's: the "
                         "detector ran on frames outside the held-out set; give the "
                         "manifest of every frame it ran on, or leave those results out")
        else:
            lines.append(f"{where}: no image of {source} has this id; give the COCO "
                         "file the detector ran on (--images)")
    return lines


# --- images and cases -------------------------------------------------------------------

def _image_table(cases: Sequence[Case], root: Path, images: str | os.PathLike[str] | None
                 ) -> tuple[Path, dict[_Key, str], frozenset[int] | None]:
    """The COCO file whose images the results' ids name, its id -> file_name, and its
    category ids (None when it lists none)."""
    if images is not None:
        file = regular_file(images, what="COCO images file")
    else:
        from .annotations_2d import split_reference

        files = sorted({split_reference(case.reference)[0] for case in cases
                        if "#" in case.reference})
        if len(files) != 1:
            which = (f"they point into {len(files)} files ({', '.join(files[:3])})" if files
                     else "no reference points into a set-wide COCO file (path#image)")
            raise LoaderError(f"which COCO file did the detector run on? {which}; give it "
                              "(--images COCO.json): its images' ids are the results' "
                              "image_id")
        file = regular_file(within_root(root, files[0]), what="annotation file")
    data = load_json(file)
    entries = data.get("images") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LoaderError(f"{file}: not a COCO file with an 'images' list (of {{\"id\", "
                          "\"file_name\", ...}), so it cannot say which image an image_id "
                          "is")
    table: dict[_Key, str] = {}
    problems = []
    for index, image in enumerate(entries):
        image_id: Any = image.get("id") if isinstance(image, dict) else None
        name: Any = image.get("file_name") if isinstance(image, dict) else None
        if not (_is_int(image_id) and isinstance(name, str) and name):
            problems.append(f"images[{index}]: needs an integer 'id' and a 'file_name' "
                            f"({image!r:.80})")
        elif image_id in table:
            problems.append(f"images[{index}]: duplicate image id {image_id}")
        else:
            table[image_id] = name
    if problems:
        raise LoaderError(_listing(f"{file}: {len(problems)} problem(s) in its images",
                                   problems))
    listed = data.get("categories")
    categories = frozenset(c["id"] for c in listed if isinstance(c, dict)
                           and _is_int(c.get("id"))) if isinstance(listed, list) else None
    return file, table, categories


def _reference_categories(cases: Sequence[Case], root: Path
                          ) -> tuple[Path | None, frozenset[int] | None]:
    """The one set-wide COCO file the references point into (YOLO's stems name no COCO
    file) and its category ids; None when there is none, or it cannot be read (the
    evaluation says why)."""
    try:
        file, _, categories = _image_table(cases, root, None)
    except LoaderError:
        return None, None
    return file, categories


def _cases_images(cases: Sequence[Case], root: Path, table_file: Path,
                  table: Mapping[_Key, str]
                  ) -> tuple[dict[str, _Key], list[str], dict[_Key, str]]:
    """Each case's image id; every case that has none, or two; and the images no case
    was placed on because of such a problem, with why (for the results' lines)."""
    from .annotations_2d import _parsed, split_reference

    by_path: dict[str, list[_Key]] = {}
    by_base: dict[str, list[_Key]] = {}
    for image_id, name in table.items():
        key = _key(name)
        by_path.setdefault(key, []).append(image_id)
        by_base.setdefault(key.rsplit("/", 1)[-1], []).append(image_id)
    image_of: dict[str, _Key] = {}
    problems: list[str] = []
    untold: dict[_Key, str] = {}
    letter_case: _LetterCase | None = None
    is_table: dict[str, bool] = {}  # a reference's path -> whether it is the images' file
    parsed: Any = None  # that file as the evaluation reads it, parsed once
    for case in cases:
        path, selector = split_reference(case.reference) if "#" in case.reference \
            else (case.reference, None)
        if selector is not None and path not in is_table:
            is_table[path] = _same_file(root, path, table_file)
        if selector is not None and is_table[path]:
            try:
                if parsed is None:  # its images selected as the evaluation selects them
                    parsed = _parsed(table_file, None, 0.0)
                if isinstance(parsed, LoaderError):
                    raise parsed
                selected = parsed.images[parsed.index(selector)].image_id
            except LoaderError as exc:
                parsed = exc if parsed is None else parsed  # a broken file: said per case
                problems.append(f"case {case.case_id}: {exc}")
                continue
            if selected is not None:
                image_of[case.case_id] = selected
                continue
        matched: dict[_Key, str] = {}
        ambiguous = False
        for name in case.inputs:
            key = _key(name)
            same = by_path.get(key) or _nearest(key, by_base.get(key.rsplit("/", 1)[-1], []),
                                                table)
            if len(same) > 1:
                problems.append(_untold(case, name, same, table, table_file,
                                        _other_reference_file(cases, root, table_file)))
                untold.update(dict.fromkeys(
                    same, "is one of those above that file names cannot tell apart; "
                    "placed once they are"))
                ambiguous = True
            elif same:
                matched.setdefault(same[0], name)
        if len(matched) > 1:
            listed = ", ".join(f"{name!r} is image {i} ({table[i]!r})"
                               for i, name in matched.items())
            problems.append(f"case {case.case_id} has {len(matched)} images of "
                            f"{table_file}: {listed}; a coco-detection case is one image")
        elif matched:
            image_of[case.case_id] = next(iter(matched))
        elif not ambiguous:
            letter_case = letter_case or _LetterCase(table)
            frames = ", ".join(map(repr, case.inputs)) or "none"
            problems.append(f"case {case.case_id}: no image of {table_file} has the file "
                            f"name of its frame(s) ({frames}), so its results cannot be "
                            "told; check the manifest's input against the images' "
                            f"file_name{letter_case.hint(case, untold)}")
    return image_of, problems, untold


def _reference_ids(cases: Sequence[Case], root: Path, table_file: Path | None
                   ) -> tuple[dict[str, int], frozenset[int]] | None:
    """When the results' ids are of another numbering (the frames' stems: ``table_file``
    None, or another images file) than the set-wide COCO file the references select the
    images in: each case's image id in that file, and all its ids. A result's id of that
    file that is not its case's image would be taken by the evaluation for another
    case's image (and refused): it is left out of the case's file. None when the ids are
    that file's own, or there is no such file."""
    if table_file is not None and _other_reference_file(cases, root, table_file) is None:
        return None
    try:
        _, ids, _ = _image_table(cases, root, None)
    except LoaderError:
        return None
    by_name = {_key(name): i for i, name in ids.items()}
    own: dict[str, int] = {}
    for case in cases:
        selector = case.reference.partition("#")[2]
        found = by_name.get(_key(selector))
        if found is None and selector.isdigit() and int(selector) in ids:
            found = int(selector)
        if isinstance(found, int):
            own[case.case_id] = found
    return own, frozenset(i for i in ids if isinstance(i, int))


def _other_reference_file(cases: Sequence[Case], root: Path, table_file: Path) -> str | None:
    """The one set-wide COCO file the cases' references select their images in, when
    it is not ``table_file`` (the images file given); None otherwise."""
    files = {case.reference.partition("#")[0] for case in cases if "#" in case.reference}
    if len(files) != 1:
        return None
    (path,) = files
    return None if _same_file(root, path, table_file) else path


def _same_file(root: Path, path: str, file: Path) -> bool:
    try:
        return within_root(root, path).resolve() == file.resolve()
    except (LoaderError, OSError):
        return False


def _listing(head: str, problems: Sequence[str]) -> str:
    more = (f"\n  ... and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else "")
    return f"{head}:\n  " + "\n  ".join(problems[:_SHOWN]) + more

"""How a frame of the set is matched to an image of a detector's COCO results: by the
image's ``file_name`` against the frame's path (:func:`_key`), or by the frame's file stem
(YOLO's ``image_id``), and what to say where none or several match (letter case,
per-patient numbering). Nothing is matched by these hints: they only name the cause.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..manifest import Case

#: An image's key: its COCO id, or its stem (a number when all digits).
_Key = int | str


class _LetterCase:
    """The images by their file_name, and by its last part, letter case aside (NFC,
    casefolded): built on the first frame that matches no image, once."""

    def __init__(self, table: Mapping[_Key, str]) -> None:
        self.paths: dict[str, list[_Key]] = {}
        self.bases: dict[str, list[_Key]] = {}
        for image_id, name in table.items():
            folded = _key(name).casefold()
            self.paths.setdefault(folded, []).append(image_id)
            self.bases.setdefault(folded.rsplit("/", 1)[-1], []).append(image_id)
        self.table = table

    def hint(self, case: Case, untold: dict[_Key, str]) -> str:
        """The images whose file_name differs from a frame's path (else its file name)
        only in letter case (``FRAMES/D-01.JPG`` for ``frames/D-01.jpg``: one file to
        Windows and macOS, two names here), each noted in ``untold``; empty when none
        does. Names are compared as written, letter case too: nothing is placed by this."""
        told = "names are compared as written, letter case too; write them alike"
        for frame in case.inputs:
            folded = _key(frame).casefold()
            same = self.paths.get(folded) or self.bases.get(folded.rsplit("/", 1)[-1])
            if not same:
                continue
            for image_id in same:
                untold.setdefault(image_id, f"is no case's: its file_name differs from case "
                                  f"{case.case_id}'s frame {frame!r} in letter case (above)")
            if folded in self.paths:
                return (f" (image {same[0]} {self.table[same[0]]!r} differs from it only "
                        f"in letter case: {told})")
            shown = ", ".join(f"image {i} {self.table[i]!r}" for i in same[:3])
            return f" (the same file name in other letter case: {shown}; {told})"
        return ""


def _untold(case: Case, frame: str, same: Sequence[_Key], table: Mapping[_Key, str],
            table_file: Path, references: str | None) -> str:
    """A case whose frame has the file name of several images: what tells them apart.

    Images of one and the same ``file_name`` (frames numbered per patient folder, the
    folder left out of the file): no way of writing the input tells them apart; their
    ids do, through the file the references select them in, or through file names
    written whole in the images file."""
    head = f"case {case.case_id}: its frame {frame!r} has the file name of {len(same)} images"
    names = {_key(table[i]) for i in same}
    if len(names) > 1:
        listed = ", ".join(repr(table[i]) for i in same[:3])
        return (f"{head} of {table_file} ({listed}); write the input as one of these "
                "file_names, whole, to tell them apart")
    ids = ", ".join(str(i) for i in same[:5]) + (
        f" and {len(same) - 5} more" if len(same) > 5 else "")
    leave = (f"if the results' image_id are the ids of {references}, the file the "
             "references select the cases' images in, leave out --images; else "
             if references else "")
    return (f"{head} of {table_file}, all with file_name {table[same[0]]!r} (ids {ids}): "
            f"file names cannot tell them apart; {leave}write each image's file_name in "
            f"{table_file} as its frame's path in the manifest ({frame!r} for this case's "
            "image), keeping its id")


def _nearest(key: str, candidates: list[_Key], table: Mapping[_Key, str]) -> list[_Key]:
    """Of the images whose file name is the frame's, those sharing the most trailing
    folders with the frame's path (``pat1/0000.jpg`` for ``frames/pat1/0000.jpg`` rather
    than ``pat2/0000.jpg``): frames numbered per patient share their file names."""
    if len(candidates) < 2:
        return candidates
    parts = key.split("/")

    def shared(image_id: _Key) -> int:
        other = _key(table[image_id]).split("/")
        depth = 0
        while (depth < min(len(parts), len(other))
               and parts[-1 - depth] == other[-1 - depth]):
            depth += 1
        return depth

    depths = {image_id: shared(image_id) for image_id in candidates}
    best = max(depths.values())
    return [image_id for image_id in candidates if depths[image_id] == best]


def _stem_in_other_case(stem: _Key, folded: Mapping[str, _Key], frames: Mapping[_Key, str],
                        case_of: Mapping[_Key, str]) -> str:
    """A hint: the case whose frame's stem differs from ``stem`` only in letter case
    (``d-01`` for ``D-01.jpg``: the detector read the frames under names Windows and
    macOS take for theirs; ``folded``: the cases' stems casefolded); empty when none
    does. Nothing is placed by it."""
    key = folded.get(stem.casefold()) if isinstance(stem, str) else None
    if key is None or key not in case_of:
        return ""
    return (f" (case {case_of[key]}'s frame {frames[key]!r} has the stem {key!r}, which "
            "differs from it only in letter case: stems are compared as written, letter "
            "case too; have the detector read the frames as the manifest names them)")


def _cases_stems(cases: Sequence[Case]
                 ) -> tuple[dict[str, _Key], dict[_Key, str], list[str]]:
    """Each case's image as its frame's file stem; the frames by stem; the problems."""
    image_of: dict[str, _Key] = {}
    names: dict[_Key, str] = {}
    problems: list[str] = []
    for case in cases:
        stems = {_stem_key(_key(name).rsplit("/", 1)[-1].rsplit(".", 1)[0]): name
                 for name in case.inputs}
        if len(stems) == 1:
            ((stem, name),) = stems.items()
            image_of[case.case_id] = stem
            names.setdefault(stem, name)
        elif stems:
            listed = ", ".join(f"{name!r} (stem {stem!r})" for stem, name in stems.items())
            problems.append(f"case {case.case_id} has {len(stems)} frames: {listed}; a "
                            "coco-detection case is one image")
        else:
            problems.append(f"case {case.case_id}: no input frame, so no file stem")
    return image_of, names, problems


def _stem_key(value: int | str) -> _Key:
    """A stem as YOLO writes it for an image id: a number when it is all (ASCII)
    digits, else the stem in NFC."""
    if isinstance(value, int):
        return value
    if value.isascii() and value.isdigit():
        return int(value)
    return unicodedata.normalize("NFC", value)


def _stem_clashes(cases: Sequence[Case], case_of: Mapping[_Key, str], used: set[_Key]
                  ) -> tuple[int, ...]:
    """Image ids of the results placed on one case that are the numeric file stem of
    another case's frame. A stem several cases' frames share (frames numbered per
    patient) names no image, and is not counted."""
    by_stem: dict[int, set[str]] = {}
    for case in cases:
        for name in case.inputs:
            stem = _stem_key(_key(name).rsplit("/", 1)[-1].rsplit(".", 1)[0])
            if isinstance(stem, int):
                by_stem.setdefault(stem, set()).add(case.case_id)
    return tuple(sorted(image_id for image_id, case_id in case_of.items()
                        if isinstance(image_id, int) and image_id in used
                        and len(owners := by_stem.get(image_id, {case_id})) == 1
                        and case_id not in owners))


def _key(name: str) -> str:
    """A file name as names are compared: NFC, '/' for '\\', no leading './'."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    while name.startswith("./"):
        name = name[2:]
    return name

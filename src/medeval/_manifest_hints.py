"""The explanations a manifest check gives once, however many files they fit: a set of
100,000 files named in another letter case is 100,000 problem lines, each naming its
file and ending ``(see 'other letter case' below)``, and one paragraph saying why and
what to do, with how many problems it explains and the first of them.

Private to :mod:`medeval.manifest` and ``medeval manifest check``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["EXPLANATIONS", "explanations", "problems_message", "see"]

#: Each explanation by the name the problem lines point to it by.
EXPLANATIONS = {
    "other letter case": (
        "Windows and macOS take two names differing only in letter case for one name, "
        "Linux for two: write the name in the manifest as it is on disk, or rename the "
        "file"),
    "names in NFD": (
        "the folder holds the name in NFD, decomposed Unicode (it prints the same; macOS "
        "writes Hangul in NFD, Windows in NFC): rename it (every name under a folder at "
        "once: convmv -r --nfc -f utf8 -t utf8 --notest FOLDER), or write the name in the "
        "manifest as it is on disk"),
    "names in NFC": (
        "the folder holds the name in NFC, composed Unicode, and the manifest writes it "
        "otherwise (it prints the same; macOS writes Hangul in NFD, Windows in NFC): write "
        "the name in the manifest as it is on disk (a manifest made on macOS from its file "
        "names holds them in NFD)"),
    "backslashes": (
        "'\\' separates folders in a path Windows writes; on Linux it is a character of "
        "the name, so the path is not read as folders: write the paths with '/'"),
    "unlisted signal file": (
        "the algorithm is given only the files the case's input columns list and could "
        "not read the record: add a column input_signal (any input_* name will do) "
        "holding each such signal file's path"),
    "missing folder": (
        "a folder these paths name is not where they say: misspelt in the manifest (the "
        "folder named beside it is the one most alike), or not copied with the set: "
        "correct the paths, or copy the folder"),
    "absolute path": (
        "write paths relative to the data root, the manifest CSV's folder"),
    "outside the data root": (
        "the check reads only files under the data root, the manifest CSV's folder: copy "
        "the files under the root, or put the manifest in a folder holding them all"),
    "empty reference": (
        "every case needs its reference in its cell, since an empty cell cannot be told "
        "from one left out: write it; a multi-label case (multilabel-classification) "
        "carrying none of the labels is written as the protocol's no_label word (no_label "
        "= \"none\" in [task], and none in the cell)"),
    "empty patient_id": (
        "every case needs its patient's id, since the intervals resample patients and "
        "an empty cell cannot be told from one left out: write it, the same for every "
        "frame (image, record) of one patient; a case whose patient is truly unknown gets "
        "an id of its own, and counts as a patient alone"),
    "binary labels": (
        "a binary-classification protocol's two labels are [task] positive_label and "
        "negative_label, 1 and 0 where the protocol does not write them: write the "
        "manifest's own words there, as the manifest writes them, letter case included "
        "(say positive_label = \"malignant\", negative_label = \"benign\"), or write the "
        "references as the protocol's labels (1 and 0 where it writes none)"),
    "JSON annotation as a mask": (
        "the segmentation task reads masks as images (PNG, BMP, TIFF; JPEG with "
        "jpeg_threshold) or volumes, so rasterise each case's polygons into a mask image "
        "of its frame's size (medeval.loaders.read_case_annotations(path, "
        "root=data_root).masks().any(axis=0), 0/1) and name that file as the reference"),
}

#: How many of the problems an explanation fits are named beside it.
SHOWN = 5

# what a problem line is about: 'case c1: input 'a.png'' (a path is written with repr)
_SUBJECT = re.compile(r"(cases? .+?: (?:input|reference|references into) "
                      r"(?:'[^']*'|\"[^\"]*\"))")


def see(name: str) -> str:
    """The words a problem line ends with to point to explanation ``name``."""
    if name not in EXPLANATIONS:
        raise KeyError(name)
    return f" (see {name!r} below)"


def problems_message(head: str, problems: Sequence[str], *, most: int | None = None) -> str:
    """``head``, the count, every problem on its line (the first ``most`` where given,
    then how many more), then each explanation a problem points to, once: with how many
    problems it explains and the first :data:`SHOWN`."""
    shown = problems if most is None else problems[:most]
    lines = [f"{head}: {len(problems)} problem(s):", *(f"  {p}" for p in shown)]
    if len(shown) < len(problems):
        lines.append(f"  ... and {len(problems) - len(shown)} more")
    return "\n".join([*lines, *explanations(problems)])


def explanations(problems: Sequence[str]) -> list[str]:
    """Each explanation the problems point to, once, with how many problems it explains
    and the first :data:`SHOWN` of them."""
    lines = []
    for name, text in EXPLANATIONS.items():
        marker = see(name)
        fitting = [p for p in problems if marker in p]
        if not fitting:
            continue
        subjects = []
        for problem in fitting[:SHOWN]:
            found = _SUBJECT.match(problem)
            subjects.append(found.group(1) if found else problem.partition(marker)[0])
        more = f"; and {len(fitting) - SHOWN} more" if len(fitting) > SHOWN else ""
        lines.append(f"{name!r}, {len(fitting)} of the problems above ("
                     + "; ".join(subjects) + f"{more}): {text}")
    return lines

"""The held-out set's ids and names checked across its cases — a wholly blank row, an
empty or unfit case id, an id written as Excel's text formula, a duplicate case id (in
either Unicode form), a patient in two splits, one file named twice — and the forms by
which ids are compared (NFC, letter case, leading zeros).

A leaf module, private: :class:`medeval.manifest.Manifest` checks its cases with it and
re-exports :func:`nfc_id`, :func:`letter_case_twins` and :func:`leading_zero_twins`.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

from ._manifest_hints import see


class _Row(Protocol):
    """What the checks read of a :class:`medeval.manifest.Case` (named so, not imported:
    the manifest imports this module)."""

    @property
    def case_id(self) -> str: ...
    @property
    def patient_id(self) -> str: ...
    @property
    def inputs(self) -> tuple[str, ...]: ...
    @property
    def reference(self) -> str: ...
    @property
    def metadata(self) -> Mapping[str, str]: ...
    @property
    def line(self) -> int: ...

_SPLIT_COLUMNS = ("split", "fold", "partition")
#: Characters a case id cannot hold: it names the case's prediction file.
_UNFIT_ID = re.compile(r"[/\\\x00-\x1f\x7f]")
#: An id written as Excel's text formula (="00123": exporters write it to keep the zeros).
_TEXT_FORMULA = re.compile(r'="(.*)"')


def identity_problems(cases: Sequence[_Row]) -> list[str]:
    """The problems of the cases' ids and names across the set: a wholly blank row, an
    empty or unfit case id, an id written as Excel's text formula, an empty patient id,
    input or reference, a duplicate case id (in either Unicode form), a patient in two
    splits, one file named by two input columns of a case or by two cases."""
    problems = []
    lines: dict[str, list[int]] = defaultdict(list)  # by the id's NFC form
    written: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        if not (case.case_id or case.patient_id or case.inputs or case.reference
                or any(str(v).strip() for v in case.metadata.values())):
            problems.append(f"line {case.line}: every field is blank (a row Excel "
                            "writes where cells were cleared, not deleted: delete the row)")
            continue
        if not case.case_id:
            problems.append(f"line {case.line}: empty case_id")
        else:
            key = nfc_id(case.case_id)
            lines[key].append(case.line)
            written[key].add(case.case_id)
            if _UNFIT_ID.search(case.case_id) or case.case_id in (".", ".."):
                problems.append(
                    f"line {case.line}: case_id {case.case_id!r} cannot name a file (the "
                    "prediction <case_id>.json ...): no '/', '\\' or control characters, not "
                    "'.' or '..'")
        for name, value in (("case_id", case.case_id), ("patient_id", case.patient_id)):
            if formula := _TEXT_FORMULA.fullmatch(value):
                problems.append(
                    f"line {case.line}: {name} {value!r} is Excel's text formula (an "
                    "export's way to keep leading zeros), not an id: write the id "
                    f"itself, {formula.group(1)!r}")
        if not case.patient_id:
            problems.append(f"case {case.case_id or '?'}: empty patient_id"
                            + see("empty patient_id"))
        if not case.inputs:
            problems.append(f"case {case.case_id or '?'}: no input path")
        if not case.reference:
            problems.append(f"case {case.case_id or '?'}: empty reference"
                            + see("empty reference"))
    for case_id, where in lines.items():
        if len(where) > 1:
            forms = ("" if len(written[case_id]) == 1 else
                     " (written in two Unicode forms, NFC and NFD, which print the same and "
                     "name one prediction file)")
            problems.append(
                f"case {case_id}: duplicate case_id on lines {', '.join(map(str, where))}"
                f"{forms}")
    column = next((c for c in _SPLIT_COLUMNS
                   if cases and c in cases[0].metadata), None)
    if column:
        splits: dict[str, set[str]] = defaultdict(set)
        ids: dict[str, list[str]] = defaultdict(list)
        # a patient id, or a split, in NFC and NFD is one patient, one split
        for case in cases:
            splits[nfc_id(case.patient_id)].add(nfc_id(case.metadata.get(column, "")))
            ids[nfc_id(case.patient_id)].append(case.case_id)
        for patient, found in sorted(splits.items()):
            if len(found) > 1 and patient:
                problems.append(
                    f"case(s) {', '.join(ids[patient])}: patient {patient} is in more than "
                    f"one {column} ({', '.join(sorted(found))}); a patient belongs to one"
                )
    # one pass: 37,500 frames; a path compared as it names a file ('v/a.dcm',
    # './v/a.dcm' and 'v//a.dcm' are one), shown as first written
    owners: dict[str, list[str]] = defaultdict(list)
    written_as: dict[str, str] = {}
    for case in cases:
        if len(case.inputs) == 1:  # a frame, a recording: one path, no pair to compare
            key = _file_key(value := case.inputs[0])
            written_as.setdefault(key, value)
            owners[key].append(case.case_id)
            continue
        named: dict[str, list[str]] = {}  # the file -> as the case writes it
        for value in case.inputs:
            named.setdefault(_file_key(value), []).append(value)
        for key, values in named.items():
            written_as.setdefault(key, values[0])
            owners[key].append(case.case_id)
            if len(values) > 1:
                spellings = list(dict.fromkeys(values))
                also = "" if len(spellings) == 1 else \
                    f" (also written {', '.join(map(repr, spellings[1:]))})"
                problems.append(
                    f"case {case.case_id}: input {values[0]!r}{also} is named by "
                    f"{len(values)} of its input columns; each names a file of its own "
                    "(an exam's four views are four files)")
    for key, sharing in sorted(owners.items()):
        if len(sharing) > 1:
            shown = ", ".join(sharing[:10]) + (", ..." if len(sharing) > 10 else "")
            problems.append(f"case(s) {shown}: input {written_as[key]!r} is shared by "
                            f"{len(sharing)} cases")
    return problems


def _file_key(path: str) -> str:
    """``path`` as it names a file ('./a//b.dcm' is 'a/b.dcm'); normalised only where it
    could change (100,000 records' paths are compared in one check)."""
    if "//" in path or "./" in path or path.endswith(("/", "/.", "/..")) or path in (".", ".."):
        return posixpath.normpath(path)
    return path


def nfc_id(text: str) -> str:
    """An id's (or a file name's) NFC form, by which ids that print the same are one:
    written on Windows (NFC) or macOS (NFD). ASCII as it is, at no cost."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def letter_case_twins(ids: Iterable[str]) -> str:
    """The ids that differ only in letter case, each one's spellings joined by ``and``
    (``'P1' and 'p1'; ...``: five, then ``... and N more``); empty where none do. Ids
    compared in NFC (:func:`nfc_id`: one id in both Unicode forms is one id)."""
    return _twins(ids, str.casefold)


def leading_zero_twins(ids: Iterable[str]) -> str:
    """The ids of digits that differ only in leading zeros (``'00123' and '123'``: one
    sheet kept the id as text, another let Excel read it as a number), shown as
    :func:`letter_case_twins` shows its ids; empty where none do."""
    return _twins(ids, lambda i: (i.lstrip("0") or "0") if i.isdigit() else i)


def _twins(ids: Iterable[str], key: Callable[[str], str]) -> str:
    spellings: dict[str, set[str]] = {}
    for value in ids:
        spellings.setdefault(key(nfc_id(value)), set()).add(nfc_id(value))
    alike = sorted(" and ".join(map(repr, sorted(v))) for v in spellings.values() if len(v) > 1)
    return "; ".join(alike[:5]) + (f"; ... and {len(alike) - 5} more" if len(alike) > 5 else "")

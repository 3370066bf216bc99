"""The held-out set as a table of cases: reading, validating everything at once, hashing.

A manifest is a CSV with one row per case::

    case_id,patient_id,input,reference,site,vendor,sex,age_band
    c001,p01,ct/c001,seg/c001.dcm,A,GE,F,60-69

``input`` (or several ``input_*`` columns) and ``reference`` are paths relative to the
data root (the CSV's directory unless given), or for a classification task the reference
is a label. Every other column is metadata for subgroups.

For 2-D annotation files (reference kind ``"annotations-2d"``: COCO or LabelMe JSON, read
by :mod:`medeval.loaders.annotations_2d`) a reference is ``path`` or ``path#selector``,
the selector naming the case's image in a COCO file for the whole set (its ``file_name``
or id). The file is the path before ``#``: it is checked and hashed once, however many
cases point into it, and every case's image is looked up in it
(:func:`~medeval.loaders.annotation_problems`, all cases at once). The runner gives the algorithm
the files the input columns list and nothing else, so a record made of several files
lists each of them: a WFDB record its header and its signal file, e.g.
``input_header,input_signal`` = ``records/100.hea,records/100.dat``.

:meth:`Manifest.validate` collects every problem (duplicate ids, missing or unreadable
files, paths leaving the root, references of the wrong kind, a patient in two splits, a
WFDB header whose signal file no input column lists)
and raises one :class:`~medeval.errors.ManifestError` listing them all with their case
ids. :meth:`Manifest.fingerprint` is a SHA-256 over the manifest's canonical JSON and the
SHA-256 of every file it names, hashed in parallel with progress on stderr and cached by
file identity so that a second run reads nothing.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import posixpath
import stat
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._csv_width import archive as archive_of
from ._csv_width import data_lines, read_csv_rows
from ._hashing import hash_files
from ._manifest_files import (
    READERS,
    annotation_file_hint,
    backslash_hint,
    first_non_utf8,
    kind_matches,
    missing_folder_hint,
    not_text,
    other_unicode_form,
    record_name_hint,
    unreadable_frame,
    wfdb_files,
)
from ._manifest_hints import problems_message, see
from ._manifest_ids import identity_problems
from ._manifest_ids import leading_zero_twins as leading_zero_twins  # re-exported
from ._manifest_ids import letter_case_twins as letter_case_twins  # re-exported
from ._manifest_ids import nfc_id as nfc_id  # re-exported
from ._progress_bar import bar
from ._read_ahead import in_cache, read_ahead
from ._reference_kinds import ReferenceKind as ReferenceKind  # re-exported
from .errors import LoaderError, ManifestError
from .loaders._files import forget_resolved_folders, located_within_root, sniff, within_root

__all__ = ["Case", "Manifest", "ReferenceKind"]

_KINDS: tuple[str, ...] = ("file", "label", "image", "segmentation", "record", "annotations",
                           "annotations-2d")
#: How far outside its image an object may lie when the manifest checks 2-D annotation
#: files: any distance. The manifest checks their structure and each case's image; where
#: objects may lie is the protocol's ``tolerance_px``, which the task checks.
_ANY_TOLERANCE_PX = 1e12
#: How many cases ahead of the one checked the kernel is asked to read the files the
#: check reads, asked for that many at a time; and how much of a reference it reads.
_AHEAD_CASES = 16
_SNIFF_BYTES = 512


@dataclass(frozen=True)
class Case:
    """One case of a held-out set.

    Attributes
    ----------
    case_id, patient_id : str
    inputs : tuple of str
        Input paths as written in the manifest (relative to the data root).
    reference : str
        Reference path (relative to the data root) or label.
    metadata : Mapping of str to str
        The other columns: site, vendor, device, sex, age band, lesion size...
    line : int
        Line of the CSV the case came from (the header is line 1), for messages.
    inputs_skipped : tuple of str
        The input columns left blank in the case's row before one that is not: a blank
        cell is left out of ``inputs``, so the paths after it stand a place earlier than
        their column (``manifest check`` warns of them). Not part of the manifest's
        content or fingerprint.
    """

    case_id: str
    patient_id: str
    inputs: tuple[str, ...]
    reference: str
    metadata: Mapping[str, str] = field(default_factory=dict)
    line: int = 0
    inputs_skipped: tuple[str, ...] = field(default=(), compare=False)


class Manifest:
    """The cases of a held-out set, their data root and the kind of their references.

    Parameters
    ----------
    cases : sequence of Case
    root : path
        The directory every path is relative to; no path may leave it.
    reference_kind : {"file", "label", "image", "segmentation", "record", "annotations", \
"annotations-2d"}
        What a reference must be: a label, or a file of that kind ("file": any file;
        "annotations-2d": a COCO or LabelMe file, ``path`` or ``path#selector``).
    source : str, optional
        Where the manifest was read from, for messages.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "x1.txt").write_text("scan 1")
    >>> m = Manifest([Case("c1", "p1", ("x1.txt",), "1")], root=root, reference_kind="label")
    >>> m.validate()
    >>> len(m.fingerprint(progress=False, cache=False))
    64
    """

    def __init__(
        self,
        cases: Sequence[Case],
        *,
        root: str | os.PathLike[str],
        reference_kind: ReferenceKind = "file",
        source: str | None = None,
    ) -> None:
        if reference_kind not in _KINDS:
            raise ManifestError(
                f"Manifest: reference_kind must be one of {', '.join(map(repr, _KINDS))}, "
                f"got {reference_kind!r}"
            )
        self.cases: tuple[Case, ...] = tuple(cases)
        self.root = Path(root)
        self.reference_kind: ReferenceKind = reference_kind
        self.source = source or "<in memory>"

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        root: str | os.PathLike[str] | None = None,
        reference_kind: ReferenceKind = "file",
    ) -> Manifest:
        """Read a manifest CSV: ``case_id``, ``patient_id``, ``input`` or ``input_*``,
        ``reference``, and metadata columns.

        Every cell is read as text (``007`` stays ``007``). Rows are kept as they are,
        duplicates included, so that :meth:`validate` can report every problem at once.

        Raises
        ------
        ManifestError
            The file is missing or not a CSV; required columns are missing (all named).
        """
        import pandas as pd

        file = Path(path)
        if file.is_dir():
            raise ManifestError(f"manifest {file}: is a folder; give the manifest's CSV file "
                                "(e.g. manifest.csv in it)")
        if not file.is_file():
            raise ManifestError(f"manifest {file}: no such file")
        if file.suffix.lower() == ".toml":  # read as CSV, its first line would be a header
            raise ManifestError(
                f"manifest {file}: a TOML file (a protocol?), not a manifest CSV; give the "
                "CSV file its [dataset] manifest names (from the command line, with the "
                f"protocol: medeval manifest check --protocol {file} MANIFEST.csv)")
        archive = not_text(file) if file.suffix.lower() in (".zip", ".xlsx", ".xlsm") else None
        if archive is None and archive_of(file) == "a TAR archive":  # as pandas reads a ZIP
            archive = "a TAR archive, not CSV text: extract it and give the manifest CSV inside"
        if archive:  # pandas reads a ZIP of one file as that file, and of more refuses it
            raise ManifestError(f"manifest {file}: is {archive}" + (  # "Multiple files found"
                "" if "extract it" in archive else "; save it as 'CSV UTF-8'"))
        try:
            frame = read_csv_rows(file, dtype=str, keep_default_na=False)
        except UnicodeDecodeError as exc:
            kind = not_text(file)
            if kind is not None:
                raise ManifestError(f"manifest {file}: is {kind}; save it as 'CSV UTF-8'"
                                    ) from exc
            raise ManifestError(
                f"manifest {file}: not UTF-8 text ({first_non_utf8(file)}); Excel's plain "
                "'CSV' on Korean Windows writes CP949 (EUC-KR): save it as 'CSV UTF-8' (a "
                "byte order mark is fine)") from exc
        except pd.errors.EmptyDataError:  # pandas: "No columns to parse from file"
            raise ManifestError(f"manifest {file}: is empty (no header line, only blank lines "
                                "or none): a manifest's first line is its header, "
                                "case_id,patient_id,input,reference,...") from None
        except (ValueError, OSError, pd.errors.ParserError) as exc:
            # Excel's ';' export in a decimal-comma locale: '52,2' splits the rows, and
            # the header is one field; say what the file is, not "quote the comma"
            separated = _separated_by(_header(file))
            raise ManifestError(f"manifest {file}: cannot be read as CSV: " + (
                f"its fields are separated by {separated} (Excel's export where the decimal "
                "mark is a comma?): a manifest is a CSV with commas between fields and "
                "'.' as decimal mark ('CSV UTF-8 (comma delimited)')" if separated
                else str(exc))) from exc
        columns = [str(c) for c in frame.columns]
        inputs = [c for c in columns if c == "input" or c.startswith("input_")]
        missing = [c for c in ("case_id", "patient_id", "reference") if c not in columns]
        if not inputs:
            missing.append("input (or input_*)")
        if missing:
            separated = _separated_by(columns)
            # ' patient_id' (a space after each comma), 'Case_ID': named, to be renamed
            near = [f"{c!r} for {c.strip().casefold()!r}" for c in columns
                    if c != c.strip().casefold() and (c.strip().casefold() in missing or (
                        c.strip().casefold().startswith("input") and
                        "input (or input_*)" in missing))]
            raise ManifestError(
                f"manifest {file}: missing column(s) {', '.join(missing)}; it has "
                f"{', '.join(columns)}" + (
                    f" (its fields are separated by {separated}: a manifest is a CSV with "
                    "commas)" if separated else "") + (
                    f" (written otherwise: {', '.join(near)}; column names are read exactly, "
                    "in lower case without spaces: rename them)" if near else "")
            )
        other = [c for c in columns if c not in ("case_id", "patient_id", "reference", *inputs)]
        cases = [
            Case(
                case_id=row["case_id"].strip(),
                patient_id=row["patient_id"].strip(),
                inputs=tuple(row[c].strip() for c in inputs if row[c].strip()),
                reference=row["reference"].strip(),
                metadata={c: row[c] for c in other},
                line=line,  # the file's line: blank lines, which pandas skips, counted
                inputs_skipped=_skipped(row, inputs),
            )
            for row, line in zip(_records(frame, columns), data_lines(file, len(frame)))
        ]
        if again := [str(case.line) for case in cases if case.case_id.lstrip("\ufeff") ==
                     "case_id" and case.patient_id.lstrip("\ufeff") == "patient_id"]:
            # two exports joined into one file: its header would be a case 'case_id' whose
            # input 'input' is no file and whose reference 'reference' no label (the
            # second export's byte-order mark before it, Excel's 'CSV UTF-8')
            raise ManifestError(f"manifest {file}: line(s) {', '.join(again)} repeat the "
                                "header (two manifests joined into one file?): delete them")
        return cls(cases, root=root if root is not None else file.parent,
                   reference_kind=reference_kind, source=str(file))

    def __len__(self) -> int:
        return len(self.cases)

    def __repr__(self) -> str:
        return (f"Manifest({len(self.cases)} cases, root={str(self.root)!r}, "
                f"reference_kind={self.reference_kind!r}, source={self.source!r})")

    def path(self, relative: str) -> Path:
        """The absolute path of a manifest path; raises if it leaves the data root."""
        try:
            return within_root(self.root, relative)
        except LoaderError as exc:
            raise ManifestError(f"manifest {self.source}: {exc}") from None

    def validate(self, *, read_files: bool = False, progress: bool = False,
                 then: Callable[[Case], None] | None = None) -> None:
        """Check every case and raise one error listing every problem found.

        Checks: empty or duplicate case ids; empty patient ids; a patient in more than
        one split (column ``split``, ``fold`` or ``partition``); each input and file
        reference exists inside the root (``..`` and symbolic links resolved), is a
        regular file or directory and is not empty; an input that is a WFDB header
        (``.hea``) has every signal file it names listed among the case's inputs too (the
        algorithm sees only listed files, so it could not read the record otherwise); a
        file reference is of the manifest's ``reference_kind`` (told by its first bytes);
        a label reference is not a path; a 2-D annotation reference (``path#selector``)
        names a readable COCO or LabelMe file and an image in it that no other case
        selects (each file read once; its objects' positions are the task's to check,
        with the protocol's tolerance). With ``read_files=True`` every reference is also
        read with its loader, and every input frame (PNG, JPEG, BMP, TIFF, or a DICOM
        file: an ultrasound, mammogram or endoscopy image; not a series folder) with
        ``read_image`` (a DICOM waveform, such as a 12-lead ECG, each multiplex group with
        the waveform reader), and every EDF/EDF+/BDF input's header with pyedflib, as an
        algorithm reads it (a discontinuous EDF+D is refused), and every WFDB header
        input's signal files are checked to hold the bytes it states (a ``.dat`` cut
        short). A blank row (every field empty: Excel's rows cleared, not deleted) is one
        problem, named so. ``progress``: a bar of the cases read on stderr, where
        ``read_files`` (decoding 37,500 frames and their masks took minutes). ``then``:
        called with each case holding a file reference (not an annotation file's) once
        its files and reference were checked and found usable, straight after its
        reference was read (``manifest check`` checks it as the task does there, so that
        a mask kept by :func:`~medeval.loaders.masks.decoded_once` is decoded once).

        Raises
        ------
        ManifestError
            Every problem, one per line, each with its case id; also in ``.problems``.
            An explanation that fits many lines (a name in other letter case, say) is
            given once below them, with how many it explains and the first five. The
            cases whose inputs or reference could not be used (so that checks reading
            them can leave them out and check the others) are in ``.cases``.
        """
        self._checked_files(read_files, progress=progress, then=then)

    def _checked_files(
        self, read_files: bool = False, statuses: dict[str, os.stat_result] | None = None,
        progress: bool = False, then: Callable[[Case], None] | None = None,
    ) -> dict[str, tuple[str, bool]]:
        """:meth:`validate`; returns each named path's absolute path (as text) and whether
        it is a folder, as found by the check (so that hashing does not look them up
        again), and puts each regular file's status as the check found it in
        ``statuses``."""
        forget_resolved_folders()  # folders may have changed since the last check
        problems: list[str] = []
        problems += identity_problems(self.cases)
        failed: set[str] = set()  # cases whose own files or reference cannot be used
        found: dict[str, tuple[str, bool]] = {}
        annotations: dict[str, str] = {}  # case id -> 2-D annotation reference to look up
        cases = self.cases
        shown = bar(cases, "reading the set's files", progress=True) if (
            progress and read_files) else cases
        for index, case in enumerate(shown):
            if not case.inputs:  # listed by identity_problems: nothing to run it on
                failed.add(case.case_id)
            if index % _AHEAD_CASES == 0:  # the files read by the checks of the next cases
                ahead = cases[index + (_AHEAD_CASES if index else 0):index + 2 * _AHEAD_CASES]
                # unless the last case's are in the page cache already (see read_ahead)
                if ahead and not in_cache(self._files_read_by_check(ahead[-1:])):
                    read_ahead(self._files_read_by_check(ahead))
            for value in case.inputs:
                target, problem = self._checked_file(value, statuses)
                header = problem is None and value.lower().endswith(".hea")
                if problem is None and target is not None and read_files:
                    problem = unreadable_frame(target)
                if problem:
                    problems.append(f"case {case.case_id}: input {value!r}: {problem}")
                    failed.add(case.case_id)
                if target is not None and (not problem or header):
                    # a header whose signal file is short still gives its record's rate
                    found[value] = target
            unlisted = self._unlisted_signal_files(case, found)
            if unlisted:
                problems += unlisted
                failed.add(case.case_id)
            if self.reference_kind == "annotations-2d":
                problem = self._checked_annotation_file(case.reference, found, statuses)
                if problem:
                    problems.append(
                        f"case {case.case_id}: reference {case.reference!r}: {problem}")
                    failed.add(case.case_id)
                elif case.reference:
                    annotations[case.case_id] = case.reference
                continue
            # the record's rate only where the reference is read (its header read
            # again: 10 us a case, not spent on the check an evaluation makes)
            rate = (_record_rate(case, found)
                    if read_files and self.reference_kind == "annotations" else None)
            target, problem = self._checked_reference(case.reference, read_files, statuses,
                                                      rate)
            if problem:
                if read_files and rate is None and "states no sampling frequency" in problem:
                    from .loaders.edf import several_rates

                    problem += several_rates(self.root, case.inputs)
                problems.append(f"case {case.case_id}: reference {case.reference!r}: {problem}")
                failed.add(case.case_id)
            elif target is not None:
                found[case.reference] = target
            if then is not None and case.reference and case.case_id not in failed:
                then(case)
        if annotations:
            problems += self._annotation_problems(annotations, failed)
            problems += self._inputs_showing_annotations(found)
        if problems:
            raise ManifestError(problems_message(f"manifest {self.source}", problems),
                                tuple(problems), cases=frozenset(failed))
        return found

    def _files_read_by_check(self, cases: Sequence[Case]) -> list[tuple[str, int]]:
        """The files the check of ``cases`` reads, as ``read_ahead`` takes them: each WFDB
        header input whole, the first bytes of each file reference (its format)."""
        files = []
        sniffs = self.reference_kind not in ("label", "annotations-2d")
        for case in cases:
            files += [(os.path.join(self.root, value), 0) for value in case.inputs
                      if value.lower().endswith(".hea")]
            if sniffs and case.reference:
                files.append((os.path.join(self.root, case.reference), _SNIFF_BYTES))
        return files

    def to_dict(self) -> dict[str, Any]:
        """The canonical content: cases sorted by id, paths as written, no root."""
        return {
            "format": "medeval.manifest.v1",
            "reference_kind": self.reference_kind,
            "cases": [
                {"case_id": c.case_id, "patient_id": c.patient_id, "inputs": list(c.inputs),
                 "reference": c.reference, "metadata": dict(c.metadata)}
                for c in sorted(self.cases, key=lambda c: (c.case_id, c.line))
            ],
        }

    def files(self) -> list[str]:
        """Every path the manifest names (inputs, and file references), sorted, unique."""
        names = {p for c in self.cases for p in c.inputs}
        if self.reference_kind == "annotations-2d":
            names |= {c.reference.partition("#")[0] for c in self.cases if c.reference}
        elif self.reference_kind != "label":
            names |= {c.reference for c in self.cases if c.reference}
        return sorted(names)

    def file_digests(
        self,
        *,
        workers: int | None = None,
        progress: bool = True,
        cache: bool | str | os.PathLike[str] = True,
    ) -> dict[str, str]:
        """SHA-256 of every path the manifest names (a directory: of its files' digests).

        Parameters
        ----------
        workers : int, optional
            Threads hashing at once (hashlib releases the GIL); default the CPU count.
        progress : bool
            Show a progress bar (bytes hashed) on stderr.
        cache : bool or path
            Reuse digests of files unchanged since they were last hashed (same size,
            mtime, ctime and inode), stored in an SQLite file in this directory, in
            ``$MEDEVAL_CACHE_DIR``, or in ``~/.cache/medeval``. False to hash everything.
            The cache keeps the digests of the last 1,500,000 files written to it once
            it holds 2,000,000 (a file whose digest was forgotten is read again).
        """
        from .result import canonical_json

        statuses: dict[str, os.stat_result] = {}
        checked = self._checked_files(statuses=statuses)
        members: dict[str, list[tuple[str, str]]] = {}
        for name in self.files():
            target, folder = checked[name]
            if folder:
                top = Path(target)
                members[name] = [
                    (p.relative_to(top).as_posix(), os.fspath(p))
                    for p in sorted(top.rglob("*")) if p.is_file()
                ]
            else:
                members[name] = [("", target)]
        paths = sorted({p for items in members.values() for _, p in items}, key=os.fspath)
        digests = hash_files(paths, workers=workers, progress=progress, cache=cache,
                             statuses=statuses)
        result = {}
        for name, items in members.items():
            if len(items) == 1 and items[0][0] == "":
                result[name] = digests[items[0][1]]
            else:
                listing = {rel: digests[p] for rel, p in items}
                result[name] = hashlib.sha256(canonical_json(listing)).hexdigest()
        return result

    def fingerprint(
        self,
        *,
        workers: int | None = None,
        progress: bool = True,
        cache: bool | str | os.PathLike[str] = True,
    ) -> str:
        """SHA-256 over the canonical manifest and the SHA-256 of every file it names.

        The same cases and the same bytes give the same fingerprint on any machine and
        under any data root. Options as for :meth:`file_digests`.
        """
        return self.digest(self.file_digests(workers=workers, progress=progress, cache=cache))

    def digest(self, files: Mapping[str, str]) -> str:
        """The fingerprint's formula: SHA-256 of the canonical JSON of the manifest and of
        ``files`` (path -> SHA-256). :meth:`fingerprint` gives it every named file's
        digest; a manifest built in code whose cases name no file (two tables' cases)
        passes ``{}``."""
        from .result import canonical_json

        payload = canonical_json({"manifest": self.to_dict(), "files": dict(files)})
        return hashlib.sha256(payload).hexdigest()

    def _unlisted_signal_files(
        self, case: Case, found: Mapping[str, tuple[str, bool]]
    ) -> list[str]:
        """The signal files that the case's WFDB headers name and its inputs do not list.

        The runner copies a case's listed inputs, and nothing else, into the algorithm's
        sandbox: a header without its signal file is a record nobody can read, and every
        case would fail alike. Found here, before anything runs, it is a fault of the set.
        """
        listed = {posixpath.normpath(v) for v in case.inputs}
        folders = [posixpath.normpath(v) for v in case.inputs if found.get(v, (None, False))[1]]
        problems = []
        for value in case.inputs:
            if not value.lower().endswith(".hea") or value not in found or found[value][1]:
                continue
            for name in wfdb_files(found[value][0]):
                needed = posixpath.normpath(posixpath.join(posixpath.dirname(value), name))
                if needed in listed or any(needed.startswith(f"{d}/") for d in folders):
                    continue
                try:
                    present = within_root(self.root, needed).is_file()
                except LoaderError:
                    present = False
                where = "it is beside the header" if present else "and there is no such file"
                problems.append(
                    f"case {case.case_id}: input {value!r} is a WFDB header whose signals are "
                    f"in {name!r}, but no input column lists {needed!r} ({where})"
                    + see("unlisted signal file"))
        return problems

    def _checked_file(
        self, value: str, statuses: dict[str, os.stat_result] | None = None
    ) -> tuple[tuple[str, bool] | None, str | None]:
        """The file's absolute path and whether it is a folder, or the problem with it
        (one ``stat``: the ``lstat`` that found it is no symbolic link, where it is none).
        A regular file's status goes in ``statuses``."""
        try:
            located, status = located_within_root(self.root, value)
        except LoaderError:
            how = ("an absolute path outside it)" + see("absolute path")
                   if os.path.isabs(value) else
                   f"through '..' or a symlink: it resolves to "
                   f"{os.path.realpath(self.root / value)})" + see("outside the data root"))
            return None, f"leaves the data root {self.root.resolve()} ({how}"
        target = located
        try:
            if status is None:
                status = os.stat(target)
        except FileNotFoundError:
            return None, (f"no such file ({target})"
                          f"{other_unicode_form(target) or missing_folder_hint(target)}"
                          f"{backslash_hint(self.root, value, explained_below=True)}"
                          f"{record_name_hint(value, target)}")
        except OSError as exc:
            return None, f"cannot be opened ({exc.strerror})"
        if stat.S_ISDIR(status.st_mode):
            with os.scandir(target) as entries:
                return (target, True), None if any(entries) else "is an empty directory"
        if not stat.S_ISREG(status.st_mode):
            return None, "is not a regular file (FIFO or device?)"
        if status.st_size == 0:
            return None, "is empty (0 bytes)"
        if not os.access(target, os.R_OK):
            return None, f"cannot be opened ({os.strerror(errno.EACCES)})"
        if statuses is not None:
            statuses[target] = status
        return (target, False), None

    def _checked_annotation_file(
        self, reference: str, found: dict[str, tuple[str, bool]],
        statuses: dict[str, os.stat_result] | None = None,
    ) -> str | None:
        """The problem with a 2-D annotation reference's file (each file checked once;
        ``found`` gets it under its path)."""
        if not reference:
            return None
        from .loaders.annotations_2d import split_reference

        try:
            path, _ = split_reference(reference)
        except LoaderError as exc:
            return str(exc).removeprefix(f"reference {reference!r}: ")
        if path in found:
            return None
        checked, problem = self._checked_file(path, statuses)
        if problem or checked is None:
            return problem
        if checked[1]:
            return "is a directory; a 2-D annotation reference is a COCO or LabelMe JSON file"
        found[path] = checked
        return None

    def _inputs_showing_annotations(self, found: Mapping[str, tuple[str, bool]]) -> list[str]:
        """Inputs that are a 2-D annotation file the references point into (a reference
        written ``path#selector`` is no path the runner's own check would recognise)."""
        files = {Path(found[path][0]).resolve(): path for path in
                 {c.reference.partition("#")[0] for c in self.cases if c.reference}
                 if path in found}
        return [f"case {case.case_id}: input {value!r} is the annotation file "
                f"{files[Path(found[value][0]).resolve()]!r} that references point into; the "
                "algorithm would be given the answers"
                for case in self.cases for value in case.inputs
                if value in found and Path(found[value][0]).resolve() in files]

    def _annotation_problems(self, references: Mapping[str, str],
                             failed: set[str]) -> list[str]:
        """Each case whose image its annotation file does not have (or that cannot be
        read), by :func:`~medeval.loaders.annotation_problems`: all cases at once. Their
        ids go in ``failed``."""
        from .loaders.annotations_2d import annotation_problems

        found = annotation_problems(references, root=self.root,
                                    tolerance_px=_ANY_TOLERANCE_PX)
        failed.update(found)
        cases: dict[str, list[str]] = defaultdict(list)  # a file's problems: every case's
        for case_id, problem in found.items():
            cases[problem].append(case_id)
        problems = []
        for problem, ids in cases.items():
            if len(ids) == 1:
                problems.append(f"case {ids[0]}: reference {references[ids[0]]!r}: {problem}")
            else:
                shown = ", ".join(ids[:5]) + (f", ... ({len(ids)} cases)" if len(ids) > 5
                                              else "")
                problems.append(f"cases {shown}: references into "
                                f"{references[ids[0]].partition('#')[0]!r}: {problem}")
        return problems

    def _checked_reference(
        self, value: str, read_files: bool, statuses: dict[str, os.stat_result] | None = None,
        record_rate: float | None = None,
    ) -> tuple[tuple[str, bool] | None, str | None]:
        """As :meth:`_checked_file` for a file reference; ``(None, None)`` for a label.
        ``record_rate``: the frame rate of the case's WFDB header input, at which the
        tasks read annotations that state no time resolution and have no header beside
        them."""
        kind = self.reference_kind
        if kind == "label":
            try:
                candidate = within_root(self.root, value)
            except LoaderError:
                return None, None
            if value and candidate.is_file():
                return None, "names a file, but this task's reference is a label"
            return None, None
        if not value:
            return None, None
        checked, problem = self._checked_file(value, statuses)
        if problem or checked is None:
            return None, problem
        target, folder = checked
        found = "dicom-series" if folder else sniff(target)
        if not kind_matches(kind, found, target):
            # a folder is read as a DICOM series where a task takes one; else it is no
            # reference at all, whatever it holds (an annotation file inside it)
            shown = "a folder; give the path of the file in it" if folder else found
            return None, (f"is not a reference of kind {kind!r} as this task needs (format "
                          f"found: {shown})" + annotation_file_hint(kind, target))
        if read_files:
            image: object = None
            try:
                if kind == "annotations" and record_rate is not None:
                    from .loaders.signal import read_beats

                    read_beats(Path(target), default_fs=record_rate)
                else:
                    image = READERS[kind](Path(target))
            except LoaderError as exc:
                return None, f"unreadable: {exc}"
            array = getattr(image, "array", None)
            if kind == "image" and array is not None:
                # a volume read whole here: its values checked as scoring checks them
                # (0.5 from linear resampling, NaN), before the algorithm runs
                from ._label_values import not_labels

                problem = not_labels(array)
                if problem is not None:
                    return None, problem
        return checked, None


def _record_rate(case: Case, found: Mapping[str, tuple[str, bool]]) -> float | None:
    """The frame rate stated by the first of the case's WFDB header inputs that states
    one, else the one signal rate its EDF/BDF inputs share (None: neither). The tasks
    read a reference's annotations at their record's rate where the file states none and
    no header is beside it."""
    from .loaders._mit_annotations import header_timing
    from .loaders.edf import record_rate

    files = [found[value][0] for value in case.inputs if value in found and not found[value][1]]
    for path in files:
        if path.lower().endswith(".hea"):
            fs = header_timing(path)[0]
            if fs is not None:
                return fs
    return record_rate(Path(), files)


def _skipped(row: Mapping[str, str], columns: Sequence[str]) -> tuple[str, ...]:
    """The input ``columns`` blank in ``row`` before the last one that is not (a blank
    after the last filled one moves no path)."""
    filled = [bool(row[c].strip()) for c in columns]
    if all(filled):
        return ()
    last = max((k for k, full in enumerate(filled) if full), default=-1)
    return tuple(c for c, full in zip(columns[:last], filled[:last]) if not full)


def _header(file: Path) -> list[str]:
    """The first line's fields, read as CSV with commas (empty if unreadable)."""
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _separated_by(columns: list[str]) -> str | None:
    """"semicolons" or "tabs" where a header read with commas is one field holding them."""
    return next((name for mark, name in ((";", "semicolons"), ("\t", "tabs"))
                 if len(columns) == 1 and mark in columns[0]), None)


def _records(frame: Any, columns: list[str]) -> list[dict[str, str]]:
    """``frame.to_dict("records")`` of a frame of text cells, built from each column's
    list: pandas 3 boxes every cell on its own way there, 15 us a row (1.5 s of a
    100,000-record manifest), where the columns' lists take 1.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"case_id": ["a", "b"], "x": ["", "007"]}, dtype=str)
    >>> _records(frame, ["case_id", "x"]) == frame.to_dict("records")
    True
    """
    return [dict(zip(columns, values))
            for values in zip(*(frame.iloc[:, k].tolist() for k in range(len(columns))))]

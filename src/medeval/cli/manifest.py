"""``medeval manifest fingerprint|check``: the held-out set's fingerprint and its problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, get_args

from .._plural import counted
from .._terminal_text import say
from ..errors import ManifestError

if TYPE_CHECKING:  # pragma: no cover
    from ..manifest import Case, Manifest

__all__ = ["add"]


def add(commands: Any) -> None:
    """The ``manifest`` subcommands."""
    from .._reference_kinds import ReferenceKind

    manifest = commands.add_parser(
        "manifest", help="a held-out set's fingerprint (for the protocol) and its problems")
    actions = manifest.add_subparsers(dest="manifest_command", metavar="ACTION")
    kinds = get_args(ReferenceKind)
    for name, handler, text in (
        ("fingerprint", _fingerprint, "print the set's fingerprint as the line to write "
         "under [dataset] in the protocol, fingerprint = \"sha256:...\" (SHA-256 over the "
         "manifest and every file it names)"),
        ("check", _check, "list every problem of the set (missing, empty or unreadable "
         "files, duplicate ids, a patient in two splits, inputs that would show the "
         "algorithm a reference); exit 2 on any, 0 with one OK line"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("manifest", type=Path, metavar="MANIFEST.csv")
        which = action.add_mutually_exclusive_group()
        which.add_argument("--reference-kind", choices=kinds, default=None,
                           help="what the reference column holds, as the protocol's task "
                           "reads it (default: told from the references: annotations-2d "
                           "if one names a file before '#', else file if one names a file "
                           "or folder, else label)")
        which.add_argument("--protocol", type=Path, metavar="PROTOCOL.toml",
                           help="take the reference kind from the protocol's task")
        if name == "fingerprint":
            action.add_argument("--no-progress", action="store_true",
                                help="no progress bar while hashing")
        else:
            action.add_argument("--read-files", action="store_true",
                                help="also read every reference with its loader, every "
                                "input frame (PNG, JPEG, BMP, TIFF, a DICOM file; not a "
                                "series folder) with read_image, every EDF/BDF input's "
                                "header with pyedflib and every WFDB header input's "
                                "signal files' sizes against it; with "
                                "--protocol, check each reference as the task does before "
                                "a run (an EEG recording's length, an ECG record's)")
        action.set_defaults(handler=handler)


def _read(args: argparse.Namespace) -> Manifest:
    from ..manifest import Manifest
    from ..runner.run import read_manifest

    if args.protocol is not None:
        from ..protocol import load_protocol
        from ..tasks.registry import make_task

        kind = make_task(load_protocol(args.protocol)).reference_kind
        return Manifest.from_csv(args.manifest, reference_kind=kind)  # type: ignore[arg-type]
    if args.reference_kind is not None:
        return Manifest.from_csv(args.manifest, reference_kind=args.reference_kind)
    return read_manifest(args.manifest)


def _fingerprint(args: argparse.Namespace, out: TextIO) -> int:
    """Print the set's fingerprint as the line of the protocol's ``[dataset]`` table,
    ``fingerprint = "sha256:..."``, on stdout (the digest quoted, as scripts read it);
    stderr says what was read and where the line goes. It printed ``dataset.fingerprint =
    ...``, which TOML refuses above a protocol's ``[dataset]`` table (a table declared
    twice) and nests under it (``dataset.dataset.fingerprint``, an unknown key)."""
    manifest = _read(args)
    fingerprint = manifest.fingerprint(progress=not args.no_progress)
    say(f"medeval: {len(manifest.cases)} cases, references read as "
        f"{manifest.reference_kind!r} (a task reading them as another kind gives another "
        "fingerprint: --reference-kind or --protocol); write the line on stdout under "
        "[dataset] in the protocol, in place of any fingerprint line there")
    out.write(f'fingerprint = "sha256:{fingerprint}"\n')
    return 0


def _task_reference_problems(protocol: Path, manifest: Manifest, *,
                             skip: frozenset[str] = frozenset()) -> list[str]:
    """Each reference's problems as the protocol's task finds them, which medeval run and
    evaluate refuse the set for (an EEG reference's duration_s against its recording's
    length, an ECG record no longer than the learning period, a LabelMe label outside
    the protocol's categories, ...): of every case but those in ``skip`` (whose files the
    manifest's check could not use) and those without a reference (listed already). The
    task's warnings of the references (an ECG record's of no beat) go to stderr."""
    from ..evaluation import reference_problems
    from ..protocol import load_protocol
    from ..tasks.registry import make_task

    task = make_task(load_protocol(protocol))
    problems = reference_problems(task, manifest, progress=sys.stderr.isatty(),
                                  skip_empty=True, skip=skip)
    for text in task.reference_warnings():  # a reference of an ECG record without beats
        _warning(text)
    return problems


class _TaskCheck:
    """:func:`_task_reference_problems` one case at a time, as ``Manifest.validate``
    hands each case over once its files were found usable (``then``)."""

    def __init__(self, protocol: Path, manifest: Manifest) -> None:
        from ..protocol import load_protocol
        from ..tasks.registry import make_task

        self.task = make_task(load_protocol(protocol))
        self.task.see_cases(manifest.cases)
        self.root = manifest.root
        self.problems: list[str] = []

    def check(self, case: Case) -> None:
        problem = self.task.reference_problem(case, self.root)
        if problem is not None:
            self.problems.append(problem)

    def warn(self) -> None:
        for text in self.task.reference_warnings():
            _warning(text)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from .._manifest_hints import problems_message
    from ..loaders.masks import decoded_once
    from ..manifest import Manifest, nfc_id
    from ..runner._preflight import input_leaks

    manifest = _read(args)
    problems: list[str] = []
    unusable: frozenset[str] = frozenset()  # cases whose files the check could not use
    listed = True  # whether the check listed its problems by case
    grids = args.read_files and args.protocol is not None and _segmentation(args.protocol)
    # a segmentation set's masks: each checked as the task reads it straight after the
    # manifest's check read it, so that it is decoded once (listed after the others)
    masks = _TaskCheck(args.protocol, manifest) if grids else None
    try:
        with decoded_once():
            manifest.validate(read_files=args.read_files, progress=sys.stderr.isatty(),
                              then=masks.check if masks is not None else None)
    except ManifestError as exc:
        problems += list(exc.problems) or [str(exc)]
        unusable, listed = exc.cases, bool(exc.problems)
    if masks is not None:
        problems += masks.problems if listed else []
        masks.warn()
    elif args.protocol is not None and manifest.reference_kind == "label":
        # a label or value read from the manifest's own cell (no file): checked always,
        # beside the other problems; an empty one is listed already
        problems += _task_reference_problems(args.protocol, manifest)
    elif args.read_files and args.protocol is not None and listed:
        # beside the other problems, of every case whose files were read: run only once
        # the set had none, one bad shape in one LabelMe file (or one undecodable frame)
        # hid every other case's label outside the categories, crossed file, ...
        problems += _task_reference_problems(args.protocol, manifest, skip=unusable)
    problems += input_leaks(manifest)
    # the files read for the notes and warnings: those of the cases the check could use
    # (one leaving the data root stopped the list with its own error)
    read = None if not listed else manifest if not unusable else Manifest(
        [case for case in manifest.cases if case.case_id not in unusable],
        root=manifest.root, reference_kind=manifest.reference_kind, source=manifest.source)
    if args.read_files and read is not None:  # before the problems: what they cover
        _note_unread_folders(read, headers=grids)
    # warned of with the problems too: dropped while there were any, a tester fixing
    # them met the warnings (letter-case twins, copied frames) only in a later run
    _warn(args, manifest, read, grids)
    if problems:
        raise ManifestError(problems_message(f"manifest {args.manifest}", problems),
                            tuple(problems))
    patients = len({nfc_id(case.patient_id) for case in manifest.cases})  # as evaluate counts
    out.write(f"OK  {args.manifest}  {counted(len(manifest.cases), 'case')}, "
              f"{counted(patients, 'patient')}, references: {manifest.reference_kind}\n")
    # an OK on the manifest alone was taken for the set's: crossed COCO selectors and
    # references of another image size passed here, and evaluate then refused them
    if not args.read_files:
        say("medeval: note: the set's files were found, not opened: --read-files " + (
            "reads every reference and input as evaluate will, and checks each reference "
            "as the protocol's task does" if args.protocol is not None else
            "with --protocol PROTOCOL.toml reads every reference and input as evaluate "
            "will"))
    elif args.protocol is None:
        say("medeval: note: the references were read as files, not as a task reads "
            "them (labels, image sizes, crossed rows): give --protocol PROTOCOL.toml to "
            "check them as evaluate will")
    return 0


def _warn(args: argparse.Namespace, manifest: Manifest, read: Manifest | None,
          grids: bool) -> None:
    """The check's warnings on stderr, with problems or without: of the ids and cells of
    every case of ``manifest``, and, with ``--read-files``, of the files of the cases of
    ``read`` (those whose files the check could use; None: none)."""
    from ..manifest import leading_zero_twins, letter_case_twins

    for kind, twins in (("case", letter_case_twins(c.case_id for c in manifest.cases)),
                        ("patient", letter_case_twins(c.patient_id for c in manifest.cases))):
        if twins:
            _warning(f"{kind} ids that differ only in letter case: {twins}; "
                     + ("on macOS and Windows their prediction files are one file, read for "
                        "both cases (evaluate says so too)" if kind == "case" else
                        "counted as different patients (if one patient, write the id one way)"))
    zeros = leading_zero_twins(c.patient_id for c in manifest.cases)
    if zeros:
        _warning(f"patient ids that differ only in leading zeros: {zeros}; "
                 "counted as different patients (a spreadsheet read some as numbers? if one "
                 "patient, write the id one way)")
    unfit = [c.case_id for c in manifest.cases if _not_on_windows(c.case_id)]
    if unfit:
        shown = _first(list(map(repr, unfit)), 10, ", ")
        _warning(f"case ids that cannot name a file on Windows: {shown} "
                 "(a reserved name such as CON or NUL, or one of < > : \" | ? *, or ending in "
                 "'.' or ' '): a company running its algorithm on Windows cannot write their "
                 "predictions")
    _warn_of_skipped_inputs(manifest)
    if args.protocol is not None:
        _warn_of_criteria_without_cases(args.protocol, manifest)
        _warn_of_patients_across(args.protocol, manifest)
    if args.read_files and read is not None:
        _warn_of_identical_inputs(read)
        _warn_of_record_statements(read)
        _warn_of_pixel_sizes(read)
        if grids:
            _warn_of_off_grid_references(read)


def _first(items: list[str], most: int, separator: str, counted: str = "in all") -> str:
    """The first ``most`` of ``items`` joined, and their count where there are more: a
    warning of 37,500 cases is one line."""
    return separator.join(items[:most]) + (
        f"{separator}... ({len(items)} {counted})" if len(items) > most else "")


def _warning(text: str) -> None:
    """A warning of the check on stderr, as every command prints one."""
    say(f"medeval: warning: {text}")


def _warn_of_criteria_without_cases(protocol: Path, manifest: Manifest) -> None:
    """Warn on stderr of the protocol's criteria the set's references leave undefined
    (no positive case for a sensitivity, no grade-4 case for sensitivity@4): each is
    INCONCLUSIVE whatever the algorithm answers, which the run would say only after it."""
    from ..criteria_on_set import criteria_without_cases
    from ..protocol import load_protocol

    for message in criteria_without_cases(load_protocol(protocol), manifest.cases):
        _warning(f"protocol {protocol.name}: {message}")


def _warn_of_patients_across(protocol: Path, manifest: Manifest) -> None:
    """Warn on stderr, as the evaluation's warnings will, of patients whose cases lie in
    several values of a subgroup column, where the protocol's intervals are over patients:
    two sites numbering their patients alike (P01 at each) are then counted as one
    patient's cases, which the tester heard of only after the evaluation."""
    from .._evaluation_warnings import _patients_across
    from ..manifest import nfc_id
    from ..protocol import load_protocol

    loaded = load_protocol(protocol)
    if loaded.statistics.resampling_unit != "patient":
        return
    for column in dict.fromkeys(loaded.subgroups.columns):
        if column in loaded.subgroups.case_columns:
            continue
        groups: dict[str, list[Case]] = {}  # cases by value, compared as evaluate does
        for case in manifest.cases:
            groups.setdefault(nfc_id(case.metadata.get(column, "").strip()), []).append(case)
        for text in _patients_across(column, groups):
            _warning(f"protocol {protocol.name}: {text.removeprefix('all cases: ')}")


def _warn_of_skipped_inputs(manifest: Manifest) -> None:
    """Warn on stderr of cases with a blank ``input_*`` cell before a filled one: a blank
    cell is left out, so the paths after it move up a place in ``case.input_paths`` (an
    exam of four views with its LCC cell blank hands its LMLO view over first, where LCC
    stands elsewhere). Blank cells after the last filled one move no path (a WFDB record
    without a second signal file, a clip of fewer frames): not warned of."""
    skipped = [f"{case.case_id} ({', '.join(case.inputs_skipped)} blank)"
               for case in manifest.cases if case.inputs_skipped]
    if skipped:
        shown = _first(skipped, 10, "; ")
        _warning(f"cases with a blank input cell before a filled one: "
                 f"{shown}; a blank cell is left out, so these cases' algorithm gets the "
                 "paths after it a place earlier (case.input_paths, /input/case.json): the "
                 "position of a path does not say its column")


def _warn_of_identical_inputs(manifest: Manifest) -> None:
    """Warn on stderr of file inputs of different cases that hold the same bytes (SHA-256,
    through the fingerprint's cache), and of two of one case's inputs that do (a view
    copied into another view's file): a file shared by two cases is refused by its path,
    but a copy of it under another path (one mammogram copied into another exam, or
    another patient's) passes that check and is scored twice. Folder inputs are not
    hashed here, as ``--read-files`` does not read them; nor are references. Each group
    names its first cases only: one frame repeated in every case of a large set (a blank
    frame, a calibration file) is one line, not a line of every path."""
    import os
    from collections import defaultdict

    from .._hashing import hash_files

    paths = {value: os.fspath(target) for case in manifest.cases for value in case.inputs
             if (target := manifest.path(value)).is_file()}
    digests = hash_files(list(dict.fromkeys(paths.values())), workers=None,
                         progress=sys.stderr.isatty(), cache=True, label="hashing inputs")
    holders: dict[str, dict[str, str]] = defaultdict(dict)  # digest -> case id -> path
    within: list[str] = []  # one case's two columns holding one image under two names
    for case in manifest.cases:
        own: dict[str, str] = {}
        for value in case.inputs:
            if value in paths:
                digest = digests[paths[value]]
                holders[digest].setdefault(case.case_id, value)
                if own.setdefault(digest, value) != value and \
                        paths[own[digest]] != paths[value]:
                    within.append(f"{case.case_id} ({own[digest]!r}, {value!r})")
    if within:
        shown = _first(within, 10, ", ")
        _warning(f"inputs of one case hold the same bytes under two names: "
                 f"{shown}; the algorithm is handed one image as two (a view copied into "
                 "another view's file); where it is rightly so (two blank frames of a clip), "
                 "nothing is wrong")
    copies = [", ".join(f"{path!r} ({case_id})" for case_id, path in list(cases.items())[:3])
              + (f", ... ({len(cases)} cases)" if len(cases) > 3 else "")
              for cases in holders.values()
              # one file named by two cases is a problem of the set, listed as such
              if len({paths[value] for value in cases.values()}) > 1]
    if copies:
        shown = _first(copies, 5, "; ", "groups in all")
        _warning(f"inputs of different cases hold the same bytes: {shown}; "
                 "a copy of one image is scored once per case (a patient's exam listed "
                 "twice, or an image of another patient): remove such copies; where the same "
                 "bytes are rightly in several cases (a blank frame, one calibration file), "
                 "nothing is wrong: say in the protocol why they are there")


def _warn_of_record_statements(manifest: Manifest) -> None:
    """Warn on stderr of ECG inputs that state a diagnosis the algorithm can read (a DICOM
    ECG's interpretive statements, a WFDB header's ``#Dx:`` comment or one holding the
    case's label: :func:`medeval._record_statements.record_statements`): the runner
    hands each input file whole, so the algorithm under test could answer from them."""
    from .._record_statements import record_statements

    reference = manifest.reference_kind == "label"
    found = [f"{case.case_id} {value!r} ({_first([repr(t) for t in said], 3, ', ')})"
             for case in manifest.cases for value in case.inputs
             if (target := manifest.path(value)).is_file()
             and (said := record_statements(target, case.reference if reference else None))]
    if found:
        _warning(f"ECG inputs that state a diagnosis: {_first(found, 5, '; ')}; the "
                 "algorithm is handed each input file whole and can read them (a DICOM "
                 "ECG's WaveformAnnotationSequence, a WFDB header's comments): remove them "
                 "from the inputs if the algorithm must not see them, or say in the "
                 "protocol why they stay")


def _warn_of_pixel_sizes(manifest: Manifest) -> None:
    """Warn on stderr of DICOM inputs stating their pixel size twice, and how they are
    measured (:mod:`._pixel_sizes`)."""
    from ._pixel_sizes import pixel_size_warnings

    for text in pixel_size_warnings(manifest):
        _warning(text)


def _segmentation(protocol: Path) -> bool:
    from ..protocol import load_protocol

    return load_protocol(protocol).task.type == "segmentation"


def _warn_of_off_grid_references(manifest: Manifest) -> None:
    """Warn on stderr, for a segmentation protocol, of references on none of their
    inputs' grids and of input series that cannot be read (:mod:`._reference_grids`)."""
    from ._reference_grids import off_grid_references

    found = off_grid_references(manifest, progress=sys.stderr.isatty())
    if found:
        _warning(f"{len(found)} case(s) whose prediction cannot match its "
                 f"reference: {_first(found, 10, '; ')}")


def _note_unread_folders(manifest: Manifest, *, headers: bool = False) -> None:
    """Say on stderr how many folder inputs ``--read-files`` left unread: their files (a
    DICOM series, an exam's four mammograms) are read by the algorithm alone, so one it
    cannot read fails its case as the algorithm's, where a file input would have been
    listed here as a problem of the set."""
    folders = [(case.case_id, value) for case in manifest.cases for value in case.inputs
               if manifest.path(value).is_dir()]
    if folders:
        case_id, value = folders[0]
        say(f"medeval: note: {len(folders)} folder input(s) were not read (case {case_id}: "
            f"{value!r}{', ...' if len(folders) > 1 else ''}): --read-files reads file "
            "inputs only; a file inside a folder that cannot be read (cut short, another "
            "transfer syntax) fails its case in the run, counted as the algorithm's "
            "failure. Where a folder holds a few images (an exam's four views), list "
            "the files as inputs (input_lcc, input_lmlo, ... columns) instead of their "
            "folder to have each read here; a series folder (CT, MR slices) is read by "
            "the algorithm alone" + (
                " (its headers are read here, for the grid its mask is written on: a "
                "series missing a slice is warned of, its pixels are not decoded)"
                if headers else ""))


#: Windows' device names: no file may be so named, whatever its extension (CON.json).
_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{k}" for k in range(1, 10)),
                      *(f"LPT{k}" for k in range(1, 10))})


def _not_on_windows(case_id: str) -> bool:
    """Whether ``<case_id>.json`` (or the runner's folder ``<case_id>``) cannot be a file
    name on Windows: a device name before the first dot, a character Windows refuses, or
    a trailing dot or space (which Windows drops from a folder's name)."""
    return (case_id.split(".", 1)[0].rstrip(" ").upper() in _DEVICES
            or any(c in '<>:"|?*' for c in case_id) or case_id.endswith((".", " ")))

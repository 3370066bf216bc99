"""The warnings an evaluation gives about its inputs and its figures: prediction files that
name no case, a run not ended or run under another protocol, patient and case ids or
subgroup values that differ only in form, cases taken as independent, and too few units
to resample.

Private to :mod:`medeval.evaluation`, which collects them into the result's warnings.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol as _Structural

from ._plural import counted
from .manifest import leading_zero_twins, letter_case_twins, nfc_id
from .protocol import Protocol
from .result import MetricRecord
from .run_outputs import predictions_changed
from .run_protocol import algorithm_changed, protocol_changed
from .scoring import Predictions, not_run_beside, not_run_files
from .tasks.base import CaseRow


def _unmatched_predictions(folder: Path, case_ids: Sequence[str], *,
                           unread: Sequence[str] = (), table: str | None = None
                           ) -> list[str]:
    """Warnings naming the files of a predictions folder (supplied, or a run's) that
    name no case of the manifest (``<case_id>`` or ``<case_id>.<suffix>``, either
    Unicode form), and, apart, those that name only cases in ``unread`` (found without
    prediction: ``c1.json.txt``, a suffix Windows hid, beside a missing ``c1.json``; a
    run's ``c1.npy`` where the task reads ``c1.json``; a segmenter's mask returned as an
    array, stored as ``c1.json``): a case id misspelt in a file name, or a form the task
    does not read, leaves that case without prediction, and the file unread. Hidden
    files are not named. ``table``: the task type, where it also reads one table of
    every case's predictions (a CSV in the folder is then said to be given as a file,
    where no case's prediction was found: not a folder of per-case files holding a
    stray CSV)."""
    ids = {nfc_id(case_id) for case_id in case_ids}
    missing = {nfc_id(case_id) for case_id in unread}
    unmatched, unreadable = [], []
    try:
        listed = list(os.scandir(folder))
    except OSError:  # a folder that can be entered, not listed: each case's file was
        return []    # looked up by its name, and the others cannot be seen
    for entry in listed:
        if entry.name.startswith("."):
            continue
        parts = nfc_id(entry.name).split(".")
        named = {".".join(parts[:k]) for k in range(1, len(parts) + 1)} & ids
        if not named:
            unmatched.append(entry.name)
        elif named <= missing:  # only cases that read no prediction
            unreadable.append(entry.name)
    unmatched.sort()
    warnings = []
    if unmatched:
        warnings.append(f"all cases: the predictions folder holds {len(unmatched)} file(s) "
                        f"that name no case of the manifest: {_first_ten(unmatched)}; a "
                        "prediction is read only as <case_id> with its suffix"
                        + _zeros_lost(unmatched, missing) + _width_lost(unmatched, missing)
                        + _case_lost(unmatched, missing)
                        + _run_out_folder(folder) + _table_in_folder(
                            unmatched, folder, table if missing >= ids else None))
    if unreadable:
        arrays = any(name.lower().endswith(".json") for name in unreadable)
        numpy = any(name.lower().endswith((".npy", ".npz")) for name in unreadable)
        warnings.append(
            f"all cases: the predictions folder holds {len(unreadable)} file(s) named for a "
            f"case without prediction, in a form this task does not read: "
            f"{_first_ten(unreadable)}; those cases failed as missing-output (a prediction "
            "is read only as <case_id> with a suffix the task reads" + (
                "; a plugin's mask returned from predict as an array is stored as "
                "<case_id>.json: write it as prediction.png in case.output_dir"
                if arrays else "") + (
                "; a NumPy array file (.npy, .npz) is read by no task: " + (
                    _SCALAR_ADVICE if table else
                    "write a mask as prediction.png (a frame) or prediction.nii.gz (a "
                    "volume) in the case's output folder") if numpy else "") + ")")
    return warnings


#: What a task reading one JSON answer per case (a score, a label, a value: the tasks
#: that also read one table) is told of a ``.npy`` file: a mask's advice misled it.
_SCALAR_ADVICE = ("this task reads <case_id>.json: return the answer from predict (a "
                  "score as float(y[0, 0])), or write it as prediction.json in the "
                  "case's output folder")


def _run_out_folder(folder: Path) -> str:
    """A sentence where ``folder`` is what ``medeval run --out`` wrote (a result beside
    its run folder ``run/``, whose log ``run.jsonl`` names the outputs): the outputs are
    in ``run``, given as ``--predictions FOLDER/run``."""
    if not (folder / "run" / "run.jsonl").is_file():
        return ""
    # by its name: its place on this machine would make the result's content differ
    name = Path(os.path.normpath(folder)).name
    return (f"; {name} is the folder medeval run --out wrote: the algorithm's outputs are "
            f"in its run folder, --predictions {name}/run")


def _table_in_folder(files: Sequence[str], folder: Path, task: str | None) -> str:
    """A sentence where a CSV file naming no case lies in the predictions folder of a task
    that reads one table of every case's predictions (``binary-classification``'s
    ``case_id,score``): such a table is given as the file itself, not its folder, where
    it left every case missing-output."""
    tables = [name for name in files if name.lower().endswith(".csv")]
    if task is None or not tables:
        return ""
    name = Path(os.path.normpath(folder)).name
    return (f"; a {task} protocol reads one table of every case's predictions given as "
            f"the file itself: --predictions {name}/{tables[0]}")


def _first_ten(names: list[str]) -> str:
    """Names sorted, the first ten shown and the count after them."""
    names = sorted(names)
    return ", ".join(names[:10]) + (f", ... ({len(names)} in all)" if len(names) > 10
                                    else "")


def _zeros_lost(files: Sequence[str], missing: set[str]) -> str:
    """A sentence where file names differ from cases without prediction only in leading
    zeros (``12.json`` for case ``0012``: the ids read as numbers by pandas or Excel)."""
    cases = {case.lstrip("0") or "0": case for case in sorted(missing)}
    pairs = [(name, cases[stem.lstrip("0") or "0"]) for name in files
             if (stem := nfc_id(name).split(".")[0]) not in missing
             and (stem.lstrip("0") or "0") in cases]
    if not pairs:
        return ""
    return (f"; {len(pairs)} of them differ from a case id only in leading zeros (e.g. "
            f"{pairs[0][0]} for case {pairs[0][1]}): the ids were read as numbers; name each "
            "file as the manifest writes its case id")


def _width_lost(files: Sequence[str], missing: set[str]) -> str:
    """A sentence where file names differ from cases without prediction only in the
    zeros before a number inside them (``c8.json`` for case ``c08``: numbered
    ``f"c{i}"`` where the manifest writes ``f"c{i:02d}"``), as a table's ids are told
    (:func:`~medeval.loaders.tables.id_twins`, the table's ``id_hints``)."""
    from .loaders.tables import id_twins

    stems: dict[str, str] = {}
    for name in sorted(files):
        stems.setdefault(nfc_id(name).split(".")[0], name)
    pairs = id_twins(missing, set(stems) - missing, "width")
    if not pairs:
        return ""
    case, stem = pairs[0]
    return (f"; {len(pairs)} of them differ from a case id only in the zeros before a "
            f"number inside it (e.g. {stems[stem]} for case {case}): the ids were numbered "
            "in another width; name each file as the manifest writes its case id")


def _case_lost(files: Sequence[str], missing: set[str]) -> str:
    """A sentence where file names differ from cases without prediction only in letter
    case (``d-01.json`` for case ``D-01``): found by their names on macOS and Windows,
    whose file systems ignore letter case, but not on Linux."""
    cases = {case.casefold(): case for case in sorted(missing)}
    pairs = [(name, cases[stem.casefold()]) for name in files
             if (stem := nfc_id(name).split(".")[0]) not in missing
             and stem.casefold() in cases]
    if not pairs:
        return ""
    return (f"; {len(pairs)} of them differ from a case id only in letter case (e.g. "
            f"{pairs[0][0]} for case {pairs[0][1]}): this system's file names tell letter "
            "case apart; name each file as the manifest writes its case id")


def _patients_alike(rows: Sequence[CaseRow]) -> list[str]:
    """Warnings naming patient ids that differ only in letter case ('P001', 'p001') or
    in leading zeros ('00123', '123'): counted as two patients (ids may be case-sensitive
    codes), which narrows every interval over patients if they are one."""
    found = []
    for shown, how in ((letter_case_twins(row.patient_id for row in rows), "letter case"),
                       (leading_zero_twins(row.patient_id for row in rows),
                        "leading zeros (a spreadsheet read some as numbers?)")):
        if shown:
            found.append(f"all cases: patient ids that differ only in {how} are counted as "
                         f"different patients: {shown}; if they are one patient, write the "
                         "id one way in the manifest")
    return found


def _values_alike(column: str, values: Iterable[str]) -> list[str]:
    """A warning naming a subgroup column's values that differ only in letter case
    (BI-RADS density 'A' and 'a'): two subgroups, as the values may be codes."""
    shown = letter_case_twins(values)
    return [f"all cases: {column} values that differ only in letter case are different "
            f"subgroups: {shown}; if they are one, write the value one way in the manifest"
            ] if shown else []


class _OfPatient(_Structural):
    """A case or a case's row: what :func:`_patients_across` reads of each."""

    @property
    def patient_id(self) -> str: ...


def _patients_across(column: str, groups: Mapping[str, Sequence[_OfPatient]]) -> list[str]:
    """A warning naming the patients whose cases lie in several values of a subgroup
    column. Where the column is otherwise one value a patient (at most a tenth of the
    patients with several cases span values): for a patient's column (a site, a sex) the
    id then likely names two patients, two sites numbering theirs alike, whose cases are
    one cluster. Where more span values, the column is a case's (a view) or two sites
    numbered all their patients alike (P001 ... at each): which one only the tester
    knows, so the warning says both and what each means (it was silent, and a set of two
    sites numbering 50 patients each alike was counted as 50 patients); a column the
    protocol declares a case's (``[subgroups] case_columns``) is not looked at.

    >>> from types import SimpleNamespace as Row
    >>> a = [Row(patient_id=f"P{i:02d}") for i in range(1, 11) for _ in range(2)]
    >>> b = [Row(patient_id="P01"), Row(patient_id="P11"), Row(patient_id="P11")]
    >>> _patients_across("site", {"A": a, "B": b})[0].split(", while")[0]
    'all cases: site: 1 patient of the 11 with several cases has cases in more than one \
value (P01: A 2, B 1)'
    >>> _patients_across("site", {"A": a[:6], "B": b})[0].split(": if")[0]
    'all cases: site: 1 of the 4 patients with several cases has cases in more than one \
value (P01: A 2, B 1)'
    """
    values: dict[str, Counter[str]] = {}
    for value, members in groups.items():
        for row in members:
            values.setdefault(nfc_id(row.patient_id), Counter())[value] += 1
    several = [p for p, held in values.items() if sum(held.values()) > 1]
    across = [p for p in several if len(values[p]) > 1]
    if not across:
        return []
    shown = "; ".join(f"{p}: " + ", ".join(f"{v or '(blank)'} {n}" for v, n in values[p].items())
                      for p in across[:3]) + ("; ..." if len(across) > 3 else "")
    declare = (f"if {column} is a case's (a view, an image's quality), that is expected: "
               "declare it in the protocol, [subgroups] case_columns = "
               f"[{json.dumps(column, ensure_ascii=False)}]")
    if 10 * len(across) > len(several):
        return [f"all cases: {column}: {len(across)} of the {len(several)} patients with "
                f"several cases {'has' if len(across) == 1 else 'have'} cases in more than "
                f"one value ({shown}): {declare}; if it is the patient's (a site, a sex), each "
                f"such id names a different patient in each value (sites numbering their "
                "patients alike), so the set's patients are undercounted and the intervals "
                "take their cases as one patient's: make the ids unique in the manifest "
                "(prefix the site, say)"]
    return [f"all cases: {column}: {counted(len(across), 'patient')} of the {len(several)} "
            f"with several cases {'has' if len(across) == 1 else 'have'} cases in more than "
            f"one value ({shown}), while each other patient's cases are of one: if {column} "
            "is the patient's (a site, a sex), such an id may name two patients (two sites "
            "numbering theirs alike), whose cases the intervals then take as one patient's; "
            f"each is counted in every subgroup its cases are in; {declare}"]


def _cases_as_independent(rows: Sequence[CaseRow]) -> list[str]:
    """A warning where the protocol's unit is the case but some patient holds several
    cases (frames of one nodule, patches of one CT): every interval then takes them as
    independent, as the protocol declares, and is too narrow if they are alike."""
    patients = {nfc_id(row.patient_id) for row in rows}
    if len(patients) >= len(rows):
        return []
    return [f"all cases: the {len(rows)} cases are of {counted(len(patients), 'patient')}, "
            "several per patient, and the protocol's unit is the case "
            "(statistics.resampling_unit = \"case\"): every interval takes them as independent "
            "and is too narrow if a patient's cases are alike; resampling_unit = \"patient\" "
            "accounts for it"]


def _not_run_text(not_run: Sequence[str]) -> str:
    """The runner's record of cases an interrupted run never ran, in words."""
    shown = ", ".join(map(str, not_run[:10])) + (", ..." if len(not_run) > 10 else "")
    return (f"the run was interrupted before {len(not_run)} case(s) ran ({shown}; "
            "summary.json's not_run)")


def _interrupted_run(not_run: Sequence[str]) -> str:
    """The warning of an evaluation of a run its runner did not finish."""
    return (f"all cases: {_not_run_text(not_run)}: they count as missing-output failures; "
            "resume the run (the command that made it, again: medeval run PROTOCOL.toml "
            "--out OUT, or medeval predict ... --out RUN) to run them")


def _not_run_files(folder: Path, not_run: object) -> list[str]:
    """The warning naming files in a run's predictions folder of cases the run never ran
    (an interrupted run's ``not_run``): no runner wrote them (put there by hand, copied
    from another run), and they are not read: each such case is a missing-output failure."""
    if not isinstance(not_run, list) or not not_run:
        return []
    found = sorted({name for names in not_run_files(folder, not_run).values()
                    for name in names})
    if not found:
        return []
    return [f"all cases: {len(found)} file(s) in the run's predictions folder are of cases "
            f"the run never ran: {_first_ten(found)}; no runner wrote them, and they are not "
            "read (those cases count as missing-output failures): resume the run to run them"]


def _run_protocol_changed(predictions: Predictions, protocol: Protocol) -> list[str]:
    """:func:`protocol_changed` and :func:`algorithm_changed` of the run the predictions
    come from: a run folder, or
    its ``predictions`` folder given alone (``--predictions RUN/predictions``), which
    is read as supplied files and escaped the check."""
    folder = predictions.folder
    if folder is None or (predictions.source != "runner" and not (
            folder.name == "predictions" and (folder.parent / "run.jsonl").is_file())):
        return []
    return (_not_run_beside(folder) if predictions.source != "runner" else []) + (
        protocol_changed(folder.parent, protocol)
        + algorithm_changed(folder.parent, protocol) + predictions_changed(folder.parent))


def _not_run_beside(folder: Path) -> list[str]:
    """The warning of an interrupted run whose ``predictions`` folder was given alone:
    its summary's ``not_run`` cases are missing-output here as in the run folder."""
    not_run = not_run_beside(folder)
    if not isinstance(not_run, list) or not not_run:
        return []
    return [_interrupted_run([str(c) for c in not_run]), *_not_run_files(folder, not_run)]


def _case_ids_alike(rows: Sequence[CaseRow]) -> list[str]:
    """A warning naming case ids that differ only in letter case ('c1', 'C1'): two cases
    here, but on a file system that ignores letter case (macOS's and Windows' by default)
    ``c1.json`` and ``C1.json`` are one file, which both cases would be scored on."""
    shown = letter_case_twins(row.case_id for row in rows)
    if not shown:
        return []
    return [f"all cases: case ids that differ only in letter case: {shown}; on a file system "
            "that ignores letter case (macOS, Windows) their prediction files are one file, "
            "read for both cases: evaluate such a set on one that does not (Linux), or give "
            "the cases ids that differ otherwise"]


def _few_units(rows: Sequence[CaseRow], protocol: Protocol,
               metrics: Sequence[MetricRecord], scope: str = "all cases") -> list[str]:
    """A warning where a bootstrap interval rests on so few resampling units (patients, or
    cases) that it can draw fewer different resamples than the protocol asks for: K units
    give C(2K-1, K) (3 patients: 10), and the percentile interval is then a coarse
    reading of a handful of values, however many images the patients hold. Cases of a
    classification are resampled within each reference class (the tasks' strata): the
    product of each class's count (4 positives and 4 negatives: 35 x 35 = 1225).
    ``scope`` names the cases' scope: "all cases", or a subgroup (``site=B``), whose
    intervals rest on its own units."""
    statistics = protocol.statistics
    by_patient = statistics.resampling_unit == "patient"
    units = len({nfc_id(row.patient_id) for row in rows}) if by_patient else len(rows)
    boot = [m.name for m in metrics if m.estimate.method.startswith("bootstrap")
            and not math.isnan(m.estimate.low)]  # an undefined one has its own note
    if units < 2 or not boot:
        return []  # none or one unit: each interval's own note says it is undefined
    stratified = not by_patient and protocol.task.type in _STRATIFIED
    binary = protocol.task.type == "binary-classification"  # its truth is bool(reference)
    strata = Counter(bool(row.values["reference"]) if binary else row.values["reference"]
                     for row in rows) if stratified else Counter({"": units})
    drawn = _multisets(strata.values(), statistics.n_resamples)
    if drawn >= statistics.n_resamples:
        return []
    kind = "patients" if by_patient else "cases"
    return [f"{scope}: {units} {kind}: a bootstrap resampling them can draw only "
            f"{drawn} different resamples, fewer than the "
            f"{statistics.n_resamples} asked for, so the bootstrap intervals "
            f"({', '.join(boot)}) rest on {units} {kind} and say little beyond them"]


#: Tasks whose bootstrap resamples cases within each reference class (when not by patient).
_STRATIFIED = frozenset({"binary-classification", "multiclass-classification"})


def _multisets(sizes: Iterable[int], enough: int) -> int:
    """How many different resamples with replacement groups of these sizes give, each
    resampled alone: the product of C(2n-1, n); counted only up to ``enough``."""
    drawn = 1
    for n in sizes:
        # C(2n-1, n) >= 2**(n-1): a group of n past log2(enough) + 1 is enough alone
        drawn *= enough if n > enough.bit_length() + 1 else math.comb(2 * n - 1, n)
        if drawn >= enough:
            return drawn
    return drawn

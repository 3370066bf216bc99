"""``medeval evaluate`` and ``medeval run``: evaluate, write the result, print its summary.

Both entry points — a protocol with its predictions (or its algorithm, run in the
sandbox), and two tables — go through the one evaluation engine and print the one
summary (:mod:`medeval.cli.summary`). When every case failed, nothing of the algorithm was
measured: the result is still written, the reasons are printed on stderr and the exit
status is 3.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .._terminal_text import say
from ..errors import InvalidInputError, TableError
from ..stats._proportion_methods import PROPORTION_METHODS
from ._flag_names import EVALUATE, as_flags
from ._usage import UsageError, names_a_folder

if TYPE_CHECKING:  # pragma: no cover
    from ..result import Result

__all__ = ["add"]

#: Exit status of an evaluation in which every case failed.
ALL_FAILED = 3


def add(commands: Any) -> None:
    """The ``evaluate`` and ``run`` subcommands."""
    evaluate = commands.add_parser(
        "evaluate", help="evaluate predictions: as a protocol says, or two tables",
        description="With PROTOCOL.toml: evaluate a predictions directory (a pre-check on "
        "existing outputs; for a classification or measurement task also one table, "
        "case_id,score, case_id,label, case_id,score@<label>,... or case_id,value) as the "
        "protocol prescribes, writing OUT/result.json. Without it: "
        "join --reference and --predictions tables on the case id, call 'score >= "
        "threshold' positive, and write the result JSON (with its per-case CSV and "
        "fingerprint).",
    )
    evaluate.add_argument("protocol", nargs="?", type=Path, metavar="PROTOCOL.toml")
    evaluate.add_argument("--reference", type=Path, metavar="REF.csv")
    evaluate.add_argument("--predictions", type=Path, metavar="PRED.csv|DIR")
    evaluate.add_argument("--threshold", type=float)
    # as typed: without a protocol, "out/" names a folder, where the result file goes
    evaluate.add_argument("--out", required=True, metavar="RESULT.json|DIR")
    evaluate.add_argument("--workers", type=_workers, default=None, metavar="N",
                          help="processes scoring the cases (default: every core)")
    _add_options(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    run = commands.add_parser(
        "run", help="the certified flow: run the protocol's algorithm, evaluate, write",
        description="Run the algorithm the protocol names on its held-out set in the "
        "sandbox (OUT/run, resumable), evaluate as the protocol prescribes, and write "
        "OUT/result.json with its per-case CSV and fingerprint.",
    )
    run.add_argument("protocol", type=Path, metavar="PROTOCOL.toml")
    run.add_argument("--out", required=True, type=Path, metavar="DIR")
    run.add_argument("--workers", type=_workers, default=None, metavar="N",
                     help="processes scoring the outputs once they are made (default: "
                     "every core); the algorithm's own workers are the protocol's "
                     "[runner] workers")
    run.add_argument("--fresh", action="store_true",
                     help="start OUT/run over instead of resuming it (a run of another "
                     "algorithm, limits or set is refused otherwise)")
    run.set_defaults(handler=_run)


#: The two-table options and their defaults, applied only without a protocol: their
#: parser default is None, so that one given with a protocol (which fixes them) is seen.
_TABLE_DEFAULTS: dict[str, Any] = {
    "id_column": "case_id", "label_column": "label", "score_column": "score",
    "patient_column": None, "pos_label": None, "confidence": 0.95,
    "proportion_method": "wilson", "auc_method": "delong", "bootstrap_method": "percentile",
    "n_resamples": 2000, "seed": 0,
}


def _workers(text: str) -> int:
    """``--workers``: a whole number at least 1 (0 was every core, -1 one, unsaid)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"at least 1, not {value} (leave --workers out for one per core)")
    return value


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id-column", help="default: case_id")
    parser.add_argument("--label-column", help="default: label")
    parser.add_argument("--score-column", help="default: score")
    parser.add_argument("--patient-column", default=None,
                        help="the patient of each case: bootstrap intervals resample "
                             "patients, and where a patient holds several cases the "
                             "proportions' intervals are clustered and the AUC's is "
                             "Obuchowski's")
    parser.add_argument("--pos-label", default=None,
                        help="positive label (default: 1, where the labels are 0/1 or -1/1)")
    parser.add_argument("--confidence", type=float, help="default: 0.95")
    parser.add_argument("--proportion-method", choices=PROPORTION_METHODS,
                        help="default: wilson")
    parser.add_argument("--auc-method", choices=("delong", "bootstrap"),
                        help="default: delong")
    parser.add_argument("--bootstrap-method", choices=("percentile", "bca"),
                        help="default: percentile")
    parser.add_argument("--n-resamples", type=int, help="default: 2000")
    parser.add_argument("--seed", type=int, help="default: 0")


def _table_options_refused(args: argparse.Namespace) -> None:
    """Refuse the two-table options given with a protocol: the protocol fixes the
    threshold, the columns and the statistics, and these were silently left unread (a
    --threshold 0.3 evaluated at the protocol's 0.5)."""
    given = [f"--{name.replace('_', '-')}" for name in ("reference", "threshold",
                                                         *_TABLE_DEFAULTS)
             if getattr(args, name) is not None]
    if given:
        raise UsageError(
            f"evaluate {args.protocol}: {', '.join(given)} "
            f"{'is' if len(given) == 1 else 'are'} for two tables evaluated without a "
            "protocol; a protocol fixes the threshold and the statistics itself ([task], "
            "[statistics]): write them there, or leave the option out")


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    if not args.out:  # Path("") is the current folder, a name the user did not type
        raise UsageError("--out: an empty name; give the result file's name (RESULT.json), "
                         "or a protocol and a folder")
    target = Path(args.out)
    if args.protocol is not None:
        from ..evaluation import evaluate
        from ..protocol import load_protocol
        from ..tasks.registry import task_class

        _table_options_refused(args)
        _out_is_a_folder(target)
        protocol = load_protocol(args.protocol)
        _out_checked(target / "result.json")
        _out_not_running(target)
        # a reader study's protocol names its readings: it needs no predictions
        if args.predictions is None and not task_class(
                protocol.task.type).predictions_in_protocol:
            raise UsageError("evaluate PROTOCOL.toml needs --predictions DIR")
        with _said_if_interrupted("no result was written (it is written once every case "
                                  "is scored); run the same command again"):
            result = evaluate(protocol, args.predictions, workers=args.workers,
                              progress=True)
        return _written(result, target / "result.json", out,
                        notes=_lone_predictions_notes(args.predictions, result))
    missing = [flag for flag, value in (("--reference", args.reference),
                                        ("--predictions", args.predictions),
                                        ("--threshold", args.threshold)) if value is None]
    if missing:
        raise UsageError(f"evaluate without a protocol needs {', '.join(missing)}")
    from ..classification_tables import evaluate_classification

    for name, default in _TABLE_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    _out_checked(target, typed=args.out)
    _out_not_running(target.parent)  # a run's folder: its result.json would replace this

    try:
        result = evaluate_classification(
            args.reference, args.predictions, threshold=args.threshold,
            id_column=args.id_column, label_column=args.label_column,
            score_column=args.score_column, patient_column=args.patient_column,
            pos_label=None if args.pos_label is None else _label(args.pos_label),
            confidence=args.confidence,
            proportion_method=args.proportion_method, auc_method=args.auc_method,
            bootstrap_method=args.bootstrap_method, n_resamples=args.n_resamples,
            seed=args.seed,
        )
    except TableError as exc:
        raise TableError(as_flags(_with_column_flags(str(exc), args), EVALUATE)) from None
    except InvalidInputError as exc:
        raise InvalidInputError(as_flags(str(exc), EVALUATE)) from None
    return _written(result, target, out)


def _with_column_flags(message: str, args: argparse.Namespace) -> str:
    """A table's missing column answered with this command's flags, which name the
    columns read, in place of the library's 'the id/label/score options'."""
    from ..loaders.tables import COLUMNS_HINT

    if f"({COLUMNS_HINT})" not in message:
        return message
    reference = message.startswith("reference table")
    flags = ["--id-column", "--label-column" if reference else "--score-column"]
    if reference and args.patient_column:
        flags.append("--patient-column")
    return message.replace(f"({COLUMNS_HINT})", f"(give the table's own column names with "
                                                f"{', '.join(flags[:-1])} and {flags[-1]})")


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from ..evaluation import evaluate
    from ..runner.run_lock import run_dir_lock

    # OUT whole, not only OUT/run while the algorithm runs: a second run into OUT while
    # this one scores would write its result files among this one's, or with --fresh
    # remove the predictions this one is reading
    _out_is_a_folder(args.out)
    with run_dir_lock(args.out):
        if not args.fresh and (kept := _kept_result(args.protocol, args.out,
                                                    args.workers)) is not None:
            return _kept(kept, args.out, out, notes=_run_notes(
                args.out / "run", binds=_plugin_folder(args.protocol)))
        with _said_if_interrupted(f"no result was written; what the run predicted is kept "
                                  f"in {args.out / 'run'}: run the same command again to "
                                  "resume it and evaluate"):
            result = evaluate(args.protocol, run_dir=args.out / "run",
                              workers=args.workers, progress=True, fresh=args.fresh)
        return _written(result, args.out / "result.json", out,
                        notes=_run_notes(args.out / "run", resumed=not args.fresh,
                                         binds=_plugin_folder(args.protocol)))


def _kept_result(protocol_path: Path, folder: Path, workers: int | None) -> Result | None:
    """``OUT/result.json`` where it is already what this ``medeval run`` would write: its
    run finished and unchanged since (:func:`~medeval.finished_run.kept_result`)."""
    from ..finished_run import kept_result
    from ..protocol import load_protocol

    return kept_result(load_protocol(protocol_path), folder, workers=workers, progress=True)


def _kept(result: Result, folder: Path, out: TextIO, notes: Sequence[str] = ()) -> int:
    """Print the summary of the result left as it was (and the runner's ``notes`` on its
    failed cases under it, as when it was written), saying so; the exit status (3 when
    every case failed, as when it was written)."""
    from .summary import all_failed, summary

    path = folder / "result.json"
    out.write(summary(result, path))
    out.write("".join(f"{note}\n" for note in notes))
    out.write(f"  note: {path} is already this run's result: the run in {folder / 'run'} "
              "finished and is unchanged since, under the same protocol file, held-out set, "
              "algorithm and medeval; nothing was run again, its evaluation again gave the "
              "same content (fingerprint), and the result is left as it was, byte for byte "
              "(a certificate rendered from it still verifies). --fresh runs every case "
              f"again; to write the result again, remove {path}\n")
    message = all_failed(result)
    if message is None:
        return 0
    say(message)
    return ALL_FAILED


def _plugin_folder(protocol_path: Path) -> tuple[str, ...] | None:
    """The folder of the protocol's file plugin (``algo/scorer.py:Class``, from the
    protocol's folder), which the sandbox shows; None for another kind of algorithm."""
    from ..errors import MedevalError
    from ..protocol import load_protocol

    try:
        plugin = load_protocol(protocol_path, check_manifest=False).algorithm.plugin
    except (OSError, MedevalError):
        return None
    file = plugin.rpartition(":")[0] if isinstance(plugin, str) else ""
    if not file.endswith(".py"):
        return None
    return (str((Path(protocol_path).parent / file).resolve().parent),)


def _run_notes(run_dir: Path, *, resumed: bool = False,
               binds: tuple[str, ...] | None = None) -> list[str]:
    """The runner's advice on the run's failed cases (a GPU asked for where the run gives
    none, the network in the sandbox), as medeval predict prints it; with ``resumed``,
    first how many cases this session took from the earlier run in the folder, unrun
    (a second ``medeval run`` into a finished folder runs nothing and said nothing).
    ``binds``: the algorithm's folders, where a file opened by a relative path lies."""
    import json

    from .predict import runner_notes

    try:
        data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    kept = data.get("resumed")
    first = []
    if resumed and isinstance(kept, int) and kept > 0:
        ran = int(data.get("cases", 0)) - kept - len(data.get("not_run") or ())
        first.append(f"  note: resumed {kept} case(s) finished by the earlier run in {run_dir} "
                     f"(same algorithm, limits, set, medeval), not run again; ran {ran} now "
                     "(--fresh runs every case again)")
    return first + runner_notes(data, binds)


def _lone_predictions_notes(predictions: Path | None, result: Result) -> list[str]:
    """A note where ``predictions`` is a finished run's ``predictions`` folder, given
    alone, and cases its runner failed are read as missing files: the runner's reasons
    (exception, timeout, ...) are in the run folder, which evaluates them as such. For a
    run folder, the runner's advice on its failed cases (:func:`_run_notes`)."""
    import json

    if predictions is not None and (Path(predictions) / "summary.json").is_file():
        return _run_notes(Path(predictions))  # a run folder: as medeval run notes it
    if predictions is None or Path(predictions).name != "predictions":
        return []
    run_dir = Path(predictions).parent
    try:
        data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    failures = data.get("failures") if isinstance(data, dict) else None
    if not isinstance(failures, dict):
        return []
    lost = [(case.case_id, str((failures.get(case.case_id) or {}).get("reason")))
            for case in result.failures.cases
            if case.reason == "missing-output" and case.case_id in failures]
    if not lost:
        return []
    shown = ", ".join(f"{case_id}: {reason}" for case_id, reason in lost[:3])
    return [f"  note: {len(lost)} case(s) that the runner failed ({shown}"
            f"{', ...' if len(lost) > 3 else ''}) are read here as missing-output, without "
            f"its reasons: give the run folder, --predictions {run_dir}, to evaluate them "
            "with the runner's reasons and its record of the algorithm"]


def _out_checked(target: Path, *, typed: str | None = None) -> None:
    """Refuse, before evaluating, a ``--out`` no result can be written to: a folder
    where the result file goes (or ``typed`` names one, ``out/``, which need not exist),
    or a file where a folder above it should be (an evaluation of many cases would end in
    the error)."""
    from ..result import result_names_problem

    if target.is_dir() or (typed is not None and names_a_folder(typed)):
        raise UsageError(f"--out {typed or target}: a folder; give the result file's name "
                         "(RESULT.json), or a protocol and a folder")
    problem = result_names_problem(target)
    if problem is not None:
        raise UsageError(f"--out: {problem}")
    for folder in target.parents:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise UsageError(f"--out: {folder} is a file, where the result's folder "
                                 f"should be ({target}); give a path in a folder")
            return


def _out_is_a_folder(folder: Path) -> None:
    """Refuse a file's name (``result.json``) where a protocol's evaluation writes a folder:
    ``--out result.json`` made a folder of that name holding ``result.json`` (a user
    looking for the file found a folder). A folder already named so is taken."""
    if folder.suffix.lower() == ".json" and not folder.is_dir():
        raise UsageError(f"--out {folder}: with a protocol, --out names a folder (it "
                         "receives result.json, its cases CSV and digest, and a run's "
                         f"outputs); give a folder, e.g. --out {folder.with_suffix('')}/")


def _out_not_running(folder: Path) -> None:
    """Refuse a ``--out`` folder that a ``medeval run`` holds now: its result files,
    written when that run ends, would replace this one's (or be mixed with them)."""
    from ..runner.run_lock import run_dir_holder

    holder = run_dir_holder(folder)
    if holder is not None:
        raise UsageError(f"--out {folder}: a medeval run is writing there now (process "
                         f"{holder}); its result files would replace this one's: give "
                         "another folder, or evaluate once that run has ended")


@contextmanager
def _said_if_interrupted(kept: str) -> Iterator[None]:
    """Ctrl-C outside the runner (hashing the set, scoring 37,500 masks for minutes) said
    nothing: the prompt came back, and whether anything was kept went unsaid. The runner
    says what it kept itself (its exception is marked so)."""
    try:
        yield
    except KeyboardInterrupt as exc:
        if not getattr(exc, "said_what_was_kept", False):
            say(f"medeval: interrupted: {kept}")
        raise


def _written(result: Result, target: Path, out: TextIO, notes: Sequence[str] = ()) -> int:
    """Write the result, print its summary (and ``notes`` under it); the exit status (3
    when every case failed)."""
    from ..result import write_result
    from .summary import all_failed, summary

    path = write_result(result, target)
    out.write(summary(result, path))
    out.write("".join(f"{note}\n" for note in notes))
    message = all_failed(result)
    if message is None:
        return 0
    say(message)
    return ALL_FAILED


def _label(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text

"""``medeval predict``: run an algorithm on a held-out set in the sandbox."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from .._terminal_text import say

__all__ = ["add"]


def add(commands: Any) -> None:
    """The ``predict`` subcommand."""
    predict = commands.add_parser(
        "predict", help="run an algorithm on a held-out set in a sandbox, writing predictions",
        description="Run a submitted algorithm (a Python plugin or a command) on every case "
        "of MANIFEST, each case in a sandbox that sees only its inputs, and write "
        "RUN_DIR/predictions/, run.jsonl and summary.json. Running again into the same "
        "RUN_DIR resumes the same run (algorithm, limits, set and medeval version alike; "
        "otherwise it is refused, and --fresh starts over). Exit code 0 when the run "
        "completed, failed cases included.",
    )
    which = predict.add_mutually_exclusive_group(required=True)
    which.add_argument("--algorithm", metavar="SPEC",
                       help="package.module:Class, path/to/file.py:Class, or an entry point "
                       "of group medeval.algorithms")
    which.add_argument("--command", metavar="CMD", dest="command_line",
                       help="a command run once per case, as a program with its arguments (not "
                       "by a shell: no &&, |, >): reads /input, writes /output")
    predict.add_argument("--manifest", required=True, type=Path, metavar="MANIFEST.csv")
    predict.add_argument("--reference-kind", choices=("file", "annotations-2d", "label"),
                         default=None,
                         help="what the reference column holds (default: told from the "
                         "references: annotations-2d if one names a file before '#', "
                         "else file if one names a file or folder, else label); label for "
                         "class names that are also folder names")
    predict.add_argument("--out", required=True, type=Path, metavar="RUN_DIR")
    predict.add_argument("--workers", type=int, default=1,
                         help="worker processes, each loading the algorithm once "
                         "(default: %(default)s)")
    predict.add_argument("--gpus", type=_gpus, default="all", metavar="all|none|0,1,...",
                         help="NVIDIA GPUs to use, numbered as nvidia-smi numbers them: "
                         "each worker is given one (round robin; more workers than GPUs "
                         "share them) and its sandbox shows only that one; all (default): "
                         "every GPU of the host, none on a host without")
    predict.add_argument("--timeout-s", type=float, default=60.0,
                         help="seconds per case (default: %(default)g)")
    predict.add_argument("--memory-mb", type=_memory, default=4096, metavar="MB|none",
                         help="memory of each worker's whole process tree, in-memory "
                         "folders included (default: %(default)s); none: no limit")
    predict.add_argument("--memory-guard", choices=("auto", "cgroup", "watch"),
                         default="auto", help="how the memory limit is held: a cgroup per "
                         "worker where the host allows one, else watching the tree (auto)")
    predict.add_argument("--max-processes", type=_processes, default=1024, metavar="N|none",
                         help="processes and threads each worker's whole tree may hold at "
                         "once, held by a kernel pids cgroup (default: %(default)s); none: "
                         "no limit")
    predict.add_argument("--address-space-mb", type=int, default=None, metavar="MB",
                         help="also an address-space limit (RLIMIT_AS); off by default, as "
                         "CUDA and torch reserve far more than they use")
    predict.add_argument("--retries", type=int, default=1,
                         help="runs again of a case whose worker was killed from outside "
                         "(infrastructure), default %(default)s")
    predict.add_argument("--output-limit-mb", type=float, default=64.0,
                         help="largest prediction or file a case may write "
                         "(default: %(default)g)")
    predict.add_argument("--setup-timeout-s", type=float, default=120.0,
                         help="seconds to load the algorithm and run setup() "
                         "(default: %(default)g)")
    predict.add_argument("--mode", choices=("pre-check", "certificate"), default="pre-check",
                         help="certificate refuses to run without the sandbox "
                         "(default: %(default)s)")
    predict.add_argument("--isolation", choices=("auto", "bubblewrap", "none"),
                         default="auto", help="auto (default): bubblewrap where it "
                         "works, else none with a warning (a certificate run refuses)")
    predict.add_argument("--executor", choices=("local", "dask"), default="local")
    predict.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="Dask scheduler address (default: a LocalCluster)")
    predict.add_argument("--no-progress", action="store_true", help="no progress bar")
    predict.add_argument("--fresh", action="store_true",
                         help="start over: remove the earlier run's predictions, run.jsonl "
                         "and summary.json in RUN_DIR instead of resuming it")
    predict.set_defaults(handler=_predict)


def _predict(args: argparse.Namespace, out: TextIO) -> int:
    import warnings

    from ..runner import resolve_algorithm, run_algorithm
    from ..runner.stop_signals import Stopped

    spec = resolve_algorithm(args.algorithm, command=args.command_line,
                             progress=not args.no_progress)
    manifest: Any = args.manifest
    if args.reference_kind is not None:
        from ..manifest import Manifest

        manifest = Manifest.from_csv(args.manifest, reference_kind=args.reference_kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            summary = run_algorithm(
                manifest, spec, args.out, workers=args.workers, timeout_s=args.timeout_s,
                memory_mb=args.memory_mb, output_limit_mb=args.output_limit_mb,
                memory_guard=args.memory_guard, address_space_mb=args.address_space_mb,
                max_processes=args.max_processes,
                retries=args.retries,
                setup_timeout_s=args.setup_timeout_s, mode=args.mode,
                isolation=args.isolation, executor=args.executor,
                scheduler_address=args.scheduler, progress=not args.no_progress,
                fresh=args.fresh, gpus=args.gpus,
            )
        except Stopped as exc:  # SIGTERM or SIGHUP: the run has said what it kept
            return exc.exit_status
    for warning in caught:
        say(f"medeval: warning: {warning.message}")
    lines = [f"medeval predict - {spec.name} ({args.mode}, isolation: {summary.isolation})",
             f"  cases {summary.cases}: done {summary.done}, failed {summary.failed}",
             _resumed_line(summary, args.fresh)]
    for reason, count in summary.reasons.items():
        lines.append(f"    {reason:<17} {count}")
    lines += _failure_lines(summary.failures, summary.out_dir)
    lines += runner_notes(summary.data, spec.binds) + lfs_notes(summary.failures, spec.binds)
    lines += array_notes(summary.out_dir, summary.data)
    if summary.isolation == "bubblewrap":
        lines += link_notes(summary.failures, spec.binds)
    latency = summary.latency_s
    ran = summary.cases - summary.resumed - len(summary.data.get("not_run", []))
    pace = (f"{summary.throughput_per_s:.1f} cases/s" if ran else
            "no case run now, so no pace")  # a run resumed in full ran nothing
    lines.append(f"  latency per case p50 {latency['p50']:.4f} s, p95 {latency['p95']:.4f} s, "
                 f"max {latency['max']:.4f} s; {pace}")
    devices = (summary.data.get("gpus") or {}).get("workers") or {}
    if any(devices.values()):
        lines += [f"  {worker}: GPU {', '.join(map(str, indices)) or 'none'}"
                  for worker, indices in devices.items()]
    lines.append(f"  run directory {summary.out_dir}")
    out.write("\n".join(lines) + "\n")
    return 0


#: Failed cases listed one by one when there are at most this many; else a few per reason.
_LIST_ALL, _PER_REASON, _DETAIL_CHARS = 20, 3, 240


def _failure_lines(failures: Mapping[str, Mapping[str, Any]], out_dir: Path) -> list[str]:
    """One line per failed case, each detail's first line cut to ``_DETAIL_CHARS``
    (with, for a process that exited, the last line of its stderr).

    An algorithm's exception message can be thousands of characters over many lines, and
    a set tens of thousands of cases: all failures are listed when there are at most
    ``_LIST_ALL``, else the first ``_PER_REASON`` of each reason (so that a rare reason is
    not hidden among a common one) and a line saying where the rest are.
    """
    shown: dict[str, int] = {}
    lines = []
    for case_id, failure in failures.items():
        reason = failure["reason"]
        if len(failures) > _LIST_ALL and shown.get(reason, 0) >= _PER_REASON:
            continue
        shown[reason] = shown.get(reason, 0) + 1
        text = str(failure["detail"])
        first = text.strip().splitlines()[0] if text.strip() else ""
        if len(first) > _DETAIL_CHARS or first != text.strip():
            first = first[:_DETAIL_CHARS].rstrip() + " [...]"
        said = _last_line(str(failure.get("stderr_tail") or ""))
        if reason in ("exit-code", "setup") and said and said not in first:
            first += f"; stderr ends: {said[:_DETAIL_CHARS]}"  # a command's own words
        lines.append(f"  failed {case_id}: {reason}: {first}")
    if len(lines) < len(failures):
        lines.append(f"  ... and {len(failures) - len(lines)} more failed case(s); every "
                     f"failure, with its whole detail and stderr, is in "
                     f"{Path(out_dir) / 'summary.json'} (failures)")
    elif any(line.endswith(" [...]") for line in lines):
        lines.append(f"  whole details and stderr: {Path(out_dir) / 'summary.json'} "
                     "(failures)")
    return lines


def runner_notes(data: Any, binds: Any = None) -> list[str]:
    """Lines of advice under a run's failed cases (``data``: its ``summary.json``): those
    that asked for a GPU in a run that gave none, those that reached for the network
    or wrote where it is read-only in the sandbox, those that import a module the
    runner's Python lacks (a plugin importing in ``predict``, a ``python3`` command), and
    those that load an object pickled by a script run as ``__main__``.
    ``medeval predict`` prints them, and ``medeval run`` under its result. ``binds``: the
    algorithm's folders, where the notes on links out of them (:func:`link_notes`) follow
    (a file reached through such a link is then named there, not here)."""
    from functools import partial

    from ..runner._outside_files import outside_file_hint
    from ..runner._pickled_main import pickled_main_hint
    from ..runner.gpus import no_gpu_hint
    from ..runner.sandbox import missing_module_hint, no_network_hint, read_only_hint

    failures = data.get("failures") or {}
    notes = []
    workers = (data.get("gpus") or {}).get("workers") or {}
    hints = [(no_gpu_hint, "CUDA")] if not any(workers.values()) else []
    if data.get("isolation") == "bubblewrap":
        hints += [(no_network_hint, "Network is unreachable"),
                  (read_only_hint, "Read-only file system"),
                  (partial(outside_file_hint, shown=binds), "")]
    if _in_runner_python(data.get("algorithm") or {}):
        hints.append((missing_module_hint, ""))
    hints.append((pickled_main_hint, ""))
    said = {case_id: f"{failure.get('detail')}\n{failure.get('stderr_tail')}"
            for case_id, failure in failures.items()}
    for hint, words in hints:
        asking = [case_id for case_id, text in said.items() if hint(text)]
        if asking:  # a module is named as the first such case's words name it
            notes.append(_note(asking, hint(words or said[asking[0]])))
    return notes


def _in_runner_python(algorithm: Mapping[str, Any]) -> bool:
    """Whether the algorithm runs in the runner's own Python: a plugin, or a command whose
    program is ``python``, ``python3`` or ``python3.N`` (docs/runner.md, "The program"),
    not another interpreter (a virtual environment's), whose packages are its own."""
    if algorithm.get("kind") != "command":
        return True
    words = str(algorithm.get("target") or "").split(maxsplit=1)
    return bool(words) and re.fullmatch(r"python(3(\.\d+)?)?", words[0]) is not None


#: Predictions looked at for :func:`array_notes` (the first of the run, in case order).
_ARRAY_LOOKS = 20


def array_notes(out_dir: Path, data: Any) -> list[str]:
    """A line of advice where the run's predictions are lists holding one number each
    (``[[0.97]]``): a model's output array returned as it is (``y.numpy()``, onnxruntime's
    ``session.run``), which the runner stores as JSON data and the summary counts as done,
    but which no task reads as a score (only a COCO detector's results are a list).
    ``medeval predict`` prints it; the first :data:`_ARRAY_LOOKS` predictions are read."""
    import json

    files = [(case_id, name) for case_id, written in (data.get("predictions") or {}).items()
             for name in written if name == f"{case_id}.json"][:_ARRAY_LOOKS]
    nested = []
    for case_id, name in files:
        try:
            value = json.loads((Path(out_dir) / "predictions" / name).read_text("utf-8"))
        except (OSError, ValueError):
            return []
        count = _numbers(value) if isinstance(value, list) else None
        if not count:
            return []
        nested.append((case_id, value, count))
    if not nested:
        return []
    case_id, value, _ = nested[0]
    shown = json.dumps(value)
    read = (f"  note: the predictions read ({len(nested)} of {len(data['predictions'])}: "
            f"{', '.join(c for c, _, _ in nested[:3])}{', ...' if len(nested) > 3 else ''}) "
            "are each a list ")
    if all(count == 1 for _, _, count in nested):
        return [f"{read}holding one number ({case_id}: {shown[:60]}): a model's output "
                "array returned as it is? A score is one number (return float(y[0, 0]), or "
                "{\"score\": ...}); only a coco-detection frame's prediction is a list, and "
                "the evaluation fails these cases as invalid-output"]
    return [f"{read}of numbers ({case_id}: {shown[:60]}{'...' if len(shown) > 60 else ''}): "
            "a model's output array returned as it is? No task reads a list of numbers: "
            "binary classification reads one number, the positive class's score "
            "(float(probs[1])), multi-class {\"label\": ...}, a label of the protocol, and "
            "a mask is a file (prediction.png in case.output_dir); the evaluation fails "
            "these cases"]


def _numbers(value: Any) -> int | None:
    """How many numbers ``value``, lists within lists, holds when it holds numbers and
    nothing else (at least one); None otherwise (a COCO results list holds objects).
    Walked without recursion: a list nested some hundreds deep, which JSON and the
    runner take, stopped medeval predict with Python's RecursionError."""
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list) and item:
            pending.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            count += 1
        else:  # an object, text, or an empty list anywhere
            return None
    return count


def lfs_notes(failures: Any, binds: Any) -> list[str]:
    """A line of advice under the cases the algorithm failed (its exception, exit code or
    setup) where its files hold Git LFS pointers instead of the files: a command, or a
    plugin loading its model in ``predict``, fails each case rather than its loading,
    whose message names them already."""
    from ..runner._lfs import lfs_pointer_hint

    failed = [case_id for case_id, failure in failures.items()
              if failure["reason"] in ("exception", "exit-code", "setup")]
    hint = lfs_pointer_hint(binds) if failed else ""
    return [_note(failed, hint)] if hint else []


def link_notes(failures: Any, binds: Any) -> list[str]:
    """A line of advice under the cases the algorithm failed where its files hold symbolic
    links whose targets the sandbox does not show (a command, or a plugin loading its
    model in ``predict``; a plugin loading it in ``setup()`` is told when it stops)."""
    from ..runner._links import outside_links_hint

    failed = [case_id for case_id, failure in failures.items()
              if failure["reason"] in ("exception", "exit-code", "setup")]
    hint = outside_links_hint(binds) if failed else ""
    return [_note(failed, hint)] if hint else []


def _note(cases: list[str], advice: str) -> str:
    """A ``note:`` line naming the first three of ``cases``."""
    return (f"  note: {len(cases)} failed case(s) ({', '.join(cases[:3])}"
            f"{', ...' if len(cases) > 3 else ''}): {advice}")


def _last_line(text: str) -> str:
    """The last line of ``text`` that holds more than blanks."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _resumed_line(summary: Any, fresh: bool) -> str:
    ran = summary.cases - summary.resumed - len(summary.data.get("not_run", []))
    if fresh:
        return f"  started over (--fresh): ran {ran} case(s)"
    if summary.resumed:
        return (f"  resumed {summary.resumed} case(s) finished by the earlier run in this "
                f"run directory (same algorithm, limits, set, medeval); ran {ran} now")
    return f"  ran {ran} case(s); nothing to resume"


def _gpus(text: str) -> str | tuple[int, ...]:
    """``--gpus``: all, none, or GPU numbers separated by commas."""
    from ..errors import RunnerError
    from ..runner.gpus import parse_gpus

    try:
        return parse_gpus(text)
    except RunnerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _memory(text: str) -> int | None:
    """``--memory-mb``: a number of MB, or ``none`` for no limit."""
    if text.strip().lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of MB or 'none', not {text!r}") from None
    if value < 64:
        raise argparse.ArgumentTypeError(f"at least 64 MB, not {value}")
    return value


def _processes(text: str) -> int | None:
    """``--max-processes``: a number of tasks (processes and threads), or ``none``."""
    if text.strip().lower() == "none":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of processes or 'none', not "
                                         f"{text!r}") from None
    if value < 16:
        raise argparse.ArgumentTypeError(f"at least 16 (the sandbox and the worker need "
                                         f"that many), not {value}")
    return value

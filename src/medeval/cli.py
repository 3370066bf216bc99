"""The ``medeval`` command line: a thin layer over the public API.

Only this module turns exceptions into exit codes: 0 success, 1 verification failed,
2 bad input or usage (a ``MedevalError``, message on stderr).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import MedevalError, ResultError
from .result import Result, verify_result, write_result
from .stats.intervals import PROPORTION_METHODS
from .tasks.binary_classification import evaluate_classification

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result: int = args.handler(args, sys.stdout)
        return result
    except ResultError as exc:
        print(f"medeval: verification failed: {exc}", file=sys.stderr)
        return 1
    except MedevalError as exc:
        print(f"medeval: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medeval",
        description="Evaluate medical AI software to a testing laboratory's standard.",
    )
    parser.add_argument("--version", action="version", version=f"medeval {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    evaluate = commands.add_parser(
        "evaluate", help="evaluate binary classification scores against reference labels",
        description="Join REF and PRED on the case id, call 'score >= threshold' positive, "
        "and write the result JSON (with its per-case CSV and fingerprint).",
    )
    evaluate.add_argument("--reference", required=True, type=Path, metavar="REF.csv")
    evaluate.add_argument("--predictions", required=True, type=Path, metavar="PRED.csv")
    evaluate.add_argument("--threshold", required=True, type=float)
    evaluate.add_argument("--out", required=True, type=Path, metavar="RESULT.json")
    _add_options(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    demo = commands.add_parser(
        "demo", help="evaluate the demo data set the package ships and print the summary"
    )
    demo.add_argument("--out", type=Path, default=Path("medeval-demo") / "result.json",
                      metavar="RESULT.json", help="default: %(default)s")
    demo.set_defaults(handler=_demo)

    verify = commands.add_parser(
        "verify", help="check a result JSON and its per-case CSV against their fingerprint"
    )
    verify.add_argument("result", type=Path, metavar="RESULT.json")
    verify.set_defaults(handler=_verify)
    _add_predict(commands)
    return parser


def _add_predict(commands: Any) -> None:
    predict = commands.add_parser(
        "predict", help="run an algorithm on a held-out set in a sandbox, writing predictions",
        description="Run a submitted algorithm (a Python plugin or a command) on every case "
        "of MANIFEST, each case in a sandbox that sees only its inputs, and write "
        "RUN_DIR/predictions/, run.jsonl and summary.json. Running again into the same "
        "RUN_DIR resumes. Exit code 0 when the run completed, failed cases included.",
    )
    which = predict.add_mutually_exclusive_group(required=True)
    which.add_argument("--algorithm", metavar="SPEC",
                       help="package.module:Class, path/to/file.py:Class, or an entry point "
                       "of group medeval.algorithms")
    which.add_argument("--command", metavar="CMD", dest="command_line",
                       help="a command run once per case: reads /input, writes /output")
    predict.add_argument("--manifest", required=True, type=Path, metavar="MANIFEST.csv")
    predict.add_argument("--out", required=True, type=Path, metavar="RUN_DIR")
    predict.add_argument("--workers", type=int, default=1)
    predict.add_argument("--timeout-s", type=float, default=60.0, help="per case")
    predict.add_argument("--memory-mb", type=int, default=4096,
                         help="address-space limit of each worker (default: %(default)s)")
    predict.add_argument("--output-limit-mb", type=float, default=64.0)
    predict.add_argument("--setup-timeout-s", type=float, default=120.0)
    predict.add_argument("--mode", choices=("pre-check", "certificate"), default="pre-check",
                         help="certificate refuses to run without the sandbox")
    predict.add_argument("--isolation", choices=("auto", "bubblewrap", "none"),
                         default="auto")
    predict.add_argument("--executor", choices=("local", "dask"), default="local")
    predict.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="Dask scheduler address (default: a LocalCluster)")
    predict.add_argument("--no-progress", action="store_true", help="no progress bar")
    predict.set_defaults(handler=_predict)


def _predict(args: argparse.Namespace, out: TextIO) -> int:
    import warnings

    from .runner import resolve_algorithm, run_algorithm

    spec = resolve_algorithm(args.algorithm, command=args.command_line)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = run_algorithm(
            args.manifest, spec, args.out, workers=args.workers, timeout_s=args.timeout_s,
            memory_mb=args.memory_mb, output_limit_mb=args.output_limit_mb,
            setup_timeout_s=args.setup_timeout_s, mode=args.mode, isolation=args.isolation,
            executor=args.executor, scheduler_address=args.scheduler,
            progress=not args.no_progress,
        )
    for warning in caught:
        print(f"medeval: warning: {warning.message}", file=sys.stderr)
    lines = [f"medeval predict - {spec.name} ({args.mode}, isolation: {summary.isolation})",
             f"  cases {summary.cases}: done {summary.done}, failed {summary.failed}"
             + (f" ({summary.resumed} from the interrupted run)" if summary.resumed else "")]
    for reason, count in summary.reasons.items():
        lines.append(f"    {reason:<17} {count}")
    for case_id, failure in summary.failures.items():
        lines.append(f"  failed {case_id}: {failure['reason']}: {failure['detail']}")
    latency = summary.latency_s
    lines.append(f"  latency per case p50 {latency['p50']:.4f} s, p95 {latency['p95']:.4f} s, "
                 f"max {latency['max']:.4f} s; {summary.throughput_per_s:.1f} cases/s")
    lines.append(f"  run directory {summary.out_dir}")
    out.write("\n".join(lines) + "\n")
    return 0


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id-column", default="case_id")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--score-column", default="score")
    parser.add_argument("--patient-column", default=None,
                        help="resample patients, not cases, in the bootstrap")
    parser.add_argument("--pos-label", default="1", help="positive label (default: 1)")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--proportion-method", choices=PROPORTION_METHODS, default="wilson")
    parser.add_argument("--auc-method", choices=("delong", "bootstrap"), default="delong")
    parser.add_argument("--bootstrap-method", choices=("percentile", "bca"),
                        default="percentile")
    parser.add_argument("--n-resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    result = evaluate_classification(
        args.reference, args.predictions, threshold=args.threshold,
        id_column=args.id_column, label_column=args.label_column,
        score_column=args.score_column, patient_column=args.patient_column,
        pos_label=_label(args.pos_label), confidence=args.confidence,
        proportion_method=args.proportion_method, auc_method=args.auc_method,
        bootstrap_method=args.bootstrap_method, n_resamples=args.n_resamples,
        seed=args.seed,
    )
    path = write_result(result, args.out)
    out.write(summary(result, path))
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    data = resources.files("medeval") / "demo"
    with resources.as_file(data / "references.csv") as ref, resources.as_file(
        data / "predictions.csv"
    ) as pred:
        result = evaluate_classification(ref, pred, threshold=0.5)
    # Name the shipped files by their place in the package, not on this disk, so the
    # demo's result is the same bytes wherever medeval is installed.
    result = replace(result, inputs=tuple(
        replace(item, source=f"medeval/demo/{Path(item.source).name}")
        for item in result.inputs
    ))
    path = write_result(result, args.out)
    out.write("medeval demo: 369 held-out breast-mass cases (Breast Cancer Wisconsin "
              "Diagnostic, CC BY 4.0),\nscored by a logistic regression fitted on other "
              "cases; threshold 0.5.\n\n")
    out.write(summary(result, path))
    return 0


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    fingerprint = verify_result(args.result)
    out.write(f"OK  {args.result}  sha256:{fingerprint}\n")
    return 0


def _label(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def summary(result: Result, path: Path | None = None) -> str:
    """A readable summary of a classification result: inputs, 2×2 table, metrics."""
    lines = [f"medeval {result.software.get('medeval', '')} - {result.task} ({result.mode})"]
    for item in result.inputs:
        lines.append(f"  {item.role:<12} {item.source}  ({item.rows} rows, sha256 "
                     f"{(item.sha256 or '-')[:16]}...)")
    params = result.parameters
    level = f"{params['confidence'] * 100:g}%"
    lines.append(f"  threshold {params['threshold']:g} ({params['decision_rule']}); "
                 f"{level} confidence intervals")
    cm = result.tables["confusion_matrix"]
    width = max(len(str(v)) for v in cm.values()) + 2
    lines += [
        "",
        f"  {'':<20}{'predicted +':>{width + 10}}{'predicted -':>{width + 10}}",
        f"  {'reference +':<20}{'TP ' + str(cm['tp']):>{width + 10}}"
        f"{'FN ' + str(cm['fn']):>{width + 10}}",
        f"  {'reference -':<20}{'FP ' + str(cm['fp']):>{width + 10}}"
        f"{'TN ' + str(cm['tn']):>{width + 10}}",
        "",
        f"  {'metric':<19} {'value':>8}  {level + ' CI':<19} {'n':>11}  method",
    ]
    for record in result.metrics:
        est = record.estimate
        n = f"{est.numerator}/{est.n}" if est.numerator is not None else str(est.n)
        ci = f"{_num(est.low)} - {_num(est.high)}"
        lines.append(f"  {record.name:<19} {_num(est.value):>8}  {ci:<19} {n:>11}  {est.method}")
    if result.warnings:
        lines += ["", "  warnings:"] + [f"    {w}" for w in result.warnings]
    lines.append("")
    if path is not None:
        lines.append(f"  result       {path}")
        lines.append(f"  fingerprint  sha256:{result.fingerprint}")
    return "\n".join(lines) + "\n"


def _num(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4f}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

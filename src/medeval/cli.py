"""The ``medeval`` command line: a thin layer over the public API.

Only this module turns exceptions into exit codes: 0 success, 1 verification failed,
2 bad input or usage (a ``MedevalError``, message on stderr).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

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
    if not getattr(args, "command", None) or not hasattr(args, "handler"):
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
        "evaluate", help="evaluate predictions: as a protocol says, or two tables",
        description="With PROTOCOL.toml: evaluate a predictions directory (a pre-check on "
        "existing outputs) as the protocol prescribes, writing OUT/result.json. Without it: "
        "join --reference and --predictions tables on the case id, call 'score >= "
        "threshold' positive, and write the result JSON (with its per-case CSV and "
        "fingerprint).",
    )
    evaluate.add_argument("protocol", nargs="?", type=Path, metavar="PROTOCOL.toml")
    evaluate.add_argument("--reference", type=Path, metavar="REF.csv")
    evaluate.add_argument("--predictions", type=Path, metavar="PRED.csv|DIR")
    evaluate.add_argument("--threshold", type=float)
    evaluate.add_argument("--out", required=True, type=Path, metavar="RESULT.json|DIR")
    evaluate.add_argument("--workers", type=int, default=None)
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
    run.add_argument("--workers", type=int, default=None, help="cores scoring cases")
    run.set_defaults(handler=_run)

    protocol = commands.add_parser("protocol", help="check a protocol; print its JSON Schema")
    protocol_commands = protocol.add_subparsers(dest="protocol_command", metavar="ACTION")
    check = protocol_commands.add_parser("check", help="validate a protocol, listing every "
                                         "problem with its key path")
    check.add_argument("protocol", type=Path, metavar="PROTOCOL.toml")
    check.set_defaults(handler=_protocol_check)
    schema = protocol_commands.add_parser("schema", help="print the protocol's JSON Schema")
    schema.set_defaults(handler=_protocol_schema)

    size = commands.add_parser(
        "sample-size", help="cases needed: for a fair chance of passing a goal under the "
        "guarded rule (--goal, exact binomial), or for a CI half-width (--half-width, "
        "Buderer 1996)",
        description="Plan a test set. With --goal (or --protocol): the cases a device as "
        "good as --expected needs to PASS the goal with probability --power under the "
        "guarded rule, exactly as medeval will judge it. With --half-width: Buderer's "
        "cases to estimate the measure within +/- the half-width.")
    size.add_argument("--expected", required=True, type=float,
                      help="expected sensitivity or specificity, e.g. 0.95")
    target = size.add_mutually_exclusive_group(required=True)
    target.add_argument("--goal", type=float, help="the criterion's goal, e.g. 0.90")
    target.add_argument("--protocol", type=Path, metavar="PROTOCOL.toml",
                        help="take the goal, CI method and confidence from the protocol's "
                        "criterion on --measure")
    target.add_argument("--half-width", type=float, help="e.g. 0.05 (Buderer)")
    size.add_argument("--power", type=float, default=0.8,
                      help="wanted probability of PASS at the expected value (default 0.8)")
    size.add_argument("--method", choices=PROPORTION_METHODS, default="wilson",
                      help="the protocol's proportion interval (default wilson)")
    size.add_argument("--prevalence", type=float,
                      help="expected prevalence, e.g. 0.2 (required with --half-width)")
    size.add_argument("--confidence", type=float, default=0.95)
    size.add_argument("--measure", choices=("sensitivity", "specificity"),
                      default="sensitivity")
    size.set_defaults(handler=_sample_size)

    demo = commands.add_parser(
        "demo", help="run the whole certified flow on the data and example algorithms "
        "medeval ships; write results, certificates (ko+en) and HTML reports",
    )
    demo.add_argument("--out", type=Path, default=Path("medeval-demo"), metavar="DIR",
                      help="default: %(default)s")
    demo.add_argument("--pre-check", action="store_true",
                      help="pre-check mode: runs without the bubblewrap sandbox")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")
    demo.set_defaults(handler=_demo)

    verify = commands.add_parser(
        "verify", help="check a result (and its certificate PDF) against the fingerprints",
        description="Recompute the result's fingerprint and file hashes; with CERT.pdf, check "
        "that the certificate prints this result and that its bytes and signature are "
        "intact. Exit 1 naming every difference.",
    )
    verify.add_argument("result", type=Path, metavar="RESULT.json")
    verify.add_argument("pdf", nargs="?", type=Path, metavar="CERT.pdf")
    verify.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="the report info the certificate was rendered with")
    verify.add_argument("--trust", type=Path, action="append", default=[],
                        metavar="CA.pem", help="a certificate to trust for signatures")
    verify.set_defaults(handler=_verify)

    report = commands.add_parser(
        "report", help="render the certificate PDF (and HTML) from a result JSON",
        description="Render the test certificate from the result JSON alone: Korean, English "
        "or both, every font embedded, the same bytes for the same result; optionally "
        "PDF/A-2b and a PAdES signature (the 'archival' extra).",
    )
    report.add_argument("result", type=Path, metavar="RESULT.json")
    report.add_argument("--out", required=True, type=Path, metavar="CERT.pdf")
    report.add_argument("--lang", choices=("ko+en", "ko", "en"), default="ko+en")
    report.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="report number, signatories, accreditation ... (see docs)")
    report.add_argument("--html", type=Path, metavar="OUT.html")
    report.add_argument("--pdfa", action="store_true", help="PDF/A-2b (needs pikepdf)")
    report.add_argument("--sign", type=Path, metavar="KEY.pem", help="sign with this key")
    report.add_argument("--cert", type=Path, metavar="CERT.pem", help="the signer's certificate")
    report.add_argument("--chain", type=Path, action="append", default=[], metavar="CA.pem")
    report.set_defaults(handler=_report)
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


class UsageError(MedevalError, ValueError):
    """A command line that cannot be carried out as given."""


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from .evaluation import evaluate

    result = evaluate(args.protocol, run_dir=args.out / "run", workers=args.workers,
                      progress=True)
    path = write_result(result, args.out / "result.json")
    out.write(protocol_summary(result, path))
    return 0


def _protocol_check(args: argparse.Namespace, out: TextIO) -> int:
    from .protocol import load_protocol

    protocol = load_protocol(args.protocol)
    out.write(f"OK  {args.protocol}  {protocol.test.id} ({protocol.task.type}, "
              f"{len(protocol.criteria)} criteria)  sha256:{protocol.sha256}\n")
    return 0


def _protocol_schema(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from .protocol import protocol_schema

    out.write(json.dumps(protocol_schema(), indent=2, sort_keys=True, ensure_ascii=False))
    out.write("\n")
    return 0


def _sample_size(args: argparse.Namespace, out: TextIO) -> int:
    from .stats import cases_to_pass, sample_size

    if args.half_width is not None:
        if args.prevalence is None:
            raise MedevalError("sample-size: --half-width needs --prevalence (e.g. 0.2)")
        plan = sample_size(args.expected, half_width=args.half_width,
                           prevalence=args.prevalence, confidence=args.confidence,
                           measure=args.measure)
        out.write(f"{plan.measure} {plan.expected:g} +/- {plan.half_width:g} at "
                  f"{plan.confidence * 100:g}% confidence, prevalence {plan.prevalence:g}: "
                  f"{plan.n_group} {plan.group}, {plan.total} cases in all "
                  f"({plan.method})\n")
        return 0
    goal, method, confidence = args.goal, args.method, args.confidence
    if args.protocol is not None:
        goal, method, confidence = _criterion_of(args.protocol, args.measure)
    passing = cases_to_pass(args.expected, goal, method=method, power=args.power,
                            confidence=confidence, prevalence=args.prevalence,
                            measure=args.measure)
    total = "" if passing.total is None else \
        f"; at prevalence {passing.prevalence:g}, {passing.total} cases in all"
    out.write(
        f"{passing.measure} expected {passing.expected:g}, goal {passing.goal:g}, guarded "
        f"rule, {passing.method} {passing.confidence * 100:g}% interval:\n"
        f"  {passing.n_group} {passing.group}{total}\n"
        f"  PASS needs at least {passing.least_successes} of {passing.n_group} correct; at "
        f"the expected value P(PASS) = {passing.pass_probability:.3f}, P(INCONCLUSIVE) = "
        f"{passing.inconclusive_probability:.3f}, P(FAIL) = {passing.fail_probability:.3g}\n"
        f"  the first size with P(PASS) >= {passing.power:g} is {passing.first_n}; from "
        f"{passing.n_group} on it stays there up to {2 * passing.n_group} (exact binomial; "
        "the power of a proportion rises in a saw-tooth)\n"
        "for the protocol's [dataset] (printed on the certificate):\n"
        f"  sample_size = \"{_rationale(passing)}\"\n")
    return 0


def _rationale(plan: Any) -> str:
    """The plan in one sentence, for the protocol's ``dataset.sample_size``."""
    total = "" if plan.total is None else \
        f" ({plan.total} cases at an expected prevalence of {plan.prevalence:g})"
    return (f"{plan.n_group} {plan.group}{total}: P(PASS) >= {plan.power:g} "
            f"for an expected {plan.measure} of {plan.expected:g} against the goal "
            f"{plan.goal:g} (guarded rule, {plan.method} {plan.confidence * 100:g}% "
            f"interval; exact binomial, medeval {__version__} cases_to_pass)")


def _criterion_of(path: Path, measure: str) -> tuple[float, str, float]:
    """The goal of the protocol's criterion on ``measure``, its CI method and level (the
    protocol is validated, but its manifest need not exist yet: the set is being planned)."""
    from .protocol import load_protocol

    protocol = load_protocol(path, check_manifest=False)
    for criterion in protocol.criteria:
        if criterion.metric == measure:
            if criterion.rule != "guarded":
                raise MedevalError(
                    f"protocol {path}: the criterion on {measure} uses the {criterion.rule} "
                    "rule; sample-size --protocol plans for the guarded rule only")
            return (criterion.goal, protocol.statistics.proportion_method,
                    protocol.statistics.confidence)
    named = ", ".join(c.metric for c in protocol.criteria)
    raise MedevalError(f"protocol {path}: no criterion on {measure} (criteria: {named}); "
                       "choose it with --measure")


def protocol_summary(result: Result, path: Path | None = None) -> str:
    """A readable summary of a protocol-driven result: metrics, failures, verdicts."""
    data = result.to_dict()
    protocol = data.get("protocol", {})
    flow = data.get("flow", {})
    lines = [f"medeval {result.software.get('medeval', '')} - {protocol.get('id', '')} "
             f"{protocol.get('title', '')} ({result.task}, {result.mode})",
             f"  cases: {flow.get('registered')} registered, {flow.get('scored')} scored, "
             f"{flow.get('failed')} failed, {flow.get('analysed')} analysed"]
    failures = data.get("failures", {})
    if failures.get("n_failed"):
        reasons = ", ".join(f"{k} {v}" for k, v in failures.get("by_reason", {}).items())
        lines.append(f"  failed cases by reason: {reasons} (policy {failures.get('policy')})")
    level = f"{result.parameters.get('statistics', {}).get('confidence', 0.95) * 100:g}%"
    lines += ["", f"  {'metric':<27} {'value':>9}  {level + ' CI':<21} {'n':>9}  method"]
    for record in result.metrics:
        est = record.estimate
        n = f"{est.numerator}/{est.n}" if est.numerator is not None else str(est.n)
        ci = f"{_num(est.low)} - {_num(est.high)}"
        lines.append(f"  {record.name:<27} {_num(est.value):>9}  {ci:<21} {n:>9}  {est.method}")
    verdicts = data.get("verdicts", [])
    if verdicts:
        lines += ["", "  acceptance criteria:"]
        for v in verdicts:
            lines.append(f"    {v['outcome']:<12} {v['metric']} goal {v['goal']:g} "
                         f"({v['rule']}): {v['reason']}")
        lines.append(f"  overall: {data.get('overall')}")
    lines.append("")
    if path is not None:
        lines.append(f"  result       {path}")
    lines.append(f"  fingerprint  sha256:{result.fingerprint}")
    return "\n".join(lines) + "\n"


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
    if args.protocol is not None:
        if args.predictions is None:
            raise UsageError("evaluate PROTOCOL.toml needs --predictions DIR")
        from .evaluation import evaluate

        result = evaluate(args.protocol, args.predictions, workers=args.workers,
                          progress=True)
        path = write_result(result, args.out / "result.json")
        out.write(protocol_summary(result, path))
        return 0
    missing = [flag for flag, value in (("--reference", args.reference),
                                        ("--predictions", args.predictions),
                                        ("--threshold", args.threshold)) if value is None]
    if missing:
        raise UsageError(f"evaluate without a protocol needs {', '.join(missing)}")
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
    from .demo import run_demo

    mode: Literal["pre-check", "certificate"] = (
        "pre-check" if args.pre_check else "certificate")
    outcome = run_demo(args.out, progress=not args.quiet, mode=mode)
    out.write(f"medeval demo: the {mode} flow on the data and example algorithms medeval "
              f"ships, each algorithm run in the sandbox.\nEverything is in {outcome.out_dir}\n")
    for item in outcome.sets:
        cases = f"{item.n_cases} case{'s' if item.n_cases != 1 else ''}"
        out.write(f"\n{item.verdict:<12} {item.name}: {item.title}\n")
        out.write(f"             report {item.report_number}, {cases} ({item.n_failed} failed), "
                  f"sha256:{item.fingerprint}\n")
        for metric, verdict in item.criteria:
            out.write(f"             {verdict:<12} {metric}\n")
        for label, path in (("result", item.result_json), ("certificate", item.certificate_pdf),
                            ("report", item.report_html)):
            out.write(f"             {label:<12} {path}\n")
    for name, reason in outcome.skipped:
        out.write(f"\nskipped      {name}: {reason}\n")
    out.write("\nCheck a certificate against its result:\n  medeval verify RESULT.json "
              "CERTIFICATE.pdf --info report-info.toml  (beside each result)\n"
              "Credits of the data: medeval/demo/README.md and medeval/demo/ecg/README.md\n")
    return 0


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    if args.pdf is None and args.info is None and not args.trust:
        fingerprint = verify_result(args.result)
        out.write(f"OK  {args.result}  sha256:{fingerprint}\n")
        return 0
    from .report import verify_certificate

    checked = verify_certificate(args.result, args.pdf, report_info=args.info,
                                 trust_roots=tuple(args.trust))
    fingerprint = checked.check()
    shown = f"  {args.pdf}" if args.pdf is not None else ""
    signed = " (signature valid)" if checked.signed else ""
    out.write(f"OK  {args.result}{shown}  sha256:{fingerprint}{signed}\n")
    return 0


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from .report import render_certificate, render_html, sign_pdf

    if (args.sign is None) != (args.cert is None):
        raise UsageError("report: --sign KEY and --cert CERT go together")
    pdf = render_certificate(args.result, args.out, lang=args.lang, report_info=args.info,
                             pdfa=args.pdfa)
    out.write(f"certificate  {pdf}\n")
    if args.html is not None:
        html = render_html(args.result, args.html, lang=args.lang, report_info=args.info)
        out.write(f"html         {html}\n")
    if args.sign is not None:
        sign_pdf(pdf, pdf, key=args.sign, cert=args.cert, chain=tuple(args.chain))
        out.write(f"signed       {pdf}\n")
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

"""``medeval protocol check|schema`` and ``medeval sample-size``: write and plan a test."""

from __future__ import annotations

import argparse
import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .._terminal_text import say
from .._version import __version__
from ..errors import InvalidInputError, MedevalError
from ..stats._proportion_methods import PROPORTION_METHODS

__all__ = ["add"]


def add(commands: Any) -> None:
    """The ``protocol`` and ``sample-size`` subcommands."""
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
    size.add_argument("--expected", type=float,
                      help="expected sensitivity or specificity, e.g. 0.95 (required, but "
                      "for a protocol whose task this command does not plan)")
    target = size.add_mutually_exclusive_group(required=True)
    target.add_argument("--goal", type=float, help="the criterion's goal, e.g. 0.90")
    target.add_argument("--protocol", type=Path, metavar="PROTOCOL.toml",
                        help="take the goal, CI method and confidence from the protocol's "
                        "criterion on --measure")
    target.add_argument("--half-width", type=float, help="e.g. 0.05 (Buderer)")
    size.add_argument("--power", type=float,
                      help="wanted probability of PASS at the expected value (default 0.8)")
    size.add_argument("--method", choices=PROPORTION_METHODS,
                      help="the protocol's proportion interval (default wilson; with "
                      "--protocol, the protocol's)")
    size.add_argument("--prevalence", type=float,
                      help="expected prevalence, e.g. 0.2 (required with --half-width)")
    size.add_argument("--confidence", type=float,
                      help="confidence level (default 0.95; with --protocol, the protocol's)")
    size.add_argument("--measure", choices=("sensitivity", "specificity"),
                      default="sensitivity",
                      help="the proportion planned (default sensitivity): its cases are "
                      "the positive ones, or with specificity the negative ones")
    size.add_argument("--max-n", type=int,
                      help="with --goal or --protocol: the largest group searched "
                      "(default 100000)")
    size.add_argument("--icc", type=float,
                      help="several cases per patient (a screening exam's views, a "
                      "patient's exams), judged by the clustered interval: the expected "
                      "intra-patient correlation, with --cases-per-patient")
    size.add_argument("--cases-per-patient", type=float,
                      help="mean cases per patient, with --icc")
    size.set_defaults(handler=_sample_size)


def _protocol_check(args: argparse.Namespace, out: TextIO) -> int:
    from ..protocol import ProtocolError, certificate_problems, load_protocol
    from ..protocol_checks import manifest_read_problems

    protocol = load_protocol(args.protocol)
    problems = certificate_problems(protocol)
    problems += manifest_read_problems(protocol, args.protocol.parent)
    if protocol.task.type == "reader-study":  # the treatments the evaluation reads
        from ..tasks.reader_study import readings_treatments_problem

        problems += [p for p in [readings_treatments_problem(
            protocol.task, args.protocol.parent)] if p is not None]
    if problems:
        raise ProtocolError(f"protocol {args.protocol}: " + "; ".join(problems),
                            tuple(problems))
    count = len(protocol.criteria)
    out.write(f"OK  {args.protocol}  {protocol.test.id} ({protocol.task.type}, "
              f"{count} {'criterion' if count == 1 else 'criteria'})  "
              f"sha256:{protocol.sha256}\n")
    # allowed (scores on another scale), but a probability's 50 % typed as 50 is found
    # only by the evaluation's warning, after the outputs exist, when mending it is a
    # change of the protocol after the algorithm ran; a multi-label task's, per label
    threshold = getattr(protocol.task, "threshold", None)
    cuts = {}
    if protocol.task.type in ("binary-classification", "multilabel-classification"):
        cuts = ({"threshold": threshold} if threshold is not None else {
            f"thresholds.{label}": cut for label, cut in (getattr(
                protocol.task, "thresholds", None) or {}).items()})
    off = [f"{key} {cut:g}" for key, cut in cuts.items() if not 0 <= cut <= 1]
    if off:
        say(f"medeval: note: protocol {args.protocol}: task.{', task.'.join(off)} "
            f"{'lies' if len(off) == 1 else 'lie'} outside [0, 1]; the scores must be on "
            "that scale (a probability's 50 % is 0.5): mend it now if not, before the "
            "outputs exist")
    _note_uncounted_failures(protocol, args.protocol)
    _note_not_given(protocol, args.protocol)
    _note_missing_plugin(protocol, args.protocol)
    _note_wald(protocol, args.protocol)
    from ..protocol_checks import unpassable_goals

    for text in unpassable_goals(protocol.model_dump()):
        say(f"medeval: note: protocol {args.protocol}: {text}")
    return 0


def _note_missing_plugin(protocol: Any, path: Path) -> None:
    """A note for a file plugin (``algo/scorer.py:Class``) that is not where the protocol
    says, from its folder: ``medeval run`` refuses it, but only after reading the set's
    references, and a misspelt name passed ``protocol check`` as OK. A note, not a
    problem: the item may be received after its protocol is fixed."""
    plugin = protocol.algorithm.plugin
    file = plugin.rpartition(":")[0] if plugin else ""
    if not file.endswith(".py"):
        return
    where = Path(path).resolve().parent / file
    if not where.is_file():
        say(f"medeval: note: protocol {path}: algorithm.plugin names {file}, which is not "
            f"there ({where}; a relative path is from the protocol's folder): medeval run "
            "will refuse it; correct the path, or put the algorithm there before the run")


def _note_not_given(protocol: Any, path: Path) -> None:
    """A note for a certificate-mode protocol that leaves out what ISO/IEC 17025
    7.8.2.1 has a report give, so that its certificate would print "not given" there:
    the laboratory's address (b), the customer's (e: contact information) and the date
    the item was received (h). The protocol is fixed in the result by the run, so an
    address left out now is left out of every certificate of that run."""
    if protocol.test.mode != "certificate":
        return
    missing = [key for key, value in (
        ("laboratory.address (7.8.2.1 b)", protocol.laboratory.address),
        ("customer.address (7.8.2.1 e)", protocol.customer.address),
        ("dataset.received (7.8.2.1 h; or the report info's received)",
         protocol.dataset.received)) if not value]
    if missing:
        say(f"medeval: note: protocol {path}: its certificate will print 'not given' "
            f"for {', '.join(missing)}: ISO/IEC 17025 has a report give them; the run "
            "fixes the protocol in its result, so add them before it runs")


def _note_wald(protocol: Any, path: Path) -> None:
    """A note for a protocol whose proportions take Wald's interval: allowed (the
    method is named in the result), but it under-covers, and the guarded rule then
    passes goals the algorithm does not meet; ``sample-size`` refuses to plan with it."""
    if protocol.statistics.proportion_method != "wald":
        return
    say(f"medeval: note: protocol {path}: statistics.proportion_method = \"wald\": "
        "Wald's interval is too narrow for a guarded decision (of 60 cases its exact "
        "coverage is 92 % at a true proportion of 0.8 and 81 % at 0.95, its lower bound "
        "above the truth 7 % and 19 % of the time, each a PASS of a goal not met), and "
        "it has zero width when every case is correct; medeval sample-size refuses it: "
        "use \"wilson\" (the default) or \"clopper-pearson\"")


def _note_uncounted_failures(protocol: Any, path: Path) -> None:
    """A note for a measurement protocol whose criteria judge agreement but not the
    completion rate: a case the algorithm fails to measure has no value and is left out
    of every agreement figure (under either failure policy), so such criteria pass on
    the cases it did measure, however few."""
    if protocol.task.type != "measurement":
        return
    judged = sorted({criterion.metric for criterion in protocol.criteria})
    if not judged or "completion_rate" in judged:
        return
    say(f"medeval: note: protocol {path}: its criteria judge {', '.join(judged)} on the "
        "cases the algorithm measured, and none judges completion_rate: a case it fails "
        "to measure is left out of those figures under either failure policy, so they "
        "can pass on a few cases; add a criterion on completion_rate (its goal the share "
        "of cases that must be measured)")


def _protocol_schema(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from ..protocol import protocol_schema

    out.write(json.dumps(protocol_schema(), indent=2, sort_keys=True, ensure_ascii=False))
    out.write("\n")
    return 0


def _sample_size(args: argparse.Namespace, out: TextIO) -> int:
    from ..decision import as_written
    from ..stats import cases_to_pass

    _require_expected(args.expected, args.protocol)
    given = [name for name, value in (("--method", args.method), ("--power", args.power),
                                      ("--max-n", args.max_n)) if value is not None]
    if args.half_width is not None and given:
        raise MedevalError(
            f"sample-size: {' and '.join(given)} "
            f"{'does' if len(given) == 1 else 'do'} not apply to --half-width, Buderer's "
            "size for a CI half-width (a normal approximation, no chance of passing); "
            "plan the chance of PASS with --goal or --protocol instead")
    args.power = 0.8 if args.power is None else args.power
    args.max_n = 100_000 if args.max_n is None else args.max_n
    if args.protocol is None:
        args.method = args.method or "wilson"
        args.confidence = 0.95 if args.confidence is None else args.confidence
    if args.half_width is not None:
        return _half_width_plan(args, out)
    goal, method, confidence = args.goal, args.method, args.confidence
    others: list[str] = []
    if args.protocol is not None:
        goal, method, confidence, others = _criterion_of(args.protocol, args.measure,
                                                         clustered=args.icc is not None)
        given = [f"--{name} {mine:g}" if isinstance(mine, float) else f"--{name} {mine}"
                 for name, mine, theirs in (("method", args.method, method),
                                            ("confidence", args.confidence, confidence))
                 if mine is not None and mine != theirs]
        if given:
            raise MedevalError(
                f"sample-size: {' and '.join(given)} "
                f"{'differs' if len(given) == 1 else 'differ'} from protocol {args.protocol}'s "
                f"{method} {confidence * 100:g}% interval, by which the test will be judged; "
                "leave them out, or plan with --goal instead of --protocol")
    with _flag_names():
        passing = cases_to_pass(args.expected, goal, method=method, power=args.power,
                                confidence=confidence, prevalence=args.prevalence,
                                measure=args.measure, icc=args.icc,
                                cases_per_patient=args.cases_per_patient, max_n=args.max_n)
    total = "" if passing.total is None else \
        f"; at prevalence {passing.prevalence:g}, {passing.total} cases in all"
    if passing.patients is not None and passing.total is not None:
        # the patients above hold the measure's group; those to enrol hold every case, as
        # --half-width counts them (ceil(total / cases per patient))
        total += f" of {math.ceil(round(passing.total / args.cases_per_patient, 9))} patients"
    if passing.patients is not None:
        total = (f" of {passing.patients} patients (design effect "
                 f"{passing.design_effect:g}: as {passing.effective_n} independent "
                 f"{passing.group}){total}")
    # checked up to twice the effective size: under a design effect d, d * 2n* cases,
    # fewer than twice the cases asked for (ceil(d n*))
    stays = 2 * passing.n_group if passing.design_effect == 1 else \
        math.floor(passing.design_effect * 2 * passing.effective_n + 1e-9)
    out.write(
        f"{passing.measure} expected {as_written(passing.expected)}, goal "
        f"{as_written(passing.goal)}, guarded rule, {passing.method} "
        f"{passing.confidence * 100:g}% interval:\n"
        f"  {passing.n_group} {passing.group}{total}\n"
        f"  PASS needs at least {passing.least_successes} of {passing.n_group} correct; at "
        f"the expected value P(PASS) = {passing.pass_probability:.3f}, P(INCONCLUSIVE) = "
        f"{passing.inconclusive_probability:.3f}, P(FAIL) = {passing.fail_probability:.3g}\n"
        f"  the first size with P(PASS) >= {as_written(passing.power)} is {passing.first_n}; from "
        f"{passing.n_group} on it stays there up to {stays} (exact binomial; "
        "the power of a proportion rises in a saw-tooth)\n"
        "for the protocol's [dataset] (printed on the certificate):\n"
        f"  sample_size = \"{_rationale(passing, args.cases_per_patient)}\"\n")
    if passing.design_effect != 1:
        _note_estimated_design_effect(passing.design_effect)
    if others:
        _note_other_criteria(args.protocol, passing.measure, others, passing.power,
                             passing.pass_probability)
    return 0


def _note_estimated_design_effect(design_effect: float) -> None:
    """Say on stderr that a clustered plan's P(PASS) takes the design effect as known,
    while the evaluation estimates it from the set: the share of PASS then falls a few
    points short of the printed chance, and can fall below --power (docs/intervals.md)."""
    say(f"medeval: note: P(PASS) above is the binomial chance on the effective size, "
        f"the design effect {design_effect:g} taken as known; the evaluation estimates it "
        "from the set's patients, and that estimate varies: in simulated sets the share "
        "of PASS fell about 3 to 6 points short of the printed chance, at times below --power "
        "(docs/intervals.md, 'Planning a test set'). Read it as an upper estimate; to "
        "keep the power, plan with a somewhat higher --icc or --power")


def _half_width_plan(args: argparse.Namespace, out: TextIO) -> int:
    """``--half-width``: Buderer's cases for a CI half-width, printed, with a note where
    the size is too small for the approximation it rests on."""
    from ..stats import sample_size

    if args.prevalence is None:
        raise MedevalError("sample-size: --half-width needs --prevalence (e.g. 0.2)")
    with _flag_names():
        plan = sample_size(args.expected, half_width=args.half_width,
                           prevalence=args.prevalence, confidence=args.confidence,
                           measure=args.measure, icc=args.icc,
                           cases_per_patient=args.cases_per_patient)
    patients = "" if plan.patients is None else \
        f" of {plan.patients} patients (design effect {plan.design_effect:g})"
    out.write(f"{plan.measure} {plan.expected:g} +/- {plan.half_width:g} at "
              f"{plan.confidence * 100:g}% confidence, prevalence {plan.prevalence:g}: "
              f"{plan.n_group} {plan.group}, {plan.total} cases in all{patients} "
              f"({plan.method})\n")
    _note_small_plan(plan)
    return 0


@contextlib.contextmanager
def _flag_names() -> Iterator[None]:
    """A plan's refusal in the command's words: its flags, not the function's
    parameters (``--cases-per-patient``, not ``cases_to_pass: cases_per_patient``)."""
    from ._flag_names import SAMPLE_SIZE, as_flags

    try:
        yield
    except InvalidInputError as exc:
        raise InvalidInputError(as_flags(str(exc), SAMPLE_SIZE)) from None


def _note_small_plan(plan: Any) -> None:
    """Say on stderr when Buderer's size is too small for the normal approximation it
    rests on (n p or n (1 - p) below 5 on the effective size), with the Wilson interval
    such a set would give: 0.9 +/- 0.5 plans 2 positives, whose interval is far wider."""
    from ..stats import proportion_ci

    n = math.floor(round(plan.n_group / plan.design_effect, 9))
    fewer = min(plan.expected, 1 - plan.expected) * n
    if fewer >= 5 or n < 1:
        return
    side = "n p" if plan.expected < 0.5 else "n (1 - p)"
    correct = min(n, max(0, round(plan.expected * n)))
    interval = proportion_ci(correct, n, method="wilson", confidence=plan.confidence)
    if max(plan.expected - interval.low, interval.high - plan.expected) <= plan.half_width:
        return  # wider than asked on neither side (0.5 +/- 0.5: [0.150, 0.850])
    effective = "" if plan.design_effect == 1 else " effective"
    group = plan.group if n != 1 else plan.group.rstrip("s")
    say(f"medeval: note: Buderer's size is a normal approximation, which wants n p and "
        f"n (1 - p) of 5 or more; here {side} = {fewer:.3g}. With {n}{effective} "
        f"{group}, {correct} of them correct, the Wilson "
        f"{plan.confidence * 100:g}% interval is [{interval.low:.3f}, "
        f"{interval.high:.3f}], not {plan.expected:g} +/- {plan.half_width:g}: plan "
        "a narrower half-width (more cases), or the chance of passing a goal with --goal")


def _require_expected(expected: float | None, protocol: Path | None) -> None:
    """Raise MedevalError for a plan without ``--expected``: a protocol of another task
    with how to plan it, which needs no expected proportion (a reader study's MRMC planner
    takes a pilot), else that --expected is required."""
    if expected is not None:
        return
    if protocol is not None:
        from ..protocol import load_protocol

        _refuse_other_tasks(load_protocol(protocol, check_manifest=False), protocol)
    raise MedevalError(
        "sample-size: --expected is required: the sensitivity or specificity the "
        "device is expected to have (e.g. --expected 0.95)")


def _note_other_criteria(path: Path, measure: str, others: list[str], power: float,
                         passing: float) -> None:
    """Say on stderr that the whole test PASSes only when every criterion does, so that
    its chance is at most ``measure``'s own at the size planned (``passing``, at least
    ``power``); sensitivity and specificity are judged on different cases, so their
    chances multiply."""
    other = {"sensitivity": "specificity", "specificity": "sensitivity"}[measure]
    joint = (f" {measure} and {other} are judged on different cases (positives, "
             f"negatives), so their chances multiply ({power:g} x {power:g} = "
             f"{power * power:.3g}): for a joint {power:g}, plan each with --power "
             f"{math.sqrt(power):.4g} (the square root)") if other in others else ""
    say(f"medeval: note: protocol {path} also has criteria on {', '.join(others)}, and "
        f"its overall verdict is PASS only when every criterion passes: the chance of "
        f"that is at most {measure}'s own at this size, P(PASS) = {passing:.3f};{joint}"
        f"{';' if joint else ''} plan for each measure and take the larger set"
        + _unplanned(others))


def _unplanned(metrics: list[str]) -> str:
    """The sentence naming criteria this command cannot plan (none but a binary task's
    sensitivity and specificity), and where their planning is described."""
    unplanned = [m for m in metrics if m not in ("sensitivity", "specificity")]
    if not unplanned:
        return ""
    # the docs plan an AUC goal (and a Dice, FROC or agreement goal), no other figure
    return (f"; {', '.join(unplanned)} {'is' if len(unplanned) == 1 else 'are'} not "
            "planned by this command" + (
                ": docs/intervals.md ('Planning a test set') says how an AUC goal's "
                "published sizes compare with the guarded rule" if "roc_auc" in unplanned
                else ""))


def _rationale(plan: Any, cases_per_patient: float | None = None) -> str:
    """The plan in one sentence, for the protocol's ``dataset.sample_size``: with
    ``cases_per_patient``, the patients to enrol too (as the plan's first line counts
    them), which the certificate's reader otherwise cannot tell from the cases."""
    from ..decision import as_written

    patients = "" if plan.patients is None or plan.total is None or not cases_per_patient \
        else f" of {math.ceil(round(plan.total / cases_per_patient, 9))} patients"
    total = (f" of {plan.patients} patients" if plan.patients else "") if plan.total is None \
        else f" ({plan.total} cases{patients} at an expected prevalence of {plan.prevalence:g})"
    clustered = "" if plan.patients is None else \
        f" on the effective size, design effect {plan.design_effect:g}"
    return (f"{plan.n_group} {plan.group}{total}: P(PASS) >= {as_written(plan.power)} "
            f"for an expected {plan.measure} of {as_written(plan.expected)} against the goal "
            f"{as_written(plan.goal)} (guarded rule, {plan.method} {plan.confidence * 100:g}% "
            f"interval{clustered}; exact binomial, medeval {__version__} cases_to_pass)")


def _refuse_other_tasks(protocol: Any, path: Path) -> None:
    """Raise MedevalError for a protocol whose task sample-size --protocol does not plan
    (only a binary classification's proportions), saying how to plan it instead."""
    if protocol.task.type == "multiclass-classification":
        # its accuracy and per-class figures are proportions of cases under the
        # protocol's interval, but of which cases (a class's) this plan cannot tell
        raise MedevalError(
            f"protocol {path}: its task is multiclass-classification; sample-size "
            "--protocol plans a binary classification's sensitivity or specificity. A "
            "multi-class criterion on accuracy, sensitivity@<label>, referable_sensitivity@"
            "<label>, referable_specificity@<label> or accuracy_within@<n> is a proportion "
            "judged by the protocol's proportion interval: plan it with --goal, --method "
            f"{protocol.statistics.proportion_method} and --confidence "
            f"{protocol.statistics.confidence:g}, the size being the cases it counts (that "
            "class's, the referable ones, the non-referable ones, or all)" + (
                "; where a patient holds several cases, add --icc and --cases-per-patient "
                "(the protocol's unit is the patient: the interval is then clustered)"
                if protocol.statistics.resampling_unit == "patient" else "") + (
                ". Its AUCs of the class probabilities (auc@<label>, auc@macro, "
                "referable_auc@<label>) are no proportions: medeval has no sample size for "
                "an AUC criterion yet" if getattr(protocol.task, "probabilities", False)
                else ""))
    if protocol.task.type == "multilabel-classification":
        # each label's sensitivity, specificity and PPV and the subset accuracy are
        # proportions of cases under the protocol's interval, of cases this plan cannot
        # tell (those carrying the label, those without it, ...)
        raise MedevalError(
            f"protocol {path}: its task is multilabel-classification; sample-size "
            "--protocol plans a binary classification's sensitivity or specificity. A "
            "multi-label criterion on sensitivity@<label>, specificity@<label>, "
            "ppv@<label> or subset_accuracy is a proportion judged by the protocol's "
            f"proportion interval: plan it with --goal, --method "
            f"{protocol.statistics.proportion_method} and --confidence "
            f"{protocol.statistics.confidence:g}, the size being the cases it counts "
            "(those carrying the label, those without it, those it is called present in, "
            "or all)" + (
                "; where a patient holds several cases, add --icc and --cases-per-patient "
                "(the protocol's unit is the patient: the interval is then clustered)"
                if protocol.statistics.resampling_unit == "patient" else "")
            + ". Its AUCs (auc@<label>, auc@macro) and hamming_loss are no proportions of "
            "cases: medeval has no sample size for them yet")
    if protocol.task.type == "reader-study":
        # its criterion is judged on the MRMC interval of the reader-averaged AUCs, whose
        # width comes from the readers' and the cases' variance: a pilot's components
        # plan it (Hillis, Obuchowski & Berbaum 2011), no proportion does
        spec = protocol.task
        shift = (f" (for non-inferiority with margin {spec.margin:g}, the expected "
                 f"difference plus {spec.margin:g}: the lower bound of the two-sided "
                 "interval must clear the margin)"
                 if spec.comparison == "non-inferiority" and spec.margin is not None
                 else "")
        raise MedevalError(
            f"protocol {path}: its task is reader-study, judged on the {spec.scope} "
            "interval of the difference of the reader-averaged AUCs (an MRMC analysis), "
            "which is no proportion of cases; plan the readers and cases from a pilot "
            "study in Python: medeval.stats.mrmc_sample_size(mrmc(pilot_readings), "
            f"readers=J, effect_size=d, alpha={1 - protocol.statistics.confidence:g}, "
            f"scope={spec.scope!r}), the effect size d being "
            f"the difference of AUCs the study must show{shift}; see docs/mrmc.md "
            "(Sample size for a planned study)")
    if protocol.task.type != "binary-classification":
        raise MedevalError(
            f"protocol {path}: its task is {protocol.task.type}; sample-size --protocol "
            "plans a binary classification's sensitivity or specificity, a proportion of "
            "cases judged by the protocol's proportion interval, and this task's figures "
            "are not such proportions (an EEG event sensitivity is pooled over recordings, "
            "its interval a bootstrap over recordings or patients); --goal gives the plan "
            "for independent trials, which such an interval is not")


def _criterion_of(path: Path, measure: str, *,
                  clustered: bool) -> tuple[float, str, float, list[str]]:
    """The goal of the protocol's criterion on ``measure``, its CI method and level, and
    the metrics of its other criteria (the protocol is validated, but its manifest need
    not exist yet: the set is being planned). A protocol resampling patients, planned
    without ``--icc``, is said on stderr to judge by the clustered interval where a
    patient holds several cases."""
    from ..decision import as_written
    from ..protocol import load_protocol

    protocol = load_protocol(path, check_manifest=False)
    _refuse_other_tasks(protocol, path)
    if protocol.statistics.resampling_unit == "patient" and not clustered:
        say(f"medeval: note: protocol {path} takes the patient as the unit: where a "
            "patient holds several cases (an exam's views, a patient's exams) the "
            "evaluation judges by the clustered interval, wider by the design effect, "
            "and this plan, taking the cases as independent, is then too small: give "
            "--icc and --cases-per-patient to plan for it (with one case per patient "
            "this plan stands)")
    elif protocol.statistics.resampling_unit == "case" and clustered:
        say(f"medeval: note: protocol {path} takes the case as the unit "
            "(statistics.resampling_unit = \"case\"): its intervals take the cases as "
            "independent, not widened by a design effect, so this plan for the clustered "
            "interval is larger than that evaluation needs; set resampling_unit = "
            "\"patient\" where a patient's cases are alike")
    on_measure = [c for c in protocol.criteria if c.metric == measure]
    if not on_measure:
        named = ", ".join(c.metric for c in protocol.criteria)
        raise MedevalError(f"protocol {path}: no criterion on {measure} (criteria: "
                           f"{named}); choose it with --measure")
    guarded = [c for c in on_measure if c.rule == "guarded"]
    if len(guarded) < len(on_measure):
        rules = ", ".join(f"goal {as_written(c.goal)} by the {c.rule} rule" for c in on_measure)
        raise MedevalError(
            f"protocol {path}: the criteria on {measure} ({rules}) are not all judged by "
            "the guarded rule; sample-size --protocol plans for the guarded rule only")
    # every criterion must pass, and on one interval a lower bound that meets the highest
    # goal meets the others: the plan is the highest goal's
    goal = max(c.goal for c in guarded)
    if not 0 < goal < 1:  # else refused as the --goal the user never typed
        never = goal >= 1
        raise MedevalError(
            f"protocol {path}: its criterion on {measure} has goal {as_written(goal)}, "
            + ("which no set can PASS: the guarded rule passes when the interval's lower "
               "bound meets the goal, and that bound is below 1 (a goal of 1 is met only "
               "by a point estimate); no number of cases plans it" if never else
               "which every set PASSes: the interval's lower bound is never below 0; "
               "there is nothing to plan")
            + "; a goal is a proportion strictly between 0 and 1, e.g. 0.90")
    if len(guarded) > 1:
        say(f"medeval: note: protocol {path} has {len(guarded)} criteria on {measure} "
            f"(goals {', '.join(as_written(c.goal) for c in guarded)}): planned for the highest, "
            f"{as_written(goal)}, whose PASS is the others' too")
    others = sorted({c.metric for c in protocol.criteria if c.metric != measure})
    return (goal, protocol.statistics.proportion_method, protocol.statistics.confidence,
            others)

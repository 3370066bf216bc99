"""The certificate's method section (protocol, software, task parameters, the interval
methods the figures used, resampling, failure policy, decision rules) and its
environment section (platform, CPUs, GPUs, isolation, host, times, libraries); their
numbers depend on the sections before them.

Private to :mod:`medeval.report.content`, which places them among the other sections.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..result import Result
from .blocks import Cell, Fields, Section
from .catalogue import Msg, catalogue
from .cells import METHOD_NAMES_UNTIL, decision_rule_text, known, protocol_digest_text
from .cells import message as _m
from .cells import or_none as _or_none
from .made_by import made_after
from .reader_study import REFERENCE_WORDS_UNTIL, reader_study_method
from .results import policy_cell

__all__ = ["CI_METHODS_UNTIL", "environment_section", "method_section"]


def method_section(result: Result, level: str) -> Section:
    """The method section: protocol, software, task parameters, the interval methods the
    figures used, resampling, failure policy (a reader study: its MRMC analysis), and
    the decision rules."""
    task = result.parameters.task
    task_text = ", ".join(f"{k} = {v}" for k, v in sorted(task.items())
                          if k != "type" and v is not None)  # an option not set: not printed
    protocol = result.protocol
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.protocol"), f"{protocol.id} v{protocol.version}"),
        (Msg("field.protocol_sha256"), protocol_digest_text(result)),
        (Msg("field.software"), f"medeval {result.software.get('medeval', '?')}"),
        (Msg("field.task"), result.task),
        (Msg("field.task_parameters"), task_text or "—"),
        (Msg("field.confidence"), level),
        (Msg("field.ci_methods"), _ci_methods(result)),
        (Msg("field.resampling"), _resampling(result)),
        (Msg("field.failure_policy"), policy_cell(result)),
    ]
    if study := reader_study_method(result.tables,
                                    named=made_after(result, METHOD_NAMES_UNTIL),
                                    worded=made_after(result, REFERENCE_WORDS_UNTIL)):
        # a reader study's intervals are its MRMC analysis's: nothing is resampled and
        # no case can fail, so the analysis replaces those three rows
        rows = rows[:6] + study
    rows += [(Msg("field.decision_rule"), decision_rule_text(result, rule, level))
             for rule in sorted({v.rule for v in result.verdicts})]
    return Section(0, Msg("section.method"), (Fields(tuple(rows)),))


#: The last release whose certificates print the protocol's resampling ("2000 × patient,
#: seed 3") where no figure has a bootstrap interval (an ECG set's beat intervals, a
#: measurement's agreement intervals), as if something had been resampled.
RESAMPLING_UNUSED_UNTIL = "0.11.0"


def _resampling(result: Result) -> Msg:
    """The resampling row: the protocol's count, unit and seed, or, for a result made
    after :data:`RESAMPLING_UNUSED_UNTIL` none of whose figures has a bootstrap
    interval, that nothing was resampled."""
    statistics = result.parameters.statistics
    params = {"n": statistics.n_resamples, "seed": statistics.seed}
    if made_after(result, RESAMPLING_UNUSED_UNTIL) and not _resampled(result):
        return _m(f"text.resampling_unused_{statistics.resampling_unit}", **params)
    return _m(f"text.resampling_{statistics.resampling_unit}", **params)


def _resampled(result: Result) -> bool:
    """Whether any figure (all cases, a subgroup, the other failure policy's) has a
    bootstrap interval."""
    alternative = result.failures.alternative
    records = [*result.metrics, *(m for g in result.subgroups for m in g.metrics),
               *(alternative.metrics if alternative is not None else ())]
    return any(m.estimate.method.startswith("bootstrap") for m in records)


def _ci_methods(result: Result) -> Msg:
    """The methods line: the protocol's methods by name (``Wilson 점수``) for a result made
    after medeval 0.10.0, by id (``wilson``) for one made before, as it was issued."""
    statistics = result.parameters.statistics
    key = _ci_methods_key(result) + ("_clustered" if _clustered(result) else "")
    ids = {"proportion": statistics.proportion_method, "auc": statistics.auc_method,
           "bootstrap": statistics.bootstrap_method}
    if not made_after(result, METHOD_NAMES_UNTIL):
        return _m(key, **ids)
    return Msg(key, tuple((family, known(f"ci_method.{method}", method))
                          for family, method in ids.items()))



def _ci_methods_key(result: Result) -> str:
    """The methods line of the task's own (measurement: its agreement intervals; multi-class:
    no AUC), else the general one naming the protocol's proportion, AUC and bootstrap
    methods: for a result made after medeval 0.7.0, only those its figures used (a
    coco-detection result's are all bootstrap intervals: 'bootstrap: percentile', not
    'proportions: wilson; AUC: delong; ...'); one made before keeps the line its
    certificate was issued with (:mod:`.made_by`)."""
    if not made_after(result, CI_METHODS_UNTIL):
        return "text.ci_methods"
    key = f"text.ci_methods_{result.task}"
    if key in catalogue("en") and (result.task != "measurement" or any(
            m.estimate.method in _AGREEMENT_METHODS for m in result.metrics)):
        return key
    used = _method_families(result)
    return f"text.ci_methods_{'_'.join(used)}" if 0 < len(used) < 3 else "text.ci_methods"


#: The intervals of the agreement figures a measurement's own methods line names; with
#: fewer than two cases measured there are none, and the line names the proportion only.
_AGREEMENT_METHODS = frozenset({"t", "carkeet-exact", "t-mse-sqrt", "lin-z"})

#: The last release whose certificates name the protocol's proportion, AUC and bootstrap
#: methods whatever the figures used; a result it made renders so still.
CI_METHODS_UNTIL = "0.7.0"


def _method_families(result: Result) -> tuple[str, ...]:
    """Which of the methods line's three families the result's intervals used, in its
    order: ``proportion`` (the protocol's proportion method, or its clustered form),
    ``auc`` (an ROC AUC, whatever its method) and ``bootstrap`` (a bootstrap interval,
    the AUC's included), over the figures of every table the certificate prints."""
    proportion = result.parameters.statistics.proportion_method
    metrics = [*result.metrics, *(result.failures.alternative.metrics
                                  if result.failures.alternative is not None else ()),
               *(m for group in result.subgroups for m in group.metrics)]
    used = {
        "proportion": any(m.estimate.method in (proportion, f"{proportion}-clustered")
                          for m in metrics),
        "auc": any(m.definition.partition("@")[0] in ("roc_auc", "case_roc_auc")
                   for m in metrics),
        "bootstrap": any(m.estimate.method.startswith("bootstrap-") for m in metrics),
    }
    return tuple(family for family, was in used.items() if was)


def _clustered(result: Result) -> bool:
    """Whether an interval took the cases of a patient together (the declared method's
    clustered form, e.g. ``wilson-clustered``, DeLong's as Obuchowski's), which the
    method section then says, pointing to the methods named beside each figure."""
    return any(m.estimate.method.endswith("-clustered") or m.estimate.method == "obuchowski"
               for m in result.metrics)


def environment_section(result: Result) -> Section:
    """The environment section: the environment the result was made in, as the result records it."""
    context = result.context
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.platform"), _or_none(context.platform)),
        (Msg("field.cpu"), _or_none(context.cpu_count)),
        (Msg("field.gpus"), _gpus(result.algorithm.run.get("gpus"))),
        *_isolation(result.algorithm.run),
        (Msg("field.host"), _or_none(context.host)),
        (Msg("field.started"), _or_none(context.started)),
        (Msg("field.finished"), _or_none(context.finished)),
        (Msg("field.library_versions"),
         ", ".join(f"{k} {v}" for k, v in sorted(result.software.items()))),
    ]
    return Section(0, Msg("section.environment"), (Fields(tuple(rows)),))


def _isolation(run: Mapping[str, Any]) -> list[tuple[Msg, Cell]]:
    """How the runner isolated the algorithm (a test condition, 7.8.3.1 a), when it ran
    it: ``bubblewrap`` (its own namespaces, no network, no other file) or none."""
    isolation = run.get("isolation")
    if not isolation:
        return []
    return [(Msg("field.isolation"),
             Msg("text.isolation_none") if isolation == "none" else str(isolation))]


def _gpus(record: Any) -> Cell:
    """The GPUs the run used, as the runner recorded them: model, driver, memory."""
    devices = record.get("devices") if isinstance(record, Mapping) else None
    if not devices:
        return Msg("text.none")
    return "; ".join(
        f"{d.get('index')}: {d.get('name') or '?'} (driver {d.get('driver') or '?'}, "
        f"{d.get('memory') or '?'})" for d in devices
    ) + (" — shared by workers" if record.get("shared") else "")

"""The certificate's content, built from the result JSON alone: pure data, no layout.

:func:`build_certificate` turns a result (as :func:`medeval.read_result` gives it) and
optional :class:`~medeval.report.info.ReportInfo` into a
:class:`~medeval.report.blocks.Certificate`: numbered sections of blocks (fields, tables,
paragraphs, figures, signatures, a QR code). Words are catalogue keys
(:class:`~medeval.report.catalogue.Msg`), numbers are formatted text, so the PDF and the
HTML renderers only lay out; neither reads the result. The block types are re-exported
here.

Where each item of ISO/IEC 17025:2017 7.8 comes from is mapped in ``docs/certificate.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .._hashing import sha256_bytes
from ..definitions import DEFINITIONS
from ..result import RESULT_SCHEMA, canonical_json, content_fingerprint
from ._errors import ReportError
from .blocks import (
    Block,
    Cell,
    Certificate,
    Fields,
    Figure,
    Para,
    QRCode,
    Section,
    Signatures,
    Table,
)
from .catalogue import Msg, catalogue
from .info import ReportInfo

__all__ = [
    "Block",
    "Cell",
    "Certificate",
    "Fields",
    "Figure",
    "Para",
    "QRCode",
    "Section",
    "Signatures",
    "Table",
    "build_certificate",
    "qr_payload",
    "is_precheck",
    "section_digests",
]

def is_precheck(result: Mapping[str, Any]) -> bool:
    """A pre-check: declared so, or outputs not produced by the laboratory's runner."""
    algorithm = result.get("algorithm") or {}
    return result.get("mode") != "certificate" or algorithm.get("predictions") != "runner"


def section_digests(result: Mapping[str, Any]) -> dict[str, str]:
    """Short SHA-256 (16 hex) of each top-level part of a result and of each metric.

    The ``context`` block is left out, as it is from the content fingerprint.

    Examples
    --------
    >>> sorted(section_digests({"task": "x", "metrics": {"dice": {"value": 0.5}}, "context": {}}))
    ['metrics', 'metrics.dice', 'task']
    """
    out: dict[str, str] = {}
    for key, value in result.items():
        if key == "context":
            continue
        out[key] = sha256_bytes(canonical_json(value))[:16]
        if key == "metrics" and isinstance(value, Mapping):
            for name, metric in value.items():
                out[f"metrics.{name}"] = sha256_bytes(canonical_json(metric))[:16]
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------- helpers


def _m(key: str, **params: Any) -> Msg:
    return Msg(key, tuple((k, str(v)) for k, v in params.items()))


def _known(key: str, fallback: str) -> Cell:
    """The catalogue phrase if both catalogues have it, else the fallback text."""
    if key in catalogue("en") and key in catalogue("ko"):
        return Msg(key)
    return fallback


def _metric_name(name: str) -> Cell:
    definition = DEFINITIONS.get(name)
    return _known(f"metric.{name}", definition.name if definition else name)


def _number(value: Any, unit: str = "1") -> str:
    """A number as printed: 4 decimals for ratios, 2 for quantities with a unit."""
    if value is None:
        return "—"
    if value == "NaN" or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    if value in ("Infinity", "-Infinity"):
        return "∞" if value == "Infinity" else "-∞"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}" if unit == "1" else f"{value:.2f}"


def _level(result: Mapping[str, Any]) -> str:
    confidence = (result.get("parameters", {}).get("statistics") or {}).get("confidence", 0.95)
    return f"{float(confidence) * 100:g}%"


def _n(metric: Mapping[str, Any]) -> str:
    numerator = metric.get("numerator")
    return f"{numerator}/{metric.get('n')}" if numerator is not None else str(metric.get("n"))


def _undefined(value: Any) -> bool:
    """Whether a figure of the result has no value (NaN: a ratio of 0/0, one class only...)."""
    return value == "NaN" or (isinstance(value, float) and math.isnan(value))


def _estimate(metric: Mapping[str, Any]) -> Cell:
    """A metric's estimate as printed; "undefined" in words where it has none."""
    value = metric.get("value")
    if _undefined(value):
        return Msg("text.undefined")
    return _number(value, str(metric.get("unit", "1")))


def _ci(metric: Mapping[str, Any]) -> str:
    """The interval as printed: a bound that is undefined is a dash, not "NaN"."""
    unit = str(metric.get("unit", "1"))
    low, high = metric.get("low"), metric.get("high")
    if _undefined(low) and _undefined(high):
        return "—"
    return " – ".join("—" if _undefined(b) else _number(b, unit) for b in (low, high))


def _undefined_note(metrics: Any) -> list[Block]:
    """The note that says what "undefined" means, where a table shows it."""
    if any(_undefined(m.get("value")) for m in metrics):
        return [Para(Msg("text.undefined_note"), "note")]
    return []


def _method(metric: Mapping[str, Any]) -> Cell:
    method = str(metric.get("method", ""))
    return _known(f"method.{method}", method)


def _or_none(value: Any) -> Cell:
    return str(value) if value not in (None, "") else Msg("text.not_given")


def _date(iso: Any) -> str:
    return str(iso)[:10] if iso else ""


def _cases(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    columns = list(result.get("case_columns", []))
    return [dict(zip(columns, row)) for row in result.get("cases", [])]


def _float(value: Any) -> float:
    if value in (None, "NaN"):
        return math.nan
    if value == "Infinity":
        return math.inf
    if value == "-Infinity":
        return -math.inf
    return float(value)


# ---------------------------------------------------------------------------- build


def build_certificate(
    result: Mapping[str, Any], info: ReportInfo | None = None
) -> Certificate:
    """Build the certificate's content from a result JSON (as plain data).

    Parameters
    ----------
    result : mapping
        The result, as :func:`medeval.read_result` returns it.
    info : ReportInfo, optional
        The fields the result lacks (signatories, accreditation, issue date...).

    Returns
    -------
    Certificate

    Raises
    ------
    ReportError
        The mapping is not a medeval result, or lacks the sections of an evaluation
        (``protocol``, ``dataset``, ``algorithm``, ``verdicts``): render results of
        :func:`medeval.evaluate`, not of the bare ``medeval evaluate`` command.
    """
    if result.get("schema") != RESULT_SCHEMA:
        raise ReportError(f"not a {RESULT_SCHEMA} result: cannot render a certificate")
    missing = [k for k in ("protocol", "dataset", "algorithm", "verdicts", "flow")
               if k not in result]
    if missing:
        raise ReportError(
            f"the result lacks {', '.join(missing)}: a certificate needs a result of "
            "medeval.evaluate(protocol, ...) (a protocol-driven run)"
        )
    info = info or ReportInfo()
    fingerprint = content_fingerprint(result)
    protocol = result["protocol"]
    context = result.get("context") or {}
    report_number = info.report_number or str(protocol.get("id"))
    issue_date = info.issue_date or _date(context.get("finished")) or "—"
    precheck = is_precheck(result)
    level = _level(result)
    sections = [
        _cover(result, info, report_number, issue_date, precheck, level),
        _summary(result, level),
        _closing(result, info, report_number, fingerprint, issue_date, precheck),
        _dataset(result),
        _flow(result),
        _results(result, level),
    ]
    if result.get("failures", {}).get("alternative"):
        sections.append(_alternative(result, level))
    if result.get("subgroups"):
        sections.append(_subgroups(result, level))
    sections += [_method_section(result, level), _definitions(result), _environment(result),
                 _deviations(result, info),
                 _integrity(result, report_number, fingerprint)]
    numbered = tuple(
        Section(i, s.title, s.blocks, s.new_page) for i, s in enumerate(sections, start=1)
    )
    return Certificate(
        report_number=report_number,
        fingerprint=fingerprint,
        precheck=precheck,
        title=Msg("doc.title_precheck" if precheck else "doc.title"),
        laboratory=str(protocol.get("laboratory", {}).get("name", "")),
        sections=numbered,
        issue_date=issue_date,
        info_digest=info.digest(),
        digests=tuple(section_digests(result).items()),
    )


def _supplied(info: ReportInfo, key: str, value: Cell) -> Cell:
    if key in info.customer_supplied and isinstance(value, str):
        return value + " †"
    return value


def _cover(result: Mapping[str, Any], info: ReportInfo, number: str, issue: str,
           precheck: bool, level: str) -> Section:
    protocol, algorithm = result["protocol"], result["algorithm"]
    lab, customer = protocol.get("laboratory") or {}, protocol.get("customer") or {}
    context = result.get("context") or {}
    started, finished = _date(context.get("started")), _date(context.get("finished"))
    period = started if started == finished else f"{started} – {finished}"
    ident = algorithm.get("plugin") or algorithm.get("command")
    received = result["dataset"].get("received") or info.received
    # read row by row on the cover: pairs that belong together side by side
    rows: list[tuple[Msg, Cell]] = [
        (Msg("doc.report_number"), number),
        (Msg("field.issue_date"), issue),
        (Msg("field.laboratory"), _or_none(lab.get("name"))),
        (Msg("field.accreditation"), _or_none(info.accreditation)),
        (Msg("field.address"), _or_none(lab.get("address"))),
        (Msg("field.place"), info.place or Msg("text.lab_premises")),
        (Msg("field.customer"), _or_none(customer.get("name"))),
        (Msg("field.customer_address"), _or_none(customer.get("address"))),
        (Msg("field.item_name"), _supplied(info, "item_name", str(algorithm.get("name")))),
        (Msg("field.item_version"),
         _supplied(info, "item_version", str(algorithm.get("version")))),
        (Msg("field.item_manufacturer"),
         _supplied(info, "item_manufacturer", _or_none(algorithm.get("manufacturer")))),
        (Msg("field.item_identification"), _or_none(ident)),
        (Msg("field.received"), _or_none(received)),
        (Msg("field.test_period"), period or Msg("text.not_given")),
        (Msg("field.predictions_source"),
         _known(f"text.source_{algorithm.get('predictions')}",
                str(algorithm.get("predictions")))),
        (Msg("field.protocol"),
         f"{protocol.get('id')} v{protocol.get('version')} — {protocol.get('title')}"),
        (Msg("field.software"), f"medeval {result.get('software', {}).get('medeval', '?')}"),
        (Msg("field.overall"), Msg(f"text.outcome_{result.get('overall', 'INCONCLUSIVE')}")),
    ]
    if info.replaces:
        rows.append((Msg("field.replaces"), info.replaces))
    blocks: list[Block] = [Fields(tuple(rows), columns=2)]
    if precheck:
        blocks.insert(0, Para(Msg("text.precheck_statement"), "mark"))
    return Section(0, Msg("section.cover"), tuple(blocks))


def _summary(result: Mapping[str, Any], level: str) -> Section:
    metrics = result.get("metrics", {})
    sources = {c.get("metric"): c.get("source") for c in result["protocol"].get("criteria", [])}
    rows = []
    rules = set()
    for verdict in result["verdicts"]:
        name = verdict["metric"]
        metric = metrics.get(name, {})
        unit = str(metric.get("unit", "1"))
        rules.add(verdict["rule"])
        rows.append((
            _metric_name(name), _estimate(metric), _ci(metric), _n(metric),
            _number(verdict["goal"], unit), str(sources.get(name, "")),
            Msg(f"text.rule_{verdict['rule']}"), Msg(f"text.outcome_{verdict['outcome']}"),
        ))
    header: tuple[Cell, ...] = (
        Msg("column.metric"), Msg("column.estimate"), _m("column.ci", level=level),
        Msg("column.n"), Msg("column.goal"), Msg("column.goal_source"), Msg("column.rule"),
        Msg("column.verdict"),
    )
    blocks: list[Block] = [Table(header, tuple(rows), (2.2, 1.1, 1.8, 1.3, 0.9, 2.0, 1.1, 1.2),
                                 numeric=(1, 2, 3, 4))]
    blocks += _undefined_note(metrics.get(v["metric"], {}) for v in result["verdicts"])
    for rule in sorted(rules):
        blocks.append(Para(_m(f"text.decision_rule_{rule}", level=level), "note"))
    return Section(0, Msg("section.summary"), tuple(blocks))


def _closing(result: Mapping[str, Any], info: ReportInfo, number: str, fingerprint: str,
             issue: str, precheck: bool) -> Section:
    blocks: list[Block] = [
        Para(Msg("text.only_item"), "note"),
        Para(Msg("text.no_reproduction"), "note"),
        Para(Msg("text.customer_supplied"), "note"),
    ]
    if not precheck:
        blocks.append(Signatures(info.tested_by, info.approved_by, issue))
    blocks.append(QRCode(qr_payload(number, fingerprint)))
    title = "section.statements" if precheck else "section.approval"
    return Section(0, Msg(title), tuple(blocks))


def qr_payload(report_number: str, fingerprint: str) -> str:
    """The QR code's text: ``MEDEVAL-CERT|<report number>|sha256:<fingerprint>``."""
    return f"MEDEVAL-CERT|{report_number}|sha256:{fingerprint}"


def _dataset(result: Mapping[str, Any]) -> Section:
    dataset = result["dataset"]
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.manifest"), str(dataset.get("manifest"))),
        (Msg("field.manifest_fingerprint"), str(dataset.get("fingerprint"))),
        (Msg("field.n_cases"), str(dataset.get("n_cases"))),
        (Msg("field.n_patients"), str(dataset.get("n_patients"))),
        (Msg("field.selection"), _or_none(dataset.get("selection"))),
        (Msg("field.sample_size"), _or_none(dataset.get("sample_size"))),
    ]
    blocks: list[Block] = [Fields(tuple(rows))]
    composition = _composition(result)
    if composition:
        blocks.append(Table((Msg("field.composition"), Msg("column.count")), composition,
                            (3, 1), numeric=(1,), span=0.5))
    for column, groups in (result.get("subgroups") or {}).items():
        blocks.append(Table(
            (_m("text.subgroup_column", column=column), Msg("column.count")),
            tuple((str(value), str(g.get("n_cases"))) for value, g in groups.items()),
            (3, 1), numeric=(1,), span=0.5))
    return Section(0, Msg("section.dataset"), tuple(blocks), new_page=True)


def _composition(result: Mapping[str, Any]) -> tuple[tuple[Cell, ...], ...]:
    cases = _cases(result)
    if not cases or "reference" not in cases[0]:
        return ()
    task = (result.get("parameters") or {}).get("task") or {}
    positive = str(task.get("positive_label", ""))
    counts = Counter(str(case["reference"]) for case in cases)
    rows: list[tuple[Cell, ...]] = []
    for label, count in sorted(counts.items()):
        text = f"{label} (+)" if label == positive else label
        rows.append((text, str(count)))
    rows.append((Msg("column.total"), str(sum(counts.values()))))
    return tuple(rows)


def _flow(result: Mapping[str, Any]) -> Section:
    flow, failures = result["flow"], result.get("failures") or {}
    reasons = ", ".join(f"{k}: {v}" for k, v in (failures.get("by_reason") or {}).items())
    rows: tuple[tuple[Cell, ...], ...] = (
        (Msg("flow.registered"), str(flow.get("registered")), ""),
        (Msg("flow.scored"), str(flow.get("scored")), ""),
        (Msg("flow.failed"), str(flow.get("failed")), reasons),
        (Msg("flow.analysed"), str(flow.get("analysed")),
         Msg(f"text.policy_{failures.get('policy', 'worst-case')}")),
    )
    blocks: list[Block] = [Table((Msg("column.step"), Msg("column.count"),
                                  Msg("column.failure_reason")), rows, (3, 1, 3), numeric=(1,))]
    listed = failures.get("cases") or []
    if listed:
        shown = listed[:40]
        table_rows: list[tuple[Cell, ...]] = [
            (str(c.get("case_id")), str(c.get("reason"))) for c in shown]
        if len(listed) > len(shown):
            table_rows.append(("…", f"+{len(listed) - len(shown)}"))
        blocks.append(Table((Msg("column.case_id"), Msg("column.failure_reason")),
                            tuple(table_rows), (2, 3), span=0.6))
    return Section(0, Msg("section.flow"), tuple(blocks))


def _ordered(metrics: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Metrics in the order of the definitions (prevalence, sensitivity, ...), not a-z."""
    order = {key: i for i, key in enumerate(DEFINITIONS)}
    return sorted(metrics.items(),
                  key=lambda item: (order.get(str(item[1].get("definition")), len(order)),
                                    item[0]))


def _metric_rows(metrics: Mapping[str, Any]) -> tuple[tuple[Cell, ...], ...]:
    rows = []
    for name, metric in _ordered(metrics):
        unit = str(metric.get("unit", "1"))
        rows.append((_metric_name(name), _estimate(metric), _ci(metric), _method(metric),
                     _n(metric), unit))
    return tuple(rows)


def _metric_header(level: str) -> tuple[Cell, ...]:
    return (Msg("column.metric"), Msg("column.estimate"), _m("column.ci", level=level),
            Msg("column.ci_method"), Msg("column.n"), Msg("column.unit"))


_METRIC_WIDTHS = (3.0, 1.1, 1.9, 2.0, 1.2, 0.6)


def _results(result: Mapping[str, Any], level: str) -> Section:
    blocks: list[Block] = []
    tables = result.get("tables") or {}
    matrix = tables.get("confusion_matrix")
    if isinstance(matrix, Mapping) and {"tp", "fp", "fn", "tn"} <= set(matrix):
        tp, fp, fn, tn = (int(matrix[k]) for k in ("tp", "fp", "fn", "tn"))
        blocks.append(Table(
            ("", Msg("column.reference_positive"), Msg("column.reference_negative"),
             Msg("column.total")),
            ((Msg("column.predicted_positive"), str(tp), str(fp), str(tp + fp)),
             (Msg("column.predicted_negative"), str(fn), str(tn), str(fn + tn)),
             (Msg("column.total"), str(tp + fn), str(fp + tn), str(tp + fp + fn + tn))),
            (2.4, 1.6, 1.6, 1.2), numeric=(1, 2, 3), span=0.75))
    empty = tables.get("empty_masks")
    if isinstance(empty, Mapping):
        blocks.append(Table((Msg("text.empty_masks"), Msg("column.count")),
                            tuple((str(k).replace("_", " "), str(v)) for k, v in empty.items()),
                            (3, 1), numeric=(1,), span=0.5))
    blocks.append(Table(_metric_header(level), _metric_rows(result.get("metrics", {})),
                        _METRIC_WIDTHS, numeric=(1, 2, 4)))
    blocks.append(Para(_m("text.uncertainty", level=_level(result)), "note"))
    blocks.append(Para(Msg("text.unit_note"), "note"))
    blocks += _undefined_note((result.get("metrics") or {}).values())
    blocks.extend(_figures(result, level))
    return Section(0, Msg("section.results"), tuple(blocks))


def _figures(result: Mapping[str, Any], level: str) -> list[Figure]:
    figures: list[Figure] = []
    cases = _cases(result)
    metrics = result.get("metrics", {})
    tables = result.get("tables") or {}
    task = (result.get("parameters") or {}).get("task") or {}
    policy = ((result.get("failures") or {}).get("policy")) or "worst-case"
    if cases and "score" in cases[0] and "reference" in cases[0] and "roc_auc" in metrics:
        figures.append(_roc(cases, metrics, task, policy, level))
    matrix = tables.get("confusion_matrix")
    if isinstance(matrix, Mapping) and {"tp", "fp", "fn", "tn"} <= set(matrix):
        figures.append(Figure(
            "confusion", _m("text.figure_confusion", threshold=_number(task.get("threshold")),
                            n=sum(int(v) for v in matrix.values())),
            {k: int(matrix[k]) for k in ("tp", "fp", "fn", "tn")}))
    if cases and "dice" in cases[0]:
        values = [_float(c["dice"]) for c in cases]
        failed = [c.get("status") == "failed" for c in cases]
        figures.append(Figure("dice", _m("text.figure_dice", n=len(values)),
                              {"dice": values, "failed": failed,
                               "mean": _float(metrics.get("dice", {}).get("value"))}))
    froc = tables.get("froc")
    if isinstance(froc, Mapping) and {"fp_rates", "sensitivity"} <= set(froc):
        figures.append(Figure("froc", Msg("text.figure_froc"), dict(froc)))
    agreement = tables.get("bland_altman")
    if isinstance(agreement, Mapping) and {"mean", "difference"} <= set(agreement):
        figures.append(Figure("bland_altman", Msg("text.figure_bland_altman"), dict(agreement)))
    return figures


def _roc(cases: Sequence[Mapping[str, Any]], metrics: Mapping[str, Any],
         task: Mapping[str, Any], policy: str, level: str) -> Figure:
    positive = str(task.get("positive_label", 1))
    labels, scores = [], []
    ok = [_float(c["score"]) for c in cases
          if c.get("status") == "ok" and c.get("score") is not None]
    low, high = (min(ok), max(ok)) if ok else (0.0, 1.0)
    for case in cases:
        label = str(case["reference"]) == positive
        if case.get("status") == "ok" and case.get("score") is not None:
            score = _float(case["score"])
        elif policy == "worst-case":  # as the AUC counts it: below/above every score
            score = low - 1.0 if label else high + 1.0
        else:
            continue
        labels.append(label)
        scores.append(score)
    auc = metrics["roc_auc"]
    sens, spec = metrics.get("sensitivity", {}), metrics.get("specificity", {})
    data = {
        "labels": labels, "scores": scores,
        "point": [1 - _float(spec.get("value")), _float(sens.get("value"))],
        "point_x_ci": [1 - _float(spec.get("high")), 1 - _float(spec.get("low"))],
        "point_y_ci": [_float(sens.get("low")), _float(sens.get("high"))],
        "auc": f"{_number(auc.get('value'))} ({level} CI {_ci(auc)})",
    }
    caption = _m("text.figure_roc", n=len(labels), threshold=_number(task.get("threshold")),
                 level=level, auc=data["auc"])
    return Figure("roc", caption, data)


def _alternative(result: Mapping[str, Any], level: str) -> Section:
    failures = result["failures"]
    alternative = failures["alternative"]
    note = "text.failures_worst" if failures.get("policy") == "worst-case" \
        else "text.failures_exclude"
    title = ("text.alternative_policy_exclude" if alternative.get("policy") == "exclude"
             else "text.alternative_policy_worst")
    return Section(0, Msg("section.alternative"), (
        Para(Msg(note), "note"),
        Para(Msg(title), "mark"),
        Table(_metric_header(level), _metric_rows(alternative.get("metrics", {})),
              _METRIC_WIDTHS, numeric=(1, 2, 4)),
    ))


def _subgroups(result: Mapping[str, Any], level: str) -> Section:
    names = [v["metric"] for v in result["verdicts"]] or list(result.get("metrics", {}))[:3]
    blocks: list[Block] = []
    for column, groups in result["subgroups"].items():
        header: list[Cell] = [_m("text.subgroup_column", column=column), Msg("column.count")]
        header += [_metric_name(n) for n in names]
        rows = []
        for value, group in groups.items():
            row: list[Cell] = [str(value), str(group.get("n_cases"))]
            for name in names:
                metric = group.get("metrics", {}).get(name, {})
                estimate = _estimate(metric)
                row.append(estimate if isinstance(estimate, Msg) else
                           f"{estimate}\n({_ci(metric)})")
            rows.append(tuple(row))
        widths = (1.6, 0.8) + (2.2,) * len(names)
        blocks.append(Table(tuple(header), tuple(rows), widths,
                            numeric=tuple(range(1, len(header)))))
    blocks.append(Para(_m("column.ci", level=level), "note"))
    blocks += _undefined_note(group.get("metrics", {}).get(name, {})
                              for groups in result["subgroups"].values()
                              for group in groups.values() for name in names)
    return Section(0, Msg("section.subgroups"), tuple(blocks))


def _definitions(result: Mapping[str, Any]) -> Section:
    rows = []
    for name, metric in _ordered(result.get("metrics", {})):
        definition = DEFINITIONS.get(str(metric.get("definition")))
        if definition is None:
            rows.append((str(metric.get("definition")), _metric_name(name), "—", "—"))
            continue
        rows.append((definition.id, _metric_name(name), definition.formula,
                     definition.reference))
    header = (Msg("column.definition_id"), Msg("column.name"), Msg("column.formula"),
              Msg("column.reference"))
    return Section(0, Msg("section.definitions"),
                   (Table(header, tuple(rows), (2.0, 1.6, 2.8, 2.9)),))


def _method_section(result: Mapping[str, Any], level: str) -> Section:
    statistics = (result.get("parameters") or {}).get("statistics") or {}
    task = (result.get("parameters") or {}).get("task") or {}
    policy = ((result.get("failures") or {}).get("policy")) or "worst-case"
    task_text = ", ".join(f"{k} = {v}" for k, v in sorted(task.items())
                          if k != "type" and v is not None)  # an option not set: not printed
    rules = sorted({str(v.get("rule")) for v in result["verdicts"]})
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.protocol"), f"{result['protocol'].get('id')} "
                                f"v{result['protocol'].get('version')}"),
        (Msg("field.protocol_sha256"), str(result["protocol"].get("sha256"))),
        (Msg("field.software"), f"medeval {result.get('software', {}).get('medeval', '?')}"),
        (Msg("field.task"), str(result.get("task"))),
        (Msg("field.task_parameters"), task_text or "—"),
        (Msg("field.confidence"), level),
        (Msg("field.ci_methods"),
         f"proportions: {statistics.get('proportion_method')}; AUC: "
         f"{statistics.get('auc_method')}; bootstrap: {statistics.get('bootstrap_method')}"),
        (Msg("field.resampling"),
         f"{statistics.get('n_resamples')} × {statistics.get('resampling_unit')}, "
         f"seed {statistics.get('seed')}"),
        (Msg("field.failure_policy"), Msg(f"text.policy_{policy}")),
    ]
    rows += [(Msg("field.decision_rule"), _m(f"text.decision_rule_{rule}", level=level))
             for rule in rules]
    return Section(0, Msg("section.method"), (Fields(tuple(rows)),))


def _environment(result: Mapping[str, Any]) -> Section:
    context, software = result.get("context") or {}, result.get("software") or {}
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.platform"), _or_none(context.get("platform"))),
        (Msg("field.cpu"), _or_none(context.get("cpu_count"))),
        (Msg("field.host"), _or_none(context.get("host"))),
        (Msg("field.started"), _or_none(context.get("started"))),
        (Msg("field.finished"), _or_none(context.get("finished"))),
        (Msg("field.library_versions"),
         ", ".join(f"{k} {v}" for k, v in sorted(software.items()))),
    ]
    return Section(0, Msg("section.environment"), (Fields(tuple(rows)),))


#: How many of the result's warnings the certificate prints; the rest are counted.
_WARNINGS_PRINTED = 30


def _deviations(result: Mapping[str, Any], info: ReportInfo) -> Section:
    blocks: list[Block] = []
    if info.deviations:
        blocks += [Para("• " + d) for d in info.deviations]
    else:
        blocks.append(Para(Msg("text.none")))
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.external"), info.external_providers or Msg("text.none")),
    ]
    warnings = result.get("warnings") or []
    rows.append((Msg("field.warnings"),
                 _m("text.warning_count", n=len(warnings)) if warnings else Msg("text.none")))
    blocks.append(Fields(tuple(rows)))
    # Each warning as the result holds it (the reader of the certificate may not have the
    # result file): which figure is undefined and why.
    blocks += [Para(f"• {w}", "note") for w in warnings[:_WARNINGS_PRINTED]]
    if len(warnings) > _WARNINGS_PRINTED:
        blocks.append(Para(_m("text.warnings_more", n=len(warnings) - _WARNINGS_PRINTED),
                           "note"))
    for opinion in info.opinions:
        blocks.append(Para(Msg("field.opinions"), "mark"))
        blocks.append(Para(opinion))
    return Section(0, Msg("section.deviations"), tuple(blocks))


def _integrity(result: Mapping[str, Any], number: str, fingerprint: str) -> Section:
    return Section(0, Msg("section.integrity"), (
        Fields(((Msg("doc.report_number"), number),
                (Msg("field.result_fingerprint"), fingerprint),
                (Msg("field.manifest_fingerprint"), str(result["dataset"].get("fingerprint"))),
                (Msg("field.protocol_sha256"), str(result["protocol"].get("sha256"))),
                (Msg("field.verify"), Msg("text.verify_how")))),
        QRCode(qr_payload(number, fingerprint)),
    ))

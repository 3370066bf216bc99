"""The certificate's content, built from the result JSON alone: pure data, no layout.

:func:`build_certificate` turns a :class:`~medeval.result.Result` (as
:func:`medeval.read_result` gives it) and
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
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from .._hashing import sha256_bytes
from .._issue_dates import issue_date_problem
from ..definitions import DEFINITIONS, MetricDefinition
from ..result import Result, canonical_json
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
from .catalogue import REVISIONS, Msg, reworded, texts

# the cells' printing, under the short names this module's tables are written with
from .cells import (
    BESIDE_GOAL_UNTIL,
    beside_goal,
    ci_beside_goal,
    decision_rule_text,
    number_label,
    own_text,
    protocol_digest_text,
    subgroup_heading,
)
from .cells import by_name as _by_name
from .cells import ci_text as _ci
from .cells import date_text as _date
from .cells import estimate_cell as _estimate
from .cells import goal_text as _goal
from .cells import group_value as _group_value
from .cells import known as _known
from .cells import level_text as _level
from .cells import message as _m
from .cells import metric_name as _metric_name
from .cells import n_text as _n
from .cells import or_none as _or_none
from .cells import undefined_note as _undefined_note
from .definitions_ko import DEFINITIONS_KO_UNTIL, formula_cell, reference_cell
from .edge_cases import EDGE_CASES_UNTIL, edge_case_cell
from .failure_reasons import reason_cell, reasons_cell
from .frame_definitions import frame_edge_cases, frame_formula, per_frame
from .info import ReportInfo
from .made_by import made_after
from .method_sections import environment_section, method_section
from .multilabel import TASK as LABEL_TASK
from .multilabel import label_composition
from .name_breaks import NAMES_BROKEN_UNTIL
from .notes_ko import REVISED_LATER, warning_ko
from .page import FRAME_W, TABLE_PADDING, text_width
from .percentile_note import percentile_note
from .results import (
    alternative_section,
    counted,
    failed_left_out,
    ordered_metrics,
    policy_cell,
    results_section,
    subgroups_section,
)
from .segmentation_mean_note import segmentation_mean_note

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

def is_precheck(result: Result) -> bool:
    """A pre-check: declared so, or outputs not produced by the laboratory's runner."""
    return result.precheck


def section_digests(result: Result) -> dict[str, str]:
    """Short SHA-256 (16 hex) of each top-level part of a result's JSON and of each metric.

    The ``context`` block is left out, as it is from the content fingerprint.
    """
    out: dict[str, str] = {}
    for key, value in result.to_dict().items():
        if key == "context":
            continue
        out[key] = sha256_bytes(canonical_json(value))[:16]
        if key == "metrics" and isinstance(value, Mapping):
            for name, metric in value.items():
                out[f"metrics.{name}"] = sha256_bytes(canonical_json(metric))[:16]
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------- helpers


# ---------------------------------------------------------------------------- build


#: The last release whose certificates print the footer on one line whatever its length
#: (a report number of 25 characters or more ran into "page x of y"); a later result's
#: footer puts the fingerprint on a second line where one line would not hold it all.
FOOTER_WRAPS_UNTIL = "0.11.0"
#: The last release whose certificates let a QR code begin a page alone, the statements
#: or the fields it closes on the page before (a pre-check's section 3 with two to six
#: criteria above it); a later result's QR code stays on one page with its section.
QR_KEPT_WITH_UNTIL = "0.11.0"
#: The last release whose certificates let a table's leading notes (and the heading before
#: them) end a page, the table beginning the next.
NOTES_KEPT_WITH_UNTIL = "0.11.0"
#: The last release whose certificates let the signatures begin a page alone (their
#: section's heading and statements on the page before) and the end mark fill a page.
CLOSING_KEPT_WITH_UNTIL = "0.11.0"
#: The last release whose certificates set the backslash and the superscript digits in
#: NanumGothic, which draws them as "₩" and at a third of a digit's height ("mm²",
#: "χ²", "32² px"); a later result's are set in DejaVu Sans.
GLYPHS_SWAPPED_UNTIL = "0.11.0"
#: The last release whose certificates printed text written right to left (Hebrew,
#: Arabic) with its letters in reverse order; a later result's PDF is refused, named
#: (:func:`~medeval.report.text_direction.refuse_right_to_left`). The HTML report, which
#: a browser sets in either direction, prints it.
RIGHT_TO_LEFT_PRINTED_UNTIL = "0.11.0"

#: The last release whose HTML pages let a browser join the lines of a cell or paragraph
#: (a subgroup's "estimate / (interval) / k/n" on one line; a value given on two lines),
#: which the PDF prints line by line.
LINES_KEPT_UNTIL = "0.11.0"
#: The last release whose HTML pages let a browser break a Korean word anywhere ('판정'
#: as '판' / '정' in a narrow column) and a number's cell at its spaces (an interval over
#: two lines), where the PDF breaks neither (hcert4 pass, chromium's rendering).
WORDS_KEPT_UNTIL = "0.11.0"


def build_certificate(result: Result, info: ReportInfo | None = None, *,
                      check_dates: bool = True) -> Certificate:
    """Build the certificate's content from a result.

    Parameters
    ----------
    result : Result
        The result, as :func:`medeval.read_result` returns it — of
        :func:`medeval.evaluate` or of :func:`medeval.evaluate_classification` alike.
    info : ReportInfo, optional
        The fields the result lacks (signatories, accreditation, issue date...).
    check_dates : bool
        Refuse a date of receipt after the testing started, and a date of issue before
        the testing ended or after tomorrow (a new certificate). The
        verification renders an issued certificate again without it: one rendered
        before the check was added is still genuine.

    Returns
    -------
    Certificate

    Raises
    ------
    ReportError
        ``result`` is not a :class:`~medeval.result.Result`.
    """
    if not isinstance(result, Result):
        raise ReportError(f"build_certificate: expected a medeval Result (read_result gives "
                          f"one), got {type(result).__name__}")
    info = info or ReportInfo()
    if check_dates:
        _dates_in_order(result, info)
    fingerprint = result.fingerprint
    report_number = info.report_number or result.protocol.id
    issue_date = info.issue_date or _date(result.context.finished) or "—"
    precheck = result.precheck
    level = _level(result)
    sections = [
        _cover(result, info, report_number, issue_date, precheck),
        _summary(result, level),
        _closing(info, report_number, fingerprint, issue_date, precheck),
        _dataset(result),
        _flow(result),
        results_section(result, level),
    ]
    if result.failures.alternative is not None:
        sections.append(alternative_section(result, level))
    if result.subgroups:
        sections.append(subgroups_section(result, level))
    sections += [method_section(result, level), _definitions(result), environment_section(result),
                 _deviations(result, info),
                 _integrity(result, report_number, fingerprint, info.verification_url)]
    numbered = tuple(
        Section(i, s.title, s.blocks, s.new_page) for i, s in enumerate(sections, start=1)
    )
    certificate = Certificate(
        report_number=report_number,
        fingerprint=fingerprint,
        precheck=precheck,
        title=Msg("doc.title_precheck" if precheck else "doc.title"),
        laboratory=result.protocol.laboratory.name,
        sections=numbered,
        issue_date=issue_date,
        info_digest=info.digest(),
        digests=tuple(section_digests(result).items()),
        # the phrases revised after a release, for a result made by a later medeval only:
        # the renderers key their own phrases by the releases the certificate records
        revisions=tuple(release for release in REVISIONS if made_after(result, release)),
        footer_wraps=made_after(result, FOOTER_WRAPS_UNTIL),
        qr_kept_with=made_after(result, QR_KEPT_WITH_UNTIL),
        glyphs_swapped=made_after(result, GLYPHS_SWAPPED_UNTIL),
        notes_kept_with=made_after(result, NOTES_KEPT_WITH_UNTIL),
        closing_kept_with=made_after(result, CLOSING_KEPT_WITH_UNTIL),
        lines_kept=made_after(result, LINES_KEPT_UNTIL),
        words_kept=made_after(result, WORDS_KEPT_UNTIL),
        names_broken=made_after(result, NAMES_BROKEN_UNTIL),
    )
    for release in certificate.revisions:
        certificate = reworded(certificate, release)
    return certificate


def _supplied(info: ReportInfo, key: str, value: Cell) -> Cell:
    if key in info.customer_supplied and isinstance(value, str):
        return value + " †"
    return value


def _dates_in_order(result: Result, info: ReportInfo) -> None:
    """Refuse a date of receipt after the testing started (UTC days, a day's grace for
    the laboratory's time zone, as ``registry issue`` allows for its date of issue): the
    certificate would state an item tested before it was received. A date that is no
    calendar day is left as printed. The date checked is the one the cover prints: the
    protocol's ``dataset.received``, else the report info's; a report info naming another
    day than the protocol's is refused, as it would not be printed. A date of issue
    before the testing ended or after tomorrow is refused too, as ``registry issue``
    refuses it (``medeval report`` printed such a date: a report dated before its test)."""
    import datetime

    one_day = datetime.timedelta(days=1)
    started = _day(_date(result.context.started))
    fixed = result.dataset.received
    if fixed and info.received and info.received != fixed:
        raise ReportError(
            f"certificate: the report info's received {info.received} differs from the "
            f"protocol's dataset.received {fixed}, which the result fixes and the "
            "certificate prints; leave received out of the report info")
    received = _day(fixed or info.received)
    if received and started and received > started + one_day:
        where = ("the protocol's dataset.received" if fixed
                 else "the report info's received")
        raise ReportError(
            f"certificate: {where} {received} is after the testing started ({started}, "
            "UTC): the item is received before it is tested; correct the date")
    issued = _day(info.issue_date)
    problem = issue_date_problem(issued, _day(_date(result.context.finished))) \
        if issued else None
    if problem is not None:
        raise ReportError(f"certificate: the report info's issue_date {issued} is {problem}; "
                          "correct the date, or leave issue_date out (the certificate then "
                          "prints the day the run finished)")


def _day(text: str | None) -> Any:
    """The calendar day ``YYYY-MM-DD`` as a date, or None."""
    import datetime

    try:
        return datetime.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _cover(result: Result, info: ReportInfo, number: str, issue: str,
           precheck: bool) -> Section:
    protocol, algorithm = result.protocol, result.algorithm
    lab, customer = protocol.laboratory, protocol.customer
    started, finished = _date(result.context.started), _date(result.context.finished)
    period = started if started == finished else f"{started} – {finished}"
    ident = algorithm.plugin or algorithm.command
    received = result.dataset.received or info.received
    outcome = result.overall or "none"
    # read row by row on the cover: pairs that belong together side by side
    rows: list[tuple[Msg, Cell]] = [
        (number_label(precheck), number),
        (Msg("field.issue_date"), issue),
        (Msg("field.laboratory"), _or_none(lab.name)),
        (Msg("field.accreditation"), _or_none(info.accreditation)),
        (Msg("field.address"), _or_none(lab.address)),
        (Msg("field.place"), info.place or Msg("text.lab_premises")),
        (Msg("field.customer"), _or_none(customer.name)),
        (Msg("field.customer_address"), _or_none(customer.address)),
        (Msg("field.item_name"), _supplied(info, "item_name", algorithm.name)),
        (Msg("field.item_version"), _supplied(info, "item_version", algorithm.version)),
        (Msg("field.item_manufacturer"),
         _supplied(info, "item_manufacturer", _or_none(algorithm.manufacturer))),
        (Msg("field.item_identification"), _or_none(ident)),
        (Msg("field.received"), _or_none(received)),
        (Msg("field.test_period"), period or Msg("text.not_given")),
        (Msg("field.predictions_source"),
         _known(f"text.source_{algorithm.predictions}", algorithm.predictions)),
        (Msg("field.protocol"), f"{protocol.id} v{protocol.version} — {protocol.title}"),
        (Msg("field.software"), f"medeval {result.software.get('medeval', '?')}"),
        (Msg("field.overall"), Msg(f"text.outcome_{outcome}")),
    ]
    if info.replaces:
        rows.append((Msg("field.replaces"), info.replaces))
    if info.amendment_reason:  # 7.8.8.1: the reason for the change, in the report
        rows.append((Msg("field.amendment_reason"), info.amendment_reason))
    blocks: list[Block] = [Fields(tuple(rows), columns=2)]
    if info.replaces:  # ISO/IEC 17025 7.8.8.2: an amendment says so and names the report
        blocks.insert(0, Para(_amendment_statement(info, result), "mark"))
    if precheck:
        blocks.insert(0, Para(Msg("text.precheck_statement"), "mark"))
    return Section(0, Msg("section.cover"), tuple(blocks))


def _item_digests(run: Mapping[str, Any]) -> list[tuple[Msg, Cell]]:
    """The item's SHA-256 (over its kind, target and every file's digest, as the runner
    recorded it) and its outputs' SHA-256 (the runner's prediction files, or those the
    customer supplied: a folder's files or a table): ISO/IEC 17025 7.8.2.1 g, an
    unambiguous identification of the item, printed with the other fingerprints, each on
    one line."""
    item = run.get("algorithm")
    digest = item.get("sha256") if isinstance(item, Mapping) else None
    rows: list[tuple[Msg, Cell]] = []
    if digest:
        rows.append((Msg("field.item_sha256"), str(digest)))
    if run.get("predictions_sha256"):
        rows.append((Msg("field.outputs_sha256"), str(run["predictions_sha256"])))
    return rows


def _amendment_statement(info: ReportInfo, result: Result) -> Msg:
    """What an amended report says first: amendment 1 replaces the report first issued,
    amendment n >= 2 replaces amendment n - 1 (the report it names)."""
    # Korean: after medeval 0.9.0 the object particle follows 성적서 with the number in
    # brackets (성적서(KTL-AI-2026-0003)를): 를 after a number read with a final
    # consonant (...3, 삼) is wrong, and which one fits depends on how it is read
    suffix = "_bracketed" if made_after(result, AMENDMENT_PARTICLE_UNTIL) else ""
    if not info.amendment:
        return _m(f"text.replacement_statement{suffix}", replaces=info.replaces)
    if info.amendment == 1:
        return _m("text.amendment_statement", number=1, replaces=info.replaces)
    return _m(f"text.amendment_statement_later{suffix}", number=info.amendment,
              replaces=info.replaces, previous=info.amendment - 1)


#: The last release whose Korean amendment statements put 를 right after the replaced
#: report's number ("성적서 KTL-AI-2026-0003를", wrong for a number read 삼).
AMENDMENT_PARTICLE_UNTIL = "0.9.0"


def _summary(result: Result, level: str) -> Section:
    metrics = _by_name(result.metrics)
    sources = {c.metric: c.source for c in result.protocol.criteria}
    rows = []
    beside = made_after(result, BESIDE_GOAL_UNTIL)
    for verdict in result.verdicts:
        metric = metrics.get(verdict.metric)
        unit = metric.unit if metric is not None else "1"
        estimate, ci = _estimate(metric), _ci(metric)
        if beside and metric is not None:  # each figure on its own side of the goal
            ci = ci_beside_goal(metric, verdict.goal)
            if isinstance(estimate, str):
                estimate = beside_goal(metric.estimate.value, verdict.goal, unit)
        goal: Cell = _goal(verdict.goal, unit)
        if unit not in _UNIT_IN_NAME and made_after(result, UNITS_BESIDE_UNTIL):
            estimate, goal = _with_unit(estimate, unit), _with_unit(goal, unit)
        rows.append((
            _metric_name(verdict.metric, metric.definition if metric else None, result=result),
            estimate, ci, _n(metric), goal, sources.get(verdict.metric, ""),
            Msg(f"text.rule_{verdict.rule}"), Msg(f"text.outcome_{verdict.outcome}"),
        ))
    header: tuple[Cell, ...] = (
        Msg("column.metric"), Msg("column.estimate"), _m("column.ci", level=level),
        Msg("column.n"), Msg("column.goal"), Msg("column.goal_source"), Msg("column.rule"),
        Msg("column.verdict"),
    )
    if not rows:  # no acceptance criteria (two tables evaluated): nothing was judged
        return Section(0, Msg("section.summary"), (Para(Msg("text.no_criteria"), "note"),))
    # the verdict column holds "INCONCLUSIVE" in bold 7.5 pt (53 pt) on one line
    widths = _criteria_widths(rows) if made_after(result, UNITS_BESIDE_UNTIL) else (
        2.2, 1.1, 1.8, 1.3, 0.9, 1.7, 1.1, 1.5)
    blocks: list[Block] = [Table(header, tuple(rows), widths, numeric=(1, 2, 3, 4))]
    blocks += _undefined_note(metrics.get(v.metric) for v in result.verdicts)
    for rule in sorted({v.rule for v in result.verdicts}):
        blocks.append(Para(decision_rule_text(result, rule, level), "note"))
    if len(result.verdicts) > 1 and made_after(result, OVERALL_RULE_UNTIL):
        blocks.append(Para(Msg("text.overall_rule"), "note"))
    return Section(0, Msg("section.summary"), tuple(blocks))


#: The last release whose certificates print a criterion's estimate and goal without
#: their unit ('0.18', goal '1.00' for an ASSD in mm), the criteria table having no unit
#: column; a later result's read '0.18 mm', '1.00 mm' (hcert4 pass).
UNITS_BESIDE_UNTIL = "0.11.0"

#: The units a criterion's figure prints without: none for a ratio, and the rate whose
#: name says it ('False alarms per 24 h', '24시간당 오경보 수').
_UNIT_IN_NAME = frozenset({"1", "per 24 h"})


def _with_unit(value: Cell, unit: str) -> Cell:
    """A number as printed with its unit ('1.00 mm'); a value in words ('undefined') as
    it is."""
    if not isinstance(value, str):
        return value
    return Msg("text.value_unit", (("value", value), ("unit", _known(f"unit.{unit}", unit))))


def _criteria_widths(rows: Sequence[tuple[Cell, ...]]) -> tuple[float, ...]:
    """The criteria table's widths for a result made after :data:`UNITS_BESIDE_UNTIL`: a
    goal with its unit ('1.00 mm') takes a wider column than a ratio's, from the source's
    (text, which wraps); where an estimate or a goal with its unit is wider still
    ('5000.00 mm³', '449.44 mm³', 7.5 pt), its column takes what it needs from the
    metric's and the source's columns (their text wraps), at most 0.6 of each (hrev13:
    the figure broke into '5000.00' / 'mm³')."""
    widths = [2.2, 1.1, 1.8, 1.3, 1.2, 1.4, 1.1, 1.5]
    per_width = FRAME_W / sum(widths)
    for column, lender in ((1, 0), (4, 5)):
        cells = [cell for cell in (row[column] for row in rows)
                 if isinstance(cell, Msg) and cell.key == "text.value_unit"]
        need = max((text_width(text, 7.5) for cell in cells
                    for text in (*texts(cell, "ko"), *texts(cell, "en"))), default=0.0)
        more = min(0.6, max(0.0, math.ceil((need + TABLE_PADDING) / per_width * 20) / 20
                            - widths[column]))
        widths[column] += more
        widths[lender] -= more
    return tuple(widths)


#: The last release whose certificates do not say how the criteria's verdicts make the
#: overall one (medeval.decision.overall), nor that none is adjusted for their number.
OVERALL_RULE_UNTIL = "0.8.0"


def _closing(info: ReportInfo, number: str, fingerprint: str, issue: str,
             precheck: bool) -> Section:
    blocks: list[Block] = [
        Para(own_text("text.only_item", precheck), "note"),
        Para(own_text("text.no_reproduction", precheck), "note"),
        Para(Msg("text.customer_supplied"), "note"),
    ]
    if not precheck:
        blocks.append(Signatures(info.tested_by, info.approved_by, issue))
    blocks.append(QRCode(qr_payload(number, fingerprint, base_url=info.verification_url)))
    title = "section.statements" if precheck else "section.approval"
    return Section(0, Msg(title), tuple(blocks))


def qr_payload(report_number: str, fingerprint: str, *, base_url: str | None = None) -> str:
    """The QR code's text: the verification page's address of the report,
    ``<base_url>/reports/<report number>?fingerprint=<fingerprint>``, when the laboratory
    gives one (report info ``verification_url``); else
    ``MEDEVAL-CERT|<report number>|sha256:<fingerprint>``."""
    if base_url:
        return (f"{base_url.rstrip('/')}/reports/{quote(report_number, safe='')}"
                f"?fingerprint={fingerprint}")
    return f"MEDEVAL-CERT|{report_number}|sha256:{fingerprint}"


def _dataset(result: Result) -> Section:
    dataset = result.dataset
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.manifest"), dataset.manifest),
        (Msg("field.manifest_fingerprint"), dataset.fingerprint),
        (Msg("field.n_cases"), str(dataset.n_cases)),
        (Msg("field.n_patients"), str(dataset.n_patients)),
        (Msg("field.selection"), _or_none(dataset.selection)),
        (Msg("field.sample_size"), _or_none(dataset.sample_size)),
    ]
    if _reference_values_shown(result):  # a value per case, not a class: its range
        rows.append((Msg("field.reference_values"), _reference_values(result)))
    blocks: list[Block] = [Fields(tuple(rows))]
    composition = _composition(result)
    if result.task == LABEL_TASK:  # a case may carry several labels: counted under each
        blocks += [table for table in (label_composition(result),) if table is not None]
    elif composition:
        blocks.append(Table((Msg("field.composition"), Msg("column.count")), composition,
                            (3, 1), numeric=(1,), span=0.5))
    # the subgroups count the cases analysed: without the failed ones when excluded (a
    # measurement's are analysed still, in its completion rate)
    count = Msg("column.count_analysed" if failed_left_out(result) else "column.count")
    for column in dict.fromkeys(g.column for g in result.subgroups):
        blocks.append(Table(
            (subgroup_heading(result, column), count),
            tuple((_group_value(g.value), str(g.n_cases)) for g in result.subgroups
                  if g.column == column),
            (3, 1), numeric=(1,), span=0.5))
    return Section(0, Msg("section.dataset"), tuple(blocks), new_page=True)


#: The last release whose measurement certificates listed each reference value as a class
#: of the composition table; a result it made renders so still (:mod:`.made_by`).
REFERENCE_VALUES_UNTIL = "0.7.0"


def _reference_values_shown(result: Result) -> bool:
    """Whether §4 gives a measurement set's reference values as a range (results made
    after medeval 0.7.0) instead of a composition by reference "class"."""
    return result.task == "measurement" and made_after(result, REFERENCE_VALUES_UNTIL)


def _reference_values(result: Result) -> Cell:
    """A measurement set's reference values: how many, their range and median."""
    values = sorted(float(case["reference"]) for case in result.cases
                    if case.get("reference") is not None)
    if not values:
        return _or_none(None)
    return _m("text.reference_values", n=len(values), low=f"{values[0]:g}",
              high=f"{values[-1]:g}", median=f"{statistics.median(values):g}",
              unit=str(result.parameters.task.get("unit", "")))


#: The last release whose certificates list a multi-class set's composition by reference
#: class a-z (AF, Noisy, Normal, Other; grades 0, 1, 10, 2); a later result's list it in
#: the order of the protocol's labels, as its confusion matrix and each class's
#: sensitivity are (:data:`.results.CLASS_ORDER_UNTIL`).
COMPOSITION_BY_NAME_UNTIL = "0.10.0"

#: The last release whose certificates leave a declared class without reference case out
#: of a multi-class set's composition (a protocol's class the set does not hold, its
#: figures undefined); a later result's list it with 0 cases, as its confusion matrix does.
ABSENT_CLASSES_LEFT_OUT_UNTIL = "0.11.0"


def _composition(result: Result) -> tuple[tuple[Cell, ...], ...]:
    # a measurement's references are values, each its own "class": _reference_values
    if not result.cases or "reference" not in result.case_columns \
            or _reference_values_shown(result):
        return ()
    positive = str(result.parameters.task.get("positive_label", ""))
    if result.task in ("binary-classification", "reader-study"):  # references are 1/0
        names = {"1": positive, "0": str(result.parameters.task.get("negative_label", "0"))}
    else:
        names = {}
    counts = Counter(str(case["reference"]) for case in result.cases)
    order = sorted(counts)
    matrix = result.tables.get("confusion_matrix")
    if isinstance(matrix, Mapping) and "labels" in matrix and made_after(
            result, COMPOSITION_BY_NAME_UNTIL):
        labels = [str(label) for label in matrix["labels"]]
        every = made_after(result, ABSENT_CLASSES_LEFT_OUT_UNTIL)
        order = [label for label in labels if every or label in counts] + [
            label for label in order if label not in labels]
    rows: list[tuple[Cell, ...]] = []
    for label in order:
        count = counts[label]
        text = names.get(label, label)
        rows.append((f"{text} (+)" if text == positive else text, str(count)))
    rows.append((Msg("column.total"), str(sum(counts.values()))))
    return tuple(rows)


#: The last release whose reader-study certificates printed "worst case" as the failure
#: policy of the cases analysed, where no case can fail (the readings come with the
#: protocol; the method section already leaves the policy out).
READER_STUDY_POLICY_UNTIL = "0.9.0"


def _analysed_policy(result: Result) -> Cell:
    """How failed cases were counted, beside the cases analysed; nothing for a reader
    study made after :data:`READER_STUDY_POLICY_UNTIL`, which has no failed case."""
    if result.task == "reader-study" and made_after(result, READER_STUDY_POLICY_UNTIL):
        return ""
    return policy_cell(result)


def _flow(result: Result) -> Section:
    flow, failures = result.flow, result.failures
    reasons = reasons_cell(result, failures.by_reason)
    rows: tuple[tuple[Cell, ...], ...] = (
        (Msg("flow.registered"), str(flow.registered), ""),
        (Msg("flow.scored"), str(flow.scored), ""),
        (Msg("flow.failed"), str(flow.failed), reasons),
        (Msg("flow.analysed"), str(flow.analysed), _analysed_policy(result)),
    )
    blocks: list[Block] = [Table((Msg("column.step"), Msg("column.count"),
                                  Msg("column.failure_reason")), rows, (3, 1, 3), numeric=(1,))]
    listed = failures.cases
    if listed:
        shown = listed[:40]
        table_rows: list[tuple[Cell, ...]] = [(c.case_id, reason_cell(result, c.reason))
                                              for c in shown]
        if len(listed) > len(shown):
            table_rows.append(("…", f"+{len(listed) - len(shown)}"))
        blocks.append(Table((Msg("column.case_id"), Msg("column.failure_reason")),
                            tuple(table_rows), (2, 3), span=0.6))
    return Section(0, Msg("section.flow"), tuple(blocks))


#: The last release whose certificates print a definition once per figure that uses it
#: (five rows of "TP / (TP + FN)" for the sensitivities of a 0–4 grading, one per class,
#: the per-label Dice of a segmentation); a later result's print it once, under the
#: definition's own name, the figures' names being in the tables above.
DEFINITION_ROWS_REPEATED_UNTIL = "0.10.0"


def _definitions(result: Result) -> Section:
    rows = []
    metrics = ordered_metrics(result.metrics, result)
    sharing: Counter[str] = Counter()
    if made_after(result, DEFINITION_ROWS_REPEATED_UNTIL):
        sharing.update(metric.definition for metric in metrics)
        firsts = {metric.definition: i for i, metric in reversed(list(enumerate(metrics)))}
        metrics = [metrics[i] for i in sorted(firsts.values())]  # where its first figure stood
    edges = made_after(result, EDGE_CASES_UNTIL)  # a column of what it is where undefined
    for metric in metrics:
        definition = DEFINITIONS.get(metric.definition)
        row: tuple[Cell, ...]
        if definition is None:
            row = (metric.definition, _metric_name(metric.name, metric.definition,
                                                   result=result), "—", "—")
        else:
            name = _definition_name(definition.id, definition.name) \
                if sharing[metric.definition] > 1 \
                else _metric_name(metric.name, metric.definition, result=result)
            row = (definition.id, name, *_formula_reference(definition, result))
        if edges:
            row = (*row[:3], _edge_cases(definition, result), row[3])
        rows.append(row)
    header: tuple[Cell, ...] = (Msg("column.definition_id"), Msg("column.name"),
                                Msg("column.formula"), Msg("column.reference"))
    widths: tuple[float, ...] = (2.0, 1.6, 2.8, 2.9)
    if edges:
        header = (*header[:3], Msg("column.edge_cases"), header[3])
        widths = _edge_widths(rows)
    return Section(0, Msg("section.definitions"),
                   (Table(header, tuple(rows), widths),
                    *_non_standard_note(result), *segmentation_mean_note(result),
                    *percentile_note(result)))


def _formula_reference(definition: MetricDefinition, result: Result) -> tuple[Cell, Cell]:
    """A definition's formula and reference as the definitions table prints them: their
    words in Korean in a Korean certificate of a result made after
    :data:`~medeval.report.definitions_ko.DEFINITIONS_KO_UNTIL`, else as written; the FROC
    formulas of a coco-detection result per frame (:mod:`.frame_definitions`)."""
    if made_after(result, DEFINITIONS_KO_UNTIL):
        framed = frame_formula(definition.id) if per_frame(result) else None
        return framed or formula_cell(definition), reference_cell(definition)
    return definition.formula, definition.reference


def _edge_cases(definition: MetricDefinition | None, result: Result) -> Cell:
    """A definition's edge cases as the definitions table prints them
    (:func:`~medeval.report.edge_cases.edge_case_cell`); the FROC definitions' of a
    coco-detection result per frame, as their formulas (:mod:`.frame_definitions`)."""
    if definition is None:
        return edge_case_cell("")
    framed = frame_edge_cases(definition.id) if per_frame(result) else None
    return framed or edge_case_cell(definition.edge_cases)


#: The room of the id column of the table with the edge cases at its narrow width, in
#: points: 2.0 of the widths' 9.5 of the PDF's frame (493.2 pt), less a cell's padding
#: (page.TABLE_PADDING), the id set in NanumGothic 7.5 pt (page.text_width). An id wider
#: widens the column: judged by its number of characters (27 and more),
#: 'mrmc_reader_averaged_auc', 24 characters of wide letters (98.5 pt), was broken into
#: 'mrmc_reader_averaged_au' / 'c' (hcert4 pass; the column is printed for results made
#: after 0.11.0 only).
_ID_ROOM_PT = FRAME_W * 2.0 / 9.5 - TABLE_PADDING


def _edge_widths(rows: Sequence[tuple[Cell, ...]]) -> tuple[float, ...]:
    """The widths of the definitions table with its edge-case column: the id column wider
    only where an id would not fit (the others keep their room, and the page count)."""
    if any(isinstance(row[0], str) and text_width(row[0], 7.5) > _ID_ROOM_PT for row in rows):
        return (2.4, 1.25, 2.15, 1.9, 1.8)
    return (2.0, 1.3, 2.3, 2.1, 1.8)


def _definition_name(definition: str, written: str) -> Cell:
    """The name of a definition printed once for several figures: its own in the
    catalogues (``[definition]``, else the figure of that name's, ``metric.sensitivity``),
    else the one written with it (English)."""
    for key in (f"definition.{definition}", f"metric.{definition}"):
        named = _known(key, "")
        if isinstance(named, Msg):
            return named
    return written


def _non_standard_note(result: Result) -> tuple[Block, ...]:
    """A note under the definitions when the protocol set EC57's or SzCORE's parameters
    to other values than the standard ones the formulas state (the task's tables record
    ``standard``: false); the figures were computed with the protocol's."""
    task = result.parameters.task
    ec57 = result.tables.get("ec57")
    if isinstance(ec57, Mapping) and ec57.get("standard") is False:
        return (Para(_m("text.non_standard_ec57", window=_parameter(task.get("window_s")),
                        learning=_parameter(task.get("learning_period_s"))), "note"),)
    events = result.tables.get("events")
    if isinstance(events, Mapping) and events.get("standard") is False:
        return (Para(_m("text.non_standard_szcore", **{
            key: _parameter(task.get(name)) for key, name in (
                ("before", "tolerance_start_s"), ("after", "tolerance_end_s"),
                ("overlap", "min_overlap"), ("gap", "min_gap_s"),
                ("longest", "max_event_duration_s"))}), "note"),)
    return _froc_notes(result)


#: The FP-per-case rates the definition of ``froc_cpm`` states (LUNA16's seven).
_LUNA16_RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


def _froc_notes(result: Result) -> tuple[Block, ...]:
    """Notes under the definitions where a detection protocol's parameters are not the
    ones the FROC formulas state: ``interpolation = "linear"`` (the formula of
    ``froc_sensitivity`` reads the operating point, step) and ``fp_rates`` other than
    LUNA16's seven (the formula of ``froc_cpm`` names those). For results made after
    0.11.0; before, the definitions alone were printed."""
    task = result.parameters.task
    if task.get("type") not in ("detection", "coco-detection") or not made_after(
            result, "0.11.0"):
        return ()
    names = {metric.definition for metric in result.metrics}
    notes: list[Block] = []
    if task.get("interpolation") == "linear" and names & {"froc_sensitivity", "froc_cpm"}:
        notes.append(Para(_m("text.froc_linear"), "note"))
    rates = [float(r) for r in task.get("fp_rates") or _LUNA16_RATES]
    if "froc_cpm" in names and rates != list(_LUNA16_RATES):
        framed = "_frame" if result.task == "coco-detection" else ""  # its cases are frames
        notes.append(Para(_m(f"text.froc_cpm_rates{framed}", rates=", ".join(
            f"{r:g}" for r in rates)), "note"))
    return tuple(notes)


def _parameter(value: Any) -> str:
    """A task parameter as the note prints it (``:g``); an infinite one (events never
    split: ``max_event_duration_s = inf``), which the result's JSON holds as the text
    ``"Infinity"``, as ``∞``."""
    number = float(value)
    return "∞" if math.isinf(number) else f"{number:g}"


#: The last release whose certificates print the warnings' Korean as first written; a
#: later result's take :data:`~medeval.report.notes_ko.REVISED` (the korean-pass).
NOTES_REVISED_AFTER = "0.9.0"

#: The last release whose Korean certificates printed in English, marked as the original,
#: an estimate's note on a figure whose label holds a space, comma or quote
#: (``sensitivity@polyp, hyperplastic``, ``auc@MALT lymphoma``): its name was not read as
#: a metric's (:func:`~medeval.report.notes_ko.warning_ko`, ``labelled``).
LABELLED_NAMES_AFTER = "0.11.0"

#: The last release whose certificates head each opinion of the report info "Opinions and
#: interpretations" (two opinions: the heading twice); a later result's heads them once and
#: lists them as the deviations are.
OPINIONS_HEADED_ONCE_UNTIL = "0.11.0"

#: How many of the result's warnings the certificate prints; the rest are counted.
_WARNINGS_PRINTED = 30


def _deviations(result: Result, info: ReportInfo) -> Section:
    blocks: list[Block] = []
    if info.deviations:
        blocks += [Para("• " + d) for d in info.deviations]
    else:
        blocks.append(Para(Msg("text.none")))
    rows: list[tuple[Msg, Cell]] = [
        (Msg("field.external"), info.external_providers or Msg("text.none")),
    ]
    warnings = result.warnings
    rows.append((Msg("field.warnings"), counted(result, "text.warning_count", len(warnings))
                 if warnings else Msg("text.none")))
    blocks.append(Fields(tuple(rows)))
    # Each warning (the reader of the certificate may not have the result file): which
    # figure is undefined and why; in English as the result holds it, in Korean from the
    # catalogue of notes (the English, marked as the original, where it has none).
    revised = made_after(result, NOTES_REVISED_AFTER)
    later = tuple(release for release in REVISED_LATER if made_after(result, release))
    labelled = made_after(result, LABELLED_NAMES_AFTER)
    blocks += [Para(_warning(w, revised=revised, later=later, labelled=labelled), "note")
               for w in warnings[:_WARNINGS_PRINTED]]
    if len(warnings) > _WARNINGS_PRINTED:
        blocks.append(Para(_m("text.warnings_more", n=len(warnings) - _WARNINGS_PRINTED),
                           "note"))
    if made_after(result, OPINIONS_HEADED_ONCE_UNTIL) and len(info.opinions) > 1:
        blocks.append(Para(Msg("field.opinions"), "mark"))
        blocks += [Para("• " + opinion) for opinion in info.opinions]
    else:
        for opinion in info.opinions:  # the heading before each one
            blocks.append(Para(Msg("field.opinions"), "mark"))
            blocks.append(Para(opinion))
    return Section(0, Msg("section.deviations"), tuple(blocks))


def _warning(text: str, *, revised: bool, later: tuple[str, ...] = (),
             labelled: bool = False) -> Msg:
    """One of the result's warnings: the English as it is, and its Korean (as revised
    after :data:`NOTES_REVISED_AFTER` where ``revised``; a figure named by a label with
    spaces or punctuation read where ``labelled``, :data:`LABELLED_NAMES_AFTER`); without
    a Korean wording, the English marked as the original, printed once in a ``ko+en``
    certificate (:data:`~medeval.report.catalogue.ONCE_IN_KOREAN`)."""
    korean = warning_ko(text, revised=revised, later=later, labelled=labelled)
    if korean is None:
        return _m("text.warning_untranslated", en=text)
    return _m("text.warning_item", en=text, ko=korean)


def _integrity(result: Result, number: str, fingerprint: str,
               base_url: str | None) -> Section:
    return Section(0, Msg("section.integrity"), (
        Fields(((number_label(result.precheck), number),
                (Msg("field.result_fingerprint"), fingerprint),
                (Msg("field.manifest_fingerprint"), result.dataset.fingerprint),
                (Msg("field.protocol_sha256"), protocol_digest_text(result)),
                *_item_digests(result.algorithm.run),
                (Msg("field.verify"), own_text("text.verify_how", result.precheck)))),
        QRCode(qr_payload(number, fingerprint, base_url=base_url)),
    ))

"""The certificate's blocks for a reader study (task ``reader-study``).

From the result's :class:`~medeval.reader_study_table.ReaderStudyTable`: the design and
the method named (Obuchowski & Rockette 1995 with Hillis 2007's degrees of freedom, or
DBM), the reader × treatment AUC table, the analysis of variance with the variance
components, and the test of each scope (RRRC, FRRC, RRFC: statistic, df, p, the
difference test − reference with its interval). :mod:`medeval.report.content` places
them in the results section.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from ..reader_study_table import ReaderStudyTable
from .blocks import Block, Cell, Para, Table
from .catalogue import Msg
from .cells import known

__all__ = ["DF_PLACES_UNTIL", "GOAL_PLACES_UNTIL", "REFERENCE_WORDS_UNTIL",
           "reader_study_blocks", "reader_study_method"]

#: The last release whose reader-study certificates print a test's denominator degrees
#: of freedom with two decimals whatever they are: '1, 5.00' for RRFC's (t-1)(r-1),
#: '1, 79.00' for DBM's FRRC (t-1)(c-1), counts that are whole by definition. A later
#: result's print a whole number as such ('1, 5') and Hillis's ddf_H, a real number, to
#: two decimals as the Iowa program does ('1, 12.48').
DF_PLACES_UNTIL = "0.11.0"

#: The last release whose reader-study certificates end the Obuchowski–Rockette method
#: text with the references' "(denominator degrees of freedom)" in English in the Korean
#: text too; a later result's reads "(분모 자유도)" there (hcert4 pass).
REFERENCE_WORDS_UNTIL = "0.11.0"

#: The last release whose reader-study certificates print the margin and the goal of the
#: difference to three decimals ('judged ... against the goal 0.000', 'margin 0.050')
#: where the criteria table prints the same goal to four ('0.0000', '-0.0500', as every
#: ratio); a later result's print four.
GOAL_PLACES_UNTIL = "0.11.0"

#: What the Obuchowski–Rockette references say Hillis's paper is cited for
#: (:data:`medeval.reader_study_table.REFERENCES`), in words of each language for a result
#: made after :data:`REFERENCE_WORDS_UNTIL`.
_DDF = " (denominator degrees of freedom)"

_COMPONENT_NAMES = {"var_r": "Var(R)", "var_tr": "Var(T*R)", "cov1": "Cov1",
                    "cov2": "Cov2", "cov3": "Cov3", "var_error": "Var(Error)",
                    "var_c": "Var(C)", "var_tc": "Var(T*C)", "var_rc": "Var(R*C)"}


def _m(key: str, **params: Any) -> Msg:
    return Msg(key, tuple((k, str(v)) for k, v in params.items()))


def _fixed(value: float, decimals: int = 4) -> str:
    if math.isnan(value):
        return "—"  # the certificate never prints "NaN" (docs/certificate.md)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{decimals}f}"


def _as_fixed(value: float, decimals: int) -> str:
    """A margin or goal the protocol fixed: ``decimals`` places, more where those would
    round it (a margin of 0.0525 is not printed as 0.053)."""
    printed = _fixed(value, decimals)
    return repr(value) if math.isfinite(value) and float(printed) != value else printed


def _df(value: float) -> str:
    """Degrees of freedom as a statistician reads them: a whole number as such (5, 79;
    also Hillis's ddf_H where it equals (t-1)(r-1) but for the last bit of a float),
    else to two decimals (12.48).

    >>> _df(5.0), _df(79.00000000000001), _df(12.4771), _df(math.nan)
    ('5', '79', '12.48', '—')
    """
    if math.isfinite(value) and abs(value - round(value)) <= 1e-9 * max(1.0, abs(value)):
        return str(round(value))
    return _fixed(value, 2)


def _p(value: float) -> str:
    """A p-value as printed: 4 decimals, "< 0.0001" below."""
    if not math.isnan(value) and value < 0.0001:
        return "< 0.0001"
    return _fixed(value)


def reader_study_method(tables: Mapping[str, Any], *, named: bool = False,
                        worded: bool = False) -> list[tuple[Msg, Cell]]:
    """The method section's row naming the analysis; none for another task. ``named``
    (a result made after 0.10.0): the covariance method by its name in each language
    ('잭나이프'), not its id ('jackknife' in the Korean text); ``worded`` (a result made
    after :data:`REFERENCE_WORDS_UNTIL`): the references' words too (:func:`_reference`)."""
    study = ReaderStudyTable.from_tables(tables)
    if study is None:
        return []
    return [(Msg("field.reader_study_method"),
             _method_text(study, named=named, worded=worded))]


def _method_text(study: ReaderStudyTable, *, named: bool = False,
                 worded: bool = False) -> Msg:
    key = "reader_study.method_or" if study.is_or else "reader_study.method_dbm"
    if not named:
        return _m(key, covariance=study.covariance, reference=study.reference)
    return Msg(key, (("covariance", known(f"ci_method.{study.covariance}", study.covariance)),
                     ("reference", _reference(study) if worded else str(study.reference))))


def _reference(study: ReaderStudyTable) -> Cell:
    """The method's references, what Hillis's paper is cited for in the words of each
    language ('... 2007;26:596-619 (분모 자유도)'); the citations as written."""
    if not study.reference.endswith(_DDF):
        return study.reference
    return Msg("reader_study.reference_ddf",
               (("citations", study.reference.removesuffix(_DDF)),))


def _reading_order(name: str) -> tuple[tuple[str | tuple[int, str], ...], str]:
    """A reader's place in the tables: numbers within names by value (R2 before R10),
    the name itself last (R01 and R1 keep one order). A number is compared by its
    length without leading zeros, then its digits: no ``int()`` and its size limit."""
    parts = re.split(r"(\d+)", name)  # text, digits, text, ...: digits at odd places
    return tuple((len(part.lstrip("0")), part.lstrip("0")) if k % 2 else part
                 for k, part in enumerate(parts)), name


def reader_study_blocks(tables: Mapping[str, Any], level: str, *, named: bool = False,
                        infinite: bool = False, df_places: bool = False,
                        worded: bool = False, goal_places: int = 3) -> list[Block]:
    """The reader study's blocks (see the module); none for another task. ``infinite``
    (a result made after 0.11.0): a test whose error term is 0 (its statistic infinite,
    p 0, its interval of zero width) is said to be no evidence, under the tests.
    ``df_places`` (a result made after :data:`DF_PLACES_UNTIL`): the tests' degrees of
    freedom with the decimals they have (:func:`_df`). ``named``, ``worded``: the method's
    text as :func:`reader_study_method` has them. ``goal_places``: the decimals of the
    margin and the goal (4 for a result made after :data:`GOAL_PLACES_UNTIL`)."""
    study = ReaderStudyTable.from_tables(tables)
    if study is None:
        return []
    test, reference = study.test_treatment, study.reference_treatment
    margin = _as_fixed(study.margin or 0.0, goal_places)
    comparison = (_m("reader_study.noninferiority", margin=margin)
                  if study.comparison == "non-inferiority" else Msg("reader_study.superiority"))
    blocks: list[Block] = [
        # "1 readers each read" and "multi-reader" misstate a study of one reader
        Para(_m("reader_study.design" if len(study.readers) > 1 else "reader_study.design_one",
                readers=len(study.readers), cases=study.n_cases,
                positive=study.n_positive, negative=study.n_negative, test=test,
                reference=reference), "body"),
        Para(comparison, "body"),
        Para(_method_text(study, named=named, worded=worded), "note"),
    ]
    # the reader x treatment AUC table
    rows: list[tuple[Cell, ...]] = [
        (r.reader, _fixed(r.test), _fixed(r.reference), _fixed(r.difference))
        for r in sorted(study.readers, key=lambda r: _reading_order(r.reader))]
    rows.append((Msg("reader_study.average"), _fixed(study.test_auc),
                 _fixed(study.reference_auc), _fixed(study.test_auc - study.reference_auc)))
    blocks += [
        Para(Msg("reader_study.auc_table"), "mark"),
        Table((Msg("reader_study.reader"), test, reference,
               _m("reader_study.difference", test=test, reference=reference)),
              tuple(rows), (1.6, 1.4, 1.4, 2.0), numeric=(1, 2, 3), span=0.8),
    ]
    # the analysis of variance: the ANOVA of the AUCs (OR) or pseudovalues (DBM), and
    # the variance components
    blocks += [
        Para(Msg("reader_study.anova_or" if study.is_or else "reader_study.anova_dbm"),
             "mark"),
        Table((Msg("reader_study.source"), Msg("reader_study.df"),
               Msg("reader_study.ss"), Msg("reader_study.ms")),
              tuple((a.source, str(a.df), _fixed(a.ss, 8), _fixed(a.ms, 8))
                    for a in study.anova),
              (1.6, 0.8, 1.6, 1.6), numeric=(1, 2, 3), span=0.7),
    ]
    correlations = dict(zip(("cov1", "cov2", "cov3"), study.correlations()))
    component_rows: list[tuple[Cell, ...]] = []
    for name, value in study.components:
        row: tuple[Cell, ...] = (_COMPONENT_NAMES.get(name, name), _fixed(value, 8))
        if study.is_or:
            row += (_fixed(correlations[name], 4) if name in correlations else "",)
        component_rows.append(row)
    header: tuple[Cell, ...] = (Msg("reader_study.component"), Msg("reader_study.estimate"))
    if study.is_or:
        header += (Msg("reader_study.correlation"),)
    blocks += [
        Table(header, tuple(component_rows), (1.6, 1.6, 1.4)[:len(header)],
              numeric=tuple(range(1, len(header))), span=0.6),
        Para(Msg("reader_study.components_note_or" if study.is_or
                 else "reader_study.components_note_dbm"), "note"),
    ]
    return blocks + _tests(study, level, infinite=infinite, df_places=df_places,
                           goal_places=goal_places)


def _tests(study: ReaderStudyTable, level: str, *, infinite: bool, df_places: bool,
           goal_places: int) -> list[Block]:
    """The test of each scope, and the notes under it (see :func:`reader_study_blocks`)."""
    test, reference = study.test_treatment, study.reference_treatment
    test_rows: list[tuple[Cell, ...]] = []
    undefined = False
    for found in study.tests:
        statistic: Cell = ("χ² " if found.distribution == "chi-square" else "F ") + \
            _fixed(found.statistic, 4)
        p_value: Cell = _p(found.p_value)
        if math.isnan(found.statistic) or math.isnan(found.p_value):
            statistic, p_value, undefined = Msg("text.undefined"), Msg("text.undefined"), True
        df_den = _df(found.df_den) if df_places else _fixed(found.df_den, 2)
        df = (_fixed(found.df_num, 0) if math.isinf(found.df_den)
              else f"{_fixed(found.df_num, 0)}, {df_den}")
        d = found.difference
        test_rows.append((Msg(f"reader_study.scope_{found.scope}"), statistic, df,
                          p_value, _fixed(d.value),
                          f"{_fixed(d.low)} – {_fixed(d.high)}"))
    blocks: list[Block] = [
        Para(Msg("reader_study.tests"), "mark"),
        Table((Msg("reader_study.scope"), Msg("reader_study.statistic"),
               Msg("reader_study.df"), Msg("reader_study.p"),
               _m("reader_study.difference", test=test, reference=reference),
               _m("column.ci", level=level)),
              tuple(test_rows), (2.6, 1.3, 1.1, 0.9, 1.5, 1.9), numeric=(1, 2, 3, 4, 5)),
        Para(_m("reader_study.judged", scope=study.scope,
                goal=_as_fixed(study.goal, goal_places)), "note"),
    ]
    if study.scope not in {found.scope for found in study.tests}:  # one reader, RRRC declared
        blocks.append(Para(_m("reader_study.judged_absent", scope=study.scope), "note"))
    if undefined:
        blocks.insert(-1, Para(Msg("reader_study.undefined_test"), "note"))
    if infinite and any(math.isinf(found.statistic) for found in study.tests):
        blocks.insert(-1, Para(Msg("reader_study.infinite_test"), "note"))
    return blocks

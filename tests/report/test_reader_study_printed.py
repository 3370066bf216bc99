"""A reader study's certificate as printed: the tests' degrees of freedom, and the
method's references in the Korean text.

Found in the hcert4 pass: the tests table printed every denominator df with two decimals,
'1, 5.00' for RRFC's (t-1)(r-1) and '1, 113.00' for DBM's FRRC (t-1)(c-1), counts that
are whole by definition; only Hillis's ddf_H of the RRRC test is a real number. A result
made after 0.11.0 prints a whole df as such, ddf_H to two decimals; one made by 0.11.0
prints as issued.

Checked against Van Dyke et al. (1995), read in place from ../shared/data/tables (GPL-3,
not copied), and what the Iowa OR-DBM MRMC program 2.51 prints for it (``VanDyke.txt``
as kept in github:dpc10ster/RJafroc, commit 44b0e39e; tests/stats/test_mrmc_peers.py):
2 treatments, 5 readers, 114 cases; RRRC F on 1 and 15.26 df (ddf_H, both OR and DBM),
OR RRFC F on 1 and 4 = (2-1)(5-1) df, OR FRRC chi-square on 1 df, DBM FRRC F on 1 and
113 = (2-1)(114-1) df. And Franken et al. (1992), where Cov2 < Cov3, so Hillis's ddf_H,
[MS(T*R) + r max(Cov2 - Cov3, 0)]^2 / [MS(T*R)^2 / ((t-1)(r-1))], is (t-1)(r-1) = 3
exactly (2 treatments, 4 readers; the Iowa program prints 3.00, ``Franken1.txt``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from medeval import evaluate
from medeval.report.blocks import Para, Table
from medeval.report.catalogue import Msg, texts
from medeval.report.content import build_certificate
from medeval.result import Result

PROTOCOL = """\
[test]
id = "RS-DF"
title = "Van Dyke"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "CADx"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "Van Dyke et al. 1995"
[task]
type = "reader-study"
readings = "readings.csv"
test_treatment = "1"
reference_treatment = "2"
positive_label = "1"
negative_label = "0"
{comparison}
method = "{method}"
[statistics]
seed = 1
[[criteria]]
metric = "auc_difference"
goal = {goal}
source = "study plan"
"""


@pytest.fixture(scope="module")
def study(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    def evaluated(name: str, method: str, *, margin: float | None = None) -> Result:
        folder = tmp_path_factory.mktemp(name)
        write_study(pd.read_csv(shared_data / "tables" / f"{name}.csv"), folder)
        protocol = folder / "protocol.toml"
        comparison = ('comparison = "superiority"' if margin is None else
                      f'comparison = "non-inferiority"\nmargin = {margin}')
        protocol.write_text(PROTOCOL.format(method=method, comparison=comparison,
                                            goal=-margin if margin else 0), encoding="utf-8")
        return evaluate(protocol)

    return evaluated


def write_study(table: pd.DataFrame, folder: Path) -> None:
    """A table of the peers (reader, treatment, case, truth, rating) as a manifest and a
    readings file (treatments "1", "2")."""
    cases = table.drop_duplicates("case").sort_values("case")
    ids = [f"C{c:03d}" for c in cases["case"]]
    for case in ids:
        (folder / "images").mkdir(exist_ok=True)
        (folder / "images" / f"{case}.txt").write_text(case, encoding="utf-8")
    pd.DataFrame({"case_id": ids, "patient_id": ids,
                  "input": [f"images/{c}.txt" for c in ids],
                  "reference": cases["truth"].to_numpy()}).to_csv(
        folder / "manifest.csv", index=False)
    pd.DataFrame({"reader": table["reader"].astype(str),
                  "treatment": table["treatment"].astype(str),
                  "case": [f"C{c:03d}" for c in table["case"]],
                  "rating": table["rating"]}).to_csv(folder / "readings.csv", index=False)


def printed_df(result: Result) -> dict[str, str]:
    """The df column of the tests table, by scope, as the English certificate prints it."""
    (table,) = [b for s in build_certificate(result).sections for b in s.blocks
                if isinstance(b, Table) and Msg("reader_study.statistic") in b.header]
    scopes = {"Random readers, random cases (RRRC)": "RRRC",
              "Fixed readers, random cases (FRRC)": "FRRC",
              "Random readers, fixed cases (RRFC)": "RRFC"}
    return {scopes[texts(row[0], "en")[0]]: texts(row[2], "en")[0] for row in table.rows}


def as_issued(result: Result) -> Result:
    return dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))


def test_or_prints_whole_df_whole_and_hillis_ddf_to_two_places(study):
    result = study("vandyke", "OR")
    assert printed_df(result) == {"RRRC": "1, 15.26", "FRRC": "1", "RRFC": "1, 4"}
    assert printed_df(as_issued(result)) == {"RRRC": "1, 15.26", "FRRC": "1",
                                             "RRFC": "1, 4.00"}


def test_dbm_prints_its_fixed_reader_df_whole(study):
    result = study("vandyke", "DBM")
    assert printed_df(result) == {"RRRC": "1, 15.26", "FRRC": "1, 113", "RRFC": "1, 4"}
    assert printed_df(as_issued(result))["FRRC"] == "1, 113.00"


def test_hillis_ddf_at_its_floor_is_whole(study):
    result = study("franken", "OR")
    assert printed_df(result)["RRRC"] == "1, 3"
    assert printed_df(as_issued(result))["RRRC"] == "1, 3.00"


def test_the_korean_text_says_what_hillis_is_cited_for_in_korean(study, tmp_path):
    """Found in the hcert4 pass: the Korean certificate's method text (in the method
    section and above the reader study's tables) ended '...Hillis SL. Stat Med
    2007;26:596-619 (denominator degrees of freedom)', in English. A result made after
    0.11.0 reads '(분모 자유도)' there, as the sentence before it says 'Hillis(2007)의 분모
    자유도'; the English text is as it was; one made by 0.11.0 prints as issued. The
    PDF text by pypdf, both places counted."""
    from pypdf import PdfReader

    from medeval.report import render_certificate

    def text(result: Result, lang: str) -> str:
        pdf = render_certificate(result, tmp_path / f"{lang}.pdf", lang=lang)
        return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())

    result = study("vandyke", "OR")
    korean, english = text(result, "ko"), text(result, "ko+en")
    assert korean.count("Hillis SL. Stat Med 2007;26:596-619 (분모 자유도)") == 2
    assert "denominator degrees of freedom" not in korean
    # the English lines of the bilingual certificate keep their words
    assert english.count("2007;26:596-619 (denominator degrees of freedom)") == 2
    issued = text(as_issued(result), "ko")
    assert issued.count("2007;26:596-619 (denominator degrees of freedom)") == 2
    # DBM's references cite no reason in words: nothing to translate
    dbm = text(study("vandyke", "DBM"), "ko")
    assert "Acad Radiol 2008;15:647-61" in dbm and "degrees of freedom" not in dbm


def test_the_definition_ids_are_printed_whole(study, tmp_path):
    """Found in the hcert4 pass: the definitions table broke 'mrmc_reader_averaged_auc'
    into 'mrmc_reader_averaged_au' / 'c': the id column was widened for ids over 27
    characters, and these 24 are wide letters (98.5 pt in NanumGothic 7.5 pt, by
    reportlab's stringWidth, where the column holds 96.8). The ids are measured now (the
    column is printed for results made after 0.11.0 only, so nothing issued changes).
    pypdf's text of the page, line by line."""
    from pypdf import PdfReader

    from medeval.report import render_certificate

    def lines(result: Result) -> list[str]:
        pdf = render_certificate(result, tmp_path / "c.pdf", lang="ko")
        return [line.strip() for page in PdfReader(pdf).pages
                for line in page.extract_text().splitlines()]

    printed = lines(study("vandyke", "OR"))
    assert any(line.startswith("mrmc_reader_averaged_auc") for line in printed)
    assert any(line.startswith("mrmc_auc_difference") for line in printed)


def test_the_goal_is_printed_as_the_criteria_table_prints_it(study):
    """Found in the hcert4 pass: the reader study's note said 'judged on the RRRC interval
    against the goal 0.000' and 'non-inferiority ... with margin 0.050' where the criteria
    table prints the same goal '0.0000' and '-0.0500' (four decimals, as every ratio). A
    result made after 0.11.0 prints four there too; one made by 0.11.0 as issued. The
    goals by hand: superiority 0, non-inferiority at margin 0.05: -0.05."""

    def paras(result: Result) -> str:
        return "\n".join(t for s in build_certificate(result).sections for b in s.blocks
                         if isinstance(b, Para) for t in texts(b.text, "en"))

    def goal_cell(result: Result) -> str:
        (table,) = [b for s in build_certificate(result).sections for b in s.blocks
                    if isinstance(b, Table) and Msg("column.goal_source") in b.header]
        return texts(table.rows[0][4], "en")[0]

    superiority = study("vandyke", "OR")
    assert goal_cell(superiority) == "0.0000"
    assert "judged on the RRRC interval against the goal 0.0000." in paras(superiority)
    assert "against the goal 0.000." in paras(as_issued(superiority))
    noninferior = study("vandyke", "OR", margin=0.05)
    assert goal_cell(noninferior) == "-0.0500"
    printed = paras(noninferior)
    assert "with margin 0.0500;" in printed and "is at least -0.0500." in printed
    assert "against the goal -0.0500." in printed
    assert "with margin 0.050;" in paras(as_issued(noninferior))

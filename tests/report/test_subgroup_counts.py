"""The certificate's subgroup tables say how many cases each figure rests on: each
value's cases analysed, its patients (intervals over patients) and its failed cases,
each proportion's numerator/denominator under its interval, the values in the result's
order; a result made by 0.11.0 renders as it was issued."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

import medeval
from medeval.report import render_certificate

from ..test_evaluation_subgroup_counts import _study


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("subgroup-counts")
    _study(root)
    text = (root / "protocol.toml").read_text(encoding="utf-8")
    # intervals over patients: the patients are printed too
    (root / "protocol.toml").write_text(text.replace('resampling_unit = "case"',
                                                     'resampling_unit = "patient"'),
                                        encoding="utf-8")
    return medeval.evaluate(root / "protocol.toml", root / "pred")


def _section(text: str, title: str) -> str:
    """The subgroup tables: from the section's title to the note under them."""
    start = text.index(title)
    return text[start:text.index("95%", start)]


def _row(text: str, value: str) -> str:
    """A subgroup's row up to its counts, without spaces (pdftotext keeps those of a
    short right-aligned cell or not): its line, the interval after them cut off."""
    line = next(line for line in text.splitlines() if line.lstrip().startswith(value))
    return "".join(line.split(" (")[0].split())


def test_counts_and_fractions_in_english_and_korean(result, tmp_path):
    seoul = next(g for g in result.subgroups if g.value == "서울")
    # by hand: 서울 holds C000, C001, C006, C007, ... (i // 2 % 3 == 0): 14 of the 40, of
    # 7 patients, C005 and C017 are 대구's; and the 3 cases of device 12, all failed
    assert (seoul.n_cases, seoul.n_patients, seoul.n_failed) == (14, 7, 3)
    sensitivity = next(m for m in seoul.metrics if m.name == "sensitivity").estimate
    fraction = f"{sensitivity.numerator}/{sensitivity.n}"
    en = _section(_text(render_certificate(result, tmp_path / "en.pdf", lang="en")),
                  "Results by subgroup")
    # the heading names the numbers once; each row gives them in its order
    assert "Cases analysed / patients / failed," in en and "excluded" in en
    assert _row(en, "서울") == "서울14/7/3"
    assert _row(en, "광주") == "광주1/1/0"  # 광주's one case, no failure
    assert fraction in en
    both = _section(_text(render_certificate(result, tmp_path / "both.pdf")), "하위군별 결과")
    ko = _section(_text(render_certificate(result, tmp_path / "ko.pdf", lang="ko")),
                  "하위군별 결과")
    assert "분석 증례 수 / 환자 수 / 실패(제외) 수" in " ".join(ko.split())
    assert _row(ko, "서울") == "서울14/7/3" and fraction in ko
    # in both languages the numbers are printed once, not once per language
    assert "".join(both.split()).count("14/7/3") == 1 and "14건" not in both
    # the values in the result's order: device 9 before 10, not after it
    table = en[en.index("By device"):]
    assert table.index("\n 9 ") < table.index("\n 10 ") < table.index("\n 12 ")


def test_a_result_of_0_11_0_renders_as_issued(result, tmp_path):
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    en = _section(_text(render_certificate(old, tmp_path / "old.pdf", lang="en")),
                  "Results by subgroup")
    assert "14 / 7 / 3" not in en and "patients" not in en
    seoul = next(g for g in result.subgroups if g.value == "서울")
    sensitivity = next(m for m in seoul.metrics if m.name == "sensitivity").estimate
    assert f"{sensitivity.numerator}/{sensitivity.n}" not in en.split("By age_band")[0]


def test_a_metric_of_two_criteria_is_one_column(tmp_path):
    """Two criteria on the sensitivity (goals 0.5 and 0.3) printed its column twice in
    each subgroup table, the same figures side by side."""
    _study(tmp_path)
    text = (tmp_path / "protocol.toml").read_text(encoding="utf-8")
    (tmp_path / "protocol.toml").write_text(text + """
[[criteria]]
metric = "sensitivity"
goal = 0.3
source = "test"
""", encoding="utf-8")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert [v.metric for v in result.verdicts] == ["sensitivity", "sensitivity"]
    en = _section(_text(render_certificate(result, tmp_path / "en.pdf", lang="en")),
                  "Results by subgroup")
    header = en[en.index("By site"):en.index("서울")]
    assert header.count("Sensitivity") == 1
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))  # issued so: renders so
    en = _section(_text(render_certificate(old, tmp_path / "old.pdf", lang="en")),
                  "Results by subgroup")
    assert en[:en.index("서울")].count("Sensitivity") == 2

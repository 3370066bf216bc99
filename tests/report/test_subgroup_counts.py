"""The certificate's subgroup tables say how many cases each figure rests on: each
value's cases analysed, its patients (intervals over patients) and its failed cases,
each proportion's numerator/denominator under its interval, the values in the result's
order; a result made by 0.11.0 renders as it was issued."""

from __future__ import annotations

import dataclasses
import re
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


def test_counts_and_fractions_in_english_and_korean(result, tmp_path):
    seoul = next(g for g in result.subgroups if g.value == "서울")
    # by hand: 서울 holds C000, C001, C006, C007, ... (i // 2 % 3 == 0): 14 of the 40, of
    # 7 patients, C005 and C017 are 대구's; and the 3 cases of device 12, all failed
    assert (seoul.n_cases, seoul.n_patients, seoul.n_failed) == (14, 7, 3)
    sensitivity = next(m for m in seoul.metrics if m.name == "sensitivity").estimate
    fraction = f"{sensitivity.numerator}/{sensitivity.n}"
    en = _section(_text(render_certificate(result, tmp_path / "en.pdf", lang="en")),
                  "Results by subgroup")
    assert "14 cases" in en and "7 patients" in en and "3 failed, excluded" in en
    assert re.search(r"\b1 case\b", en) and re.search(r"\b1 patient\b", en)  # 광주's one
    assert fraction in en
    ko = _section(_text(render_certificate(result, tmp_path / "ko.pdf", lang="ko")),
                  "하위군별 결과")
    assert "14건" in ko and "환자 7명" in ko and "실패 3건 제외" in ko and fraction in ko
    # the values in the result's order: device 9 before 10, not after it
    table = en[en.index("By device"):]
    assert table.index("\n 9 ") < table.index("\n 10 ") < table.index("\n 12 ")


def test_a_result_of_0_11_0_renders_as_issued(result, tmp_path):
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    en = _section(_text(render_certificate(old, tmp_path / "old.pdf", lang="en")),
                  "Results by subgroup")
    assert "14 cases" not in en and "patients" not in en
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
    header = en[en.index("By site"):en.index("cases")]
    assert header.count("Sensitivity") == 1
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))  # issued so: renders so
    en = _section(_text(render_certificate(old, tmp_path / "old.pdf", lang="en")),
                  "Results by subgroup")
    assert en[:en.index("서울")].count("Sensitivity") == 2

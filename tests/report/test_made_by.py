"""Certificate wording worded for the result, for results made after medeval 0.7.0 only
(a certificate is rendered again from its result to be verified: one issued for a result
of 0.7.0 or before must print what it printed). Found in the review-docs pass on the
polyp-detection example's certificate (pdftotext):

- the method section's "Confidence interval methods" named the protocol's proportion,
  AUC and bootstrap methods whatever the figures used: "proportions: wilson; AUC: delong;
  bootstrap: percentile" beside COCO figures that are all bootstrap intervals;
- "FROC sensitivity at 1 false positives per case": plural after 1, and "case" where a
  coco-detection case is a frame (its failure policy says "a failed frame detected
  nothing")."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.catalogue import texts
from medeval.report.cells import metric_name
from medeval.report.content import Fields, Table
from medeval.report.made_by import made_after
from medeval.result import read_result
from medeval.stats.estimate import Estimate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OLD = Path(__file__).resolve().parents[1] / "data" / "results-0.1" / "v1-protocol.json"

#: The methods line every result got before (the three of the protocol's methods).
ALL_THREE = ("비율: wilson; AUC: delong; 부트스트랩: percentile",
             "proportions: wilson; AUC: delong; bootstrap: percentile")


def _made_by(result: medeval.Result, version: str) -> medeval.Result:
    return dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))


def _methods_row(result: medeval.Result) -> tuple[str, ...]:
    for section in build_certificate(result).sections:
        for block in section.blocks:
            if isinstance(block, Fields):
                for label, value in block.rows:
                    if getattr(label, "key", "") == "field.ci_methods":
                        return texts(value, "ko+en")
    raise AssertionError("no methods row")


def _evaluate(example: str, tmp_path: Path) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / example, tmp_path / example,
                             ignore=shutil.ignore_patterns("make_data.py", "result", "out"))
    protocol = folder / "protocol.toml"  # fewer resamples: the wording is what is tested
    protocol.write_text(protocol.read_text().replace("n_resamples = 500", "n_resamples = 100"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(protocol, folder / "predictions")


@pytest.fixture(scope="module")
def polyps(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    return _evaluate("polyp-detection", tmp_path_factory.mktemp("polyps"))


def test_which_medeval_is_later() -> None:
    later = [v for v in ("0.6.9", "0.7.0", "0.7.0+local", "0.7.1", "0.8.0.dev1", "1.0",
                         "unknown") if made_after(_Made(v), "0.7.0")]
    assert later == ["0.7.1", "0.8.0.dev1", "1.0"]


class _Made:
    def __init__(self, version: str) -> None:
        self.parameters = type("P", (), {"medeval": version})()


def test_a_coco_result_names_only_the_bootstrap(polyps: medeval.Result) -> None:
    # every figure of the COCO result is a percentile bootstrap interval
    assert {m.estimate.method for m in polyps.metrics} == {"bootstrap-percentile"}
    assert _methods_row(_made_by(polyps, "0.8.0")) == ("부트스트랩: percentile",
                                                        "bootstrap: percentile")
    # made by 0.7.0: the line its certificate was issued with
    assert _methods_row(_made_by(polyps, "0.7.0")) == ALL_THREE


def test_the_frame_and_one_false_positive(polyps: medeval.Result) -> None:
    names = {m.name: m.definition for m in polyps.metrics if m.definition == "froc_sensitivity"}
    assert sorted(names) == ["froc_sensitivity@0.1", "froc_sensitivity@0.25",
                             "froc_sensitivity@0.5", "froc_sensitivity@1"]
    new, old = _made_by(polyps, "0.8.0"), _made_by(polyps, "0.7.0")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=new),
                 "ko+en") == ("프레임당 위양성 1개에서의 FROC 민감도",
                              "FROC sensitivity at 1 false positive per frame")
    assert texts(metric_name("froc_sensitivity@0.5", "froc_sensitivity", result=new),
                 "ko+en") == ("프레임당 위양성 0.5개에서의 FROC 민감도",
                              "FROC sensitivity at 0.5 false positives per frame")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=old),
                 "ko+en") == ("증례당 위양성 1개에서의 FROC 민감도",
                              "FROC sensitivity at 1 false positives per case")
    # the certificate's tables name it so (results, failed frames excluded, definitions)
    cells = [" ".join(texts(cell, "en")) for section in build_certificate(new).sections
             for block in section.blocks if isinstance(block, Table)
             for row in block.rows for cell in row]
    assert cells.count("FROC sensitivity at 1 false positive per frame") == 3
    names = [cell for cell in cells if cell.startswith("FROC sensitivity at")]
    assert len(names) == 3 * 4 and all(name.endswith(" per frame") for name in names)


def test_a_detection_result_keeps_the_case(tmp_path: Path) -> None:
    result = _made_by(_evaluate("detection", tmp_path), "0.8.0")
    # its case AUC is Obuchowski's clustered DeLong; the FROC figures bootstrap intervals
    assert {m.estimate.method for m in result.metrics} == {"bootstrap-percentile",
                                                           "obuchowski"}
    ko, en = _methods_row(result)
    assert en.startswith("AUC: delong; bootstrap: percentile (several cases per patient")
    assert ko.startswith("AUC: delong; 부트스트랩: percentile (환자당 증례가 여러 개")
    assert texts(metric_name("froc_sensitivity@1", "froc_sensitivity", result=result),
                 "en") == ("FROC sensitivity at 1 false positive per case",)


def test_segmentation_and_a_result_using_all_three(segmentation: Path,
                                                   certified: Path) -> None:
    seg = read_result(segmentation)
    assert {m.estimate.method for m in seg.metrics} == {"bootstrap-percentile"}
    assert _methods_row(_made_by(seg, "0.8.0")) == ("부트스트랩: percentile",
                                                     "bootstrap: percentile")
    binary = read_result(certified)  # proportions (clustered), an AUC and bootstraps
    # as 0.10.0 printed it (after 0.10.0 the methods are named: test_method_section.py)
    assert _methods_row(_made_by(binary, "0.8.0")) == _methods_row(_made_by(binary, "0.10.0"))


def test_a_result_of_medeval_0_1_renders_as_before() -> None:
    old = read_result(OLD)
    assert not made_after(old, "0.7.0")
    assert _methods_row(old) == ALL_THREE


# The measure-pass's changes to the measurement and multi-class certificates (the
# reference values' range, how a failed measurement counts, the task's own methods line,
# the confusion matrix, a weighted kappa's name) were not gated: a result made by 0.7.0
# rendered otherwise, and 'medeval verify' listed the lines changed against its issued
# certificate. The old wording below is what medeval 0.7.0 (69bfd2c^) printed for these
# sets; rendered by the code of that commit, their PDFs are byte-identical to a rendering
# now with the version set to 0.7.0 (checked in the review-measure pass).

def _printed(result: medeval.Result) -> list[str]:
    """Every cell, field and paragraph of the certificate, in English."""
    return [" ".join(texts(cell, "en")) for cell in _cells(result)]


def _cells(result: medeval.Result) -> list[object]:
    """Every cell, field and paragraph of the certificate, as built."""
    cells: list[object] = []
    for section in build_certificate(result).sections:
        for block in section.blocks:
            if isinstance(block, Fields):
                cells += [cell for row in block.rows for cell in row]
            elif isinstance(block, Table):
                cells += [*block.header, *(cell for row in block.rows for cell in row)]
            else:
                cells.append(getattr(block, "text", ""))
    return cells


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = tmp_path_factory.mktemp("measured")
    shutil.copytree(EXAMPLES / "measurement", folder / "m",
                    ignore=shutil.ignore_patterns("make_data.py", "result"))
    return _evaluate_in(folder / "m")


def _evaluate_in(folder: Path) -> medeval.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def test_a_measurement_result_of_0_7_0_renders_as_issued(measured: medeval.Result) -> None:
    import pandas as pd

    # the example's two failed cases (one missing, one invalid) under worst case
    assert measured.failures.policy == "worst-case" and measured.failures.n_failed == 2
    old = _printed(_made_by(measured, "0.7.0"))
    # §4: each reference value as a class, with its count (pandas on the manifest)
    references = pd.read_csv(EXAMPLES / "measurement" / "manifest.csv",
                             dtype=str)["reference"].value_counts()
    start = old.index("Composition by reference class")
    table = dict(zip(old[start + 2::2], old[start + 3::2]))
    assert {k: int(v) for k, v in table.items() if k in references} == references.to_dict()
    assert "Reference values (measured quantity)" not in old
    # the policy as a word, the failures' general note and the three methods
    assert old.count("worst case") == 2  # the flow's and the method section's
    assert any(p.startswith("Failed cases are counted as the worst outcome (a wrong answer")
               for p in old)
    assert any(p.startswith(ALL_THREE[1]) for p in old)
    new = _printed(_made_by(measured, "0.8.0"))
    assert "Composition by reference class" not in new
    assert "Reference values (measured quantity)" in new
    assert not any(p.startswith(ALL_THREE[1]) for p in new)
    assert any(p.startswith("proportions (completion rate): wilson") for p in new)
    assert any(p.startswith("A failed case has no measurement") for p in new)


def test_a_multiclass_result_of_0_7_0_renders_as_issued(tmp_path: Path) -> None:
    folder = shutil.copytree(EXAMPLES / "multiclass-classification", tmp_path / "mc",
                             ignore=shutil.ignore_patterns("make_data.py", "result"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text().replace('kappa_weights = "none"',
                                                     'kappa_weights = "quadratic"'))
    result = _evaluate_in(folder)
    assert result.metric("cohen_kappa").definition == "cohen_kappa@classes-quadratic"
    # the definition ids 0.7.0 and 0.8.0 wrote (the task's own since 0.12.0: 70d633dc)
    before = {"accuracy@multiclass": "accuracy", "cohen_kappa@classes-quadratic":
              "cohen_kappa@quadratic", **{f"class_average@{a}": f"average@{a}"
                                          for a in ("macro", "micro", "weighted")}}
    result = dataclasses.replace(result, metrics=tuple(
        dataclasses.replace(m, definition=before.get(m.definition, m.definition))
        for m in result.metrics))
    old, new = _printed(_made_by(result, "0.7.0")), _printed(_made_by(result, "0.8.0"))
    # 0.7.0 printed no confusion matrix, named the weighted kappa "Cohen's kappa" (the
    # criteria's, results', failed-excluded and definitions' tables: here the last three,
    # the example's failed cases giving the second) and the three methods
    assert "Reference \\ output" not in old and "Reference \\ output" in new
    assert old.count("Cohen's kappa") == 3 and "Cohen's kappa, quadratic weights" not in old
    assert new.count("Cohen's kappa, quadratic weights") == 3
    assert any(p.startswith(ALL_THREE[1]) for p in old)
    assert "proportions: wilson; bootstrap: percentile" in new


def test_the_guarded_rule_says_its_bound_is_one_side_of_a_two_sided_interval(
        tmp_path: Path) -> None:
    # Found in the stats-pass: "PASS when the 95% confidence bound on the unfavourable side
    # meets the goal" reads as a one-sided 95% bound (a test at 5%), where the bound is the
    # two-sided 95% interval's, a one-sided 97.5% bound (a test at 2.5%). statsmodels'
    # one-sided Wilson bound at 1 - 0.025 gives the certified lower bound, which says so.
    from statsmodels.stats.proportion import proportion_confint

    result = _evaluate("binary-classification", tmp_path)
    sensitivity = result.metric("sensitivity").estimate
    one_sided, _ = proportion_confint(sensitivity.numerator, sensitivity.n, alpha=0.025,
                                      method="wilson", alternative="smaller")
    assert sensitivity.low == pytest.approx(one_sided, abs=1e-12)
    old = "Guarded acceptance (ILAC-G8:09/2019): PASS when the 95% confidence bound on the"
    new = ("Guarded acceptance (ILAC-G8:09/2019): PASS when the bound on the unfavourable "
           "side of the two-sided 95% confidence interval (a one-sided 97.5% confidence "
           "bound) meets the goal, FAIL when the bound on the favourable side misses it, "
           "otherwise INCONCLUSIVE. An interval of zero width (no uncertainty shown, as when "
           "every resample gives the same value) is no evidence either way: INCONCLUSIVE.")
    # the rule under the criteria table (section 2) and in the method section
    issued = _printed(_made_by(result, "0.8.0"))
    assert sum(p.startswith(old) for p in issued) == 2 and new not in issued
    later = _printed(_made_by(result, "0.8.1.dev0"))
    assert later.count(new) == 2 and not any(p.startswith(old) for p in later)
    # 90% two-sided: (1 + 0.90) / 2 = 95% one-sided
    made = _made_by(result, "0.8.1.dev0")
    ninety = dataclasses.replace(made, parameters=dataclasses.replace(
        made.parameters, statistics=dataclasses.replace(made.parameters.statistics,
                                                        confidence=0.9)))
    assert any("two-sided 90% confidence interval (a one-sided 95% confidence bound)" in p
               for p in _printed(ninety))


def test_the_guarded_rule_says_a_zero_width_interval_is_inconclusive(tmp_path: Path) -> None:
    # Found in the review-stats pass: a cluster bootstrap of a perfect sensitivity gives
    # [1, 1]; medeval.decision judges it INCONCLUSIVE (no evidence of certainty), though by
    # the bound alone 1.0 >= 0.75 would PASS (by hand). The certificate printed
    # "1.0000 - 1.0000", the goal, INCONCLUSIVE and a rule saying PASS when that bound
    # meets the goal, with no word of the exception. Stated now in both languages.
    from medeval.decision import decide

    result = _made_by(_evaluate("binary-classification", tmp_path), "0.8.1.dev0")
    perfect = Estimate(1.0, 1.0, 1.0, "bootstrap-percentile", 0.95, 10)
    verdict = decide("sensitivity", perfect, 0.75)
    assert perfect.low >= 0.75 and verdict.outcome == "INCONCLUSIVE"
    metrics = tuple(dataclasses.replace(m, estimate=perfect) if m.name == "sensitivity"
                    else m for m in result.metrics)
    verdicts = (dataclasses.replace(result.verdicts[0], outcome=verdict.outcome,
                                    reason=verdict.reason), *result.verdicts[1:])
    edited = dataclasses.replace(result, metrics=metrics, verdicts=verdicts)
    english = [p for p in _printed(edited) if "zero width" in p]
    korean = [" ".join(texts(c, "ko")) for c in _cells(edited)]
    assert len(english) == 2 and all(p.endswith(
        "An interval of zero width (no uncertainty shown, as when every resample gives the "
        "same value) is no evidence either way: INCONCLUSIVE.") for p in english)
    assert sum(p.endswith("폭이 0인 신뢰구간(모든 재표본이 같은 값을 준 경우처럼 불확도가 "
                          "드러나지 않음)은 어느 쪽의 근거도 되지 않으므로 판정 불가.")
               for p in korean) == 2
    # a certificate issued for a result of 0.8.0 keeps its words
    assert not any("zero width" in p for p in _printed(_made_by(edited, "0.8.0")))


def test_the_criteria_table_prints_each_figure_on_its_side_of_the_goal(
        tmp_path: Path) -> None:
    # Found in the stats-pass: a lower bound of 0.899996 under a goal of 0.9 printed
    # "0.9000 – ..." beside the goal "0.9000" and the verdict INCONCLUSIVE (the bound misses
    # the goal by 4e-6); an estimate of 0.89999 under the point rule, "0.9000" beside FAIL.
    # Printed with the decimals that show the side (by hand: 6 and 5), for a result made
    # after 0.8.0; one made by 0.8.0 as it was issued.
    from medeval.decision import decide

    result = _evaluate("binary-classification", tmp_path)
    metrics = []
    for record in result.metrics:
        if record.name == "sensitivity":
            record = dataclasses.replace(record, estimate=dataclasses.replace(
                record.estimate, value=0.95, low=0.899996, high=0.98))
        elif record.name == "specificity":
            record = dataclasses.replace(record, estimate=dataclasses.replace(
                record.estimate, value=0.89999))
        metrics.append(record)
    sensitivity, specificity = (next(m for m in metrics if m.name == name).estimate
                                for name in ("sensitivity", "specificity"))
    guarded, point = decide("sensitivity", sensitivity, 0.9), decide(
        "specificity", specificity, 0.9, rule="point")
    verdicts = tuple(
        dataclasses.replace(v, goal=0.9, rule=d.rule, outcome=d.outcome, reason=d.reason)
        for v, d in zip(result.verdicts, (guarded, point)))
    assert [v.outcome for v in verdicts] == ["INCONCLUSIVE", "FAIL"]
    edited = dataclasses.replace(result, metrics=tuple(metrics), verdicts=verdicts)
    later = _printed(_made_by(edited, "0.8.1.dev0"))
    assert "0.899996 – 0.9800" in later and "0.89999" in later
    issued = _printed(_made_by(edited, "0.8.0"))
    assert "0.9000 – 0.9800" in issued and "0.899996 – 0.9800" not in issued
    assert "0.89999" not in issued


def test_the_certificate_says_how_the_criteria_make_the_overall_verdict(
        tmp_path: Path) -> None:
    # Found in the stats-pass: with several criteria the certificate printed an overall
    # verdict without saying how it was reached, nor that no criterion is adjusted for
    # their number (a reviewer's first question on co-primary endpoints). The sentence
    # describes the rule applied: worked by hand on the example's two verdicts.
    result = _evaluate("binary-classification", tmp_path)
    outcomes = [v.outcome for v in result.verdicts]
    assert len(outcomes) == 2
    by_hand = ("FAIL" if "FAIL" in outcomes else
               "PASS" if set(outcomes) == {"PASS"} else "INCONCLUSIVE")
    assert result.overall == by_hand
    # Found in the review-stats pass: it said "each criterion is judged on its own interval",
    # but a point-rule criterion is judged on its estimate alone (ILAC-G8's simple
    # acceptance); and the Korean ended "하지 않는다", the only plain-style sentence among
    # the catalogue's polite ones ("...습니다.").
    sentence = ("Overall verdict: PASS when every criterion passes, FAIL when any criterion "
                "fails, otherwise INCONCLUSIVE. Each criterion is judged alone, by the rule "
                "in its row (guarded: on its own interval at the level stated; point: on "
                "its estimate), without adjustment for the number of criteria.")
    korean = ("종합 판정: 모든 기준이 합격이면 합격, 하나라도 불합격이면 불합격, 그 밖에는 판정 "
              "불가. 각 기준은 그 행에 적힌 규칙으로 따로 판정했으며(보호 합격: 명시된 "
              "신뢰수준의 자체 신뢰구간으로, 단순 합격: 점추정값으로), 기준의 수에 따른 "
              "보정은 하지 않았습니다.")
    assert sentence in _printed(_made_by(result, "0.8.1.dev0"))
    assert korean in [" ".join(texts(cell, "ko")) for cell in _cells(
        _made_by(result, "0.8.1.dev0"))]
    assert sentence not in _printed(_made_by(result, "0.8.0"))
    # one criterion: its verdict is the overall one, and nothing is said
    single = dataclasses.replace(_made_by(result, "0.8.1.dev0"),
                                 verdicts=result.verdicts[:1])
    assert sentence not in _printed(single)


def _amendment_statement(result: medeval.Result, **info: object) -> tuple[str, ...]:
    from medeval.report.info import ReportInfo

    built = build_certificate(result, ReportInfo.model_validate(info), check_dates=False)
    paragraphs = [texts(block.text, "ko+en") for block in built.sections[0].blocks
                  if hasattr(block, "text")]
    return next(p for p in paragraphs if "대체" in p[0])  # after a pre-check's statement


@pytest.mark.parametrize(("number", "amendment", "old_ko", "new_ko"), [
    # a number read ...삼 (3) ends in a consonant: 를 was wrong, 을 right; in brackets
    # after 성적서 the particle follows 성적서 (a vowel): 를, whatever the number
    ("KTL-AI-2026-0003", 3,
     "이 성적서는 수정본 3이며, 수정본 2인 성적서 KTL-AI-2026-0003를 대체합니다.",
     "이 성적서는 수정본 3이며, 수정본 2인 성적서(KTL-AI-2026-0003)를 대체합니다."),
    ("KTL-AI-2026-0001", None,
     "이 성적서는 성적서 KTL-AI-2026-0001를 수정하여 대체합니다.",
     "이 성적서는 성적서(KTL-AI-2026-0001)를 수정하여 대체합니다.")])
def test_the_korean_amendment_statement_takes_the_particle_of_the_word_report(
        number: str, amendment: int | None, old_ko: str, new_ko: str) -> None:
    # Found in the lifecycle-pass: amendment 2 of KTL-AI-2026-0001 printed '수정본 1인
    # 성적서 KTL-AI-2026-0002를'; amendment 3 '...0003를', where 0003 reads 삼 and takes 을.
    # A result made by 0.9.0 prints what its certificate printed; a later one the
    # bracketed number. The English is the same either way.
    old = read_result(OLD)
    info = {"replaces": number, "amendment": amendment}
    before = _amendment_statement(_made_by(old, "0.9.0"), **info)
    after = _amendment_statement(_made_by(old, "0.10.0.dev0"), **info)
    assert before[0] == old_ko and after[0] == new_ko
    assert before[1] == after[1] and number in after[1]

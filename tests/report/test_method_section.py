"""The method section's interval methods and resampling in the certificate's language:
a Korean certificate printed "proportions: wilson; AUC: delong; bootstrap: percentile"
and "2000 × patient, seed 1" in English, and named DeLong's and Wilson's intervals where
the results beside it were their clustered forms (several cases per patient), without
saying so (found in the KTL tester pass)."""

from __future__ import annotations

from pathlib import Path

from medeval.report import build_certificate
from medeval.report.catalogue import texts
from medeval.report.content import Fields
from medeval.result import read_result


def _method_rows(result) -> dict[str, tuple[str, ...]]:
    rows = {}
    for section in build_certificate(result).sections:
        for block in section.blocks:
            if isinstance(block, Fields):
                for label, value in block.rows:
                    if getattr(label, "key", "") in ("field.ci_methods", "field.resampling"):
                        rows[label.key] = texts(value, "ko+en")
    return rows


def test_korean_and_english_and_the_clustered_forms_named(certified: Path) -> None:
    result = read_result(certified)
    st = result.parameters.statistics
    # the certified set has two cases per patient, resampled by patient: clustered forms
    assert result.metric("sensitivity").estimate.method == f"{st.proportion_method}-clustered"
    # as a result made by 0.10.0 printed them: the methods by their ids
    rows = _method_rows(_made_by(result, "0.10.0"))
    ko, en = rows["field.ci_methods"]
    assert ko.startswith(f"비율: {st.proportion_method}; AUC: {st.auc_method}; 부트스트랩: ")
    assert "군집 보정" in ko
    assert en.startswith(f"proportions: {st.proportion_method}; AUC: {st.auc_method}; ")
    assert "clustered forms" in en
    unit = {"patient": "환자", "case": "증례"}[st.resampling_unit]
    assert rows["field.resampling"] == (
        f"{st.n_resamples}회 × {unit} 단위, 시드 {st.seed}",
        f"{st.n_resamples} × {st.resampling_unit}, seed {st.seed}")
    # made after 0.10.0: by their names (found in the korean2-pass: '비율: wilson; AUC:
    # delong; 부트스트랩: percentile' in Korean text), the resampling as a phrase
    assert (st.proportion_method, st.auc_method, st.bootstrap_method) == (
        "wilson", "delong", "percentile")
    rows = _method_rows(result)
    ko, en = rows["field.ci_methods"]
    assert ko.startswith("비율: Wilson 점수; AUC: DeLong; 부트스트랩: 백분위수 (환자당 증례가")
    assert en.startswith("proportions: Wilson score; AUC: DeLong; bootstrap: percentile "
                         "(several cases per patient")
    assert rows["field.resampling"] == (
        f"{unit} 단위로 {st.n_resamples}회, 시드 {st.seed}",
        f"{st.n_resamples} × {st.resampling_unit}, seed {st.seed}")


def test_a_phrase_in_a_field_is_filled_in_each_language() -> None:
    # a Msg field holding a phrase is filled in the language of the phrase around it; a
    # text field as it is
    from medeval.report.catalogue import Msg

    line = Msg("text.ci_methods_proportion_bootstrap", (
        ("proportion", Msg("ci_method.clopper-pearson")), ("bootstrap", "studentized")))
    assert texts(line, "ko+en") == (
        "비율: Clopper–Pearson 정확 구간; 부트스트랩: studentized",
        "proportions: Clopper–Pearson exact; bootstrap: studentized")


def _made_by(result, version: str):
    import dataclasses

    return dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))


def test_a_result_without_a_protocol_file_prints_no_none_for_its_digest(
        tmp_path: Path) -> None:
    """Two tables evaluated without a protocol have no protocol file, so no SHA-256:
    the method section printed "None" (Python's) as the protocol's SHA-256. A result made
    after 0.9.0 prints "—"; one of 0.9.0 prints what it was issued with. Found in the
    review-lead pass (pdftotext of 'evaluate --reference --predictions' certificate)."""
    import dataclasses

    from medeval.cli import main

    (tmp_path / "ref.csv").write_text("case_id,label\na,1\nb,0\nc,1\n", encoding="utf-8")
    (tmp_path / "pred.csv").write_text("case_id,score\na,0.9\nb,0.2\nc,0.4\n",
                                       encoding="utf-8")
    assert main(["evaluate", "--reference", str(tmp_path / "ref.csv"), "--predictions",
                 str(tmp_path / "pred.csv"), "--threshold", "0.5", "--n-resamples", "100",
                 "--out", str(tmp_path / "r.json")]) == 0
    result = read_result(tmp_path / "r.json")
    assert result.protocol.sha256 is None

    def digests(result) -> list[str]:
        return [value for section in build_certificate(result).sections
                for block in section.blocks if isinstance(block, Fields)
                for label, value in block.rows
                if getattr(label, "key", "") == "field.protocol_sha256"]

    # the method section and the integrity section (section 11) alike
    assert digests(result) == ["—", "—"]
    old = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.9.0"))
    assert digests(old) == ["None", "None"]

"""The certificate's phrases revised after medeval 0.9.0 (report_templates/
strings.ko.after-0.9.0.toml, :func:`medeval.report.catalogue.reworded`): a result made by
0.9.0 or before prints what its certificate was issued with, a later one the revised
Korean. Found in the korean-pass (a KTL reviewer reading every Korean sentence):
'혼동행렬' beside '혼동 행렬', '프로토콜' where the certificate says '시험 계획서', 'CERTIFICATE.pdf
를' (a particle spaced off), 'Clopper–Pearson 정확' (no noun after 정확).

Bytes: the certificates of the examples binary-classification, polyp-segmentation,
eeg-events, measurement and segmentation, and of tests/data/results-0.1/v1-protocol.json
and v1-tables.json, each with its result marked as made by 0.9.0, were rendered by the
code before the overlay (git archive of 044e6de) and after it: the same SHA-256 each
(v1-protocol: f886a652...e3027c), checked in the korean-pass.
"""

from __future__ import annotations

import dataclasses
import shutil
import string
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from medeval.report.catalogue import REVISIONS, Msg, catalogue, reworded, texts, tomllib
from medeval.report.content import build_certificate
from medeval.report.info import ReportInfo
from medeval.report.pdf import certificate_pdf
from medeval.result import Result, read_result

OLD = Path(__file__).resolve().parents[1] / "data" / "results-0.1" / "v1-protocol.json"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _made_by(result: Result, version: str) -> Result:
    return dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval=version))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _overlay(lang: str, release: str) -> dict[str, str]:
    source = (resources.files("medeval") / "report_templates"
              / f"strings.{lang}.after-{release}.toml")
    if not source.is_file():
        return {}
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return {f"{table}.{key}": value for table, keys in data.items()
            for key, value in keys.items()}


@pytest.mark.parametrize("release", REVISIONS)
def test_an_overlay_revises_keys_of_the_catalogue_with_the_same_fields(release: str) -> None:
    revised = _overlay("ko", release)
    assert revised  # the Korean overlays hold the korean-pass's and korean2-pass's phrases
    earlier = REVISIONS[:REVISIONS.index(release)]
    for lang in ("ko", "en"):
        base = catalogue(lang)
        for key, text in _overlay(lang, release).items():
            assert key in base, key
            assert _fields(text) == _fields(base[key]), key
            # not the phrase it had already, after the releases before
            last = base[key]
            for old in earlier:
                last = _overlay(lang, old).get(key, last)
            assert text != last, f"{key}: the overlay repeats the phrase it revises"
    if release != "0.9.0":
        return
    # the English has no overlay: its phrase under the revised key is the base one
    assert catalogue("en")["text.figure_confusion@after-0.9.0"] == (
        catalogue("en")["text.figure_confusion"])
    assert catalogue("ko")["text.figure_confusion@after-0.9.0"] == revised[
        "text.figure_confusion"]


def test_reworded_reaches_fields_tables_figures_and_leaves_the_rest() -> None:
    built = build_certificate(_made_by(read_result(OLD), "0.9.0"))
    keys = _keys(built)
    assert {"text.verify_how_precheck", "text.figure_confusion"} <= keys
    assert not any("@after-" in key for key in keys)  # 0.9.0: as issued
    new = reworded(built, "0.9.0")
    assert reworded(new, "0.9.0") == new  # once is all
    assert _keys(new) - keys == {"text.verify_how_precheck@after-0.9.0",
                                 "text.figure_confusion@after-0.9.0"}
    assert build_certificate(_made_by(read_result(OLD), "0.10.0.dev0")).sections == (
        new.sections)


def _keys(node: object) -> set[str]:
    if isinstance(node, Msg):
        return {node.key}
    if isinstance(node, tuple):
        return set().union(*(_keys(item) for item in node)) if node else set()
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return set().union(*(_keys(getattr(node, f.name)) for f in dataclasses.fields(node)))
    return set()


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) not installed")
def test_a_result_made_after_0_9_0_prints_the_revised_korean(tmp_path: Path) -> None:
    # v1-protocol is a pre-check of binary classification: its integrity section says how
    # to verify REPORT.pdf, its figures include the confusion matrix
    printed = {}
    for version in ("0.9.0", "0.10.0.dev0"):
        pdf = tmp_path / f"{version}.pdf"
        pdf.write_bytes(certificate_pdf(_made_by(read_result(OLD), version), ReportInfo()))
        printed[version] = " ".join(subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True,
            check=True).stdout.split())
    old, new = printed["0.9.0"], printed["0.10.0.dev0"]
    assert "medeval verify REPORT.pdf 를 실행하면" in old and "명령을 실행하면" not in old
    assert "medeval verify REPORT.pdf 명령을 실행하면" in new and "REPORT.pdf 를" not in new
    assert "에서의 혼동행렬" in old and "에서의 혼동 행렬" in new
    # the English is the same either way
    assert "Run medeval verify REPORT.pdf : it takes" in old
    assert "Run medeval verify REPORT.pdf : it takes" in new


def test_each_revised_korean_phrase_by_hand() -> None:
    # the Korean catalogue's phrases as a later result prints them, written out here
    def ko(key: str, **params: str) -> str:
        return texts(Msg(f"{key}@after-0.9.0", tuple(params.items())), "ko")[0]

    assert ko("text.figure_confusion", threshold="0.5", n="24") == (
        "임계값 0.5에서의 혼동 행렬 (24개 증례).")
    assert "시험 계획서도 이를 정하지 않았으므로" in ko("text.unit_px_note")
    assert ko("text.verify_how").startswith("medeval verify CERTIFICATE.pdf 명령을 실행하면")
    assert ko("method.clopper-pearson") == "Clopper–Pearson 정확 구간"
    assert ko("text.pixel_size_sources", ko="영상 파일 헤더 (6)") == (
        "mm 단위 거리: 각 증례의 화소 크기를 가져온 곳(괄호 안은 증례 수): 영상 파일 헤더 (6).")


#: The renderers that look phrases up by their own keys (page numbers, the end mark, the
#: pre-check mark, signatures, figure axes), outside the certificate's blocks that
#: :func:`reworded` rekeys: they key them with ``Certificate.revised`` (figures.py with the
#: certificate's revisions), so an overlay may revise these phrases too.
_RENDERERS = ("pdf.py", "html.py", "figures.py")


@pytest.mark.parametrize("name", _RENDERERS)
def test_a_renderer_keys_each_phrase_of_its_own_to_the_result_s_wording(name: str) -> None:
    # Found in the korean2-pass: 'doc.page', 'doc.end', 'text.not_given', 'figure.*' were
    # looked up by their base key, so an overlay could not revise them (a guard test
    # forbade it) and 'doc.page' ('쪽 1 / 3') could not be mended. Each Msg a renderer
    # makes now goes through revised() (html.py: its t(), figures.py: its _t())
    import re

    source = (resources.files("medeval") / "report" / name).read_text(encoding="utf-8")
    made = [line.strip() for line in source.splitlines()
            if re.search(r"\bMsg\(", line) and not line.lstrip().startswith(("#", "from"))]
    assert made
    unkeyed = [line for line in made if not re.search(
        r"revised\(|\bt\(Msg\(|def t\(|_t\(|texts\(revised", line)]
    assert not unkeyed, unkeyed


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) not installed")
def test_the_page_number_reads_as_korean_for_a_result_made_after_0_10_0(
        tmp_path: Path) -> None:
    # Found in the korean2-pass: '쪽 1 / 3' is not Korean word order; 'Page 1 of 3' is
    # '3쪽 중 1쪽'. The footer is drawn by pdf.py's canvas, outside the certificate's
    # blocks: a result made by 0.10.0 prints the page number as issued, a later one the
    # overlay's (fails before: the canvas looked 'doc.page' up by its base key)
    printed = {}
    for version in ("0.10.0", "0.11.0.dev0"):
        pdf = tmp_path / f"{version}.pdf"
        pdf.write_bytes(certificate_pdf(_made_by(read_result(OLD), version), ReportInfo(),
                                        lang="ko+en"))
        printed[version] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                          capture_output=True, text=True,
                                          check=True).stdout
    pages = printed["0.10.0"].count("\f")
    assert pages >= 2
    for number in (1, pages):
        old = f"쪽 {number} / {pages} · Page {number} of {pages}"
        new = f"{pages}쪽 중 {number}쪽 · Page {number} of {pages}"
        assert old in printed["0.10.0"] and new not in printed["0.10.0"]
        assert new in printed["0.11.0.dev0"] and old not in printed["0.11.0.dev0"]


def test_a_renderer_s_phrase_takes_the_latest_overlay_that_revised_it() -> None:
    # a certificate of a result made after 0.10.0 takes both overlays; one made by 0.10.0
    # the first only, one made by 0.9.0 none
    built = {v: build_certificate(_made_by(read_result(OLD), v))
             for v in ("0.9.0", "0.10.0", "0.11.0.dev0")}
    assert built["0.9.0"].revisions == ()
    assert built["0.10.0"].revisions == ("0.9.0",)
    assert built["0.11.0.dev0"].revisions == ("0.9.0", "0.10.0")
    page = Msg("doc.page", (("x", "2"), ("y", "7")))
    assert [texts(built[v].revised(page), "ko")[0] for v in built] == [
        "쪽 2 / 7", "쪽 2 / 7", "7쪽 중 2쪽"]


def test_a_later_overlay_falls_back_to_the_phrase_as_last_revised() -> None:
    # Found in the review-korean pass: with a second revision, a key the Korean revised
    # after 0.9.0 and the English again after 0.10.0 (the Korean keeping its 0.9.0 phrase)
    # fell back to the base Korean for a result made after 0.10.0, undoing the 0.9.0
    # revision (before: 'A' under a@after-0.10.0). Overlays given as dicts (no such files)
    from medeval.report import ReportError
    from medeval.report.catalogue import _overlaid

    flat = _overlaid("ko", {"a": "A", "b": "B"}, [
        ("0.9.0", {"a": "A1"}, frozenset({"a"})),
        ("0.10.0", {}, frozenset({"a", "b"})),
    ])
    assert flat == {"a": "A", "b": "B", "a@after-0.9.0": "A1", "a@after-0.10.0": "A1",
                    "b@after-0.10.0": "B"}
    with pytest.raises(ReportError, match="revises 'c', which strings.ko.toml has not"):
        _overlaid("ko", {"a": "A"}, [("0.9.0", {"c": "C"}, frozenset({"c"}))])


@pytest.mark.parametrize(("example", "old", "new"), [
    ("detection", "이 수치는 채점된 증례에 대한 것입니다. FROC)",
     "이 증례들은 증례당 위양성 수(FROC)의 분모에 넣지 않았고(위양성이 없는 이 증례들을"),
    ("polyp-detection", "이 수치는 채점된 프레임에 대한 것입니다. FROC)",
     "이 프레임들은 프레임당 위양성 수(FROC)의 분모에 넣지 않았습니다(위양성이 없는 이 "
     "프레임들을"),
])
def test_a_failed_detection_note_names_froc_where_it_belongs(
        example: str, old: str, new: str, tmp_path: Path) -> None:
    # Found in the review-korean pass: the Korean of '(that figure is over the cases
    # scored; FROC)' left 'FROC' alone after the sentence's end ('... 것입니다. FROC)');
    # the English says the rate is FROC's axis. A result made by 0.9.0 prints it as
    # issued, a later one the revised Korean (fails before: no such phrase)
    import re
    import warnings

    import medeval
    from medeval.report.html import html_text, page_text

    folder = shutil.copytree(EXAMPLES / example, tmp_path / example,
                             ignore=shutil.ignore_patterns("make_data.py", "result", "out"))
    protocol = folder / "protocol.toml"  # fewer resamples: the wording is what is tested
    protocol.write_text(re.sub(r"n_resamples = \d+", "n_resamples = 100", protocol.read_text()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(protocol, folder / "predictions")
    assert result.parameters.statistics.n_resamples == 100
    assert result.failures.policy == "worst-case"
    printed = {version: " ".join(page_text(html_text(
        build_certificate(_made_by(result, version), ReportInfo()), lang="ko")).split())
        for version in ("0.9.0", "0.10.0")}
    assert old in printed["0.9.0"] and new not in printed["0.9.0"]
    assert new in printed["0.10.0"] and old not in printed["0.10.0"]


def test_each_phrase_revised_after_0_10_0_by_hand() -> None:
    # Found in the korean2-pass (a native reader of the examples' certificates): the
    # Korean phrases a result made after 0.10.0 prints, written out here; one made by
    # 0.10.0 prints the phrase before (the second value)
    from medeval.report.catalogue import revised

    def both(key: str, **params: str) -> tuple[str, str]:
        msg = Msg(key, tuple(params.items()))
        return (texts(revised(msg, ("0.9.0", "0.10.0")), "ko")[0],
                texts(revised(msg, ("0.9.0",)), "ko")[0])

    assert both("doc.page", x="1", y="3") == ("3쪽 중 1쪽", "쪽 1 / 3")
    assert both("metric.hd95@max-directed") == (
        "95번째 백분위수 Hausdorff 거리", "95 백분위 Hausdorff 거리")
    assert both("method.exact") == ("정확 방법", "정확")
    assert both("reader_study.noninferiority", margin="0.05")[0] == (
        "비교: 시험 조건의 비열등성(비열등성 한계 0.05). 차이(시험 - 대조)의 신뢰구간 하한이 "
        "-0.05 이상이면 입증됩니다.")
    assert both("reader_study.design", readers="6", cases="80", positive="32",
                negative="48", test="with CADx", reference="without CADx")[0] == (
        "다중 판독자 다중 증례 연구: 판독자 6명이 같은 증례 80개(질환 있음 32개, 없음 48개)를 "
        "두 조건(with CADx, without CADx)에서 각각 판독했습니다.")
    assert both("text.resampling_patient", n="2000", seed="1") == (
        "환자 단위로 2000회, 시드 1", "2000회 × 환자 단위, 시드 1")
    new, old = both("text.precheck_statement")
    assert "선언되었습니다" in old and new.startswith("이 문서는 사전점검 보고서입니다. ")
    # the English is not revised
    assert texts(revised(Msg("doc.page", (("x", "1"), ("y", "3"))), ("0.9.0", "0.10.0")),
                 "en") == ("Page 1 of 3",)


def test_a_reader_study_made_after_0_10_0_prints_the_revised_design_and_methods(
        tmp_path: Path) -> None:
    import warnings

    import medeval
    from medeval.report.html import html_text, page_text

    folder = shutil.copytree(EXAMPLES / "reader-study", tmp_path / "rs",
                             ignore=shutil.ignore_patterns("make_data.py", "result", "out"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = medeval.evaluate(folder / "protocol.toml")
    printed = {version: " ".join(page_text(html_text(
        build_certificate(_made_by(result, version), ReportInfo()), lang="ko")).split())
        for version in ("0.10.0", "0.11.0.dev0")}
    old, new = printed["0.10.0"], printed["0.11.0.dev0"]
    assert "를 두 조건 with CADx, without CADx에서 모두 판독했습니다." in old
    assert "를 두 조건(with CADx, without CADx)에서 각각 판독했습니다." in new
    assert "목표 0.000에 대해 판정합니다." in old
    assert "RRRC 신뢰구간으로 판정합니다(목표값 0.000)." in new
    assert "3쪽 중" not in new  # (HTML has no page numbers)
    # the covariance by its Korean name, in the method section and under the results
    # (the example's protocol: covariance = "jackknife"); by its id as issued
    assert old.count("판독자 AUC의 jackknife 공분산") == 2
    assert "AUC의 잭나이프 공분산" not in old
    assert new.count("판독자 AUC의 잭나이프 공분산") == 2 and "jackknife 공분산" not in new
    english = " ".join(page_text(html_text(build_certificate(result, ReportInfo()),
                                           lang="en")).split())
    assert english.count("jackknife covariance of the reader AUCs") == 2


def test_a_phrase_revised_in_both_overlays_prints_the_latest() -> None:
    # the confusion matrix's caption: '혼동행렬' as issued, '혼동 행렬 (' after 0.9.0 (the
    # korean-pass), '혼동 행렬(' after 0.10.0 (the korean2-pass: no space before '(');
    # the English keeps its phrase under every key
    built = {v: build_certificate(_made_by(read_result(OLD), v))
             for v in ("0.9.0", "0.10.0", "0.11.0.dev0")}
    captions = {}
    for version, certificate in built.items():
        [caption] = [texts(b.caption, "ko+en") for s in certificate.sections
                     for b in s.blocks if getattr(b, "kind", "") == "confusion"]
        captions[version] = caption
    ko = [captions[v][0] for v in built]
    assert [c.split("에서의 ")[1].split(" (")[0].split("(")[0] for c in ko] == [
        "혼동행렬", "혼동 행렬", "혼동 행렬"]
    assert "혼동행렬 (" in ko[0] and "혼동 행렬 (" in ko[1] and "혼동 행렬(" in ko[2]
    assert len({captions[v][1] for v in built}) == 1


def test_the_roc_caption_names_the_auc_interval_in_korean_after_0_10_0() -> None:
    # Found in the korean2-pass: the Korean caption printed the English abbreviation,
    # 'AUC 0.74 (95% CI 0.51 – 0.98)', where the tables say '95% 신뢰구간'. A result made
    # after 0.10.0 prints 'AUC 0.74(95% 신뢰구간 0.51 – 0.98)'; the English is unchanged
    captions = {}
    for version in ("0.10.0", "0.11.0.dev0"):
        certificate = build_certificate(_made_by(read_result(OLD), version))
        [captions[version]] = [texts(b.caption, "ko+en") for s in certificate.sections
                               for b in s.blocks if getattr(b, "kind", "") == "roc"]
    auc = read_result(OLD).metric("roc_auc").estimate
    ci = f"{auc.low:.4f} – {auc.high:.4f}"
    old, new = captions["0.10.0"], captions["0.11.0.dev0"]
    assert old[0].endswith(f"; AUC {auc.value:.4f} (95% CI {ci}).")
    assert new[0].endswith(f"; AUC {auc.value:.4f}(95% 신뢰구간 {ci}).")
    assert old[1] == new[1] and new[1].endswith(f"; AUC {auc.value:.4f} (95% CI {ci}).")

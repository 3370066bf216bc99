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
    assert revised  # the Korean overlay holds the korean-pass's phrases
    for lang in ("ko", "en"):
        base = catalogue(lang)
        for key, text in _overlay(lang, release).items():
            assert key in base, key
            assert _fields(text) == _fields(base[key]), key
            assert text != base[key], f"{key}: the overlay repeats the base phrase"
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
#: pre-check mark, signatures, figure axes): :func:`reworded` rekeys the certificate's
#: Msgs only, so a phrase of theirs in an overlay would be revised in part of a page only.
_RENDERERS = ("pdf.py", "html.py", "figures.py", "rendered_again.py")


@pytest.mark.parametrize("release", REVISIONS)
def test_an_overlay_revises_no_key_a_renderer_looks_up_itself(release: str) -> None:
    # Found in the review-korean pass: 'doc.page', 'doc.end', 'text.not_given' (the
    # signatures of pdf.py and html.py), 'figure.*' (figures.py) are looked up by their
    # key, outside the certificate reworded walks; the key of 'text.outcome_*' picks the
    # verdict's colour in pdf.py and ONCE_IN_KOREAN is matched by key in texts()
    import re

    from medeval.report.catalogue import ONCE_IN_KOREAN

    source = resources.files("medeval") / "report"
    literal = re.compile(r"\"([a-z_]+\.[A-Za-z0-9_.@+-]+)\"")
    looked_up = {key for name in _RENDERERS
                 for key in literal.findall((source / name).read_text(encoding="utf-8"))
                 if key in catalogue("en")}
    assert {"doc.page", "doc.end", "text.not_given", "figure.roc_x"} <= looked_up
    revised = set(_overlay("ko", release)) | set(_overlay("en", release))
    assert not revised & looked_up
    assert not revised & ONCE_IN_KOREAN
    assert not {key for key in revised if key.startswith("text.outcome_")}


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

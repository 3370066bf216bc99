"""The definitions table of a Korean certificate states each definition in Korean.

The table's formula column printed every definition's English (nsd@count's 'border
voxels within tolerance of the other border / all border voxels, ...', the COCO figures'
long sentences, the MRMC figures' paragraphs) and the ECG definitions' reference column
'cells as reference class then test class, ...' in a Korean certificate too (found in
the last certificate pass). A result made after 0.11.0 prints their Korean
(report/definitions_ko.py); pure formulas and citations as written; the English
certificate as before; a result made by 0.11.0 as issued.

The checks below read the English of medeval.definitions mechanically: which texts have
words (and so need Korean), what numbers, symbols and variables they hold (which the
Korean must hold too), which citations (which the Korean must quote as written). The
PDFs are read by pypdf.
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.definitions import DEFINITIONS
from medeval.report import render_certificate
from medeval.report.definitions_ko import FORMULAS_KO, REFERENCES_KO

from ..conftest import CommandDemo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: Function names of the formulas: not words to translate (kept where written as a call).
_MATH = {"max", "mean", "sum", "sqrt", "pos"}
#: Short English words: neither prose that needs Korean (too short to tell) nor variables.
_SHORT = {"a", "an", "as", "at", "by", "if", "in", "is", "of", "on", "or", "to", "no", "vs",
          "et", "al", "ch", "it", "be", "so"}
#: What the Korean writes for an abbreviation of the English.
_GLOSSARY = {"CI": "신뢰구간"}
#: Names of works and software cited, quoted as written (not prose to translate).
_NAMES = ("COCO detection evaluation", "bxb", "pycocotools", "timescoring")
#: English words the Korean keeps as terms of art (a name of a thing, not a sentence).
_TERMS = {"surfel", "crowd", "area", "labels", "sumstats", "Mann", "Whitney", "Wilcoxon",
          "Obuchowski", "Rockette", "Hillis", "Fisher", "Lin", "Carkeet", "McGraw", "Wong",
          "Phi", "scikit", "learn", "average", "assd", "ddf",
          "Hausdorff", "Dice", "Jaccard", "Youden", "Brier", "Cohen"}  # and in the names

_TOKEN = re.compile(r"""
    (?<![A-Za-z])'[^'\s]+'            # a quoted value: 'segm', 'macro'
  | \d+(?:\.\d+)?                     # a number
  | ->|<=|>=|!=|\+/-|-/\+             # arrows, comparisons, plus or minus
  | [-+*/^=<>|&\[\]{}\#]              # an operator (a hyphen is sorted out below)
  | [A-Za-z][A-Za-z0-9_]*             # a word or a variable
""", re.VERBOSE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _tokens(text: str) -> list[tuple[str, int]]:
    text = re.sub(r"(?<=[A-Za-z])'s\b", "  ", text)  # a possessive: the class's
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _is_prose(word: str) -> bool:
    """A word to translate: three letters or more, not an abbreviation (two capitals:
    TP, IoU, MONAI), not a function name."""
    return word.isalpha() and len(word) >= 3 and sum(c.isupper() for c in word) < 2


def _prose(text: str) -> list[str]:
    """The words of a text to translate: a function name is one unless called
    ('mean of ...', not 'mean(...)')."""
    return [t for t, at in _tokens(text) if t[0].isalpha() and _is_prose(t)
            and not (t in _MATH and text[at + len(t):at + len(t) + 1] == "(")]


def _kept(text: str) -> Counter[str]:
    """What a translation must keep: numbers, operators, quoted values and variables
    (TP, p_o, hd95, K, roc_auc, a function written as a call: mean(...))."""
    for korean, english in _GLOSSARY.items():
        text = text.replace(korean, english)
    text = re.sub(r"(?<=\d)초", " s", text.replace("초 단위", "in s"))  # 30초: 30 s
    kept: Counter[str] = Counter()
    for token, at in _tokens(text):
        after = text[at + len(token):at + len(token) + 1]
        before = text[at - 1:at] if at else ""
        if token == "-" and after.isalpha() and (before.isalpha() or before.isdigit()):
            continue  # a hyphen: Mann-Whitney, one-to-one, 5-min, 양성-음성
        if token[0].isalpha() and (token in _SHORT or (
                _is_prose(token) and not (token in _MATH and after == "("))):
            continue
        kept[token] += 1
    return kept


def _segment(text: str, citations: list[str], prose: list[str]) -> None:
    """Sort one part of a reference (split at '; ') into citations and explanatory words:
    a trailing parenthesis is a part of its own; 'words: citation' has words before the
    colon; a part with a year, or without words, is a citation."""
    inner = re.search(r"\s?\(([^()]*)\)$", text)
    if inner:
        text = text[:inner.start()]
        _segment(inner.group(1), citations, prose)
    head, colon, rest = text.partition(": ")
    if colon and _words(head) and _YEAR.search(rest):
        prose.append(head)
        text = rest
    if _YEAR.search(text) or not _words(text):
        citations.append(text)
    else:
        prose.append(text)


def _words(text: str) -> list[str]:
    text = re.sub(r"\S+\.\w+/\S*", "", text)  # an address: cocodataset.org/#detection-eval
    for name in _NAMES:
        text = text.replace(name, "")
    return re.findall(r"(?<![\w-])[a-z]{3,}(?![\w-])", text)


def _reference_parts(reference: str) -> tuple[list[str], list[str]]:
    citations: list[str] = []
    prose: list[str] = []
    for part in reference.split("; "):
        _segment(part, citations, prose)
    return citations, prose


def test_every_reference_with_words_has_its_korean() -> None:
    # the parser, on references read by hand
    assert _reference_parts(DEFINITIONS["accuracy_within"].reference) == (
        ["Cohen J. Psychol Bull 1968;70:213-20"],
        ["credit for near agreement on an ordinal scale", "adjacent agreement"])
    assert _reference_parts(DEFINITIONS["ec57_veb_ppv"].reference) == (
        ["ANSI/AAMI EC57:2012", "PhysioNet", "Moody GB, Mark RG: bxb, WFDB Software Package"],
        ["cells as reference class then test class, o no test beat, O no reference beat"])
    assert _reference_parts(DEFINITIONS["sensitivity"].reference)[1] == []
    assert _prose("(TP + FN) / N") == [] and _prose("2 |R & P| / (|R| + |P|)") == []
    assert _prose("Sensitivity + Specificity - 1") == ["Sensitivity", "Specificity"]
    assert _kept("mean(|measurement - reference|)") == Counter(
        {"mean": 1, "|": 2, "-": 1})
    assert _kept("beats matched within 0.15 s after a 5-min learning period") == Counter(
        {"0.15": 1, "s": 1, "5": 1})
    assert _kept("0.15초 이내, 5분 학습 구간") == Counter({"0.15": 1, "s": 1, "5": 1})
    worded = {d.id for d in DEFINITIONS.values() if _reference_parts(d.reference)[1]}
    assert sorted(worded - set(REFERENCES_KO)) == []
    assert sorted(set(REFERENCES_KO) - worded) == []
    assert {"accuracy_within", "completion_rate", "ec57_veb_fpr"} <= worded


def test_every_formula_with_words_has_its_korean() -> None:
    worded = {d.id for d in DEFINITIONS.values() if _prose(d.formula)}
    assert sorted(worded - set(FORMULAS_KO)) == []  # a new definition needs its Korean
    assert sorted(set(FORMULAS_KO) - worded) == []  # a pure formula prints as written
    assert len(worded) > 60


@pytest.mark.parametrize("kind", ["formula", "reference"])
def test_the_korean_keeps_every_number_symbol_and_variable(kind: str) -> None:
    korean = FORMULAS_KO if kind == "formula" else REFERENCES_KO
    lost = {key: (_kept(getattr(DEFINITIONS[key], kind)), _kept(text))
            for key, text in korean.items()
            if _kept(getattr(DEFINITIONS[key], kind)) != _kept(text)}
    assert lost == {}


def test_the_korean_is_korean_and_keeps_no_english_sentence() -> None:
    for key, text in [*FORMULAS_KO.items(), *REFERENCES_KO.items()]:
        assert re.search("[가-힣]", text), key
        english = " ".join(c for c in _reference_parts(DEFINITIONS[key].reference)[0])
        left = [w for w in _prose(text) if w not in _TERMS | _MATH and w not in english]
        assert left == [], key


def test_the_korean_quotes_every_citation_as_written() -> None:
    for key, text in REFERENCES_KO.items():
        citations, _ = _reference_parts(DEFINITIONS[key].reference)
        assert [c for c in citations if c not in text] == [], key


def _section(pdf: Path, heading: str, end: str) -> str:
    """The text of the definitions section (pypdf), whitespace collapsed."""
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    start = text.index(heading)
    return text[start:text.index(end, start)]


def _english_left(section: str) -> list[str]:
    """English words of a Korean certificate's definitions section other than the ids,
    the citations (as written), function names and terms of art."""
    for key in sorted(DEFINITIONS, key=len, reverse=True):
        section = section.replace(key, " ")
    cited = " ".join(" ".join([*_reference_parts(d.reference)[0], *_NAMES])
                     for d in DEFINITIONS.values())
    allowed = set(re.findall(r"[A-Za-z]+", cited)) | _TERMS | _MATH
    return sorted({w for w in _prose(section) if w not in allowed})


@pytest.fixture(scope="module")
def korean_pdfs(tmp_path_factory: pytest.TempPathFactory, command_demo: CommandDemo
                ) -> dict[str, tuple[Path, Path, set[str], str]]:
    """The Korean and English certificates of the demo's sets and of the reader-study
    example, rendered from their results, and the ids of the definitions their figures
    have, and the laboratory's name (printed at the foot of every page). The demo's
    results are the session's run of ``medeval demo`` (conftest's command_demo, which
    the command line's and the locale tests read); where it could not run (no sandbox
    here), those of ``medeval demo --pre-check`` run here."""
    from medeval.demo import run_demo
    from medeval.result import read_result

    folder = tmp_path_factory.mktemp("definitions-ko")
    if command_demo.returncode == 0:
        results = {path.parent.name: read_result(path)
                   for path in sorted(command_demo.folder.glob("*/result.json"))}
    else:
        demo = run_demo(folder / "demo", progress=False, mode="pre-check")
        results = {item.name: read_result(item.result_json) for item in demo.sets}
    study = shutil.copytree(EXAMPLES / "reader-study", folder / "reader-study")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results["reader-study"] = medeval.evaluate(study / "protocol.toml")
    return {name: (render_certificate(result, folder / f"{name}.ko.pdf", lang="ko"),
                   render_certificate(result, folder / f"{name}.en.pdf", lang="en"),
                   {metric.definition for metric in result.metrics},
                   result.protocol.laboratory.name)
            for name, result in results.items()}


def test_korean_certificates_state_the_definitions_in_korean_english_as_written(
        korean_pdfs: dict[str, tuple[Path, Path, set[str], str]]) -> None:
    assert {"classification", "segmentation", "reader-study"} <= set(korean_pdfs)
    for name, (korean, _, _, laboratory) in korean_pdfs.items():
        section = _section(korean, "평가 지표의 정의", "시험 환경").replace(laboratory, "")
        assert _english_left(section) == [], name
    # hand-picked: the Korean of a formula with words of each set, a formula as written
    classification = _section(korean_pdfs["classification"][0], "평가 지표의 정의", "시험 환경")
    assert "TP / (TP + FP), 표본의 유병률에서" in classification
    assert "(민감도 + 특이도) / 2" in classification and "(TP + FN) / N" in classification
    segmentation = _section(korean_pdfs["segmentation"][0], "평가 지표의 정의", "시험 환경")
    assert "2 |R & P| / (|R| + |P|)" in segmentation and "경계 복셀" in segmentation
    study = _section(korean_pdfs["reader-study"][0], "평가 지표의 정의", "시험 환경")
    assert "판독자 평균" in study and "Hillis SL. Stat Med 2007;26:596-619" in study
    if "ecg" in korean_pdfs:
        ecg = _section(korean_pdfs["ecg"][0], "평가 지표의 정의", "시험 환경")
        assert "o: 알고리즘 박동 없음, O: 참조 박동 없음" in ecg
        assert "ANSI/AAMI EC57:2012; Moody GB, Mark RG: bxb, WFDB Software Package" in ecg
    # the English certificates print the definitions as written
    for name, (_, english, ids, _) in korean_pdfs.items():
        section = "".join(_section(english, "Metric definitions", "Test environment").split())
        assert ids, name
        for definition in (DEFINITIONS[key] for key in sorted(ids)):
            assert "".join(definition.formula.split()) in section, definition.id
            assert "".join(definition.reference.split()) in section, definition.id


def test_both_languages_and_a_result_as_issued(tmp_path: Path) -> None:
    """ko+en prints the Korean and the English; a result made by 0.11.0 prints the English
    in a Korean certificate, as issued."""
    from ..conftest import binary_study
    from ..test_evaluation import protocol_file

    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    both = _section(render_certificate(result, tmp_path / "both.pdf", lang="ko+en"),
                    "평가 지표의 정의", "시험 환경")
    assert "표본의 유병률에서" in both and "at the sample's prevalence" in both
    issued = replace(result, parameters=replace(result.parameters, medeval="0.11.0"))
    old = _section(render_certificate(issued, tmp_path / "old.pdf", lang="ko"),
                   "평가 지표의 정의", "시험 환경")
    assert "TP / (TP + FP), at the sample's prevalence" in old
    assert "표본의 유병률에서" not in old


def test_the_korean_says_which_way_a_window_widens_and_whose_label_is_whose():
    # Read against the English by a Korean reader (hrev16): SzCORE's window read
    # '앞으로 30초, 뒤로 60초' ('forward 30 s, back 60 s': in Korean time words the reverse
    # of the definition), VEB +P's 'V로 표시된 F나 Q' named neither whose V nor whose F/Q,
    # FROC's '넘지 않으면서 가장 많은 작동점' read as 'the most operating points'.
    # The window's two widenings are timescoring's (the peer medeval matches) defaults.
    from timescoring.scoring import EventScoring

    window = EventScoring.Parameters()
    event = FORMULAS_KO["szcore_event_sensitivity"]
    assert f"시작 {window.toleranceStart:g}초 전부터 끝 {window.toleranceEnd:g}초 뒤까지" in event
    assert "앞으로" not in event and "뒤로" not in event
    # EC57's cells are named reference class then test class (the definition's
    # reference): Fv, Qv, not counted, are reference F or Q beats the test called V.
    assert "알고리즘이 V로 표시한 참조 F나 Q 박동" in FORMULAS_KO["ec57_veb_ppv"]
    froc = FORMULAS_KO["froc_sensitivity"]
    assert "그 비율을 넘지 않는 작동점 중 그 값이 가장 큰 작동점" in froc
    assert "양 끝 사이의 거리인 K - 1의 가중치" in FORMULAS_KO["cohen_kappa@classes-linear"]


def test_the_non_standard_szcore_note_widens_the_window_as_the_english_says():
    # The note under the definitions of a protocol departing from SzCORE read, for a
    # result made after 0.11.0, '참조 사건을 앞으로 {before}초, 뒤로 {after}초 넓히고', the
    # reverse in Korean time words of the English 'widened {before} s before and {after}
    # s after' (the same wording hrev16 found in the definition); and the Bland–Altman
    # name, '95% 일치 한계(Bland–Altman)', could break only inside 'Bland–Altman'. The
    # English phrase is read from the English catalogue, the Korean from the overlay.
    from medeval.report.catalogue import Msg, catalogue, revised

    later = ("0.9.0", "0.10.0", "0.11.0")
    note = revised(Msg("text.non_standard_szcore"), later).key
    english = catalogue("en")["text.non_standard_szcore"]
    assert "widened {before} s before and {after} s after" in english
    assert "시작 {before}초 전부터 끝 {after}초 뒤까지로 넓히고" in catalogue("ko")[note]
    name = revised(Msg("definition.bland_altman_loa"), later).key
    assert catalogue("ko")[name] == "95% 일치 한계 (Bland–Altman)"
    # a result made by 0.11.0 prints its note as issued
    assert "앞으로 {before}초, 뒤로 {after}초" in catalogue("ko")[
        revised(Msg("text.non_standard_szcore"), later[:2]).key]

"""What the certificate prints is what it was given: characters NanumGothic lacks, a
laboratory name too long for the page header, a verdict word too long for its column.
Checked on poppler's extraction (pdftotext, pdffonts), not on medeval's own reading."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import medeval
from medeval.report import ReportError, render_certificate
from medeval.result import write_result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext (poppler-utils) not installed")


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def words(pdf: Path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """poppler's words of one page with their boxes (xMin, yMin, xMax, yMax, word)."""
    import html
    import re

    out = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    return [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', out)]


@needs_poppler
def test_characters_nanumgothic_lacks_are_printed(certified: Path, tmp_path: Path) -> None:
    # NanumGothic has no Å (U+00C5), µ (U+00B5), ✓ (U+2713) nor the combining acute
    # (U+0301): before, each was dropped from the page without a word.
    decomposed = unicodedata.normalize("NFD", "José Núñez")
    info = {"place": "Ångström lab, 5 µm grid", "opinions": ["checked ✓"],
            "tested_by": {"name": decomposed}, "approved_by": {"name": "南宮珉洙 Zoë"}}
    pdf = render_certificate(certified, tmp_path / "c.pdf", report_info=info)
    text = " ".join(pdftotext(pdf).split())
    for printed in ("Ångström lab, 5 µm grid", "checked ✓", "José Núñez", "南宮珉洙 Zoë"):
        assert printed in text
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert all(line.split()[-5] == "yes" for line in listing), listing  # all embedded
    assert any("DejaVuSans" in line for line in listing)
    again = render_certificate(certified, tmp_path / "again.pdf", report_info=info)
    assert again.read_bytes() == pdf.read_bytes()


def test_a_character_no_font_has_is_refused(certified: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="U\\+1F600 GRINNING FACE"):
        render_certificate(certified, tmp_path / "c.pdf",
                           report_info={"place": "room 3 \U0001F600"})
    assert not (tmp_path / "c.pdf").exists()


@needs_poppler
def test_a_long_laboratory_name_does_not_run_into_the_report_number(
        tmp_path: Path) -> None:
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "binary-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    long_name = ("한국산업기술시험원 (韓國産業技術試驗院) 의료기기AI시험센터 "
                 "Korea Testing Laboratory — Medical AI Centre")
    protocol.write_text(protocol.read_text().replace('name = "Test laboratory"',
                                                     f'name = "{long_name}"'))
    result = write_result(medeval.evaluate(protocol, folder / "predictions"),
                          tmp_path / "out" / "result.json")
    pdf = render_certificate(result, tmp_path / "c.pdf")
    header = sorted(w for w in words(pdf) if w[3] < 45)  # the band above the rule (pt)
    assert any(w[4] == "KTL-TEST-0001" for w in header)
    for left, right in zip(header, header[1:]):
        assert left[2] <= right[0] + 0.5, f"{left[4]!r} overlaps {right[4]!r}"


@needs_poppler
def test_inconclusive_is_one_word_in_the_verdict_column(tmp_path: Path) -> None:
    # examples/binary-classification: sensitivity 6/10, Wilson 95% 0.3127-0.8318 holds
    # the goal 0.75, so that criterion is INCONCLUSIVE (판정 불가); before, the column cut
    # it into "I" / "NCONCLUSI" / "VE".
    folder = EXAMPLES / "binary-classification"
    result = write_result(medeval.evaluate(folder / "protocol.toml", folder / "predictions"),
                          tmp_path / "out" / "result.json")
    for lang in ("ko+en", "en"):
        pdf = render_certificate(result, tmp_path / f"{lang}.pdf", lang=lang)
        page = [w[4] for w in words(pdf)]
        assert "INCONCLUSIVE" in page and "NCONCLUSI" not in page


def test_a_second_amendment_names_what_it_replaces(certified: Path, tmp_path: Path) -> None:
    # registry: LAB-1 issued, LAB-2 = amendment 1 (replaces LAB-1), LAB-3 = amendment 2
    # (replaces LAB-2). Before, LAB-3 read "Amendment 2 to report LAB-2", as if LAB-2 had
    # been amended twice.
    info = {"report_number": "LAB-AI-2026-0003", "replaces": "LAB-AI-2026-0002",
            "amendment": 2}
    pdf = render_certificate(certified, tmp_path / "a2.pdf", report_info=info)
    text = " ".join(pdftotext(pdf).split())
    assert "Amendment 2: it replaces report LAB-AI-2026-0002, amendment 1." in text
    assert "수정본 2이며, 수정본 1인 성적서(LAB-AI-2026-0002)를 대체합니다." in text
    assert "Amendment 2 to report" not in text
    first = render_certificate(certified, tmp_path / "a1.pdf", report_info={
        "replaces": "LAB-AI-2026-0001", "amendment": 1})
    assert ("Amendment 1 to report LAB-AI-2026-0001; it replaces that report."
            in " ".join(pdftotext(first).split()))


@needs_poppler
def test_many_criteria_keep_each_subgroup_interval_on_one_line(tmp_path: Path) -> None:
    import json
    import math

    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "binary-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    extra = "".join(f'\n[[criteria]]\nmetric = "{m}"\ngoal = 0.5\nsource = "test"\n' for m in (
        "accuracy", "balanced_accuracy", "f1", "npv", "ppv", "roc_auc", "average_precision",
        "youden_j", "lr_positive", "brier_score"))
    protocol.write_text(protocol.read_text() + extra)  # 12 criteria
    result = write_result(medeval.evaluate(protocol, folder / "predictions"),
                          tmp_path / "out" / "result.json")
    pdf = render_certificate(result, tmp_path / "c.pdf", lang="en")
    lines = {line.strip() for line in pdftotext(pdf).splitlines()}
    data = json.loads(result.read_bytes())
    criteria = [c["metric"] for c in data["protocol"]["criteria"]]
    assert len(criteria) == 12
    intervals = [f"({m['low']:.4f} – {m['high']:.4f})"
                 for group in data["subgroups"]["site"].values()
                 for name, m in group["metrics"].items() if name in criteria
                 and isinstance(m["low"], float) and isinstance(m["high"], float)
                 and not math.isnan(m["low"]) and not math.isnan(m["high"])]
    assert len(intervals) > 12
    # before: 14 columns on one table, "(0.0945" / "–" / "0.9055)" on three lines
    assert [i for i in intervals if i not in lines] == []


@needs_poppler
def test_a_goal_is_printed_as_the_protocol_fixed_it(tmp_path: Path) -> None:
    # a goal of 0.99995 was printed "1.0000" (4 decimals), a goal the estimate 1.0000
    # printed beside it seems to meet; a non-inferiority margin of 0.0525 as "0.052"
    folder = tmp_path / "binary"
    shutil.copytree(EXAMPLES / "binary-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text().replace("goal = 0.999\n", "goal = 0.99995\n"))
    result = write_result(medeval.evaluate(protocol, folder / "predictions"),
                          tmp_path / "out" / "result.json")
    text = " ".join(pdftotext(render_certificate(result, tmp_path / "b.pdf", lang="en")).split())
    assert "0.99995" in text and "0.7500" in text  # 0.75 keeps its 4 decimals

    study = tmp_path / "reader-study"
    shutil.copytree(EXAMPLES / "reader-study", study, ignore=shutil.ignore_patterns("result"))
    protocol = study / "protocol.toml"
    protocol.write_text(protocol.read_text()
                        .replace('comparison = "superiority"',
                                 'comparison = "non-inferiority"\nmargin = 0.0525')
                        .replace("goal = 0\n", "goal = -0.0525\n"))
    result = write_result(medeval.evaluate(protocol), tmp_path / "rs" / "result.json")
    text = " ".join(pdftotext(render_certificate(result, tmp_path / "r.pdf", lang="en")).split())
    # before: "margin 0.052", "against the goal -0.052." (0.0525 rounded half to even)
    assert "with margin 0.0525;" in text and "at least -0.0525." in text
    assert "against the goal -0.0525." in text


def test_an_interval_without_its_estimate_still_renders(certified: Path,
                                                        tmp_path: Path) -> None:
    # a result edited by hand (or forged) with sensitivity's lower bound above its value
    # stopped `medeval report` with matplotlib's "yerr must not contain negative values"
    import json

    from medeval.result import Result

    data = json.loads(certified.read_bytes())
    sens = data["metrics"]["sensitivity"]
    sens["low"] = min(sens["value"] + 0.05, 1.0)
    result = Result.from_json(json.dumps(data).encode())
    pdf = render_certificate(result, tmp_path / "c.pdf", lang="en")
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert f"{sens['low']:.4f} – {sens['high']:.4f}" in text


def test_a_text_too_long_for_a_page_is_a_report_error(certified: Path, tmp_path: Path) -> None:
    # 120 x 31 characters of place: its table row is about 1,700 pt tall, the page's frame
    # 717 pt (297 mm - 44 mm margins); reportlab's LayoutError escaped as a traceback
    place = "서울특별시 구로구 디지털로26길 87 한국산업기술시험원 " * 120
    with pytest.raises(ReportError, match="taller than a page .* a page holds 717"):
        render_certificate(certified, tmp_path / "c.pdf", report_info={"place": place})
    assert not (tmp_path / "c.pdf").exists()


@needs_poppler
def test_a_reader_study_test_with_no_value_prints_no_nan(tmp_path: Path) -> None:
    # both treatments read alike: the AUC difference and its variance are 0, F = 0/0;
    # the tests table printed "F NaN" and p "NaN" three times
    import csv

    study = tmp_path / "reader-study"
    shutil.copytree(EXAMPLES / "reader-study", study, ignore=shutil.ignore_patterns("result"))
    with (study / "readings.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    reference = {(r["reader"], r["case"]): r["rating"] for r in rows
                 if r["treatment"] == "without CADx"}
    for row in rows:
        row["rating"] = reference[(row["reader"], row["case"])]
    with (study / "readings.csv").open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import math
    import warnings

    # The difference's interval: its variance estimate is 0 in exact arithmetic, which
    # numpy 2.4 sums to exactly 0 (a zero-width interval, judged INCONCLUSIVE by the
    # decision rule) and earlier numpy to a rounding error below 0 (undefined, warned)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "mrmc .*: interval undefined")
        evaluated = medeval.evaluate(study / "protocol.toml")
    difference = evaluated.metric("auc_difference").estimate
    assert difference.value == 0
    assert (math.isnan(difference.low) and math.isnan(difference.high)) or (
        difference.low == difference.high == 0)
    assert evaluated.overall != "PASS"
    result = write_result(evaluated, tmp_path / "r.json")
    text = pdftotext(render_certificate(result, tmp_path / "c.pdf"))
    assert "NaN" not in text
    flat = " ".join(text.split())
    assert "F 정의되지 않음" not in flat and flat.count("정의되지 않음 / undefined") >= 3
    assert "the difference of AUCs between the treatments and its variance are both 0" in flat


def test_one_reader_under_rrrc_says_why_its_criterion_is_inconclusive(tmp_path: Path) -> None:
    # the example's study with reader R1 alone, its protocol declaring RRRC: the
    # certificate named FRRC as the interval judged; RRRC is, and it has none
    import csv

    study = tmp_path / "reader-study"
    shutil.copytree(EXAMPLES / "reader-study", study, ignore=shutil.ignore_patterns("result"))
    with (study / "readings.csv").open(newline="") as stream:
        rows = [row for row in csv.DictReader(stream) if row["reader"] == "R1"]
    with (study / "readings.csv").open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    evaluated = medeval.evaluate(study / "protocol.toml")
    assert evaluated.overall == "INCONCLUSIVE"
    result = write_result(evaluated, tmp_path / "r.json")
    flat = " ".join(pdftotext(render_certificate(result, tmp_path / "c.pdf")).split())
    assert "judged on the RRRC interval" in flat and "judged on the FRRC interval" not in flat
    assert ("With one reader the RRRC interval cannot be estimated (the readers' variance "
            "needs several): the difference has no RRRC interval and its criterion is "
            "INCONCLUSIVE.") in flat
    assert "판독자가 한 명이어서 RRRC 신뢰구간을 추정할 수 없습니다" in flat
    # the design sentence of one reader (it read "Multi-reader ...: 1 readers each read")
    assert "Reader study with one reader: the reader read the same" in flat
    assert "판독자 1명의 판독 연구: 판독자 1명이 같은 증례" in flat
    assert "1 readers" not in flat and "Multi-reader" not in flat


@needs_poppler
def test_a_long_report_number_does_not_run_into_the_page_number(certified: Path,
                                                                 tmp_path: Path) -> None:
    # A report number may hold 64 characters (the registry's rule). At 6.5 pt, "number ·
    # SHA-256 <64 hex>" of a 64-character number is about 553 pt wide, the frame 493 pt
    # (210 mm - 2 x 18 mm); "12쪽 중 1쪽 · Page 1 of 12" needs about 99 pt more: before,
    # the fingerprint was printed over the page number and past the right margin.
    import dataclasses

    from medeval.result import read_result

    number = "KTL-2026-AI-MEDICAL-IMAGING-BREAST-ULTRASOUND-0042/AMENDMENT-001"
    assert len(number) == 64
    fingerprint = read_result(certified).fingerprint
    pdf = render_certificate(certified, tmp_path / "c.pdf",
                             report_info={"report_number": number})
    right_margin = (210 - 18) * 72 / 25.4
    pages = pdftotext(pdf).count("\f")
    for page in range(1, pages + 1):
        footer = sorted(w for w in words(pdf, page) if w[1] > 780)  # below the rule (pt)
        assert number in [w[4] for w in footer] and fingerprint in [w[4] for w in footer]
        assert f"Page {page} of {pages}" in " ".join(w[4] for w in footer)
        assert all(w[2] <= right_margin + 0.5 for w in footer), footer
        for i, a in enumerate(footer):  # no two words' boxes overlap
            for b in footer[i + 1:]:
                apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or (
                    a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5)
                assert apart, f"{a[4]!r} overlaps {b[4]!r} on page {page}"
    # a result made by medeval 0.11.0 is rendered as issued: the footer on one line
    old = dataclasses.replace(read_result(certified), parameters=dataclasses.replace(
        read_result(certified).parameters, medeval="0.11.0"))
    issued = render_certificate(old, tmp_path / "old.pdf",
                                report_info={"report_number": number})
    line = next(line for line in pdftotext(issued, "-layout").splitlines()
                if number in line and "SHA-256" in line)
    assert old.fingerprint in line


@needs_poppler
def test_text_written_right_to_left_is_refused_not_printed_reversed(
        certified: Path, tmp_path: Path) -> None:
    # reportlab sets a line left to right in stored order and joins no Arabic letters:
    # before, a place "מעבדה" (Hebrew, "laboratory") was printed so that poppler read it
    # back reversed, "הדבעמ", and an Arabic name as its letters apart.
    import dataclasses
    import re

    from medeval.result import read_result

    for text, named in (("מעבדה 3", "U+05DE HEBREW LETTER MEM"),
                        ("مختبر", "U+0645 ARABIC LETTER MEEM")):
        with pytest.raises(ReportError, match=re.escape(named) + ".*right to left"):
            render_certificate(certified, tmp_path / "c.pdf", report_info={"place": text})
        assert not (tmp_path / "c.pdf").exists()
    # Latin, Hangul, Greek and Arabic-Indic digits (left to right) are printed
    pdf = render_certificate(certified, tmp_path / "ok.pdf",
                             report_info={"place": "Room ٣ 시험실 µ Ω"})
    assert "Room ٣ 시험실 µ Ω" in " ".join(pdftotext(pdf).split())
    # a result made by medeval 0.11.0 renders as it was issued
    old = dataclasses.replace(read_result(certified), parameters=dataclasses.replace(
        read_result(certified).parameters, medeval="0.11.0"))
    render_certificate(old, tmp_path / "old.pdf", report_info={"place": "מעבדה 3"})
    assert (tmp_path / "old.pdf").exists()


@needs_poppler
def test_two_opinions_are_listed_under_one_heading(certified: Path, tmp_path: Path) -> None:
    # ISO/IEC 17025 7.8.7: opinions set apart. Before, each opinion had its own heading
    # "의견 및 해석 / Opinions and interpretations", printed twice for two opinions.
    import dataclasses

    from medeval.result import read_result

    info = {"opinions": ["First opinion on the figures.", "Second opinion."]}
    text = pdftotext(render_certificate(certified, tmp_path / "c.pdf", report_info=info))
    assert text.count("Opinions and interpretations") == 1
    assert text.count("의견 및 해석") == 1
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "• First opinion on the figures." in lines and "• Second opinion." in lines
    one = pdftotext(render_certificate(certified, tmp_path / "one.pdf",
                                       report_info={"opinions": ["Only one."]}))
    assert one.count("Opinions and interpretations") == 1 and "• Only one." not in one
    # a result made by medeval 0.11.0 renders as issued: the heading before each opinion
    old = dataclasses.replace(read_result(certified), parameters=dataclasses.replace(
        read_result(certified).parameters, medeval="0.11.0"))
    issued = pdftotext(render_certificate(old, tmp_path / "old.pdf", report_info=info))
    assert issued.count("Opinions and interpretations") == 2


def test_the_html_report_prints_text_written_right_to_left(certified: Path,
                                                            tmp_path: Path) -> None:
    # The PDF refuses a Hebrew place (reportlab would set its letters reversed), but the
    # HTML report is set by the browser, which writes it right to left as Unicode's
    # bidirectional algorithm says: it is rendered, the text stored as given (read back
    # with Python's html.parser, not medeval).
    from html.parser import HTMLParser

    from medeval.report import render_html

    place = "מעבדה 3"
    with pytest.raises(ReportError, match="right to left"):
        render_certificate(certified, tmp_path / "c.pdf", report_info={"place": place})
    page = render_html(certified, tmp_path / "c.html", report_info={"place": place})
    found: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            found.append(data)

    Text().feed(page.read_text(encoding="utf-8"))
    assert any(place in text for text in found)

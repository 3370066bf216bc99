"""The HTML report: the same content, self-contained (figures inline, NanumGothic embedded
as a subset covering every character drawn, nothing fetched)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from medeval.report import render_html


def test_self_contained_html(certified: Path, info_file: Path, tmp_path: Path) -> None:
    page = render_html(certified, tmp_path / "report.html", report_info=info_file)
    html = page.read_text(encoding="utf-8")
    assert "KTL-2026-0001" in html and "시험성적서" in html and "Test Report" in html
    assert html.count("<svg") >= 2  # ROC and confusion matrix, inline
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert "— 이하 여백 —" in html and "End of report" in html
    assert "홍길동 (Hong Gildong)" in html


def test_same_result_same_html(certified: Path, tmp_path: Path) -> None:
    one = render_html(certified, tmp_path / "a.html", lang="en").read_bytes()
    two = render_html(certified, tmp_path / "b.html", lang="en").read_bytes()
    assert one == two


def test_precheck_html_is_marked(precheck: Path, tmp_path: Path) -> None:
    html = render_html(precheck, tmp_path / "p.html").read_text(encoding="utf-8")
    assert "PRE-CHECK — NOT A CERTIFICATE" in html and "Tested by" not in html


def _drawn_text(html: str) -> str:
    """The page's text as a browser draws it, found without medeval's parser: styles and
    scripts removed, then every tag, then character references decoded."""
    import html as html_module

    body = re.sub(r"<(style|script)\b.*?</\1>", "", html, flags=re.S | re.I)
    return html_module.unescape(re.sub(r"<[^>]*>", "", body))


def test_nanumgothic_is_embedded_as_a_subset(certified: Path, info_file: Path,
                                             tmp_path: Path) -> None:
    import base64
    import io

    from fontTools.ttLib import TTFont

    from medeval.report.fonts import font_path

    html = render_html(certified, tmp_path / "report.html",
                       report_info=info_file).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{[^}]*\}", html)
    assert len(faces) == 2  # regular and bold
    text = _drawn_text(html)
    drawn = {c for c in text if not c.isspace()}
    assert {"시", "험", "성", "적", "서", "홍", "길", "동"} <= drawn
    full = TTFont(font_path())
    for face, weight in zip(faces, ("normal", "bold")):
        assert 'font-family: "NanumGothic"' in face and f"font-weight: {weight}" in face
        (data,) = re.findall(r'url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\)', face)
        payload = base64.b64decode(data)
        assert payload[:4] == b"wOFF"
        assert len(payload) < font_path().stat().st_size / 10  # a subset, not the font
        font = TTFont(io.BytesIO(payload))
        cmap = font.getBestCmap()
        missing = sorted(c for c in drawn if ord(c) not in cmap)
        assert not missing, missing
        assert ord("뷁") not in cmap and ord("뷁") in full.getBestCmap()  # not on the page
        glyphs = font["glyf"]
        for char in "시험성적서":  # real outlines, not empty glyphs
            assert glyphs[cmap[ord(char)]].numberOfContours > 0
    # Korean is set in it wherever it appears
    assert re.search(r'body \{ font-family: "NanumGothic"', html)


def test_no_external_resource_is_referenced(certified: Path, info_file: Path,
                                            tmp_path: Path) -> None:
    html = render_html(certified, tmp_path / "report.html",
                       report_info=info_file).read_text(encoding="utf-8")
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", html):
        assert url.startswith(("data:", "#")), url[:60]  # embedded, or in the page
    for attribute, value in re.findall(
            r"""\b((?:xlink:)?href|src|srcset|action|rdf:resource|data)\s*=\s*["']([^"']*)""",
            html):
        assert value.startswith("#") or value.startswith("data:"), (attribute, value)
    assert "@import" not in html and "<link" not in html and "<iframe" not in html
    # the only http(s) strings left are SVG namespace names, which are not fetched
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


class _Marks(HTMLParser):
    """What a screen reader is told by the page's markup (the standard library's parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.en_classes: list[str | None] = []  # the lang of each element of class "en"
        self.header_scopes: list[str | None] = []  # the scope of each <th> that holds text
        self.figures: list[str | None] = []  # each <svg>'s role and accessible name
        self.langs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "en" in (found.get("class") or "").split():
            self.en_classes.append(found.get("lang"))
        if tag == "th":
            self.header_scopes.append(found.get("scope"))
        if tag == "svg":
            self.figures.append(f"{found.get('role')}: {found.get('aria-label')}")
        if "lang" in found and tag != "html":
            self.langs.append(str(found["lang"]))


def _marks(html: str) -> _Marks:
    parser = _Marks()
    parser.feed(html)
    return parser


def test_a_later_results_page_names_its_parts_languages(
        certified: Path, info_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in the trust-pass: the bilingual page was <html lang="ko"> throughout, its
    # English read by a Korean voice (WCAG 2.x 3.1.2, language of parts), its header cells
    # without scope and its figures without a name. A result made after 0.10.0 marks them;
    # one of 0.10.0 keeps the page it was issued with (pinned for 0.9.0 results in
    # test_issued_bytes); the text drawn is the same.
    import dataclasses

    from medeval import read_result
    from medeval.report import html as html_module
    from medeval.report.content import build_certificate
    from medeval.report.html import html_text
    from medeval.report.info import load_report_info
    from medeval.report.made_by import made_after

    result, info = read_result(certified), load_report_info(info_file)
    assert made_after(result, "0.10.0"), result.parameters.medeval  # this version's
    earlier = dataclasses.replace(
        result, parameters=dataclasses.replace(result.parameters, medeval="0.10.0"))
    later_page = html_text(build_certificate(result, info), lang="ko+en")
    earlier_page = html_text(build_certificate(earlier, info), lang="ko+en")
    later, before = _marks(later_page), _marks(earlier_page)
    assert later.en_classes and set(later.en_classes) == {"en"}
    assert "en" in later.langs and "ko" not in later.langs  # the page's own is on <html>
    assert later.header_scopes.count("col") >= 10
    assert all(s == "col" for s in later.header_scopes[1:] if s is not None)
    captions = [" / ".join(part.strip() for part in re.findall(
        r"<span[^>]*>([^<]*)</span><br>", c)) for c in re.findall(
        r"<figcaption>(.*?)</figcaption>", later_page, flags=re.S)]
    assert len(captions) == len(later.figures) >= 2
    assert later.figures == [f"img: {c}" for c in captions]
    # before: none of it
    assert set(before.en_classes) == {None} and before.langs == []
    assert set(before.header_scopes) == {None}
    assert set(before.figures) == {"None: None"}
    # the words drawn are those of the same certificate's page without the marks
    monkeypatch.setattr(html_module, "PARTS_LANG_AFTER", "99.0.0")
    unmarked = html_text(build_certificate(result, info), lang="ko+en")
    assert set(_marks(unmarked).en_classes) == {None}
    assert _drawn_text(later_page).split() == _drawn_text(unmarked).split()


@pytest.mark.parametrize("bold", [False, True])
def test_the_subsets_name_records_are_those_of_issued_reports(bold: bool) -> None:
    # fontTools 4.69 began to keep every name record of a subset by default (the full
    # face's trademark, designer and URLs, IDs 7-17), which changed the bytes of every HTML
    # report already issued; the subset keeps IDs 0-6 in English (Windows, 0x409), as the
    # reports of 0.9.0 and 0.10.0 pinned in test_issued_*.py carry them
    import io

    from fontTools.ttLib import TTFont

    from medeval.report.fonts import font_path, subset_font

    full = {(n.nameID, n.platformID, n.langID) for n in TTFont(font_path(bold=bold))["name"].names}
    assert {7, 8, 9} <= {name_id for name_id, _, _ in full}  # the face has more to drop
    names = TTFont(io.BytesIO(subset_font("시험 Test <>", bold=bold)))["name"].names
    assert sorted({(n.nameID, n.platformID, n.langID) for n in names}) == [
        (name_id, 3, 0x409) for name_id in range(7)]

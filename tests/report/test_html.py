"""The HTML report: the same content, self-contained (figures inline, nothing fetched)."""

from __future__ import annotations

import re
from pathlib import Path

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

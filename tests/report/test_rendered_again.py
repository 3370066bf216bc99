"""The printed lines a fresh rendering gives otherwise (medeval.report.rendered_again)."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from medeval.report.rendered_again import _changed_lines


def _pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number, line in enumerate(lines):
        page.drawString(72, 800 - 14 * number, line)
    page.save()
    return buffer.getvalue()


def test_one_figure_changed_in_two_tables_is_named_once() -> None:
    # Found in the messages-pass: a Dice printed in two tables, each under its
    # 'label1:dice' line, changed from 0.9000 to 0.9994 in both was listed twice, word for
    # word. The rendering (reportlab, not medeval) prints 0.9000 in both places; the
    # certificate's text 0.9994 in both: one difference, said once
    rendered = ["Table 1", "label1:dice", "0.9000", "Table 2", "label1:dice", "0.9000", "end"]
    printed = "\n".join("0.9994" if line == "0.9000" else line for line in rendered)
    assert _changed_lines(None, None, {"pages": [printed]}, b"", "the uploaded file", None,  # type: ignore[arg-type]
                          rendered=_pdf(rendered)) == [
        "the uploaded file prints '0.9994' (after 'label1:dice') where the result gives "
        "'0.9000'"]


def test_two_figures_changed_differently_are_both_named() -> None:
    rendered = ["Table 1", "label1:dice", "0.9000", "Table 2", "label1:dice", "0.9000", "end"]
    printed = "\n".join(["Table 1", "label1:dice", "0.9994", "Table 2", "label1:dice",
                         "0.9111", "end"])
    assert _changed_lines(None, None, {"pages": [printed]}, b"", "the uploaded file", None,  # type: ignore[arg-type]
                          rendered=_pdf(rendered)) == [
        "the uploaded file prints '0.9994' (after 'label1:dice') where the result gives "
        "'0.9000'",
        "the uploaded file prints '0.9111' (after 'label1:dice') where the result gives "
        "'0.9000'"]


def test_the_line_said_once_is_still_worded_in_korean() -> None:
    from medeval.web.differences_ko import difference_ko

    assert difference_ko("the uploaded file prints '0.9994' (after 'label1:dice') where "
                         "the result gives '0.9000'") == (
        "올린 파일의 인쇄 내용: '0.9994' ('label1:dice' 다음 줄), 결과로 만든 내용: '0.9000'")

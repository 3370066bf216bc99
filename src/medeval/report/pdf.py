"""The certificate as a PDF: reportlab platypus, every glyph from an embedded font.

:func:`render_certificate` reads a result JSON, builds its content
(:func:`~medeval.report.content.build_certificate`) and lays it out on A4: a header with
the laboratory and the report number, a footer with the result fingerprint and
"쪽 x / y" / "Page x of y" on every page, an end marker after the last section, and on a
pre-check a "PRE-CHECK — NOT A CERTIFICATE" mark across every page.

Two ways reportlab would slip in an unembedded Helvetica are closed: the document's
``initialFontName`` and every table's ``FONTNAME`` are NanumGothic, and the QR code's
``Drawing`` gets ``initialFontName`` too. ``invariant=1`` and a creation date fixed to the
date of issue make the same result give the same bytes.

The PDF's Info dictionary carries what :mod:`medeval.report.verify` needs: the
fingerprint, the language, the report info's SHA-256, short digests of the result's
parts and the names of the attached files (``Keywords``). :func:`certificate_pdf`
attaches the result JSON, its per-case CSV and the report info as PDF/A-3 associated
files (:mod:`medeval.report.attachments`), so the PDF alone can be verified.

Order (REFERENCE.md 5): render -> attach -> PDF/A fix-up -> sign -> hash.
"""

from __future__ import annotations

import calendar
import io
import re
import time
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .._atomic import write_named
from .._version import __version__
from ..result import Result, read_result
from ._errors import ReportError
from ._reportlab_settings import shipped_settings
from .catalogue import BULLET, Msg, base_key, languages, texts, under_bullet
from .cells import number_label
from .content import (
    RIGHT_TO_LEFT_PRINTED_UNTIL,
    Block,
    Cell,
    Certificate,
    Fields,
    Figure,
    Para,
    QRCode,
    Signatures,
    Table,
    build_certificate,
)
from .fonts import FONT, FONT_BOLD, font_runs, register_fonts
from .info import ReportInfo, load_report_info
from .made_by import made_after
from .name_breaks import broken_names
from .page import (
    BOTTOM,
    FRAME_W,
    LEFT,
    MM,
    PAGE_H,
    PAGE_W,
    RIGHT,
    TABLE_PADDING,
    TOP,
    text_width,
)
from .text_direction import refuse_right_to_left

__all__ = ["certificate_keywords", "certificate_pdf", "pdf_bytes", "render_certificate"]

_MM, _PAGE_W, _PAGE_H, _FRAME_W = MM, PAGE_W, PAGE_H, FRAME_W
_LEFT, _RIGHT, _TOP, _BOTTOM = LEFT, RIGHT, TOP, BOTTOM
_INK, _MUTED, _RULE, _SHADE = "#111111", "#555555", "#9a9a9a", "#eef1f6"
_MARK = "#c0392b"
_OUTCOME = {"PASS": "#1e7b34", "FAIL": "#c0392b", "INCONCLUSIVE": "#a35d00"}


def render_certificate(
    result: str | Path | Result,
    out_pdf: str | Path,
    *,
    lang: str = "ko+en",
    report_info: str | Path | Mapping[str, Any] | ReportInfo | None = None,
    pdfa: bool = False,
) -> Path:
    """Render the certificate of a result as a PDF.

    Parameters
    ----------
    result : path or Result
        The result JSON written by :func:`medeval.write_result`, or the result. It is
        rendered as given: ``medeval report`` first checks a result file against its
        ``.sha256`` (:func:`medeval.verify_result`) and refuses one changed since it was
        written; a program rendering a result it did not just write should do the same
        (a result extracted from a certificate has no ``.sha256`` and is rendered as is).
    out_pdf : path
        Where to write the PDF (folders are created).
    lang : {"ko+en", "ko", "en"}
        Korean and English side by side (default), or one language.
    report_info : path, mapping or ReportInfo, optional
        The fields the result lacks (see :mod:`medeval.report.info`).
    pdfa : bool
        Post-process to PDF/A-3b (needs pikepdf; see :mod:`medeval.report.pdfa`).

    Returns
    -------
    Path
        The PDF's path.

    Raises
    ------
    ReportError
        An unknown language, a result that is not an evaluation's, bad report info; the
        PDF cannot be written (``out_pdf`` a folder, or below a file; no permission).
    ResultError
        The result file cannot be read.
    """
    result_json = None
    if isinstance(result, (str, Path)):
        data = read_result(result)
        result_json = Path(result).read_bytes()  # attached as it is (fingerprint included)
    else:
        data = result
    info = load_report_info(report_info)
    payload = certificate_pdf(data, info, lang=lang, pdfa=pdfa, result_json=result_json)
    target = Path(out_pdf)
    # an earlier certificate stays whole if this fails
    write_named(target, payload, what="certificate", error=ReportError)
    return target


#: The last release whose pre-check reports describe their attached result and report info
#: as those "this certificate was rendered from/with" (a pre-check is no certificate).
ATTACHMENTS_NAMED_UNTIL = "0.11.0"


def certificate_pdf(data: Result, info: ReportInfo, *, lang: str = "ko+en",
                    pdfa: bool = False, result_json: bytes | None = None,
                    check_dates: bool = True, creator: str | None = None) -> bytes:
    """The certificate's PDF bytes with its attachments: render, attach, PDF/A fix-up.

    Parameters
    ----------
    data : Result
        The result.
    info : ReportInfo
        The report info.
    lang : {"ko+en", "ko", "en"}
    pdfa : bool
        Post-process to PDF/A-3b (pikepdf, the ``archival`` extra).
    result_json : bytes, optional
        The result file's bytes, attached as they are; by default the result's canonical
        JSON (the same bytes for a result medeval wrote).
    check_dates : bool
        As :func:`~medeval.report.content.build_certificate`'s (False: verification).
    creator : str, optional
        The PDF's ``/Creator``, by default ``"medeval <this version>"``. Verification
        passes the name a certificate carries, to render it again as it names itself.

    Returns
    -------
    bytes
        The same inputs give the same bytes.
    """
    from .attachments import attach, sources

    if result_json is None:  # a result in memory prints as its file does
        data = data.as_read()
    certificate = build_certificate(data, info, check_dates=check_dates)
    if made_after(data, RIGHT_TO_LEFT_PRINTED_UNTIL):  # reportlab would reverse it
        refuse_right_to_left(certificate)
    payload = pdf_bytes(certificate, lang=lang, creator=creator)
    # a pre-check made after 0.11.0 calls itself a report in its files' descriptions
    named = data.precheck and made_after(data, ATTACHMENTS_NAMED_UNTIL)
    files = sources(data.to_json() if result_json is None else result_json,
                    data.cases_csv(), info.to_json(),
                    document="report" if named else "certificate")
    payload = attach(payload, files, issue_date=certificate.issue_date)
    if pdfa:
        from .pdfa import to_pdfa

        payload = to_pdfa(payload, lang=lang)
    return payload


def certificate_keywords(certificate: Certificate, lang: str) -> str:
    """The PDF ``Keywords`` entry: fingerprint, language, report info, part digests and
    the attached files' names."""
    from .attachments import ATTACHMENT_NAMES

    digests = ",".join(f"{k}:{v}" for k, v in certificate.digests)
    return (f"medeval-certificate; fingerprint=sha256:{certificate.fingerprint}; "
            f"lang={lang}; report-info=sha256:{certificate.info_digest}; "
            f"report-number={certificate.report_number}; digests={digests}; "
            f"attachments={','.join(ATTACHMENT_NAMES)}")


def pdf_bytes(certificate: Certificate, *, lang: str = "ko+en",
              creator: str | None = None) -> bytes:
    """Lay out a certificate; return the PDF's bytes (the same content, the same bytes);
    ``creator`` is its ``/Creator``, by default ``"medeval <this version>"``."""
    languages(lang)
    register_fonts()
    with shipped_settings():
        return _laid_out(certificate, lang, creator)


def _laid_out(certificate: Certificate, lang: str, creator: str | None) -> bytes:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate  # type: ignore[import-untyped,unused-ignore]
    from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped,unused-ignore]

    layout = _Layout(certificate, lang)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=(_PAGE_W, _PAGE_H), leftMargin=_LEFT, rightMargin=_RIGHT,
        topMargin=_TOP, bottomMargin=_BOTTOM, invariant=1, initialFontName=FONT,
        initialFontSize=9, title=f"{' / '.join(texts(certificate.title, lang))} "
        f"{certificate.report_number}",
        author=certificate.laboratory, subject=f"{certificate.report_number}",
        creator=creator or f"medeval {__version__}",
        keywords=certificate_keywords(certificate, lang),
        lang=languages(lang)[0],
    )
    frame = Frame(_LEFT, _BOTTOM, _FRAME_W, _PAGE_H - _TOP - _BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    try:
        doc.build(layout.story(), canvasmaker=_canvas_class(certificate, lang))
    except LayoutError as exc:  # one table row taller than a page: a text far too long
        tallest = re.search(r"tallest cell ([0-9.]+) points", str(exc))
        room = _PAGE_H - _TOP - _BOTTOM
        height = (f" ({float(tallest.group(1)):.0f} pt; a page holds {room:.0f})"
                  if tallest else "")
        raise ReportError(
            f"certificate {certificate.report_number}: a table row is taller than a page"
            f"{height}; shorten the longest text given in the protocol or the report info "
            "(a place, an address, a name)") from None
    return buffer.getvalue()


def _canvas_class(certificate: Certificate, lang: str) -> Any:
    """A canvas that knows the page count (two passes) and draws header and footer."""
    from reportlab.lib.colors import HexColor  # type: ignore[import-untyped,unused-ignore]
    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped,unused-ignore]

    revised = certificate.revised
    header_right = " / ".join(texts(revised(number_label(certificate.precheck)), lang))
    mark = " · ".join(texts(revised(Msg("doc.precheck_mark")), lang))

    class _NumberedCanvas(Canvas):  # type: ignore[misc,unused-ignore]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _fix_date(self, certificate.issue_date)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(HexColor(_RULE))
            self.setLineWidth(0.5)
            top = _PAGE_H - 14 * _MM
            self.setFillColor(HexColor(_INK))
            right = f"{header_right}  {certificate.report_number}"
            room = _FRAME_W - _runs_width(right, 8.5) - 5 * _MM
            swap = certificate.glyphs_swapped
            size, laboratory = _fitted(certificate.laboratory, room, bold=True, swap=swap)
            _draw_runs(self, _LEFT, top, laboratory, size, bold=True, swap=swap)
            _draw_runs(self, _PAGE_W - _RIGHT, top, right, 8.5, right_aligned=True)
            self.line(_LEFT, top - 2.5 * _MM, _PAGE_W - _RIGHT, top - 2.5 * _MM)
            bottom = 12 * _MM
            self.line(_LEFT, bottom + 4 * _MM, _PAGE_W - _RIGHT, bottom + 4 * _MM)
            page = " · ".join(texts(revised(Msg("doc.page", (("x", str(number)),
                                                            ("y", str(total))))), lang))
            self.setFont(FONT, 6.5)
            self.setFillColor(HexColor(_MUTED))
            for line, y in _footer_lines(certificate, _runs_width(page, 7.5), bottom):
                _draw_runs(self, _LEFT, y, line, 6.5)
            self.setFont(FONT, 7.5)
            self.setFillColor(HexColor(_INK))
            self.drawRightString(_PAGE_W - _RIGHT, bottom, page)
            if certificate.precheck:
                self._precheck()
            self.restoreState()

        def _precheck(self) -> None:
            self.setFillColor(HexColor(_MARK))
            self.setFont(FONT_BOLD, 9)
            self.drawCentredString(_PAGE_W / 2, _PAGE_H - 19.5 * _MM, mark)
            self.saveState()
            self.setFillColor(HexColor(_MARK), alpha=0.13)
            self.translate(_PAGE_W / 2, _PAGE_H / 2)
            self.rotate(50)
            self.setFont(FONT_BOLD, 34)
            self.drawCentredString(0, 14, texts(revised(Msg("doc.precheck_mark")), "en")[0])
            self.drawCentredString(0, -30, texts(revised(Msg("doc.precheck_mark")), "ko")[0])
            self.restoreState()

    return _NumberedCanvas


def _footer_lines(certificate: Certificate, page_width: float,
                  bottom: float) -> list[tuple[str, float]]:
    """The footer's identification, left of "page x of y" (``page_width`` points wide),
    as lines with their baselines: "number · SHA-256 fingerprint" on the page number's
    line, or, where that would run into it (a report number of 25 characters or more in
    a ko+en footer), the number there and the fingerprint on a line under it; a
    certificate whose result was made by medeval 0.11.0 or before keeps the one line it
    was issued with (:attr:`Certificate.footer_wraps`)."""
    number, fingerprint = certificate.report_number, f"SHA-256 {certificate.fingerprint}"
    one = f"{number} · {fingerprint}"
    room = _FRAME_W - page_width - 4 * _MM
    if not certificate.footer_wraps or _runs_width(one, 6.5) <= room:
        return [(one, bottom)]
    return [(number, bottom), (fingerprint, bottom - 8.5)]


_runs_width = text_width


def _fitted(text: str, room: float, *, bold: bool = False,
            swap: bool = False) -> tuple[float, str]:
    """A one-line header text that fits ``room`` points: 8.5 pt, smaller down to 6 pt,
    then cut with "…" (the full text is in section 1)."""
    size = 8.5
    while size > 6 and _runs_width(text, size, bold=bold, swap=swap) > room:
        size -= 0.25
    if _runs_width(text, size, bold=bold, swap=swap) <= room:
        return size, text
    cut = unicodedata.normalize("NFC", text)
    while cut and _runs_width(cut + "…", size, bold=bold, swap=swap) > room:
        cut = cut[:-1]
    return size, cut.rstrip() + "…"


def _draw_runs(canvas: Any, x: float, y: float, text: str, size: float, *,
               bold: bool = False, right_aligned: bool = False, swap: bool = False) -> None:
    """Draw one line in the embedded faces (a character NanumGothic lacks in DejaVu Sans)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped,unused-ignore]

    if right_aligned:
        x -= _runs_width(text, size, bold=bold, swap=swap)
    for face, run in font_runs(text, bold=bold, swap=swap):
        canvas.setFont(face, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, face, size)


def _fix_date(canvas: Any, issue_date: str) -> None:
    """Creation and modification dates = the date of issue (not the time of rendering)."""
    stamp = canvas._doc._timeStamp
    try:
        parsed = time.strptime(issue_date[:10], "%Y-%m-%d")
    except ValueError:
        return
    seconds = calendar.timegm(parsed)
    stamp.t, stamp.lt = seconds, time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


class _Layout:
    """Turns the content's blocks into platypus flowables."""

    def __init__(self, certificate: Certificate, lang: str) -> None:
        from reportlab.lib.colors import HexColor  # type: ignore[import-untyped,unused-ignore]
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped,unused-ignore]
        from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped,unused-ignore]

        self.cert, self.lang = certificate, lang
        self.bilingual = len(languages(lang)) == 2
        base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11.5,
                              textColor=HexColor(_INK))
        self.style = {
            "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=18,
                                    leading=23, alignment=TA_CENTER, spaceAfter=0),
            "subtitle": ParagraphStyle("subtitle", base, fontSize=10, leading=13,
                                       alignment=TA_CENTER, spaceAfter=4),
            "h": ParagraphStyle("h", base, fontName=FONT_BOLD, fontSize=10.5, leading=14,
                                spaceBefore=9, spaceAfter=4, keepWithNext=1),
            "body": ParagraphStyle("body", base, spaceAfter=3),
            "note": ParagraphStyle("note", base, fontSize=7, leading=8.8,
                                   textColor=HexColor("#333333"), spaceAfter=1.5),
            # the second language of a bullet note: under the first, past its bullet
            "note_under": ParagraphStyle("note_under", base, fontSize=7, leading=8.8,
                                         textColor=HexColor(_MUTED), spaceAfter=1.5,
                                         leftIndent=_runs_width(BULLET, 7)),
            "mark": ParagraphStyle("mark", base, fontName=FONT_BOLD, textColor=HexColor(_MARK),
                                   spaceAfter=4),
            "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5),
            "num": ParagraphStyle("num", base, fontSize=7.5, leading=9.5, alignment=TA_RIGHT),
            "head": ParagraphStyle("head", base, fontName=FONT_BOLD, fontSize=7.5, leading=9.5),
            "label": ParagraphStyle("label", base, fontName=FONT_BOLD, fontSize=7.5,
                                    leading=9.5),
            "caption": ParagraphStyle("caption", base, fontSize=7, leading=9,
                                      textColor=HexColor(_MUTED)),
            "end": ParagraphStyle("end", base, fontSize=9, alignment=TA_CENTER,
                                  spaceBefore=14),
        }

    # -- text ------------------------------------------------------------------------
    def runs(self, text: str, *, bold: bool = False) -> str:
        """Paragraph markup of ``text``: escaped, newlines as breaks, and a run that
        NanumGothic lacks (or draws amiss, :attr:`Certificate.glyphs_swapped`) set in
        DejaVu Sans (:func:`~medeval.report.fonts.font_runs`)."""
        out = []
        for face, run in font_runs(text, bold=bold, swap=self.cert.glyphs_swapped):
            piece = escape(run).replace("\n", "<br/>")
            primary = face in (FONT, FONT_BOLD)
            out.append(piece if primary else f'<font name="{face}">{piece}</font>')
        return "".join(out)

    def markup(self, cell: Cell, *, stacked: bool = False, bold: bool = False) -> str:
        """One cell's text; two languages inline ("a / b") or stacked (b smaller, grey)."""
        parts = [self.runs(p, bold=bold) for p in texts(cell, self.lang)]
        if len(parts) == 1:
            return parts[0]
        if stacked:
            return f'{parts[0]}<br/><font size="6.5" color="{_MUTED}">{parts[1]}</font>'
        return " / ".join(parts)

    def para(self, cell: Cell, style: str, *, stacked: bool = False) -> Any:
        from reportlab.platypus import Paragraph  # type: ignore[import-untyped,unused-ignore]

        bold = self.style[style].fontName == FONT_BOLD
        return Paragraph(self.markup(cell, stacked=stacked, bold=bold), self.style[style])

    def plain(self, text: str, style: str) -> Any:
        """A paragraph of already-translated text."""
        from reportlab.platypus import Paragraph  # type: ignore[import-untyped,unused-ignore]

        bold = self.style[style].fontName == FONT_BOLD
        return Paragraph(self.runs(text, bold=bold), self.style[style])

    # -- story -----------------------------------------------------------------------
    def story(self) -> list[Any]:
        from reportlab.platypus import (  # type: ignore[import-untyped,unused-ignore]
            KeepTogether,
            PageBreak,
            Paragraph,
            Spacer,
        )

        cert = self.cert
        title = texts(cert.title, self.lang)
        story: list[Any] = [self.plain(title[0], "title")]
        if len(title) > 1:
            story.append(self.plain(title[1], "subtitle"))
        else:
            story.append(Spacer(1, 8))
        for section in cert.sections:
            if section.new_page:
                story.append(PageBreak())
            heading = " / ".join(self.runs(t, bold=True) for t in texts(section.title, self.lang))
            story.extend(self.blocks(section.blocks, head=Paragraph(
                f"{section.number}. {heading}", self.style["h"])))
        end = [self.plain(text, "end")
               for text in texts(self.cert.revised(Msg("doc.end")), self.lang)]
        # the two languages' end marks on one page: a page break between them left
        # "End of report" alone on a page after "— 이하 여백 —"
        if cert.closing_kept_with and isinstance(story[-1], KeepTogether):
            # on the page of the last section's QR code, not alone on a page after it
            story[-1] = KeepTogether([*story[-1]._content, *end])
            return story
        story.extend(end if len(end) == 1 else [KeepTogether(end)])
        return story

    def blocks(self, blocks: Sequence[Block], *, head: Any = None) -> list[Any]:
        """The blocks' flowables, after the section's heading ``head``."""
        from reportlab.platypus import KeepTogether  # type: ignore[import-untyped,unused-ignore]

        out: list[Any] = [] if head is None else [head]
        figures: list[Figure] = []
        pending: Signatures | None = None
        room: Any = None
        for i, block in enumerate(blocks):
            if isinstance(block, Signatures):
                pending = block
                continue
            if pending is not None:
                if isinstance(block, QRCode):
                    if self.cert.closing_kept_with and out:  # with its statements
                        out = [KeepTogether([*out, self.approval(pending, block, kept=False)])]
                    else:
                        out.append(self.approval(pending, block))
                    pending = None
                    continue
                out.append(self.signatures(pending))
                pending = None
            if isinstance(block, Figure):
                figures.append(block)
                continue
            if figures:
                out.append(self.figures(figures))
                figures = []
            if isinstance(block, QRCode) and self.cert.qr_kept_with and out:
                # on the page of what it closes (the heading too: keepWithNext does not
                # hold a heading to a KeepTogether), not alone at the top of the next
                out = [KeepTogether([*out, self.qrcode(block, kept=False)])]
                continue
            flowables = self.block(block)
            room = self._room(blocks, i, out, head, room)
            if room is not None:
                room.take(flowables)
            out.extend(flowables)
        if figures:
            out.append(self.figures(figures))
        if pending is not None:
            out.append(self.signatures(pending))
        return out

    def _room(self, blocks: Sequence[Block], i: int, out: list[Any], head: Any,
              room: Any) -> Any:
        """The page break that keeps a table's leading notes (and the section's heading,
        where they open the section) on the page of the table's first rows: opened at
        the first note (placed in ``out``), carried on to the table, closed after it."""
        if not self.cert.notes_kept_with:
            return None
        if room is not None and not room.closed:
            return room
        if not _leads_into_table(blocks, i):
            return None
        from .room import RoomFor

        room = RoomFor()
        if head is not None and out == [head]:  # the section's opening notes
            out.insert(0, room)
            room.take([head])
        else:
            out.append(room)
        return room

    def approval(self, signatures: Signatures, qr: QRCode, *, kept: bool = True) -> Any:
        """Signatures on the left, the QR code on the right, kept together (in a
        KeepTogether of its own unless ``kept`` is False)."""
        from reportlab.platypus import KeepTogether, TableStyle  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import Table as RLTable  # type: ignore[import-untyped,unused-ignore]

        side = 30 * _MM
        table = RLTable([[self.signatures(signatures, span=(_FRAME_W - side - 6) / _FRAME_W),
                          self.qrcode(qr, compact=True)]],
                        colWidths=[_FRAME_W - side, side], hAlign="LEFT")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return KeepTogether([table]) if kept else table

    def block(self, block: Block) -> list[Any]:
        from reportlab.platypus import Spacer  # type: ignore[import-untyped,unused-ignore]

        if isinstance(block, Fields):
            return [self.fields(block), Spacer(1, 5)]
        if isinstance(block, Table):
            return [self.table(block), Spacer(1, 5)]
        if isinstance(block, Para):
            if self.bilingual and not isinstance(block.text, str) and block.style != "mark":
                lines = texts(block.text, self.lang)
                under = under_bullet(lines)
                if under is not lines and block.style == "note":  # one item in two lines
                    return [self.plain(under[0], "note"), self.plain(under[1], "note_under")]
                return [self.plain(t, block.style) for t in lines]
            return [self.para(block.text, block.style)]
        if isinstance(block, Signatures):
            return [self.signatures(block)]
        if isinstance(block, QRCode):
            return [self.qrcode(block)]
        raise ReportError(f"no layout for block {type(block).__name__}")  # pragma: no cover

    def _grid(self, rows: list[list[Any]], widths: Sequence[float], *, header: bool,
              label_column: bool = False, heights: Sequence[float] | None = None,
              span: float = 1.0) -> Any:
        from reportlab.lib.colors import HexColor  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import Table as RLTable  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import TableStyle  # type: ignore[import-untyped,unused-ignore]

        total = sum(widths)
        col_widths = [span * _FRAME_W * w / total for w in widths]
        table = RLTable(rows, colWidths=col_widths,
                        minRowHeights=list(heights) if heights else None,
                        repeatRows=1 if header else 0, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("GRID", (0, 0), (-1, -1), 0.4, HexColor(_RULE)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
            ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(_SHADE)))
        if label_column:
            commands.append(("BACKGROUND", (0, 0), (0, -1), HexColor(_SHADE)))
        table.setStyle(TableStyle(commands))
        return table

    def fields(self, block: Fields) -> Any:
        from reportlab.lib.colors import HexColor  # type: ignore[import-untyped,unused-ignore]

        widths = (1.25, 2.75) if block.columns == 1 else (1.0, 1.55, 1.0, 1.55)
        room = _FRAME_W * widths[1] / sum(widths) - TABLE_PADDING  # a value's, less its padding
        cells = [[self.para(label, "label", stacked=True), self.value(
            broken_names(value, room, 7.5) if self.cert.names_broken and isinstance(
                value, str) else value)] for label, value in block.rows]
        if block.columns == 1:
            return self._grid(cells, widths, header=False, label_column=True)
        if len(cells) % 2:
            cells.append(["", ""])
        rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
        table = self._grid(rows, widths, header=False, label_column=True)
        table.setStyle([("BACKGROUND", (2, 0), (2, -1), HexColor(_SHADE))])
        return table

    def value(self, cell: Cell) -> Any:
        """A value cell; a verdict in bold and colour."""
        from reportlab.platypus import Paragraph  # type: ignore[import-untyped,unused-ignore]

        if isinstance(cell, Msg) and base_key(cell.key).startswith("text.outcome_"):
            colour = _OUTCOME.get(base_key(cell.key).removeprefix("text.outcome_"), _INK)
            return Paragraph(f'<font name="{FONT_BOLD}" color="{colour}">'
                             f"{self.markup(cell, bold=True)}</font>", self.style["cell"])
        return self.para(cell, "cell")

    def table(self, block: Table) -> Any:
        header = [self.para(h, "head", stacked=True) for h in block.header]
        rows = [header]
        for row in block.rows:
            rows.append([self.para(cell, "num") if i in block.numeric else self.value(cell)
                         for i, cell in enumerate(row)])
        widths = block.widths or (1.0,) * len(block.header)
        return self._grid(rows, widths, header=True, span=block.span)

    def figures(self, figures: Sequence[Figure]) -> Any:
        from reportlab.platypus import Image, TableStyle  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import Table as RLTable  # type: ignore[import-untyped,unused-ignore]

        from .figures import figure_png

        cells = []
        width = _FRAME_W / 2 - 8
        for figure in figures:
            png = figure_png(figure, self.lang, revisions=self.cert.revisions)
            image = Image(io.BytesIO(png), width=width, height=width * 3.0 / 3.4)
            cells.append([image, self.para(figure.caption, "caption", stacked=True)])
        rows = []
        for i in range(0, len(cells), 2):
            pair = cells[i:i + 2]
            if len(pair) == 1:
                pair.append(["", ""])
            rows.append([pair[0][0], pair[1][0]])
            rows.append([pair[0][1], pair[1][1]])
        table = RLTable(rows, colWidths=[_FRAME_W / 2] * 2, hAlign="LEFT")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
        return table

    def signatures(self, block: Signatures, *, span: float = 1.0) -> Any:

        header = [self.para(self.cert.revised(Msg(k)), "head", stacked=True) for k in
                  ("column.item", "field.name", "field.signature", "field.issue_date")]
        rows = [header]
        for key, person in (("field.tested_by", block.tested_by),
                            ("field.approved_by", block.approved_by)):
            name = person.name + (f" ({person.title})" if person and person.title else "") \
                if person else self.cert.revised(Msg("text.not_given"))
            rows.append([self.para(self.cert.revised(Msg(key)), "label", stacked=True),
                         self.para(name, "cell"),
                         self.para("", "cell"), self.para(block.date, "cell")])
        return self._grid(rows, (1.9, 2.1, 1.3, 1.0), header=True, heights=(0, 26, 26),
                          span=span)

    def qrcode(self, block: QRCode, *, compact: bool = False, kept: bool = True) -> Any:
        """The QR code: alone (``compact``, beside the signatures), or a table with its
        label and text, in a KeepTogether of its own unless ``kept`` is False (a
        KeepTogether nested in another claims a height no page has)."""
        from reportlab.graphics.shapes import Drawing  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import KeepTogether, TableStyle  # type: ignore[import-untyped,unused-ignore]
        from reportlab.platypus import Table as RLTable  # type: ignore[import-untyped,unused-ignore]

        from .qr import qr_widget

        size = (25 if compact else 30) * _MM
        widget = qr_widget(block.payload, level="M", border=2)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.initialFontName = FONT  # else Helvetica, unembedded, enters the PDF
        drawing.initialFontSize = 8
        drawing.add(widget)
        if compact:
            return drawing
        label = self.para(self.cert.revised(Msg("field.qr")), "label", stacked=True)
        text = self.para(block.payload.replace("|", " | "), "cell")
        table = RLTable([[drawing, [label, text]]], colWidths=[size + 8, _FRAME_W - size - 8],
                        hAlign="LEFT")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return KeepTogether([table]) if kept else table


def _leads_into_table(blocks: Sequence[Block], i: int) -> bool:
    """Whether ``blocks[i]`` is a paragraph that only paragraphs separate from a table
    (or fields) after it: a note that introduces the table."""
    for block in blocks[i:]:
        if not isinstance(block, Para):
            return isinstance(block, Table | Fields) and block is not blocks[i]
    return False

"""The certificate as one self-contained HTML page, for reading on screen.

The same content as the PDF (:func:`~medeval.report.content.build_certificate`),
rendered through the jinja2 template ``report_templates/certificate.html.j2``, with the
figures inline as SVG and NanumGothic (regular and bold) embedded as ``@font-face``
``data:`` URIs, subset to the characters of the page (:func:`page_text`,
:func:`~medeval.report.fonts.font_face_css`): no external file, script or font is
referenced, and Korean renders on a machine without Korean fonts. For a result made
after medeval 0.11.0 the backslash, which NanumGothic draws as the won sign, is drawn by
an embedded DejaVu Sans subset under ``unicode-range``, as the certificate PDF sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .._atomic import write_named
from ..result import Result, read_result
from ._errors import ReportError
from .catalogue import Msg, languages, texts, under_bullet
from .cells import number_label
from .content import (
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
from .info import ReportInfo, load_report_info

__all__ = ["html_text", "page_text", "render_html"]


def render_html(
    result: str | Path | Result,
    out_html: str | Path,
    *,
    lang: str = "ko+en",
    report_info: str | Path | Mapping[str, Any] | ReportInfo | None = None,
) -> Path:
    """Write the certificate's content as a self-contained HTML page.

    Parameters are those of :func:`medeval.report.render_certificate`.

    Returns
    -------
    Path
        The HTML file's path.

    Raises
    ------
    ReportError
        As :func:`medeval.report.render_certificate`: the page cannot be written, too.
    """
    # a result in memory prints as its file does (Result.as_read)
    data = read_result(result) if isinstance(result, (str, Path)) else result.as_read()
    certificate = build_certificate(data, load_report_info(report_info))
    target = Path(out_html)
    write_named(target, html_text(certificate, lang=lang).encode("utf-8"), what="HTML report",
                error=ReportError)
    return target


def html_text(certificate: Certificate, *, lang: str = "ko+en") -> str:
    """The HTML page of a certificate, as text."""
    import jinja2

    languages(lang)
    # a result made after 0.11.0 (glyphs_swapped, as its PDF): every text without the
    # invisible characters the PDF drops (font_runs), so that a bidirectional override
    # (U+202E) in a name shows no other order on the page than on the certificate
    environment = jinja2.Environment(
        finalize=_visible if certificate.glyphs_swapped else None,
        loader=jinja2.PackageLoader("medeval", "report_templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from .fonts import font_face_css

    template = environment.get_template("certificate.html.j2")
    view = _view(certificate, lang)
    draft = template.render(**view, font_faces="")
    # a result made after 0.11.0: "\\" drawn as a backslash, not NanumGothic's won sign
    faces = font_face_css(page_text(draft), swap=certificate.glyphs_swapped)
    return template.render(**view, font_faces=faces)


def _visible(value: Any) -> Any:
    """A text of the page as the certificate PDF prints it: without format and control
    characters (U+202E, U+200B ...) and variation selectors, a line break kept (markup
    the renderer made, ``Markup``, left as it is). A tab or another control character
    that is white space (CR, VT, FF, U+001C-U+001F) is a space, as the PDF sets it (its
    font has them, and the PDF breaks words there): dropped, it joined two words.

    >>> _visible("Seoul\troom\u202e 3")
    'Seoul room 3'
    """
    import unicodedata

    from markupsafe import Markup

    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    return "".join(" " if c in _SPACES else c for c in value if c in _SPACES or c == "\n"
                   or not (unicodedata.category(c) in ("Cc", "Cf")
                           or 0xFE00 <= ord(c) <= 0xFE0F))


#: The control characters the PDF sets as a space between words (reportlab splits there).
_SPACES = frozenset("\t\r\x0b\x0c\x1c\x1d\x1e\x1f")


class _Text(HTMLParser):
    """Collects the text a browser draws: character data outside ``<style>`` and
    ``<script>`` (the ``<title>``'s included)."""

    _HIDDEN = frozenset(("style", "script"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The text of an HTML page as a browser draws it (markup, styles and scripts left
    out, character references decoded)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


#: The release after which a result's HTML page gives the second language's parts their
#: ``lang``, the tables' header cells their ``scope`` and each figure its caption as its
#: accessible name (WCAG 2.x 3.1.2, 1.3.1, 1.1.1); a result of 0.10.0 or before keeps
#: the page it was issued with.
PARTS_LANG_AFTER = "0.10.0"


def _view(certificate: Certificate, lang: str) -> dict[str, Any]:
    def t(cell: Cell) -> list[str]:
        # a phrase of the renderer's own is keyed to the result's wording here; those of the
        # blocks are so already (revised leaves them as they are)
        return list(texts(certificate.revised(cell) if isinstance(cell, Msg) else cell, lang))

    sections = []
    for section in certificate.sections:
        sections.append({"number": section.number, "title": t(section.title),
                         "blocks": [_block(b, lang, t, certificate.revisions)
                                    for b in section.blocks]})
    # a result made after 0.10.0 (the release is in the certificate's revisions only then,
    # made_after): its page marks the second language's parts, header cells and figures
    parts_lang = PARTS_LANG_AFTER in certificate.revisions
    langs = languages(lang)
    return {
        "lang": langs[0],
        "langs": list(langs),
        "parts_lang": parts_lang,
        "second_lang": f' lang="{langs[1]}"' if parts_lang and len(langs) > 1 else "",
        "title": t(certificate.title),
        "report_number_label": t(number_label(certificate.precheck)),
        "report_number": certificate.report_number,
        "laboratory": certificate.laboratory,
        "fingerprint": certificate.fingerprint,
        "precheck": certificate.precheck,
        "lines_kept": certificate.lines_kept,
        "words_kept": certificate.words_kept,
        "precheck_mark": t(Msg("doc.precheck_mark")),
        "sections": sections,
        "end": t(Msg("doc.end")),
    }


def _block(block: Block, lang: str, t: Any, revisions: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(block, Fields):
        return {"type": "fields", "rows": [(t(label), t(value)) for label, value in block.rows]}
    if isinstance(block, Table):
        return {"type": "table", "header": [t(h) for h in block.header],
                "rows": [[t(c) for c in row] for row in block.rows],
                "numeric": list(block.numeric)}
    if isinstance(block, Para):
        lines = t(block.text)
        under = under_bullet(tuple(lines)) if block.style == "note" else tuple(lines)
        # a bilingual bullet: its second language under the first, as one item
        return {"type": "para", "text": list(under), "style": block.style,
                "under": under != tuple(lines)}
    if isinstance(block, Figure):
        from .figures import figure_svg

        svg, caption = figure_svg(block, lang, revisions=revisions), t(block.caption)
        if PARTS_LANG_AFTER in revisions:  # the caption is the drawing's accessible name
            named = escape(" / ".join(caption), quote=True)
            svg = svg.replace("<svg ", f'<svg role="img" aria-label="{named}" ', 1)
        return {"type": "figure", "svg": svg, "caption": caption}
    if isinstance(block, Signatures):
        people = []
        for key, person in (("field.tested_by", block.tested_by),
                            ("field.approved_by", block.approved_by)):
            people.append((t(Msg(key)), person.name if person else t(Msg("text.not_given"))[0],
                           person.title if person and person.title else ""))
        return {"type": "signatures", "people": people, "date": block.date,
                "date_label": t(Msg("field.issue_date"))}
    if isinstance(block, QRCode):
        return {"type": "qr", "payload": block.payload, "label": t(Msg("field.qr"))}
    raise TypeError(f"no HTML for block {type(block).__name__}")  # pragma: no cover

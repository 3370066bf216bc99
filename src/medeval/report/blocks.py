"""The blocks a certificate is made of: pure data, laid out by the PDF and HTML renderers.

A :class:`Certificate` is numbered :class:`Section` s of blocks — label/value
:class:`Fields`, a :class:`Table`, a :class:`Para` graph, a :class:`Figure` drawn from
plain numbers, the :class:`Signatures` block and a :class:`QRCode`. Words are catalogue
keys (:class:`~medeval.report.catalogue.Msg`); data are already-formatted strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .catalogue import Msg, revised
from .info import Person

__all__ = [
    "Block",
    "Cell",
    "Certificate",
    "Fields",
    "Figure",
    "Para",
    "QRCode",
    "Section",
    "Signatures",
    "Table",
]

Cell = Msg | str


@dataclass(frozen=True)
class Fields:
    """Label/value rows (the cover's numbered items, a section's particulars)."""

    rows: tuple[tuple[Msg, Cell], ...]
    columns: int = 1


@dataclass(frozen=True)
class Table:
    """A table: header cells, rows, relative column widths, right-aligned columns.

    ``span`` is the fraction of the text width the table takes.
    """

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()
    numeric: tuple[int, ...] = ()
    span: float = 1.0


@dataclass(frozen=True)
class Para:
    """A paragraph; ``style`` is ``"body"``, ``"note"`` or ``"mark"`` (emphasised)."""

    text: Cell
    style: Literal["body", "note", "mark"] = "body"


@dataclass(frozen=True)
class Figure:
    """A figure drawn by :mod:`medeval.report.figures` from ``data`` (plain numbers)."""

    kind: Literal["roc", "confusion", "dice", "froc", "bland_altman"]
    caption: Msg
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Signatures:
    """The tested-by and approved-by block (absent from a pre-check)."""

    tested_by: Person | None
    approved_by: Person | None
    date: str


@dataclass(frozen=True)
class QRCode:
    """A QR code and the text it carries (report number and fingerprint)."""

    payload: str


Block = Fields | Table | Para | Figure | Signatures | QRCode


@dataclass(frozen=True)
class Section:
    """A numbered section; ``new_page`` starts it on a fresh page."""

    number: int
    title: Msg
    blocks: tuple[Block, ...]
    new_page: bool = False


@dataclass(frozen=True)
class Certificate:
    """Everything a certificate shows, in both languages' keys.

    Attributes
    ----------
    report_number : str
        Printed on every page.
    fingerprint : str
        The result's content fingerprint (SHA-256, hex), printed on every page and
        carried by the QR code and the PDF metadata.
    precheck : bool
        A pre-check: marked on every page, no approval block.
    title : Msg
    laboratory : str
    sections : tuple of Section
    issue_date : str
    info_digest : str
        SHA-256 of the report info used (recorded in the PDF metadata).
    digests : tuple of (str, str)
        Short SHA-256 of each top-level part of the result and of each metric, so that
        verification can name the part that changed.
    revisions : tuple of str
        The releases whose catalogue overlays the certificate takes (those its result was
        made after, oldest first; :data:`~medeval.report.catalogue.REVISIONS`): its blocks'
        phrases are keyed so already, and the renderers key theirs with :meth:`revised`.
    footer_wraps : bool
        The page footer puts the fingerprint on a line of its own where the report number,
        the fingerprint and "page x of y" would not fit one line (a result made after
        medeval 0.11.0; before, a long report number ran into the page number).
    qr_kept_with : bool
        A QR code (not beside the signatures) is kept on one page with what its section
        printed before it (a result made after medeval 0.11.0; before, a pre-check's QR
        code could begin a page of its own, its statements on the page before).
    glyphs_swapped : bool
        The characters NanumGothic draws amiss (:data:`~medeval.report.fonts.SWAPPED`:
        the backslash as "₩", "²" a third of a digit high) are set in DejaVu Sans (a
        result made after medeval 0.11.0).
    closing_kept_with : bool
        The signatures (with the QR code beside them) are kept on one page with what
        their section printed before them, and the end mark with the last section's QR
        code (a result made after medeval 0.11.0; before, the signatures could begin a
        page of their own, their heading and statements on the page before, and "— 이하
        여백 —" a page of its own).
    notes_kept_with : bool
        The paragraphs that lead into a table (a section's opening notes, a matrix's
        caption) are kept on one page with the table's start, and so with the heading
        before them (a result made after medeval 0.11.0; before, a heading and its notes
        could end a page, their table beginning the next).
    lines_kept : bool
        The HTML page keeps a text's line breaks in its table cells and paragraphs, as the
        PDF does (a result made after medeval 0.11.0; before, a browser joined the lines
        of a subgroup's "estimate, interval, n" cell into one).
    words_kept : bool
        The HTML page breaks a Korean text between words only, as the PDF does, and a
        number's cell not at all (a result made after medeval 0.11.0; before, a browser
        narrowing a table's columns broke '판정' into '판' / '정', '신뢰구간' into '신뢰구' /
        '간' and an interval '0.8891 –' / '0.9311').
    names_broken : bool
        A field's name without spaces wider than its column (an algorithm's
        identification) breaks after a '.', ':' or '/' (a result made after medeval
        0.11.0; before, at whatever character filled the line: '...qrs_detec' /
        'tor:QrsDetector').
    """

    report_number: str
    fingerprint: str
    precheck: bool
    title: Msg
    laboratory: str
    sections: tuple[Section, ...]
    issue_date: str
    info_digest: str
    digests: tuple[tuple[str, str], ...]
    revisions: tuple[str, ...] = ()
    footer_wraps: bool = False
    qr_kept_with: bool = False
    glyphs_swapped: bool = False
    notes_kept_with: bool = False
    closing_kept_with: bool = False
    lines_kept: bool = False
    words_kept: bool = False
    names_broken: bool = False

    def revised(self, msg: Msg) -> Msg:
        """A phrase a renderer looks up itself (the page number, the end mark, a figure's
        axis), keyed to the wording this certificate's result takes."""
        return revised(msg, self.revisions)

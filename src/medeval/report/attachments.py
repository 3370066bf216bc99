"""The certificate's associated files: the sources it was rendered from, inside the PDF.

A certificate carries, as PDF/A-3 associated files (ISO 19005-3, 6.8; PDF 2.0, 14.13),
what it was rendered from, so that the PDF alone can be checked
(:func:`medeval.report.verify_certificate`):

=====================  ===================  ================  =============================
file                   MIME type            AFRelationship    what it is
=====================  ===================  ================  =============================
``result.json``        application/json     Source            the result JSON, as rendered
``result.cases.csv``   text/csv             Data              the per-case rows of it
``report-info.json``   application/json     Source            the report info (canonical)
=====================  ===================  ================  =============================

Each is an embedded file stream (``/Type /EmbeddedFile``, ``/Subtype`` its MIME type,
Flate-compressed, ``/Params`` with ``/Size``, the MD5 ``/CheckSum`` of PDF 32000-1
7.11.4 and ``/ModDate`` = the date of issue) in a file specification with ``/F``,
``/UF``, ``/Desc`` and ``/AFRelationship``, listed in the catalog's ``/EmbeddedFiles``
name tree (sorted by name) and in its ``/AF`` array. Written with pypdf (a dependency of
medeval already) with no clock and no random file identifier: the same sources give the
same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .pdfread import quiet_pypdf, short_error

__all__ = [
    "ATTACHMENT_NAMES",
    "CASES_NAME",
    "INFO_NAME",
    "RESULT_NAME",
    "Attachment",
    "Source",
    "attach",
    "read_attachments",
    "sources",
]

RESULT_NAME = "result.json"
CASES_NAME = "result.cases.csv"
INFO_NAME = "report-info.json"
#: The files every certificate carries, in name-tree order.
ATTACHMENT_NAMES = (INFO_NAME, CASES_NAME, RESULT_NAME)

#: Name trees deeper than this, or larger, are refused when read (hostile input).
_MAX_DEPTH = 16
_MAX_ENTRIES = 64


@dataclass(frozen=True)
class Source:
    """One file to attach.

    Attributes
    ----------
    name : str
        The file name (``/F`` and ``/UF``, and the key in the name tree).
    data : bytes
        Its content.
    mime : str
        Its MIME type (the embedded file stream's ``/Subtype``).
    relationship : str
        ``Source`` or ``Data`` (``/AFRelationship``).
    description : str
        ``/Desc``.
    """

    name: str
    data: bytes
    mime: str
    relationship: str
    description: str


@dataclass(frozen=True)
class Attachment:
    """An embedded file as read back from a PDF.

    Attributes
    ----------
    name : str
        The name-tree key.
    data : bytes or None
        The decoded content; None when it cannot be decoded (``problem`` says why).
    mime : str or None
        The embedded file stream's ``/Subtype``.
    relationship : str or None
        The file specification's ``/AFRelationship`` (without the slash).
    associated : bool
        Listed in the catalog's ``/AF`` array.
    size : int or None
        ``/Params /Size`` as recorded.
    checksum : str or None
        ``/Params /CheckSum`` as recorded (MD5, hex).
    problem : str or None
        Why the content could not be read, if it could not.
    """

    name: str
    data: bytes | None
    mime: str | None
    relationship: str | None
    associated: bool
    size: int | None
    checksum: str | None
    problem: str | None = None

    def mismatches(self) -> tuple[str, ...]:
        """What of the recorded size and checksum the content does not match."""
        if self.data is None:
            return ()
        out = []
        if self.size is not None and self.size != len(self.data):
            out.append(f"its recorded size is {self.size} bytes, its content "
                       f"{len(self.data)} bytes")
        if self.checksum is not None and self.checksum != hashlib.md5(self.data).hexdigest():
            out.append("its content does not match its recorded MD5 checksum")
        return tuple(out)


def sources(result_json: bytes, cases_csv: bytes, info_json: bytes, *,
            document: str = "certificate") -> tuple[Source, ...]:
    """The three files a certificate carries, in name-tree order; their descriptions
    name the ``document`` ("report" for a pre-check, which is no certificate)."""
    return (
        Source(INFO_NAME, info_json, "application/json", "Source",
               f"The report info (canonical JSON) this {document} was rendered with"),
        Source(CASES_NAME, cases_csv, "text/csv", "Data",
               "The per-case results of the result JSON, as CSV"),
        Source(RESULT_NAME, result_json, "application/json", "Source",
               f"The result JSON this {document} was rendered from"),
    )


def _pdf_date(issue_date: str) -> str | None:
    """``D:YYYYMMDD000000Z`` of an ISO date, or None."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}).*", issue_date)
    return f"D:{''.join(match.groups())}000000Z" if match else None


def attach(payload: bytes, files: Sequence[Source], *, issue_date: str) -> bytes:
    """Return the PDF with ``files`` embedded as associated files (deterministically).

    Parameters
    ----------
    payload : bytes
        The PDF, as rendered (it must carry no embedded file yet).
    files : sequence of Source
        What to embed.
    issue_date : str
        The date of issue (``YYYY-MM-DD``), recorded as each file's ``/ModDate``.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(payload)))
    root = writer.root_object
    date = _pdf_date(issue_date)
    names = ArrayObject()
    associated = ArrayObject()
    for source in sorted(files, key=lambda s: s.name):
        params = DictionaryObject({
            NameObject("/Size"): NumberObject(len(source.data)),
            NameObject("/CheckSum"): ByteStringObject(hashlib.md5(source.data).digest()),
        })
        if date is not None:
            params[NameObject("/ModDate")] = TextStringObject(date)
        raw = DecodedStreamObject()
        raw.set_data(source.data)
        stream = raw.flate_encode(level=9)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        stream[NameObject("/Subtype")] = NameObject("/" + source.mime)
        stream[NameObject("/Params")] = params
        stream_ref = writer._add_object(stream)
        spec = DictionaryObject({
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(source.name),
            NameObject("/UF"): TextStringObject(source.name),
            NameObject("/Desc"): TextStringObject(source.description),
            NameObject("/AFRelationship"): NameObject("/" + source.relationship),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): stream_ref,
                                                 NameObject("/UF"): stream_ref}),
        })
        spec_ref = writer._add_object(spec)
        names.extend([TextStringObject(source.name), spec_ref])
        associated.append(spec_ref)
    tree = writer._add_object(DictionaryObject({NameObject("/Names"): names}))
    root[NameObject("/Names")] = DictionaryObject({NameObject("/EmbeddedFiles"): tree})
    root[NameObject("/AF")] = associated
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_attachments(payload: bytes) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    """Every embedded file of a PDF (pypdf), and the problems met reading them.

    Never raises on a damaged PDF: what cannot be read is listed as a problem (an
    unreadable file as a whole gives no attachment and one problem).
    """
    from pypdf import PdfReader

    problems: list[str] = []
    found: list[Attachment] = []
    try:
        with quiet_pypdf():
            reader = PdfReader(io.BytesIO(payload), strict=False)
            root: Any = reader.trailer["/Root"].get_object()
            af = root.get("/AF")
            af_ids = {_idnum(ref) for ref in (af.get_object() if af is not None else [])}
            names = root.get("/Names")
            tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
            entries = list(_name_tree(tree.get_object(), 0, [0])) if tree is not None else []
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        return (), (f"its embedded files cannot be read: {short_error(exc)}",)
    for name, ref in entries[:_MAX_ENTRIES]:
        try:
            with quiet_pypdf():
                found.append(_attachment(name, ref, af_ids))
        except Exception as exc:
            found.append(Attachment(name, None, None, None, _idnum(ref) in af_ids, None, None,
                                    f"cannot be read: {short_error(exc)}"))
    if len(entries) > _MAX_ENTRIES:
        problems.append(f"it embeds {len(entries)} files; only the first {_MAX_ENTRIES} "
                        "were read")
    return tuple(found), tuple(problems)


def _attachment(name: str, ref: Any, af_ids: set[int | None]) -> Attachment:
    spec = ref.get_object()
    relationship = spec.get("/AFRelationship")
    ef = spec.get("/EF")
    stream = None
    if ef is not None:
        ef = ef.get_object()
        stream = ef.get("/UF") or ef.get("/F")
    if stream is None:
        return Attachment(name, None, None, _name(relationship), _idnum(ref) in af_ids, None,
                          None, "has no embedded content (/EF)")
    stream = stream.get_object()
    params = stream.get("/Params")
    params = params.get_object() if params is not None else {}
    size = params.get("/Size")
    checksum = params.get("/CheckSum")
    recorded = Attachment(
        name=name, data=None, mime=_name(stream.get("/Subtype")),
        relationship=_name(relationship), associated=_idnum(ref) in af_ids,
        size=int(size) if size is not None else None,
        checksum=bytes(checksum.original_bytes if hasattr(checksum, "original_bytes")
                       else checksum).hex() if checksum is not None else None)
    try:  # a stream that does not decode (or decodes past pypdf's limit, a "zip bomb")
        data = stream.get_data()  # keeps its file specification's fields, read above
    except Exception as exc:
        return replace(recorded, problem=f"cannot be read: {short_error(exc)}")
    return replace(recorded, data=bytes(data))


def _name_tree(node: Any, depth: int, visited: list[int]) -> Iterator[tuple[str, Any]]:
    """The (key, value reference) pairs of a name tree, leaves in order (a tree nested too
    deep or with too many nodes, as a loop of /Kids makes it, is refused)."""
    visited[0] += 1
    if depth > _MAX_DEPTH or visited[0] > _MAX_ENTRIES:
        raise ValueError("its /EmbeddedFiles name tree is nested too deep or too large")
    pairs = node.get("/Names")
    if pairs is not None:
        pairs = pairs.get_object()
        for i in range(0, len(pairs) - 1, 2):
            yield str(pairs[i]), pairs[i + 1]
    kids = node.get("/Kids")
    for kid in (kids.get_object() if kids is not None else []):
        yield from _name_tree(kid.get_object(), depth + 1, visited)


def _idnum(ref: Any) -> int | None:
    return getattr(ref, "idnum", None)


def _name(value: Any) -> str | None:
    return None if value is None else str(value).removeprefix("/")



"""What a certificate's signatures cover: the signatures as pyHanko reads them, what the
signed revision adds to the certificate rendered from the result (a page, an annotation
or the document information changed in the very update that adds a signature), and what
was changed after it (attachments, document information, XMP metadata). Used by
:mod:`medeval.report.verify`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ._errors import ReportError
from .attachments import Attachment
from .pdfread import quiet_pypdf

__all__ = ["attachments_changed_after_signing", "changed_before_signing",
           "info_changed_after", "pages_changed_after", "signatures"]


def signatures(payload: bytes, name: str, trust_roots: tuple[str | Path, ...]
                ) -> tuple[bool, list[str], int | None]:
    """Signed?, the signatures' problems, and the length of the revision they cover."""
    if b"/ByteRange" not in payload:
        return False, [], None
    from .sign import validate_pdf

    try:
        checks = validate_pdf(payload, trust_roots=trust_roots)
    except ReportError as exc:  # validate_pdf names bytes "<bytes>": name the file
        return True, [str(exc).replace("PDF <bytes>", name, 1)], None
    problems = []
    if not checks:
        problems.append(f"{name}: looks signed but no signature could be read")
    for check in checks:
        if not check.intact:
            problems.append(f"{name}: signature {check.field} is broken: the signed bytes "
                            "were changed after signing")
        elif not check.valid:
            problems.append(f"{name}: signature {check.field} does not verify")
        elif not check.covers_whole_file:
            problems.append(f"{name}: bytes were added after signature {check.field} (at "
                            f"offset {check.signed_length}): the signature does not cover "
                            "the whole file")
            # a second signature: said, so that it is not taken for a changed page
            problems += [f"{name}: signature {later.field} (signer {later.signer}) was "
                         f"added after signature {check.field}" for later in checks
                         if later.signed_length > check.signed_length]
        if trust_roots and not check.trusted:
            because = f": {check.untrusted_because}" if check.untrusted_because else ""
            problems.append(f"{name}: signer {check.signer} is not trusted{because}")
    lengths = [c.signed_length for c in checks if c.intact and c.signed_length > 0]
    return True, problems, min(lengths) if lengths else None


def attachments_changed_after_signing(signed: tuple[Attachment, ...],
                                      latest: tuple[Attachment, ...],
                                      name: str) -> list[str]:
    """The attachments the signed revision holds and the latest does not, or the latest
    holds otherwise."""
    before = {a.name: a.data for a in signed}
    after = {a.name: a.data for a in latest}
    out = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            out.append(f"{name}: the attachment {key} was removed after signing")
        elif key not in before:
            out.append(f"{name}: the attachment {key} was added after signing")
        elif before[key] != after[key]:
            out.append(f"{name}: the attachment {key} was replaced after signing")
    return out


#: The XMP properties a tool sets on any update (validation data too: pyHanko sets
#: xmp:ModifyDate), as an attribute or an element; their values are left out of the
#: comparison, as /ModDate is.
_XMP_DATES = (re.compile(rb"""(xmp:(?:ModifyDate|MetadataDate)\s*=\s*)(["'])[^"']*\2"""),
              re.compile(rb"(<xmp:(ModifyDate|MetadataDate)>)[^<]*(</xmp:\2>)"))


def info_changed_after(payload: bytes, signed_length: int, name: str, *,
                                signed: bool = True) -> list[str]:
    """The document information entries (``/Title``, ``/Keywords`` ...) an update after
    the signed revision changed, added or removed (``/ModDate`` aside: a tool adding
    validation data after signing sets it), and the XMP metadata stream (the catalog's
    ``/Metadata``, which a PDF/A certificate carries and a viewer shows as the document's
    title and keywords; its modification dates aside), named ``/Metadata``."""
    from pypdf import PdfReader

    def info(data: bytes) -> dict[str, Any]:
        try:
            with quiet_pypdf():
                reader = PdfReader(io.BytesIO(data), strict=False)
                metadata: Any = reader.metadata
        except Exception:  # noqa: BLE001 - unreadable: the other checks name it
            return {}
        found: dict[str, Any] = {str(k): str(v) for k, v in (metadata or {}).items()}
        try:
            with quiet_pypdf():
                root: Any = reader.trailer["/Root"]
                xmp: Any = root.get("/Metadata")
                stream = xmp.get_object().get_data() if xmp is not None else None
        except Exception:  # noqa: BLE001 - a damaged stream: compared as unreadable
            stream = b"(unreadable)"
        if stream is not None:
            found["/Metadata"] = _XMP_DATES[1].sub(rb"\1\3",
                                                   _XMP_DATES[0].sub(rb"\1\2\2", stream))
        return found

    before, after = info(payload[:signed_length]), info(payload)
    # /ModDate: what a PDF tool sets on any update, validation data too (pyHanko)
    changed = sorted(k for k in set(before) | set(after)
                     if before.get(k) != after.get(k) and k != "/ModDate")
    if not changed:
        return []
    if not signed:  # an unsigned file: the revision rendered, then an update
        return [f"{name}: its document information ({', '.join(changed)}) was changed by "
                "the update appended: the certificate as rendered does not say what it now "
                "says"]
    return [f"{name}: its document information ({', '.join(changed)}) was changed after "
            "signing: the signature does not cover what it now says (the signed revision "
            "is the one checked)"]


def changed_before_signing(fresh: bytes, signed: bytes, name: str) -> list[str]:
    """What the revision a signature covers changes in the certificate rendered (its first
    revision): each page's content, resources and boxes, an annotation other than an
    invisible signature field, the document information (``/ModDate`` and ``/Producer``
    aside: signing sets them). Signing adds a signature field and nothing a reader sees;
    a figure changed in the same update as the signature would otherwise be vouched for
    by it, the first revision being the rendering byte for byte."""
    from pypdf import PdfReader

    with quiet_pypdf():
        before = PdfReader(io.BytesIO(fresh), strict=False)
        after = PdfReader(io.BytesIO(signed), strict=False)
        out: list[str] = []
        if len(before.pages) != len(after.pages):
            out.append(f"{name}: the revision signed has {len(after.pages)} page(s); the "
                       f"certificate rendered from the result has {len(before.pages)}")
        memo: tuple[dict[int, Any], dict[int, Any]] = ({}, {})
        for number, (old, new) in enumerate(zip(before.pages, after.pages), start=1):
            if _page_changed(old, new, memo):
                out.append(f"{name}: page {number} of the revision signed is not the page "
                           "rendered from the result (its content or resources were "
                           "changed before signing)")
            for subtype in _added_annotations(old, new, memo):
                out.append(f"{name}: page {number} of the revision signed carries an "
                           f"annotation ({subtype}) the certificate rendered "
                           "from the result does not (added before signing)")
        info = [{str(k): str(v) for k, v in (r.metadata or {}).items()}
                for r in (before, after)]
        for entries, reader in zip(info, (before, after)):
            # the XMP stream, which signing writes anew (pyHanko: its producer, a date):
            # what a viewer shows of it, compared as pypdf reads it, named /Metadata
            # an ECDSA signature makes pyHanko write PDF 2.0 (ISO 32002), hence a new
            # XMP stream that shows nothing (its producer, a date): it is no stream the
            # rendering lacks, or every P-256 signature read "altered"
            try:
                xmp = reader.xmp_metadata
                shown = [] if xmp is None else [
                    xmp.dc_title, xmp.dc_description, xmp.dc_creator, xmp.dc_subject,
                    xmp.pdf_keywords, xmp.xmp_creator_tool]
                if any(shown):
                    entries["/Metadata"] = repr(shown)
            except Exception:  # noqa: BLE001 - an unreadable stream: compared as such
                entries["/Metadata"] = "(unreadable)"
    keys = sorted(k for k in set(info[0]) | set(info[1])
                  if info[0].get(k) != info[1].get(k) and k not in ("/ModDate", "/Producer"))
    if keys:
        out.append(f"{name}: its document information ({', '.join(keys)}) was changed "
                   "before signing: the signature covers what the certificate rendered "
                   "from the result does not say")
    return out


def pages_changed_after(payload: bytes, signed_length: int, name: str) -> list[str]:
    """What an update after the signed revision changes on its pages: a page's content,
    resources or boxes, an annotation added (an invisible signature field aside), the
    number of pages. "bytes were added after signature" alone did not say whether a
    figure was rewritten or a note drawn over it."""
    if signed_length >= len(payload):
        return []
    from pypdf import PdfReader

    out: list[str] = []
    try:
        with quiet_pypdf():
            before = PdfReader(io.BytesIO(payload[:signed_length]), strict=False)
            after = PdfReader(io.BytesIO(payload), strict=False)
            if len(before.pages) != len(after.pages):
                out.append(f"{name}: the update after signing leaves {len(after.pages)} "
                           f"page(s); the revision signed has {len(before.pages)}")
            memo: tuple[dict[int, Any], dict[int, Any]] = ({}, {})
            for number, (old, new) in enumerate(zip(before.pages, after.pages), start=1):
                if _page_changed(old, new, memo):
                    out.append(f"{name}: page {number} was changed after signing (its "
                               "content or resources): the signature does not cover what "
                               "it now shows")
                for subtype in _added_annotations(old, new, memo):
                    out.append(f"{name}: an annotation ({subtype}) was added to page "
                               f"{number} after signing, drawn over the page")
    except Exception:  # noqa: BLE001 - an update that cannot be read: named as bytes added
        return []
    return out


def _page_changed(old: Any, new: Any, memo: tuple[dict[int, Any], dict[int, Any]]) -> bool:
    """Page ``new`` shows otherwise than page ``old``: its content, resources or boxes."""
    return any(_canonical(old.get(k), memo[0]) != _canonical(new.get(k), memo[1])
               for k in ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate",
                         "/Group"))


def annotations_appended(fresh: bytes, payload: bytes, name: str) -> list[str]:
    """The annotations an update appended to an unsigned certificate (the rendering,
    ``fresh``, then the update) adds to its pages, an invisible signature field aside:
    a note, a stamp or text drawn over a page, which its printed text does not show."""
    from pypdf import PdfReader

    out: list[str] = []
    with quiet_pypdf():
        before = PdfReader(io.BytesIO(fresh), strict=False)
        after = PdfReader(io.BytesIO(payload), strict=False)
        memo: tuple[dict[int, Any], dict[int, Any]] = ({}, {})
        for number, (old, new) in enumerate(zip(before.pages, after.pages), start=1):
            for subtype in _added_annotations(old, new, memo):
                out.append(f"{name}: the update appended adds to page {number} an "
                           f"annotation ({subtype}), drawn over the page and not in its "
                           "printed text")
    return out


def _added_annotations(old: Any, new: Any,
                       memo: tuple[dict[int, Any], dict[int, Any]]) -> list[str]:
    """The subtypes of the annotations of page ``new`` that page ``old`` has not (an
    invisible signature field, as signing adds, left out)."""
    kept = {_canonical(a, memo[0]) for a in old.get("/Annots") or ()}
    added = []
    for annotation in new.get("/Annots") or ():
        item = annotation.get_object()
        if _canonical(annotation, memo[1]) in kept or _invisible_signature(item):
            continue
        added.append(str(item.get("/Subtype")))
    return added


def _invisible_signature(item: Any) -> bool:
    """A signature field's widget that draws nothing (no area), as signing adds."""
    field = item if "/FT" in item else (item.get("/Parent") or {})
    field = field.get_object() if hasattr(field, "get_object") else field
    try:
        rect = [float(x) for x in item.get("/Rect", (0, 0, 0, 0))]
    except (TypeError, ValueError):
        return False
    return (item.get("/Subtype") == "/Widget" and field.get("/FT") == "/Sig"
            and (rect[2] - rect[0]) * (rect[3] - rect[1]) == 0)


def _canonical(value: Any, memo: dict[int, Any], depth: int = 0) -> Any:
    """A PDF object with its references resolved, as a comparable value: a stream by
    the SHA-256 of its decoded data and its dictionary (its encoding aside); a page's
    /Parent left out."""
    import hashlib

    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > 40:
        return "(deep)"
    if isinstance(value, IndirectObject):
        if value.idnum in memo:
            return memo[value.idnum]
        memo[value.idnum] = ("(cycle)", value.idnum)
        memo[value.idnum] = found = _canonical(value.get_object(), memo, depth + 1)
        return found
    if isinstance(value, StreamObject):
        return ("stream", hashlib.sha256(value.get_data()).hexdigest(), _canonical(
            DictionaryObject({k: v for k, v in value.items()
                              if k not in ("/Length", "/Filter", "/DecodeParms")}),
            memo, depth + 1))
    if isinstance(value, DictionaryObject):
        return tuple(sorted((str(k), _canonical(v, memo, depth + 1))
                            for k, v in value.items() if k != "/Parent"))
    if isinstance(value, ArrayObject):
        items = [_canonical(v, memo, depth + 1) for v in value]
        # a page's /Contents as an array: the content is the streams' data joined
        return tuple(items)
    return repr(value)

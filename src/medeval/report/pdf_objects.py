"""Where a byte difference between a certificate and its rendering falls: the PDF object
holding it (a content stream, an embedded file, a font program), and the ``/Creator``
that names the medeval which rendered the file. Used by :mod:`medeval.report.verify`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from .pdfread import quiet_pypdf

__all__ = ["creator", "object_at"]


def creator(payload: bytes) -> str | None:
    """The PDF's ``/Creator`` (``medeval X.Y.Z`` for a certificate), or None."""
    from pypdf import PdfReader

    try:
        with quiet_pypdf():  # its repairs of a damaged file went to the terminal
            metadata: Any = PdfReader(io.BytesIO(payload), strict=False).metadata
            creator = metadata.get("/Creator") if metadata is not None else None
    except Exception:  # noqa: BLE001 - hostile bytes: no creator, the byte check stands
        return None
    return str(creator) if creator is not None else None


def object_at(payload: bytes, fresh: bytes, offset: int) -> str:
    """The PDF object holding ``offset``, with what it is in the fresh rendering."""
    starts = list(re.finditer(rb"(\d+) (\d+) obj", payload[:offset + 1]))
    if not starts:
        return ""
    if re.search(rb"\bendobj\b", payload[starts[-1].end():offset]):
        tail = payload[starts[-1].end():offset + 1]
        if b"trailer" in tail or b"xref" in tail:
            return " (in the cross-reference table or trailer)"
        return " (between PDF objects)"
    number, generation = int(starts[-1].group(1)), int(starts[-1].group(2))
    kind = ""
    try:
        from pypdf import PdfReader

        with quiet_pypdf():
            obj: Any = PdfReader(io.BytesIO(fresh), strict=False).get_object(number)
            if isinstance(obj, Mapping):
                kind = str(obj.get("/Type") or obj.get("/Subtype") or "")
                if kind == "/EmbeddedFile":
                    kind = f"embedded file stream{_embedded_name(fresh, number)}"
                elif kind == "/Filespec":
                    kind = f"file specification of {obj.get('/UF') or obj.get('/F')}"
                elif not kind and "/Length1" in obj:
                    kind = "embedded font program"
                elif not kind and "/Length" in obj:
                    kind = "content stream"
    except Exception:  # naming the object is a courtesy; the offset is the finding
        kind = ""
    return f" (in PDF object {number} {generation}{', ' + kind if kind else ''})"


def _embedded_name(fresh: bytes, number: int) -> str:
    """`` of result.json`` when object ``number`` is that attachment's stream."""
    from pypdf import PdfReader

    with quiet_pypdf():
        root: Any = PdfReader(io.BytesIO(fresh), strict=False).trailer["/Root"]
        for spec in root.get("/AF", []):
            stream = spec.get_object()["/EF"]["/F"]
            if getattr(stream, "idnum", None) == number:
                return f" of {spec.get_object()['/F']}"
    return ""

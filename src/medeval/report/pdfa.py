"""Optional PDF/A-3b fix-up of a rendered certificate, with pikepdf.

reportlab has no PDF/A switch. :func:`to_pdfa` adds what PDF/A-3b asks for beyond what
the renderer already ensures (every font embedded, no transparency groups are needed
for the watermark's constant alpha since PDF/A-2): an sRGB output intent (an ICC
profile made by littlecms through Pillow, its date zeroed), XMP metadata with the PDF/A
identification (``pdfaid:part=3``, ``conformance=B``) mirroring the Info dictionary,
the document language, and a deterministic file ID. Part 3, not 2: the certificate
carries its result JSON, CSV and report info as associated files
(:mod:`medeval.report.attachments`), which PDF/A-3 allows and PDF/A-2 does not. This is
a self-declaration; veraPDF is the real validator (Java, not run here).
"""

from __future__ import annotations

import io
import warnings

__all__ = ["srgb_profile", "to_pdfa"]


def srgb_profile() -> bytes:
    """An sRGB ICC profile (littlecms via Pillow), with the creation date zeroed."""
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile[:24] + bytes(12) + profile[36:]  # header bytes 24-35: date/time


def to_pdfa(payload: bytes, *, lang: str = "ko+en") -> bytes:
    """Return the PDF bytes made PDF/A-3b (self-declared), deterministically."""
    import pikepdf

    with pikepdf.open(io.BytesIO(payload)) as pdf:
        icc = pikepdf.Stream(pdf, srgb_profile())
        icc["/N"] = 3
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
            Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=icc)])
        pdf.Root.Lang = pikepdf.String("ko-KR" if lang.startswith("ko") else "en")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            with warnings.catch_warnings():  # /Trapped has no XMP equivalent: dropped
                warnings.filterwarnings("ignore", message=".*has no XMP equivalent")
                meta.load_from_docinfo(pdf.docinfo)
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()

"""What a DICOM header says of its image, as the ``metadata`` of medeval's image record:
identity (patient, study, series, SOP class), encoding (transfer syntax, decoder, lossy),
the mammography view and laterality, the VOI window, and whether the frames are a cine.

A leaf module, private: :mod:`medeval.loaders.dicom` and :mod:`medeval.loaders.seg`
read headers with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._dicom_pixels import DECODER


def _first(sequence: Any) -> Any:
    return sequence[0] if sequence is not None and len(sequence) else None


def _metadata(ds: Any, source: Path) -> dict[str, Any]:
    def text(keyword: str) -> str | None:
        value = ds.get(keyword)
        return None if value in (None, "") else str(value)

    thickness = ds.get("SliceThickness")
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    return {
        "format": "dicom",
        "source": str(source),
        "modality": text("Modality"),
        "manufacturer": text("Manufacturer"),
        "patient_id": text("PatientID"),
        "study_uid": text("StudyInstanceUID"),
        "series_uid": text("SeriesInstanceUID"),
        "frame_of_reference_uid": text("FrameOfReferenceUID"),
        "sop_class_uid": text("SOPClassUID"),
        "slice_thickness_mm": float(thickness) if thickness not in (None, "") else None,
        "transfer_syntax": str(syntax) if syntax else None,
        "photometric_interpretation": text("PhotometricInterpretation"),
        "decoder": DECODER if syntax is not None and syntax.is_compressed else "pydicom",
        "lossy": _lossy(syntax) or str(ds.get("LossyImageCompression", "00")) == "01",
        "bits_stored": ds.get("BitsStored"),
        "presentation_intent_type": text("PresentationIntentType"),
        "laterality": text("ImageLaterality") or text("Laterality"),
        **_view(ds),
        "voi_applied": False,
        "window": tuple(zip(_floats(ds.get("WindowCenter")), _floats(ds.get("WindowWidth")))),
        "voi_lut_function": text("VOILUTFunction"),
        "voi_lut_count": len(ds.get("VOILUTSequence") or ()),
        "frame_time_ms": float(ds.FrameTime) if ds.get("FrameTime") not in (None, "") else None,
        "frame_time_vector_ms": tuple(_floats(ds.get("FrameTimeVector"))) or None,
        "frame_axis": "time" if _is_cine(ds) else None,
    }


_VIEWS = {  # CID 4014 "View for Mammography" (pydicom.sr) -> the ACR labelling code
    "399162004": "CC", "399368009": "MLO", "399260004": "ML", "399352003": "LM",
    "399099002": "LMO", "399192008": "XCCL", "399101009": "XCCM", "399196006": "FB",
    "399188001": "SIO", "441555000": "ISO", "127457009": "SPECIMEN",
}
_VIEW_MEANINGS = {"cranio-caudal": "CC", "medio-lateral oblique": "MLO",
                  "medio-lateral": "ML", "medial-lateral": "ML", "latero-medial": "LM",
                  "latero-medial oblique": "LMO",
                  "cranio-caudal exaggerated laterally": "XCCL",
                  "cranio-caudal exaggerated medially": "XCCM", "caudo-cranial": "FB"}


def _view(ds: Any) -> dict[str, Any]:
    """``view`` (CC, MLO, ...) from ViewCodeSequence (SNOMED CT code or, for the older
    SNOMED-RT codes, its meaning), else ViewPosition; the two raw values beside it."""
    position = str(ds.get("ViewPosition") or "").strip().upper() or None
    item = _first(ds.get("ViewCodeSequence"))
    code = None if item is None else (str(item.get("CodeValue", "")),
                                      str(item.get("CodingSchemeDesignator", "")),
                                      str(item.get("CodeMeaning", "")))
    view = None
    if code is not None:
        view = _VIEWS.get(code[0]) or _VIEW_MEANINGS.get(code[2].strip().lower())
    return {"view": view or position, "view_position": position, "view_code": code}


def _values(value: Any) -> list[Any]:
    """A DICOM value, single or multi-valued, as a list ([] when absent)."""
    from pydicom.multival import MultiValue

    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (MultiValue, list, tuple)) else [value]


def _floats(value: Any) -> list[float]:
    return [float(v) for v in _values(value)]


def _is_cine(ds: Any) -> bool:
    """The frames are instants in time: FrameIncrementPointer names FrameTime (0018,1063)
    or FrameTimeVector (0018,1065) (PS3.3 C.7.6.6 Multi-frame, C.7.6.5 Cine)."""
    return any(int(t) in (0x00181063, 0x00181065)
               for t in _values(ds.get("FrameIncrementPointer")))


def _lossy(syntax: Any) -> bool:
    """True for a compressed transfer syntax that is not one of the lossless ones."""
    from pydicom import uid

    lossless = {uid.RLELossless, uid.JPEGLossless, uid.JPEGLosslessSV1, uid.JPEGLSLossless,
                uid.JPEG2000Lossless, uid.JPEG2000MCLossless, uid.HTJ2KLossless,
                uid.HTJ2KLosslessRPCL}
    return bool(syntax is not None and syntax.is_compressed and syntax not in lossless)

"""Readers of the held-out set's files, one module per format.

=====================  =============================================================
``read_image``         DICOM file or series directory, NIfTI, MetaImage, NRRD -> ``Image``
``read_segmentation``  DICOM SEG -> ``Segmentation`` (one mask per segment)
``read_record``        WFDB record, EDF/EDF+ file, DICOM waveform -> ``Signal``
``read_annotations``   WFDB annotation file or EDF+ annotations -> ``Annotations``
``read_table``         CSV / Parquet case table -> ``CaseTable``
=====================  =============================================================

The heavy readers (pydicom, SimpleITK, wfdb, pyedflib) are imported on first use, so
``import medeval.loaders`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .tables import CaseTable, join_cases, read_table

# name -> module defining it, imported on first access (PEP 562).
_LAZY = {
    "Image": "image",
    "read_image": "image",
    "read_dicom_file": "dicom",
    "read_dicom_series": "dicom",
    "Segment": "seg",
    "Segmentation": "seg",
    "read_segmentation": "seg",
    "BEAT_SYMBOLS": "signal",
    "Annotations": "signal",
    "Signal": "signal",
    "read_annotations": "signal",
    "read_record": "signal",
    "read_dicom_waveform": "waveform",
}

__all__ = [
    "BEAT_SYMBOLS",
    "Annotations",
    "CaseTable",
    "Image",
    "Segment",
    "Segmentation",
    "Signal",
    "join_cases",
    "read_annotations",
    "read_dicom_file",
    "read_dicom_series",
    "read_dicom_waveform",
    "read_image",
    "read_record",
    "read_segmentation",
    "read_table",
]

if TYPE_CHECKING:  # pragma: no cover
    from .dicom import read_dicom_file, read_dicom_series
    from .image import Image, read_image
    from .seg import Segment, Segmentation, read_segmentation
    from .signal import BEAT_SYMBOLS, Annotations, Signal, read_annotations, read_record
    from .waveform import read_dicom_waveform


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'medeval.loaders' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""Readers of the held-out set's files, one module per format.

=====================  =============================================================
``read_image``         DICOM file or series directory, NIfTI, MetaImage, NRRD, PNG, JPEG,
                       BMP, TIFF -> ``Image``
``read_mask``          mask image (PNG, BMP, TIFF; JPEG with a threshold) -> ``Image`` of
                       integer labels
``read_segmentation``  DICOM SEG or mask image -> ``Segmentation`` (one mask per segment)
``read_record``        WFDB record, EDF/EDF+ file, DICOM waveform -> ``Signal``
``read_annotations``   WFDB annotation file or EDF+ annotations -> ``Annotations``
``read_table``         CSV / Parquet case table -> ``CaseTable``
=====================  =============================================================

``annotations_2d`` reads COCO and LabelMe JSON into an ``AnnotatedImage`` per image
(``read_annotation_file``), finds a case's image from its manifest reference
(``read_case_annotations``, ``annotation_problems``, ``split_reference``) and makes a
COCO ground-truth dict (``coco_ground_truth``, ``to_coco_dataset``).

The records ``Image``, ``Signal`` and ``Annotations`` live in the leaf module
``_records``, which the format readers import: ``dicom`` (pydicom), ``itk`` (NIfTI,
MetaImage, NRRD through SimpleITK), ``raster`` (PNG, JPEG, BMP, TIFF through Pillow),
``masks`` (mask images as labels), ``seg`` (DICOM SEG, and mask images as segments),
``wfdb``, ``edf`` (pyedflib) and ``waveform`` (DICOM waveforms). The dispatchers ``image``
(``read_image``) and ``signal`` (``read_record``, ``read_annotations``) recognise a file's
format and import the readers; no reader imports a dispatcher. ``tables`` reads case
tables. Private helpers check files against their headers before a library reads them
(``_files``, ``_nifti``, ``_metaimage``, ``_nrrd``, ``_payload``, ``_dicom_pixels``,
``_slices``, ``_mit_annotations``).

The heavy readers (pydicom, SimpleITK, Pillow, wfdb, pyedflib) are imported on first use, so
``import medeval.loaders`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .tables import CaseTable, join_cases, read_table

# name -> module defining it, imported on first access (PEP 562).
_LAZY = {
    "Image": "_records",
    "read_image": "image",
    "read_mask": "masks",
    "read_dicom_file": "dicom",
    "read_dicom_series": "dicom",
    "Segment": "seg",
    "Segmentation": "seg",
    "read_segmentation": "seg",
    "BEAT_SYMBOLS": "_records",
    "Annotations": "_records",
    "Signal": "_records",
    "read_annotations": "signal",
    "read_record": "signal",
    "read_dicom_waveform": "waveform",
    "AnnotatedImage": "annotations_2d",
    "AnnotatedObject": "annotations_2d",
    "annotation_problems": "annotations_2d",
    "coco_ground_truth": "annotations_2d",
    "read_annotation_file": "annotations_2d",
    "read_case_annotations": "annotations_2d",
    "split_reference": "annotations_2d",
    "to_coco_dataset": "annotations_2d",
}

__all__ = [
    "BEAT_SYMBOLS",
    "AnnotatedImage",
    "AnnotatedObject",
    "Annotations",
    "CaseTable",
    "Image",
    "Segment",
    "Segmentation",
    "Signal",
    "annotation_problems",
    "coco_ground_truth",
    "join_cases",
    "read_annotation_file",
    "read_annotations",
    "read_case_annotations",
    "read_dicom_file",
    "read_dicom_series",
    "read_dicom_waveform",
    "read_image",
    "read_mask",
    "read_record",
    "read_segmentation",
    "read_table",
    "split_reference",
    "to_coco_dataset",
]

if TYPE_CHECKING:  # pragma: no cover
    from ._records import BEAT_SYMBOLS, Annotations, Image, Signal
    from .annotations_2d import (
        AnnotatedImage,
        AnnotatedObject,
        annotation_problems,
        coco_ground_truth,
        read_annotation_file,
        read_case_annotations,
        split_reference,
        to_coco_dataset,
    )
    from .dicom import read_dicom_file, read_dicom_series
    from .image import read_image
    from .masks import read_mask
    from .seg import Segment, Segmentation, read_segmentation
    from .signal import read_annotations, read_record
    from .waveform import read_dicom_waveform


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'medeval.loaders' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

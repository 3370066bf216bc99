"""A DICOM file checked against its own header before its pixels are decoded.

Private to :mod:`.dicom`. pydicom 3.0 reads a file cut inside an element header, or
inside a value other than an encapsulated Pixel Data, as a dataset that just ends there
(found on the files of ``../shared/data``; the cases are the tests in
``tests/loaders/test_dicom_damage.py``). ``check_complete`` refuses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import LoaderError

ADVICE = "copy it again from its source, or have it exported again"


def check_complete(ds: Any, file: Path, size: int) -> None:
    """Refuse a file that ends inside its last data element.

    pydicom stops reading at the end of the file without a word when the file ends
    inside a defined-length value (the value is just shorter) or inside the 8 or 12
    bytes of an element's tag, VR and length. ``size`` is the file's size in bytes.
    """
    from pydicom.dataelem import RawDataElement
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    if not len(ds):
        return
    last = ds.get_item(next(reversed(ds.keys())))
    if not isinstance(last, RawDataElement) or last.value is None:
        return
    name = f"{last.tag} {_keyword(last.tag)}".rstrip()
    undefined = last.length == 0xFFFFFFFF
    if not undefined and len(last.value) < last.length:
        raise LoaderError(
            f"DICOM file {file}: truncated: the file ends inside element {name}, after "
            f"{len(last.value)} of its {last.length} bytes; {ADVICE}"
        )
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax == DeflatedExplicitVRLittleEndian:
        return  # positions are in the inflated stream; zlib reports a cut stream
    # an undefined length (encapsulated Pixel Data) ends with an 8-byte delimiter item
    end = last.value_tell + len(last.value) + (8 if undefined else 0)
    if size > end:
        raise LoaderError(
            f"DICOM file {file}: truncated: {size - end} byte(s) after element {name} are "
            "not a whole data element (the file ends inside an element's tag and length); "
            f"{ADVICE}"
        )


def _keyword(tag: Any) -> str:
    from pydicom.datadict import keyword_for_tag

    return str(keyword_for_tag(tag) or "")

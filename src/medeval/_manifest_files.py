"""The checks a manifest makes of the files it names: does a file's format fit the
reference kind, can its reader read it, which signal files a WFDB header needs, where a
CSV stops being UTF-8, and whether a missing name is on disk in another Unicode form.

Private to :mod:`medeval.manifest`, whose checks call them.
"""

from __future__ import annotations

import difflib
import functools
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

from ._manifest_hints import see
from ._text_offsets import line_and_byte
from .errors import LoaderError
from .loaders._files import sniff
from .loaders._wfdb_header import wfdb_files

__all__ = ["READERS", "annotation_file_hint", "backslash_hint", "first_non_utf8",
           "kind_matches", "missing_folder_hint", "other_unicode_form", "unreadable_frame",
           "wfdb_files"]

#: The formats an image or segmentation reference may have (as ``sniff`` names them).
IMAGE_FORMATS = {"dicom", "nifti", "gzip", "nrrd", "metaimage", "png", "jpeg", "bmp", "tiff"}


def kind_matches(kind: str, found: str, target: str) -> bool:
    if kind == "file":
        return True
    if kind in ("image", "segmentation"):
        return found in IMAGE_FORMATS or found == "dicom-series"
    if kind == "record":
        return found in ("edf", "wfdb-header") or Path(target).with_suffix(".hea").is_file()
    if kind == "annotations":  # the name (Path.name) has a dot
        return found == "edf" or (found == "unknown" and "." in os.path.basename(target))
    return False


def annotation_file_hint(kind: str, target: str) -> str:
    """What to do with a JSON file given where a mask is read (``image`` and
    ``segmentation`` references): a LabelMe or COCO file of polygons is no mask, and the
    segmentation task does not rasterise it (said once for all files, by
    :func:`~medeval._manifest_hints.problems_message`). Empty for any other file."""
    if kind not in ("image", "segmentation") or not target.lower().endswith(".json"):
        return ""
    try:
        with open(target, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return ""
    if not head.startswith((b"{", b"[")):
        return ""
    return ("; a JSON file (a LabelMe or COCO annotation?) holds polygons, not a mask"
            + see("JSON annotation as a mask"))


def first_non_utf8(file: Path) -> str:
    """Where a file stops being UTF-8 (:func:`~medeval._text_offsets.line_and_byte`); in
    a ``.gz``, ``.bz2`` or ``.xz`` file, where the text it decompresses to does (the
    compressed bytes' place was no place in the CSV)."""
    import lzma
    import zlib

    from ._csv_width import decompressed

    inside = file.suffix.lower() in (".gz", ".bz2", ".xz")
    try:
        raw = decompressed(file)
    except (EOFError, OSError, zlib.error, lzma.LZMAError):
        raw, inside = file.read_bytes(), False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return line_and_byte(raw, exc.start) + (" of the text it decompresses to"
                                                if inside else "")
    return "a byte that is not"


def not_text(file: Path) -> str | None:
    """What a file that does not decode as UTF-8 is, when its first bytes show it is no
    CP949 CSV either: a workbook Excel saved (.xlsx is a ZIP archive, .xls an OLE2
    compound file) or Excel's 'Unicode Text' (UTF-16, with its byte order mark); None
    otherwise."""
    with open(file, "rb") as handle:
        start = handle.read(4)
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 text (Excel's 'Unicode Text'), not UTF-8"
    if start == b"PK\x03\x04":
        if file.suffix.lower() == ".zip":
            return ("a ZIP archive, not CSV text: extract it and give the manifest CSV "
                    "inside (a ZIP made on Korean Windows keeps its Hangul names with "
                    "'python3 -m zipfile --metadata-encoding cp949 -e ZIP FOLDER', Python "
                    "3.11 or later; one made on macOS gives them in NFD)")
        return "a ZIP archive (an Excel .xlsx workbook?), not CSV text"
    if start == b"\xd0\xcf\x11\xe0":
        return "an Excel 97-2003 workbook (.xls), not CSV text"
    return None


def backslash_hint(root: Path, value: str, *, explained_below: bool = False) -> str:
    """A hint when a missing path separates its folders with backslashes (a manifest
    written on Windows) and the same path with '/' exists; empty otherwise. On Linux a
    backslash is a character of the name, so the path is not read the other way.
    ``explained_below``: the why points to the explanation a manifest check gives once
    (:func:`~medeval._manifest_hints.problems_message`)."""
    if "\\" not in value or not (root / value.replace("\\", "/")).exists():
        return ""
    if explained_below:
        return f"; {value.replace(chr(92), '/')!r} is there" + see("backslashes")
    return (f"; '\\' separates its folders (as Windows writes paths): write "
            f"{value.replace(chr(92), '/')!r}, with '/'")


def other_unicode_form(target: str) -> str:
    """A hint when the disk holds the path's names in another Unicode form (NFC or NFD:
    macOS writes Hangul decomposed, and a ZIP made on macOS keeps it so), which prints
    the same, or else in another letter case (``P-01.JPG`` for ``P-01.jpg``: one name to
    Windows and macOS, two to Linux); empty otherwise. Every name from the deepest folder
    that exists down is looked for: a folder ``환자 폴더`` extracted in NFD hides every
    file under it. The hint names the names on disk and points to the explanation that
    :func:`~medeval._manifest_hints.problems_message` gives once for all files."""
    below = _below_deepest_folder(target)
    if below is None:
        return ""
    held = _held_otherwise(*below, casefold=False)
    if held:
        told = see("names in NFD" if any(_form(found) == "NFD" for found in held) else
                   "names in NFC")
        return ("; " + "; ".join(f"the folder holds {found!r} (in {_form(found)})"
                                 for found in held) + told)
    held = _held_otherwise(*below, casefold=True)
    if held:
        return ("; " + "; ".join(f"the folder holds {found!r}" for found in held)
                + see("other letter case"))
    return ""


def missing_folder_hint(target: str) -> str:
    """A hint when a missing file's folder is itself missing (``frame/F1.jpg`` where the
    set's folder is ``frames``): the folder that is not there, and the folder beside it
    most alike, where one is; empty when the file's folder exists, or nothing of the
    path does. Thousands of files under one misspelt folder are thousands of problem
    lines, each pointing to one explanation below them."""
    below = _below_deepest_folder(target)
    if below is None or len(below[1]) < 2:
        return ""
    folder, names = below
    try:
        present = sorted(nfc_names(folder, os.stat(folder).st_mtime_ns).values())
    except OSError:
        present = []
    close = difflib.get_close_matches(names[0], present, n=1, cutoff=0.6)
    alike = f", but {close[0]!r} is" if close else ""
    return (f"; there is no folder {names[0]!r} in {folder}{alike}"
            + see("missing folder"))


def record_name_hint(value: str, target: str) -> str:
    """A hint when a missing input is a WFDB record's name without suffix (``ecg/100``,
    as ``wfdb.rdrecord`` takes it) and its header lies beside it: the manifest lists
    files, the header and its signal files, each of which the sandbox is handed; empty
    otherwise."""
    if os.path.splitext(target)[1] or not os.path.isfile(target + ".hea"):
        return ""
    files = [value + ".hea", *(os.path.join(os.path.dirname(value), name)
                               for name in wfdb_files(target + ".hea"))]
    shown = ", ".join(repr(f) for f in dict.fromkeys(files))
    return (f"; it names the WFDB record {os.path.basename(target)!r}, whose header is "
            f"beside it: list the record's files, {shown}, each in its own input column "
            "(input_header, input_signal)")


def _form(name: str) -> str:
    """'NFD' or 'NFC', the Unicode form a name is in (a name in both, ASCII, is not asked
    about), else 'another'."""
    return next((f for f in ("NFD", "NFC") if unicodedata.is_normalized(f, name)), "another")


def _below_deepest_folder(target: str) -> tuple[str, list[str]] | None:
    """The deepest existing folder of ``target`` and the names below it, top first
    (looked up once for both of :func:`_held_otherwise`'s questions); None when none
    exists."""
    missing: list[str] = []
    folder = target
    while not os.path.isdir(folder):
        folder, name = os.path.split(folder)
        if not name:
            return None
        missing.append(name)
    return folder, missing[::-1]


def _held_otherwise(folder: str, missing: list[str], *, casefold: bool) -> list[str]:
    """The names on disk, from ``folder`` down, that are the ``missing`` names written
    otherwise (in NFC, and ``casefold``-ed if asked): those that differ from the path's,
    or none when some name is not there in any form."""
    held = []
    for name in missing:
        try:
            names = nfc_names(folder, os.stat(folder).st_mtime_ns, casefold)
        except OSError:
            return []
        key = unicodedata.normalize("NFC", name)
        found = names.get(key.casefold() if casefold else key)
        if found is None:
            return []
        if found != name:
            held.append(found)
        folder = os.path.join(folder, found)
    return held


@functools.lru_cache(maxsize=4)
def nfc_names(folder: str, mtime_ns: int, casefold: bool = False) -> dict[str, str]:
    """The folder's names by their NFC form, ``casefold``-ed if asked (cached while the
    folder is unchanged)."""
    names = {unicodedata.normalize("NFC", n): n for n in sorted(os.listdir(folder))}
    return {k.casefold(): v for k, v in names.items()} if casefold else names


def unreadable_frame(target: tuple[str, bool]) -> str | None:
    """A raster input (PNG, JPEG, BMP, TIFF) or DICOM file that ``read_image`` refuses (a
    DICOM waveform, such as a 12-lead ECG, read by the waveform reader instead:
    :func:`unreadable_waveform`), an EDF file that the EDF reader refuses
    (:func:`unreadable_edf`), or a WFDB header whose signal file is missing or shorter
    than it states, as a problem.

    The algorithm reads its inputs, but a frame medeval's own reader refuses (truncated,
    EXIF-turned, CMYK, transparent; a DICOM image cut short, its pixel data disagreeing
    with its header, or stored in a syntax no decoder reads, such as a cine as H.264) is
    a fault of the set, not of the algorithm: found here, it is not counted as the
    algorithm's failure. A series folder is not read here."""
    path, folder = target
    kind = None if folder else sniff(path)
    if kind == "edf":
        return unreadable_edf(Path(path))
    if kind == "wfdb-header":  # its signal files' sizes, not their samples
        from .loaders.wfdb import check_wfdb_files

        try:
            check_wfdb_files(path)
        except LoaderError as exc:
            return f"unreadable: {exc}"
        return None
    if kind not in {"png", "jpeg", "bmp", "tiff", "dicom"}:
        return None
    try:
        read_image(Path(path))
    except LoaderError as exc:
        groups = _waveform_groups(Path(path)) if kind == "dicom" else 0
        if groups:
            return unreadable_waveform(Path(path), groups)
        return f"unreadable: {exc}"
    return None


def _waveform_groups(path: Path) -> int:
    """The number of multiplex groups of a DICOM file holding waveforms (a 12-lead ECG)
    and no pixel data; 0 for any other file."""
    from .loaders.dicom import _dataset

    try:
        dataset = _dataset(path, pixels=False)
    except LoaderError:
        return 0
    return 0 if "PixelData" in dataset else len(dataset.get("WaveformSequence") or [])


def unreadable_waveform(path: Path, groups: int) -> str | None:
    """A DICOM waveform input (a 12-lead ECG) that the waveform reader
    (:func:`medeval.loaders.waveform.read_dicom_waveform`, which ``read_record`` calls, as
    an algorithm reads it) cannot decode in one of its ``groups`` multiplex groups, as a
    problem; it is no image, and not read as one."""
    from .loaders.waveform import read_dicom_waveform

    try:
        for group in range(groups):
            read_dicom_waveform(path, group=group)
    except LoaderError as exc:
        return f"unreadable: {exc}"
    return None


def unreadable_edf(path: Path) -> str | None:
    """An EDF/EDF+/BDF input that medeval's EDF reader (pyedflib, as algorithms read EDF)
    refuses, as a problem: a header with bytes EDF does not allow (a patient name in
    UTF-8), a file cut short, a discontinuous recording (EDF+D, BDF+D: pyedflib refuses
    it, 'The file is discontinuous and cannot be read', as medeval's tasks do). Its
    header is read, not its signals."""
    import pyedflib

    try:
        pyedflib.EdfReader(str(path)).close()
    except Exception as exc:  # pyedflib raises OSError, and others on odd headers
        try:
            with open(path, "rb") as handle:
                kind = handle.read(197)[192:197]
        except OSError:
            kind = b""
        remedy = ("export the recording as one continuous file (EDF+C, BDF+C)"
                  if kind in (b"EDF+D", b"BDF+D") else
                  "check it is a valid EDF/EDF+/BDF file and not truncated")
        return f"unreadable: EDF file {path}: rejected by the EDF reader ({exc}); {remedy}"
    return None


def read_image(path: Path) -> object:
    from .loaders import read_image

    return read_image(path)


def read_reference_image(path: Path) -> object:
    """A reference image: a mask image decoded as the mask reader reads it (palette
    indices, not colours: see :func:`medeval.loaders.masks.decode_mask`), anything else
    (a DICOM series folder too) with ``read_image``."""
    from .loaders.masks import decode_mask

    if path.is_dir():  # a DICOM series folder of mask slices, read as evaluate reads it
        return read_image(path)
    if sniff(path) in {"png", "jpeg", "bmp", "tiff"}:
        decode_mask(path)
        return None
    return _placed_later(read_image, path)


def _placed_later(reader: Callable[[Path], object], path: Path) -> object:
    """``reader(path)``; a DICOM SEG of a 2-D image without positions, which only the
    case's image places (by the source image its frames name), is read alone instead
    (:func:`medeval.loaders.seg.unplaced_segmentation`): refused by ``reader`` for want
    of that image, it is no fault of the set."""
    from .loaders.seg import unplaced_segmentation

    try:
        return reader(path)
    except LoaderError:
        if not unplaced_segmentation(path):
            raise
    return None


def read_segmentation(path: Path) -> object:
    """A DICOM SEG as a SEG; anything else (a NIfTI label map, a mask image) as an image.

    A mask image is decoded in full (truncation, EXIF orientation and the other refusals
    of :mod:`medeval.loaders.raster`) but not turned into labels: that needs the label map
    and JPEG threshold the protocol declares, which the task applies when it reads it.
    """
    from .loaders import read_segmentation

    if path.is_file() and sniff(path) == "dicom":
        return _placed_later(read_segmentation, path)
    return read_reference_image(path)


def read_record(path: Path) -> object:
    from .loaders import read_record

    return read_record(path)


def read_annotations(path: Path) -> object:
    from .loaders import read_annotations

    return read_annotations(path)


READERS: dict[str, Callable[[Path], object]] = {
    "file": lambda path: None,
    "image": read_reference_image,
    "segmentation": read_segmentation,
    "record": read_record,
    "annotations": read_annotations,
    "annotations-2d": lambda path: None,  # read by annotation_problems in every check
}

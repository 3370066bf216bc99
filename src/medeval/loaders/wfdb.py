"""WFDB records and annotation files, read with the ``wfdb`` package (PhysioNet).

Before ``wfdb`` reads the samples, the header is checked against the files beside it:
every signal file it names must exist, be a regular file and be long enough for the
number of samples the header states. A truncated or missing ``.dat`` is then a
``LoaderError`` naming it, not a broadcasting error inside ``wfdb``.
"""

from __future__ import annotations

import datetime as dt
import errno
import math
import os
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError
from ._files import regular_file
from ._mit_annotations import (
    CODE_SYMBOLS,
    SYMBOL_ARRAY,
    ends_properly,
    header_sampling_frequency,
    plain_codes,
    read_mit_annotations,
)
from ._records import BEAT_SYMBOLS, Annotations, Signal
from ._wfdb_header import wfdb_files

__all__ = ["Beats", "read_wfdb", "read_wfdb_annotations", "read_wfdb_arrays",
           "read_wfdb_beats"]

# Bytes per sample of the WFDB storage formats (signal(5) of the WFDB manual).
_BYTES_PER_SAMPLE = {
    "8": 1.0, "16": 2.0, "24": 3.0, "32": 4.0, "61": 2.0, "80": 1.0, "160": 2.0,
    "212": 1.5, "310": 4.0 / 3.0, "311": 4.0 / 3.0,
}


def read_wfdb(header: str | Path, *, channels: list[str] | None = None) -> Signal:
    """Read the WFDB record whose header is ``header`` (``.../100.hea``).

    Channels sampled at a multiple of the frame rate (several samples per frame) are
    returned at their own rate when all chosen channels share it; otherwise pass
    ``channels=``. Samples are in physical units (``wfdb``'s ``p_signal``).

    Raises
    ------
    LoaderError
        Unreadable header; a signal file missing, not a regular file, or shorter than
        the header says; an unknown channel name; chosen channels of different rates.
    """
    with _quiet():
        import wfdb

    file, head = check_wfdb_files(header)
    record_name = str(file.with_suffix(""))
    spf = [int(s or 1) for s in (head.samps_per_frame or [1] * head.n_sig)]
    rates = {name: float(head.fs) * n for name, n in zip(head.sig_name, spf)}
    chosen = list(head.sig_name) if channels is None else list(channels)
    unknown = [c for c in chosen if c not in rates]
    if unknown:
        raise LoaderError(
            f"WFDB record {file}: no channel(s) {unknown}; it has {list(head.sig_name)}"
        )
    if len({rates[c] for c in chosen}) > 1:
        shown = ", ".join(f"{c} {rates[c]:g} Hz" for c in chosen)
        raise LoaderError(
            f"WFDB record {file}: channels have different sampling rates ({shown}); choose "
            "channels of one rate with channels="
        )
    indices = [list(head.sig_name).index(c) for c in chosen]
    _refuse_null_signals(head, file, indices)
    try:
        record = wfdb.rdrecord(record_name, channels=indices, smooth_frames=False)
        columns = [np.asarray(record.e_p_signal[i], dtype=np.float64) for i in range(len(indices))]
    except Exception as exc:
        raise LoaderError(
            f"WFDB record {file}: its signals cannot be read ({exc}); the signal file may be "
            "corrupt"
        ) from exc
    samples = np.column_stack(columns)
    expected = head.sig_len * spf[indices[0]]
    if samples.shape[0] != expected:
        raise LoaderError(
            f"WFDB record {file}: read {samples.shape[0]} samples, the header states "
            f"{expected}; the signal file is truncated or the header wrong"
        )
    return Signal(
        samples=samples,
        fs=rates[chosen[0]],
        channels=tuple(chosen),
        units=tuple(str(record.units[i]) for i in range(len(indices))),
        start_time=_start(head),
        metadata={
            "format": "wfdb",
            "source": str(file),
            "record": head.record_name,
            "comments": tuple(head.comments or ()),
            "signal_files": tuple(sorted(set(head.file_name))),
        },
    )


def _refuse_null_signals(head: Any, file: Path, indices: list[int]) -> None:
    """Refuse chosen signals stored in format 0 (signal(5): a null signal, declared
    but with no samples stored), which wfdb-python cannot read (it fails with
    ``KeyError: '0'``): the record is not corrupt, the signal holds nothing."""
    null = [str(head.sig_name[i]) for i in indices if str(head.fmt[i]) == "0"]
    if null:
        others = [str(name) for name, fmt in zip(head.sig_name, head.fmt) if str(fmt) != "0"]
        choose = (f"; choose the others with channels={others}" if others else
                  "; the record holds no samples to read")
        raise LoaderError(
            f"WFDB record {file}: signal(s) {null} are stored in format 0, a null signal "
            "(declared in the header, no samples stored), which wfdb-python, the reader "
            f"medeval uses, cannot read{choose}"
        )


def check_wfdb_files(header: str | Path) -> tuple[Path, Any]:
    """The header's file and its parsed header (``wfdb.rdheader``), its signal files
    checked without reading them: each there, beside it, and holding at least the bytes
    the header's samples need (a ``.dat`` cut short by a copy is found from its size). A
    multi-segment record's header names segments, not signal files: each segment's own
    header is checked where it is given.

    Raises
    ------
    LoaderError
        Unreadable header, no signal, a signal file missing or shorter than stated.
    """
    with _quiet():
        import wfdb

    file = regular_file(header, what="WFDB header")
    try:
        head = wfdb.rdheader(str(file.with_suffix("")))
    except Exception as exc:
        raise LoaderError(
            f"WFDB header {file}: cannot be parsed ({exc}); check it is a WFDB header"
        ) from exc
    if not head.n_sig:
        raise LoaderError(f"WFDB header {file}: declares no signal")
    if not hasattr(head, "seg_name"):  # a multi-segment record's files are its segments'
        _check_signal_files(head, file)
    return file, head


@dataclass(frozen=True)
class Beats:
    """Annotations as the arrays :func:`~medeval.metrics.ec57` takes: the sample of
    each, its symbol, the rate they count at (the beats of a file, or all its
    annotations: :func:`read_wfdb_beats`, :func:`read_wfdb_arrays`). ``other_texts``:
    for an EDF+ file (:func:`~medeval.loaders.signal.read_beats`), its annotation texts
    that are no WFDB annotation code, so not read as beats, with their counts, most
    frequent first (a WFDB file holds codes only)."""

    samples: NDArray[np.int64] | None
    symbol_array: NDArray[np.str_]
    fs: float | None
    other_texts: tuple[tuple[str, int], ...] = ()


def read_wfdb_annotations(path: str | Path, *, default_fs: float | None = None) -> Annotations:
    """Read a WFDB annotation file (``100.atr``: record ``100``, annotator ``atr``).

    The time resolution is the file's own (``wfdb``'s ``fs``), read from the record's
    header where the file states none, or ``default_fs`` where no header is beside it
    (a detector's annotations of a record whose header lies elsewhere). MIT-format
    files are decoded directly
    (:mod:`medeval.loaders._mit_annotations`, ~15x faster, the same values as
    ``wfdb.rdann``); anything that reader does not handle goes through ``wfdb``.

    Raises
    ------
    LoaderError
        The file is missing, truncated or not a WFDB annotation file; no sampling rate.
    """
    file, annotator, samples, symbols, aux, fs = _annotation_file(path, default_fs)
    return Annotations(
        samples=samples,
        symbols=cast(tuple[str, ...], symbols),  # an array is kept as symbol_array
        onsets_s=samples / fs,
        durations_s=np.full(samples.size, np.nan),
        fs=fs,
        aux=aux,
        metadata={"format": "wfdb", "source": str(file), "annotator": annotator},
    )


_BEAT_CODE_POINTS = np.zeros(128, dtype=bool)
_BEAT_CODE_POINTS[[ord(symbol) for symbol in BEAT_SYMBOLS]] = True
#: The MIT codes whose symbol is a beat symbol.
_BEAT_CODES = np.array([CODE_SYMBOLS.get(code, "") in BEAT_SYMBOLS for code in range(64)])
#: Ventricular flutter/fibrillation onset and end, which EC57 (bxb) scores around.
VF_MARKS = frozenset("[]")
_BEAT_VF_CODE_POINTS = _BEAT_CODE_POINTS.copy()
_BEAT_VF_CODE_POINTS[[ord(symbol) for symbol in VF_MARKS]] = True
_BEAT_VF_CODES = _BEAT_CODES | np.array([CODE_SYMBOLS.get(code, "") in VF_MARKS
                                         for code in range(64)])


def read_wfdb_beats(
    path: str | Path, *, default_fs: float | None = None, data: bytes | None = None,
    vf_marks: bool = False,
) -> Beats:
    """The beats of a WFDB annotation file: ``read_wfdb_annotations(path,
    default_fs=default_fs).beats()``'s samples, symbols and rate, without building the
    :class:`Annotations` (its tuples of symbols and texts, its onsets): the ECG task reads
    one such file per record, and a set holds 100,000 records.

    ``data``: the file's bytes, when the caller has read them. ``vf_marks``: keep the
    ventricular flutter/fibrillation onsets and ends (``[`` and ``]``) among the beats,
    as :func:`medeval.metrics.ec57` needs them to leave VF episodes unscored.

    Raises
    ------
    LoaderError
        As :func:`read_wfdb_annotations`.
    """
    return regular_file_beats(regular_file(path, what="WFDB annotations"), default_fs, data,
                              vf_marks=vf_marks)


def regular_file_beats(file: Path, default_fs: float | None = None,
                       data: bytes | None = None, *, vf_marks: bool = False,
                       beside_fs: float | None = None) -> Beats:
    """:func:`read_wfdb_beats` of a path already found to be a regular file (the caller
    checked it; private to the loaders). ``beside_fs``: the frame rate on the record
    line of the header beside the file (``100.hea`` for ``100.atr``), where the caller
    has read it (the ECG task reads that header for the record's length): it is not
    read again."""
    record, annotator, data = _annotation_bytes(file, data)
    plain = plain_codes(np.frombuffer(data, dtype="<u2"))  # whole words: ends_properly
    if plain is not None:  # a file of beats and plain labels, its codes filtered at once
        samples, codes = plain
        # take: [] without its overhead
        keep = (_BEAT_VF_CODES if vf_marks else _BEAT_CODES).take(codes)
        if not keep.all():
            samples, codes = samples[keep], codes[keep]
        return Beats(samples, SYMBOL_ARRAY.take(codes),
                     _rate(file, record, beside_fs, default_fs))
    samples, symbols, _, fs = _decoded(file, record, annotator, data, default_fs, beside_fs)
    if isinstance(symbols, np.ndarray) and symbols.dtype == np.dtype("<U1"):
        # one code point per symbol; the MIT reader's symbols are ASCII
        points = symbols.view(np.uint32)
        table = _BEAT_VF_CODE_POINTS if vf_marks else _BEAT_CODE_POINTS
        keep = table[np.minimum(points, 127)] & (points < 128)
        if not keep.all():
            samples, symbols = samples[keep], symbols[keep]
        return Beats(samples, symbols, fs)
    kept = BEAT_SYMBOLS | VF_MARKS if vf_marks else BEAT_SYMBOLS
    index = [i for i, symbol in enumerate(symbols) if symbol in kept]
    return Beats(samples[index], np.asarray([symbols[i] for i in index], dtype=str)
                 .reshape(len(index)), fs)


def read_wfdb_arrays(path: str | Path, *, default_fs: float | None = None) -> Beats:
    """Every annotation of a WFDB annotation file as arrays: ``read_wfdb_annotations(path,
    default_fs=default_fs)``'s ``samples``, ``symbol_array`` and ``fs``, without building
    the :class:`Annotations` (a detector's ``.qrs`` file per record in the ECG task).

    Raises
    ------
    LoaderError
        As :func:`read_wfdb_annotations`.
    """
    _, _, samples, symbols, _, fs = _annotation_file(path, default_fs)
    if isinstance(symbols, np.ndarray):
        return Beats(samples, symbols.astype(str), fs)
    return Beats(samples, np.asarray(symbols, dtype=str).reshape(len(symbols)), fs)


def _annotation_file(
    path: str | Path, default_fs: float | None, data: bytes | None = None
) -> tuple[Path, str, NDArray[np.int64], tuple[str, ...] | NDArray[np.str_], tuple[str, ...],
           float]:
    """The file, its annotator, and its annotations' samples, symbols, texts and rate."""
    file = regular_file(path, what="WFDB annotations")
    record, annotator, data = _annotation_bytes(file, data)
    samples, symbols, aux, fs = _decoded(file, record, annotator, data, default_fs)
    return file, annotator, samples, symbols, aux, fs


def _annotation_bytes(file: Path, data: bytes | None) -> tuple[str, str, bytes]:
    """The record and annotator a file's name states, and its bytes (``data`` if read),
    which end as an MIT-format file does."""
    record, _, annotator = file.name.rpartition(".")
    if not record or not annotator:
        raise LoaderError(
            f"WFDB annotations {file}: the name must be RECORD.ANNOTATOR (e.g. 100.atr)"
        )
    try:
        data = file.read_bytes() if data is None else data
    except OSError as exc:
        raise LoaderError(f"WFDB annotations {file}: cannot be read ({exc.strerror})") from None
    if not ends_properly(data):
        raise LoaderError(
            f"WFDB annotations {file}: {len(data)} bytes ending "
            f"{data[-2:].hex() or 'nowhere'}, not with the zero word that closes an MIT-format "
            "annotation file: the file is truncated (or not an annotation file)"
        )
    return record, annotator, data


def _decoded(
    file: Path, record: str, annotator: str, data: bytes, default_fs: float | None,
    beside_fs: float | None = None,
) -> tuple[NDArray[np.int64], tuple[str, ...] | NDArray[np.str_], tuple[str, ...], float]:
    """The annotations' samples, symbols, texts and rate (MIT format read directly,
    anything else by ``wfdb``); ``beside_fs`` as in :func:`regular_file_beats`."""
    fast = None
    try:
        fast = read_mit_annotations(file, data)
    except (ValueError, UnicodeDecodeError):
        fast = None
    if fast is not None:
        samples, symbols, aux, fs = fast
    else:
        try:
            with _quiet():
                import wfdb

                ann = wfdb.rdann(str(file.parent / record), annotator)
        except Exception as exc:
            raise LoaderError(
                f"WFDB annotations {file}: cannot be read ({type(exc).__name__}: {exc}); it "
                "is truncated or not a WFDB annotation file"
            ) from exc
        fs = ann.fs
        samples = np.asarray(ann.sample, dtype=np.int64)
        symbols = tuple(str(sym) for sym in ann.symbol)
        aux = tuple((a or "").rstrip("\x00") for a in (ann.aux_note or [""] * samples.size))
    rate = _rate(file, record, beside_fs if fs is None else fs, default_fs)
    if len(symbols) != samples.size:
        raise LoaderError(f"WFDB annotations {file}: symbols and samples differ in number")
    return samples, symbols, aux, rate


def _rate(file: Path, record: str, fs: float | None, default_fs: float | None) -> float:
    """The annotations' time resolution: the file's own (``fs``), else the header's
    beside it, else ``default_fs`` where no header is there."""
    if fs is None:
        header = os.path.join(os.path.dirname(file), f"{record}.hea")
        present = _is_file(header)
        if default_fs is not None and not present:
            fs = default_fs
        elif present:
            fs = header_sampling_frequency(header)
            if fs is None:
                with _quiet():
                    import wfdb

                    fs = wfdb.rdheader(str(file.parent / record)).fs
    if fs is None or not float(fs) > 0:
        raise LoaderError(
            f"WFDB annotations {file}: states no sampling frequency and no header "
            f"{record}.hea is beside it; put the record's header next to it"
        )
    return float(fs)


def _is_file(path: str) -> bool:
    """``Path(path).is_file()`` without building the Path (the same errors ignored)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            raise
        return False
    except ValueError:
        return False


def _check_signal_files(head: Any, header: Path) -> None:
    spf = [int(s or 1) for s in (head.samps_per_frame or [1] * head.n_sig)]
    offsets = head.byte_offset or [None] * head.n_sig
    frame_bytes: dict[str, float] = {}
    start: dict[str, int] = {}
    packed: dict[str, int] = {}  # a format 310 file's samples per frame
    for name, fmt, n, offset in zip(head.file_name, head.fmt, spf, offsets):
        if name == "~":
            continue
        size = _BYTES_PER_SAMPLE.get(str(fmt))
        frame_bytes[name] = frame_bytes.get(name, 0.0) + (size or 0.0) * n
        start[name] = int(offset or 0)
        if str(fmt) == "310":
            packed[name] = packed.get(name, 0) + n
    for name, per_frame in frame_bytes.items():
        data = header.parent / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise LoaderError(
                f"WFDB header {header}: names signal file {name} outside its directory"
            )
        if not data.is_file():
            written = _non_ascii_file_names(header)
            if written:
                raise LoaderError(
                    f"WFDB header {header}: names signal file(s) {', '.join(written)}, whose "
                    "names are not ASCII; wfdb-python, which medeval reads records with, "
                    f"drops those bytes from a header (it looked for {name}): give the "
                    "record's files ASCII names (letters, digits, '_', '-') and write them "
                    "so in the header"
                )
            raise LoaderError(
                f"WFDB header {header}: names signal file {name}, which is missing (looked "
                f"for {data}); copy it beside the header"
            )
        if head.sig_len and per_frame:
            needed = start[name] + math.ceil(head.sig_len * per_frame)
            if (head.sig_len * packed.get(name, 0)) % 3 == 2:
                # format 310 keeps the second sample of three in bits 1-10 of the
                # second 16-bit word: a last group of two needs both words, 4 bytes
                needed += 1
            have = data.stat().st_size
            if have < needed:
                raise LoaderError(
                    f"WFDB signal file {data}: {have} bytes, but header {header.name} "
                    f"states {head.sig_len} frames of the signals in it, which need {needed} "
                    "bytes; the file is truncated"
                )


def _non_ascii_file_names(header: Path) -> list[str]:
    """The signal files the header names (its own reading, as bytes) whose names hold
    bytes that are not ASCII, which wfdb-python drops, as it reads a header as ASCII
    with errors ignored."""
    return [repr(name) for name in wfdb_files(header) if not name.isascii()]


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence wfdb's own deprecation noise (pandas ``inplace=``); not ours to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"wfdb(\.|$)")
        yield


def _start(head: Any) -> dt.datetime | None:
    if head.base_date is not None and head.base_time is not None:
        return dt.datetime.combine(head.base_date, head.base_time)
    return None

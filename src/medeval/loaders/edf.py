"""EDF, EDF+ and BDF files, read with ``pyedflib`` (EDFlib, by Teuniz).

Before pyedflib opens a file, its fixed header is checked: the 8-byte version field, a
header length equal to 256 × (signals + 1), and a file at least that long. A file that
fails is a ``LoaderError`` naming it and the field at fault.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import LoaderError
from ._files import EDF_VERSIONS, regular_file
from ._records import Annotations, Signal

__all__ = ["edf_duration_s", "edf_signal_rate", "edf_signal_rates", "edf_start",
           "first_edf_start", "read_edf", "read_edf_annotations", "record_rate",
           "several_rates", "shown_start"]


def read_edf(path: str | Path, *, channels: list[str] | None = None) -> Signal:
    """Read the signals of an EDF/EDF+/BDF file in physical units.

    The EDF+ annotation channel is not a signal and is left out (read it with
    :func:`read_edf_annotations`).

    Raises
    ------
    LoaderError
        Malformed header, truncated data, no signals (annotation-only EDF+), unknown
        channel names, chosen channels of different rates.
    """
    file = regular_file(path, what="EDF file")
    reader = _open(file)
    try:
        labels = [str(s) for s in reader.getSignalLabels()]
        if not labels:
            raise LoaderError(
                f"EDF file {file}: has no signals (an annotation-only EDF+); read it with "
                "read_annotations"
            )
        chosen = labels if channels is None else list(channels)
        unknown = [c for c in chosen if c not in labels]
        if unknown:
            raise LoaderError(f"EDF file {file}: no channel(s) {unknown}; it has {labels}")
        indices = [labels.index(c) for c in chosen]
        rates = {c: float(reader.getSampleFrequency(i)) for c, i in zip(chosen, indices)}
        if len(set(rates.values())) > 1:
            shown = ", ".join(f"{c} {r:g} Hz" for c, r in rates.items())
            raise LoaderError(
                f"EDF file {file}: channels have different sampling rates ({shown}); choose "
                "channels of one rate with channels="
            )
        counts = {int(reader.getNSamples()[i]) for i in indices}
        if len(counts) != 1:
            raise LoaderError(f"EDF file {file}: channels differ in length {sorted(counts)}")
        samples = np.empty((counts.pop(), len(indices)), dtype=np.float64)
        for column, i in enumerate(indices):
            samples[:, column] = reader.readSignal(i)
        units = tuple(str(reader.getPhysicalDimension(i)) for i in indices)
        start = reader.getStartdatetime()
        metadata = {
            "format": "edf",
            "source": str(file),
            "file_type": _file_type(reader),
            "patient_code": str(reader.getPatientCode() or "") or None,
            "equipment": str(reader.getEquipment() or "") or None,
        }
    except LoaderError:
        raise
    except Exception as exc:
        raise LoaderError(f"EDF file {file}: cannot be read ({exc})") from exc
    finally:
        reader.close()
    return Signal(samples, fs=rates[chosen[0]], channels=tuple(chosen), units=units,
                  start_time=start, metadata=metadata)


def read_edf_annotations(path: str | Path) -> Annotations:
    """Read the EDF+ annotations (onset, duration, text) of a file, signals or not.

    A duration of -1 (EDFlib's "none given") becomes NaN. ``samples`` and ``fs`` are set
    when the file has signals all at one rate.
    """
    file = regular_file(path, what="EDF file")
    reader = _open(file)
    try:
        onsets, durations, texts = reader.readAnnotations()
        rates = {float(reader.getSampleFrequency(i)) for i in range(reader.signals_in_file)}
        kind = _file_type(reader)
    except Exception as exc:
        raise LoaderError(f"EDF file {file}: annotations cannot be read ({exc})") from exc
    finally:
        reader.close()
    onsets = np.asarray(onsets, dtype=np.float64)
    durations = np.asarray(durations, dtype=np.float64)
    durations = np.where(durations < 0, np.nan, durations)
    fs = rates.pop() if len(rates) == 1 else None
    samples = None if fs is None else np.round(onsets * fs).astype(np.int64)
    return Annotations(
        samples=samples,
        symbols=tuple(str(t) for t in texts),
        onsets_s=onsets,
        durations_s=durations,
        fs=fs,
        metadata={"format": "edf", "source": str(file), "file_type": kind},
    )


def edf_start(path: str | Path) -> str | None:
    """The start date and time an EDF/EDF+/BDF header states (``dd.mm.yyhh.mm.ss``, its
    bytes 168-184), or None where the file cannot be read or is not EDF/BDF.

    Examples
    --------
    >>> edf_start(__file__) is None
    True
    """
    head = _head(path, 184)
    return None if head is None or len(head) < 184 else head[168:184].decode("latin-1")


def shown_start(start: str) -> str:
    """An EDF header's start (:func:`edf_start`: ``dd.mm.yyhh.mm.ss``, the date and time
    fields side by side) as a message shows it: quoted, a space between date and time,
    and its form named. Without the space ``'19.11.1519.33.09'`` reads as a date in 1519.

    >>> shown_start("19.11.1519.33.09")
    "'19.11.15 19.33.09' (dd.mm.yy hh.mm.ss)"
    """
    return f"{f'{start[:8]} {start[8:]}'!r} (dd.mm.yy hh.mm.ss)"


def edf_discontinuous(path: str | Path) -> bool:
    """Whether the file is EDF or BDF and its header says EDF+D or BDF+D (its reserved
    field): a recording with gaps between its data records, whose header states no one
    length (False where the file cannot be read).

    Examples
    --------
    >>> edf_discontinuous(__file__)
    False
    """
    head = _head(path, 197)
    return head is not None and head[192:197] in (b"EDF+D", b"BDF+D")


def _head(path: str | Path, size: int) -> bytes | None:
    """The first ``size`` bytes of an EDF or BDF file (fewer where it is shorter); None
    where it cannot be read or does not start as EDF or BDF does."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(size)
    except OSError:
        return None
    return head if head[:8] in EDF_VERSIONS else None


def first_edf_start(folder: Path, names: Iterable[str]) -> tuple[str, str] | None:
    """The first of ``names`` (files in ``folder``) that is an EDF/BDF file, with the
    start date and time its header states, or None where none is (the ecg-beats and
    eeg-events tasks compare a reference's or a prediction's start with a case's
    record)."""
    return next(((name, start) for name in names
                 if (start := edf_start(folder / name)) is not None), None)


def edf_duration_s(path: str | Path) -> tuple[float, int, float] | None:
    """The length of an EDF/EDF+/BDF recording from its fixed header, without reading
    its data: (number of data records x duration of a data record, the number, the
    duration), or None when the file does not start as EDF or BDF does or states the
    number of its data records as -1 (unknown: a recording still being written) or is
    discontinuous (EDF+D, BDF+D: gaps between data records).

    Raises
    ------
    LoaderError
        A header shorter than 256 bytes; a number of data records or a record duration
        that is not a number, or negative; a file shorter than its header's data records
        need (truncated: the header overstates its length; pyedflib refuses it).
    """
    file = Path(path)
    with open(file, "rb") as handle:
        head = handle.read(256)
        size = os.fstat(handle.fileno()).st_size
        if head[:8] not in EDF_VERSIONS:
            return None
        if len(head) < 256:
            raise LoaderError(
                f"EDF file {file}: {len(head)} bytes, shorter than the 256-byte EDF header; "
                "truncated")
        signals = int(_numbers(file, head, ((252, 256, int),), "number of signals")[0])
        block = handle.read(256 * max(signals, 0))
    count, seconds = _numbers(file, head, ((236, 244, int), (244, 252, float)),
                              "number of data records or record duration")
    records = int(count)
    if records == -1 or head[192:197] in (b"EDF+D", b"BDF+D"):
        return None  # unknown yet, or records with gaps between them
    if records < 0 or not seconds >= 0 or math.isinf(seconds):
        raise LoaderError(
            f"EDF file {file}: {records} data records of {seconds:g} s; the header is "
            "corrupt")
    # each signal's samples per data record, after its 216 bytes of other fields
    per_record = sum(_numbers(file, block, tuple(
        (216 * signals + 8 * k, 216 * signals + 8 * k + 8, int) for k in range(signals)),
        "samples per data record"))
    need = 256 * (signals + 1) + records * int(per_record) * (3 if head[:1] == b"\xff" else 2)
    if size < need:
        raise LoaderError(
            f"EDF file {file}: {size} bytes, but its header's {records} data records of "
            f"{int(per_record)} samples need {need}; truncated (its length cannot be told)")
    return records * seconds, records, seconds


def edf_signal_rate(path: str | Path) -> float | None:
    """The one sampling rate of an EDF/BDF file's signals (its annotations channel
    aside): samples per data record over the record's duration, as pyedflib's
    ``getSampleFrequency`` and :func:`read_edf_annotations` take it, from the header
    alone; None where the file is no EDF or BDF file, its header cannot be read, or it
    holds signals at several rates or none.

    Examples
    --------
    >>> edf_signal_rate(__file__) is None
    True
    """
    rates = edf_signal_rates(path)
    return rates[0] if rates is not None and len(rates) == 1 else None


def edf_signal_rates(path: str | Path) -> tuple[float, ...] | None:
    """The sampling rates of an EDF/BDF file's signals (its annotations channel aside),
    each once, in ascending order, from the header alone; None where the file is no EDF
    or BDF file or its header cannot be read.

    Examples
    --------
    >>> edf_signal_rates(__file__) is None
    True
    """
    head = _head(path, 256)
    if head is None or len(head) < 256:
        return None
    file = Path(path)
    try:
        signals = int(_numbers(file, head, ((252, 256, int),), "number of signals")[0])
        seconds = _numbers(file, head, ((244, 252, float),), "record duration")[0]
        block = _head(path, 256 * (signals + 1))
        if block is None or len(block) < 256 * (signals + 1) or not seconds > 0:
            return None
        block = block[256:]
        per_record = _numbers(file, block, tuple(
            (216 * signals + 8 * k, 216 * signals + 8 * k + 8, int) for k in range(signals)),
            "samples per data record")
    except LoaderError:
        return None  # the file's own reading says why
    labels = [block[16 * k:16 * k + 16].strip() for k in range(signals)]
    return tuple(sorted({n / seconds for n, label in zip(per_record, labels)
                         if label not in (b"EDF Annotations", b"BDF Annotations")}))


def record_rate(folder: Path, names: Iterable[str]) -> float | None:
    """The one signal rate the EDF/BDF files among ``names`` (in ``folder``) share, the
    annotation-only ones aside: the rate of the record whose samples annotations stating
    none count; None where they hold none, or several (which one is not assumed)."""
    rates = {rate for _, found in _signal_rates(folder, names) for rate in found}
    return rates.pop() if len(rates) == 1 else None


def several_rates(folder: Path, names: Iterable[str]) -> str:
    """Why the EDF/BDF files among ``names`` give annotations that state no time
    resolution none (their signals are at several rates), as a clause to add to the
    annotation file's refusal; empty where they share one rate or hold none."""
    files = _signal_rates(folder, names)
    rates = sorted({rate for _, found in files for rate in found})
    if len(rates) < 2:
        return ""
    shown = ", ".join(f"{rate:g}" for rate in rates)
    record = (f"record {files[0][0]} is EDF, not WFDB, and its" if len(files) == 1 else
              f"records {', '.join(name for name, _ in files)} are EDF, not WFDB, and their")
    return (f"; but the case's {record} signals are at several rates ({shown} Hz): which of "
            "them the annotations count is not assumed; write their time resolution in the "
            "file (wfdb.wrann's fs)")


def _signal_rates(folder: Path, names: Iterable[str]) -> list[tuple[str, tuple[float, ...]]]:
    """The EDF/BDF files among ``names`` that hold signals, with their rates."""
    return [(name, found) for name in names if (found := edf_signal_rates(folder / name))]


def _open(file: Path) -> Any:
    import pyedflib

    _check_header(file)
    try:
        return pyedflib.EdfReader(str(file))
    except Exception as exc:
        raise LoaderError(
            f"EDF file {file}: rejected by the EDF reader ({exc}); check it is a valid "
            "EDF/EDF+/BDF file and not truncated"
        ) from exc


def _check_header(file: Path) -> None:
    size = file.stat().st_size
    with open(file, "rb") as handle:
        head = handle.read(256)
    if len(head) < 256:
        raise LoaderError(
            f"EDF file {file}: {size} bytes, shorter than the 256-byte EDF header; truncated"
        )
    if head[:8] not in EDF_VERSIONS:
        raise LoaderError(f"EDF file {file}: version field {head[:8]!r} is not EDF or BDF")
    if head[192:197] in (b"EDF+D", b"BDF+D"):
        raise LoaderError(
            f"EDF file {file}: {head[192:197].decode()} (discontinuous: its data records "
            "have gaps between them); only continuous recordings are read (EDF, EDF+C, BDF, "
            "BDF+C): export the recording as one continuous file")
    header_bytes, signals = (int(n) for n in _numbers(
        file, head, ((184, 192, int), (252, 256, int)), "header length or number of signals"))
    if header_bytes != 256 * (signals + 1):
        raise LoaderError(
            f"EDF file {file}: header length field says {header_bytes} bytes, but "
            f"{signals} signal(s) need 256 x ({signals} + 1) = {256 * (signals + 1)}; the "
            "header is corrupt"
        )
    if size < header_bytes:
        raise LoaderError(
            f"EDF file {file}: {size} bytes, shorter than its {header_bytes}-byte header; "
            "truncated"
        )


def _numbers(file: Path, head: bytes, fields: tuple[tuple[int, int, type], ...],
             what: str) -> list[float]:
    """The header's ASCII number fields ``head[start:end]`` read by ``kind`` (int or
    float), or a LoaderError naming the file, ``what`` they are and their bytes."""
    try:
        return [kind(head[start:end].decode("ascii").strip()) for start, end, kind in fields]
    except ValueError:
        shown = ", ".join(repr(head[start:end]) for start, end, _ in fields)
        raise LoaderError(f"EDF file {file}: {what} is not a number ({shown})") from None


def _file_type(reader: Any) -> str:
    names = {0: "EDF", 1: "EDF+", 2: "BDF", 3: "BDF+"}
    return names.get(int(reader.filetype), str(reader.filetype))

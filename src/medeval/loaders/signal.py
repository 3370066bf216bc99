"""``read_record`` and ``read_annotations``: WFDB, EDF/EDF+ and DICOM waveform files.

A dispatcher: it recognises the format from the file (EDF by its header bytes, DICOM by
its preamble, WFDB by its ``.hea`` header) and hands the path to its reader,
:mod:`~medeval.loaders.wfdb`, :mod:`~medeval.loaders.edf` or
:mod:`~medeval.loaders.waveform`; so ``read_record("ecg/100")``,
``read_record("ecg/100.hea")`` and ``read_record("eeg/run.edf")`` all work. WFDB records
and EDF/EDF+ files give a :class:`~medeval.loaders.Signal`; WFDB annotation files
(``.atr``, ``.qrs``, ...) and EDF+ annotation channels give
:class:`~medeval.loaders.Annotations`. The records and ``BEAT_SYMBOLS`` are defined in
:mod:`medeval.loaders._records` and importable from here as before.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import LoaderError
from ._files import EDF_VERSIONS, sniff
from ._mit_annotations import CODE_SYMBOLS
from ._records import BEAT_SYMBOLS, Annotations, Signal
from .edf import read_edf, read_edf_annotations
from .waveform import read_dicom_waveform
from .wfdb import VF_MARKS, Beats, read_wfdb, read_wfdb_annotations, regular_file_beats

__all__ = ["BEAT_SYMBOLS", "Annotations", "Signal", "read_annotations", "read_beats",
           "read_record"]


def read_record(
    path: str | os.PathLike[str], *, channels: list[str] | None = None
) -> Signal:
    """Read a WFDB record, an EDF/EDF+/BDF file or a DICOM waveform as a :class:`Signal`.

    Parameters
    ----------
    path : path
        An EDF file, a WFDB header (``100.hea``), the record name without suffix, or
        a DICOM waveform file (its first multiplex group; see
        :func:`medeval.loaders.waveform.read_dicom_waveform` for the others).
    channels : list of str, optional
        The channels to read, by name, in that order. Needed when the channels are not
        all sampled at the same rate (the error lists each channel's rate).

    Returns
    -------
    Signal

    Raises
    ------
    LoaderError
        Missing header or signal file, unreadable or truncated file, an unknown channel,
        channels of different rates, an EDF+ file without signals.

    Examples
    --------
    >>> read_record("no/such/record")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    medeval.errors.LoaderError: record no/such/record: no EDF file and no WFDB header ...
    """
    kind, file = _kind(Path(path))
    if kind == "dicom":
        return read_dicom_waveform(file, channels=channels)
    if kind == "edf":
        return read_edf(file, channels=channels)
    return read_wfdb(file, channels=channels)


def read_annotations(
    path: str | os.PathLike[str], extension: str | None = None
) -> Annotations:
    """Read WFDB annotations or the annotations of an EDF+ file.

    Parameters
    ----------
    path : path
        An EDF+ file (with or without signals), a WFDB annotation file
        (``100.atr``), or a WFDB record name when ``extension`` is given.
    extension : str, optional
        The WFDB annotator, e.g. ``"atr"``: the file read is ``path + "." + extension``.

    Returns
    -------
    Annotations
        For WFDB, every annotation in the file (filter beats with ``.beats()``), at the
        file's own time resolution (``fs``). For EDF+, the annotation texts with onsets
        and durations; ``fs`` and ``samples`` are the signals' rate where the file has
        signals all at one rate, None otherwise.

    Raises
    ------
    LoaderError
        The file is missing, not an annotation file, truncated, or has no sampling rate
        (a WFDB annotation file that states none, with no header beside it).
    """
    base = Path(path)
    file = base.with_name(f"{base.name}.{extension}") if extension else base
    if not file.is_file():
        raise LoaderError(f"annotations {file}: no such file; check the path and extension")
    if extension is None and sniff(file) == "edf":
        return read_edf_annotations(file)
    return read_wfdb_annotations(file)


#: The rate at which the beats of an EDF+ file of no one signal rate are counted: its
#: onsets (seconds in the file's text) to the microsecond.
EDF_ONSET_RATE = 1e6


def read_beats(path: str | os.PathLike[str], *, default_fs: float | None = None,
               vf_marks: bool = False, beside_fs: float | None = None) -> Beats:
    """``read_annotations(path).beats()`` as the arrays a beat comparison takes: the
    beats' samples, symbols and rate; with ``vf_marks``, the ventricular flutter and
    fibrillation onsets and ends (``[`` and ``]``) too, which EC57 scores around
    (:func:`medeval.metrics.ec57` leaves VF episodes out, as ``bxb``).

    ``default_fs``: the time resolution of a WFDB annotation file that states none and
    has no header beside it (the rate of the record it annotates, whose header lies
    elsewhere), as in :func:`~medeval.loaders.wfdb.read_wfdb_annotations`.
    ``beside_fs``: the frame rate on the record line of the WFDB header beside the file
    (``100.hea`` for ``100.atr``), where the caller has read it: the header is then not
    read again for a file that states no time resolution (None: read where needed).

    A WFDB file's beats are taken from its decoded words without building the
    :class:`Annotations` (:func:`~medeval.loaders.wfdb.read_wfdb_beats`); an EDF+ file's
    through :func:`read_annotations`, at its signals' rate, or where the file has no one
    rate (annotations only, or signals at several rates) as its onsets in microseconds
    (``fs`` 10**6); an EDF+ file's beats in time order (EDF+ keeps annotations in the
    order written, and one added later may come last).

    Raises
    ------
    LoaderError
        As :func:`read_annotations`.
    """
    file = Path(path)
    if not file.is_file():
        raise LoaderError(f"annotations {file}: no such file; check the path and extension")
    try:
        with open(file, "rb", buffering=0) as handle:
            data: bytes | None = handle.read()
    except OSError:
        data = None  # the reader says why
    # sniff finds EDF only in a file that starts so: the bytes read spare it otherwise
    if (data is None or data.startswith(EDF_VERSIONS)) and sniff(file) == "edf":
        annotations = read_edf_annotations(file)
        found = annotations.beats(BEAT_SYMBOLS | VF_MARKS if vf_marks else BEAT_SYMBOLS)
        other = _other_texts(annotations.symbols)
        # EDF+ keeps annotations in the order written (one added later comes last);
        # beats are compared in time order
        order = np.argsort(found.onsets_s, kind="stable")
        symbols = found.symbol_array[order]
        if found.fs is None:
            # no one signal rate (an annotation-only file, or signals at several rates):
            # the onsets as written, in seconds, counted in microseconds
            return Beats(np.round(found.onsets_s[order] * EDF_ONSET_RATE).astype(np.int64),
                         symbols, EDF_ONSET_RATE, other)
        return Beats(np.asarray(found.samples)[order], symbols, found.fs, other)
    # a regular file: is_file said so
    return regular_file_beats(file, default_fs, data, vf_marks=vf_marks, beside_fs=beside_fs)


def _other_texts(texts: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """The texts of an EDF+ file's annotations that are no WFDB annotation code (EDF+
    holds free text: "Normal beat" is no beat symbol), with their counts, most frequent
    first."""
    codes = set(CODE_SYMBOLS.values())
    counted = Counter(text for text in texts if text not in codes)
    return tuple(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def _kind(path: Path) -> tuple[str, Path]:
    if path.is_file():
        found = sniff(path)
        if found in ("edf", "dicom"):
            return found, path
        if path.suffix.lower() == ".hea":
            return "wfdb", path
        if path.with_suffix(".hea").is_file():
            return "wfdb", path.with_suffix(".hea")
        raise LoaderError(
            f"record {path}: neither an EDF file nor a WFDB header (.hea); give the EDF "
            "file or the WFDB record name"
        )
    header = path.with_name(path.name + ".hea")
    if header.is_file():
        return "wfdb", header
    raise LoaderError(
        f"record {path}: no EDF file and no WFDB header {header.name} there; check the path"
    )


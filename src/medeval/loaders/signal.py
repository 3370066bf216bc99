"""``Signal`` and ``Annotations`` records; ``read_record`` and ``read_annotations`` dispatch.

WFDB records (``.hea`` + signal files) and EDF/EDF+ files give a :class:`Signal`;
WFDB annotation files (``.atr``, ``.qrs``, ...) and EDF+ annotation channels give
:class:`Annotations`. The format is recognised from the file (EDF by its header bytes,
WFDB by its ``.hea`` header), so ``read_record("ecg/100")``, ``read_record("ecg/100.hea")``
and ``read_record("eeg/run.edf")`` all work.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import LoaderError

__all__ = ["BEAT_SYMBOLS", "Annotations", "Signal", "read_annotations", "read_record"]

BEAT_SYMBOLS: frozenset[str] = frozenset("N L R B A a J S V r F e j n E / f Q ?".split())
"""WFDB annotation codes that mark a beat (PhysioNet's ``annot_codes``; ANSI/AAMI EC57).

Rhythm changes (``+``), comments (``"``), noise (``~``), signal quality and the other
non-beat codes are not beats.
"""


@dataclass(frozen=True, eq=False)
class Signal:
    """A multichannel recording sampled at one rate.

    Attributes
    ----------
    samples : numpy.ndarray
        ``(n_samples, n_channels)`` float64, in physical units.
    fs : float
        Samples per second, the same for every channel returned.
    channels : tuple of str
        Channel names, one per column.
    units : tuple of str
        Physical unit of each channel (``"mV"``, ``"uV"``).
    start_time : datetime.datetime or None
        Start of the recording when the file states it.
    metadata : Mapping
        ``format`` (``"wfdb"`` or ``"edf"``), ``source`` and format-specific items.

    Examples
    --------
    >>> import numpy as np
    >>> s = Signal(np.zeros((720, 2)), fs=360.0, channels=("MLII", "V5"), units=("mV", "mV"))
    >>> s.n_samples, s.duration_s
    (720, 2.0)
    """

    samples: NDArray[np.float64]
    fs: float
    channels: tuple[str, ...]
    units: tuple[str, ...]
    start_time: dt.datetime | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        samples = np.asarray(self.samples, dtype=np.float64)
        if samples.ndim != 2 or samples.shape[1] != len(self.channels):
            raise LoaderError(
                f"Signal: samples must be (n_samples, n_channels) with one column per "
                f"channel name; got shape {samples.shape} for {len(self.channels)} names"
            )
        if not (math.isfinite(self.fs) and self.fs > 0):
            raise LoaderError(f"Signal: fs must be a positive number, got {self.fs!r}")
        object.__setattr__(self, "samples", samples)
        object.__setattr__(self, "fs", float(self.fs))
        object.__setattr__(self, "channels", tuple(self.channels))
        object.__setattr__(self, "units", tuple(self.units))
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def n_samples(self) -> int:
        """Number of samples per channel."""
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        """``n_samples / fs``."""
        return self.n_samples / self.fs


@dataclass(frozen=True, eq=False)
class Annotations:
    """Time-stamped labels: beats of an ECG, events of an EEG, stages of a hypnogram.

    Attributes
    ----------
    samples : numpy.ndarray or None
        Sample index of each annotation (int64) at ``fs``; None when the annotations
        have no sampling rate (an EDF+ file without signals).
    symbols : tuple of str
        The label of each annotation: a WFDB code (``"N"``, ``"V"``, ``"+"``) or an
        EDF+ text (``"Sleep stage W"``). Given as a numpy array, it is stored as a
        tuple and the array kept as :attr:`symbol_array`.
    onsets_s : numpy.ndarray
        Onset of each annotation in seconds from the start of the record.
    durations_s : numpy.ndarray
        Duration in seconds, NaN where none is given.
    fs : float or None
        The rate ``samples`` count at.
    aux : tuple of str
        Auxiliary text per annotation (WFDB ``aux_note``, e.g. ``"(AFIB"`` on a rhythm
        change); empty strings where there is none.
    metadata : Mapping
        ``format`` and ``source``.

    Examples
    --------
    >>> import numpy as np
    >>> a = Annotations(samples=np.array([18, 77, 370]), symbols=("+", "N", "V"),
    ...                 onsets_s=np.array([18, 77, 370]) / 360, durations_s=np.full(3, np.nan),
    ...                 fs=360.0)
    >>> a.beats().symbols
    ('N', 'V')
    """

    samples: NDArray[np.int64] | None
    symbols: tuple[str, ...]
    onsets_s: NDArray[np.float64]
    durations_s: NDArray[np.float64]
    fs: float | None
    aux: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.symbols, np.ndarray):  # kept as the array symbol_array gives
            array = self.symbols.astype(str)
            object.__setattr__(self, "symbols", tuple(array.tolist()))
            self.__dict__["symbol_array"] = array
        n = len(self.symbols)
        aux = tuple(self.aux) if self.aux else ("",) * n
        onsets = np.asarray(self.onsets_s, dtype=np.float64)
        durations = np.asarray(self.durations_s, dtype=np.float64)
        samples = None if self.samples is None else np.asarray(self.samples, dtype=np.int64)
        lengths = {len(onsets), len(durations), len(aux)} | (
            set() if samples is None else {len(samples)})
        if lengths != {n}:
            raise LoaderError(
                f"Annotations: samples, symbols, onsets_s, durations_s and aux must have one "
                f"entry per annotation ({n}); got lengths {sorted(lengths)}"
            )
        object.__setattr__(self, "samples", samples)
        object.__setattr__(self, "symbols", tuple(self.symbols))
        object.__setattr__(self, "onsets_s", onsets)
        object.__setattr__(self, "durations_s", durations)
        object.__setattr__(self, "aux", aux)
        object.__setattr__(self, "metadata", dict(self.metadata))

    def __len__(self) -> int:
        return len(self.symbols)

    @functools.cached_property
    def symbol_array(self) -> NDArray[np.str_]:
        """``symbols`` as a numpy array of str (made once; the array a reader gave)."""
        return np.asarray(self.symbols, dtype=str).reshape(len(self.symbols))

    def select(self, keep: NDArray[np.bool_]) -> Annotations:
        """The annotations where ``keep`` is True, in the same order."""
        index = np.flatnonzero(keep)
        if index.size == len(self.symbols):
            return self  # frozen: nothing to copy when everything is kept
        return Annotations(
            samples=None if self.samples is None else self.samples[index],
            symbols=tuple(self.symbols[i] for i in index),
            onsets_s=self.onsets_s[index],
            durations_s=self.durations_s[index],
            fs=self.fs,
            aux=tuple(self.aux[i] for i in index),
            metadata=self.metadata,
        )

    def beats(self, symbols: frozenset[str] = BEAT_SYMBOLS) -> Annotations:
        """Only the beat annotations (rhythm labels, comments and noise removed)."""
        distinct = set(self.symbols)
        if distinct <= symbols:
            return self  # the common case: a beat annotator's file holds only beats
        return self.select(np.array([s in symbols for s in self.symbols], dtype=bool))


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
        from .waveform import read_dicom_waveform

        return read_dicom_waveform(file, channels=channels)
    if kind == "edf":
        from .edf import read_edf

        return read_edf(file, channels=channels)
    from .wfdb import read_wfdb

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
    from ._files import sniff

    if extension is None and sniff(file) == "edf":
        from .edf import read_edf_annotations

        return read_edf_annotations(file)
    from .wfdb import read_wfdb_annotations

    return read_wfdb_annotations(file)


def _kind(path: Path) -> tuple[str, Path]:
    from ._files import sniff

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

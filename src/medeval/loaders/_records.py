"""The records the format readers return: ``Image``, ``Signal`` and ``Annotations``.

A leaf module: it imports no reader, so every reader (:mod:`~medeval.loaders.dicom`,
:mod:`~medeval.loaders.itk`, :mod:`~medeval.loaders.seg`, :mod:`~medeval.loaders.edf`,
:mod:`~medeval.loaders.wfdb`, :mod:`~medeval.loaders.waveform`) imports its record from
here, and the dispatchers :func:`~medeval.loaders.read_image`,
:func:`~medeval.loaders.read_record` and :func:`~medeval.loaders.read_annotations` import
the readers. The public paths are ``medeval.loaders.Image`` (also
``medeval.loaders.image.Image``) and ``medeval.loaders.Signal``, ``Annotations``,
``BEAT_SYMBOLS`` (also from ``medeval.loaders.signal``).

An :class:`Image` is in the array's axis order. An image of ``nz`` slices of ``ny`` rows
and ``nx`` columns has ``array.shape == (nz, ny, nx)`` (a colour image adds a last axis of
3, channels last in R, G, B order: a PNG frame is ``(1, ny, nx, 3)``),
``spacing_mm == (dz, dy, dx)`` (None for a file that states no physical spacing, such as
a PNG or JPEG frame: absent, never a silent 1.0), ``origin_mm`` the centre of voxel ``[0, 0, 0]`` as
``(z, y, x)`` patient coordinates (DICOM LPS, reversed), and ``direction`` the 3 × 3
matrix whose column ``j`` is the unit vector of array axis ``j`` in those same reversed
coordinates. So, for an index ``i = (k, j, i)``::

    point_zyx = origin_mm + direction @ (spacing_mm * index)

which is SimpleITK's ``TransformIndexToPhysicalPoint`` with every vector reversed
(SimpleITK orders vectors (x, y, z)).

A :class:`Signal` is a multichannel recording at one rate; :class:`Annotations` are
time-stamped labels (ECG beats, EEG events) read from WFDB annotation files or EDF+.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import LoaderError

__all__ = ["BEAT_SYMBOLS", "Annotations", "Image", "Signal"]


@dataclass(frozen=True, eq=False)
class Image:
    """A 3-D image (or a stack of 2-D frames) with its geometry, all in (z, y, x) order.

    Attributes
    ----------
    array : numpy.ndarray
        Shape ``(nz, ny, nx)``, or ``(nz, ny, nx, 3)`` for colour: channels last, in
        R, G, B order (a 2-D RGB frame is ``(1, ny, nx, 3)``). A single 2-D slice has
        ``nz == 1``; a multi-page TIFF is a stack of ``nz`` frames. DICOM values have the
        modality rescale applied (CT in HU).
    spacing_mm : tuple of float, or None
        ``(dz, dy, dx)``: distance between slice centres, between rows, between columns.
        None when the file states no physical spacing (PNG, JPEG, BMP and TIFF frames,
        see :mod:`medeval.loaders.raster`): the spacing is then absent, never taken as
        1 mm; distances on such an image are in pixels, or in mm only with a pixel
        spacing the caller (the protocol) declares. :meth:`physical_point` refuses it.
    origin_mm : tuple of float
        Centre of voxel ``[0, 0, 0]`` in patient coordinates, ``(z, y, x)``.
    direction : numpy.ndarray
        3 × 3; column ``j`` is the unit vector of array axis ``j`` in ``(z, y, x)``
        patient coordinates. The identity for an axial image in standard orientation.
    metadata : Mapping
        What matters for an evaluation, as available: ``format``, ``source``,
        ``modality``, ``manufacturer``, ``patient_id``, ``study_uid``, ``series_uid``,
        ``sop_instance_uids`` (in slice order), ``slice_thickness_mm``,
        ``frame_of_reference_uid``, ``transfer_syntax``, ``geometry`` (``"dicom"`` when
        positions came from the file, ``"absent"`` when the file had none and unit
        spacing was assumed).

    Examples
    --------
    >>> import numpy as np
    >>> image = Image(np.zeros((2, 3, 4)), spacing_mm=(2.5, 0.5, 0.5))
    >>> image.shape, image.spacing_mm, image.origin_mm
    ((2, 3, 4), (2.5, 0.5, 0.5), (0.0, 0.0, 0.0))
    >>> image.physical_point((1, 2, 3)).tolist()   # 1*2.5, 2*0.5, 3*0.5
    [2.5, 1.0, 1.5]
    >>> frame = Image(np.zeros((1, 3, 4, 3), dtype=np.uint8), spacing_mm=None)
    >>> frame.shape, frame.spacing_mm
    ((1, 3, 4, 3), None)
    """

    array: NDArray[Any]
    spacing_mm: tuple[float, float, float] | None = (1.0, 1.0, 1.0)
    origin_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    direction: NDArray[np.float64] = field(default_factory=lambda: np.eye(3))
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        array = np.asarray(self.array)
        if array.ndim not in (3, 4):
            raise LoaderError(
                f"Image: array must be (z, y, x) or (z, y, x, channels), got shape "
                f"{array.shape}; add a leading axis of 1 for a single slice"
            )
        direction = np.array(self.direction, dtype=np.float64).reshape(3, 3)
        direction.setflags(write=False)
        object.__setattr__(self, "array", array)
        if self.spacing_mm is not None:
            object.__setattr__(self, "spacing_mm", _triple(self.spacing_mm, "spacing_mm"))
        object.__setattr__(self, "origin_mm", _triple(self.origin_mm, "origin_mm"))
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, ``(nz, ny, nx)`` (plus channels for colour)."""
        return tuple(self.array.shape)

    def physical_point(self, index: ArrayLike) -> NDArray[np.float64]:
        """Patient coordinates ``(z, y, x)`` in mm of the voxel centre at ``index``.

        Raises LoaderError for an image without spacing (a 2-D raster frame): it has no
        patient coordinates.
        """
        if self.spacing_mm is None:
            raise LoaderError(
                f"Image {self.metadata.get('source') or '<in memory>'}: has no physical "
                "spacing (a PNG, JPEG, BMP or TIFF frame), so no point in mm; work in "
                "pixels or use the pixel spacing the protocol declares"
            )
        offset = np.asarray(self.spacing_mm) * np.asarray(index, dtype=np.float64)
        point: NDArray[np.float64] = np.asarray(self.origin_mm) + self.direction @ offset
        return point

    def __repr__(self) -> str:
        return (
            f"Image(shape={self.shape}, dtype={self.array.dtype}, spacing_mm="
            f"{self.spacing_mm}, origin_mm={self.origin_mm}, source="
            f"{self.metadata.get('source')!r})"
        )


def _triple(values: Any, name: str) -> tuple[float, float, float]:
    items = tuple(float(v) for v in values)
    if len(items) != 3:
        raise LoaderError(f"Image: {name} must have 3 values (z, y, x), got {values!r}")
    return (items[0], items[1], items[2])


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

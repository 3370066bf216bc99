"""DICOM waveforms (12-lead ECG and the like) as a :class:`Signal`, read with pydicom.

A waveform object holds one or more multiplex groups (e.g. ``RHYTHM`` and
``MEDIAN BEAT``), each with its own sampling rate. pydicom's ``waveform_array`` applies
each channel's sensitivity, correction factor and baseline, so samples are in the units
of ChannelSensitivityUnitsSequence.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import LoaderError
from ._files import regular_file
from ._records import Signal
from .dicom import _dataset

__all__ = ["read_dicom_waveform"]


def read_dicom_waveform(
    path: str | Path, *, group: int = 0, channels: list[str] | None = None
) -> Signal:
    """Read multiplex group ``group`` of a DICOM waveform file.

    Raises
    ------
    LoaderError
        Not DICOM, no WaveformSequence, no such group, unknown channel names.
    """
    file = regular_file(path, what="DICOM waveform")
    ds = _dataset(file)
    groups = ds.get("WaveformSequence")
    if not groups:
        raise LoaderError(
            f"DICOM file {file}: has no WaveformSequence (SOP class "
            f"{getattr(ds.get('SOPClassUID'), 'name', '?')}); it is not a waveform"
        )
    if not 0 <= group < len(groups):
        labels = [str(g.get("MultiplexGroupLabel", i)) for i, g in enumerate(groups)]
        raise LoaderError(f"DICOM waveform {file}: no group {group}; it has {labels}")
    item = groups[group]
    try:
        samples = np.asarray(ds.waveform_array(group), dtype=np.float64)
    except Exception as exc:
        raise LoaderError(f"DICOM waveform {file}: cannot be decoded ({exc})") from exc
    names = [_channel_name(c, i) for i, c in enumerate(item.ChannelDefinitionSequence)]
    units = [_units(c) for c in item.ChannelDefinitionSequence]
    chosen = names if channels is None else list(channels)
    unknown = [c for c in chosen if c not in names]
    if unknown:
        raise LoaderError(f"DICOM waveform {file}: no channel(s) {unknown}; it has {names}")
    index = [names.index(c) for c in chosen]
    return Signal(
        samples=samples[:, index],
        fs=float(item.SamplingFrequency),
        channels=tuple(chosen),
        units=tuple(units[i] for i in index),
        start_time=_start(ds),
        metadata={
            "format": "dicom-waveform",
            "source": str(file),
            "group": group,
            "group_label": str(item.get("MultiplexGroupLabel", "")) or None,
            "groups": len(groups),
            "patient_id": str(ds.get("PatientID", "")) or None,
        },
    )


def _channel_name(channel: Any, index: int) -> str:
    source = channel.get("ChannelSourceSequence")
    if source:
        return str(source[0].get("CodeMeaning", f"channel {index + 1}"))
    return str(channel.get("ChannelLabel", f"channel {index + 1}"))


def _units(channel: Any) -> str:
    units = channel.get("ChannelSensitivityUnitsSequence")
    return str(units[0].get("CodeValue", "")) if units else ""


def _start(ds: Any) -> dt.datetime | None:
    stamp = str(ds.get("AcquisitionDateTime", ""))[:14]
    try:
        return dt.datetime.strptime(stamp, "%Y%m%d%H%M%S") if len(stamp) == 14 else None
    except ValueError:
        return None

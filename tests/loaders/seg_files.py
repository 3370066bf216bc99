"""DICOM SEG files written for tests: the shared liver SEG (pydicom-data, dcmqi) as a
template, its frames moved onto the 5-slice CT series ``ct5n`` of the shared data (or
kept on its own grid), with segments, frames and referenced series chosen by the test."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pydicom
from pydicom.pixels import pack_bits
from pydicom.uid import generate_uid

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "dicom"  # as conftest
CT5N = DATA / "series" / "ct5n"
LIVER = DATA / "seg" / "liver.dcm"


def ct_slices(folder: Path = CT5N) -> list[pydicom.Dataset]:
    """The series' datasets in file-name order (2062 ... 3353: z 8.7625 down to -1.2375)."""
    return [pydicom.dcmread(f) for f in sorted(folder.glob("*.dcm"))]


def write_seg(path: Path, masks: dict[int, np.ndarray], *, slices=None, series_uid=None,
              frame_of_reference_uid=None, folder: Path = CT5N) -> Path:
    """A BINARY SEG on the series in ``folder``: ``masks[n]`` is segment ``n``'s mask,
    shape (slices, rows, columns) indexed like :func:`ct_slices`; one frame per segment
    and slice in ``slices`` (all by default)."""
    cts = ct_slices(folder)
    ds = copy.deepcopy(pydicom.dcmread(LIVER))
    ds.Rows, ds.Columns = int(cts[0].Rows), int(cts[0].Columns)
    ds.FrameOfReferenceUID = frame_of_reference_uid or cts[0].FrameOfReferenceUID
    shared = ds.SharedFunctionalGroupsSequence[0]
    shared.PixelMeasuresSequence[0].PixelSpacing = cts[0].PixelSpacing
    shared.PixelMeasuresSequence[0].SpacingBetweenSlices = 2.5
    shared.PlaneOrientationSequence[0].ImageOrientationPatient = cts[0].ImageOrientationPatient
    template_segment = ds.SegmentSequence[0]
    template_frame = ds.PerFrameFunctionalGroupsSequence[0]
    ds.SegmentSequence = pydicom.Sequence()
    frames, groups = [], []
    for number, mask in masks.items():
        segment = copy.deepcopy(template_segment)
        segment.SegmentNumber, segment.SegmentLabel = number, f"segment {number}"
        ds.SegmentSequence.append(segment)
        for k in (range(len(cts)) if slices is None else slices):
            group = copy.deepcopy(template_frame)
            group.PlanePositionSequence[0].ImagePositionPatient = cts[k].ImagePositionPatient
            group.SegmentIdentificationSequence[0].ReferencedSegmentNumber = number
            source = group.DerivationImageSequence[0].SourceImageSequence[0]
            source.ReferencedSOPInstanceUID = cts[k].SOPInstanceUID
            groups.append(group)
            frames.append(mask[k].astype(np.uint8))
    ds.PerFrameFunctionalGroupsSequence = pydicom.Sequence(groups)
    ds.NumberOfFrames = len(frames)
    ds.PixelData = pack_bits(np.stack(frames))
    ds.ReferencedSeriesSequence[0].SeriesInstanceUID = series_uid or cts[0].SeriesInstanceUID
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.save_as(path)
    return path

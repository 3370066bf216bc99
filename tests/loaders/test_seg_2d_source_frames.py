"""A DICOM SEG of a 2-D multi-frame image without positions (an ultrasound cine) is
placed frame by frame on the image frame each SEG frame names (SourceImageSequence:
ReferencedFrameNumber). Where that number is missing, or names several frames, the SEG
does not say which frame of the cine a mask lies on: it is refused (before, the first
case was placed on frame 1 without a word, the second escaped as a TypeError). SEG
files built with pydicom on the shared liver SEG's template (dcmqi)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import pack_bits
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from medeval.errors import LoaderError
from medeval.loaders import read_image
from medeval.loaders.seg import read_label_map

LIVER = Path(__file__).resolve().parents[3] / "shared" / "data" / "dicom" / "seg" / "liver.dcm"
ROWS, COLUMNS, FRAMES = 12, 16, 3


def write_cine(path: Path) -> Path:
    """A 3-frame US cine, 12 x 16, no positions (frames in time, 40 ms apart)."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.3.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Modality, ds.PatientID = "US", "P1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Rows, ds.Columns, ds.NumberOfFrames = ROWS, COLUMNS, FRAMES
    ds.FrameTime, ds.FrameIncrementPointer = 40.0, 0x00181063
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.zeros((FRAMES, ROWS, COLUMNS), np.uint8).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def write_seg(path: Path, frames: list[tuple[int, object, np.ndarray]], image: Path) -> Path:
    """A BINARY SEG of ``image`` without Plane Position: one SEG frame per
    ``(segment number, ReferencedFrameNumber or None, mask)``."""
    if not LIVER.is_file():
        pytest.skip(f"shared test data not found at {LIVER}")
    source = pydicom.dcmread(image, stop_before_pixels=True)
    ds = copy.deepcopy(pydicom.dcmread(LIVER))
    ds.Rows, ds.Columns = ROWS, COLUMNS
    del ds.FrameOfReferenceUID
    del ds.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence
    del ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence
    segments = []
    for number in sorted({n for n, _, _ in frames}):
        segment = copy.deepcopy(ds.SegmentSequence[0])
        segment.SegmentNumber, segment.SegmentLabel = number, f"segment {number}"
        segments.append(segment)
    groups = []
    for number, referenced, _ in frames:
        group = copy.deepcopy(ds.PerFrameFunctionalGroupsSequence[0])
        del group.PlanePositionSequence
        group.SegmentIdentificationSequence[0].ReferencedSegmentNumber = number
        item = group.DerivationImageSequence[0].SourceImageSequence[0]
        item.ReferencedSOPClassUID = source.SOPClassUID
        item.ReferencedSOPInstanceUID = source.SOPInstanceUID
        if referenced is not None:
            item.ReferencedFrameNumber = referenced
        groups.append(group)
    ds.SegmentSequence = pydicom.Sequence(segments)
    ds.PerFrameFunctionalGroupsSequence = pydicom.Sequence(groups)
    ds.NumberOfFrames = len(frames)
    ds.PixelData = pack_bits(np.stack([m.astype(np.uint8) for _, _, m in frames]))
    ds.ReferencedSeriesSequence[0].SeriesInstanceUID = source.SeriesInstanceUID
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.save_as(path)
    return path


def box(r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
    mask = np.zeros((ROWS, COLUMNS), bool)
    mask[r0:r1, c0:c1] = True
    return mask


def test_two_segments_on_frames_1_and_3_land_on_those_frames(tmp_path):
    image = write_cine(tmp_path / "cine.dcm")
    a, b, c = box(1, 3, 1, 5), box(6, 9, 8, 12), box(0, 2, 10, 16)
    seg = write_seg(tmp_path / "seg.dcm", [(1, 1, a), (2, 3, b), (1, 3, c)], image)
    label_map = read_label_map(seg, reference=read_image(image)).array
    expected = np.zeros((FRAMES, ROWS, COLUMNS), np.uint8)  # by hand: frame k = index k-1
    expected[0][a] = 1
    expected[2][b] = 2
    expected[2][c] = 1
    assert np.array_equal(label_map, expected)


@pytest.mark.parametrize("referenced, said", [
    (None, "without a ReferencedFrameNumber, in an image of 3 frames"),
    ([1, 2], "frames ['1', '2'] (ReferencedFrameNumber)"),
])
def test_a_seg_frame_naming_no_single_frame_of_a_cine_is_refused(tmp_path, referenced, said):
    # before: None was placed on frame 1 (a mask of frame 3 scored against frame 1's
    # prediction), [1, 2] raised TypeError from int(MultiValue)
    image = write_cine(tmp_path / "cine.dcm")
    seg = write_seg(tmp_path / "seg.dcm", [(1, referenced, box(1, 3, 1, 5))], image)
    with pytest.raises(LoaderError) as caught:
        read_label_map(seg, reference=read_image(image))
    assert "frame 1 names source image" in str(caught.value) and said in str(caught.value)


def test_a_source_image_shared_by_all_frames_places_them(tmp_path):
    # the Derivation Image functional group in SharedFunctionalGroupsSequence (one source
    # for every frame) rather than per frame: before, 'names source image None frame 1'
    image = write_cine(tmp_path / "cine.dcm")
    a = box(2, 5, 3, 9)
    seg = write_seg(tmp_path / "seg.dcm", [(1, 2, a)], image)
    ds = pydicom.dcmread(seg)
    group = ds.PerFrameFunctionalGroupsSequence[0]
    ds.SharedFunctionalGroupsSequence[0].DerivationImageSequence = group.DerivationImageSequence
    del group.DerivationImageSequence
    ds.save_as(seg)
    label_map = read_label_map(seg, reference=read_image(image)).array
    assert label_map[1].astype(bool).tolist() == a.tolist()  # frame 2, by hand
    assert not label_map[0].any() and not label_map[2].any()

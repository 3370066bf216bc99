"""The segmentation task on 2-D DICOM frames (an ultrasound image whose pixel size is its
calibrated region, in cm) with mask images as references: the mask is checked against
the DICOM frame's Rows and Columns, a set-wide pixel_spacing_mm against the size the
frame states, and a stack of frames without distances between them is not measured as
a volume. DICOM files built with pydicom; distances checked against MedPy."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

import medeval
from medeval.errors import ManifestError

medpy_binary = pytest.importorskip("medpy.metric.binary")

PROTOCOL = """
[test]
id = "T-US"
title = "ultrasound frames"
mode = "pre-check"
[laboratory]
name = "Lab"
[customer]
name = "Customer"
[algorithm]
name = "Segmenter"
version = "1"
[dataset]
manifest = "manifest.csv"
selection = "synthetic ultrasound frames"
[task]
type = "segmentation"
{task}
[statistics]
seed = 1
n_resamples = 200
resampling_unit = "case"
[failures]
policy = "worst-case"
[[criteria]]
metric = "dice"
goal = 0.5
source = "test"
"""
MM = "nsd_tolerance_mm = 1.0"
ROWS, COLUMNS = 48, 64


def write_ultrasound(path: Path, *, delta_cm: float = 0.02) -> None:
    """A single-frame US image, 48 rows x 64 columns, without PixelSpacing: its pixel
    size is its one B-mode region's PhysicalDeltaX/Y in cm (units code 3)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.6.1"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.Modality, ds.PatientID = "US", "P1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    region = Dataset()
    region.RegionSpatialFormat, region.RegionDataType, region.RegionFlags = 1, 1, 0
    region.RegionLocationMinX0, region.RegionLocationMinY0 = 0, 0
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = COLUMNS - 1, ROWS - 1
    region.PhysicalUnitsXDirection = region.PhysicalUnitsYDirection = 3  # cm
    region.PhysicalDeltaX = region.PhysicalDeltaY = delta_cm
    ds.SequenceOfUltrasoundRegions = [region]
    ds.PixelData = (np.arange(ROWS * COLUMNS) % 251).astype(np.uint8).tobytes()
    ds.save_as(path, enforce_file_format=True)


def masks() -> tuple[np.ndarray, np.ndarray]:
    ref = np.zeros((ROWS, COLUMNS), bool)
    ref[10:20, 10:30] = True
    pred = np.zeros((ROWS, COLUMNS), bool)
    pred[12:22, 10:30] = True  # two rows lower
    return ref, pred


def write_png(mask: np.ndarray, path: Path) -> None:
    PILImage.fromarray(np.asarray(mask).astype(np.uint8) * 255).save(path)


def make_set(folder: Path, task: str, *, transposed: tuple[str, ...] = ()) -> None:
    for sub in ("frames", "masks", "pred"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    ref, pred = masks()
    rows = []
    for cid in ("u1", "u2"):
        write_ultrasound(folder / "frames" / f"{cid}.dcm")
        turn = (lambda a: np.ascontiguousarray(a.T)) if cid in transposed else (lambda a: a)
        write_png(turn(ref), folder / "masks" / f"{cid}.png")
        write_png(turn(pred), folder / "pred" / f"{cid}.png")
        rows.append([cid, cid, f"frames/{cid}.dcm", f"masks/{cid}.png"])
    with (folder / "manifest.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows(rows)
    (folder / "protocol.toml").write_text(PROTOCOL.format(task=task))


def test_the_frames_pixel_size_declared_gives_medpy_distances_in_mm(tmp_path):
    make_set(tmp_path, MM + "\npixel_spacing_mm = 0.2")  # 0.02 cm, as the region says
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    ref, pred = masks()
    # the lower border moved two rows: 2 x 0.2 mm
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=0.2)) == pytest.approx(0.4)
    assert result.metric("hausdorff").unit == "mm"


def test_a_mask_transposed_from_its_dicom_frame_is_a_reference_problem(tmp_path):
    # The mask and the prediction are both 64 x 48, the frame 48 x 64: before, the pair
    # was scored (Dice 0.8) as if it were the frame's picture.
    make_set(tmp_path, 'distance_unit = "px"\nnsd_tolerance_px = 1.0', transposed=("u2",))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "case u2" in problem and "64 x 48" in problem
    assert "frames/u2.dcm is 48 x 64" in problem


def test_a_pixel_spacing_other_than_the_frames_is_refused_naming_both(tmp_path):
    # 0.5 mm declared for frames whose region says 0.02 cm: every distance 2.5 x too long
    make_set(tmp_path, MM + "\npixel_spacing_mm = 0.5")
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert len(caught.value.problems) == 2
    problem = caught.value.problems[0]
    assert "pixel_spacing_mm = 0.5" in problem and "0.2 x 0.2 mm" in problem
    assert "SequenceOfUltrasoundRegions" in problem


def test_without_a_pixel_size_the_refusal_names_the_frames_own(tmp_path):
    make_set(tmp_path, MM)
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert all("states no pixel size" in p and "frames/" in p and "0.2 x 0.2 mm" in p
               for p in caught.value.problems)


def write_tiff(stack: np.ndarray, path: Path) -> None:
    pages = [PILImage.fromarray(page.astype(np.uint8)) for page in stack]
    pages[0].save(path, save_all=True, append_images=pages[1:])


@pytest.mark.parametrize("task", ['distance_unit = "px"\nnsd_tolerance_px = 1.0',
                                  MM + "\npixel_spacing_mm = 0.2"])
def test_a_stack_of_frames_is_not_measured_as_a_volume(tmp_path, task):
    # 30 frames of a cine: the lesion moves one column a frame; the prediction adds a
    # blob in frame 6 (index 5) at rows/columns 50-59. In its own frame its far corner
    # (50, 50) is sqrt(50^2 + 55^2) = 74.3 px from the lesion (rows 100-139, columns
    # 105-164); measured as a volume it went through frame 1, 5 "px" away:
    # sqrt(50^2 + 50^2 + 5^2) = 70.887, the Hausdorff distance medeval gave before.
    for sub in ("masks", "pred"):
        (tmp_path / sub).mkdir()
    ref = np.zeros((30, 240, 320), np.uint8)
    for k in range(30):
        ref[k, 100:140, 100 + k:160 + k] = 1
    pred = ref.copy()
    pred[5, 50:60, 50:60] = 1
    write_tiff(ref, tmp_path / "masks" / "c1.tif")
    write_tiff(pred, tmp_path / "pred" / "c1.tif")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,P1,masks/c1.tif,masks/c1.tif\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=task))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "stack of 30 2-D frames" in problem and "distances = false" in problem
    # without distances the overlaps pooled over the frames: 40 x 60 x 30 = 72000
    # reference pixels, 100 more predicted, all of the reference found:
    # Dice = 2 * 72000 / (72000 + 72100)
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task="distances = false"))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("dice").estimate.value == pytest.approx(144000 / 144100)


def write_seg_2d(path: Path, mask: np.ndarray, image: Path) -> None:
    """A BINARY SEG of the 2-D image ``image`` as highdicom writes one for an image
    without a frame of reference: no Plane Position or Orientation, each frame naming its
    source image (DerivationImageSequence > SourceImageSequence). The shared liver SEG
    (dcmqi) is the template."""
    import copy

    import pydicom
    from pydicom.pixels import pack_bits
    from pydicom.uid import generate_uid

    liver = Path(__file__).resolve().parents[3] / "shared" / "data" / "dicom" / "seg" / "liver.dcm"
    if not liver.is_file():
        pytest.skip(f"shared test data not found at {liver}")
    source = pydicom.dcmread(image, stop_before_pixels=True)
    ds = copy.deepcopy(pydicom.dcmread(liver))
    ds.Rows, ds.Columns = int(source.Rows), int(source.Columns)
    del ds.FrameOfReferenceUID
    del ds.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence
    del ds.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence
    group = copy.deepcopy(ds.PerFrameFunctionalGroupsSequence[0])
    del group.PlanePositionSequence
    group.SegmentIdentificationSequence[0].ReferencedSegmentNumber = 1
    item = group.DerivationImageSequence[0].SourceImageSequence[0]
    item.ReferencedSOPClassUID = source.SOPClassUID
    item.ReferencedSOPInstanceUID = source.SOPInstanceUID
    ds.SegmentSequence = pydicom.Sequence([ds.SegmentSequence[0]])
    ds.SegmentSequence[0].SegmentNumber = 1
    ds.PerFrameFunctionalGroupsSequence = pydicom.Sequence([group])
    ds.NumberOfFrames = 1
    ds.PixelData = pack_bits(mask.astype(np.uint8)[np.newaxis])
    ds.ReferencedSeriesSequence[0].SeriesInstanceUID = source.SeriesInstanceUID
    ds.SOPInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.save_as(path)


def test_a_seg_of_a_2d_ultrasound_image_is_placed_by_its_source_image(tmp_path):
    # Before, any SEG without Plane Position was refused ("its frames carry no Plane
    # Position"): a SEG of a mammogram or ultrasound image could not be a reference.
    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_ultrasound(tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, tmp_path / "frames" / "u1.dcm")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    # the image's spacing, from its ultrasound region: 0.02 cm = 0.2 mm
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=0.2)) == pytest.approx(0.4)
    assert result.metric("dice").estimate.value == pytest.approx(medpy_binary.dc(pred, ref))


def test_a_seg_of_an_image_without_a_pixel_size_is_refused_under_mm(tmp_path):
    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_ultrasound(tmp_path / "frames" / "u1.dcm")
    import pydicom

    ds = pydicom.dcmread(tmp_path / "frames" / "u1.dcm")
    del ds.SequenceOfUltrasoundRegions  # now it states no pixel size: read as 1 x 1
    ds.save_as(tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, tmp_path / "frames" / "u1.dcm")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    with pytest.raises(ManifestError, match="without a pixel spacing"):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    # in pixels: the lower border two rows down, 2 px
    (tmp_path / "protocol.toml").write_text(
        PROTOCOL.format(task='distance_unit = "px"\nnsd_tolerance_px = 1.0'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(2.0)


def test_a_seg_naming_another_image_is_a_reference_problem(tmp_path):
    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_ultrasound(tmp_path / "frames" / "u1.dcm")
    write_ultrasound(tmp_path / "other.dcm")
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, tmp_path / "other.dcm")
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, tmp_path / "frames" / "u1.dcm")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "case u1" in problem and "names source image" in problem


def write_cine(path: Path, frames: int) -> None:
    """The ultrasound frame of :func:`write_ultrasound` as a cine of ``frames`` frames,
    40 ms apart."""
    import pydicom

    write_ultrasound(path)
    ds = pydicom.dcmread(path)
    ds.NumberOfFrames = frames
    ds.FrameTime, ds.FrameIncrementPointer = 40.0, 0x00181063
    ds.PixelData = ds.PixelData * frames
    ds.save_as(path)


def test_mask_pages_must_be_as_many_as_the_cines_frames(tmp_path):
    # 3 frames, 2 mask pages: which frame has no mask? Before, the pages were scored
    # against a 2-page prediction as if they were the cine's (Dice 1 here).
    for sub in ("frames", "masks", "pred"):
        (tmp_path / sub).mkdir()
    ref, _ = masks()
    rows = ["case_id,patient_id,input,reference"]
    for cid, pages in (("ok", 3), ("short", 2)):
        write_cine(tmp_path / "frames" / f"{cid}.dcm", 3)
        write_tiff(np.stack([ref] * pages), tmp_path / "masks" / f"{cid}.tif")
        write_tiff(np.stack([ref] * pages), tmp_path / "pred" / f"{cid}.tif")
        rows.append(f"{cid},{cid},frames/{cid}.dcm,masks/{cid}.tif")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task="distances = false"))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "case short" in problem and "2 mask pages" in problem
    assert "frames/short.dcm holds 3 frame(s)" in problem


def test_a_seg_on_an_image_whose_region_lies_outside_it_says_why(tmp_path):
    # The region's box (0, 0, 127, 95) reaches past the 64 x 48 image (an export resized
    # after acquisition): its 0.2 mm do not describe these pixels, and the refusal says so
    import pydicom

    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    frame = tmp_path / "frames" / "u1.dcm"
    write_ultrasound(frame)
    ds = pydicom.dcmread(frame)
    region = ds.SequenceOfUltrasoundRegions[0]
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = 127, 95
    ds.save_as(frame)
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, frame)
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, frame)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    with pytest.raises(ManifestError) as caught:
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    (problem,) = caught.value.problems
    assert "without a pixel spacing" in problem
    assert "(0, 0, 127, 95)" in problem and "outside the 64 x 48 image" in problem


def test_the_pixel_sizes_source_is_recorded_and_printed(tmp_path):
    # Two ways of measuring one ultrasound frame in mm: a SEG reference takes the frame's
    # ultrasound region (PhysicalDeltaX/Y, 0.02 cm), a PNG mask the protocol's
    # pixel_spacing_mm. The result's distance table counts the cases by source, and the
    # certificate prints them, so that a reader knows which header gave the millimetres
    # (a mammogram's PixelSpacing and ImagerPixelSpacing differ by the magnification).
    from pypdf import PdfReader

    from medeval.report import render_certificate
    from medeval.result import write_result

    for sub in ("frames", "refs", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_ultrasound(tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "refs" / "u1.dcm", ref, tmp_path / "frames" / "u1.dcm")
    write_seg_2d(tmp_path / "pred" / "u1.dcm", pred, tmp_path / "frames" / "u1.dcm")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nu1,P1,frames/u1.dcm,refs/u1.dcm\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.tables["distances"]["pixel_size_sources"] == {
        "SequenceOfUltrasoundRegions": 1}
    png = tmp_path / "png"
    png.mkdir()
    make_set(png, MM + "\npixel_spacing_mm = 0.2")
    declared = medeval.evaluate(png / "protocol.toml", png / "pred", workers=1)
    n_cases = declared.dataset.n_cases
    assert declared.tables["distances"]["pixel_size_sources"] == {
        "protocol pixel_spacing_mm": n_cases}
    pdf = render_certificate(write_result(result, tmp_path / "r.json"), tmp_path / "c.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert ("Distances in mm: each case's pixel size was taken from (number of cases) "
            "SequenceOfUltrasoundRegions (1).") in text
    # (a result made now: the sources after a colon, as the korean-pass revised it)
    assert ("mm 단위 거리: 각 증례의 화소 크기를 가져온 곳(괄호 안은 증례 수): "
            "SequenceOfUltrasoundRegions (1).") in text


def test_one_mask_on_a_cine_is_scored_and_said(tmp_path):
    # A cine of 3 frames with one mask image (and one predicted): the mask names no
    # frame. Before, it was scored without a word; now the result names the case, the
    # cine and its frame count. Two rows at 0.2 mm: HD 0.4 mm, as MedPy gives.
    for sub in ("frames", "masks", "pred"):
        (tmp_path / sub).mkdir()
    ref, pred = masks()
    write_cine(tmp_path / "frames" / "c1.dcm", 3)
    write_ultrasound(tmp_path / "frames" / "f1.dcm")  # a single frame: nothing to say
    rows = ["case_id,patient_id,input,reference"]
    for cid in ("c1", "f1"):
        write_png(ref, tmp_path / "masks" / f"{cid}.png")
        write_png(pred, tmp_path / "pred" / f"{cid}.png")
        rows.append(f"{cid},{cid},frames/{cid}.dcm,masks/{cid}.png")
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "protocol.toml").write_text(PROTOCOL.format(task=MM + "\npixel_spacing_mm = 0.2"))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred", workers=1)
    assert result.metric("hausdorff").estimate.value == pytest.approx(
        medpy_binary.hd(pred, ref, voxelspacing=0.2)) == pytest.approx(0.4)
    (warning,) = [w for w in result.warnings if "cine" in w]
    assert warning.startswith("all cases: 1 of 2 case(s) score one 2-D mask on a "
                              "multi-frame input without positions (a cine): c1 "
                              "('frames/c1.dcm', 3 frames). The mask names no frame")

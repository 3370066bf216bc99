"""DICOM images on the real files of ../shared/data: every file reads, compressed copies
decode to their uncompressed originals, series assemble by geometry.

Expected values come from outside medeval: the data README's stated facts, and pydicom
or SimpleITK read directly in the test.
"""

from __future__ import annotations

import random
import shutil
import warnings

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk

from medeval.errors import LoaderError, MedevalError
from medeval.loaders import (
    read_dicom_file,
    read_dicom_series,
    read_dicom_waveform,
    read_image,
    read_record,
)

IMAGES = [
    "dicom/ct/CT_small.dcm",
    "dicom/mr/MR_small.dcm",
    "dicom/compressed/JPEG-LL.dcm",
    "dicom/compressed/JPGExtended.dcm",
    "dicom/compressed/MR_small_RLE.dcm",
    "dicom/compressed/MR_small_jp2klossless.dcm",
    "dicom/enhanced/eCT_Supplemental.dcm",
    "dicom/multiframe/emri_small.dcm",
    "dicom/multiframe/emri_small_jpeg_2k_lossless.dcm",
    "dicom/multiframe/rtdose.dcm",
    "dicom/seg/liver.dcm",
    "dicom/seg/liver_1frame.dcm",
    *[f"dicom/series/ct5n/{n}.dcm" for n in (2062, 2392, 2693, 3023, 3353)],
    *[f"dicom/series/ct2_gap/{n}.dcm" for n in (17106, 17136, 17166, 17196)],
]


def sitk_zyx(path):
    """SimpleITK's (GDCM's) reading: array (z, y, x) and spacing reversed to (z, y, x)."""
    image = sitk.ReadImage(str(path))
    return sitk.GetArrayFromImage(image), image.GetSpacing()[::-1], image


@pytest.mark.parametrize("name", IMAGES)
def test_every_dicom_image_reads_like_pydicom(shared_data, name):
    path = shared_data / name
    image = read_image(path)
    ds = pydicom.dcmread(path)
    frames = ds.pixel_array.reshape(-1, ds.Rows, ds.Columns)
    slope, intercept = float(ds.get("RescaleSlope", 1)), float(ds.get("RescaleIntercept", 0))
    shared = ds.get("SharedFunctionalGroupsSequence")
    if shared and "PixelValueTransformationSequence" in shared[0]:  # enhanced CT
        transform = shared[0].PixelValueTransformationSequence[0]
        slope, intercept = float(transform.RescaleSlope), float(transform.RescaleIntercept)
    assert image.shape == frames.shape
    expected = frames * slope + intercept
    if "DoseGridScaling" in ds:
        expected = expected * float(ds.DoseGridScaling)
    # Same frames, each once (a multi-frame object may be reordered along the normal).
    matches = [[j for j in range(len(expected)) if np.array_equal(frame, expected[j])]
               for frame in image.array]
    assert sorted(m[0] for m in matches) == list(range(len(expected)))
    assert image.metadata["source"] == str(path)
    assert image.metadata["modality"] == ds.Modality


@pytest.mark.parametrize("compressed, original", [
    ("dicom/compressed/MR_small_RLE.dcm", "dicom/mr/MR_small.dcm"),
    ("dicom/compressed/MR_small_jp2klossless.dcm", "dicom/mr/MR_small.dcm"),
    ("dicom/multiframe/emri_small_jpeg_2k_lossless.dcm", "dicom/multiframe/emri_small.dcm"),
])
def test_compressed_copies_equal_their_uncompressed_originals(shared_data, compressed, original):
    packed, plain = read_image(shared_data / compressed), read_image(shared_data / original)
    assert packed.metadata["transfer_syntax"] != plain.metadata["transfer_syntax"]
    np.testing.assert_array_equal(packed.array, plain.array)
    assert packed.spacing_mm == plain.spacing_mm


@pytest.mark.parametrize("name", ["dicom/compressed/JPEG-LL.dcm",
                                  "dicom/compressed/JPGExtended.dcm"])
def test_jpeg_files_decode_as_gdcm_does(shared_data, name):
    # No uncompressed original ships for these two; GDCM (inside SimpleITK) is an
    # independent decoder of the same bytes.
    image = read_image(shared_data / name)
    expected, _, _ = sitk_zyx(shared_data / name)
    if "Extended" in name:
        # Lossy 12-bit JPEG: decoders may differ by one unit (ISO/IEC 10918-2 allows an
        # IDCT error of 1); libjpeg and GDCM do, on about 1.4% of the pixels here.
        assert np.max(np.abs(image.array.astype(int) - expected.astype(int))) <= 1
        assert image.metadata["lossy"] is True
    else:
        np.testing.assert_array_equal(image.array, expected)
        assert image.metadata["lossy"] is False
    assert image.metadata["decoder"] == "pylibjpeg"


def test_ct5n_matches_simpleitk_and_the_readme(shared_data):
    folder = shared_data / "dicom/series/ct5n"
    image = read_image(folder)
    # README: SimpleITK gives size (16,16,5), spacing (0.488281, 0.488281, 2.5) in
    # (x, y, z); medeval's (z, y, x) order reverses both.
    assert image.shape == (5, 16, 16)
    assert image.spacing_mm == pytest.approx((2.5, 0.488281, 0.488281), abs=1e-6)
    assert image.origin_mm[0] == pytest.approx(-1.2375)  # README: origin z = -1.2375
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    itk = reader.Execute()
    np.testing.assert_array_equal(image.array, sitk.GetArrayFromImage(itk))
    assert image.origin_mm == pytest.approx(itk.GetOrigin()[::-1])
    z = [pydicom.dcmread(folder / f).ImagePositionPatient[2] for f in image.metadata["files"]]
    # README: z = 8.7625 .. -1.2375 in steps of 2.5 mm; sorted increasing here.
    assert z == pytest.approx([-1.2375, 1.2625, 3.7625, 6.2625, 8.7625])
    assert image.metadata["series_uid"] == pydicom.dcmread(folder / "2062.dcm").SeriesInstanceUID
    assert len(image.metadata["sop_instance_uids"]) == 5


def test_ct5n_order_is_by_geometry_not_by_file_name(shared_data, tmp_path):
    reference = read_image(shared_data / "dicom/series/ct5n")
    sources = sorted((shared_data / "dicom/series/ct5n").iterdir())
    names = [f"slice_{i}.dcm" for i in range(len(sources))]
    for seed in range(3):
        random.Random(seed).shuffle(names)
        folder = tmp_path / f"shuffled{seed}"
        folder.mkdir()
        for source, name in zip(sources, names):
            shutil.copy(source, folder / name)
        image = read_dicom_series(folder)
        np.testing.assert_array_equal(image.array, reference.array)
        assert image.origin_mm == reference.origin_mm
        assert image.spacing_mm[0] == pytest.approx(2.5)


def test_gap_is_refused_naming_the_gap(shared_data):
    with pytest.raises(LoaderError) as info:
        read_image(shared_data / "dicom/series/ct2_gap")
    message = str(info.value)
    # README: z = -99.48, 103.02, 104.27, 105.52; the gap is between the first two.
    assert "ct2_gap" in message and "missing slices" in message
    assert "-99.48 mm (17106.dcm)" in message and "103.02 mm (17136.dcm)" in message
    assert "202.5 mm" in message and "1.25 mm apart" in message
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = sitk.ImageSeriesReader()
        folder = str(shared_data / "dicom/series/ct2_gap")
        reader.SetFileNames(reader.GetGDCMSeriesFileNames(folder))
        # SimpleITK reads it anyway, with a mean spacing of 68.33 mm (README).
        assert reader.Execute().GetSpacing()[2] == pytest.approx(68.33, abs=0.01)


def test_duplicate_slice_is_refused(shared_data, tmp_path):
    for source in (shared_data / "dicom/series/ct5n").iterdir():
        shutil.copy(source, tmp_path / source.name)
    ds = pydicom.dcmread(tmp_path / "2062.dcm")
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.save_as(tmp_path / "copy.dcm")
    with pytest.raises(LoaderError, match=r"duplicate slice positions: (2062|copy)\.dcm and"):
        read_dicom_series(tmp_path)


def test_mixed_orientation_is_refused(shared_data, tmp_path):
    for source in (shared_data / "dicom/series/ct5n").iterdir():
        shutil.copy(source, tmp_path / source.name)
    ds = pydicom.dcmread(tmp_path / "3353.dcm")
    ds.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]  # coronal
    ds.save_as(tmp_path / "3353.dcm")
    with pytest.raises(LoaderError, match=r"mixed orientations.*3353\.dcm"):
        read_dicom_series(tmp_path)


def test_two_series_are_listed_and_one_can_be_chosen(shared_data, tmp_path):
    for folder in ("ct5n", "ct2_gap"):
        for source in (shared_data / "dicom/series" / folder).iterdir():
            shutil.copy(source, tmp_path / source.name)
    uid_a = pydicom.dcmread(shared_data / "dicom/series/ct5n/2062.dcm").SeriesInstanceUID
    uid_b = pydicom.dcmread(shared_data / "dicom/series/ct2_gap/17106.dcm").SeriesInstanceUID
    with pytest.raises(LoaderError, match="holds 2 series") as info:
        read_image(tmp_path)
    assert uid_a in str(info.value) and uid_b in str(info.value)
    assert read_image(tmp_path, series_uid=uid_a).shape == (5, 16, 16)
    with pytest.raises(LoaderError, match="no series 1.2.3"):
        read_image(tmp_path, series_uid="1.2.3")


def test_enhanced_ct_frames_sit_where_simpleitk_puts_them(shared_data):
    # Frame geometry from the functional groups. The row x column normal of this file
    # points to -z, so medeval's slice order is SimpleITK's reversed; the voxel at each
    # physical point must be the same.
    path = shared_data / "dicom/enhanced/eCT_Supplemental.dcm"
    image = read_dicom_file(path)
    expected, spacing, itk = sitk_zyx(path)
    assert image.spacing_mm == pytest.approx(spacing)
    for k in range(image.shape[0]):
        point_zyx = image.physical_point((k, 0, 0))
        index_xyz = itk.TransformPhysicalPointToIndex(tuple(point_zyx[::-1]))
        np.testing.assert_array_equal(image.array[k], expected[index_xyz[2]])


def test_rtdose_uses_grid_frame_offsets(shared_data):
    path = shared_data / "dicom/multiframe/rtdose.dcm"
    image = read_image(path)
    ds = pydicom.dcmread(path)
    _, spacing, itk = sitk_zyx(path)
    assert image.spacing_mm == pytest.approx(spacing)  # (5, 10, 10) per SimpleITK
    assert image.origin_mm == pytest.approx(itk.GetOrigin()[::-1])
    np.testing.assert_allclose(image.array, ds.pixel_array * float(ds.DoseGridScaling))


def test_a_one_plane_rtdose_is_scaled_like_a_grid_of_planes():
    # pydicom's rtdose_1frame.dcm: one plane (no NumberOfFrames), DoseGridScaling 1e-6;
    # its largest stored value 1,254,000 is 1.254 Gy, as the 15-plane rtdose.dcm reads it.
    # It was read as the stored values, a million times the dose.
    from pydicom.data import get_testdata_file

    path = get_testdata_file("rtdose_1frame.dcm")
    ds = pydicom.dcmread(path)
    assert "NumberOfFrames" not in ds and float(ds.DoseGridScaling) == 1e-6
    image = read_image(path)
    np.testing.assert_allclose(image.array[0], ds.pixel_array * 1e-6, rtol=1e-12)
    assert image.array.max() == pytest.approx(1.254)
    assert image.metadata["dose_grid_scaling"] == 1e-6
    planes = read_image(get_testdata_file("rtdose.dcm"))
    assert image.array.max() == pytest.approx(planes.array.max())


def test_files_without_geometry_say_so(shared_data):
    image = read_image(shared_data / "dicom/multiframe/emri_small.dcm")
    assert image.metadata["geometry"] == "absent" and image.shape == (10, 64, 64)


def test_single_ct_slice_metadata(shared_data):
    image = read_image(shared_data / "dicom/ct/CT_small.dcm")
    ds = pydicom.dcmread(shared_data / "dicom/ct/CT_small.dcm")
    assert image.metadata["patient_id"] == ds.PatientID
    assert image.metadata["slice_thickness_mm"] == 5.0  # README: SliceThickness 5 mm
    assert image.spacing_mm[1:] == pytest.approx((0.661468, 0.661468))  # README: 0.661 mm
    # HU: stored values with RescaleIntercept -1024 applied.
    np.testing.assert_array_equal(image.array[0], ds.pixel_array.astype(np.int32) - 1024)


def test_waveform_is_not_an_image_but_a_signal(shared_data):
    path = shared_data / "dicom/waveform/waveform_ecg.dcm"
    with pytest.raises(LoaderError, match="waveform_ecg.dcm: has no pixel data"):
        read_image(path)
    ds = pydicom.dcmread(path)
    signal = read_record(path)  # README: a 12-lead ECG; pydicom's waveform_array(0)
    np.testing.assert_array_equal(signal.samples, ds.waveform_array(0))
    assert signal.fs == float(ds.WaveformSequence[0].SamplingFrequency)
    assert len(signal.channels) == 12 and signal.channels[0] == "Lead I (Einthoven)"
    assert signal.units[0] == "uV" and signal.metadata["group_label"] == "RHYTHM"
    median = read_dicom_waveform(path, group=1)
    assert median.metadata["group_label"] == "MEDIAN BEAT"
    np.testing.assert_array_equal(median.samples, ds.waveform_array(1))
    with pytest.raises(LoaderError, match="no group 2; it has"):
        read_dicom_waveform(path, group=2)
    with pytest.raises(LoaderError, match="CT_small.dcm: has no WaveformSequence"):
        read_record(shared_data / "dicom/ct/CT_small.dcm")


def test_series_with_a_stray_file_names_it(shared_data, tmp_path):
    for source in (shared_data / "dicom/series/ct5n").iterdir():
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "notes.txt").write_text("scanner log")
    with pytest.raises(MedevalError, match="not DICOM: notes.txt"):
        read_image(tmp_path)


def test_a_study_folder_names_the_series_folders_inside_it(shared_data, tmp_path):
    # A DICOMDIR-style export: the case names the study folder, whose series lie one and
    # two levels down. The reader takes one series' files, so it says where they are.
    for series, depth in (("ct5n", "SE000"), ("ct2_gap", "SE001/IMAGES")):
        target = tmp_path / depth
        target.mkdir(parents=True)
        for source in (shared_data / "dicom/series" / series).iterdir():
            shutil.copy(source, target / source.name)
    (tmp_path / ".thumbs").mkdir()
    (tmp_path / ".thumbs" / "a.png").write_bytes(b"x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoaderError) as info:
        read_image(tmp_path)
    message = str(info.value)
    assert "only folder(s) holding files: 'SE000', 'SE001'; name the folder of one series" \
        in message
    assert "empty" not in message.split("holds no file")[1]
    assert ".thumbs" not in message
    # the series folder itself reads: 5 slices of 16 x 16 (pydicom: Rows, Columns; 5 files)
    assert read_image(tmp_path / "SE000").shape == (5, 16, 16)


def test_an_empty_folder_is_no_series(tmp_path):
    with pytest.raises(LoaderError, match="holds no file; check the path"):
        read_dicom_series(tmp_path)


def test_a_big_endian_file_reads_in_the_machines_byte_order():
    # pydicom's MR_small_bigendian.dcm (Explicit VR Big Endian): pydicom decodes it to a
    # '>i2' array, which SimpleITK's GetImageFromArray refuses; medeval's array is
    # native int16 with SimpleITK's values (GDCM reading the file), and goes back into
    # SimpleITK, as the docs tell a user writing a prediction to do.
    path = pydicom.data.get_testdata_file("MR_small_bigendian.dcm")
    image = read_image(path)
    assert image.array.dtype == np.dtype(np.int16) and image.array.dtype.isnative
    expected = sitk.GetArrayFromImage(sitk.ReadImage(path))
    np.testing.assert_array_equal(image.array, expected)
    np.testing.assert_array_equal(
        sitk.GetArrayFromImage(sitk.GetImageFromArray(image.array)), expected)


def test_an_oblique_series_with_rounded_positions_is_placed_as_simpleitk_places_it(tmp_path):
    """60 slices 1.25 mm apart along an oblique normal (tilted 30 degrees about x), their
    positions written to 4 decimals as scanners write them. The spacing is the mean gap
    (SimpleITK's): the far corner voxel lies where SimpleITK puts it, within 1e-4 mm.
    Before, the median of the rounded gaps was taken: 1.4e-3 mm off there."""
    base = pydicom.dcmread(pydicom.data.get_testdata_file("CT_small.dcm"))
    series = pydicom.uid.generate_uid()
    row, col = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.8660254, -0.5])
    normal = np.cross(row, col)
    for k in range(60):
        ds = base.copy()
        ds.SeriesInstanceUID, ds.SOPInstanceUID = series, pydicom.uid.generate_uid()
        ds.ImageOrientationPatient = [f"{v:.7f}" for v in (*row, *col)]
        position = np.array([-80.0, -90.0, 0.0]) + normal * (-40.0 + 1.25 * k)
        ds.ImagePositionPatient = [f"{v:.4f}" for v in position]
        ds.save_as(tmp_path / f"{(k * 37) % 60:02d}.dcm")  # files out of order
    image = read_image(tmp_path)
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(tmp_path)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        itk = reader.Execute()
    corner = (127, 127, 59)  # (x, y, z) index
    expected = np.array(itk.TransformIndexToPhysicalPoint(corner))[::-1]
    found = np.asarray(image.origin_mm) + image.direction @ (
        np.array(corner[::-1]) * np.asarray(image.spacing_mm))
    assert np.abs(found - expected).max() < 1e-4

"""Mammography and ultrasound DICOM: what read_image returns, checked against pydicom.

Files: pydicom's real ultrasound test files (a SonoSite 30-frame YBR_FULL_422 JPEG cine,
an RGB single frame, a YBR_RCT JPEG 2000 frame) and objects written with pydicom in
``dicom_2d_files`` (mammograms of the Hologic Selenia Dimensions' 4096 rows x 3328
columns, built in tmp_path at test time). Expected values are the arrays the files were
written from, or pydicom's own ``pixel_array`` / ``convert_color_space`` /
``apply_modality_lut`` read in the test.

What the installed plugins do here: pylibjpeg-libjpeg decodes JPEG baseline, extended,
lossless and JPEG-LS (no JPEG-LS encoder is installed: pyjpegls is missing, so the JPEG-LS
mammogram carries a real JPEG-LS stream from pydicom's MR_small_jpeg_ls_lossless.dcm);
pylibjpeg-openjpeg decodes and encodes JPEG 2000.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import apply_modality_lut, apply_voi_lut, convert_color_space, pixel_array
from pydicom.uid import JPEG2000Lossless, JPEGLSLossless

from medeval.loaders import read_image

from .dicom_2d_files import (
    HOLOGIC_COLUMNS,
    HOLOGIC_ROWS,
    US_IMAGE,
    US_MULTIFRAME,
    cine,
    mammogram,
    read_back,
    regions,
    save,
    ultrasound,
    ybr_422_expanded,
)

US_CINE = "examples_ybr_color.dcm"  # SonoSite, 30 frames 240 x 320, YBR_FULL_422, JPEG


def _pydicom(path, **options):
    ds = pydicom.dcmread(path)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        options.setdefault("decoding_plugin", "pylibjpeg")
    ds.pixel_array_options(**options)
    return ds.pixel_array


def _stored(rows, columns, bits, seed=0):
    return np.random.default_rng(seed).integers(0, 2**bits, (rows, columns), dtype=np.uint16)


# --- mammography ---------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [12, 14, 16])
def test_a_full_size_mammogram_reads_its_stored_values(tmp_path, bits):
    stored = _stored(HOLOGIC_ROWS, HOLOGIC_COLUMNS, bits)
    path = save(mammogram(stored, bits_stored=bits), tmp_path / "mg.dcm")
    image = read_image(path)
    assert image.shape == (1, 4096, 3328) and image.array.dtype == np.uint16
    np.testing.assert_array_equal(image.array[0], stored)
    np.testing.assert_array_equal(image.array[0], _pydicom(path))
    ds = pydicom.dcmread(path)
    # Rescale slope 1, intercept 0 (the DX Image module's identity): pydicom's modality
    # LUT gives the same values, and medeval keeps the stored dtype.
    np.testing.assert_array_equal(image.array[0], apply_modality_lut(ds.pixel_array, ds))
    assert image.metadata["bits_stored"] == bits
    assert image.metadata["modality"] == "MG"
    assert image.metadata["presentation_intent_type"] == "FOR PRESENTATION"
    assert image.metadata["sop_class_uid"] == "1.2.840.10008.5.1.4.1.1.1.2"


def test_reading_a_mammogram_does_not_copy_more_than_pydicom(tmp_path):
    # pydicom holds the file's 27 MB of Pixel Data and makes its array (27 MB); medeval
    # hands that array on without a copy of its own (it used to stack it into a new one).
    path = save(mammogram(_stored(HOLOGIC_ROWS, HOLOGIC_COLUMNS, 12)), tmp_path / "mg.dcm")
    read_image(path)  # imports and caches out of the measurement
    tracemalloc.start()
    image = read_image(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2.3 * image.array.nbytes


def test_bits_above_bits_stored_are_ignored(tmp_path):
    # PS3.5 8.1.1: only BitsStored bits are the value; an exporter's garbage in the high
    # bits (here 0xF000) must not reach the array. pydicom masks them; so must medeval.
    stored = _stored(32, 24, 12)
    path = save(mammogram(stored | np.uint16(0xF000), bits_stored=12), tmp_path / "mg.dcm")
    np.testing.assert_array_equal(read_image(path).array[0], stored)


def test_monochrome1_keeps_its_stored_values_and_says_so(tmp_path):
    # Not inverted: a model trained on the stored values gets them; the metadata says the
    # values are MONOCHROME1 (the lowest value displays white).
    stored = _stored(64, 52, 14)
    path = save(mammogram(stored, bits_stored=14, photometric="MONOCHROME1",
                          for_processing=True), tmp_path / "mg.dcm")
    image = read_image(path)
    np.testing.assert_array_equal(image.array[0], stored)
    np.testing.assert_array_equal(image.array[0], _pydicom(path))
    assert image.metadata["photometric_interpretation"] == "MONOCHROME1"
    assert image.metadata["array_photometric_interpretation"] == "MONOCHROME1"
    assert image.metadata["presentation_intent_type"] == "FOR PROCESSING"
    assert image.metadata["sop_class_uid"] == "1.2.840.10008.5.1.4.1.1.1.2.1"


def test_simpleitk_inverts_monochrome1_and_measures_at_the_detector(tmp_path):
    # The peers disagree on the same file: SimpleITK (GDCM) returns 2**BitsStored - 1 -
    # stored for MONOCHROME1 and ImagerPixelSpacing without the magnification factor;
    # pydicom and medeval return the stored values, and medeval the breast-plane spacing.
    import SimpleITK as sitk

    stored = _stored(64, 52, 14)
    ds = mammogram(stored, bits_stored=14, photometric="MONOCHROME1", for_processing=True,
                   imager_spacing=(0.065, 0.07))
    ds.EstimatedRadiographicMagnificationFactor = 1.1
    path = save(ds, tmp_path / "mg.dcm")
    image, itk = read_image(path), sitk.ReadImage(str(path))
    np.testing.assert_array_equal(sitk.GetArrayFromImage(itk)[0], (2**14 - 1) - stored)
    np.testing.assert_array_equal(image.array[0], stored)
    assert itk.GetSpacing()[:2] == pytest.approx((0.07, 0.065))  # (x, y): detector plane
    assert image.spacing_mm[1:] == pytest.approx((0.065 / 1.1, 0.07 / 1.1))


def test_the_window_and_voi_lut_are_recorded_not_applied(tmp_path):
    stored = _stored(40, 32, 12)
    ds = mammogram(stored)
    ds.WindowCenter, ds.WindowWidth = [2047.0, 1800.0], [4096.0, 2500.0]
    ds.VOILUTFunction = "SIGMOID"
    lut = Dataset()
    lut.LUTDescriptor = [4096, 0, 16]
    lut.add_new(0x00283006, "US", [v // 16 for v in range(4096)])
    ds.VOILUTSequence = [lut]
    path = save(ds, tmp_path / "mg.dcm")
    image = read_image(path)
    np.testing.assert_array_equal(image.array[0], stored)
    windowed = apply_voi_lut(pydicom.dcmread(path).pixel_array, pydicom.dcmread(path))
    assert not np.array_equal(windowed, stored)  # what a display would have shown
    assert image.metadata["voi_applied"] is False
    assert image.metadata["window"] == ((2047.0, 4096.0), (1800.0, 2500.0))
    assert image.metadata["voi_lut_function"] == "SIGMOID"
    assert image.metadata["voi_lut_count"] == 1


def test_a_modality_lut_sequence_is_applied_as_pydicom_applies_it(tmp_path):
    stored = _stored(20, 16, 10)
    ds = mammogram(stored, bits_stored=10)
    del ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType
    lut = Dataset()
    lut.LUTDescriptor = [1024, 0, 16]
    lut.ModalityLUTType = "US"
    lut.add_new(0x00283006, "US", (np.arange(1024, dtype=np.uint16) * 3 + 100).tolist())
    ds.ModalityLUTSequence = [lut]
    path = save(ds, tmp_path / "mg.dcm")
    image = read_image(path)
    read = pydicom.dcmread(path)
    expected = apply_modality_lut(read.pixel_array, read)
    np.testing.assert_array_equal(image.array[0], expected)
    np.testing.assert_array_equal(image.array[0], stored.astype(np.int64) * 3 + 100)
    assert image.metadata["modality_lut"] == "ModalityLUTSequence"


def test_a_full_size_jpeg2000_lossless_mammogram_decodes_to_its_values(tmp_path):
    # Encoded by pylibjpeg-openjpeg (pydicom's Dataset.compress), decoded by medeval's
    # pinned pylibjpeg decoder: lossless, so the very values written.
    y, x = np.mgrid[0:HOLOGIC_ROWS, 0:HOLOGIC_COLUMNS]
    stored = ((np.sin(y / 300) + np.cos(x / 200) + 2) * 1000).astype(np.uint16)
    ds = mammogram(stored, bits_stored=12)
    ds.compress(JPEG2000Lossless, stored, encoding_plugin="pylibjpeg")
    path = save(ds, tmp_path / "mg_j2k.dcm")
    image = read_image(path)
    assert image.shape == (1, 4096, 3328) and image.array.dtype == np.uint16
    np.testing.assert_array_equal(image.array[0], stored)
    assert image.metadata["lossy"] is False and image.metadata["decoder"] == "pylibjpeg"


def test_a_jpeg_ls_lossless_mammogram_decodes_to_its_values(tmp_path):
    # No JPEG-LS encoder here; the stream is the real one of pydicom's
    # MR_small_jpeg_ls_lossless.dcm (64 x 64, 16 bits), in a mammogram's header. Its
    # values are MR_small.dcm's (the uncompressed original), all >= 0.
    source = pydicom.dcmread(get_testdata_file("MR_small_jpeg_ls_lossless.dcm"))
    original = pydicom.dcmread(get_testdata_file("MR_small.dcm")).pixel_array
    assert original.min() >= 0
    ds = mammogram(original.astype(np.uint16), bits_stored=16)
    ds.file_meta.TransferSyntaxUID = JPEGLSLossless
    ds.PixelData = encapsulate(list(generate_frames(source.PixelData, number_of_frames=1)))
    path = save(ds, tmp_path / "mg_jls.dcm")
    image = read_image(path)
    np.testing.assert_array_equal(image.array[0], original)
    np.testing.assert_array_equal(image.array[0], _pydicom(path))
    assert image.metadata["transfer_syntax"] == JPEGLSLossless


@pytest.mark.parametrize("attributes, expected, source", [
    # ImagerPixelSpacing alone: the detector plane (objects ~8 % larger than in the breast).
    ({"ImagerPixelSpacing": [0.07, 0.07]}, (0.07, 0.07), "ImagerPixelSpacing"),
    # With the magnification factor: the breast plane, as IHE Mammo displays measure.
    ({"ImagerPixelSpacing": [0.07, 0.07], "EstimatedRadiographicMagnificationFactor": 1.08},
     (0.07 / 1.08, 0.07 / 1.08),
     "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor"),
    # PixelSpacing, the file's own calibrated spacing in the patient, wins.
    ({"ImagerPixelSpacing": [0.07, 0.07], "EstimatedRadiographicMagnificationFactor": 1.08,
      "PixelSpacing": [0.0654, 0.0655]}, (0.0654, 0.0655), "PixelSpacing"),
    ({"PixelSpacing": [0.1, 0.1]}, (0.1, 0.1), "PixelSpacing"),
    ({}, (1.0, 1.0), "absent"),
    # PixelSpacing merely copying ImagerPixelSpacing (no PixelSpacingCalibrationType) in
    # a magnified projection is the detector plane: before, 0.07 mm was used, lengths 8 %
    # too long; now 0.07 / 1.08 = 0.0648148... mm, the size in the breast.
    ({"ImagerPixelSpacing": [0.07, 0.07], "EstimatedRadiographicMagnificationFactor": 1.08,
      "PixelSpacing": [0.07, 0.07]}, (0.07 / 1.08, 0.07 / 1.08),
     "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor"),
    # ... unless the file says it calibrated PixelSpacing (GEOMETRY, FIDUCIAL): then it is
    # the file's word
    ({"ImagerPixelSpacing": [0.07, 0.07], "EstimatedRadiographicMagnificationFactor": 1.08,
      "PixelSpacing": [0.07, 0.07], "PixelSpacingCalibrationType": "GEOMETRY"},
     (0.07, 0.07), "PixelSpacing"),
    # a factor of 1 magnifies nothing: the copy is right
    ({"ImagerPixelSpacing": [0.07, 0.07], "EstimatedRadiographicMagnificationFactor": 1.0,
      "PixelSpacing": [0.07, 0.07]}, (0.07, 0.07), "PixelSpacing"),
])
def test_mammogram_spacing(tmp_path, attributes, expected, source):
    ds = mammogram(_stored(8, 6, 12), imager_spacing=None)
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    image = read_image(save(ds, tmp_path / "mg.dcm"))
    assert image.spacing_mm[1:] == pytest.approx(expected, rel=1e-12)
    assert image.metadata["spacing_source"] == source
    assert image.metadata["geometry"] == "absent"  # no patient position in an MG image
    assert image.metadata["imager_pixel_spacing_mm"] == (
        pytest.approx(tuple(attributes["ImagerPixelSpacing"]))
        if "ImagerPixelSpacing" in attributes else None)
    assert image.metadata["estimated_radiographic_magnification_factor"] == attributes.get(
        "EstimatedRadiographicMagnificationFactor")
    copied = "PixelSpacing" in attributes and source != "PixelSpacing"
    # 0.07 / 1.08 = 0.064814...: four significant digits, 0.06481
    assert image.metadata.get("spacing_correction") == (
        "0.07 x 0.07 mm / 1.08 = 0.06481 x 0.06481 mm" if copied else None)


def test_rows_and_columns_are_not_swapped(tmp_path):
    # 4096 rows of 3328: a marker in the last row, first column lands at array [0, 4095, 0].
    stored = np.zeros((HOLOGIC_ROWS, HOLOGIC_COLUMNS), dtype=np.uint16)
    stored[-1, 0], stored[0, -1] = 4000, 3000
    ds = mammogram(stored, imager_spacing=(0.065, 0.07))
    image = read_image(save(ds, tmp_path / "mg.dcm"))
    assert image.array[0, 4095, 0] == 4000 and image.array[0, 0, 3327] == 3000
    assert image.spacing_mm[1:] == (0.065, 0.07)  # (between rows, between columns)


@pytest.mark.parametrize("position, code, laterality, view", [
    ("MLO", ("399368009", "SCT", "medio-lateral oblique"), "R", "MLO"),
    (None, ("399162004", "SCT", "cranio-caudal"), "L", "CC"),
    (None, ("R-10242", "SRT", "cranio-caudal"), "L", "CC"),  # the older SNOMED-RT code
    ("XCCL", None, "R", "XCCL"),
    (None, None, "L", None),
])
def test_laterality_and_view_for_subgroups(tmp_path, position, code, laterality, view):
    ds = mammogram(_stored(8, 6, 12), laterality=laterality, view=position)
    if code is not None:
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = code
        ds.ViewCodeSequence = [item]
    image = read_image(save(ds, tmp_path / "mg.dcm"))
    assert image.metadata["laterality"] == laterality
    assert image.metadata["view"] == view
    assert image.metadata["view_position"] == position
    assert image.metadata["view_code"] == code


def test_series_laterality_is_the_fallback(tmp_path):
    ds = mammogram(_stored(8, 6, 12))
    del ds.ImageLaterality
    ds.Laterality = "R"
    assert read_image(save(ds, tmp_path / "mg.dcm")).metadata["laterality"] == "R"


# --- ultrasound cine -----------------------------------------------------------------------


def test_a_real_ultrasound_cine_is_rgb_as_pydicom_converts_it():
    path = get_testdata_file(US_CINE)
    image = read_image(path)
    assert image.shape == (30, 240, 320, 3) and image.array.dtype == np.uint8
    # libjpeg returns the YBR samples (no colour transform of its own); pydicom's
    # convert_color_space makes them RGB: exactly what read_image gives.
    ybr = _pydicom(path, as_rgb=False)
    np.testing.assert_array_equal(image.array, convert_color_space(ybr, "YBR_FULL", "RGB"))
    np.testing.assert_array_equal(image.array, _pydicom(path))
    assert image.metadata["photometric_interpretation"] == "YBR_FULL_422"
    assert image.metadata["array_photometric_interpretation"] == "RGB"
    assert image.metadata["frame_time_ms"] == pytest.approx(33.333)
    assert image.metadata["frame_axis"] == "time"
    assert image.metadata["lossy"] is True


def test_a_real_cine_decoded_by_pillow_differs_by_a_few_units():
    # Pillow's libjpeg-turbo converts YCbCr itself (integer tables, smooth chroma
    # upsampling): up to 3 units from libjpeg + convert_color_space on this file, which is
    # why medeval pins one decoder (DECODER) for every compressed syntax.
    image = read_image(get_testdata_file(US_CINE))
    other = _pydicom(get_testdata_file(US_CINE), decoding_plugin="pillow").astype(int)
    assert 0 < np.abs(other - image.array).max() <= 3


def test_cine_frames_are_in_file_order():
    path = get_testdata_file(US_CINE)
    image = read_image(path)
    for k in (0, 1, 17, 29):
        np.testing.assert_array_equal(
            image.array[k], pixel_array(path, index=k, decoding_plugin="pylibjpeg"))


def test_the_real_cines_region_does_not_fit_its_image():
    # Its one region (x 84..595, y 31..414) is the 640 x 480 original's: the file was cut
    # down to 320 x 240 without updating it, so its 0.051 cm per pixel describes other
    # pixels. medeval reports no spacing rather than a wrong one.
    image = read_image(get_testdata_file(US_CINE))
    assert image.metadata["spacing_source"] == "absent"
    assert "(84, 31, 595, 414)" in image.metadata["spacing_note"]
    assert "outside the 320 x 240 image" in image.metadata["spacing_note"]
    (region,) = image.metadata["ultrasound_regions"]
    assert region["box_x0_y0_x1_y1"] == (84, 31, 595, 414)
    assert region["spacing_mm"] == pytest.approx((0.5104970559477806,) * 2)


def test_a_jpeg_baseline_cine_written_as_us_machines_write_it(tmp_path):
    rgb = cine(8, 48, 64)
    ds = ultrasound(rgb, jpeg=True, frame_time_ms=40.0,
                    us_regions=regions(((0, 0, 63, 47), 0.012, 0.01, 3, 3)))
    path = save(ds, tmp_path / "cine.dcm")
    image = read_image(path)
    assert image.shape == (8, 48, 64, 3)
    ybr = _pydicom(path, as_rgb=False)
    np.testing.assert_array_equal(image.array, convert_color_space(ybr, "YBR_FULL", "RGB"))
    assert np.abs(image.array.astype(int) - rgb).mean() < 3  # JPEG at quality 95
    means = image.array.reshape(8, -1).mean(axis=1)
    assert np.all(np.diff(means) > 15)  # each frame 20 units brighter: in order
    # PhysicalDeltaX/Y in cm per pixel: 0.012 cm between columns, 0.01 cm between rows.
    assert image.spacing_mm[1:] == pytest.approx((0.1, 0.12))
    assert image.metadata["spacing_source"] == "SequenceOfUltrasoundRegions"
    assert image.metadata["frame_time_ms"] == 40.0
    assert image.metadata["sop_class_uid"] == US_MULTIFRAME


def test_a_cine_is_converted_to_rgb_without_a_float_copy_of_every_frame(tmp_path):
    # as_rgb on the whole cine takes a float32 copy of it (4 bytes a sample, 9x the
    # array at peak); medeval converts frame by frame in place, the same values.
    path = save(ultrasound(cine(20, 480, 640), jpeg=True), tmp_path / "cine.dcm")
    read_image(path)  # imports and caches out of the measurement
    tracemalloc.start()
    image = read_image(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.5 * image.array.nbytes
    np.testing.assert_array_equal(image.array, _pydicom(path))


@pytest.mark.parametrize("photometric, planar", [
    ("RGB", 0), ("RGB", 1), ("YBR_FULL", 0), ("YBR_FULL", 1), ("YBR_FULL_422", 0)])
def test_an_uncompressed_cine_is_rgb(tmp_path, photometric, planar):
    rgb = cine(3, 6, 8)
    path = save(ultrasound(rgb, photometric=photometric, planar=planar), tmp_path / "c.dcm")
    image = read_image(path)
    assert image.shape == (3, 6, 8, 3)
    assert image.metadata["array_photometric_interpretation"] == "RGB"
    np.testing.assert_array_equal(image.array, _pydicom(path))
    if photometric == "RGB":
        np.testing.assert_array_equal(image.array, rgb)
    elif photometric == "YBR_FULL":
        stored = convert_color_space(rgb, "RGB", "YBR_FULL")
        np.testing.assert_array_equal(image.array,
                                      convert_color_space(stored, "YBR_FULL", "RGB"))
        # RGB -> YBR -> RGB in 8 bits: each conversion rounds (pydicom's floor(x + 0.5))
        assert np.abs(image.array.astype(int) - rgb).max() <= 1
    else:  # each pair of pixels shares the first pixel's CB and CR
        np.testing.assert_array_equal(
            image.array, convert_color_space(ybr_422_expanded(rgb), "YBR_FULL", "RGB"))


def test_a_single_frame_ultrasound_image(tmp_path):
    path = get_testdata_file("examples_rgb_color.dcm")  # real, RGB, 240 x 320
    image = read_image(path)
    assert image.shape == (1, 240, 320, 3)
    np.testing.assert_array_equal(image.array[0], _pydicom(path))
    assert image.metadata["sop_class_uid"] == US_IMAGE
    assert image.metadata["frame_time_ms"] is None and image.metadata["frame_axis"] is None

    path = get_testdata_file("examples_jpeg2k.dcm")  # real, YBR_RCT, JPEG 2000 lossless
    image = read_image(path)
    assert image.shape == (1, 480, 640, 3)
    np.testing.assert_array_equal(image.array[0], _pydicom(path))
    assert image.metadata["array_photometric_interpretation"] == "RGB"

    rgb = cine(1, 10, 12)
    ds = ultrasound(rgb, us_regions=regions(((0, 0, 11, 9), 0.02, 0.02, 3, 3)))
    image = read_image(save(ds, tmp_path / "us.dcm"))
    np.testing.assert_array_equal(image.array[0], rgb[0])
    assert image.spacing_mm[1:] == pytest.approx((0.2, 0.2))


@pytest.mark.parametrize("items, expected, source", [
    # two B-mode views side by side at the same depth: one spacing
    ([((0, 0, 31, 47), 0.01, 0.01, 3, 3), ((32, 0, 63, 47), 0.01, 0.01, 3, 3)],
     (0.1, 0.1), "SequenceOfUltrasoundRegions"),
    # B-mode above a spectral Doppler strip (seconds x cm/s): the strip is not spatial
    ([((0, 0, 63, 29), 0.015, 0.015, 3, 3), ((0, 30, 63, 47), 0.01, 2.5, 4, 7)],
     (0.15, 0.15), "SequenceOfUltrasoundRegions"),
    # two tissue regions of different depth (zoom box): no one spacing
    ([((0, 0, 31, 47), 0.01, 0.01, 3, 3), ((32, 0, 63, 47), 0.02, 0.02, 3, 3)],
     (1.0, 1.0), "absent"),
    # only a Doppler strip
    ([((0, 0, 63, 47), 0.01, 2.5, 4, 7)], (1.0, 1.0), "absent"),
    # a box whose end is given exclusive (x1 = Columns) still fits
    ([((0, 0, 64, 48), 0.01, 0.01, 3, 3)], (0.1, 0.1), "SequenceOfUltrasoundRegions"),
    # one region past the image (a resized export): none is trusted
    ([((0, 0, 31, 47), 0.01, 0.01, 3, 3), ((32, 0, 127, 47), 0.01, 0.01, 3, 3)],
     (1.0, 1.0), "absent"),
])
def test_ultrasound_regions_give_one_spacing_or_none(tmp_path, items, expected, source):
    ds = ultrasound(cine(2, 48, 64), us_regions=regions(*items))
    image = read_image(save(ds, tmp_path / "us.dcm"))
    assert image.spacing_mm[1:] == pytest.approx(expected)
    assert image.metadata["spacing_source"] == source
    assert len(image.metadata["ultrasound_regions"]) == len(items)
    if source == "absent":
        assert image.metadata["spacing_note"]
    if len(items) == 2 and items[1][3] == 3 and items[1][1] != items[0][1]:
        assert "differ in spacing" in image.metadata["spacing_note"]
        assert [r["spacing_mm"] for r in image.metadata["ultrasound_regions"]] == [
            pytest.approx((0.1, 0.1)), pytest.approx((0.2, 0.2))]


def test_pixel_spacing_agreeing_with_the_regions_is_used(tmp_path):
    # region 0.01 cm = 0.1 mm; PixelSpacing 0.1 mm (a vendor writing both, as it should)
    ds = ultrasound(cine(2, 48, 64), us_regions=regions(((0, 0, 63, 47), 0.01, 0.01, 3, 3)))
    ds.PixelSpacing = [0.1, 0.1]
    image = read_image(save(ds, tmp_path / "us.dcm"))
    assert image.spacing_mm[1:] == (0.1, 0.1)
    assert image.metadata["spacing_source"] == "PixelSpacing"
    assert "spacing_conflict" not in image.metadata


def test_pixel_spacing_disagreeing_with_the_regions_gives_no_pixel_size(tmp_path):
    # PixelSpacing 0.5 mm beside a region calibrated at 0.02 cm = 0.2 mm (as pydicom reads
    # PhysicalDeltaX/Y): which one describes the pixels? Before, 0.5 mm was taken without
    # a word, every length 2.5 x the regions'. Now none ("absent"), both sizes named.
    ds = ultrasound(cine(2, 48, 64), us_regions=regions(((0, 0, 63, 47), 0.02, 0.02, 3, 3)))
    ds.PixelSpacing = [0.5, 0.5]
    path = save(ds, tmp_path / "us.dcm")
    assert float(read_back(path).SequenceOfUltrasoundRegions[0].PhysicalDeltaX) * 10 == \
        pytest.approx(0.2)
    image = read_image(path)
    assert image.spacing_mm[1:] == (1.0, 1.0)
    assert image.metadata["spacing_source"] == "absent"
    conflict = image.metadata["spacing_conflict"]
    assert "PixelSpacing 0.5 x 0.5 mm" in conflict and "0.2 x 0.2 mm in (0, 0, 63, 47)" in conflict
    assert image.metadata["spacing_note"] == conflict
    # a region reaching past the image (a resized export) describes none of its pixels:
    # PixelSpacing is not compared with it, and holds
    ds.SequenceOfUltrasoundRegions[0].RegionLocationMaxX1 = 127
    image = read_image(save(ds, tmp_path / "resized.dcm"))
    assert image.spacing_mm[1:] == (0.5, 0.5)
    assert image.metadata["spacing_source"] == "PixelSpacing"


def test_an_enhanced_object_without_positions_takes_its_pixel_measures(tmp_path):
    # An enhanced multi-frame object states its pixel size in the Pixel Measures
    # functional group (PS3.3 C.7.6.16.2.1), not at the top level. Without frame
    # positions it was read as stating none ('absent', 1 x 1), so a measurement in mm
    # on it was refused as if the file had no pixel size. The spacing is the group's as
    # written ([0.2, 0.25]: rows, columns), shared or the same in every frame.
    from pydicom.sequence import Sequence

    def enhanced(shared: list | None, per_frame: list) -> Dataset:
        ds = ultrasound(cine(3, 4, 6), frame_time_ms=None)
        if shared is not None:
            ds.SharedFunctionalGroupsSequence = Sequence([_measures(shared)])
        ds.PerFrameFunctionalGroupsSequence = Sequence([_measures(s) for s in per_frame])
        return ds

    cases = {"shared": (enhanced([0.2, 0.25], [None] * 3), (0.2, 0.25)),
             "each frame": (enhanced(None, [[0.2, 0.25]] * 3), (0.2, 0.25)),
             "frames differ": (enhanced(None, [[0.2, 0.25], [0.2, 0.25], [0.3, 0.3]]), None)}
    for name, (ds, expected) in cases.items():
        image = read_image(save(ds, tmp_path / f"{name}.dcm"))
        assert image.metadata["geometry"] == "absent", name
        if expected is None:  # no one size: none taken
            assert image.metadata["spacing_source"] == "absent", name
        else:
            assert image.spacing_mm[1:] == expected, name
            assert image.metadata["spacing_source"] == "PixelSpacing", name


def _measures(spacing: list | None) -> Dataset:
    from pydicom.sequence import Sequence

    item = Dataset()
    if spacing is not None:
        measures = Dataset()
        measures.PixelSpacing = spacing
        item.PixelMeasuresSequence = Sequence([measures])
    return item


def test_pydicoms_sonosite_cine_with_a_pixel_spacing_beside_its_region(tmp_path):
    # pydicom's examples_ybr_color.dcm (320 x 240) keeps the region of its acquisition
    # (84, 31, 595, 414) at 0.05105 cm: an export halved in size. A PixelSpacing its
    # exporter wrote for the halved pixels (2 x 0.5105 = 1.021 mm) is not compared with
    # a region describing none of them, and is used.
    ds = pydicom.dcmread(get_testdata_file(US_CINE))
    delta = float(ds.SequenceOfUltrasoundRegions[0].PhysicalDeltaX)
    assert delta == pytest.approx(0.05104970559477806)
    ds.PixelSpacing = [round(2 * delta * 10, 6)] * 2
    image = read_image(save(ds, tmp_path / "halved.dcm"))
    assert image.spacing_mm[1:] == pytest.approx((1.020994, 1.020994))
    assert image.metadata["spacing_source"] == "PixelSpacing"
    # the region's box halved too (42, 15, 297, 207), now inside the image: its 0.5105 mm
    # and PixelSpacing's 1.021 mm cannot both describe the pixels, and neither is taken
    # (before: 1.021 mm, without a word)
    region = ds.SequenceOfUltrasoundRegions[0]
    region.RegionLocationMinX0, region.RegionLocationMinY0 = 42, 15
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = 297, 207
    image = read_image(save(ds, tmp_path / "both.dcm"))
    assert image.metadata["spacing_source"] == "absent"
    assert image.metadata["spacing_conflict"].startswith(
        "PixelSpacing 1.02099 x 1.02099 mm disagrees with the ultrasound region(s) "
        "calibrated in cm (0.510497 x 0.510497 mm in (42, 15, 297, 207)")

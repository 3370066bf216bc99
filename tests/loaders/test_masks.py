"""Mask images as labels: read_mask and read_segmentation on PNG, BMP, TIFF and JPEG masks.

Expected labels are hand-made arrays (the mask written, and what each value must become)
or Pillow's own decoding of the same JPEG, thresholded here by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

from medeval.compat import check_compatible
from medeval.errors import CompatibilityError, LoaderError
from medeval.loaders import read_image, read_mask, read_segmentation

# A 6 x 8 binary lesion: rows 1-3, columns 2-5.
LESION = np.zeros((6, 8), dtype=np.uint8)
LESION[1:4, 2:6] = 1


def save(array, path, **options):
    PILImage.fromarray(array).save(path, **options)
    return path


def refused(path, *words, **options):
    with pytest.raises(LoaderError) as info:
        read_mask(path, **options)
    message = str(info.value)
    assert str(path) in message, message
    for word in words:
        assert word in message, message
    return message


# -- binary masks -------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tif"])
def test_0_255_becomes_0_1(tmp_path, suffix):
    mask = read_mask(save(LESION * 255, tmp_path / f"m{suffix}"))
    assert mask.shape == (1, 6, 8) and mask.array.dtype == np.uint8
    assert np.array_equal(mask.array[0], LESION) and mask.spacing_mm is None
    assert mask.metadata["pixel_values"] == [0, 255]


def test_0_1_and_1_bit_masks_read_as_they_are(tmp_path):
    assert np.array_equal(read_mask(save(LESION, tmp_path / "m01.png")).array[0], LESION)
    one_bit = read_mask(save(LESION.astype(bool), tmp_path / "m1.png"))
    assert one_bit.array.dtype == np.uint8 and np.array_equal(one_bit.array[0], LESION)
    empty = read_mask(save(np.zeros((6, 8), np.uint8), tmp_path / "empty.png"))
    assert not empty.array.any()


def test_other_values_need_a_label_map(tmp_path):
    path = save(LESION * 128, tmp_path / "m128.png")
    refused(path, "[0, 128]", "not a binary mask", "label_map")
    assert np.array_equal(read_mask(path, label_map={0: 0, 128: 1}).array[0], LESION)


# -- label maps ---------------------------------------------------------------------------

def test_a_palette_mask_is_read_by_index_not_colour(tmp_path):
    indices = LESION.copy()
    indices[4:6, 0:2] = 2
    image = PILImage.fromarray(indices, mode="P")
    image.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0])  # black, red, green
    image.save(tmp_path / "palette.png")
    labels = read_mask(tmp_path / "palette.png", label_map={0: 0, 1: 5, 2: 7})
    expected = np.select([indices == 1, indices == 2], [5, 7], 0)
    assert np.array_equal(labels.array[0], expected)
    assert read_image(tmp_path / "palette.png").shape == (1, 6, 8, 3)  # as an image: colours


def test_a_grey_label_png_with_its_map(tmp_path):
    grey = np.array([[0, 85, 170, 255]], dtype=np.uint8)
    labels = read_mask(save(grey, tmp_path / "grey.png"),
                       label_map={0: 0, 85: 1, 170: 2, 255: 3})
    assert labels.array[0].tolist() == [[0, 1, 2, 3]]


def test_a_16_bit_mask_with_values_outside_the_map_is_refused(tmp_path):
    values = np.array([[0, 1000, 2000], [3000, 1000, 0]], dtype=np.uint16)
    path = save(values, tmp_path / "m16.png")
    with PILImage.open(path) as opened:
        assert np.asarray(opened).dtype == np.uint16  # a real 16-bit PNG
    labels = read_mask(path, label_map={0: 0, 1000: 1, 2000: 2, 3000: 300})
    assert labels.array.dtype == np.uint16  # label 300 needs 16 bits
    assert labels.array[0].tolist() == [[0, 1, 2], [300, 1, 0]]
    refused(path, "holds the values [2000, 3000]", "does not list",
            label_map={0: 0, 1000: 1})


def test_a_bad_label_map_is_refused(tmp_path):
    path = save(LESION, tmp_path / "m.png")
    refused(path, "whole numbers", label_map={0: 0, 1: 1.5})
    refused(path, "whole numbers", label_map={0: 0, -1: 1})


def test_a_colour_mask_reads_when_grey_and_is_refused_otherwise(tmp_path):
    grey_rgb = np.dstack([LESION * 255] * 3)
    assert np.array_equal(read_mask(save(grey_rgb, tmp_path / "rgb.png")).array[0], LESION)
    grey_rgb[0, 0] = [255, 0, 0]
    refused(save(grey_rgb, tmp_path / "red.png"), "channels differ", "palette")


def test_float_and_transparent_masks_are_refused(tmp_path):
    refused(save(LESION.astype(np.float32), tmp_path / "f.tif"), "not integer labels")
    la = np.dstack([LESION * 255, np.full((6, 8), 255, np.uint8)])
    la[0, 0, 1] = 0
    refused(save(la, tmp_path / "la.png"), "alpha")


def test_a_multi_page_tiff_mask_is_a_stack(tmp_path):
    pages = [PILImage.fromarray(LESION * 255), PILImage.fromarray(LESION[::-1] * 255)]
    pages[0].save(tmp_path / "stack.tif", save_all=True, append_images=pages[1:])
    mask = read_mask(tmp_path / "stack.tif")
    assert np.array_equal(mask.array, np.stack([LESION, LESION[::-1]]))


# -- JPEG masks ---------------------------------------------------------------------------

def _jpeg_mask(path, colour=False):
    # A blurred disc, as polyp sets ship their masks: grey values along the edge.
    yy, xx = np.mgrid[:40, :40]
    disc = np.clip(255 * (12 - np.hypot(yy - 20, xx - 20)) / 4 + 128, 0, 255).astype(np.uint8)
    save(np.dstack([disc] * 3) if colour else disc, path, quality=75)
    return path


def test_a_jpeg_mask_needs_a_threshold(tmp_path):
    path = _jpeg_mask(tmp_path / "polyp.jpg")
    refused(path, "is a JPEG", "jpeg_threshold=")
    with PILImage.open(path) as opened:
        decoded = np.asarray(opened)
    assert len(np.unique(decoded)) > 2  # the edges are smeared into greys
    mask = read_mask(path, jpeg_threshold=128)
    assert mask.array.dtype == np.uint8
    assert np.array_equal(mask.array[0], (decoded >= 128).astype(np.uint8))
    assert mask.metadata["jpeg_threshold"] == 128.0


def test_a_colour_jpeg_mask_is_thresholded_on_the_channel_mean(tmp_path):
    path = _jpeg_mask(tmp_path / "polyp_rgb.jpg", colour=True)
    with PILImage.open(path) as opened:
        decoded = np.asarray(opened).astype(np.float64)
    expected = (decoded.mean(axis=-1) >= 100).astype(np.uint8)
    assert np.array_equal(read_mask(path, jpeg_threshold=100).array[0], expected)


def test_a_jpeg_mask_refuses_a_label_map_and_a_bad_threshold(tmp_path):
    path = _jpeg_mask(tmp_path / "polyp.jpg")
    refused(path, "label_map cannot apply", jpeg_threshold=128, label_map={0: 0, 255: 1})
    refused(path, "(0, 255]", jpeg_threshold=0)
    refused(path, "(0, 255]", jpeg_threshold=300)


def test_a_jpeg_mask_the_threshold_would_empty_is_refused(tmp_path):
    # A square polyp stored as 0/1 (grey) and drawn in pure red (255, 0, 0): Pillow
    # decodes the first to levels of about 1 and the second to a channel mean of about
    # 85, both below 128, so thresholded at 128 each would be an empty mask, its polyp
    # lost without a word.
    square = np.zeros((40, 40), dtype=np.uint8)
    square[10:30, 10:30] = 1
    red = np.zeros((40, 40, 3), dtype=np.uint8)
    red[10:30, 10:30] = (255, 0, 0)
    for path, array in ((tmp_path / "ones.jpg", square), (tmp_path / "red.jpg", red)):
        save(array, path, quality=90)
        with PILImage.open(path) as opened:
            decoded = np.asarray(opened).astype(np.float64)
        levels = decoded.mean(axis=-1) if decoded.ndim == 3 else decoded
        assert 0 < levels.max() < 128
        message = refused(path, "no pixel reaches jpeg_threshold 128", "would be empty",
                          f"is {levels.max():g})", jpeg_threshold=128)
        assert ("mean of R, G and B" in message) == (decoded.ndim == 3)
    # a threshold below the object's level reads the square, as lossy as JPEG left it
    ones = read_mask(tmp_path / "ones.jpg", jpeg_threshold=0.5).array[0]
    with PILImage.open(tmp_path / "ones.jpg") as opened:
        assert np.array_equal(ones, (np.asarray(opened) >= 0.5).astype(np.uint8))
    assert ones[10:30, 10:30].mean() > 0.5 and not ones[:8].any()
    # a JPEG of an empty mask decodes to 0 everywhere: an empty mask, read as such
    empty = save(np.zeros((40, 40), dtype=np.uint8), tmp_path / "empty.jpg", quality=75)
    assert not read_mask(empty, jpeg_threshold=128).array.any()
    # a stack of pages (a JPEG-compressed TIFF, one page per frame of a cine): the page
    # whose object the threshold would erase is named, though another page keeps its own
    pages = [PILImage.fromarray(square * 255), PILImage.fromarray(square),
             PILImage.fromarray(np.zeros_like(square))]
    stack = tmp_path / "pages.tif"
    pages[0].save(stack, save_all=True, append_images=pages[1:], compression="jpeg")
    refused(stack, "page 2 of 3: no pixel reaches jpeg_threshold 128", jpeg_threshold=128)
    assert read_mask(stack, jpeg_threshold=0.5).array.shape == (3, 40, 40)


def test_a_tiff_with_jpeg_compression_is_a_jpeg_mask(tmp_path):
    # a TIFF holding JPEG-compressed pixels is as lossy as a .jpg: its edges are smeared
    # into greys, so it needs the threshold like any JPEG mask, and is thresholded alike
    yy, xx = np.mgrid[:40, :40]
    disc = np.where(np.hypot(yy - 20, xx - 20) < 12, 255, 0).astype(np.uint8)
    path = tmp_path / "polyp.tif"
    PILImage.fromarray(disc).save(path, compression="jpeg", quality=60)
    with PILImage.open(path) as opened:
        decoded = np.asarray(opened.convert("L"))
    assert len(np.unique(decoded)) > 2  # the edges are smeared into greys
    refused(path, "JPEG compression", "jpeg_threshold=")
    refused(path, "JPEG compression", "jpeg_threshold=", label_map={0: 0, 255: 1})
    mask = read_mask(path, jpeg_threshold=128)
    assert np.array_equal(mask.array[0], (decoded >= 128).astype(np.uint8))
    assert mask.metadata["format"] == "tiff" and mask.metadata["jpeg_threshold"] == 128.0
    # a TIFF compressed without loss is read as it is
    PILImage.fromarray(disc).save(tmp_path / "lzw.tif", compression="tiff_lzw")
    assert np.array_equal(read_mask(tmp_path / "lzw.tif").array[0], disc // 255)


def test_the_threshold_is_ignored_for_a_lossless_mask(tmp_path):
    path = save(LESION * 255, tmp_path / "m.png")
    assert np.array_equal(read_mask(path, jpeg_threshold=200).array[0], LESION)


# -- read_segmentation and the mask's image -----------------------------------------------

def test_read_segmentation_splits_a_mask_image_by_label(tmp_path):
    indices = LESION.copy()
    indices[5, 7] = 2
    path = save(indices, tmp_path / "labels.png")
    segmentation = read_segmentation(path, label_map={0: 0, 1: 1, 2: 2})
    assert [s.number for s in segmentation.segments] == [1, 2]
    assert segmentation.labels == {1: "1", 2: "2"}
    assert np.array_equal(segmentation.segments[0].mask.array[0], indices == 1)
    assert segmentation.segments[1].mask.array.sum() == 1
    assert segmentation.segments[0].mask.spacing_mm is None
    binary = read_segmentation(save(LESION * 255, tmp_path / "binary.png"))
    assert binary.labels == {1: "1"}


def test_a_mask_must_fit_its_frame(tmp_path):
    frame = read_image(save(np.zeros((6, 8, 3), np.uint8), tmp_path / "frame.jpg"))
    fits = read_segmentation(save(LESION * 255, tmp_path / "fits.png"), reference=frame)
    assert fits.segments[0].mask.shape == (1, 6, 8)
    small = save(LESION[:5] * 255, tmp_path / "small.png")
    with pytest.raises(CompatibilityError) as info:
        read_segmentation(small, reference=frame)
    message = str(info.value)
    # the mask is named as a mask against its frame, not as a prediction
    assert message.startswith(f"mask {small}: is 5 x 8 pixels (rows x columns) but its frame "
                              f"{tmp_path / 'frame.jpg'} is 6 x 8: the mask was not drawn")
    assert "prediction" not in message and "swapped" not in message
    # the frame saved turned (PIL's transpose: 8 rows x 6 columns) against its 6 x 8 mask
    turned = read_image(save(np.zeros((6, 8, 3), np.uint8), tmp_path / "t.png"))
    PILImage.open(tmp_path / "t.png").transpose(PILImage.Transpose.ROTATE_90).save(
        tmp_path / "turned.png")
    with pytest.raises(CompatibilityError, match=r"is 6 x 8 pixels .* is 8 x 6, rows and "
                       r"columns swapped"):
        read_segmentation(tmp_path / "fits.png", reference=read_image(tmp_path / "turned.png"))
    assert turned.shape[1:3] == (6, 8)
    with pytest.raises(CompatibilityError, match=r"grid \(z, y, x\)"):
        check_compatible(frame, read_mask(small), compare_channels=False)


def test_a_dicom_seg_cannot_be_placed_on_a_raster_frame(shared_data, tmp_path):
    frame = read_image(save(np.zeros((6, 8), np.uint8), tmp_path / "frame.png"))
    with pytest.raises(LoaderError, match="has no physical spacing"):
        read_segmentation(shared_data / "dicom/seg/liver_1frame.dcm", reference=frame)


def test_a_mask_image_does_not_fit_an_image_with_spacing(tmp_path):
    import SimpleITK as sitk

    volume = sitk.GetImageFromArray(np.zeros((1, 6, 8), np.uint8))
    volume.SetSpacing((0.5, 0.5, 2.0))
    sitk.WriteImage(volume, str(tmp_path / "frame.nii.gz"))
    frame = read_image(tmp_path / "frame.nii.gz")
    with pytest.raises(CompatibilityError, match="an image with geometry and one without"):
        read_segmentation(save(LESION * 255, tmp_path / "m.png"), reference=frame)


def test_label_map_is_refused_for_a_dicom_seg(shared_data):
    seg = shared_data / "dicom/seg/liver_1frame.dcm"
    with pytest.raises(LoaderError, match="label_map and jpeg_threshold are for mask images"):
        read_segmentation(seg, label_map={0: 0, 1: 1})


@given(st.sampled_from(["u1", "u2", "i2", "b1", "f4"]), st.integers(1, 5),
       st.integers(0, 2**32 - 1))
def test_distinct_values_are_numpys_unique(dtype, n_values, seed):
    # np.unique is the reference: the same values in the same order and dtype, for
    # binary masks (the fast path), a few labels (counted) and other types (np.unique).
    from medeval.loaders.masks import distinct_values

    rng = np.random.default_rng(seed)
    choices = rng.choice(np.arange(0, 300 if dtype != "u1" else 256), size=n_values,
                         replace=False)
    array = rng.choice(choices, size=(3, 17, 13)).astype(dtype)
    got = distinct_values(array)
    assert got.dtype == array.dtype and got.tolist() == np.unique(array).tolist()


def test_the_manifests_read_files_check_reads_a_mask_as_the_task_does(tmp_path):
    # a palette mask whose background index is transparent (as annotation tools export
    # them): read_mask reads its indices, so `manifest check --read-files` must not
    # refuse it as a transparent image; a damaged mask is still refused there
    from medeval.errors import ManifestError
    from medeval.manifest import Case, Manifest

    mask = PILImage.fromarray(LESION, "P")
    mask.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    mask.save(tmp_path / "m.png", transparency=0)
    with PILImage.open(tmp_path / "m.png") as opened:
        assert np.array_equal(np.asarray(opened), LESION)  # Pillow's own indices
        assert "transparency" in opened.info
    assert np.array_equal(read_mask(tmp_path / "m.png").array[0], LESION)
    frame = np.zeros((*LESION.shape, 3), np.uint8)
    frame[..., 0] = 200  # a colour frame: read as an image, not as a mask
    save(frame, tmp_path / "f.png")
    cases = [Case("c1", "p1", ("f.png",), "m.png")]
    for kind in ("image", "segmentation"):
        Manifest(cases, root=tmp_path, reference_kind=kind).validate(read_files=True)
    data = (tmp_path / "m.png").read_bytes()
    (tmp_path / "m.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ManifestError, match="m.png"):
        Manifest(cases, root=tmp_path, reference_kind="image").validate(read_files=True)

"""The conformance gate between a reference and a prediction."""

from __future__ import annotations

import numpy as np
import pytest

from medeval.compat import check_compatible
from medeval.errors import CompatibilityError
from medeval.loaders import Annotations, Image, Signal, read_image, read_record


def mask(shape=(5, 16, 16), **geometry):
    return Image(np.zeros(shape, dtype=np.uint8), **geometry)


def test_the_same_series_is_compatible_with_itself(shared_data):
    ct = read_image(shared_data / "dicom/series/ct5n")
    check_compatible(ct, ct)
    prediction = Image((ct.array > 0).astype(np.uint8), ct.spacing_mm, ct.origin_mm,
                       ct.direction)
    check_compatible(Image(np.zeros_like(prediction.array), ct.spacing_mm, ct.origin_mm,
                           ct.direction), prediction, labels={0, 1})


def test_every_geometry_difference_is_listed_with_both_sides(shared_data):
    ct = read_image(shared_data / "dicom/series/ct5n")
    flipped = np.diag([1.0, 1.0, -1.0])
    wrong = Image(np.zeros((4, 16, 16), dtype=np.int32), spacing_mm=(2.0, 0.488281, 0.488281),
                  origin_mm=(0.0, -143.0, -72.2), direction=flipped,
                  metadata={"source": "pred/c1.nii.gz"})
    with pytest.raises(CompatibilityError) as info:
        check_compatible(ct, wrong)
    message = str(info.value)
    assert "pred/c1.nii.gz" in message and "ct5n" in message
    assert "shape: reference (5, 16, 16), prediction (4, 16, 16)" in message
    assert "spacing_mm: reference (2.5, 0.488281, 0.488281), prediction (2.0, " in message
    assert "origin_mm: reference (-1.2375, -143.0, -72.199997), prediction (0.0, " in message
    assert "direction: reference" in message


def test_tolerance_is_a_parameter():
    ref = mask(spacing_mm=(2.5, 0.5, 0.5))
    near = mask(spacing_mm=(2.5004, 0.5, 0.5))
    check_compatible(ref, near)  # 0.4 µm apart: within the default 1 µm
    with pytest.raises(CompatibilityError, match="spacing_mm"):
        check_compatible(ref, near, tolerance_mm=1e-4)


def test_single_slice_spacing_is_not_compared():
    check_compatible(mask((1, 4, 4), spacing_mm=(5.0, 1, 1)), mask((1, 4, 4)))


def test_a_single_slice_apart_only_in_its_position_says_why(shared_data):
    # CT_small is one slice at z = -75.7 mm (pydicom's ImagePositionPatient); a 2-D
    # prediction file, which has no z, comes back with its slice at 0.
    import pydicom

    ct = read_image(shared_data / "dicom/ct/CT_small.dcm")
    z = float(pydicom.dcmread(shared_data / "dicom/ct/CT_small.dcm").ImagePositionPatient[2])
    assert ct.origin_mm[0] == pytest.approx(z, abs=1e-4) and abs(z) > 1
    prediction = Image(np.zeros(ct.shape, np.uint8), spacing_mm=ct.spacing_mm,
                       origin_mm=(0.0, *ct.origin_mm[1:]), direction=ct.direction)
    with pytest.raises(CompatibilityError, match="only the slice position differs: a 2-D "
                                                 "file states none"):
        check_compatible(ct, prediction)
    # off in-plane too: the plain difference, no such hint
    elsewhere = Image(prediction.array, spacing_mm=ct.spacing_mm,
                      origin_mm=(0.0, 0.0, 0.0), direction=ct.direction)
    with pytest.raises(CompatibilityError) as info:
        check_compatible(ct, elsewhere)
    assert "origin_mm" in str(info.value) and "slice position" not in str(info.value)


def test_labels_outside_the_allowed_set():
    ref = mask()
    pred = Image(np.full((5, 16, 16), 3, dtype=np.uint8))
    with pytest.raises(CompatibilityError, match=r"labels: prediction has \[3\] outside \[0, 1\]"):
        check_compatible(ref, pred, labels={0, 1})


def test_scores_are_not_labels():
    pred = Image(np.full((5, 16, 16), 0.7))
    with pytest.raises(CompatibilityError, match="threshold scores into labels first"):
        check_compatible(mask(), pred)


def test_signals(shared_data):
    ecg = read_record(shared_data / "ecg/mitdb/100")
    check_compatible(ecg, ecg)
    resampled = Signal(np.zeros((650000 * 250 // 360, 2)), fs=250.0,
                       channels=("MLII", "V5"), units=("mV", "mV"))
    with pytest.raises(CompatibilityError) as info:
        check_compatible(ecg, resampled)
    message = str(info.value)
    assert "fs: reference 360 Hz, prediction 250 Hz" in message
    # 650000 / 360 = 1805.56 s against 451388 / 250 = 1805.55 s.
    assert "duration: reference 1805.56 s (650000 samples), prediction 1805.55 s" in message
    check_compatible(ecg, Signal(np.zeros((649999, 2)), 360.0, ("MLII", "V5"), ("mV", "mV")),
                     tolerance_s=0.01)


def test_annotations_against_a_signal_and_each_other(shared_data):
    ecg = read_record(shared_data / "ecg/mitdb/100")
    beats = Annotations(np.array([100, 700000]), ("N", "N"), np.array([100, 700000]) / 360,
                        np.full(2, np.nan), 360.0)
    with pytest.raises(CompatibilityError, match=r"reference lasts 1805.56 s, prediction has "
                                                 r"1 annotation\(s\) outside it"):
        check_compatible(ecg, beats)
    other = Annotations(np.array([50]), ("N",), np.array([0.2]), np.full(1, np.nan), 250.0)
    with pytest.raises(CompatibilityError, match="fs: reference 360 Hz, prediction 250 Hz"):
        check_compatible(beats, other)


def test_mismatched_kinds():
    with pytest.raises(CompatibilityError, match="cannot compare a reference Image with a "
                                                 "prediction Signal"):
        check_compatible(mask(), Signal(np.zeros((3, 1)), 1.0, ("a",), ("mV",)))


# -- images without physical spacing (PNG, JPEG, BMP, TIFF frames) ------------------------

def test_two_images_without_spacing_are_compared_by_shape_only():
    check_compatible(mask((1, 16, 16), spacing_mm=None),
                     mask((1, 16, 16), spacing_mm=None, origin_mm=(0.0, 9.0, 9.0)))
    with pytest.raises(CompatibilityError) as info:
        check_compatible(mask((1, 16, 16), spacing_mm=None), mask((1, 16, 12), spacing_mm=None))
    message = str(info.value)
    assert "shape: reference (1, 16, 16), prediction (1, 16, 12)" in message
    assert "spacing_mm" not in message and "origin_mm" not in message


@pytest.mark.parametrize("ref_spacing, pred_spacing, shown", [
    ((1.0, 0.1, 0.1), None, "reference (1.0, 0.1, 0.1), prediction none"),
    (None, (1.0, 1.0, 1.0), "reference none (a file without physical spacing), prediction "
                            "(1.0, 1.0, 1.0)"),
])
def test_an_image_with_spacing_and_one_without_are_refused(ref_spacing, pred_spacing, shown):
    # Not even unit spacing passes: an absent spacing is never taken as 1 mm.
    with pytest.raises(CompatibilityError) as info:
        check_compatible(mask((1, 16, 16), spacing_mm=ref_spacing),
                         mask((1, 16, 16), spacing_mm=pred_spacing))
    assert shown in str(info.value) and "cannot be compared" in str(info.value)


def test_a_mask_against_its_colour_frame_compares_the_grid_only():
    frame = Image(np.zeros((1, 16, 16, 3), dtype=np.uint8), spacing_mm=None)
    with pytest.raises(CompatibilityError, match=r"shape: reference \(1, 16, 16, 3\)"):
        check_compatible(frame, mask((1, 16, 16), spacing_mm=None))
    check_compatible(frame, mask((1, 16, 16), spacing_mm=None), compare_channels=False)
    with pytest.raises(CompatibilityError, match=r"grid \(z, y, x\): reference \(1, 16, 16\), "
                                                 r"prediction \(1, 8, 16\)"):
        check_compatible(frame, mask((1, 8, 16), spacing_mm=None), compare_channels=False)


def test_rows_and_columns_swapped_are_named(tmp_path):
    # a company's mask PNG written from an (x, y) array: 128 rows x 160 columns against a
    # 160 x 128 frame's reference; refused as before, now saying what it looks like
    from PIL import Image as PILImage

    from medeval.loaders import read_mask

    drawn = np.zeros((128, 160), np.uint8)
    drawn[10:40, 20:90] = 255
    PILImage.fromarray(drawn).save(tmp_path / "ref.png")
    PILImage.fromarray(drawn.T.copy()).save(tmp_path / "pred.png")
    with pytest.raises(CompatibilityError, match=r"shape: reference \(1, 128, 160\), "
                                                 r"prediction \(1, 160, 128\) \(rows and "
                                                 r"columns swapped: written transposed"):
        check_compatible(read_mask(tmp_path / "ref.png"), read_mask(tmp_path / "pred.png"))
    # a square mask turned cannot be told from a wrong one by its shape: compatible
    check_compatible(mask((1, 16, 16)), mask((1, 16, 16)))
    # another shape: no such words
    with pytest.raises(CompatibilityError) as info:
        check_compatible(mask((1, 16, 20)), mask((1, 16, 10)))
    assert "swapped" not in str(info.value)


def test_a_prediction_left_at_the_models_resolution_is_named(tmp_path):
    # an ONNX segmenter's output at half the frame's size (a stride-2 network), saved as
    # it came: 96 x 128 reference, 48 x 64 prediction, 48/96 = 64/128 = 1/2; or at its
    # fixed input size, 256 x 256, for a 96 x 128 frame. Found in the onnx-pass.
    from PIL import Image as PILImage

    from medeval.loaders import read_mask

    drawn = np.zeros((96, 128), np.uint8)
    drawn[30:60, 40:90] = 255
    PILImage.fromarray(drawn).save(tmp_path / "ref.png")
    half = PILImage.fromarray(drawn).resize((64, 48), PILImage.NEAREST)
    half.save(tmp_path / "half.png")
    PILImage.fromarray(drawn).resize((256, 256), PILImage.NEAREST).save(tmp_path / "sq.png")
    ref = read_mask(tmp_path / "ref.png")
    with pytest.raises(CompatibilityError, match=r"prediction \(1, 48, 64\) \(the reference's "
                                                 r"rows and columns times 1/2: the model's "
                                                 r"output at its own resolution\? resize"):
        check_compatible(ref, read_mask(tmp_path / "half.png"))
    with pytest.raises(CompatibilityError, match=r"prediction \(1, 256, 256\) \(a square "
                                                 r"256 x 256 prediction for a 96 x 128 "
                                                 r"reference: the model's input size\?"):
        check_compatible(ref, read_mask(tmp_path / "sq.png"))
    # rows kept, columns halved (16/16 = 1, 10/20 = 1/2): no resize hint; nor across slices
    for shapes in (((1, 16, 20), (1, 16, 10)), ((4, 16, 20), (2, 8, 10))):
        with pytest.raises(CompatibilityError) as info:
            check_compatible(mask(shapes[0]), mask(shapes[1]))
        assert "resize" not in str(info.value) and "swapped" not in str(info.value)


def _written(tmp_path, image, name):
    """``image`` (SimpleITK) written as NIfTI and read back by medeval."""
    import SimpleITK as sitk

    path = tmp_path / name
    sitk.WriteImage(image, str(path))
    return read_image(path)


def _volume(sitk, direction):
    """A 4 x 6 x 8 (z, y, x) label volume at 0.7 x 0.7 x 5 mm (x, y, z)."""
    image = sitk.GetImageFromArray(np.arange(192, dtype=np.uint8).reshape(4, 6, 8) % 3)
    image.SetSpacing((0.7, 0.7, 5.0))
    image.SetOrigin((20.0, 15.0, -30.0))
    image.SetDirection(direction)
    return image


def _corner_points(sitk, image):
    size = image.GetSize()
    return sorted(tuple(np.round(image.TransformIndexToPhysicalPoint(
        tuple(int(b * (n - 1)) for b, n in zip(bits, size))), 4))
        for bits in np.ndindex(2, 2, 2))


@pytest.mark.parametrize("direction", [
    (-1, 0, 0, 0, -1, 0, 0, 0, 1),  # stored RAS: DICOMOrient flips x and y
    (0, 0, 1, 1, 0, 0, 0, 1, 0),    # a permuted acquisition: DICOMOrient swaps the axes
])
def test_a_reoriented_prediction_is_said_to_be_the_same_voxels(tmp_path, direction):
    # Found in the volumes-pass: a mask reoriented to LPS by SimpleITK's DICOMOrient (or
    # nibabel's as_closest_canonical) failed naming both origins and directions only.
    # SimpleITK's own corner points show the two grids hold the same voxel centres.
    import SimpleITK as sitk

    reference = _volume(sitk, direction)
    reoriented = sitk.DICOMOrient(reference, "LPS")
    assert _corner_points(sitk, reference) == _corner_points(sitk, reoriented)
    with pytest.raises(CompatibilityError) as info:
        check_compatible(_written(tmp_path, reference, "ref.nii.gz"),
                         _written(tmp_path, reoriented, "pred.nii.gz"))
    message = str(info.value)
    assert "the same voxels in space stored in another axis order or orientation" in message
    assert "CopyInformation" in message and "(z, y, x) order" in message
    assert "transposed" not in message  # the shape's own hint is not given beside it


def test_a_prediction_resampled_to_1_mm_is_said_so(tmp_path):
    import SimpleITK as sitk

    reference = _volume(sitk, (1, 0, 0, 0, 1, 0, 0, 0, 1))
    # SimpleITK's Resample onto 1 mm over the same extent: 8 x 0.7 = 5.6 -> 6 columns,
    # 4 x 5 = 20 -> 20 slices
    resampled = sitk.Resample(reference, (6, 4, 20), sitk.Transform(), sitk.sitkNearestNeighbor,
                              reference.GetOrigin(), (1.0, 1.0, 1.0), reference.GetDirection())
    with pytest.raises(CompatibilityError, match=r"resampled to a spacing of \(1, 1, 1\) mm"):
        check_compatible(_written(tmp_path, reference, "ref.nii.gz"),
                         _written(tmp_path, resampled, "pred.nii.gz"))


def test_a_prediction_without_geometry_and_a_shifted_one(tmp_path):
    import SimpleITK as sitk

    reference = _volume(sitk, (-1, 0, 0, 0, -1, 0, 0, 0, 1))
    bare = sitk.GetImageFromArray(sitk.GetArrayFromImage(reference))  # no CopyInformation
    with pytest.raises(CompatibilityError, match="an array saved without geometry"):
        check_compatible(_written(tmp_path, reference, "ref.nii.gz"),
                         _written(tmp_path, bare, "bare.nii.gz"))
    shifted = sitk.Image(reference)
    shifted.SetOrigin((30.0, 15.0, -30.0))  # 10 mm along x: other voxels, no hint
    with pytest.raises(CompatibilityError) as info:
        check_compatible(_written(tmp_path, reference, "ref.nii.gz"),
                         _written(tmp_path, shifted, "shifted.nii.gz"))
    assert " — " not in str(info.value) and "origin_mm" in str(info.value)


def test_a_volume_written_x_first_is_said_to_be_reversed():
    # Found in the volumes-pass: nibabel's get_fdata() is (x, y, z); handed to SimpleITK's
    # GetImageFromArray, which takes (z, y, x), a 10 x 48 x 48 (z, y, x) mask is written
    # 48 x 48 x 10: numpy's transpose gives that shape.
    ref = mask((10, 48, 40), spacing_mm=(5.0, 0.7, 0.7))
    written = np.zeros((10, 48, 40), np.uint8).transpose(2, 1, 0)
    assert written.shape == (40, 48, 10)
    with pytest.raises(CompatibilityError, match=r"axes in reverse order: an array in "
                                                 r"\(x, y, z\) order"):
        check_compatible(ref, Image(written, spacing_mm=(0.7, 0.7, 5.0)))


def test_one_hot_channels_are_said_to_be_one_value_per_class():
    # a label map 0/1/2 one-hot encoded: numpy's eye(3)[labels] adds a last axis of 3
    ref = mask((4, 6, 8), spacing_mm=(5.0, 0.7, 0.7))
    one_hot = np.eye(3, dtype=np.uint8)[np.zeros((4, 6, 8), int)]
    assert one_hot.shape == (4, 6, 8, 3)
    with pytest.raises(CompatibilityError, match=r"3 values in each voxel: one-hot labels "
                                                 r"or a probability per class"):
        check_compatible(ref, Image(one_hot, spacing_mm=(5.0, 0.7, 0.7)))


def test_an_array_saved_x_first_or_one_hot_without_geometry_gets_both_hints(tmp_path):
    # Found in the review-volumes pass: a network's (x, y, z) or one-hot output saved
    # with SimpleITK's GetImageFromArray and no CopyInformation (the usual way both go
    # wrong) was told only to copy the reference's geometry, which SimpleITK refuses for
    # an image of another size; the shape's own hint was left out
    import SimpleITK as sitk

    reference = _volume(sitk, (-1, 0, 0, 0, -1, 0, 0, 0, 1))
    labels = sitk.GetArrayFromImage(reference)  # (z, y, x) = (4, 6, 8)
    x_first = sitk.GetImageFromArray(labels.transpose(2, 1, 0).copy())
    assert x_first.GetSize() == (4, 6, 8) != reference.GetSize()
    one_hot = sitk.GetImageFromArray(np.eye(3, dtype=np.uint8)[labels], isVector=True)
    assert one_hot.GetNumberOfComponentsPerPixel() == 3
    with pytest.raises(RuntimeError):  # CopyInformation alone cannot mend it
        x_first.CopyInformation(reference)
    ref = _written(tmp_path, reference, "ref.nii.gz")
    for image, name, words in ((x_first, "x.nii.gz", "axes in reverse order"),
                               (one_hot, "onehot.mha", "3 values in each voxel")):
        with pytest.raises(CompatibilityError) as info:
            check_compatible(ref, _written(tmp_path, image, name))
        assert words in str(info.value) and "saved without geometry" in str(info.value)


def test_the_same_box_at_permuted_spacings_is_not_called_the_same_voxels(tmp_path):
    # Found in the review-volumes pass: 6500b0b's 'the same voxels in space' was given
    # where the eight corners coincide and the shape is a permutation, which a resampling
    # can give too: 10 slices of 5 mm (45 mm) and 48 rows of 0.7 mm (32.9 mm) resampled by
    # SimpleITK to 10 rows of 32.9 / 9 mm and 48 slices of 45 / 47 mm; its voxel centres
    # are other points (SimpleITK's TransformIndexToPhysicalPoint of index (0, 1, 0)).
    import SimpleITK as sitk

    reference = sitk.GetImageFromArray(np.zeros((10, 48, 48), np.uint8))
    reference.SetSpacing((0.7, 0.7, 5.0))
    other = sitk.Resample(reference, (48, 10, 48), sitk.Transform(), sitk.sitkNearestNeighbor,
                          (0.0, 0.0, 0.0), (0.7, 32.9 / 9, 45 / 47), reference.GetDirection())
    assert _corner_points(sitk, reference) == _corner_points(sitk, other)
    assert other.TransformIndexToPhysicalPoint((0, 1, 0)) not in [
        reference.TransformIndexToPhysicalPoint(i) for i in np.ndindex(48, 48, 10)]
    with pytest.raises(CompatibilityError) as info:
        check_compatible(_written(tmp_path, reference, "ref.nii.gz"),
                         _written(tmp_path, other, "pred.nii.gz"))
    assert "the same voxels in space" not in str(info.value)


def test_a_colour_frame_against_a_mask_is_not_only_called_one_hot(tmp_path):
    # found in the review-volumes pass: 8fb512a's hint called a mask saved as RGB (PIL's
    # three equal channels, 0/255) 'one-hot labels or a probability per class' only
    from PIL import Image as PILImage

    labels = np.zeros((16, 20), np.uint8)
    labels[4:8, 5:9] = 1
    PILImage.fromarray(labels).save(tmp_path / "ref.png")
    PILImage.fromarray(np.stack([labels * 255] * 3, -1)).save(tmp_path / "rgb.png")
    ref, rgb = read_image(tmp_path / "ref.png"), read_image(tmp_path / "rgb.png")
    assert (ref.shape, rgb.shape) == ((1, 16, 20), (1, 16, 20, 3))
    with pytest.raises(CompatibilityError, match=r"3 values in each voxel: a colour image "
                                                 r"\(RGB, RGBA\), or one-hot labels"):
        check_compatible(ref, rgb)
    # a volume of three channels is no colour image
    with pytest.raises(CompatibilityError) as info:
        check_compatible(mask((4, 6, 8)), Image(np.zeros((4, 6, 8, 3), np.uint8),
                                                spacing_mm=(1.0, 1.0, 1.0)))
    assert "colour" not in str(info.value) and "one-hot labels" in str(info.value)


def test_the_origin_and_spacing_lines_say_by_how_much(tmp_path):
    # Found in the hvol volume pass: a prediction 5 mm off its reference's origin, or at
    # 0.8 mm where the reference is 0.7, failed with both values printed to 17 digits
    # and no difference: the tester subtracted by hand. The distance between the
    # origins (3-4-5 by hand) and the largest spacing difference are now said, with the
    # tolerance they exceed.
    sitk = pytest.importorskip("SimpleITK")
    reference = sitk.GetImageFromArray(np.zeros((6, 8, 10), np.uint8))
    reference.SetSpacing((0.7, 0.7, 2.5))
    reference.SetOrigin((-120.5, 35.2, -400.0))
    moved, wider = sitk.Image(reference), sitk.Image(reference)
    moved.SetOrigin((-120.5 + 3.0, 35.2 + 4.0, -400.0))
    wider.SetSpacing((0.8, 0.7, 2.5))
    for image, name in ((reference, "ref"), (moved, "moved"), (wider, "wider")):
        sitk.WriteImage(image, str(tmp_path / f"{name}.nii.gz"))
    ref = read_image(tmp_path / "ref.nii.gz")
    with pytest.raises(CompatibilityError) as caught:
        check_compatible(ref, read_image(tmp_path / "moved.nii.gz"))
    assert "(5 mm apart; the tolerance is 0.001 mm on an axis)" in str(caught.value)
    stored = sitk.ReadImage(str(tmp_path / "wider.nii.gz")).GetSpacing()[0] - \
        sitk.ReadImage(str(tmp_path / "ref.nii.gz")).GetSpacing()[0]  # float32: ~0.1
    with pytest.raises(CompatibilityError) as caught:
        check_compatible(ref, read_image(tmp_path / "wider.nii.gz"))
    assert f"(up to {stored:.4g} mm apart on an axis; the tolerance is 0.001 mm)" in \
        str(caught.value)

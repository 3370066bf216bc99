"""Surface distances: against MedPy, DeepMind's surface-distance and worked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from medeval.errors import InvalidInputError
from medeval.metrics import (
    SurfaceDistances,
    assd,
    hausdorff,
    hd95,
    masd,
    nsd,
    surface_distances,
)


def neighbour_codes(mask: np.ndarray) -> np.ndarray:
    # The 2^d-bit code of every 2x...x2 neighbourhood on the grid shifted by half a
    # voxel, written straight from DeepMind surface-distance's definition (the voxel at
    # offset d, 0 or 1 per axis, has bit 2 ** (2^ndim - 1 - int(d as binary))), one
    # window per bit: the reference for medeval's shift-and-OR framed codes.
    padded = np.pad(mask, 1).astype(np.uint8)
    ndim = mask.ndim
    shape = tuple(n + 1 for n in mask.shape)
    codes = np.zeros(shape, dtype=np.uint8)
    for index in range(2**ndim):
        offset = [(index >> (ndim - 1 - axis)) & 1 for axis in range(ndim)]
        weight = 1 << (2**ndim - 1 - index)
        window = tuple(slice(o, o + n) for o, n in zip(offset, shape))
        codes += padded[window] * np.uint8(weight)
    return codes



class TestAgainstMedPy:
    def test_hausdorff_hd95_pooled_assd(self, anisotropic_case, medpy_binary):
        ref, pred, spacing = anisotropic_case
        sd = surface_distances(ref, pred, spacing_mm=spacing)
        assert hausdorff(sd) == pytest.approx(
            medpy_binary.hd(pred, ref, voxelspacing=spacing), abs=1e-9)
        assert hd95(sd, variant="pooled") == pytest.approx(
            medpy_binary.hd95(pred, ref, voxelspacing=spacing), abs=1e-9)
        assert assd(sd) == pytest.approx(
            medpy_binary.assd(pred, ref, voxelspacing=spacing), abs=1e-9)

    @pytest.mark.parametrize("connectivity", [2, 3])
    def test_other_connectivities(self, medpy_binary, make_ball, connectivity):
        ref = make_ball((30, 32, 34), (15, 16, 17), (8, 10, 6))
        pred = make_ball((30, 32, 34), (14, 18, 17), (9, 8, 7))
        spacing = (1.5, 0.8, 1.1)
        assert hausdorff(ref, pred, spacing_mm=spacing, connectivity=connectivity) == \
            pytest.approx(medpy_binary.hd(pred, ref, voxelspacing=spacing,
                                          connectivity=connectivity), abs=1e-9)
        assert assd(ref, pred, spacing_mm=spacing, connectivity=connectivity) == \
            pytest.approx(medpy_binary.assd(pred, ref, voxelspacing=spacing,
                                            connectivity=connectivity), abs=1e-9)

    def test_directed_distances_are_medpys(self, anisotropic_case, medpy_binary):
        ref, pred, spacing = anisotropic_case
        sd = surface_distances(ref, pred, spacing_mm=spacing)
        # MedPy's asd(result, reference) is the mean distance from result's border.
        assert sd.prediction_to_reference.mean() == pytest.approx(
            medpy_binary.asd(pred, ref, voxelspacing=spacing), abs=1e-9)
        assert sd.reference_to_prediction.mean() == pytest.approx(
            medpy_binary.asd(ref, pred, voxelspacing=spacing), abs=1e-9)


class TestAgainstDeepMind:
    @pytest.mark.parametrize("tolerance", [0.0, 0.7, 2.0, 5.0])
    def test_surfel_nsd(self, anisotropic_case, deepmind, tolerance):
        ref, pred, spacing = anisotropic_case
        theirs = deepmind.compute_surface_distances(ref, pred, spacing)
        expected = deepmind.compute_surface_dice_at_tolerance(theirs, tolerance)
        assert nsd(ref, pred, spacing_mm=spacing, tolerance_mm=tolerance) == pytest.approx(
            expected, abs=1e-6)

    def test_surfel_distances_and_areas(self, anisotropic_case, deepmind):
        ref, pred, spacing = anisotropic_case
        theirs = deepmind.compute_surface_distances(ref, pred, spacing)
        surfels = surface_distances(ref, pred, spacing_mm=spacing).surfels
        for ours, key in ((surfels.reference_to_prediction, "distances_gt_to_pred"),
                          (surfels.prediction_to_reference, "distances_pred_to_gt")):
            np.testing.assert_allclose(np.sort(ours), theirs[key], atol=1e-9)
        # Pairs (distance, area) as multisets: sort both by (distance, area).
        ours_pairs = sorted(zip(surfels.reference_to_prediction, surfels.reference_areas))
        theirs_pairs = list(zip(theirs["distances_gt_to_pred"], theirs["surfel_areas_gt"]))
        np.testing.assert_allclose(np.array(ours_pairs), np.array(theirs_pairs), atol=1e-12)
        assert surfels.prediction_areas.sum() == pytest.approx(
            theirs["surfel_areas_pred"].sum(), rel=1e-12)


class TestAgainstScipyEDT:
    """Directed distances bit for bit against ``scipy.ndimage.distance_transform_edt``.

    The exact Euclidean distance transform of the other border (what MedPy reads) at each
    border voxel, and of the other surface at each surfel, must be the same float: both
    compute sqrt(sum over axes of (offset * spacing)^2) and take the nearest voxel.
    """

    @staticmethod
    def _edt_at(source, target, spacing):
        from scipy import ndimage

        return ndimage.distance_transform_edt(~target, sampling=spacing)[source]

    @staticmethod
    def _borders(ref, pred):
        from scipy import ndimage

        box = tuple(slice(a.min(), a.max() + 1) for a in np.nonzero(ref | pred))
        r, p = ref[box], pred[box]
        return r ^ ndimage.binary_erosion(r), p ^ ndimage.binary_erosion(p)

    @pytest.mark.parametrize(("spacing", "shift"), [
        (None, 0), ((2.5, 0.7, 0.7), 0), ((1.0, 1.0, 1.0), 0), ((1.0, 1.0, 1.0), 30)])
    def test_border_distances(self, anisotropic_case, make_ball, spacing, shift):
        ref, pred, own_spacing = anisotropic_case
        if spacing is not None:  # in-plane isotropic grids: many equal-length offsets
            ref = make_ball((30, 60, 90), (15, 30, 30), (8, 20, 18))
            # shift 30: every border voxel far from the other border (the k-d tree's)
            pred = make_ball((30, 60, 90), (16, 33, 28 + shift), (7, 21, 19))
            pred[2, 5:7, 5:7] = True
        else:
            spacing = own_spacing
        sd = surface_distances(ref, pred, spacing_mm=spacing)
        rb, pb = self._borders(ref, pred)
        np.testing.assert_array_equal(sd.reference_to_prediction,
                                      self._edt_at(rb, pb, spacing))
        np.testing.assert_array_equal(sd.prediction_to_reference,
                                      self._edt_at(pb, rb, spacing))

    def test_surfel_distances(self, anisotropic_case):
        ref, pred, spacing = anisotropic_case
        surfels = surface_distances(ref, pred, spacing_mm=spacing).surfels
        box = tuple(slice(a.min(), a.max() + 1) for a in np.nonzero(ref | pred))
        full = 2 ** (2**ref.ndim) - 1
        on = [(c != 0) & (c != full) for c in (neighbour_codes(ref[box]),
                                                neighbour_codes(pred[box]))]
        np.testing.assert_array_equal(surfels.reference_to_prediction,
                                      self._edt_at(on[0], on[1], spacing))
        np.testing.assert_array_equal(surfels.prediction_to_reference,
                                      self._edt_at(on[1], on[0], spacing))

    def test_equal_lengths_that_round_apart_give_the_smaller(self):
        # Offsets (0, 5) and (3, 4) at 0.7 mm are both 3.5 mm long, but in float64
        # 5 * 0.7 = 3.5 while sqrt((3 * 0.7)^2 + (4 * 0.7)^2) = sqrt(12.249999999999996)
        # = 3.4999999999999996: the distance is the smaller, whichever voxel is found.
        ref = np.zeros((12, 12), bool); ref[2, 2] = True
        pred = np.zeros((12, 12), bool); pred[2, 7] = True
        assert hausdorff(ref, pred, spacing_mm=0.7) == 3.5
        pred[5, 6] = True
        assert surface_distances(ref, pred, spacing_mm=0.7).reference_to_prediction[0] == \
            3.4999999999999996


class TestWorkedCases:
    def test_two_single_voxels(self):
        # Voxels (2, 3, 4) and (5, 3, 0) with spacing (2, 1, 0.5) mm:
        # offsets (3, 0, -4) voxels -> (6, 0, -2) mm -> sqrt(36 + 4) = 6.3246 mm.
        ref = np.zeros((8, 6, 6), bool); ref[2, 3, 4] = True
        pred = np.zeros((8, 6, 6), bool); pred[5, 3, 0] = True
        spacing = (2.0, 1.0, 0.5)
        expected = math.sqrt(40.0)
        for metric in (hausdorff, assd, masd):
            assert metric(ref, pred, spacing_mm=spacing) == pytest.approx(expected, abs=1e-12)
        assert hd95(ref, pred, spacing_mm=spacing) == pytest.approx(expected, abs=1e-12)
        assert nsd(ref, pred, spacing_mm=spacing, tolerance_mm=6.3, variant="count") == 0.0
        assert nsd(ref, pred, spacing_mm=spacing, tolerance_mm=6.33, variant="count") == 1.0

    def test_spheres_one_voxel_apart_diagonally(self, make_ball):
        # MONAI's analytic case: the same sphere shifted by one voxel on each axis; the
        # farthest border points are one diagonal step apart: sqrt(1 + 1 + 1).
        ref = make_ball((30, 30, 30), (14, 14, 14), (8, 8, 8))
        pred = make_ball((30, 30, 30), (15, 15, 15), (8, 8, 8))
        assert hausdorff(ref, pred, spacing_mm=1) == pytest.approx(math.sqrt(3), abs=1e-12)

    def test_pooled_hides_a_false_positive_island(self, make_ball):
        # A ball and the same ball plus one far voxel: the island's single border voxel
        # is < 5% of the pooled distances, so pooled HD95 stays 0; max-directed sees it
        # only if it is > 5% of the prediction's border — it is not either, but the
        # Hausdorff distance does.
        ref = make_ball((40, 40, 40), (20, 20, 20), (10, 10, 10))
        pred = ref.copy(); pred[2, 2, 2] = True
        assert hd95(ref, pred, spacing_mm=1, variant="pooled") == 0.0
        assert hausdorff(ref, pred, spacing_mm=1) == pytest.approx(
            math.sqrt(3 * 18**2) - 10, abs=1.0)

    def test_max_directed_sees_a_large_false_positive_cluster(self, make_ball):
        # A false-positive ball with ~8% of the pooled border: pooled P95 ignores it,
        # the prediction's directed P95 does not.
        ref = make_ball((60, 60, 60), (20, 20, 20), (12, 12, 12))
        pred = ref | make_ball((60, 60, 60), (48, 48, 48), (4, 4, 4))
        pooled = hd95(ref, pred, spacing_mm=1, variant="pooled")
        directed = hd95(ref, pred, spacing_mm=1)
        assert pooled == 0.0 and directed > 20.0

    @pytest.mark.parametrize("tolerance", [0.6, 0.7, 1.3, 2.5, 4.0])
    def test_bounded_surfel_search_equals_the_full_one(self, anisotropic_case, tolerance):
        # nsd() searches surfels only up to the tolerance; distances equal to a spacing
        # (0.6, 1.3 in 2D; 0.7, 2.5 in 3D) must still count as within it.
        ref, pred, spacing = anisotropic_case
        bounded = nsd(ref, pred, spacing_mm=spacing, tolerance_mm=tolerance)
        sd = surface_distances(ref, pred, spacing_mm=spacing)
        s = sd.surfels
        within = (s.reference_areas[s.reference_to_prediction <= tolerance].sum()
                  + s.prediction_areas[s.prediction_to_reference <= tolerance].sum())
        full = within / (s.reference_areas.sum() + s.prediction_areas.sum())
        assert bounded == full == nsd(sd, tolerance_mm=tolerance)

    def test_record_is_reused_not_recomputed(self, anisotropic_case):
        ref, pred, spacing = anisotropic_case
        sd = surface_distances(ref, pred, spacing_mm=spacing)
        assert isinstance(sd, SurfaceDistances) and "border voxels" in repr(sd)
        first = sd.surfels
        assert sd.surfels is first
        assert hausdorff(sd) == hausdorff(ref, pred, spacing_mm=spacing)


class TestEmptyMasks:
    # The declared table: both empty -> distances 0, NSD 1; one empty -> inf and 0.
    def test_both_empty(self):
        empty = np.zeros((5, 5, 5), bool)
        sd = surface_distances(empty, empty, spacing_mm=1)
        assert sd.reference_empty and sd.prediction_empty
        assert (hausdorff(sd), hd95(sd), assd(sd), masd(sd)) == (0.0, 0.0, 0.0, 0.0)
        assert nsd(sd, tolerance_mm=1) == 1.0 and nsd(sd, tolerance_mm=1, variant="count") == 1.0

    @pytest.mark.parametrize("which", ["reference", "prediction"])
    def test_one_empty(self, which, make_ball):
        full = make_ball((12, 12, 12), (6, 6, 6), (3, 3, 3))
        empty = np.zeros_like(full)
        ref, pred = (empty, full) if which == "reference" else (full, empty)
        sd = surface_distances(ref, pred, spacing_mm=(1, 1, 2))
        assert sd.reference_empty == (which == "reference")
        assert sd.prediction_empty == (which == "prediction")
        for value in (hausdorff(sd), hd95(sd), hd95(sd, variant="pooled"), assd(sd), masd(sd)):
            assert value == math.inf
        assert nsd(sd, tolerance_mm=100) == 0.0
        assert nsd(sd, tolerance_mm=100, variant="count") == 0.0


class TestBadInput:
    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"spacing_mm": None}, "spacing_mm=1 explicitly"),
        ({"spacing_mm": (1.0, 1.0)}, "2 value"),
        ({"spacing_mm": (1.0, 0.0, 1.0)}, "positive"),
        ({"spacing_mm": 1, "connectivity": 4}, "connectivity"),
    ])
    def test_spacing_and_connectivity(self, kwargs, match):
        mask = np.ones((3, 3, 3), bool)
        with pytest.raises(InvalidInputError, match=match):
            surface_distances(mask, mask, **kwargs)

    def test_shapes_values_and_nan(self):
        with pytest.raises(InvalidInputError, match="differ in shape"):
            hausdorff(np.ones((3, 3)), np.ones((3, 4)), spacing_mm=1)
        with pytest.raises(InvalidInputError, match="binary"):
            hausdorff(np.full((3, 3), 2), np.ones((3, 3)), spacing_mm=1)
        with pytest.raises(InvalidInputError, match="NaN"):
            hausdorff(np.full((3, 3), np.nan), np.ones((3, 3)), spacing_mm=1)
        with pytest.raises(InvalidInputError, match="2D or 3D"):
            hausdorff(np.ones(3), np.ones(3), spacing_mm=1)

    def test_record_and_masks_not_both(self):
        mask = np.ones((3, 3), bool)
        sd = surface_distances(mask, mask, spacing_mm=1)
        with pytest.raises(InvalidInputError, match="either"):
            hausdorff(sd, mask)
        with pytest.raises(InvalidInputError, match="prediction"):
            hausdorff(mask)

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"tolerance_mm": -1}, "tolerance_mm"),
        ({"tolerance_mm": "a"}, "tolerance_mm"),
        ({"tolerance_mm": 1, "variant": "area"}, "variant"),
    ])
    def test_nsd_options(self, kwargs, match):
        mask = np.ones((3, 3), bool)
        with pytest.raises(InvalidInputError, match=match):
            nsd(mask, mask, spacing_mm=1, **kwargs)

    def test_hd95_options(self):
        mask = np.ones((3, 3), bool)
        with pytest.raises(InvalidInputError, match="percentile"):
            hd95(mask, mask, spacing_mm=1, percentile=101)
        with pytest.raises(InvalidInputError, match="variant"):
            hd95(mask, mask, spacing_mm=1, variant="mean")

    @pytest.mark.parametrize("fraction", [0.95, 0.99, 0.5])
    def test_hd95_percentile_given_as_a_fraction(self, fraction, medpy_binary, make_ball):
        # percentile=0.95 is numpy's 0.95th percentile: a distance near the smallest
        # (0 here, where MedPy's hd95 is sqrt(2)), returned without a word before.
        ref = make_ball((20, 22), (10, 11), (6, 7))
        pred = make_ball((20, 22), (11, 11), (6, 6))
        with pytest.raises(InvalidInputError, match="percentile is in percent"):
            hd95(ref, pred, spacing_mm=1, percentile=fraction)
        assert hd95(ref, pred, spacing_mm=1, variant="pooled") == pytest.approx(
            medpy_binary.hd95(pred, ref, voxelspacing=1), abs=1e-12)
        # 0 (the smallest distance) and 1 stay accepted
        assert hd95(ref, pred, spacing_mm=1, percentile=0) == 0.0


@pytest.mark.parametrize("func", [hausdorff, hd95, assd, masd,
                                  lambda r, p, **kw: nsd(r, p, tolerance_mm=1.0, **kw)])
def test_a_bad_connectivity_is_refused_in_the_callers_name(func):
    # found in the api pass: hd95(..., connectivity=5) said "surface_distances: ...", a
    # function the user never called
    mask = np.eye(4, dtype=bool)
    name = getattr(func, "__name__", "<lambda>")
    name = "nsd" if name == "<lambda>" else name
    with pytest.raises(InvalidInputError, match=rf"^{name}: connectivity must be 1 \(faces\) "
                       r"to 2 \(corners\) for a 2D mask, got 5"):
        func(mask, mask, spacing_mm=1.0, connectivity=5)
    with pytest.raises(InvalidInputError, match=r"^surface_distances: connectivity"):
        surface_distances(mask, mask, spacing_mm=1.0, connectivity=5)


def test_bounding_box_is_the_span_of_the_true_voxels():
    # medeval's crop of a volume: the slices that hold a voxel found first (bytes read as
    # uint8 rows), then the projection of those slices alone. Held against np.nonzero's
    # least and greatest index per axis, on C-ordered volumes (the fast way), views that
    # are not (a slice with a step, Fortran order: the projection as before), planes,
    # single voxels at the volume's corners, and nothing at all (None).
    from medeval.metrics._masks import bounding_box

    def expected(mask):
        found = np.nonzero(mask)
        if not found[0].size:
            return None
        return tuple(slice(int(a.min()), int(a.max()) + 1) for a in found)

    rng = np.random.default_rng(18)
    masks = [np.zeros((7, 9, 11), bool), np.zeros((5, 6), bool), np.zeros((0, 4, 4), bool)]
    for corner in [(0, 0, 0), (6, 8, 10), (3, 0, 10), (6, 4, 0)]:
        mask = np.zeros((7, 9, 11), bool)
        mask[corner] = True
        masks.append(mask)
    for density in (0.001, 0.02, 0.5):
        volume = rng.random((12, 17, 33)) < density
        masks += [volume, volume[::2], volume[:, 3:, ::3], np.asfortranarray(volume),
                  volume[4], volume[:, 5]]
    for mask in masks:
        assert bounding_box(mask) == expected(mask), (mask.shape, mask.flags.c_contiguous)

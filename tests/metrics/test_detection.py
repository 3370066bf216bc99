"""Detection matching and FROC: hand-worked cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.metrics import case_scores, froc, match_detections
from medeval.stats import auc_ci

NO_BOXES = np.zeros((0, 4))


def iou(ref, det, scores, t=0.5):
    return match_detections(ref, det, scores, criterion="iou", iou_threshold=t)


class TestMatching:
    def test_high_score_is_never_displaced(self):
        # picai_eval issue 24: two candidates on one lesion, 0.95 and 0.1. The 0.95 one
        # is the true positive, the 0.1 one a false positive, at every threshold.
        m = iou([[0, 0, 10, 10]], [[0, 0, 10, 10], [1, 1, 10, 10]], [0.95, 0.1])
        assert m.true_positive.tolist() == [True, False]

    def test_detection_hitting_two_lesions_counts_once(self):
        # One box covering two small adjacent lesions (overlap criterion via a low IoU
        # threshold): one true positive, and the second lesion stays missed.
        ref = [[0, 0, 4, 4], [4, 0, 8, 4]]
        m = iou(ref, [[0, 0, 8, 4]], [0.9], t=0.3)  # IoU 16/32 = 0.5 with each
        assert m.true_positive.tolist() == [True] and m.pairs.shape == (1, 2)

    def test_later_detection_reroutes_the_matching(self):
        # Detection A (0.9) is eligible for lesions 1 and 2; B (0.5) only for lesion 1.
        # Greedy matching would give A -> 1 and B nothing; the maximum matching at
        # threshold 0.5 is A -> 2, B -> 1: two true positives.
        ref = [[0, 0, 10, 10], [0, 2, 10, 12]]
        det = [[0, 1, 10, 11], [0, -1, 10, 9]]
        # IoU(A, lesion 1) = 90/110, IoU(A, 2) = 90/110; IoU(B, 1) = 90/110,
        # IoU(B, 2) = 70/130 < 0.6.
        m = iou(ref, det, [0.9, 0.5], t=0.6)
        assert m.true_positive.tolist() == [True, True]
        assert sorted(map(tuple, m.pairs.tolist())) == [(0, 1), (1, 0)]

    def test_distance_uses_spacing(self):
        # Centres 3 voxels apart along axis 0 at 2 mm: 6 mm; along axis 1 at 0.5 mm: 1.5.
        ref = [[10.0, 10.0]]
        far = match_detections(ref, [[13.0, 10.0]], [0.5], criterion="distance",
                               max_distance_mm=5.0, spacing_mm=(2.0, 0.5))
        near = match_detections(ref, [[10.0, 13.0]], [0.5], criterion="distance",
                                max_distance_mm=5.0, spacing_mm=(2.0, 0.5))
        edge = match_detections(ref, [[13.0, 10.0]], [0.5], criterion="distance",
                                max_distance_mm=6.0, spacing_mm=(2.0, 0.5))
        assert (far.true_positive[0], near.true_positive[0], edge.true_positive[0]) == (
            False, True, True)

    def test_inside_mask(self):
        mask = np.zeros((4, 10, 10), np.int32)
        mask[1:3, 1:4, 1:4] = 1
        mask[1:3, 6:9, 6:9] = 2
        m = match_detections(mask, [[2, 2, 2], [2, 7.4, 7.4], [0, 0, 0], [2, 3, 3]],
                             [0.9, 0.8, 0.7, 0.6], criterion="inside")
        assert m.n_reference == 2
        assert m.true_positive.tolist() == [True, True, False, False]

    def test_inside_halfway_points_and_box_centres(self):
        # worked by hand: a point in voxel coordinates lies in voxel i when it is in
        # [i - 1/2, i + 1/2); the lesion holds rows 2-5, columns 3-5, so its cells span
        # rows [1.5, 5.5) and columns [2.5, 5.5): a point on a lower edge is in, one on
        # an upper edge out, on both axes (np.rint, half to even, gave row 1.5 -> 2 in
        # but column 2.5 -> 2 out, by the parity of the index)
        mask = np.zeros((8, 10), np.int32)
        mask[2:6, 3:6] = 1
        points = [[1.5, 4], [3, 2.5], [5.5, 4], [3, 5.5]]
        hits = [match_detections(mask, [p], [0.9], criterion="inside").true_positive[0]
                for p in points]
        assert hits == [True, True, False, False]
        # a frame 9 or 10 pixels wide: a point on its right edge (8.5, 9.5) is outside
        # both, one on its left edge (-0.5) inside both
        for width in (9, 10):
            with pytest.raises(InvalidInputError, match=rf"falls in voxel \[1, {width}\]"):
                match_detections(np.zeros((4, width), np.int32), [[1, width - 0.5]], [0.9],
                                 criterion="inside")
            edge = np.zeros((4, width), np.int32)
            edge[1, 0] = 1
            assert match_detections(edge, [[1, -0.5]], [0.9],
                                    criterion="inside").true_positive[0]
        # a half-open box [lo, hi) holds voxels lo .. hi - 1: the 3 x 3 box rows 2-4,
        # columns 3-5 is centred on voxel (3, 4), a one-pixel lesion there is hit (its
        # centre (3.5, 4.5) rounded as a point gave voxel (4, 4), an edge of the box)
        dot = np.zeros((8, 10), np.int32)
        dot[3, 4] = 1
        assert match_detections(dot, [[2, 3, 5, 6]], [0.9],
                                criterion="inside").true_positive[0]
        # of width 4 (columns 3-6), the centre 5.0 is in voxel 5, one of the middle two
        wide = np.zeros((8, 10), np.int32)
        wide[3, 5] = 1
        assert match_detections(wide, [[2, 3, 5, 7]], [0.9],
                                criterion="inside").true_positive[0]

    def test_inside_mask_labels_must_be_one_to_k(self):
        # Lesion k is label k and K the highest label: a mask stored as 0/255 (one
        # lesion) counted 255 lesions, and labels 1 and 3 three, so the sensitivity of a
        # detection on every real lesion was 1/255 and 2/3 instead of 1 (by hand: every
        # lesion hit). Refused, naming a missing label.
        lesion = np.zeros((12, 12), np.uint8)
        lesion[2:5, 2:5] = 255
        with pytest.raises(InvalidInputError, match=r"labels must be 1 to K.*without 1, 2"):
            match_detections(lesion, [[3, 3]], [0.9], criterion="inside")
        two = np.zeros((12, 12), np.int64)
        two[2:5, 2:5] = 1
        two[8:11, 8:11] = 3
        with pytest.raises(InvalidInputError, match=r"up to 3, without 2, so 1 lesion"):
            match_detections(two, [[3, 3], [9, 9]], [0.9, 0.8], criterion="inside")
        two[two == 3] = 2  # numbered 1 to K: both lesions hit, sensitivity 2/2
        m = match_detections(two, [[3, 3], [9, 9]], [0.9, 0.8], criterion="inside")
        assert (m.n_reference, m.true_positive.tolist()) == (2, [True, True])
        assert froc([m]).sensitivity[-1] == 1.0

    def test_inside_boolean_mask_of_several_regions_is_refused(self):
        # A boolean mask is label True: one lesion. Two separate regions in it were
        # counted as one lesion, so a second detection on the second region was a
        # false positive. One region stays one lesion.
        mask = np.zeros((12, 12), bool)
        mask[2:5, 2:5] = True
        single = match_detections(mask, [[3, 3]], [0.9], criterion="inside")
        assert (single.n_reference, single.true_positive.tolist()) == (1, [True])
        mask[8:11, 8:11] = True
        with pytest.raises(InvalidInputError, match="2 separate regions"):
            match_detections(mask, [[3, 3], [9, 9]], [0.9, 0.8], criterion="inside")
        # an integer 0/1 mask says 'one lesion' on purpose and is kept as such
        m = match_detections(mask.astype(np.int64), [[3, 3], [9, 9]], [0.9, 0.8],
                             criterion="inside")
        assert (m.n_reference, m.true_positive.tolist()) == (1, [True, False])

    def test_box_centres_for_distance(self):
        m = match_detections([[0, 0, 4, 4]], [[1, 1, 5, 5]], [0.3], criterion="distance",
                             max_distance_mm=1.5, spacing_mm=1.0)  # centres (2,2), (3,3)
        assert m.true_positive.tolist() == [True]


class TestFroc:
    def cases(self):
        # Case 1: two lesions; detections 0.9 (hit), 0.7 (FP), 0.4 (hit).
        c1 = iou([[0, 0, 10, 10], [20, 20, 30, 30]],
                 [[0, 0, 10, 10], [40, 40, 50, 50], [20, 20, 30, 30]], [0.9, 0.7, 0.4])
        # Case 2: one lesion, missed; one FP at 0.8.
        c2 = iou([[0, 0, 10, 10]], [[60, 60, 70, 70]], [0.8])
        # Case 3 and 4: lesion-free; case 3 has an FP at 0.5, case 4 nothing.
        c3 = iou(NO_BOXES, [[5, 5, 9, 9]], [0.5])
        c4 = iou(NO_BOXES, NO_BOXES, [])
        return [c1, c2, c3, c4]

    def test_curve_by_hand(self):
        f = froc(self.cases(), fp_rates=[0.25, 0.5, 0.75, 1.0])
        # thresholds 0.9 0.8 0.7 0.5 0.4; TP 1 1 1 1 2; FP 0 1 2 3 3; 3 lesions, 4 cases.
        assert f.thresholds.tolist() == [0.9, 0.8, 0.7, 0.5, 0.4]
        assert f.sensitivity.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 1 / 3, 2 / 3])
        assert f.fp_per_case.tolist() == [0.0, 0.25, 0.5, 0.75, 0.75]
        assert (f.n_cases, f.n_lesions, f.n_lesion_free_cases) == (4, 3, 2)
        # step: at 0.75 FP/case the best point is the last one, Se 2/3.
        assert f.sensitivity_at == pytest.approx({0.25: 1 / 3, 0.5: 1 / 3, 0.75: 2 / 3,
                                                  1.0: 2 / 3})
        assert f.cpm == pytest.approx((1 / 3 + 1 / 3 + 2 / 3 + 2 / 3) / 4)
        # AP: recall steps 1/3 at precision 1/1 and 1/3 at precision 2/5.
        assert f.average_precision == pytest.approx(1 / 3 * 1 + 1 / 3 * 2 / 5)

    def test_lesion_free_cases_change_fp_per_case(self):
        cases = self.cases()
        fewer = froc(cases[:2] + cases[2:3])
        assert froc(cases).fp_per_case[-1] == pytest.approx(3 / 4)
        assert fewer.fp_per_case[-1] == pytest.approx(3 / 3)

    def test_linear_interpolation_as_luna16(self):
        f = froc(self.cases(), fp_rates=[0.125], interpolation="linear")
        # between (0, 1/3) and (0.25, 1/3): 1/3.
        assert f.sensitivity_at[0.125] == pytest.approx(1 / 3)
        f = froc(self.cases()[:1], fp_rates=[0.5], interpolation="linear")
        # case 1 alone: points (0, 1/2) at 0.9, (1, 1/2) at 0.7, (1, 1) at 0.4; FP 0.5 ->
        # between (0, 0.5) and (1, 0.5): 0.5; step also 0.5.
        assert f.sensitivity_at[0.5] == pytest.approx(0.5)

    def test_rates_beyond_and_before_the_curve(self):
        f = froc(self.cases(), fp_rates=[8.0])
        assert f.sensitivity_at[8.0] == pytest.approx(2 / 3)  # last point, flat after
        c = iou([[0, 0, 10, 10]], [[40, 40, 50, 50], [0, 0, 10, 10]], [0.9, 0.1])
        assert froc([c], fp_rates=[0.5]).sensitivity_at[0.5] == 0.0  # first point 1 FP

    def test_no_lesions_anywhere(self):
        with pytest.warns(UndefinedMetricWarning, match="no reference lesion"):
            f = froc([iou(NO_BOXES, [[0, 0, 2, 2]], [0.4])])
        assert math.isnan(f.cpm) and f.fp_per_case.tolist() == [1.0]

    def test_case_scores_feed_roc(self):
        y, s = case_scores(self.cases())
        assert y.tolist() == [True, True, False, False]
        assert s.tolist() == [0.9, 0.8, 0.5, 0.0]
        assert auc_ci(y, s).value == 1.0

    def test_case_scores_of_logits_against_the_default_no_detection_score(self):
        # Detection scores that are logits (below 0): a lesion case whose one detection
        # scores -1 and a lesion-free case without detections. With the default 0 the
        # empty case ranked first: AUC 0 without a word, where by hand (a detection
        # against none) it is 1. Refused now; a score below every detection gives
        # scikit-learn's AUC of the ranks meant.
        from sklearn.metrics import roc_auc_score

        from medeval.metrics import roc_auc

        hit = iou([[0, 0, 10, 10]], [[0, 0, 10, 10]], [-1.0])
        empty = iou(NO_BOXES, NO_BOXES, [])
        with pytest.raises(InvalidInputError, match=r"no_detection_score=0.0 is above"):
            case_scores([hit, empty])
        y, s = case_scores([hit, empty], no_detection_score=-5.0)
        assert s.tolist() == [-1.0, -5.0]
        assert roc_auc_score(y, s) == 1.0 == roc_auc(y, s)
        # every case with a detection: nothing to rank against, logits are fine
        assert case_scores([hit, hit])[1].tolist() == [-1.0, -1.0]


class TestBadInput:
    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"criterion": "iou"}, "iou_threshold"),
        ({"criterion": "distance"}, "max_distance_mm"),
        ({"criterion": "distance", "max_distance_mm": 1.0}, "spacing_mm"),
        ({"criterion": "overlap"}, "criterion"),
    ])
    def test_parameters(self, kwargs, match):
        with pytest.raises(InvalidInputError, match=match):
            match_detections([[0, 0, 2, 2]], [[0, 0, 2, 2]], [0.5], **kwargs)

    def test_shapes_and_values(self):
        with pytest.raises(InvalidInputError, match="one row per score"):
            iou([[0, 0, 2, 2]], [[0, 0, 2, 2]], [0.5, 0.4])
        with pytest.raises(InvalidInputError, match="hi <= lo"):
            iou([[0, 0, 0, 2]], [[0, 0, 2, 2]], [0.5])

    def test_a_box_given_as_corner_and_size_is_named_with_the_order_read(self):
        """A detector's COCO-style [x, y, w, h] = [19, 28, 6, 6] under the detection task
        (examples/detection's polyp at rows 28-34, columns 19-25) failed its case with
        "detections box(es) [0] have hi <= lo": neither the box nor the order read. Read
        as [row0, col0, row1, col1], 6 <= 19 and 6 <= 28: both ends before their starts."""
        with pytest.raises(InvalidInputError) as caught:
            match_detections([[28, 19, 34, 25]], [[19, 28, 6, 6], [1, 1, 3, 3]], [0.5, 0.2],
                             criterion="iou", iou_threshold=0.3)
        assert str(caught.value) == (
            "match_detections: detections box(es) [0] have hi <= lo (box 0: [19, 28, 6, 6]): "
            "a box is two opposite corners, [row0, col0, row1, col1], each end past its "
            "start; a corner and a size ([x, y, width, height], COCO's) is not read as one")
        with pytest.raises(InvalidInputError, match="finite"):
            iou([[0, 0, 2, 2]], [[0, 0, 2, 2]], [np.nan])
        with pytest.raises(InvalidInputError, match="outside the mask"):
            match_detections(np.zeros((3, 3), int), [[5, 5]], [0.5], criterion="inside")
        with pytest.raises(InvalidInputError, match="labelled mask"):
            match_detections(np.zeros((3, 3)), [[1, 1]], [0.5], criterion="inside")
        with pytest.raises(InvalidInputError, match="at least one case"):
            froc([])
        with pytest.raises(InvalidInputError, match="fp_rates"):
            froc([iou([[0, 0, 2, 2]], [[0, 0, 2, 2]], [0.5])], fp_rates=[-1])
        with pytest.raises(InvalidInputError, match="no_detection_score"):
            case_scores([], no_detection_score=math.inf)


def test_froc_over_the_cases_scored():
    # Three cases: a hit (0.9) and a false positive (0.4) in case 1, a false positive
    # (0.8) in lesion-free case 2, and case 3 not scored (an algorithm failure counted as
    # detecting nothing): its one lesion missed, no case added. By hand, over the 2 cases
    # scored: thresholds 0.9, 0.8, 0.4 -> TP 1, 1, 1 of 2 lesions; FP 0, 1, 2 over 2
    # cases: 0, 0.5, 1. Over all 3 cases (the default) FP per case would be 0, 1/3, 2/3,
    # and the sensitivity at 0.5 FP per case the same 1/2 at a lower rate.
    hit = match_detections([[0, 0, 10, 10]], [[0, 0, 10, 10], [40, 40, 50, 50]], [0.9, 0.4],
                           criterion="iou", iou_threshold=0.5)
    empty = match_detections(np.zeros((0, 4)), [[5, 5, 9, 9]], [0.8], criterion="iou",
                             iou_threshold=0.5)
    failed = match_detections([[0, 0, 10, 10]], np.zeros((0, 4)), [], criterion="iou",
                              iou_threshold=0.5)
    curve = froc([hit, empty, failed], fp_rates=[0.25, 0.5], scored=[True, True, False])
    np.testing.assert_allclose(curve.fp_per_case, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(curve.sensitivity, [0.5, 0.5, 0.5])
    assert curve.sensitivity_at == {0.25: 0.5, 0.5: 0.5}
    assert (curve.n_cases, curve.n_scored_cases, curve.n_lesions) == (3, 2, 2)
    default = froc([hit, empty, failed], fp_rates=[0.25, 0.5])
    np.testing.assert_allclose(default.fp_per_case, [0.0, 1 / 3, 2 / 3])
    assert default.n_scored_cases == 3
    # a case not scored cannot have detections; scored must be one bool per case
    with pytest.raises(InvalidInputError, match=r"case\(s\) \[0\] are not scored"):
        froc([hit, empty], scored=[False, True])
    with pytest.raises(InvalidInputError, match="one bool per case"):
        froc([hit, empty], scored=[True])


def test_froc_with_no_case_scored_detected_nothing():
    # Every case failed: no case to take false positives over, but no detection either
    # (a case not scored has none), so the curve is its origin: each of the 2 lesions
    # missed, sensitivity 0 at every rate, CPM 0, AP 0 (by hand), and nothing undefined
    failed = match_detections([[0, 0, 10, 10]], np.zeros((0, 4)), [], criterion="iou",
                              iou_threshold=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curve = froc([failed, failed], fp_rates=[0.5, 1.0], scored=[False, False])
    assert curve.sensitivity_at == {0.5: 0.0, 1.0: 0.0} and curve.cpm == 0.0
    assert curve.average_precision == 0.0 and curve.n_scored_cases == 0
    assert curve.n_lesions == 2 and curve.fp_per_case.size == 0


class TestNoDetectionAsAList:
    """A notebook user's "no detection" is ``[]`` with ``[]`` scores (found in the api
    pass: the IoU criterion broadcast a (0, 0) array against the reference's boxes and
    raised numpy's "operands could not be broadcast")."""

    def test_iou_with_empty_lists_misses_every_lesion(self):
        # two lesions, nothing detected: 0 true positives, both lesions in the count
        m = iou([[0, 0, 10, 10], [20, 20, 30, 30]], [], [])
        assert m.scores.size == 0 and m.true_positive.size == 0 and m.n_reference == 2
        same = iou([[0, 0, 10, 10], [20, 20, 30, 30]], NO_BOXES, [])
        assert (same.n_reference, same.pairs.shape) == (m.n_reference, m.pairs.shape)
        # and the FROC over it with a case that hits one lesion of 3: sensitivity 1/3
        hit = iou([[0, 0, 10, 10]], [[0, 0, 10, 10]], [0.9])
        assert froc([m, hit], fp_rates=[1.0]).sensitivity_at == {1.0: pytest.approx(1 / 3)}

    def test_distance_and_inside_with_empty_lists(self):
        d = match_detections([[5, 5]], [], [], criterion="distance", max_distance_mm=2.0,
                             spacing_mm=1.0)
        mask = np.zeros((4, 4), dtype=int)
        mask[1, 1] = 1
        inside = match_detections(mask, [], [], criterion="inside")
        assert (d.n_reference, d.true_positive.size) == (1, 0)
        assert (inside.n_reference, inside.true_positive.size) == (1, 0)

    def test_a_missing_parameter_is_refused_on_a_lesion_free_case_too(self):
        # before, a lesion-free case returned without looking at iou_threshold, so a
        # loop over cases failed only at the first case with a lesion
        with pytest.raises(InvalidInputError, match="needs iou_threshold"):
            match_detections(NO_BOXES, [[0, 0, 5, 5]], [0.5], criterion="iou")
        with pytest.raises(InvalidInputError, match="needs max_distance_mm"):
            match_detections(np.zeros((0, 2)), [[1, 1]], [0.5], criterion="distance")

    def test_malformed_detections_are_refused_on_a_lesion_free_case_too(self):
        # a box with its ends before its starts ([30, 30, 20, 20]: rows 30 to 20) was a
        # false positive on a lesion-free case, and refused on a case with a lesion: the
        # same output scored or failed by what the reference holds
        bad = [[30, 30, 20, 20]]
        for reference in (NO_BOXES, [[1, 1, 5, 5]]):
            with pytest.raises(InvalidInputError, match=r"box\(es\) \[0\] have hi <= lo"):
                iou(reference, bad, [0.5])
        with pytest.raises(InvalidInputError, match=r"or 4 \(a box\) per row, got 5"):
            match_detections(np.zeros((0, 2)), [[1, 1, 2, 2, 3]], [0.5],
                             criterion="distance", max_distance_mm=2.0, spacing_mm=1.0)
        # well-formed detections stay false positives there
        fp = iou(NO_BOXES, [[20, 20, 30, 30]], [0.5])
        assert (fp.n_reference, fp.true_positive.tolist()) == (0, [False])


def test_one_match_or_other_objects_are_refused_naming_them():
    # found in the api pass: froc(match) and case_scores(match), one case's match without
    # its list, raised TypeError "object of type 'DetectionMatch' has no len()"
    m = iou([[0, 0, 10, 10]], [[0, 0, 10, 10]], [0.9])
    for func in (froc, case_scores):
        with pytest.raises(InvalidInputError, match="matches is one DetectionMatch.*\\[match\\]"):
            func(m)
        with pytest.raises(InvalidInputError, match=r"position\(s\) \[1\] hold something else"):
            func([m, (0.9, True)])
    # a tuple or a generator of matches is a sequence of cases: the lesion found, the
    # case scored 0.9 (by hand)
    assert froc((mm for mm in [m]), fp_rates=[1.0]).sensitivity_at == {1.0: 1.0}
    truth, score = case_scores(mm for mm in (m,))
    assert truth.tolist() == [True] and score.tolist() == [0.9]
    # and a no-detection score as text is named, not float()'s bare TypeError
    with pytest.raises(InvalidInputError, match="no_detection_score must be a finite number, "
                       "got '0'"):
        case_scores([m], no_detection_score="0")  # type: ignore[arg-type]


def test_a_lesion_free_reference_with_its_columns_refuses_rows_of_other_dimensions():
    # np.zeros((0, 2)) is a 2D point reference with no lesion: a row of 8 or 6 numbers was
    # scored there as a false positive, and refused beside one lesion ("expected 2
    # coordinates (a point) or 4 (a box) per row"); np.zeros((0, 4)) likewise took a 6-number
    # (3D) box. A reference of no columns ([]) still takes any 2D or 3D row, not 8 numbers
    for reference in (np.zeros((0, 2)), [[1.0, 1.0]]):
        for row in ([1.0] * 8, [1.0] * 6):
            with pytest.raises(InvalidInputError, match=r"expected 2 coordinates \(a point\) "
                               r"or 4 \(a box\) per row, got " + str(len(row))):
                match_detections(reference, [row], [0.5], criterion="distance",
                                 max_distance_mm=2.0, spacing_mm=1.0)
    for reference in (np.zeros((0, 4)), [[1.0, 1.0, 3.0, 3.0]]):
        with pytest.raises(InvalidInputError, match="reference boxes have 4 columns, "
                           "detections 6"):
            match_detections(reference, [[1, 1, 1, 3, 3, 3]], [0.5], criterion="iou",
                             iou_threshold=0.5)
    with pytest.raises(InvalidInputError, match="points must be 2D or 3D, got 8"):
        match_detections([], [[1.0] * 8], [0.5], criterion="distance", max_distance_mm=2.0,
                         spacing_mm=1.0)
    for width in (2, 3, 4, 6):  # a point or a box, 2D or 3D: a false positive (by hand)
        fp = match_detections([], [[1.0] * width], [0.5], criterion="distance",
                              max_distance_mm=2.0, spacing_mm=1.0)
        assert (fp.n_reference, fp.true_positive.tolist()) == (0, [False])

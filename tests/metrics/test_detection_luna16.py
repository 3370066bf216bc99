"""FROC and CPM against the LUNA16 challenge's counting (Setio et al. 2017).

LUNA16's evaluation script (noduleCADEvaluationLUNA16.py) is re-implemented by hand in
``_luna16`` below, small: per scan, every candidate whose centre lies strictly within a
nodule's radius hits it; the nodule enters the FROC once, with the highest score of the
candidates that hit it; every candidate that hit a nodule is taken out of the false
positives (a second candidate on a nodule is ignored, a candidate inside two nodules
hits both); the remaining candidates are false positives. Its curve is scikit-learn's
``roc_curve`` over those entries, false positives divided by the number of scans and
true positives by the number of nodules, read at 1/8 ... 8 FP per scan by
``numpy.interp``, the CPM their mean.

medeval's ``interpolation="linear"`` reads its curve so; its counting is one to one
(Chakraborty's FROC): it agrees with LUNA16 on sets without double hits, and where a set
has them the difference is exactly what ``medeval.metrics.froc`` documents.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_curve

from medeval.metrics import FROC_RATES, froc, match_detections

RADIUS = 5.0


def _luna16(scans, radius=RADIUS):
    """LUNA16's sensitivities at FROC_RATES and CPM; scans: (nodules, candidates), a
    nodule (z, y, x) in mm, a candidate (z, y, x, score)."""
    truth, score, n_nodules = [], [], 0
    for nodules, candidates in scans:
        left = set(range(len(candidates)))
        for nodule in nodules:
            n_nodules += 1
            hits = [i for i, c in enumerate(candidates)
                    if sum((a - b) ** 2 for a, b in zip(nodule, c[:3])) < radius ** 2]
            left -= set(hits)
            if hits:  # a missed nodule is left out of roc_curve (excludeList)
                truth.append(1)
                score.append(max(candidates[i][3] for i in hits))
        truth += [0] * len(left)
        score += [candidates[i][3] for i in sorted(left)]
    fpr, tpr, _ = roc_curve(truth, score)
    fps = fpr * (len(truth) - sum(truth)) / len(scans)
    sens = tpr * sum(truth) / n_nodules
    at = [float(np.interp(r, fps, sens)) for r in FROC_RATES]
    return at, float(np.mean(at))


def _medeval(scans, radius=RADIUS):
    matches = [match_detections(np.array(nodules, float).reshape(-1, 3),
                                np.array([c[:3] for c in cands], float).reshape(-1, 3),
                                [c[3] for c in cands], criterion="distance",
                                max_distance_mm=radius, spacing_mm=1.0)
               for nodules, cands in scans]
    f = froc(matches, interpolation="linear")
    return [f.sensitivity_at[r] for r in FROC_RATES], f.cpm


# Four scans: several nodules in one, a scan without nodules, a missed nodule, tied
# scores across scans (0.6: a hit in scan 1 and a false positive in scan 2; 0.3 twice).
SCANS = [
    ([(10, 10, 10), (40, 40, 40), (70, 20, 20)],
     [(11, 10, 10, 0.9), (40, 42, 40, 0.6), (90, 90, 90, 0.3), (5, 80, 5, 0.2)]),
    ([], [(50, 50, 50, 0.6), (20, 70, 20, 0.3)]),
    ([(30, 30, 30)], [(30, 31, 32, 0.4), (0, 0, 0, 0.8)]),
    ([(60, 60, 60)], []),
]


def test_agrees_with_luna16_without_double_hits():
    # By hand: 5 nodules, 4 scans. Entries by score: 0.9 TP; 0.8 FP; 0.6 TP + FP;
    # 0.4 TP; 0.3 FP FP; 0.2 FP. Curve (FP/scan, Se): (0, 0), (0, .2), (.25, .2),
    # (.5, .4), (.5, .6), (1, .6), (1.25, .6). At 1/8: .2; 1/4: .2; 1/2: .6; 1 ... 8: .6.
    at, cpm = _luna16(SCANS)
    assert at == pytest.approx([0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 0.6])
    mine, my_cpm = _medeval(SCANS)
    assert mine == pytest.approx(at, abs=1e-12)
    assert my_cpm == pytest.approx(cpm, abs=1e-12) == (0.2 * 2 + 0.6 * 5) / 7


def test_second_candidate_on_a_nodule_is_a_false_positive_not_ignored():
    # Scan 3's nodule gets a second candidate (0.5) beside its 0.4 one. LUNA16 enters
    # the nodule with 0.5 and ignores the 0.4 one; medeval counts the 0.5 one the hit
    # and the 0.4 one a false positive: LUNA16's count with the 0.4 candidate moved off
    # every nodule.
    doubled = [SCANS[0], SCANS[1], ([(30, 30, 30)], [(30, 31, 32, 0.4), (0, 0, 0, 0.8),
                                                      (31, 30, 30, 0.5)]), SCANS[3]]
    moved = [SCANS[0], SCANS[1], ([(30, 30, 30)], [(99, 0, 99, 0.4), (0, 0, 0, 0.8),
                                                    (31, 30, 30, 0.5)]), SCANS[3]]
    mine, my_cpm = _medeval(doubled)
    theirs, their_cpm = _luna16(moved)
    assert mine == pytest.approx(theirs, abs=1e-12)
    assert my_cpm == pytest.approx(their_cpm, abs=1e-12)
    # by hand, LUNA16 on `doubled`: entries 0.9 TP; 0.8 FP; 0.6 TP + FP; 0.5 TP; 0.3 FP
    # FP; 0.2 FP: (0, .2), (.25, .2), (.5, .4), (.5, .6), (1, .6), (1.25, .6); medeval
    # adds the 0.4 FP: (.75, .6) before (1.25, .6) and (1.5, .6). Se at 1/2: .6 both,
    # at 1 FP/scan both .6 -- the rates see the extra false positive only where the
    # curve still rises: here at none, in the next set at 1/2.
    assert _luna16(doubled)[0] == pytest.approx([0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 0.6])
    assert mine == pytest.approx([0.2, 0.2, 0.6, 0.6, 0.6, 0.6, 0.6])
    # two candidates on scan 1's first nodule (0.9 and 0.85): LUNA16 ignores the 0.85
    # one, medeval counts it a false positive, which moves (.5, .4) to (.75, .4)
    twice = [(SCANS[0][0], SCANS[0][1] + [(10, 11, 10, 0.85)])] + SCANS[1:]
    assert _luna16(twice)[0][2] == pytest.approx(0.6)
    mine, _ = _medeval(twice)
    # medeval: 0.9 TP; 0.85 FP; 0.8 FP; 0.6 TP + FP; 0.4 TP; ...: (0, .2), (.25, .2),
    # (.5, .2), (.75, .4), (.75, .6): at 1/2 .2, at 1/4 .2
    assert mine[:3] == pytest.approx([0.2, 0.2, 0.2])


def test_candidate_inside_two_nodules_hits_one():
    # Two nodules 4 mm apart, one candidate between them (within 5 mm of both). LUNA16
    # counts both nodules hit by it ("This is strange: CAD mark ... detected two
    # nodules"); medeval one (one to one), the other missed.
    scans = [([(10, 10, 10), (10, 10, 14)], [(10, 10, 12, 0.9), (50, 50, 50, 0.7)]),
             ([], [(20, 20, 20, 0.8)])]
    at, _ = _luna16(scans)
    assert at == pytest.approx([1.0] * 7)  # 2 of 2 at 0 FP
    mine, my_cpm = _medeval(scans)
    assert mine == pytest.approx([0.5] * 7) and my_cpm == pytest.approx(0.5)
    # a second candidate on the other nodule makes medeval's count LUNA16's: the first
    # candidate moves to the nodule only it can hit (augmenting path), 2 of 2 at 0.6
    scans[0][1].append((10, 10, 15, 0.6))
    mine, _ = _medeval(scans)
    assert mine[-1] == pytest.approx(1.0)


def test_a_candidate_exactly_at_the_radius():
    # LUNA16: dist^2 < r^2 (strictly within); medeval: distance <= max_distance_mm
    # (a candidate 5 mm from a 10 mm nodule's centre, beside a nodule hit at its centre)
    scans = [([(10, 10, 10), (50, 50, 50)], [(10, 10, 15, 0.9), (50, 50, 50, 0.8)])]
    # LUNA16: the 0.9 one a false positive (1 FP/scan), then the second nodule: (1, .5)
    assert _luna16(scans)[0] == pytest.approx([0, 0, 0, 0.5, 0.5, 0.5, 0.5])
    assert _medeval(scans)[0] == pytest.approx([1.0] * 7)

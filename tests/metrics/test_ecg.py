"""EC57 beat-by-beat scoring against bxb's rules, a sequential port of bxb.c, and wfdb.

Expected values come from: hand arithmetic on a few beats (in the comments); ``BxbPort``
below, a line-by-line Python transcription of ``bxb.c``'s ``main``, ``getref``,
``gettest``, ``rpann`` and ``pair`` (last revised 27 April 2020; shutdown, which
medeval does not interpret, left out); wfdb-python's ``processing.compare_annotations``
on MIT-BIH record 100; the counts of ``../shared/data/README.md``; and ``sumstats.c``'s
pooling of ``bxb -L``/``-l`` line counts, transcribed (``sumstats_ratios``).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from medeval.errors import InvalidInputError, UndefinedMetricWarning
from medeval.loaders.signal import BEAT_SYMBOLS
from medeval.metrics import _beat_matching
from medeval.metrics.ecg import (
    AAMI_CLASS,
    EC57_CLASSES,
    beat_match,
    ec57,
    ec57_summary,
)

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside wfdb

HUGE = 2**62
CLASS_SYMBOL = {"N": "N", "S": "A", "V": "V", "F": "F", "Q": "Q"}


# --------------------------------------------------------------------------- bxb port


class BxbPort:
    """``bxb.c`` transcribed statement by statement, on annotation lists (time, code).

    Codes: an AAMI class ``N S V F Q`` for a beat (``amap`` already applied), ``[`` and
    ``]`` for VFON and VFOFF, anything else a non-beat. Indices reported are positions in
    the lists (file order). Type 0 is the static initial annotation (time 0) of
    ``getref``/``gettest``; ``*`` the type after end of file. ``pair`` counts only the
    classes its ``switch`` knows. Shutdown (NOISE subtypes) is not modelled.
    """

    def __init__(self, ref, test, match_dt, start, end_time):
        self.ref, self.test = ref, test
        self.match_dt, self.start, self.end_time = match_dt, start, end_time
        self.ri = self.ti = 0
        self.T = self.Tprime = self.t = self.tprime = 0
        self.A = self.Aprime = self.a = self.aprime = 0
        self.TI = self.TprimeI = self.tI = self.tprimeI = None
        self.vfonref = self.vfoffref = self.pvfonref = self.pvfoffref = -1
        self.matrix = {}
        self.pairs, self.missed, self.extra = [], [], []

    def _next(self, which):
        """getann(): the next annotation of one file, or None at end of file."""
        items = self.ref if which == 0 else self.test
        k = self.ri if which == 0 else self.ti
        if k >= len(items):
            return None
        if which == 0:
            self.ri += 1
        else:
            self.ti += 1
        return k, items[k][0], items[k][1]

    def getref(self):
        self.T, self.A, self.TI = self.Tprime, self.Aprime, self.TprimeI
        while (annot := self._next(0)) is not None:
            k, time, code = annot
            if code in "NSVFQ":
                self.Tprime, self.Aprime, self.TprimeI = time, code, k
                return
            if code == "[":
                self.pvfonref, self.pvfoffref = self.vfonref, self.vfoffref
                self.vfonref = time
                while True:
                    annot = self._next(0)
                    if annot is None:
                        self.Tprime, self.Aprime, self.TprimeI = HUGE, "*", None
                        return
                    if annot[2] == "]":
                        break
                self.vfoffref = annot[1]
        self.Tprime, self.Aprime, self.TprimeI = HUGE, "*", None

    def gettest(self):
        self.t, self.a, self.tI = self.tprime, self.aprime, self.tprimeI
        while (annot := self._next(1)) is not None:
            k, time, code = annot
            if code in "NSVFQ":
                self.tprime, self.aprime, self.tprimeI = time, code, k
                return
            if code == "[":
                while True:
                    annot = self._next(1)
                    if annot is None:
                        self.tprime, self.aprime, self.tprimeI = HUGE, "*", None
                        return
                    if annot[2] == "]":
                        break
        self.tprime, self.aprime, self.tprimeI = HUGE, "*", None

    def rpann(self, t):
        if (self.vfonref != -1 and self.vfonref <= t
                and (t <= self.vfoffref or self.vfoffref == -1)) or (
                self.pvfonref != -1 and self.pvfonref <= t <= self.pvfoffref):
            return "*"
        return "O"

    def pair(self, ref, test):
        beats = "NSVFQ"
        if ref == 0 or test == 0:  # switch (ref) / switch (test) has no case 0
            return
        if (ref in beats and test in beats + "O") or (ref == "O" and test in beats):
            self.matrix[ref, test] = self.matrix.get((ref, test), 0) + 1
            if ref == "O":
                self.extra.append(self.tI)
            elif test == "O":
                self.missed.append(self.TI)
            else:
                self.pairs.append((self.TI, self.tI))

    def run(self):
        w, start, end_time = self.match_dt, self.start, self.end_time
        self.getref()
        while self.T < start:
            self.getref()
        self.gettest()
        while self.tprime < start:
            self.gettest()
        T, t = self.T, self.t
        if T - t < abs(T - self.tprime) and T - t <= w:
            if self.A != 0 or self.a != 0:
                self.pair(self.A, self.a)
            self.getref()
            self.gettest()
        else:
            self.gettest()
            if self.t - start <= w and abs(self.T - self.tprime) < abs(self.T - self.t):
                self.gettest()
        while (
            (end_time > 0 and (self.T <= end_time or self.t <= end_time))
            or (end_time == -1 and self.T != HUGE)
            or (end_time == 0 and self.T != HUGE and self.t != HUGE)
        ):
            T, Tp, t, tp = self.T, self.Tprime, self.t, self.tprime
            if t < T:
                if T - t <= w and (T - t < abs(T - tp) or abs(Tp - tp) < abs(T - tp)):
                    self.pair(self.A, self.a)
                    self.getref()
                    self.gettest()
                else:
                    self.pair(self.rpann(t), self.a)
                    self.gettest()
            else:
                if t - T <= w and (t - T < abs(t - Tp) or abs(tp - Tp) < abs(t - Tp)):
                    self.pair(self.A, self.a)
                    self.gettest()
                    self.getref()
                else:
                    self.pair(self.A, "O")  # tpann(T): 'O' outside shutdown
                    self.getref()
        return self


def port_matrix(port):
    m = np.zeros((6, 6), dtype=np.int64)
    for (r, c), n in port.matrix.items():
        m[EC57_CLASSES.index(r), EC57_CLASSES.index(c)] = n
    return m


# --------------------------------------------------------------------------- by hand


def test_window_is_inclusive():
    # 0.15 s at 360 Hz: int(0.15 * 360 + 0.5) = 54 samples; 1054 - 1000 = 54 <= 54 pairs,
    # 1055 - 1000 = 55 does not (one missed reference beat, one extra test beat).
    assert beat_match([1000], [1054], fs=360, learning_period_s=0).tp == 1
    assert beat_match([1000], [946], fs=360, learning_period_s=0).tp == 1
    m = beat_match([1000], [1055], fs=360, learning_period_s=0)
    assert (m.tp, m.fn, m.fp) == (0, 1, 1)
    # 250 Hz: 0.15 * 250 = 37.5 -> strtim rounds half up to 38 samples.
    assert beat_match([1000], [1038], fs=250, learning_period_s=0).window_samples == 38
    assert beat_match([1000], [1038], fs=250, learning_period_s=0).tp == 1


def test_learning_period_edge():
    # start = 300 s * 360 = 108000. Reference 107999 is skipped, 108000 is scored.
    m = beat_match([107999, 108000], [107999, 108000], fs=360)
    assert (m.start_sample, m.tp, m.fn, m.fp) == (108000, 1, 0, 0)
    assert m.pairs.tolist() == [[1, 1]]
    # The last test beat before the start (107990) pairs with the first reference beat
    # after it (108000), and counts: 10 <= 54 and 10 < |108000 - t'| (t' = end, huge).
    m = beat_match([108000], [107990], fs=360)
    assert (m.tp, m.fn, m.fp) == (1, 0, 0)
    # A test beat in the learning period with no reference after it is not scored.
    m = beat_match([108500], [107999, 108500], fs=360)
    assert (m.tp, m.fn, m.fp) == (1, 0, 0)


def test_first_test_beat_after_start_dropped():
    # bxb: "if there is a test annotation within the match window following the start and
    # there is no match, go on to the next test annotation without counting the first".
    # T = 108050; t = 108010 (10 samples after the start), t' = 108049:
    # |T - t'| = 1 < |T - t| = 40, so 108010 is dropped, uncounted; 108049 pairs.
    m = beat_match([108050], [108010, 108049], fs=360)
    assert (m.tp, m.fn, m.fp) == (1, 0, 0)
    # 108100 is 100 samples after the start (> 54): it is scored as an extra beat.
    m = beat_match([108150], [108100, 108149], fs=360)
    assert (m.tp, m.fn, m.fp) == (1, 0, 1)


def test_one_test_beat_between_two_reference_beats():
    # refs 1000, 1060, test 1030 (w = 54). Reference 1000 first: t - T = 30 is not
    # < |t - T'| = 30, and |t' - T'| (t' = end) is not < 30, so 1000 is missed; then
    # 1030 < 1060: T - t = 30 < |T - t'| (huge): 1030 pairs with 1060.
    m = beat_match([1000, 1060], [1030], fs=360, learning_period_s=0)
    assert m.pairs.tolist() == [[1, 0]] and m.missed.tolist() == [0]
    # test 1029: 29 < |1029 - 1060| = 31, so it pairs with 1000 and 1060 is missed.
    m = beat_match([1000, 1060], [1029], fs=360, learning_period_s=0)
    assert m.pairs.tolist() == [[0, 0]] and m.missed.tolist() == [1]


def test_pardey_amendment():
    # bxb.c's own example (24 Nov 2002), match_dt = 37: ref 96, 160; test 128, 185.
    # 128 - 96 = 32 is not < |128 - 160| = 32, but |185 - 160| = 15 < 32, so the
    # amendment pairs (96, 128), then (160, 185): two true positives, none missed.
    m = beat_match([96, 160], [128, 185], fs=1, window_s=37, learning_period_s=0)
    assert (m.tp, m.fn, m.fp) == (2, 0, 0)
    assert not m.standard


def test_sentinel_with_no_learning_period():
    # learning_period_s=0: bxb's current reference is its type-0 sentinel at time 0. With
    # a test beat at sample 0: T - t = 0 is not < |T - t'| = 0, so gettest() makes t = 0
    # the current test beat; in the main loop t >= T, t - T = 0 <= w and 0 < |t - T'| = 5:
    # pair(0, N), which counts nothing. The test beat at 0 is lost; 5 pairs with 5.
    m = beat_match([5], [0, 5], fs=1, window_s=10, learning_period_s=0)
    assert (m.tp, m.fn, m.fp) == (1, 0, 0)
    assert BxbPort([(5, "N")], [(0, "N"), (5, "N")], 10, 0, 5).run().extra == []
    # A reference beat at 0 as well: the sentinel finds no partner and all is counted.
    m = beat_match([0, 5], [0, 5], fs=1, window_s=10, learning_period_s=0)
    assert (m.tp, m.fn, m.fp) == (2, 0, 0)


def test_end_of_comparison():
    # duration 10 s at 100 Hz: end = 1000. 990/1005 pair (earlier beat 990 <= 1000);
    # 1100 and 1102 are after the end and not scored.
    m = beat_match([990, 1100], [1005, 1102], fs=100, learning_period_s=0, duration_s=10)
    assert (m.tp, m.fn, m.fp) == (1, 0, 0)
    m = beat_match([990, 1100], [1005, 1102], fs=100, learning_period_s=0)
    assert (m.tp, m.end_sample) == (2, 1102)


def test_class_confusions_and_cells():
    # One beat per cell, 1000 samples apart (learning period 0, fs 360):
    ref = [("N", "V"), ("F", "V"), ("Q", "S"), ("F", "S"), ("V", None), (None, "V"),
           ("S", "N"), ("V", "V"), ("S", "S"), ("N", "N"), ("Q", "V")]
    rs, rsym, ts, tsym = [], [], [], []
    for k, (r, t) in enumerate(ref):
        if r:
            rs.append(1000 * (k + 1)); rsym.append(CLASS_SYMBOL[r])
        if t:
            ts.append(1000 * (k + 1) + 5); tsym.append(CLASS_SYMBOL[t])
    res = ec57(rs, rsym, ts, tsym, fs=360, learning_period_s=0)
    for r, t in ref:
        assert res.cell(r or "O", (t or "O").lower()) >= 1
    # QRS: 9 pairs (all but Vo and Ov); 10 reference beats; 10 test beats.
    assert (res.qrs_sensitivity.numerator, res.qrs_sensitivity.denominator) == (9, 10)
    assert (res.qrs_ppv.numerator, res.qrs_ppv.denominator) == (9, 10)
    # VEB Se: Vv / (Vv + Vo) = 1 / 2.
    assert (res.veb_sensitivity.numerator, res.veb_sensitivity.denominator) == (1, 2)
    # VEB +P: Vv / (Vv + Nv + Ov) = 1 / 3; Fv and Qv are not false positives.
    assert (res.veb_ppv.numerator, res.veb_ppv.denominator) == (1, 3)
    # VEB FPR: (Nv + Ov) / (Nv + Ov + Qs + Fs + Sn + Ss + Nn) = 2 / 7.
    assert (res.veb_fpr.numerator, res.veb_fpr.denominator) == (2, 7)
    # SVEB Se: Ss / (Ss + Sn) = 1 / 2. SVEB +P (bxb): Ss / (Ss + Fs) = 1 / 2 (Qs is not
    # a false positive, Fs is).
    assert (res.sveb_sensitivity.numerator, res.sveb_sensitivity.denominator) == (1, 2)
    assert (res.sveb_ppv.numerator, res.sveb_ppv.denominator) == (1, 2)
    assert res.sveb_ppv.definition == "ec57_sveb_ppv" and res.standard is False
    # sumstats (gross, average) leaves the F+Q row out of SVEB +P: 1 / 1.
    summary = ec57_summary([res])
    assert (summary.gross["sveb_ppv"].numerator, summary.gross["sveb_ppv"].denominator) == (1, 1)
    assert summary.average["veb_ppv"].value == pytest.approx(1 / 3)


def test_summary_gross_and_average():
    # Record a: 2 beats, 1 found (Se 1/2). Record b: 4 of 4 (Se 1). Gross (1 + 4) / (2 + 4);
    # average (1/2 + 1) / 2. Record b has no V beat: left out of the VEB Se average.
    # Neither record has an S beat: every SVEB figure is undefined (warned).
    with pytest.warns(UndefinedMetricWarning):
        a = ec57([1000, 2000], ["V", "N"], [1000], ["V"], fs=360, learning_period_s=0,
                 record_id="a")
    with pytest.warns(UndefinedMetricWarning):
        b = ec57([1000, 2000, 3000, 4000], ["N"] * 4, [1000, 2000, 3000, 4000], ["N"] * 4,
                 fs=360, learning_period_s=0, record_id="b")
    with pytest.warns(UndefinedMetricWarning):
        s = ec57_summary([a, b])
    assert math.isnan(s.gross["sveb_sensitivity"].value)
    assert s.gross["qrs_sensitivity"].value == pytest.approx(5 / 6)
    assert s.average["qrs_sensitivity"].value == pytest.approx(0.75)
    assert s.average["veb_sensitivity"].n_records == 1
    assert s.average["veb_sensitivity"].value == 1.0
    assert s.record_ids == ("a", "b") and s.n_records == 2 and s.standard is False
    assert s.matrix.sum() == a.matrix.sum() + b.matrix.sum()


# --------------------------------------------------------------------------- sumstats


def bxb_lines(m):
    """A record's ``bxb -L`` and ``bxb -l`` line counts from its 6 x 6 matrix (no X), as
    ``print_results`` writes them (cases 5 and 2; rows reference, columns test)."""
    c = {f"{r}{t.lower()}": int(m[i, j]) for i, r in enumerate("NSVFQO")
         for j, t in enumerate("NSVFQO")}
    big_l = {  # -L: "Nn' Sn' Vn' Fn' On'  Ns  Ss  Vs  Fs' Os' Nv  Sv   Vv  Fv' Ov' No'..."
        "nn": c["Nn"] + c["Nf"] + c["Nq"], "sn": c["Sn"] + c["Sf"] + c["Sq"],
        "vn": c["Vn"] + c["Vf"] + c["Vq"],
        "fn": c["Fn"] + c["Ff"] + c["Fq"] + c["Qn"] + c["Qf"] + c["Qq"],
        "on": c["On"] + c["Of"] + c["Oq"],
        "ns": c["Ns"], "ss": c["Ss"], "vs": c["Vs"], "fs": c["Fs"] + c["Qs"], "os": c["Os"],
        "nv": c["Nv"], "sv": c["Sv"], "vv": c["Vv"], "fv": c["Fv"] + c["Qv"], "ov": c["Ov"],
        "no": c["No"], "so": c["So"], "vo": c["Vo"], "fo": c["Fo"] + c["Qo"],
    }
    small_l = {  # -l: "Nn' Vn' Fn' On'  Nv   Vv  Fv' Ov' No' Vo' Fo'"
        "nn": sum(c[f"{r}{t}"] for r in "NS" for t in "nsfq"),
        "vn": sum(c[f"V{t}"] for t in "nsfq"),
        "fn": sum(c[f"{r}{t}"] for r in "FQ" for t in "nsfq"),
        "on": sum(c[f"O{t}"] for t in "nsfq"), "nv": c["Nv"] + c["Sv"], "ov": c["Ov"],
    }
    return big_l, small_l


def sumstats_ratios(line, small):
    """(numerator, denominator) of each statistic as ``sumstats.c`` reads one line or the
    summed lines: case 4 (``bxb -L``) for all but VEB FPR, case 1 (``bxb -l``) for it."""
    x = line
    qtp = (x["nn"] + x["ns"] + x["nv"] + x["sn"] + x["ss"] + x["sv"] + x["vn"] + x["vs"]
           + x["vv"] + x["fn"] + x["fs"] + x["fv"])
    qfn = x["no"] + x["so"] + x["vo"] + x["fo"]
    qfp = x["on"] + x["os"] + x["ov"]
    return {
        "qrs_sensitivity": (qtp, qtp + qfn), "qrs_ppv": (qtp, qtp + qfp),
        "veb_sensitivity": (x["vv"], x["vn"] + x["vs"] + x["vv"] + x["vo"]),
        "veb_ppv": (x["vv"], x["nv"] + x["sv"] + x["vv"] + x["ov"]),
        "sveb_sensitivity": (x["ss"], x["sn"] + x["ss"] + x["sv"] + x["so"]),
        "sveb_ppv": (x["ss"], x["ns"] + x["ss"] + x["vs"] + x["os"]),
        "veb_fpr": (small["nv"] + small["ov"],
                    small["nn"] + small["fn"] + small["on"] + small["nv"] + small["ov"]),
    }


@st.composite
def classified_records(draw):
    """1 to 5 records of beats 1000 samples apart: (reference class, test class), either
    side possibly no beat."""
    side = st.sampled_from([None, *"NSVFQ"])
    pair = st.tuples(side, side).filter(lambda p: p != (None, None))
    return draw(st.lists(st.lists(pair, min_size=1, max_size=30), min_size=1, max_size=5))


@settings(max_examples=200, deadline=None)
@given(classified_records())
def test_summary_equals_sumstats_on_bxb_lines(records):
    """ec57_summary's gross and average figures are sumstats' on the bxb -L / -l lines of
    the records (transcribed above from bxb.c and sumstats.c): F beats labelled S are no
    SVEB false positives there, though bxb's own per-record SVEB +P counts them."""
    results = []
    lines = []
    for k, pairs in enumerate(records):
        rs, rsym, ts, tsym = [], [], [], []
        for i, (r, t) in enumerate(pairs):
            if r:
                rs.append(1000 * (i + 1)); rsym.append(CLASS_SYMBOL[r])
            if t:
                ts.append(1000 * (i + 1) + 3); tsym.append(CLASS_SYMBOL[t])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            one = ec57(rs, rsym, ts, tsym, fs=360, learning_period_s=0, record_id=str(k))
        results.append(one)
        lines.append(bxb_lines(one.matrix))
        fs = one.cell("F", "s")  # bxb per record: SFP = Ns + Vs + Fs + Os
        ss_num, ss_den = sumstats_ratios(*lines[-1])["sveb_ppv"]
        assert (one.sveb_ppv.numerator, one.sveb_ppv.denominator) == (ss_num, ss_den + fs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        summary = ec57_summary(results)
    summed = [{key: sum(line[i][key] for line in lines) for key in lines[0][i]}
              for i in (0, 1)]
    per_record = [sumstats_ratios(*line) for line in lines]
    for name, (num, den) in sumstats_ratios(*summed).items():
        gross = summary.gross[name]
        assert (gross.numerator, gross.denominator) == (num, den), name
        values = [n / d for n, d in (r[name] for r in per_record) if d]  # sumstats: C.., N..
        average = summary.average[name]
        assert average.n_records == len(values), name
        if values:
            assert average.value == pytest.approx(sum(values) / len(values)), name
        else:
            assert math.isnan(average.value), name


def test_non_beats_are_left_out():
    # '+' (rhythm), '~' (noise), '"' (comment) at the time of a beat-less test event.
    with pytest.warns(UndefinedMetricWarning):  # no V, no S beat
        r = ec57([18, 1000, 1500, 2000], ["+", "N", "~", "N"], [1000, 1500, 2000],
                 ["N", '"', "N"], fs=360, learning_period_s=0)
    assert (r.beats.tp, r.beats.fn, r.beats.fp) == (2, 0, 0)
    assert r.beats.pairs.tolist() == [[1, 0], [3, 2]]  # indices into the arrays given
    assert set(AAMI_CLASS) == BEAT_SYMBOLS


def test_ventricular_fibrillation_episodes():
    # Reference: N 1000, VF from 2000 to 4000 (a beat annotated at 3000 inside is
    # skipped by getref), N 5000. Test: 1000, 2500 and 3500 (inside reference VF:
    # rpann gives '*', not counted), 5000, and its own VF 6000-7000 hiding a beat at
    # 6500. Counted: two pairs, nothing missed, no extra beat.
    ref = ([1000, 2000, 3000, 4000, 5000], ["N", "[", "N", "]", "N"])
    test = ([1000, 2500, 3500, 5000, 6000, 6500, 7000], ["N", "V", "N", "N", "[", "N", "]"])
    with pytest.warns(UndefinedMetricWarning):  # no reference V or S beat
        r = ec57(*ref, *test, fs=360, learning_period_s=0)
    assert (r.beats.tp, r.beats.fn, r.beats.fp) == (2, 0, 0)
    assert r.beats.pairs.tolist() == [[0, 0], [4, 3]]
    assert r.veb_ppv.denominator == 0  # the V at 2500 was in reference VF
    port = BxbPort(list(zip(ref[0], "N[N]N")), list(zip(test[0], "NVNN[N]")), 54, 0,
                   7000).run()
    assert port.pairs == [(0, 0), (4, 3)] and port.extra == [] and port.missed == []


def test_different_resolutions():
    # Reference at 360 Hz, test at 720 Hz: common base 720 Hz, window 108 samples.
    # 1000 -> 2000 vs 2000; 2000 -> 4000 vs 4108 (108 <= 108).
    m = beat_match([1000, 2000], [2000, 4108], reference_fs=360, test_fs=720,
                   learning_period_s=0)
    assert (m.tp, m.fs, m.window_samples) == (2, 720.0, 108)
    m = beat_match([1000, 2000], [2000, 4109], reference_fs=360, test_fs=720,
                   learning_period_s=0)
    assert m.tp == 1


def test_different_resolutions_real_files(shared_data):
    from medeval.loaders.signal import read_annotations

    hi = read_annotations(shared_data / "ecg/mimicdb/03700181.gqrsh")  # 500 Hz
    lo = read_annotations(shared_data / "ecg/mimicdb/03700181.gqrsl")  # 125 Hz
    assert (hi.fs, lo.fs) == (500.0, 125.0)
    mixed = beat_match(hi.samples, lo.samples, reference_fs=hi.fs, test_fs=lo.fs)
    # The same comparison with the 125 Hz times written at 500 Hz by hand (x 4).
    by_hand = beat_match(hi.samples, lo.samples * 4, fs=500)
    assert (mixed.tp, mixed.fn, mixed.fp) == (by_hand.tp, by_hand.fn, by_hand.fp)
    assert mixed.tp > 0


# --------------------------------------------------------------------------- port


@st.composite
def streams(draw, codes="NSVFQ"):
    def annotations(n_max):
        gaps = draw(st.lists(st.integers(0, 25), max_size=n_max))
        times = (np.cumsum(gaps) + draw(st.integers(0, 40))).tolist()
        kinds = draw(st.lists(st.sampled_from(codes), min_size=len(times),
                              max_size=len(times)))
        return list(zip(times, kinds))

    return annotations(12), annotations(12), draw(st.integers(0, 15)), draw(st.integers(0, 40))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams(), st.booleans(), st.integers(0, 100), st.sampled_from([1, 2, 3, 1 << 16]))
def test_vectorised_equals_sequential_port(case, explicit_end, extra_end, chunk):
    # chunk: reference beats per block of the vectorised code (1 << 16 in use); small
    # blocks check that nothing is lost at block edges.
    check_against_port(case, explicit_end, extra_end, chunk)


# Beats, a rhythm label, VF on and off: "[" and "]" drawn often enough to nest and to
# leave episodes open at the end of a file.
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams(codes="NNSVFQ+[]"), st.booleans(), st.integers(0, 100),
       st.sampled_from([1, 1 << 16]))
def test_vectorised_equals_port_with_vf_and_non_beats(case, explicit_end, extra_end, chunk):
    check_against_port(case, explicit_end, extra_end, chunk)


# Times far apart (gaps about 2^30 and 2^31 samples) and windows near 2^29-2^30: a block
# of the vectorised code computes in 32 bits relative to its first reference beat, with
# far times clipped, or in 64 bits where its span or the window is too large for that.
@st.composite
def far_streams(draw):
    # windows about a third of 2^30 (the largest a 32-bit block takes), gaps of one and
    # two windows, and gaps of 2^30 and more
    third = (2**30 - 1) // 3
    w = draw(st.one_of(st.integers(0, 15), st.sampled_from(
        [2**28, third - 40, third - 20, third, 2**29, 2**30 + 1])))
    gap = st.one_of(st.integers(0, 25), st.sampled_from([max(0, g) for g in (
        w - 1, w, w + 1, 2 * w - 1, 2 * w, 2 * w + 1, 2**30 - 3, 2**30 + 7, 2**31)]))

    def annotations(n_max):
        gaps = draw(st.lists(gap, max_size=n_max))
        times = (np.cumsum(gaps, dtype=np.int64) + draw(st.integers(0, 40))).tolist()
        return [(t, draw(st.sampled_from("NSV"))) for t in times]

    return annotations(12), annotations(12), w, draw(st.integers(0, 40))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(far_streams(), st.booleans(), st.integers(0, 100), st.sampled_from([1, 2, 5, 1 << 16]))
# A case that a 32-bit block taking windows up to (2^30 - span) / 2 instead of / 3 gets
# wrong (found by comparing both on random streams).
@example(case=([(t, "N") for t in (0, 11, 18, 23, 26, 30, 33, 41, 44, 44, 107, 107, 111, 715827915,
                                   715827916, 1073741940, 2147483763)],
               [(77, "N"), (1073741748, "N")], 357913899, 0),
         explicit_end=False, extra_end=0, chunk=5)
def test_vectorised_equals_port_far_apart(case, explicit_end, extra_end, chunk):
    check_against_port(case, explicit_end, extra_end, chunk)


def check_against_port(case, explicit_end, extra_end, chunk):
    ref, test, w, start = case
    times = [t for t, _ in ref + test]
    end = max(times, default=0)
    if explicit_end:
        end = start + extra_end
    assume(end > 0)  # bxb's `-t 0` (end_time 0) is another mode, not offered
    port = BxbPort(ref, test, w, start, end).run()
    with warnings.catch_warnings(), patch.object(_beat_matching, "_CHUNK", chunk):
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        res = ec57(
            [t for t, _ in ref], [CLASS_SYMBOL.get(c, c) for _, c in ref],
            [t for t, _ in test], [CLASS_SYMBOL.get(c, c) for _, c in test],
            fs=1, window_s=w, learning_period_s=start,
            duration_s=end if explicit_end else None,
        )
    assert res.beats.window_samples == w and res.beats.start_sample == start
    assert res.matrix.tolist() == port_matrix(port).tolist()
    assert sorted(map(tuple, res.beats.pairs.tolist())) == sorted(port.pairs)
    assert sorted(res.beats.missed.tolist()) == sorted(port.missed)
    assert sorted(res.beats.extra.tolist()) == sorted(port.extra)


def test_port_reproduces_pardey_example():
    # The port itself reproduces bxb's documented example (two pairs).
    port = BxbPort([(96, "N"), (160, "N")], [(128, "N"), (185, "N")], 37, 0, 185).run()
    assert port.pairs == [(0, 0), (1, 1)]


# --------------------------------------------------------------------------- MIT-BIH 100


def _record_100(shared_data: Path):
    import wfdb

    base = str(shared_data / "ecg/mitdb/100")
    atr, qrs = wfdb.rdann(base, "atr"), wfdb.rdann(base, "qrs")
    return atr, qrs


@pytest.mark.parametrize("width", [54, 13, 12, 5])
def test_record_100_qrs_against_wfdb(shared_data, width):
    from wfdb import processing

    atr, qrs = _record_100(shared_data)
    beat = np.isin(atr.symbol, sorted(BEAT_SYMBOLS))
    ref = atr.sample[beat]  # the '+' rhythm label at sample 18 is not a beat
    assert beat.sum() == 2273 and not beat[0]
    peer = processing.compare_annotations(ref, qrs.sample, width)
    # wfdb: |d| < width samples, no learning period. medeval: |d| <= w inclusive, with
    # w = int(window_s * fs + 0.5), so window_s = (width - 1) / fs gives w = width - 1.
    ours = beat_match(ref, qrs.sample, fs=atr.fs, window_s=(width - 1) / atr.fs,
                      learning_period_s=0)
    assert ours.window_samples == width - 1
    assert (ours.tp, ours.fp, ours.fn) == (peer.tp, peer.fp, peer.fn)


def test_record_100_qrs_offsets(shared_data):
    # .qrs sits 12-13 samples before .atr: a 12-sample window finds the 940 at -12 only.
    atr, qrs = _record_100(shared_data)
    ref = atr.sample[np.isin(atr.symbol, sorted(BEAT_SYMBOLS))]
    m = beat_match(ref, qrs.sample, fs=360, window_s=12 / 360, learning_period_s=0)
    assert (m.tp, m.fn, m.fp) == (940, 1333, 1333)


@pytest.fixture(scope="module")
def xqrs_100(shared_data):
    import wfdb
    from wfdb import processing

    signal, fields = wfdb.rdsamp(str(shared_data / "ecg/mitdb/100"), channels=[0])
    return processing.xqrs_detect(signal[:, 0], fs=fields["fs"], verbose=False)


@pytest.mark.parametrize("width", [54, 8, 4, 2])
def test_record_100_xqrs_against_wfdb(shared_data, xqrs_100, width):
    from wfdb import processing

    atr, _ = _record_100(shared_data)
    ref = atr.sample[np.isin(atr.symbol, sorted(BEAT_SYMBOLS))]
    peer = processing.compare_annotations(ref, xqrs_100, width)
    ours = beat_match(ref, xqrs_100, fs=360, window_s=(width - 1) / 360, learning_period_s=0)
    assert (ours.tp, ours.fp, ours.fn) == (peer.tp, peer.fp, peer.fn)


def test_documented_difference_from_wfdb(shared_data):
    from wfdb import processing

    # Beats exactly one window (54 samples) off: bxb's window is inclusive, wfdb's strict.
    ref, test = np.array([1000, 2000, 3000]), np.array([1054, 2000, 2946])
    assert processing.compare_annotations(ref, test, 54).tp == 1
    assert beat_match(ref, test, fs=360, learning_period_s=0).tp == 3
    # Learning period: wfdb scores all of record 100; EC57 only the beats from 300 s on.
    atr, qrs = _record_100(shared_data)
    beat = np.isin(atr.symbol, sorted(BEAT_SYMBOLS))
    ref = atr.sample[beat]
    assert processing.compare_annotations(ref, qrs.sample, 54).tp == 2273
    m = beat_match(ref, qrs.sample, fs=360)
    assert m.standard
    assert (m.tp, m.fn, m.fp) == (int((ref >= 108000).sum()), 0, 0)


def test_record_100_atr_against_itself(shared_data):
    from medeval.loaders.signal import read_annotations

    atr = read_annotations(shared_data / "ecg/mitdb/100.atr")
    symbols = np.array(atr.symbols)
    # README: 2273 beats = N 2239, A 33, V 1, plus the '+' at sample 18.
    whole = ec57(atr.samples, symbols, atr.samples, symbols, fs=atr.fs, learning_period_s=0,
                 duration_s=650000 / 360)
    assert np.diag(whole.matrix).tolist() == [2239, 33, 1, 0, 0, 0]
    assert whole.matrix.sum() == 2273
    # Standard run: the README's counts minus those in the first 300 s (108000 samples).
    late = atr.samples >= 108000
    expected = [int((late & (symbols == s)).sum()) for s in "NAV"]
    assert [2239 - expected[0], 33 - expected[1], 1 - expected[2]] == [367, 4, 0]
    r = ec57(atr.samples, symbols, atr.samples, symbols, fs=atr.fs, duration_s=650000 / 360,
             record_id="100")
    assert r.standard and r.record_id == "100"
    assert np.diag(r.matrix)[:3].tolist() == expected
    assert r.matrix.sum() == sum(expected)
    assert r.qrs_sensitivity.value == r.qrs_ppv.value == 1.0
    assert (r.veb_sensitivity.numerator, r.veb_sensitivity.denominator) == (1, 1)
    assert (r.sveb_sensitivity.numerator, r.sveb_sensitivity.denominator) == (29, 29)
    assert (r.sveb_ppv.numerator, r.sveb_ppv.denominator) == (29, 29)
    assert (r.veb_fpr.numerator, r.veb_fpr.denominator) == (0, 1872 + 29)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(reference_samples=[5, 3]), "sorted"),
        (dict(test_samples=[-1, 3]), "negative"),
        (dict(reference_samples=[1.5, 3]), "whole sample"),
        (dict(reference_samples=[[1, 2]]), "one-dimensional"),
        (dict(reference_samples=["a"]), "sample numbers"),
        (dict(fs=0), "positive"),
        (dict(fs=-360), "positive"),
        (dict(fs=math.nan), "positive"),
        (dict(fs="fast"), "number of Hz"),
        (dict(fs=True), "number of Hz"),  # was 1 Hz: float(True)
        (dict(window_s=True), "window_s must be seconds"),  # was 1 s
        (dict(fs=None), "give fs"),
        (dict(window_s=-0.1), "window_s"),
        (dict(learning_period_s=math.inf), "learning_period_s"),
        (dict(duration_s=10.0), "improper interval"),
    ],
)
def test_beat_match_errors(kwargs, match):
    args = dict(reference_samples=[1, 2], test_samples=[1, 2], fs=360)
    args.update(kwargs)
    with pytest.raises(InvalidInputError, match=match):
        beat_match(args.pop("reference_samples"), args.pop("test_samples"), **args)


@pytest.mark.parametrize(
    ("ref_symbols", "test_symbols", "match"),
    [
        (["N"], ["N", "N"], "1 symbols for 2 samples"),
        (["N", "N"], ["N", "X"], "not WFDB annotation codes"),
        (["N", "pvc"], ["N", "N"], "not WFDB annotation codes"),
    ],
)
def test_ec57_symbol_errors(ref_symbols, test_symbols, match):
    with pytest.raises(InvalidInputError, match=match):
        ec57([1, 2], ref_symbols, [1, 2], test_symbols, fs=360)


# bxb's amap with -S (WFDB app/bxb.c), written out by hand: symbol -> AAMI row.
_BXB_CLASS = {**dict.fromkeys("NLRB", "N"), **dict.fromkeys("AaJSjen", "S"),
              **dict.fromkeys("VrE", "V"), "F": "F", **dict.fromkeys("Q/f?", "Q")}


@pytest.mark.parametrize("dtype", ["<U1", object])  # a table of code points; np.unique
def test_each_symbol_class_by_either_route(dtype):
    # One reference annotation per WFDB code, 1000 samples apart, each met by a test N
    # beat: a beat code lands in its class's row, column n; a non-beat adds no row but
    # leaves its test N beat extra (row O).
    codes = sorted(_BXB_CLASS) + list('~|sT*D"=p^t+u!@x()')
    times = [1000 * (k + 1) for k in range(len(codes))]
    with pytest.warns(UndefinedMetricWarning):  # no test V or S beat: their +P is 0/0
        r = ec57(times, np.array(codes, dtype=dtype), times,
                 np.array(["N"] * len(codes), dtype), fs=360, learning_period_s=0)
    for row in "NSVFQ":
        assert r.cell(row, "n") == sum(c == row for c in _BXB_CLASS.values()), row
    assert r.cell("O", "n") == len(codes) - len(_BXB_CLASS)
    with pytest.raises(InvalidInputError, match=r"not WFDB annotation codes: \['', 'é'\]"):
        ec57([1, 2, 3], np.array(["N", "é", ""], dtype=dtype), [1], ["N"], fs=360)


def test_summary_errors():
    with pytest.raises(InvalidInputError, match="non-empty"):
        ec57_summary([])
    with pytest.raises(InvalidInputError, match="EC57Result"):
        ec57_summary([object()])  # type: ignore[list-item]
    # one record's result without its list (found in the api pass: a bare TypeError,
    # "'EC57Result' object is not iterable")
    with pytest.warns(UndefinedMetricWarning):
        one = ec57([1000], ["N"], [1000], ["N"], fs=360, learning_period_s=0)
    with pytest.raises(InvalidInputError, match=r"results is one EC57Result.*\[result\]"):
        ec57_summary(one)  # type: ignore[arg-type]


def test_undefined_statistics_warn():
    with pytest.warns(UndefinedMetricWarning) as record:
        m = beat_match([], [], fs=360)
    assert {str(w.message).split(":")[1] for w in record} == {" sensitivity is undefined",
                                                              " ppv is undefined"}
    assert math.isnan(m.sensitivity) and math.isnan(m.ppv)
    with pytest.warns(UndefinedMetricWarning) as record:
        r = ec57([1000], ["N"], [1000], ["N"], fs=360, learning_period_s=0)
    messages = " ".join(str(w.message) for w in record)
    for name in ("veb sensitivity", "veb ppv", "sveb sensitivity", "sveb ppv"):
        assert name in messages
    assert math.isnan(r.veb_sensitivity.value) and r.veb_sensitivity.denominator == 0
    assert r.veb_fpr.value == 0.0 and r.qrs_ppv.value == 1.0
    with pytest.warns(UndefinedMetricWarning) as record:
        ec57_summary([r])
    assert any("average veb sensitivity" in str(w.message) for w in record)
    with pytest.raises(InvalidInputError, match="classes"):
        r.cell("Z", "n")


def test_nothing_after_the_learning_period():
    with pytest.warns(UndefinedMetricWarning):
        m = beat_match([100, 200], [100, 200], fs=360)
    assert (m.tp, m.fn, m.fp) == (0, 0, 0)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.characters(max_codepoint=400), st.sampled_from(
    sorted(AAMI_CLASS) + ["NN", "", "(AFIB", "[", "]"])), max_size=40))
def test_is_beat_says_what_isin_says(symbols):
    # numpy's isin against the beat symbols is the reference: one-character arrays go
    # through the code-point table, longer ones through the distinct symbols.
    from medeval.metrics._ecg_input import is_beat

    array = np.array(symbols, dtype=str).reshape(len(symbols))
    expected = np.isin(array, list(AAMI_CLASS))
    assert is_beat(array).tolist() == expected.tolist()
    single = np.array([s[:1] for s in symbols], dtype="U1").reshape(len(symbols))
    assert is_beat(single).tolist() == np.isin(single, list(AAMI_CLASS)).tolist()

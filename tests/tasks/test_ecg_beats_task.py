"""The ECG beats task end to end: MIT-BIH record 100 against ec57() called directly, and
records written with wfdb against EC57/sumstats pooling worked by hand."""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

import medeval
from medeval.metrics import ec57

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"


@pytest.fixture
def study(shared_data, tmp_path):
    import wfdb

    for ext in ("hea", "dat", "atr"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path / f"100.{ext}")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "100,p100,100.hea,100.dat,100.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    detections = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs")
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": detections.sample.tolist(), "symbols": detections.symbol}))
    return tmp_path, detections


def test_matches_ec57_on_record_100(study, shared_data):
    import wfdb

    folder, detections = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    beats = [(s, c) for s, c in zip(atr.sample, atr.symbol) if c != "+"]
    with warnings.catch_warnings():  # .qrs labels every beat N: VEB +P is undefined
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        direct = ec57([s for s, _ in beats], [c for _, c in beats], detections.sample,
                      detections.symbol, fs=360)
    for name in ("qrs_sensitivity", "qrs_ppv"):
        estimate = result.metric(name).estimate
        ratio = getattr(direct, name)
        assert (estimate.numerator, estimate.n) == (ratio.numerator, ratio.denominator)
        assert estimate.value == pytest.approx(ratio.value)
    data = json.loads(result.to_json())
    assert any("veb_ppv" in w or "0 of 0" in w or "n = 0" in w or "veb" in w.lower()
               for w in data["warnings"]), data["warnings"]
    assert data["tables"]["ec57"]["standard"] is True
    assert data["tables"]["ec57"]["n_records"] == 1



def test_each_undefined_statistic_is_named_in_its_warning(study, shared_data):
    """An undefined figure's warning says which figure it is (without the name, VEB +P and
    SVEB +P gave the same text twice)."""
    import wfdb

    folder, _ = study
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    scored = np.array(atr.symbol)[atr.sample >= 300 * 360]  # after the learning period
    # 100.qrs labels every beat N: no test beat is a VEB or an SVEB, so both +P are 0/0;
    # a sensitivity is 0/0 only if the record has no such reference beat to detect.
    expected = {"veb_ppv", "sveb_ppv"}
    if not np.isin(scored, ["V", "E"]).any():
        expected.add("veb_sensitivity")
    if not np.isin(scored, ["A", "a", "J", "S"]).any():
        expected.add("sveb_sensitivity")
    scope = "all cases: "
    assert all(w.startswith(scope) for w in result.warnings), result.warnings
    # a note several figures share names them once: "veb_ppv, sveb_ppv (2 figures)"
    named = [name for w in result.warnings
             for name in w.removeprefix(scope).split(": ", 1)[0].split(" (")[0].split(", ")]
    assert sorted(named) == sorted(expected), result.warnings
    for name in expected:
        assert np.isnan(result.metric(name).estimate.value)

def test_a_failed_record_misses_every_beat(study):
    folder, _ = study
    (folder / "pred" / "100.json").unlink()
    pass_through = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert pass_through.metric("qrs_sensitivity").estimate.numerator == 0
    assert json.loads(pass_through.to_json())["failures"]["cases"][0]["reason"] == \
        "missing-output"


def annotator_protocol(folder: Path) -> Path:
    path = folder / "protocol.toml"
    path.write_text(path.read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nprediction_annotator = "qrs"'))
    return path


def test_a_wfdb_annotation_file_as_the_prediction(study, shared_data):
    # The detector's own 100.qrs (MIT format, no time resolution stated, no header beside
    # it: the record's 360 Hz) scores as the same beats given as JSON, and as ec57 on
    # wfdb.rdann's reading of it.
    import wfdb

    folder, detections = study
    as_json = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    (folder / "pred" / "100.json").unlink()
    shutil.copy(shared_data / "ecg" / "mitdb" / "100.qrs", folder / "pred" / "100.qrs")
    as_file = medeval.evaluate(annotator_protocol(folder), folder / "pred")
    qrs = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs")
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        direct = ec57(atr.sample, atr.symbol, qrs.sample, qrs.symbol, fs=360)
    for name in ("qrs_sensitivity", "qrs_ppv"):
        estimate = as_file.metric(name).estimate
        assert estimate == as_json.metric(name).estimate
        ratio = getattr(direct, name)
        assert (estimate.numerator, estimate.n) == (ratio.numerator, ratio.denominator)
    assert json.loads(as_file.to_json())["failures"]["cases"] == []


def _counted_as_bxb(shared_data: Path, test_samples, *,
                    end: str | None = "header") -> tuple[int, int, int]:
    """TP, FP, FN of record 100 as bxb counts them, from wfdb alone: reference beats
    (``+`` left out) and test beats from the 5-minute start to the record's end (the
    header's length: bxb stops there; ``end=None``: no end), paired by
    ``compare_annotations``. Its strict
    window of 55 samples is bxb's inclusive 54 at 360 Hz; the beats here are further
    apart than two windows, where the two pairings agree."""
    import wfdb
    from wfdb import processing

    record = str(shared_data / "ecg" / "mitdb" / "100")
    header = wfdb.rdheader(record)
    atr = wfdb.rdann(record, "atr")
    start = round(300 * header.fs)  # 108000
    last = header.sig_len if end == "header" else np.inf  # 650000; None: no end known
    ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c != "+"])
    test = np.asarray(test_samples)
    found = processing.compare_annotations(
        ref[ref >= start], test[(test >= start) & (test <= last)], 55)
    return found.tp, found.fp, found.fn


def test_beats_after_the_records_end_are_not_false_positives(study, shared_data):
    # A detector's .qrs (written by wfdb.wrann) with three beats past the end of record
    # 100 (650000 samples by its header): bxb ends the comparison at the record's length,
    # so they count nowhere. Before, the comparison ran to the last beat of either side
    # and qrs_ppv was 1902/1905.
    import wfdb

    folder, detections = study
    (folder / "pred" / "100.json").unlink()
    samples = np.concatenate([detections.sample, [655000, 700000, 800000]])
    wfdb.wrann("100", "qrs", samples, symbol=["N"] * samples.size, fs=360,
               write_dir=str(folder / "pred"))
    result = medeval.evaluate(annotator_protocol(folder), folder / "pred")
    tp, fp, fn = _counted_as_bxb(shared_data, samples)
    assert (tp, fp, fn) == (1902, 0, 0)
    ppv = result.metric("qrs_ppv").estimate
    se = result.metric("qrs_sensitivity").estimate
    assert (ppv.numerator, ppv.n) == (tp, tp + fp)
    assert (se.numerator, se.n) == (tp, tp + fn)


def test_a_header_stating_zero_frames_states_no_length(study, shared_data):
    # WFDB's header format: a number of samples of zero, like none, is unspecified (wfdb
    # reads sig_len 0; bxb then compares to the last annotation). Before, the record was
    # taken as 0 s long and the set refused ("the record lasts 0 s"). The header written
    # with CRLF line ends (a Windows copy); the detector adds three beats past sample
    # 650000, which count as false positives here: no end is known.
    import wfdb

    folder, detections = study
    lines = (folder / "100.hea").read_text().splitlines()
    record_line = next(k for k, line in enumerate(lines) if not line.startswith("#"))
    lines[record_line] = "100 2 360 0"
    (folder / "100.hea").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    assert wfdb.rdheader(str(folder / "100")).sig_len == 0
    samples = np.concatenate([detections.sample, [655000, 700000, 800000]])
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": samples.tolist()}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    tp, fp, fn = _counted_as_bxb(shared_data, samples, end=None)
    assert (tp, fp, fn) == (1902, 3, 0)
    ppv = result.metric("qrs_ppv").estimate
    se = result.metric("qrs_sensitivity").estimate
    assert (ppv.numerator, ppv.n, se.numerator, se.n) == (tp, tp + fp, tp, tp + fn)


@pytest.mark.parametrize("reference", ["100.atr", "ann/beats.atr"])
def test_a_multi_segment_records_length_is_its_own_header_s(study, shared_data, reference):
    # Record 100 as a two-segment record (100/2, 650000 frames; 100_1 and 100_2 of
    # 325000 each, written by hand, CRLF) with the segments' headers listed before the
    # record's: the first .hea input, 100_1.hea, gave the length (902.8 s) and every beat
    # of the second segment went uncounted, silently (774/774 instead of 1902/1902). The
    # reference named as its record, or otherwise (the record's header is found as the
    # multi-segment one). Expected: wfdb's reading of the record's header, beats up to
    # its sig_len paired by compare_annotations; the detector adds 3 beats past the end.
    import wfdb

    folder, detections = study
    signals = [line for line in (folder / "100.hea").read_text().splitlines()
               if line.startswith("100.dat")]
    data = (folder / "100.dat").read_bytes()  # format 212: 3 bytes a frame of 2 signals
    for k in (1, 2):
        (folder / f"100_{k}.hea").write_text("\r\n".join(
            [f"100_{k} 2 360 325000"] + [line.replace("100.dat", f"100_{k}.dat")
                                           for line in signals]) + "\r\n")
        (folder / f"100_{k}.dat").write_bytes(data[(k - 1) * 975000:k * 975000])
    (folder / "100.hea").write_text("100/2 2 360 650000\r\n100_1 325000\r\n100_2 325000\r\n")
    assert wfdb.rdheader(str(folder / "100")).sig_len == 650000
    if reference != "100.atr":
        (folder / "ann").mkdir()
        (folder / "100.atr").rename(folder / reference)
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input_s1,input_s2,input_header,input_d1,input_d2,reference\n"
        f"100,p100,100_1.hea,100_2.hea,100.hea,100_1.dat,100_2.dat,{reference}\n")
    samples = np.concatenate([detections.sample, [655000, 700000, 800000]])
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": samples.tolist()}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    tp, fp, fn = _counted_as_bxb(shared_data, samples)
    assert (tp, fp, fn) == (1902, 0, 0)
    se = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (se.numerator, se.n, ppv.numerator, ppv.n) == (tp, tp + fn, tp, tp + fp)


def test_the_reference_rate_comes_from_the_manifests_header(study, shared_data):
    # The PhysioNet 100.atr states no time resolution; with the record under records/ and
    # the annotations under references/ (as the example lays them out) no header is
    # beside it, and the manifest's input_header gives the rate. Before, the set was
    # refused ("states no sampling frequency and no header 100.hea is beside it").
    folder, detections = study
    (folder / "records").mkdir()
    (folder / "references").mkdir()
    for ext in ("hea", "dat"):
        (folder / f"100.{ext}").rename(folder / "records" / f"100.{ext}")
    (folder / "100.atr").rename(folder / "references" / "100.atr")
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "100,p100,records/100.hea,records/100.dat,references/100.atr\n")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    tp, fp, fn = _counted_as_bxb(shared_data, detections.sample)
    se = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (se.numerator, se.n, ppv.numerator, ppv.n) == (tp, tp + fn, tp, tp + fp)
    assert tp + fn == 1902  # the README's 2273 beats, less the 371 before 5 minutes


def test_an_annotation_file_without_resolution_counts_at_the_records_frame_rate(
        shared_data, tmp_path):
    # MIMIC record 03700181: frame rate 125 Hz (its ECG 4 samples a frame). The reference
    # gqrsh states 500 Hz; the detector's gqrsl states no resolution, and wfdb.rdann reads
    # it at the header's 125 Hz. medeval read it at the reference's 500 Hz: times four
    # times too early, 290 of 1150 beats matched. Expected: wfdb's reading paired by
    # compare_annotations at 500 Hz, whose strict width 76 is bxb's inclusive 75 samples
    # (0.15 s), no learning period, all beats within the record's 600 s.
    import wfdb
    from wfdb import processing

    source = shared_data / "ecg" / "mimicdb" / "03700181"
    for ext in ("hea", "dat", "gqrsh"):
        shutil.copy(f"{source}.{ext}", tmp_path / f"03700181.{ext}")
    (tmp_path / "pred").mkdir()
    shutil.copy(f"{source}.gqrsl", tmp_path / "pred" / "m1.gqrsl")
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "m1,p1,03700181.hea,03700181.dat,03700181.gqrsh\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"',
        'type = "ecg-beats"\nprediction_annotator = "gqrsl"\nlearning_period_s = 0'))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    reference = wfdb.rdann(str(source), "gqrsh")
    detected = wfdb.rdann(str(source), "gqrsl")
    assert (reference.fs, detected.fs) == (500, 125)
    found = processing.compare_annotations(
        np.asarray(reference.sample), np.asarray(detected.sample) * 4, 76)
    assert (found.tp, found.fp, found.fn) == (1075, 42, 75)
    se = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (se.numerator, se.n, ppv.numerator, ppv.n) == (
        found.tp, found.tp + found.fn, found.tp, found.tp + found.fp)


def test_a_cut_annotation_prediction_is_a_failed_case(study, shared_data):
    folder, _ = study
    (folder / "pred" / "100.json").unlink()
    whole = (shared_data / "ecg" / "mitdb" / "100.qrs").read_bytes()
    (folder / "pred" / "100.qrs").write_bytes(whole[:-2])  # its closing zero word cut off
    result = medeval.evaluate(annotator_protocol(folder), folder / "pred")
    failure = json.loads(result.to_json())["failures"]["cases"][0]
    assert failure["reason"] == "invalid-output" and "truncated" in failure["detail"]
    assert result.metric("qrs_sensitivity").estimate.numerator == 0  # no beat detected


def test_a_plugin_returns_its_beats_as_an_annotation_file(study, tmp_path):
    # Through the runner: the plugin writes prediction.qrs (MIT format by hand: a word
    # per beat, code 1 = N in the top 6 bits, the interval in the low 10; a zero word
    # ends it) with beats every 300 samples; the runner stores it as 100.qrs.
    folder, _ = study
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "detector.py").write_text(
        "from pathlib import Path\n"
        "import numpy as np\n"
        "class Detector:\n"
        "    def predict(self, case):\n"
        "        steps = np.full(2166, 300)\n"  # beats 300, 600, ..., 649800 < 650000
        "        words = np.append((1 << 10) | steps, 0).astype('<u2')\n"
        "        (Path(case.output_dir) / 'prediction.qrs').write_bytes(words.tobytes())\n"
        "        return None\n")
    path = annotator_protocol(folder)
    path.write_text(path.read_text().replace(
        'version = "1"', f'version = "1"\nplugin = "{plugin / "detector.py"}:Detector"', 1))
    ran = medeval.evaluate(path, run_dir=tmp_path / "run")
    assert (tmp_path / "run" / "predictions" / "100.qrs").is_file()
    beats = np.arange(1, 2167) * 300
    (folder / "pred" / "100.json").write_text(json.dumps({"fs": 360, "samples": beats.tolist()}))
    as_json_protocol = folder / "json-protocol.toml"
    as_json_protocol.write_text(path.read_text().replace('prediction_annotator = "qrs"\n', ""))
    supplied = medeval.evaluate(as_json_protocol, folder / "pred")
    for name in ("qrs_sensitivity", "qrs_ppv"):
        assert ran.metric(name).estimate == supplied.metric(name).estimate


def test_a_fraction_of_a_sample_is_refused_not_truncated(study):
    # 100.7 is no sample number: cast to int64 it would silently become beat 100.
    folder, detections = study
    samples = detections.sample.astype(float)
    samples[5] += 0.7
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": samples.tolist(), "symbols": detections.symbol}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failure = json.loads(result.to_json())["failures"]["cases"][0]
    assert failure["reason"] == "invalid-output" and "whole sample numbers" in failure["detail"]


@pytest.mark.parametrize("fs", ["360", True, None])
def test_the_rate_is_a_number(study, fs):
    # "360" was read as 360 Hz (float() takes text) and true as 1 Hz; the prediction's
    # rate is a JSON number or the case fails.
    folder, detections = study
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": fs, "samples": detections.sample.tolist(), "symbols": detections.symbol}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failure = json.loads(result.to_json())["failures"]["cases"][0]
    assert failure["reason"] == "invalid-output"
    assert f"fs is {json.dumps(fs)}, not a number" in failure["detail"]


def test_a_rate_past_any_float_fails_the_case(study):
    # JSON integers have no bound: a 400-digit rate is a Python int float() cannot hold
    # (OverflowError), which stopped the whole evaluation instead of failing the case.
    folder, detections = study
    huge = 10**400
    with pytest.raises(OverflowError):
        float(huge)
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": huge, "samples": detections.sample.tolist()}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failure = json.loads(result.to_json())["failures"]["cases"][0]
    assert failure["reason"] == "invalid-output"
    assert "(401 digits) is too large for any number a float can hold" in failure["detail"]


def _prediction_failure(folder: Path, prediction: dict) -> str:
    (folder / "pred" / "100.json").write_text(json.dumps(prediction, ensure_ascii=False))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    failure = json.loads(result.to_json())["failures"]["cases"][0]
    assert failure["reason"] == "invalid-output"
    return str(failure["detail"])


def test_each_malformed_prediction_says_what_is_wrong(study):
    # Before, a nested list of samples and one symbol too few both read "symbols and
    # samples differ in length, or fs is not > 0"; times in seconds only "must be whole
    # sample numbers". Record 100's .qrs beats: 2273 of them, the first at sample 64.
    folder, detections = study
    samples = detections.sample.tolist()
    assert (len(samples), samples[0]) == (2273, 64)
    detail = _prediction_failure(folder, {"fs": 360, "samples": [[t] for t in samples]})
    assert detail.endswith("samples entry 0 is [64], not a sample number")
    detail = _prediction_failure(folder, {"fs": 360, "samples": samples, "symbols": ["N"]})
    assert detail.endswith("1 symbols for 2273 samples")
    # an empty list was taken as "no symbols given": every beat N
    detail = _prediction_failure(folder, {"fs": 360, "samples": samples, "symbols": []})
    assert detail.endswith("0 symbols for 2273 samples")
    detail = _prediction_failure(folder, {"fs": 360, "samples": {"0": 76}})
    assert detail.endswith("samples is dict, not a list of sample numbers")
    detail = _prediction_failure(folder, {"fs": 0, "samples": samples})
    assert detail.endswith("fs is 0.0, not > 0")
    # seconds where samples belong: 64 / 360 = 0.17777... s
    detail = _prediction_failure(folder, {"fs": 360, "samples": [t / 360 for t in samples]})
    assert "the first at position 0: 0.17777777777777778 (times in seconds?" in detail
    # true among numbers was read as sample 1 by numpy (a beat in the learning period:
    # the case scored); a number past 64 bits named entry 0 (64); 1e20 wrapped round in
    # int64 and read "must be sorted"
    detail = _prediction_failure(folder, {"fs": 360, "samples": [True, *samples]})
    assert detail.endswith("samples entry 0 is true, not a sample number")
    detail = _prediction_failure(folder, {"fs": 360, "samples": [*samples, 10**20]})
    assert detail.endswith("samples entry 2273 is 100000000000000000000, not a sample number")
    detail = _prediction_failure(folder, {"fs": 360, "samples": [*samples, 1e20]})
    assert "must be sample numbers under 2**63 in size; 1 are not, the first at position " \
        "2273: 1e+20" in detail


@pytest.mark.parametrize("prediction, got", [
    ([{"fs": 360, "samples": [64]}], "got a list of 1 value(s)"),
    ([], "got a list of 0 value(s)"),
    (360, "got 360"),
])
def test_a_prediction_that_is_no_object_is_named(study, prediction, got):
    # The runner stores a plugin's list as it is (36064d3, for coco-detection); a list here
    # failed with Python's words, "list indices must be integers or slices, not str".
    # Found in the review-docs pass.
    folder, _ = study
    detail = _prediction_failure(folder, prediction)
    assert detail == ('case 100: the prediction must be {"fs": Hz, "samples": [...], '
                      f'"symbols": [...]}}, an object; {got}')


def _records_study(folder: Path, miss_rates, *, resampling_unit: str = "case",
                   interval: str | None = None):
    """Records of normal beats (one every 288 samples, 10 minutes at 360 Hz), written by
    wfdb; the detector finds every beat exactly but misses every k-th one after the
    5-minute learning period, k from ``miss_rates`` per record (0: misses none). Returns
    each record's (detected, reference) beats after the learning period, by hand."""
    import wfdb

    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    (folder / "pred").mkdir()
    counts = []
    for i, every in enumerate(miss_rates):
        record = f"r{i:02d}"
        beats = np.arange(100, 10 * 60 * 360, 288)
        scored = beats >= 300 * 360
        missed = np.zeros(beats.size, bool)
        if every:
            missed[np.flatnonzero(scored)[::every]] = True
        wfdb.wrsamp(record, fs=360, units=["mV"], sig_name=["MLII"],
                    p_signal=np.zeros((10 * 60 * 360, 1)), fmt=["212"], write_dir=str(folder))
        wfdb.wrann(record, "atr", beats, ["N"] * beats.size, write_dir=str(folder))
        (folder / "pred" / f"{record}.json").write_text(json.dumps(
            {"fs": 360, "samples": beats[~missed].tolist()}))
        rows.append(f"{record},p{i // 2},{record}.hea,{record}.dat,{record}.atr")
        counts.append((int((scored & ~missed).sum()), int(scored.sum())))
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    text = (EXAMPLE / "protocol.toml").read_text().replace('interval = "beats"\n', "")
    text = text.replace("[statistics]\n",
                        f'[statistics]\nresampling_unit = "{resampling_unit}"\n')
    if interval:
        text = text.replace('type = "ecg-beats"\n',
                            f'type = "ecg-beats"\ninterval = "{interval}"\n')
    (folder / "protocol.toml").write_text(text)
    return np.array(counts, dtype=float)


def test_gross_interval_resamples_records_as_scipy_does(tmp_path):
    """By default the gross sensitivity's interval resamples whole records: the same
    interval as scipy.stats.bootstrap of the pooled ratio over the records (unclustered
    resamples are drawn as scipy draws them), not a binomial interval over beats."""
    from scipy.stats import bootstrap

    counts = _records_study(tmp_path, [0, 3, 0, 5, 0, 2, 0, 9, 4, 0, 0, 7])
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    estimate = result.metric("qrs_sensitivity").estimate
    assert estimate.value == counts[:, 0].sum() / counts[:, 1].sum()  # pooled, by hand
    gross = result.tables["ec57"]["gross"]["qrs_sensitivity"]
    assert (gross["numerator"], gross["denominator"]) == tuple(counts.sum(axis=0).astype(int))

    def pooled(detected, reference, axis=-1):
        return detected.sum(axis=axis) / reference.sum(axis=axis)

    seed = 4  # the example protocol's
    ref = bootstrap((counts[:, 0], counts[:, 1]), pooled, paired=True, vectorized=True,
                    method="percentile", n_resamples=2000,
                    rng=np.random.default_rng(seed)).confidence_interval
    assert estimate.method == "bootstrap-percentile" and estimate.n == 12
    assert estimate.low == pytest.approx(ref.low, abs=1e-12)
    assert estimate.high == pytest.approx(ref.high, abs=1e-12)
    assert result.tables["ec57"]["gross_interval"] == "records"


def test_beats_of_unequal_records_make_a_binomial_interval_too_narrow(tmp_path):
    """The same set scored with interval = "beats": Wilson over the pooled beats, as if
    each were independent; records that differ make it narrower than the records'."""
    miss = [0, 3, 0, 5, 0, 2, 0, 9, 4, 0, 0, 7]
    records = tmp_path / "records"
    beats = tmp_path / "beats"
    records.mkdir()
    beats.mkdir()
    counts = _records_study(records, miss)
    _records_study(beats, miss, interval="beats")
    by_records = medeval.evaluate(records / "protocol.toml", records / "pred")
    by_beats = medeval.evaluate(beats / "protocol.toml", beats / "pred")
    wide = by_records.metric("qrs_sensitivity").estimate
    narrow = by_beats.metric("qrs_sensitivity").estimate
    num, den = (int(c) for c in counts.sum(axis=0))
    wilson = proportion_confint(num, den, alpha=0.05, method="wilson")  # statsmodels
    assert (narrow.low, narrow.high) == pytest.approx(wilson, abs=1e-12)
    assert narrow.method == "wilson" and (narrow.numerator, narrow.n) == (num, den)
    assert narrow.value == wide.value
    assert narrow.high - narrow.low < 0.5 * (wide.high - wide.low)


def test_one_patient_leaves_nothing_to_resample(tmp_path):
    """Two records of one patient, resampled by patient: the interval is undefined and a
    guarded criterion INCONCLUSIVE, not a zero-width interval that would pass."""
    _records_study(tmp_path, [0, 4], resampling_unit="patient")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    estimate = result.metric("qrs_sensitivity").estimate
    assert np.isnan(estimate.low) and np.isnan(estimate.high)
    verdicts = {v["metric"]: v["outcome"] for v in json.loads(result.to_json())["verdicts"]}
    assert verdicts["qrs_sensitivity"] == "INCONCLUSIVE"
    assert any("qrs_sensitivity" in w.split(": ")[1].split(", ") and ": bootstrap_ci:" in w
               for w in result.warnings)


def test_no_veb_beat_in_the_set_says_why_each_veb_figure_is_undefined(tmp_path):
    """Records of normal beats only, intervals over records: the VEB and SVEB figures are
    0/0, and the result's warnings name the scope, the figure and why."""
    _records_study(tmp_path, [0, 3, 0, 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", medeval.UndefinedMetricWarning)
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    why = ("gross statistic: 0/0 over 4 record(s), so it is undefined; the estimate and its "
           "interval are NaN")
    undefined = ["veb_sensitivity", "veb_ppv", "sveb_sensitivity", "sveb_ppv"]
    # and the defined bootstrap figures rest on 4 records (C(7, 4) = 35 resamples < 2000);
    # the 4 records are of 2 patients (p0: r00, r01; p1: r02, r03), taken as independent
    assert list(result.warnings) == [
        "all cases: the 4 cases are of 2 patients, several per patient, and the protocol's "
        'unit is the case (statistics.resampling_unit = "case"): every interval takes them '
        "as independent and is too narrow if a patient's cases are alike; resampling_unit "
        '= "patient" accounts for it'] + [  # the same note of four figures, said once
        f"all cases: {', '.join(undefined)} (4 figures): {why}"] + [
        "all cases: 4 cases: a bootstrap resampling them can draw only 35 different "
        "resamples, fewer than the 2000 asked for, so the bootstrap intervals "
        "(qrs_sensitivity, qrs_ppv, veb_fpr) rest on 4 cases and say little beyond them"]
    for name in undefined:
        assert result.metric(name).estimate.note == why
    assert result.metric("qrs_sensitivity").estimate.note is None


# Four records with F reference beats that the detector calls S (the "Fs" cell). Scored
# beats after the 5-minute learning period, as (reference, detected) MIT-BIH symbols; None
# is no beat (a missed reference beat, or an extra detection). A is an S beat, Q a Q beat.
FS_RECORDS = {
    "r0": [("N", "N")] * 20 + [("A", "A")] * 3 + [("F", "A")] * 2,
    "r1": [("N", "N")] * 20 + [("A", "A")] + [("N", "A")] + [("F", "A")] * 4
          + [("V", "V")] * 2 + [("F", "V")],
    "r2": [("N", "N")] * 20 + [("A", "A")] * 2 + [("V", "A"), ("Q", "A"), (None, "A"),
                                                 ("A", "N"), ("F", "A")],
    "r3": [("N", "N")] * 20 + [("F", "A")] * 3 + [("F", "F")] * 2 + [("N", "A"), ("N", None)],
}
# sumstats' pooling, worked by hand (rows reference, columns detected; O/o: no beat):
#   Ss = 3 + 1 + 2 + 0 = 6; Ns = 1 (r1) + 1 (r3) = 2; Vs = 1 (r2); Os = 1 (r2);
#   Fs = 2 + 4 + 1 + 3 = 10 and Qs = 1 are not SVEB false positives in sumstats:
#   gross SVEB +P = Ss / (Ss + Ns + Vs + Os) = 6 / 10 (pooling bxb's per-record
#   denominators, which hold Fs, gave 6 / 20). Per record: r0 3/3, r1 1/2, r2 2/4, r3 0/1,
#   so the average is (1 + 1/2 + 1/2 + 0) / 4 = 1/2.
#   SVEB Se = Ss / S row = (3 + 1 + 2) / (3 + 1 + 3) = 6/7 (r3 has no S beat: left out of
#   the average, which is (1 + 1 + 2/3) / 3).
#   VEB Se = Vv / V row = 2 / (2 + 1); VEB +P = Vv / (Vv + Nv + Sv + Ov) = 2/2 (Fv is not a
#   false positive); VEB FPR = (Nv + Sv + Ov) / (that + rows N,S,F,Q,O x columns n,s,f,q)
#   = 0 / (25 + 26 + 26 + 26) = 0/103 (r1 and r2 each hold 3 beats in column v or row V).
#   QRS: 107 reference beats, 107 detections, 106 pairs: Se 106/107, +P 106/107.
FS_GROSS = {"qrs_sensitivity": (106, 107), "qrs_ppv": (106, 107),
            "veb_sensitivity": (2, 3), "veb_ppv": (2, 2), "sveb_sensitivity": (6, 7),
            "sveb_ppv": (6, 10), "veb_fpr": (0, 103)}
FS_SVEB_PPV_BY_RECORD = [(3, 3), (1, 2), (2, 4), (0, 1)]


def _classified_study(folder: Path, *, interval: str | None = None) -> None:
    """FS_RECORDS written by wfdb: N beats matched exactly through the learning period, then
    the scored beats one every 288 samples (0.8 s at 360 Hz; the window is 54 samples)."""
    import wfdb

    rows = ["case_id,patient_id,input_header,input_signal,reference"]
    (folder / "pred").mkdir()
    for i, (record, scored) in enumerate(FS_RECORDS.items()):
        learning = np.arange(100, 300 * 360, 288)
        times = 300 * 360 + 200 + 288 * np.arange(len(scored))
        ref = [(int(t), r) for t, (r, _) in zip(times, scored) if r]
        test = [(int(t), d) for t, (_, d) in zip(times, scored) if d]
        ref = [(int(t), "N") for t in learning] + ref
        test = [(int(t), "N") for t in learning] + test
        wfdb.wrsamp(record, fs=360, units=["mV"], sig_name=["MLII"],
                    p_signal=np.zeros((10 * 60 * 360, 1)), fmt=["212"], write_dir=str(folder))
        wfdb.wrann(record, "atr", np.array([t for t, _ in ref]), [s for _, s in ref],
                   write_dir=str(folder))
        (folder / "pred" / f"{record}.json").write_text(json.dumps(
            {"fs": 360, "samples": [t for t, _ in test], "symbols": [s for _, s in test]}))
        rows.append(f"{record},p{i},{record}.hea,{record}.dat,{record}.atr")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    text = (EXAMPLE / "protocol.toml").read_text().replace('interval = "beats"\n', "")
    if interval:
        text = text.replace('type = "ecg-beats"\n',
                            f'type = "ecg-beats"\ninterval = "{interval}"\n')
    (folder / "protocol.toml").write_text(text)


def _direct_ec57(folder: Path) -> list:
    """ec57 of each record on wfdb.rdann's reading of the files written."""
    import wfdb

    results = []
    for record in FS_RECORDS:
        atr = wfdb.rdann(str(folder / record), "atr")
        pred = json.loads((folder / "pred" / f"{record}.json").read_text())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
            results.append(ec57(atr.sample, atr.symbol, pred["samples"], pred["symbols"],
                                fs=360, duration_s=600, record_id=record))
    return results


def test_pooled_sveb_ppv_leaves_out_f_beats_labelled_s_as_sumstats(tmp_path):
    """Gross and average figures over records with Fs cells equal sumstats' (worked by
    hand above) and ec57_summary's; the bootstrap over records resamples the same per-record
    counts (scipy.stats.bootstrap of the pooled ratio on the hand counts)."""
    from scipy.stats import bootstrap

    from medeval.metrics import ec57_summary

    _classified_study(tmp_path)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        summary = ec57_summary(_direct_ec57(tmp_path))
    table = result.tables["ec57"]
    for name, (num, den) in FS_GROSS.items():
        estimate = result.metric(name).estimate  # a bootstrap over the 4 records
        assert estimate.value == num / den and estimate.n == 4, name
        gross = summary.gross[name]
        assert (gross.numerator, gross.denominator) == (num, den), name
        assert table["gross"][name] == {"numerator": num, "denominator": den}, name
        assert table["average"][name]["value"] == pytest.approx(summary.average[name].value)
        assert table["average"][name]["n_records"] == summary.average[name].n_records
    assert table["average"]["sveb_ppv"]["value"] == pytest.approx(1 / 2)
    assert table["average"]["sveb_sensitivity"]["value"] == pytest.approx((1 + 1 + 2 / 3) / 3)
    assert table["average"]["sveb_sensitivity"]["n_records"] == 3

    # The case table holds each record's counts as sumstats reads them (r1: 1/2, where
    # bxb's own per-record line says 1/6), so its columns sum to the gross figures.
    data = json.loads(result.to_json())
    columns = data["case_columns"]
    by_record = [(row[columns.index("sveb_ppv_num")], row[columns.index("sveb_ppv_den")])
                 for row in data["cases"]]
    assert by_record == FS_SVEB_PPV_BY_RECORD
    counts = np.array(FS_SVEB_PPV_BY_RECORD, dtype=float)

    def pooled(detected, reference, axis=-1):
        return detected.sum(axis=axis) / reference.sum(axis=axis)

    ref = bootstrap((counts[:, 0], counts[:, 1]), pooled, paired=True, vectorized=True,
                    method="percentile", n_resamples=2000,
                    rng=np.random.default_rng(4)).confidence_interval
    estimate = result.metric("sveb_ppv").estimate
    assert estimate.method == "bootstrap-percentile"
    assert (estimate.low, estimate.high) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_pooled_sveb_ppv_interval_over_beats_leaves_out_fs_too(tmp_path):
    """interval = "beats": Wilson (statsmodels) on the pooled 6 of 10, not 6 of 20."""
    _classified_study(tmp_path, interval="beats")
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    estimate = result.metric("sveb_ppv").estimate
    assert estimate.method == "wilson" and (estimate.numerator, estimate.n) == (6, 10)
    wilson = proportion_confint(6, 10, alpha=0.05, method="wilson")
    assert (estimate.low, estimate.high) == pytest.approx(wilson, abs=1e-12)


# The matrices of FS_RECORDS by hand (rows N S V F Q O reference, columns n s v f q o
# detected). r2: 20 Nn; S beats: 2 Ss, 1 Sn; Vs, Qs, Fs one each; one extra detection
# labelled S (Os). Pooled: r0 20 Nn, 3 Ss, 2 Fs; r1 20 Nn, Ss, Ns, 4 Fs, 2 Vv, Fv;
# r3 20 Nn, 3 Fs, 2 Ff, Ns, No; plus r2.
R2_MATRIX = [[20, 0, 0, 0, 0, 0],
             [1, 2, 0, 0, 0, 0],
             [0, 1, 0, 0, 0, 0],
             [0, 1, 0, 0, 0, 0],
             [0, 1, 0, 0, 0, 0],
             [0, 1, 0, 0, 0, 0]]
POOLED_MATRIX = [[80, 2, 0, 0, 0, 1],
                 [1, 6, 0, 0, 0, 0],
                 [0, 1, 2, 0, 0, 0],
                 [0, 10, 1, 2, 0, 0],
                 [0, 1, 0, 0, 0, 0],
                 [0, 1, 0, 0, 0, 0]]


def test_the_result_holds_the_ec57_matrices_pooled_and_per_record(tmp_path):
    """The pooled matrix is the sum of the records' and equals ec57_summary's (and the hand
    count above); each record's equals ec57's on wfdb.rdann's reading; plain sorted JSON."""
    from medeval.metrics import ec57_summary

    _classified_study(tmp_path)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    matrix = json.loads(result.to_json())["tables"]["ec57"]["matrix"]
    assert matrix["rows"] == ["N", "S", "V", "F", "Q", "O"]
    assert matrix["columns"] == ["n", "s", "v", "f", "q", "o"]
    assert list(matrix["records"]) == ["r0", "r1", "r2", "r3"]
    assert matrix["records"]["r2"] == R2_MATRIX
    assert matrix["pooled"] == POOLED_MATRIX
    assert (np.sum([m for m in matrix["records"].values()], axis=0) == POOLED_MATRIX).all()
    direct = _direct_ec57(tmp_path)
    for one in direct:
        assert matrix["records"][one.record_id] == one.matrix.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        assert ec57_summary(direct).matrix.tolist() == POOLED_MATRIX
    assert all(type(c) is int for m in matrix["records"].values() for row in m for c in row)
    assert result.tables["ec57"]["matrix"] == matrix  # the JSON holds the table as it is
    # Every gross count is a sum of cells: e.g. SVEB +P's denominator Ss + Ns + Vs + Os.
    column_s = [row[1] for row in POOLED_MATRIX]
    gross = result.tables["ec57"]["gross"]["sveb_ppv"]
    assert gross["denominator"] == column_s[0] + column_s[1] + column_s[2] + column_s[5]


def test_record_100_matrix_and_a_failed_record(study, shared_data):
    """MIT-BIH 100 scored against its .qrs: the matrix is ec57's; with the prediction
    missing (worst case), every scored reference beat is in column o."""
    import wfdb

    folder, detections = study
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        direct = ec57(atr.sample, atr.symbol, detections.sample, detections.symbol, fs=360)
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    table = result.tables["ec57"]["matrix"]
    assert table["records"] == {"100": direct.matrix.tolist()}
    assert table["pooled"] == direct.matrix.tolist()
    (folder / "pred" / "100.json").unlink()
    failed = medeval.evaluate(folder / "protocol.toml", folder / "pred").tables["ec57"]
    # 100.atr after the 5-minute learning period, by the README's class counts' symbols:
    scored = np.array(atr.symbol)[(atr.sample >= 300 * 360) & (np.array(atr.symbol) != "+")]
    column_o = [row[5] for row in failed["matrix"]["records"]["100"]]
    by_class = {"N": "N", "A": "S", "V": "V"}
    expected = [int(sum(by_class[s] == c for s in scored)) for c in "NSVFQ"] + [0]
    assert column_o == expected and sum(expected) == scored.size
    assert np.array(failed["matrix"]["pooled"])[:, :5].sum() == 0


def _pooled_ratio_per_column(counts, weights):
    """The gross statistic as the task's bootstrap computed it before the statistics
    shared their resamples (a callable for bootstrap_ci, one run per statistic):
    numerators and denominators summed in two matrix-vector products (the reference)."""
    num, den = weights @ counts[:, 0], weights @ counts[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _random_rows(n_records: int, seed: int):
    """Records with random per-statistic counts (some without a denominator; no VEB at
    all in the set) and matrices, two or three records per patient."""
    from medeval.tasks.base import CaseRow
    from medeval.tasks.ecg_beats import STATISTICS

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_records):
        values = {}
        for name in STATISTICS:
            den = 0 if name.startswith("veb_s") else int(rng.integers(0, 900))
            if name.startswith("sveb") and rng.random() < 0.5:
                den = 0
            values[f"{name}_num"], values[f"{name}_den"] = int(rng.binomial(den, 0.95)), den
        values["standard"] = True
        values["matrix"] = rng.integers(0, 50, (6, 6)).tolist()
        rows.append(CaseRow(f"r{n_records - i:04d}", f"p{i * 2 // 5}", "ok", None, None,
                            values))
    return rows


@pytest.mark.parametrize("method", ["percentile", "bca"])
@pytest.mark.parametrize("clustered", [False, True])
def test_the_statistics_share_resamples_and_each_interval_is_its_own_bootstraps(
        method, clustered):
    """The gross statistics are bootstrapped on one set of resamples: each interval must
    be, to the last bit, that of the statistic's own bootstrap of its per-record counts
    (bootstrap_ci of the pooled ratio, the same seed), note included; the tables' counts,
    averages and matrices are the records' sums and means, by hand."""
    from types import SimpleNamespace

    from medeval.stats import bootstrap_ci
    from medeval.tasks.ecg_beats import STATISTICS, EcgBeats

    rows = _random_rows(60, seed=3)
    clusters = [r.patient_id for r in rows] if clustered else None
    settings = SimpleNamespace(seed=11, bootstrap_method=method, confidence=0.9,
                               n_resamples=500, proportion_method="wilson")
    spec = SimpleNamespace(interval="records", window_s=0.15, learning_period_s=300.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = EcgBeats(spec, settings).aggregate(rows, clusters=clusters)
    tables = result.tables["ec57"]
    for record, name in zip(result.metrics, STATISTICS):
        counts = np.array([[r.values[f"{name}_num"], r.values[f"{name}_den"]] for r in rows],
                          dtype=float)
        num, den = counts.sum(axis=0)
        assert tables["gross"][name] == {"numerator": num, "denominator": den}
        scored = counts[counts[:, 1] > 0]
        assert tables["average"][name]["n_records"] == len(scored)
        estimate = record.estimate
        if den == 0:
            assert math.isnan(estimate.value) and "0/0 over 60 record(s)" in estimate.note
            continue
        assert tables["average"][name]["value"] == np.mean(scored[:, 0] / scored[:, 1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            alone = bootstrap_ci(_pooled_ratio_per_column, counts, seed=11, method=method,
                                 confidence=0.9, n_resamples=500, clusters=clusters)
        assert estimate.value == num / den
        assert (estimate.low, estimate.high, estimate.note, estimate.method, estimate.n) == (
            alone.low, alone.high, alone.note, alone.method, alone.n), name
    assert [r.name for r in result.metrics] == list(STATISTICS)
    matrices = tables["matrix"]
    assert list(matrices["records"]) == sorted(r.case_id for r in rows)
    assert matrices["records"]["r0060"] == rows[0].values["matrix"]
    assert matrices["pooled"] == np.sum([r.values["matrix"] for r in rows], axis=0).tolist()


def test_the_matrices_table_is_plain_ints_whatever_numbers_a_record_holds():
    """The records' own lists of ints are taken as they are; matrices held as numpy
    arrays or as whole floats give the same canonical JSON (ints)."""
    from dataclasses import replace

    from medeval._canonical import canonical_json
    from medeval.tasks.ecg_beats import _matrices

    rows = _random_rows(5, seed=1)
    as_lists = canonical_json(_matrices(rows))
    for convert in (np.asarray, lambda m: np.asarray(m, dtype=float).tolist()):
        other = [replace(r, values={**r.values, "matrix": convert(r.values["matrix"])})
                 for r in rows]
        assert canonical_json(_matrices(other)) == as_lists
    pooled = json.loads(as_lists)["pooled"]
    assert pooled == np.sum([r.values["matrix"] for r in rows], axis=0).tolist()
    assert canonical_json(_matrices([]))  # no record: an all-zero pooled matrix
    assert _matrices([])["pooled"] == [[0] * 6] * 6


def _edf_record(path, annotations, *, seconds):
    """An EDF+ ECG record by pyedflib: one channel at 256 Hz of ``seconds`` s (data
    records of 1 s) and its ``(onset_s, text)`` annotations, written in that order."""
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    writer.setSignalHeaders([{"label": "ECG", "dimension": "mV", "sample_frequency": 256,
                              "physical_max": 5, "physical_min": -5,
                              "digital_max": 32767, "digital_min": -32768}])
    for onset, text in annotations:
        writer.writeAnnotation(onset, -1, text)
    writer.writeSamples([np.zeros(seconds * 256)])
    writer.close()


def _evaluate_edf_record(folder, detected):
    """The example's protocol without learning period on case c1, the EDF+ record
    ``rec.edf`` in ``folder`` as its input and reference, detected at ``detected``
    (samples at 256 Hz)."""
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,rec.edf,rec.edf\n")
    (folder / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nlearning_period_s = 0'))
    (folder / "pred").mkdir()
    (folder / "pred" / "c1.json").write_text(json.dumps(
        {"fs": 256, "samples": np.asarray(detected).tolist()}))
    return medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_an_edf_plus_records_length_ends_the_comparison(tmp_path):
    # A record in EDF+ (pyedflib's writer: 60 data records of 1 s, 256 Hz) whose beats
    # are its annotations "N" at 0.5, 1.5, ... 59.5 s; the detector finds them all and
    # three more at 61-63 s, after the record's end. Counted as compare_annotations
    # counts the beats up to 60 s: 60 matched, no false positive (before: qrs_ppv 60/63).
    from wfdb import processing

    onsets = np.arange(60) + 0.5
    _edf_record(tmp_path / "rec.edf", [(float(onset), "N") for onset in onsets], seconds=60)
    reference = (onsets * 256).astype(int)
    detected = np.concatenate([reference, [61 * 256, 62 * 256, 63 * 256]])
    result = _evaluate_edf_record(tmp_path, detected)
    found = processing.compare_annotations(reference, detected[detected <= 60 * 256], 39)
    assert (found.tp, found.fp, found.fn) == (60, 0, 0)
    ppv = result.metric("qrs_ppv").estimate
    assert (ppv.numerator, ppv.n) == (found.tp, found.tp + found.fp)


def test_a_record_no_longer_than_the_learning_period_is_the_sets_fault(study, shared_data):
    # Record 100 lasts 650000 / 360 = 1805.6 s by its header (wfdb.rdheader); with a
    # 1900-s learning period nothing of it would be scored. Before: every figure 0/0,
    # NaN, and no word of why.
    import wfdb

    folder, _ = study
    header = wfdb.rdheader(str(shared_data / "ecg" / "mitdb" / "100"))
    assert round(header.sig_len / header.fs, 1) == 1805.6
    text = (folder / "protocol.toml").read_text()
    (folder / "protocol.toml").write_text(
        text.replace('type = "ecg-beats"', 'type = "ecg-beats"\nlearning_period_s = 1900'))
    with pytest.raises(medeval.MedevalError, match=(
            r"case 100: the record lasts 1805\.56 s, no longer than the learning period of "
            r"1900 s: none of its beats would be scored")):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_record_with_a_korean_name_is_read_as_wfdb_reads_its_header(tmp_path):
    # A record named '심전도_01' (wfdb.wrsamp writes its header in UTF-8: '전' is the bytes
    # EC A0 84, and 0xA0 is a no-break space in latin-1). The header's record line was
    # split at that byte, so its fields moved by one: 1 signal read as the frame rate and
    # 250 Hz as the number of frames, and the set was refused ('the record lasts 250 s,
    # no longer than the learning period of 300 s'); a shorter learning period would have
    # ended the comparison there without a word. wfdb reads the header's rate and
    # length; beats every second from 0.5 s, all detected, counted by compare_annotations
    # from 300 s to the record's end (strict window 38 samples: bxb's 0.15 s, 37.5, at
    # 250 Hz).
    import wfdb
    from wfdb import processing

    name = "심전도_01"
    assert b"\xa0" in name.encode()
    wfdb.wrsamp(name, fs=250, units=["mV"], sig_name=["MLII"],
                p_signal=np.zeros((400 * 250, 1)), fmt=["212"], write_dir=str(tmp_path))
    beats = (np.arange(400) + 0.5) * 250
    beats = beats.astype(int)
    wfdb.wrann(name, "atr", beats, ["N"] * beats.size, fs=250, write_dir=str(tmp_path))
    header = wfdb.rdheader(str(tmp_path / name))
    assert (header.fs, header.sig_len) == (250, 100000)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        f"{name},p1,{name}.hea,{name}.dat,{name}.atr\n", encoding="utf-8")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / f"{name}.json").write_text(json.dumps(
        {"fs": 250, "samples": beats.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    start = 300 * header.fs
    scored = beats[(beats >= start) & (beats <= header.sig_len)]
    found = processing.compare_annotations(scored, scored, 38)
    assert (found.tp, found.fp, found.fn) == (100, 0, 0)
    se = result.metric("qrs_sensitivity").estimate
    assert (se.numerator, se.n) == (found.tp, found.tp + found.fn)


def test_edf_reference_texts_that_are_no_beat_symbol_are_named(tmp_path):
    # An EDF+ record (pyedflib, 70 s at 256 Hz) whose beats are annotated in words by
    # another program: 40 "N" and 20 "Normal beat", plus "Recording starts". Only WFDB
    # symbols are beats, so the 20 worded beats were dropped without a word and the
    # detector's 20 hits on them counted as false positives (qrs_ppv 40/60). The figures
    # stay those of the 40 "N" beats (compare_annotations below); the warning now names
    # the texts not read as beats, with their counts from pyedflib's own reading.
    from collections import Counter

    import pyedflib
    from wfdb import processing

    onsets = np.arange(60) + 0.5
    _edf_record(tmp_path / "rec.edf", [(0.0, "Recording starts")] + [
        (float(onset), "N" if k % 3 else "Normal beat") for k, onset in enumerate(onsets)],
        seconds=70)
    reader = pyedflib.EdfReader(str(tmp_path / "rec.edf"))
    read_onsets, _, read_texts = reader.readAnnotations()
    reader.close()
    texts = Counter(read_texts)
    assert texts == {"N": 40, "Normal beat": 20, "Recording starts": 1}
    detected = (onsets * 256).astype(int)
    result = _evaluate_edf_record(tmp_path, detected)
    beats = np.round(read_onsets[read_texts == "N"] * 256).astype(int)
    found = processing.compare_annotations(beats, detected, 39)
    ppv = result.metric("qrs_ppv").estimate
    assert (ppv.numerator, ppv.n) == (found.tp, found.tp + found.fp) == (40, 60)
    (warning,) = [w for w in json.loads(result.to_json())["warnings"] if "EDF+" in w]
    assert warning.endswith(
        f"c1: 21, 'Normal beat' ({texts['Normal beat']}), 'Recording starts' "
        f"({texts['Recording starts']})")


def test_edf_beats_of_no_one_signal_rate_are_read_at_their_onsets(tmp_path):
    # EDF+ records whose beat annotations have no one signal rate to count at: ECG at
    # 256 Hz beside respiration at 32 Hz, and an annotation-only EDF+ reference beside
    # the record's EDF. Both stopped the evaluation with a TypeError traceback ("float()
    # argument must be a string or a real number, not 'NoneType'"). Now the onsets are
    # read as written (to the microsecond); counted with compare_annotations on the
    # 256-Hz grid (strict 39 samples: 0.15 s), all onsets being whole multiples of it.
    from datetime import datetime

    import pyedflib
    from wfdb import processing

    def write(name, rates, onsets):
        writer = pyedflib.EdfWriter(str(tmp_path / name), len(rates),
                                    file_type=pyedflib.FILETYPE_EDFPLUS)
        # one start for all (pyedflib's default is the time of writing, which may differ
        # by a second between the record and its annotation file)
        writer.setStartdatetime(datetime(2026, 1, 1, 10, 0, 0))
        writer.setSignalHeaders([{"label": f"S{k}", "dimension": "mV", "sample_frequency": r,
                                  "physical_max": 5, "physical_min": -5,
                                  "digital_max": 32767, "digital_min": -32768}
                                 for k, r in enumerate(rates)])
        for onset in onsets:
            writer.writeAnnotation(float(onset), -1, "N")
        if rates:
            writer.writeSamples([np.zeros(70 * r) for r in rates])
        writer.close()

    onsets = np.arange(60) + 0.5
    write("mixed.edf", [256, 32], onsets)
    write("ecg.edf", [256], [])
    write("beats.edf", [], onsets)
    for name in ("mixed.edf", "beats.edf"):
        reader = pyedflib.EdfReader(str(tmp_path / name))
        assert np.array_equal(reader.readAnnotations()[0], onsets)
        reader.close()
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,mixed.edf,mixed.edf\nc2,p2,ecg.edf,beats.edf\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nlearning_period_s = 0'))
    reference = (onsets * 256).astype(int)
    detected = np.concatenate([reference[::2] + 30, [int(65.2 * 256)]])  # 0.117 s late
    (tmp_path / "pred").mkdir()
    for case in ("c1", "c2"):
        (tmp_path / "pred" / f"{case}.json").write_text(json.dumps(
            {"fs": 256, "samples": detected.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    found = processing.compare_annotations(reference, detected[detected <= 70 * 256], 39)
    assert (found.tp, found.fp, found.fn) == (30, 1, 30)
    se, ppv = (result.metric(n).estimate for n in ("qrs_sensitivity", "qrs_ppv"))
    assert (se.numerator, se.n) == (2 * found.tp, 2 * (found.tp + found.fn))
    assert (ppv.numerator, ppv.n) == (2 * found.tp, 2 * (found.tp + found.fp))


def test_an_annotation_prediction_without_rate_for_an_edf_of_several_rates_fails(tmp_path):
    # An EDF+ record with ECG at 256 Hz and respiration at 32 Hz (no one rate), its beats
    # its annotations; the detector's .qrs (wfdb.wrann without fs: wfdb.rdann reads fs
    # None) states no time resolution and no header gives one. Its samples cannot be
    # placed in time: the case fails saying so, rather than being read at the
    # reference's microsecond count (every beat then within the first 0.06 s).
    import pyedflib
    import wfdb

    writer = pyedflib.EdfWriter(str(tmp_path / "mixed.edf"), 2,
                                file_type=pyedflib.FILETYPE_EDFPLUS)
    writer.setSignalHeaders([{"label": f"S{k}", "dimension": "mV", "sample_frequency": r,
                              "physical_max": 5, "physical_min": -5,
                              "digital_max": 32767, "digital_min": -32768}
                             for k, r in enumerate((256, 32))])
    for onset in np.arange(60) + 0.5:
        writer.writeAnnotation(float(onset), -1, "N")
    writer.writeSamples([np.zeros(70 * 256), np.zeros(70 * 32)])
    writer.close()
    (tmp_path / "pred").mkdir()
    samples = ((np.arange(60) + 0.5) * 256).astype(int)
    wfdb.wrann("c1", "qrs", samples, symbol=["N"] * 60, write_dir=str(tmp_path / "pred"))
    assert wfdb.rdann(str(tmp_path / "pred" / "c1"), "qrs").fs is None
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,mixed.edf,mixed.edf\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"',
        'type = "ecg-beats"\nlearning_period_s = 0\nprediction_annotator = "qrs"'))
    result = json.loads(medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred").to_json())
    (failure,) = result["failures"]["cases"]
    assert failure["reason"] == "invalid-output"
    assert "states no sampling frequency" in failure["detail"]


_READS: list[str] | None = None  # the files opened for reading while a test collects them
_HOOKED: list[bool] = []  # an audit hook cannot be removed: added once, by _collect_reads


def _count_reads(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    # sys.audit's "open" event: (path, mode, flags); mode is None for os.open, which
    # read_ahead uses only to hint the kernel (nothing is read into Python)
    if _READS is not None and event == "open" and args[1] is not None:
        _READS.append(str(args[0]))


def _collect_reads() -> None:
    """Start collecting the files opened into ``_READS`` (the hook added once only: two
    would count every file twice)."""
    import sys

    global _READS
    if not _HOOKED:
        sys.addaudithook(_count_reads)
        _HOOKED.append(True)
    _READS = []


def test_scoring_a_record_reads_its_reference_once(study, tmp_path):
    # d498433 opened every record's reference a second time after scoring it, to tell an
    # EDF+ file (read again whole for its texts) from a WFDB one: one more open and read
    # per record on the path of a 100,000-record evaluation (10 us a record here, on
    # docs/benchmarks.md's 439), and an EDF+ reference's annotations parsed twice. The
    # texts now come from the one reading of the beats. Counted with Python's audit
    # 'open' events (every file opened to be read into Python); the EDF+ warning's own
    # test (test_edf_reference_texts_that_are_no_beat_symbol_are_named) still holds.

    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    global _READS
    folder, _ = study
    task = make_task(load_protocol(folder / "protocol.toml"))
    (case,) = Manifest.from_csv(folder / "manifest.csv", reference_kind="annotations").cases
    _collect_reads()
    try:
        values = task.score_case(case, folder, folder / "pred")
        assert _READS is not None
        reads = _READS.count(str(folder / "100.atr"))
    finally:
        _READS = None
    assert reads == 1
    assert values["qrs_sensitivity_den"] > 0 and "unread" not in values


def _score_counting_reads(folder: Path, name: str) -> tuple[dict, int]:
    """One record scored by the task as an evaluation scores it, and how many times the
    file ``name`` in ``folder`` was opened to be read meanwhile (audit 'open' events)."""

    from medeval.manifest import Manifest
    from medeval.protocol import load_protocol
    from medeval.tasks.registry import make_task

    global _READS
    task = make_task(load_protocol(folder / "protocol.toml"))
    (case,) = Manifest.from_csv(folder / "manifest.csv", reference_kind="annotations").cases
    _collect_reads()
    try:
        values = task.score_case(case, folder, folder / "pred")
        assert _READS is not None
        reads = _READS.count(str(folder / name))
    finally:
        _READS = None
    return values, reads


def test_scoring_a_record_reads_its_header_once(study, shared_data):
    # 100.atr states no time resolution: its rate is the header's beside it, 100.hea,
    # which the task had just read for the record's length (650000 frames / 360 Hz) and
    # read again for the rate (docs/benchmarks.md: "its header read twice, for the length
    # and for the rate"). Now once. The counts still those of bxb (wfdb's reading of the
    # header and the annotations, paired by compare_annotations).
    folder, detections = study
    values, reads = _score_counting_reads(folder, "100.hea")
    assert reads == 1  # before: 2
    tp, fp, fn = _counted_as_bxb(shared_data, detections.sample)
    assert (values["qrs_sensitivity_num"], values["qrs_sensitivity_den"]) == (tp, tp + fn)
    assert (values["qrs_ppv_num"], values["qrs_ppv_den"]) == (tp, tp + fp)


def test_a_header_beside_the_reference_gives_its_rate_when_another_gives_the_length(
        study, shared_data):
    # The record's header is the manifest's records/100.hea (360 Hz); beside the
    # reference lies another 100.hea stating 250 Hz. wfdb.rdann reads 100.atr at the
    # rate of the header beside it, and so does medeval (the beside header read for it:
    # the rate of the header read for the length is not taken in its place).
    import wfdb

    folder, detections = study
    (folder / "records").mkdir()
    for ext in ("hea", "dat"):
        (folder / f"100.{ext}").rename(folder / "records" / f"100.{ext}")
    text = (folder / "records" / "100.hea").read_text()
    (folder / "100.hea").write_text(text.replace("100 2 360 ", "100 2 250 "))
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "100,p100,records/100.hea,records/100.dat,100.atr\n")
    values, reads = _score_counting_reads(folder, "100.hea")
    assert reads == 1
    atr = wfdb.rdann(str(folder / "100"), "atr")
    assert atr.fs == 250
    beats = np.array([c != "+" for c in atr.symbol])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        direct = ec57(atr.sample[beats], np.asarray(atr.symbol)[beats], detections.sample,
                      detections.symbol, reference_fs=atr.fs, test_fs=360,
                      duration_s=650000 / 360)
    assert (values["qrs_sensitivity_num"], values["qrs_sensitivity_den"]) == (
        direct.qrs_sensitivity.numerator, direct.qrs_sensitivity.denominator)
    assert values["qrs_sensitivity_num"] < 1000  # beats at 250 Hz: most match nothing


def test_an_edf_reference_starting_after_its_record_is_the_sets_fault(tmp_path):
    # An annotation-only EDF+ reference beside the record's EDF (d43d65b reads such a
    # file at its onsets) counts its onsets from its own start, the detections from the
    # record's. Written 5 s after the record's start (as pyedflib reads both headers),
    # every beat was 5 s off, without a word: a beat a second, each detection was paired
    # with the beat 5 s before it, 55 found, 5 missed, 5 false positives where every
    # beat was found (compare_annotations below on the two time bases). The set is now
    # refused, naming both starts; with the record's start the beats are all found.
    from datetime import datetime, timedelta

    import pyedflib
    from wfdb import processing

    def write(name, rates, onsets, start):
        writer = pyedflib.EdfWriter(str(tmp_path / name), len(rates),
                                    file_type=pyedflib.FILETYPE_EDFPLUS)
        writer.setStartdatetime(start)
        writer.setSignalHeaders([{"label": "ECG", "dimension": "mV", "sample_frequency": r,
                                  "physical_max": 5, "physical_min": -5,
                                  "digital_max": 32767, "digital_min": -32768} for r in rates])
        for onset in onsets:
            writer.writeAnnotation(float(onset), -1, "N")
        if rates:
            writer.writeSamples([np.zeros(70 * r) for r in rates])
        writer.close()

    start = datetime(2026, 1, 1, 10, 0, 0)
    onsets = np.arange(60) + 0.5
    write("ecg.edf", [256], [], start)
    write("beats.edf", [], onsets, start + timedelta(seconds=5))
    starts = []
    for name in ("ecg.edf", "beats.edf"):
        reader = pyedflib.EdfReader(str(tmp_path / name))
        starts.append(reader.getStartdatetime())
        reader.close()
    assert starts[1] - starts[0] == timedelta(seconds=5)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,ecg.edf,beats.edf\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nlearning_period_s = 0'))
    detected = ((onsets + 5) * 256).astype(int)  # the beats in the record's time
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "c1.json").write_text(json.dumps({"fs": 256,
                                                            "samples": detected.tolist()}))
    shifted = processing.compare_annotations((onsets * 256).astype(int), detected, 39)
    assert (shifted.tp, shifted.fp, shifted.fn) == (55, 5, 5)  # scored so before, silently
    with pytest.raises(medeval.MedevalError, match=(
            r"case c1: reference beats.edf starts at '01.01.26 10.00.05' "
            r"\(dd.mm.yy hh.mm.ss\), its record ecg.edf at '01.01.26 10.00.00'")):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    write("beats.edf", [], onsets + 5, start)  # the same beats, from the record's start
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    found = processing.compare_annotations(((onsets + 5) * 256).astype(int), detected, 39)
    se = result.metric("qrs_sensitivity").estimate
    assert (se.numerator, se.n) == (found.tp, found.tp + found.fn) == (60, 60)


def test_a_plain_edf_reference_holding_no_annotation_is_the_sets_fault(tmp_path):
    # A plain EDF record (pyedflib, FILETYPE_EDF: no EDF+ annotations channel, so no
    # annotation at all, as pyedflib reads it) named as its own reference: it was scored
    # as a record of no beat, every detection a false positive (qrs_ppv 0/70) and QRS Se
    # undefined, where the set, not the detector, is at fault. The EEG task refuses a
    # plain-EDF prediction so; the set is now refused.
    import pyedflib

    writer = pyedflib.EdfWriter(str(tmp_path / "ecg.edf"), 1, file_type=pyedflib.FILETYPE_EDF)
    writer.setSignalHeaders([{"label": "ECG", "dimension": "mV", "sample_frequency": 256,
                              "physical_max": 5, "physical_min": -5,
                              "digital_max": 32767, "digital_min": -32768}])
    writer.writeSamples([np.zeros(70 * 256)])
    writer.close()
    reader = pyedflib.EdfReader(str(tmp_path / "ecg.edf"))
    assert reader.filetype == pyedflib.FILETYPE_EDF and len(reader.readAnnotations()[0]) == 0
    reader.close()
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input,reference\nc1,p1,ecg.edf,ecg.edf\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text().replace(
        'type = "ecg-beats"', 'type = "ecg-beats"\nlearning_period_s = 0'))
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "c1.json").write_text(json.dumps(
        {"fs": 256, "samples": list(range(128, 70 * 256, 256))}))
    with pytest.raises(medeval.MedevalError, match=(
            r"case c1: reference ecg.edf is plain EDF, which holds no annotations \(only "
            r"EDF\+ and BDF\+ do\)")):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")


def test_a_references_ventricular_fibrillation_episode_is_not_scored(tmp_path):
    # MIT-BIH marks ventricular flutter/fibrillation as '[' ... ']' holding flutter waves
    # ('!', no beats); bxb leaves the episode out, and a detection inside it is no false
    # positive (ec57 does so). The task read its reference through read_beats, which
    # dropped '[' and ']' with the other non-beats, so the detector's 20 beats on the
    # flutter waves of 400-420 s were 20 false positives: qrs_ppv 280/300. By hand: a
    # 600-s record (wfdb.wrsamp, 360 Hz), beats at 0.5, 1.5, ... s outside 400-420 s
    # (580 beats, 280 of them after the 300-s learning period), '[' at 400.03 s, '!' at
    # each whole second 401-419, ']' at 420.03 s; the detector finds a beat at every
    # x.5 s (600, 300 scored): 280 matched, the 20 in the episode not counted, so
    # 280/280 and 280/280. wfdb's compare_annotations on the beats outside the
    # episode after 300 s agrees.
    import wfdb
    from wfdb import processing

    fs = 360
    wfdb.wrsamp("v1", fs=fs, units=["mV"], sig_name=["MLII"],
                p_signal=np.zeros((600 * fs, 1)), fmt=["16"], write_dir=str(tmp_path))
    every = np.arange(fs // 2, 600 * fs, fs)
    inside = (every > 400 * fs) & (every < 420 * fs)
    marks = [(int(t), "N") for t in every[~inside]] + [(400 * fs + 10, "["),
                                                       (420 * fs + 10, "]")]
    marks += [(int(k * fs), "!") for k in range(401, 420)]
    marks.sort()
    wfdb.wrann("v1", "atr", np.array([t for t, _ in marks]), symbol=[s for _, s in marks],
               fs=fs, write_dir=str(tmp_path))
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\nv1,p1,v1.hea,v1.dat,v1.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "v1.json").write_text(
        json.dumps({"fs": fs, "samples": every.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    scored_ref = every[~inside & (every >= 300 * fs)]
    scored_test = every[~inside & (every >= 300 * fs)]
    matched = processing.compare_annotations(scored_ref, scored_test, int(0.15 * fs))
    assert (matched.tp, matched.fp, matched.fn) == (280, 0, 0)
    for name in ("qrs_sensitivity", "qrs_ppv"):
        estimate = result.metric(name).estimate
        assert (estimate.value, estimate.n) == (1.0, 280), name


def test_detections_after_the_records_end_are_warned_of(shared_data, tmp_path):
    # MIMIC record 03700181: 75000 frames at 125 Hz (600 s by its header), its ECG at 500
    # Hz (4 samples a frame). A detector that writes gqrs's 500-Hz sample numbers with
    # "fs": 125 puts three quarters of its beats after the end, which bxb leaves
    # unscored: before, nothing said so (QRS Se 80/579 only). numpy on wfdb.rdann's
    # samples: 856 of the 1150 lie after 600 + 0.15 s, the last at 299898 / 125 =
    # 2399.184 s. The same file at its own 500 Hz (prediction_annotator) warns nothing.
    import wfdb

    for ext in ("hea", "dat", "gqrsl", "gqrsh"):
        shutil.copy(shared_data / "ecg" / "mimicdb" / f"03700181.{ext}", tmp_path)
    detections = wfdb.rdann(str(tmp_path / "03700181"), "gqrsh")
    assert detections.fs == 500
    late = detections.sample / 125 > 600 + 0.15
    assert (late.sum(), detections.sample.max()) == (856, 299898)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "m1,p1,03700181.hea,03700181.dat,03700181.gqrsl\n")
    protocol = (EXAMPLE / "protocol.toml").read_text()
    (tmp_path / "protocol.toml").write_text(protocol)
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "m1.json").write_text(
        json.dumps({"fs": 125, "samples": detections.sample.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert ("all cases: 856 detected beat(s) in 1 record(s) lie after the record's end "
            "and were not scored, as bxb leaves them (a prediction whose fs is not the rate of its "
            "samples puts beats there): m1: 856, the last at 2399.18 s of 600 s"
            ) in result.warnings
    (tmp_path / "protocol.toml").write_text(
        protocol.replace('[task]\ntype = "ecg-beats"',
                         '[task]\ntype = "ecg-beats"\nprediction_annotator = "gqrsh"'))
    shutil.copy(tmp_path / "03700181.gqrsh", tmp_path / "pred" / "m1.gqrsh")
    (tmp_path / "pred" / "m1.json").unlink()
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert result.metric("qrs_sensitivity").estimate.n == 579
    assert not any("after the record's end" in w for w in result.warnings)


def test_an_edf_plus_references_beats_are_taken_in_time_order(tmp_path):
    # EDF+ keeps annotations in the order written: beats re-annotated later (20.5-39.5 s)
    # come after the others in the file, and pyedflib reads them so (one decrease). The
    # evaluation stopped with "ec57: reference_samples must be sorted ... sort the
    # annotations by time", naming no file (manifest check said OK); the record's
    # scoring had failed it as the algorithm's invalid output first. Now the beats are
    # taken in time order: the detector finding all 60 has 60/60, as compare_annotations
    # counts it on the sorted onsets.
    import pyedflib
    from wfdb import processing

    onsets = np.arange(60) + 0.5
    _edf_record(tmp_path / "rec.edf", [
        (float(onset), "N") for onset in np.concatenate([onsets[:20], onsets[40:],
                                                          onsets[20:40]])], seconds=60)
    reader = pyedflib.EdfReader(str(tmp_path / "rec.edf"))
    written = reader.readAnnotations()[0]
    reader.close()
    assert (np.diff(written) < 0).sum() == 1
    detected = (onsets * 256).astype(int)
    result = _evaluate_edf_record(tmp_path, detected)
    found = processing.compare_annotations(np.sort(np.round(written * 256).astype(int)),
                                           detected, 39)
    assert (found.tp, found.fp, found.fn) == (60, 0, 0)
    assert result.flow.scored == 1
    for name in ("qrs_sensitivity", "qrs_ppv"):
        estimate = result.metric(name).estimate
        assert (estimate.numerator, estimate.n) == (60, 60), name


def test_a_wfdb_reference_out_of_time_order_is_the_sets_fault(tmp_path):
    # An MIT-format file written by hand (wfdb.wrann refuses unsorted samples; another
    # tool need not): 400 N beats at 0.5, 1.5, ... s at 360 Hz, those of 350.5-359.5 s
    # written last, a SKIP word carrying the step back; wfdb.rdann reads it with one
    # decrease. The evaluation stopped with 'ec57: reference_samples must be sorted',
    # naming neither case nor file, and manifest check --protocol --read-files said OK.
    import struct

    import wfdb

    from medeval.cli import main

    fs = 360
    wfdb.wrsamp("u1", fs=fs, units=["mV"], sig_name=["MLII"],
                p_signal=np.zeros((400 * fs, 1)), fmt=["16"], write_dir=str(tmp_path))
    beats = ((np.arange(400) + 0.5) * fs).astype(int)
    written = np.concatenate([beats[:350], beats[360:], beats[350:360]])
    words, previous = [], 0
    for t in written.tolist():  # (code << 10) | interval; N is code 1, SKIP 59
        step = t - previous
        if 0 <= step < 1024:
            words.append(1 << 10 | step)
        else:
            step &= 0xFFFFFFFF
            words += [59 << 10, step >> 16, step & 0xFFFF, 1 << 10]
        previous = t
    (tmp_path / "u1.atr").write_bytes(struct.pack(f"<{len(words) + 1}H", *words, 0))
    read = wfdb.rdann(str(tmp_path / "u1"), "atr")
    assert (read.sample == written).all() and (np.diff(read.sample) < 0).sum() == 1
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\nu1,p1,u1.hea,u1.dat,u1.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "u1.json").write_text(json.dumps({"fs": fs, "samples": beats.tolist()}))
    why = (r"case u1: reference u1\.atr: its annotations are not in time order \(1 step\(s\) "
           r"back, the first from sample 143820 to 126180\)")  # 399.5 and 350.5 s x 360
    with pytest.raises(medeval.MedevalError, match=why):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(tmp_path / "protocol.toml"), "--read-files"]) == 2


@pytest.mark.parametrize("stated_fs", [500, 360])
def test_detections_at_another_pace_than_the_reference_are_warned_of(shared_data, tmp_path,
                                                                     stated_fs):
    # MIT-BIH record 100 at 360 Hz and its machine detections (100.qrs, 2273 beats). A
    # detector that states "fs": 500 for its 360-Hz sample numbers puts each beat at 0.72
    # of its time: they all lie inside the record (no 'after the end' warning), crowded
    # into its first 72 %, and match almost nothing; nothing said why. The ratio of the
    # median intervals, by numpy on wfdb.rdann's samples: (median RR of .qrs / 500) /
    # (median RR of .atr / 360), 0.72 but for the two files' own medians.
    import wfdb

    for ext in ("hea", "dat", "atr", "qrs"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", tmp_path)
    detections = wfdb.rdann(str(tmp_path / "100"), "qrs").sample
    annotated = wfdb.rdann(str(tmp_path / "100"), "atr")
    beats = annotated.sample[np.isin(annotated.symbol, ["N", "A", "V"])]
    expected = (np.median(np.diff(detections)) / stated_fs) / (
        np.median(np.diff(beats)) / 360)
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\nr100,p1,100.hea,100.dat,"
        "100.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "r100.json").write_text(
        json.dumps({"fs": stated_fs, "samples": detections.tolist()}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    paced = [w for w in result.warnings if "median interval" in w]
    if stated_fs == 360:
        assert abs(expected - 1) < 0.01 and not paced
        return
    assert round(expected, 2) == 0.72
    assert paced == [
        "all cases: in 1 record(s) the detected beats' median interval is not the reference "
        f"beats' (detected over reference): r100: {expected:.3g}x; a prediction whose fs is "
        "not the rate of its samples scales every beat time so (fs 500 given for samples "
        "at 360 Hz: 0.72x), and its beats then match none of the reference's; double "
        "detections halve the interval, missed beats lengthen it"]
    assert not any("after the record's end" in w for w in result.warnings)


def test_the_pace_median_is_numpys():
    # _pace takes the median interval by one np.partition of the sample numbers'
    # differences, divided by fs only once chosen (np.median's checks, and dividing every
    # interval, cost several times that on every record): the same float as np.median of
    # the positive intervals in seconds, odd and even sizes, ties, beats given twice
    # (interval 0, left out), beats out of order (sorted first), float sample numbers
    from medeval.tasks.ecg_beats import _median_interval

    rng = np.random.default_rng(4)
    for size in (2, 3, 4, 11, 12, 999, 1000):
        beats = np.cumsum(rng.integers(150, 450, size))
        for fs in (360.0, 250.0, 128.0, 1000.0, 257.0):
            for samples in (beats, np.round(beats / 7) * 7, beats.astype(np.float64),
                            rng.permutation(beats), np.repeat(beats, 2)):
                seconds = np.diff(np.sort(samples.astype(np.float64))) / fs
                assert _median_interval(samples, fs) == float(np.median(
                    seconds[seconds > 0])), (size, fs)
    assert _median_interval(np.array([5, 5, 5]), 360.0) is None
    assert _median_interval(np.array([5]), 360.0) is None
    # a NaN sample's intervals are left out as np.median's filter leaves them (NaN > 0 is
    # false); unsigned sample numbers out of order do not wrap round
    beats = np.cumsum(rng.integers(150, 450, 40)).astype(np.float64)
    beats[[3, 17, 30]] = np.nan
    seconds = np.diff(np.sort(beats)) / 360.0
    assert _median_interval(beats, 360.0) == float(np.median(seconds[seconds > 0]))
    unsigned = rng.permutation(np.cumsum(rng.integers(150, 450, 41))).astype(np.uint32)
    seconds = np.diff(np.sort(unsigned.astype(np.float64))) / 360.0
    assert _median_interval(unsigned, 360.0) == float(np.median(seconds))


def _beatless_record(shared_data: Path, folder: Path, samples, symbols, notes):
    """Record 100 with a reference annotation file of ``symbols``; the evaluation of
    100.qrs's detections against it."""
    import wfdb

    for ext in ("hea", "dat"):
        shutil.copy(shared_data / "ecg" / "mitdb" / f"100.{ext}", folder)
    wfdb.wrann("100", "atr", np.array(samples), np.array(symbols), aux_note=notes, fs=360,
               write_dir=str(folder))
    detections = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs").sample
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "r100,p1,100.hea,100.dat,100.atr\n")
    (folder / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (folder / "pred").mkdir(exist_ok=True)
    (folder / "pred" / "r100.json").write_text(
        json.dumps({"fs": 360, "samples": detections.tolist()}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        return detections, medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_reference_of_no_beat_is_warned_of_and_scored_as_bxb_would(shared_data, tmp_path,
                                                                     capsys):
    # A record whose reference holds no beat: a rhythm-only file (the VF database's), or
    # a file that is no beat annotation file at all, given in its place. It scores (a
    # record of VF alone is real): QRS Se is 0/0 and each detection past the learning
    # period is a false positive. It used to score without a word, so a seizure file
    # given as the reference passed unseen.
    # A rhythm label and a note, no beat symbol:
    detections, result = _beatless_record(shared_data, tmp_path, [18, 500_000], ["+", '"'],
                                          ["(N", "note"])
    sensitivity = result.metric("qrs_sensitivity").estimate
    ppv = result.metric("qrs_ppv").estimate
    assert (sensitivity.numerator, sensitivity.n) == (0, 0)
    # every 100.qrs detection (wfdb.rdann's samples) after the 300 s learning period
    # (sample 108,000), but the first: bxb.c's lines before its main loop pass over the
    # test beat t' after start when t - start <= the window and |T - t'| < |T - t|, and
    # with no reference beat T is past the record's end; 100.qrs's first two beats after
    # start are 108,032 (32 samples in, inside the 54-sample window) and 108,329
    after = detections[detections >= 300 * 360]
    assert after[0] - 300 * 360 <= 54
    assert (ppv.numerator, ppv.n) == (0, after.size - 1)
    beatless = [w for w in result.warnings if "no beat annotation" in w]
    assert beatless == [
        "all cases: 1 record(s) whose reference holds no beat annotation, so each detected "
        "beat there counts as a false positive and none can be missed: r100; if a "
        "reference is not the record's beat annotation file (a seizure, rhythm or "
        "sleep-stage file in its place), give the beat annotations"]
    # manifest check says so too, beside its OK: it used to say OK alone
    from medeval.cli import main

    capsys.readouterr()
    assert main(["manifest", "check", str(tmp_path / "manifest.csv"), "--protocol",
                 str(tmp_path / "protocol.toml"), "--read-files"]) == 0
    assert f"medeval: warning: {beatless[0].removeprefix('all cases: ')}\n" in \
        capsys.readouterr().err
    # a flutter episode's marks are no beat either, and are named (CHB-MIT's seizure
    # files mark onsets and ends with the same [ and ])
    _, flutter = _beatless_record(shared_data, tmp_path, [18, 400_000, 420_000],
                                  ["+", "[", "]"], ["(N", "", ""])
    assert [w for w in flutter.warnings if "no beat annotation" in w] == [
        beatless[0].replace("r100;", "r100 (2 flutter mark(s) [ ]);")]
    # a reference holding a beat says nothing of it
    _, one_beat = _beatless_record(shared_data, tmp_path, [18, 400], ["+", "N"], ["(N", ""])
    assert not [w for w in one_beat.warnings if "no beat annotation" in w]


@pytest.mark.parametrize("policy", ["worst-case", "exclude"])
def test_a_failed_records_beatless_reference_is_said_under_either_policy(tmp_path, policy):
    # The example as shipped: syn03 has no prediction (failed, missing-output). Its
    # reference is replaced by a rhythm-only file (two '+' labels, written by wfdb, no
    # beat symbol). Under worst-case, syn03 is in the whole set's aggregate; under
    # exclude, only in the 'failures as worst case' one: the fact about its reference is
    # said once either way, for all cases (under exclude it was dropped with the
    # per-scope repetition).
    import wfdb

    folder = tmp_path / "ecg"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    fs = wfdb.rdann(str(folder / "references" / "syn03"), "atr").fs
    wfdb.wrann("syn03", "atr", np.array([10, 500]), np.array(["+", "+"]),
               aux_note=["(VFL", "(N"], fs=fs, write_dir=str(folder / "references"))
    assert not (folder / "predictions" / "syn03.json").exists()
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text() + f'[failures]\npolicy = "{policy}"\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", medeval.UndefinedMetricWarning)
        result = medeval.evaluate(protocol, folder / "predictions")
    assert [c.case_id for c in result.failures.cases] == ["syn03"]
    beatless = [w for w in result.warnings if "no beat annotation" in w]
    assert len(beatless) == 1, result.warnings
    assert beatless[0].startswith("all cases: 1 record(s) whose reference holds no beat "
                                  "annotation")
    assert ": syn03; if a reference" in beatless[0]

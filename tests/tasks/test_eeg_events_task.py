"""The EEG events task end to end, against event_scoring_summary on the same recordings."""

from __future__ import annotations

import datetime
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.errors import UndefinedMetricWarning
from medeval.metrics import event_scoring, event_scoring_summary

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eeg-events"

RECORDINGS = {  # reference events, detections (None: failed), duration
    "r0": ([[300, 360], [5000, 5100]], [[310, 320], [9000, 9030]], 3600 * 4),
    "r1": ([[100, 150]], [[400, 410]], 3600 * 2),
    "r2": ([], [[50, 60]], 3600 * 6),
    "r3": ([[700, 800]], None, 3600),
    "r4": ([[1000, 1100], [1150, 1200]], [[1120, 1130]], 3600 * 3),
}


@pytest.fixture
def folder(tmp_path):
    for sub in ("in", "ref", "pred"):
        (tmp_path / sub).mkdir()
    rows = []
    for i, (rid, (ref, hyp, duration)) in enumerate(RECORDINGS.items()):
        (tmp_path / "in" / f"{rid}.edf").write_text("x")
        (tmp_path / "ref" / f"{rid}.json").write_text(
            json.dumps({"duration_s": duration, "events": ref}))
        if hyp is not None:
            (tmp_path / "pred" / f"{rid}.json").write_text(json.dumps({"events": hyp}))
        rows.append({"case_id": rid, "patient_id": f"p{i // 2}", "input": f"in/{rid}.edf",
                     "reference": f"ref/{rid}.json"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    return tmp_path


def test_pooled_figures_match_event_scoring_summary(folder):
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    with warnings.catch_warnings():  # r2 has no reference event: its own Se is NaN
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        scores = [event_scoring(ref, hyp or [], duration_s=d)
                  for ref, hyp, d in RECORDINGS.values()]
        pooled = event_scoring_summary(scores).pooled
        # the false alarms per 24 h leave out r3 (failed, no prediction): its time is not
        # counted, as no detection of it is known
        rate = event_scoring_summary([s for rid, s in zip(RECORDINGS, scores)
                                      if rid != "r3"]).pooled.fp_per_24h
    for name in ("sensitivity", "precision", "f1"):
        assert result.metric(name).estimate.value == pytest.approx(getattr(pooled, name)), name
    assert result.metric("fp_per_24h").estimate.value == pytest.approx(rate)
    assert rate > pooled.fp_per_24h > 0
    # r4's two events 50 s apart merge into one (gap < 90 s): 5 reference events in all;
    # detected: r0's first and r4's merged one -> sensitivity 2/5.
    assert result.metric("sensitivity").estimate.value == pytest.approx(2 / 5)
    data = json.loads(result.to_json())
    assert data["failures"]["cases"][0]["case_id"] == "r3"
    assert data["tables"]["events"]["standard"] is True


def test_malformed_detections_fail_the_case(folder):
    (folder / "pred" / "r1.json").write_text(json.dumps({"events": [[50, 10]]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    reasons = {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}
    assert reasons == {"r1": "invalid-output", "r3": "missing-output"}


def test_a_set_without_seizures_says_why_the_sensitivity_is_undefined(folder):
    for rid, (_, _, duration) in RECORDINGS.items():
        (folder / "ref" / f"{rid}.json").write_text(
            json.dumps({"duration_s": duration, "events": []}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)
        result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    why = ("no reference event (TP + FN = 0) in any of the 5 recording(s), so the pooled "
           "sensitivity is undefined (NaN)")
    assert result.metric("sensitivity").estimate.note == why
    assert f"all cases: sensitivity: {why}" in result.warnings
    # false alarms were made, so precision (0) and F1 (0) are defined
    assert result.metric("precision").estimate.value == 0.0
    assert not any(w.startswith("all cases: precision:") for w in result.warnings)


@pytest.mark.parametrize(("events", "why"), [
    ([{"start": 310, "end": 320}], 'event 0 is {"start": 310, "end": 320}, not [start_s'),
    ([[310, 320, 400, 410]], "event 0 is [310, 320, 400, 410], not [start_s, end_s]"),
    ([[[310, 320]]], "event 0 is [[310, 320]], not [start_s, end_s]"),
    ([["310", "320"]], 'event 0 is ["310", "320"], not [start_s, end_s] (2 numbers)'),
    ([[True, 320]], "event 0 is [true, 320], not [start_s, end_s]"),
    ([[310, 320], None], "event 1 is null, not [start_s, end_s]"),
    # a label where the start belongs, in Korean: shown as written, not as \ubc1c\uc791
    ([["발작", 320]], 'event 0 is ["발작", 320], not [start_s, end_s]'),
])
def test_each_detection_is_a_pair_of_numbers(folder, events, why):
    # Before: a dict crashed the whole evaluation (TypeError); [[a, b, c, d]] was
    # flattened into two events; "310" and true were read as times.
    (folder / "pred" / "r1.json").write_text(json.dumps({"events": events}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r1"]["reason"] == "invalid-output"
    assert why in failed["r1"]["detail"]
    # worst case for r1: its one reference event missed, no false alarm, as r3
    r1 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r1")))
    assert (r1["tp"], r1["fp"], r1["n_reference"]) == (0, 0, 1)


@pytest.mark.parametrize(("reference", "why"), [
    ({"duration_s": 3600, "events": [[100, 150, 160, 170]]}, "event 0 is [100, 150, 160"),
    ({"duration_s": 3600, "events": {"a": 1}}, 'events is {"a": 1}, not a list'),
    ({"duration_s": "3600", "events": []}, 'duration_s is "3600", not a number'),
    ({"duration_s": 3600, "events": [[150, 100]]}, "reference"),   # ends before it starts
    ({"duration_s": 120, "events": [[100, 150]]}, "duration_s"),   # ends after the recording
])
def test_a_reference_fault_is_the_sets_not_the_algorithms(folder, reference, why):
    # A reference event ending before it starts used to fail the algorithm's case
    # (invalid-output); it is a fault of the set, listed before anything is scored.
    (folder / "ref" / "r1.json").write_text(json.dumps(reference))
    with pytest.raises(medeval.MedevalError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert "r1" in str(raised.value) and why in str(raised.value)


START = datetime.datetime(2024, 5, 6, 7, 8, 9)


def _edf(path: Path, *, seconds: int, record_s: float, channels: int = 2, fs: int = 8,
         start: datetime.datetime | None = None) -> None:
    """An EDF+ file written by pyedflib: ``channels`` channels at ``fs`` Hz, ``seconds``
    long, in data records of ``record_s`` seconds, starting at ``start`` (``START``)."""
    import numpy as np
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), channels, file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setStartdatetime(start or START)
        with warnings.catch_warnings():  # pyedflib: "might alter ... sample_frequencies"
            warnings.simplefilter("ignore", UserWarning)
            writer.setDatarecordDuration(record_s)
        writer.setSignalHeaders([{"label": f"EEG {k}", "dimension": "uV", "sample_frequency": fs,
                                  "physical_max": 100, "physical_min": -100,
                                  "digital_max": 32767, "digital_min": -32768}
                                 for k in range(channels)])
        writer.writeSamples([np.zeros(seconds * fs) for _ in range(channels)])
    finally:
        writer.close()


def test_the_references_duration_must_be_its_recordings(folder, shared_data):
    # The real 64-channel EDF+ (124 data records of 1 s, by pyedflib's reading) as r1's
    # recording, whose reference says 2 hours: FP/24 h would be counted over 7200 s
    # instead of 124 s. Before, nothing compared the two.
    import shutil

    import pyedflib

    edf = shared_data / "eeg" / "test_edf_overlapping_annotations.edf"
    reader = pyedflib.EdfReader(str(edf))
    length = reader.getFileDuration()
    reader.close()
    assert length == 124
    shutil.copy(edf, folder / "in" / "r1.edf")
    with pytest.raises(medeval.MedevalError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert ("case r1: reference ref/r1.json: duration_s = 7200 s, but its recording "
            "in/r1.edf lasts 124 s (124 data records of 1 s)") in str(raised.value)
    (folder / "ref" / "r1.json").write_text(
        json.dumps({"duration_s": 124, "events": [[100, 120]]}))
    (folder / "pred" / "r1.json").write_text(json.dumps({"events": [[30, 40]]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r1 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r1")))
    # 30-40 s is outside the widened reference [70, 124]: one false alarm in 124 s
    assert (r1["duration_s"], r1["tp"], r1["fp"]) == (124, 0, 1)


@pytest.mark.parametrize(("duration", "accepted"), [
    (3600, True), (3590.5, True), (3590, True), (3589.9, False), (3600.1, False)])
def test_the_duration_may_end_within_the_last_data_record(folder, tmp_path, duration,
                                                           accepted):
    # 360 data records of 10 s, 3 channels (pyedflib's writer): the signal may end
    # anywhere in the last record, so 3590 s to 3600 s fit and nothing else does.
    _edf(folder / "in" / "r3.edf", seconds=3600, record_s=10, channels=3)
    (folder / "ref" / "r3.json").write_text(
        json.dumps({"duration_s": duration, "events": [[700, 800]]}))
    if accepted:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
        return
    with pytest.raises(medeval.MedevalError, match="360 data records of 10 s"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_short_relative_predictions_folder_leaves_the_messages_whole(folder, monkeypatch):
    # `medeval evaluate protocol.toml --predictions pred` with a case named "repred"
    # without its file: the folder's name was replaced everywhere in the failure's text
    # ("case re<predictions>: no <predictions>iction file ..."); only the folder is.
    (folder / "ref" / "r1.json").rename(folder / "ref" / "repred.json")
    manifest = (folder / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("r1,", "repred,").replace(
        "ref/r1.json", "ref/repred.json"))
    monkeypatch.chdir(folder)
    data = json.loads(medeval.evaluate(Path("protocol.toml"), Path("pred")).to_json())
    details = {f["case_id"]: f["detail"] for f in data["failures"]["cases"]}
    assert details["repred"] == (
        "case repred: no prediction file repred{.json,.edf} in <predictions>")


def test_events_in_samples_fail_the_case_and_say_times_are_seconds(folder, shared_data):
    # CHB-MIT's chb06_04 seizure as wfdb reads it: samples 83712-88832 at 256 Hz
    # (327-347 s). Written as the detection in samples, it ends after r1's 7200 s.
    import wfdb

    seizures = wfdb.rdann(str(shared_data / "eeg" / "chb06_04.edf"), "seizures")
    start, end = (int(t) for t in seizures.sample[:2])
    assert (start / seizures.fs, end / seizures.fs) == (327, 347)
    (folder / "pred" / "r1.json").write_text(json.dumps({"events": [[start, end]]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r1"]["reason"] == "invalid-output"
    assert failed["r1"]["detail"] == (
        "case r1: 1 detected event(s) start at or after the recording's end (7200 s), the "
        "first [83712, 88832] s: times are seconds from the start of the recording (in "
        "samples or milliseconds they lie so)")


def test_a_minimum_overlap_of_one_is_refused_by_the_protocol(folder):
    # timescoring's rule is relativeOverlap > minOverlap + 1e-6: with 1 nothing can be
    # detected, and event_scoring refuses it. The protocol took it and every reference
    # was then blamed ("case r0: reference ref/r0.json: event_scoring: min_overlap ...").
    from medeval.protocol import load_protocol

    text = (folder / "protocol.toml").read_text()
    (folder / "protocol.toml").write_text(
        text.replace('type = "eeg-events"', 'type = "eeg-events"\nmin_overlap = 1'))
    with pytest.raises(medeval.MedevalError, match="min_overlap") as raised:
        load_protocol(folder / "protocol.toml")
    assert "reference" not in str(raised.value)


def test_without_duration_the_reference_takes_the_recordings(folder):
    # r1's reference without duration_s, its input an EDF+ of 720 data records of 10 s
    # (pyedflib's writer): scored over 7200 s, as with duration_s = 7200 (FP/24 h of the
    # one false alarm at 400-410 s: 1 / 7200 s x 86400 s = 12 for this recording).
    _edf(folder / "in" / "r1.edf", seconds=7200, record_s=10)
    with_duration = json.loads(
        medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    (folder / "ref" / "r1.json").write_text(json.dumps({"events": [[100, 150]]}))
    without = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r1 = dict(zip(without["case_columns"], next(c for c in without["cases"] if c[0] == "r1")))
    assert (r1["duration_s"], r1["fp"]) == (7200, 1)
    assert without["metrics"] == with_duration["metrics"]
    # an input that is no EDF states no length: the reference must then give it
    (folder / "in" / "r1.edf").write_text("x")
    with pytest.raises(medeval.MedevalError, match='r1.json has no "duration_s" and no input'):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def _annotations_edf(path: Path, annotations, *, start: datetime.datetime = START,
                     plain: bool = False) -> None:
    """An annotation-only EDF+ file written by pyedflib (a detector's output); ``plain``:
    an EDF file (no annotation channel) with one signal instead."""
    import numpy as np
    import pyedflib

    kind = pyedflib.FILETYPE_EDF if plain else pyedflib.FILETYPE_EDFPLUS
    writer = pyedflib.EdfWriter(str(path), 1 if plain else 0, file_type=kind)
    try:
        writer.setStartdatetime(start)
        if plain:
            writer.setSignalHeaders([{"label": "EEG", "dimension": "uV", "sample_frequency": 1,
                                      "physical_max": 1, "physical_min": -1,
                                      "digital_max": 32767, "digital_min": -32768}])
            writer.writeSamples([np.zeros(10)])
        for onset, duration, text in annotations:
            writer.writeAnnotation(onset, duration, text)
    finally:
        writer.close()


def test_an_edf_plus_prediction_scores_its_annotations_as_timescoring_does(folder):
    # r0's detector writes its events as EDF+ annotations (TALs, UTF-8 texts) instead of
    # JSON: 310-320 s inside the seizure at 300-360 s, 9000-9030 s and 12000.5-12000.75 s
    # far from any. timescoring 0.0.7 on the same events (10 Hz grid, exact here) counts
    # the reference events, TP and FP.
    from timescoring import scoring
    from timescoring.annotations import Annotation

    reference, _, duration = RECORDINGS["r0"]
    _edf(folder / "in" / "r0.edf", seconds=duration, record_s=10)
    detected = [(310.0, 10.0, "발작"), (9000.0, 30.0, "seizure"), (12000.5, 0.25, "Anfall ü")]
    (folder / "pred" / "r0.json").unlink()
    _annotations_edf(folder / "pred" / "r0.edf", detected)
    # three texts: unnamed, r0 fails, its advice quoting the first text as written (not
    # as \ubc1c\uc791); the protocol names them all as events
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert 'e.g. event_annotations = ["발작"]' in failed["r0"]["detail"]
    _name_events(folder, ["발작", "seizure", "Anfall ü"])
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    peer = scoring.EventScoring(
        Annotation([tuple(e) for e in reference], 10, duration * 10),
        Annotation([(o, o + d) for o, d, _ in detected], 10, duration * 10))
    assert (r0["n_reference"], r0["tp"], r0["fp"]) == (peer.refTrue, peer.tp, peer.fp)
    assert (peer.refTrue, peer.tp, peer.fp) == (2, 1, 2)
    assert r0["status"] == "ok" and r0["n_hypothesis"] == 3


def _name_events(folder: Path, texts: list[str]) -> None:
    """Set the protocol's [task] event_annotations to ``texts``."""
    protocol = folder / "protocol.toml"
    named = ", ".join(json.dumps(text, ensure_ascii=False) for text in texts)
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'type = "eeg-events"\n', f'type = "eeg-events"\nevent_annotations = [{named}]\n'),
        encoding="utf-8")


def _hypnogram_case(folder: Path, shared_data: Path, reference: list[list[float]]):
    """r0's prediction is Sleep-EDF's SC4001 hypnogram (EDF+ annotations only, 154
    stages, 0-86400 s from 1989-04-24 16:13:00), its recording an EDF+ of 86400 s starting
    then (pyedflib), its reference ``reference``. Returns pyedflib's reading of the
    hypnogram: onsets, durations, texts."""
    import shutil

    import pyedflib

    hypnogram = shared_data / "eeg" / "SC4001EC-Hypnogram.edf"
    reader = pyedflib.EdfReader(str(hypnogram))
    try:
        start = reader.getStartdatetime()
        onsets, durations, texts = reader.readAnnotations()
    finally:
        reader.close()
    _edf(folder / "in" / "r0.edf", seconds=86400, record_s=60, channels=1, fs=1,
         start=start)
    (folder / "ref" / "r0.json").write_text(json.dumps({"events": reference}))
    (folder / "pred" / "r0.json").unlink()
    shutil.copy(hypnogram, folder / "pred" / "r0.edf")
    return onsets, durations, [str(t) for t in texts]


def test_a_hypnogram_as_prediction_fails_its_case_not_288_seizures(folder, shared_data):
    # Sleep-EDF's hypnogram given as r0's EDF+ prediction: every stage annotation was
    # read as a detected seizure - timescoring 0.0.7 on them counts 288 events (stages
    # longer than 5 min split), 286 false alarms against r0's two seizures. Its texts
    # are not events; the protocol names none, so r0 fails, the texts listed (counts by
    # collections.Counter on pyedflib's reading: 48, 40, 24, 23, 12, 6, 1)
    from collections import Counter

    from timescoring import scoring
    from timescoring.annotations import Annotation

    reference = [[300.0, 360.0], [5000.0, 5100.0]]
    onsets, durations, texts = _hypnogram_case(folder, shared_data, reference)
    before = scoring.EventScoring(
        Annotation([tuple(e) for e in reference], 10, 864000),
        Annotation([(o, o + d) for o, d in zip(onsets, durations)], 10, 864000))
    assert (len(before.hyp.events), before.tp, before.fp) == (288, 2, 284)
    counts = Counter(texts).most_common()
    assert [n for _, n in counts] == [48, 40, 24, 23, 12, 6, 1]
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r0"]["reason"] == "invalid-output"
    listed = ", ".join(f"{t!r} ({n})" for t, n in counts[:5])
    assert (f"r0.edf: its 154 annotations hold 7 different texts ({listed}, ... (7 texts)): "
            "which of them are detected events cannot be told; name the texts that are in "
            "the protocol's [task] event_annotations (e.g. event_annotations = [\"Sleep "
            "stage 3\"]") in failed["r0"]["detail"]
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    assert (r0["tp"], r0["fp"], r0["n_reference"]) == (0, 0, 2)  # worst case: missed


def test_event_annotations_choose_the_events_and_count_the_rest(folder, shared_data):
    # The same hypnogram, the protocol naming "Sleep stage 4" as the event text (a
    # stand-in): its 23 stage-4 annotations are the detections, scored as timescoring
    # scores them; the other 131 are left out and named with their counts. Reference:
    # 100-160 s in the first stage W (missed), 31540-31600 s in the third stage 4
    # (31530-31650 s, pyedflib's reading: found)
    from collections import Counter

    from timescoring import scoring
    from timescoring.annotations import Annotation

    reference = [[100.0, 160.0], [31540.0, 31600.0]]
    onsets, durations, texts = _hypnogram_case(folder, shared_data, reference)
    _name_events(folder, ["Sleep stage 4"])
    chosen = [(o, o + d) for o, d, t in zip(onsets, durations, texts) if t == "Sleep stage 4"]
    assert len(chosen) == 23
    peer = scoring.EventScoring(Annotation([tuple(e) for e in reference], 10, 864000),
                                Annotation(chosen, 10, 864000))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    data = json.loads(result.to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    assert r0["status"] == "ok"
    assert (r0["n_reference"], r0["tp"], r0["fp"]) == (peer.refTrue, peer.tp, peer.fp)
    assert (peer.refTrue, peer.tp) == (2, 1) and peer.fp > 0
    others = Counter(t for t in texts if t != "Sleep stage 4").most_common()
    listed = ", ".join(f"{t!r} ({n})" for t, n in others[:5])
    assert ("all cases: EDF+ prediction annotations whose text the protocol's "
            "event_annotations does not name were left out, not scored as detected events: "
            f"r0: 131, {listed}, ... (6 texts)") in result.warnings


def test_an_unnamed_annotation_without_duration_is_left_out_not_failed(folder):
    # a detector's EDF+ file with a marker ('Montage changed', no duration) beside its
    # seizure: unnamed, the two texts fail r0; named ["seizure"], the marker is left out
    _edf(folder / "in" / "r0.edf", seconds=RECORDINGS["r0"][2], record_s=10)
    (folder / "pred" / "r0.json").unlink()
    _annotations_edf(folder / "pred" / "r0.edf",
                     [(20.0, -1, "Montage changed"), (310.0, 10.0, " seizure ")])
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    assert {f["case_id"]: f["reason"] for f in data["failures"]["cases"]}["r0"] == (
        "invalid-output")
    _name_events(folder, ["seizure"])
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    data = json.loads(result.to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    # 310-320 s lies in r0's seizure 300-360 s (by hand): 1 TP of 2, no false alarm
    assert (r0["status"], r0["n_hypothesis"], r0["tp"], r0["fp"]) == ("ok", 1, 1, 0)
    assert any(w.endswith("not scored as detected events: r0: 1, 'Montage changed' (1)")
               for w in result.warnings)


@pytest.mark.parametrize(("texts", "why"), [
    ('["seizure", " "]', "each text must hold more than spaces"),
    ('["seizure", "seizure "]', "each text once"),
    ("[]", "at least 1 item"),
])
def test_event_annotations_are_texts_each_once(folder, texts, why):
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text().replace(
        'type = "eeg-events"\n', f'type = "eeg-events"\nevent_annotations = {texts}\n'))
    with pytest.raises(medeval.MedevalError, match=why):
        medeval.evaluate(protocol, folder / "pred")


@pytest.mark.parametrize(("write", "why"), [
    (lambda p: _annotations_edf(p, [(310.0, -1, "seizure onset")]),
     "r0.edf: 1 annotation(s) state no duration, the first 'seizure onset' at 310 s"),
    (lambda p: _annotations_edf(p, [(310.0, 10.0, "x")],
                                start=START + datetime.timedelta(hours=1)),
     # the header's date and time fields apart: '06.05.2408.08.09' read as a date in 2408
     "r0.edf starts at '06.05.24 08.08.09' (dd.mm.yy hh.mm.ss), its recording in/r0.edf "
     "at '06.05.24 07.08.09'"),
    (lambda p: _annotations_edf(p, [], plain=True), "r0.edf is plain EDF, which holds no "
     "annotations"),
    (lambda p: p.write_bytes(b"0       " + b" " * 300), "EDF file"),
])
def test_an_edf_prediction_that_cannot_be_scored_fails_its_case(folder, write, why):
    _edf(folder / "in" / "r0.edf", seconds=RECORDINGS["r0"][2], record_s=10)
    (folder / "pred" / "r0.json").unlink()
    write(folder / "pred" / "r0.edf")
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r0"]["reason"] == "invalid-output"
    assert why in failed["r0"]["detail"]


def test_a_json_and_an_edf_prediction_of_one_case_are_refused(folder):
    # r0's events both as JSON and as an EDF+ file (pyedflib): the JSON was read and the
    # EDF+ file's events went uncounted without a word (found in the ECG/EEG pass). A
    # case has one prediction: r0 fails, naming both files; the other cases are scored
    _edf(folder / "in" / "r0.edf", seconds=RECORDINGS["r0"][2], record_s=10)
    assert (folder / "pred" / "r0.json").is_file()
    _annotations_edf(folder / "pred" / "r0.edf", [(310.0, 10.0, "seizure")])
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r0"]["reason"] == "invalid-output"
    assert "2 prediction files (r0.json, r0.edf); keep one per case" in failed["r0"]["detail"]
    # without the EDF+ file, r0 is scored again (r3's failure is the fixture's own)
    (folder / "pred" / "r0.edf").unlink()
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    assert "r0" not in {f["case_id"] for f in data["failures"]["cases"]}


def test_a_time_past_any_float_fails_the_case_or_the_reference(folder):
    # JSON integers have no bound: float() of a 400-digit one overflows, and that
    # OverflowError stopped the whole evaluation. A detection so is r0's failure; a
    # reference duration so is the set's fault, said in words.
    huge = 10**400
    with pytest.raises(OverflowError):
        float(huge)
    (folder / "pred" / "r0.json").write_text(json.dumps({"events": [[huge, 1]]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r0"]["reason"] == "invalid-output"
    assert "(401 digits) is too large for any number a float can hold" in \
        failed["r0"]["detail"]
    (folder / "ref" / "r1.json").write_text(json.dumps({"duration_s": huge, "events": []}))
    with pytest.raises(medeval.MedevalError, match="duration_s is 1000.*, not a number a "
                       "float can hold"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_reference_written_on_windows_is_read_and_faults_are_in_words(folder):
    # A UTF-8 byte order mark (Notepad, PowerShell 5) was refused: "Unexpected UTF-8 BOM"
    # in a JSONDecodeError's repr; a missing key read KeyError('events').
    reference, _, duration = RECORDINGS["r1"]
    (folder / "ref" / "r1.json").write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"duration_s": duration, "events": reference}).encode())
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    assert [f["case_id"] for f in data["failures"]["cases"]] == ["r3"]  # r1 scored
    (folder / "ref" / "r1.json").write_text(json.dumps({"duration_s": duration}))
    with pytest.raises(medeval.MedevalError) as raised:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert str(raised.value).rstrip().endswith('[[start_s, end_s], ...]}: no "events"')
    (folder / "ref" / "r1.json").write_bytes(b"\xff\xfe{}")  # UTF-16
    with pytest.raises(medeval.MedevalError, match=r"not UTF-8 text \(line 1, byte 1 of "
                       r"the line, file offset 0: b'\\xff'\)"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_chb_mit_seizures_file_is_a_reference(folder, shared_data):
    # CHB-MIT's own chb06_04.edf.seizures (WFDB annotations, "[" and "]" at 256 Hz) as
    # r0's reference, its recording a 4-hour EDF (the real one is not in the data):
    # events as wfdb reads them, scored as timescoring 0.0.7 scores them.
    import shutil

    import wfdb
    from timescoring import scoring
    from timescoring.annotations import Annotation

    source = shared_data / "eeg" / "chb06_04.edf.seizures"
    shutil.copy(source, folder / "ref" / "chb06_04.edf.seizures")
    _edf(folder / "in" / "r0.edf", seconds=14400, record_s=1)
    manifest = (folder / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json",
                                                          "ref/chb06_04.edf.seizures"))
    detected = [[330, 350], [9000, 9020]]
    (folder / "pred" / "r0.json").write_text(json.dumps({"events": detected}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    marks = wfdb.rdann(str(source.with_suffix("")), "seizures")
    seconds = (marks.sample / marks.fs).tolist()
    reference = list(zip(seconds[0::2], seconds[1::2]))
    assert reference == [(327, 347), (6211, 6231)]
    peer = scoring.EventScoring(Annotation(reference, 10, 144000),
                                Annotation([tuple(e) for e in detected], 10, 144000))
    assert (r0["duration_s"], r0["n_reference"], r0["tp"], r0["fp"]) == (
        14400, peer.refTrue, peer.tp, peer.fp)
    assert (peer.tp, peer.fp) == (1, 1)
    # unpaired marks, or no EDF to give the length, are the set's fault
    wfdb.wrann("bad", "seizures", np.array([100, 200, 300]), symbol=["[", "]", "["],
               fs=256, write_dir=str(folder / "ref"))
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json", "ref/bad.seizures"))
    with pytest.raises(medeval.MedevalError, match=r"do not alternate in pairs \(\[\]\["):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json",
                                                          "ref/chb06_04.edf.seizures"))
    (folder / "in" / "r0.edf").write_text("x")
    with pytest.raises(medeval.MedevalError, match="seizures states no length and no input"
                       r".*: give the reference as JSON \{\"duration_s\""):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")  # not "give duration_s"


def test_seizure_marks_without_rate_count_at_the_edf_recordings_rate(folder, shared_data):
    # chb06_04's marks (wfdb.rdann: samples at 256 Hz) written again by wfdb.wrann without
    # fs, as a laboratory's own script writes them: the file states no time resolution
    # and no WFDB header is beside it. Its recording is an EDF at 256 Hz, whose samples
    # the marks count. Before, the set was refused ("states no sampling frequency and no
    # header r0.hea is beside it; put the record's header next to it"): an EDF recording
    # has no WFDB header.
    import wfdb
    from timescoring import scoring
    from timescoring.annotations import Annotation

    marks = wfdb.rdann(str(shared_data / "eeg" / "chb06_04.edf"), "seizures")
    assert marks.fs == 256
    wfdb.wrann("r0", "seizures", marks.sample, symbol=marks.symbol,
               write_dir=str(folder / "ref"))
    assert wfdb.rdann(str(folder / "ref" / "r0"), "seizures").fs is None
    _edf(folder / "in" / "r0.edf", seconds=6300, record_s=1, channels=1, fs=256)
    manifest = (folder / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json", "ref/r0.seizures"))
    detected = [[330, 350], [5000, 5020]]
    (folder / "pred" / "r0.json").write_text(json.dumps({"events": detected}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    reference = [(327, 347), (6211, 6231)]  # the samples over 256 Hz
    assert (marks.sample / 256).tolist() == [327, 347, 6211, 6231]
    peer = scoring.EventScoring(Annotation(reference, 10, 63000),
                                Annotation([tuple(e) for e in detected], 10, 63000))
    assert (r0["duration_s"], r0["n_reference"], r0["tp"], r0["fp"]) == (
        6300, peer.refTrue, peer.tp, peer.fp) == (6300, 2, 1, 1)


def test_a_seizure_running_past_its_recording_names_the_recording(folder, shared_data):
    # chb06_04's second seizure, 6211-6231 s as wfdb reads its marks, against a recording
    # (EDF+, pyedflib) of 6225 s: the reference gives no duration_s, the recording's
    # length stands for it. Before, the refusal spoke of a "duration_s = 6225.0" the
    # reference never gave, and named no recording.
    import shutil

    import wfdb

    source = shared_data / "eeg" / "chb06_04.edf.seizures"
    marks = wfdb.rdann(str(source.with_suffix("")), "seizures")
    assert (marks.sample[2:] / marks.fs).tolist() == [6211, 6231]
    shutil.copy(source, folder / "ref" / "chb06_04.edf.seizures")
    _edf(folder / "in" / "r0.edf", seconds=6225, record_s=1)
    manifest = (folder / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json",
                                                          "ref/chb06_04.edf.seizures"))
    with pytest.raises(medeval.MedevalError) as caught:
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    assert ("case r0: reference ref/chb06_04.edf.seizures: 1 event(s) end after the "
            "recording in/r0.edf does (6225 s: 6225 data records of 1 s), the first "
            "[6211, 6231] s: end each event by the recording's end") in str(caught.value)
    assert "duration_s" not in str(caught.value)
    # events in samples (83712-88832 at 256 Hz) start after it too: said to be seconds
    (folder / "ref" / "r0.json").write_text(json.dumps(
        {"events": [marks.sample[:2].tolist()]}))
    (folder / "manifest.csv").write_text(manifest)
    with pytest.raises(medeval.MedevalError, match=r"the first \[83712, 88832\] s: times "
                       r"are seconds from the recording's start"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")
    _edf(folder / "in" / "r0.edf", seconds=6231, record_s=1)  # long enough: scored
    (folder / "manifest.csv").write_text(manifest.replace("ref/r0.json",
                                                          "ref/chb06_04.edf.seizures"))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    assert (r0["duration_s"], r0["n_reference"]) == (6231, 2)


def test_an_edf_reference_is_refused_saying_why(folder, shared_data):
    # The real EDF+ (38 annotations T0/T1/T2) named as r1's reference: which annotations
    # are seizures cannot be told. Before: read as WFDB annotations, "states no sampling
    # frequency and no header ... is beside it".
    import shutil

    shutil.copy(shared_data / "eeg" / "test_edf_overlapping_annotations.edf",
                folder / "ref" / "r1.edf")
    manifest = (folder / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("ref/r1.json", "ref/r1.edf"))
    with pytest.raises(medeval.MedevalError, match=r"r1\.edf is an EDF file; which of its "
                       "annotations are the events cannot be told"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_detection_reaching_past_the_recording_is_cut_at_its_end(folder):
    # A detector's last windows reach past the signal: r1 (7200 s, seizure 100-150 s)
    # gets [140, 160] (a hit) and [7190, 7215] (a false alarm ending 15 s after the end);
    # r0 (14400 s) gets its hit and one ending 2.5 s after. Scored as timescoring scores
    # the uncut events on its 10 Hz mask of the recording (which cuts them), with a
    # warning; before, each such case failed as invalid-output.
    pytest.importorskip("timescoring")
    from timescoring import scoring as ts_scoring
    from timescoring.annotations import Annotation

    hypotheses = {"r1": [[140, 160], [7190, 7215]], "r0": [[310, 320], [14390, 14402.5]]}
    for rid, events in hypotheses.items():
        (folder / "pred" / f"{rid}.json").write_text(json.dumps({"events": events}))
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    rows = {row["case_id"]: row for row in result.cases}
    for rid, events in hypotheses.items():
        ref, _, duration = RECORDINGS[rid]
        n = round(duration * 10)
        peer = ts_scoring.EventScoring(
            Annotation([tuple(e) for e in ref], 10, n),
            Annotation([tuple(e) for e in events], 10, n),
            ts_scoring.EventScoring.Parameters())
        assert rows[rid]["status"] == "ok"
        assert (rows[rid]["tp"], rows[rid]["fp"]) == (peer.tp, peer.fp) == (1, 1)
    assert ("all cases: 2 detected event(s) in 2 recording(s) end after the recording, by "
            "up to 15 s, and were cut at its end, as timescoring cuts them: r0, r1"
            ) in result.warnings


def test_a_detection_starting_after_the_recording_still_fails_its_case(folder):
    # starting past the end is no window's overreach: times in another unit, or another
    # recording's; not cut, the case fails naming it
    (folder / "pred" / "r1.json").write_text(json.dumps({"events": [[7300, 7310]]}))
    data = json.loads(medeval.evaluate(folder / "protocol.toml", folder / "pred").to_json())
    failed = {f["case_id"]: f for f in data["failures"]["cases"]}
    assert failed["r1"]["reason"] == "invalid-output"
    assert failed["r1"]["detail"].startswith(
        "case r1: 1 detected event(s) start at or after the recording's end (7200 s), the "
        "first [7300, 7310] s")
    assert not [w for w in data["warnings"] if "cut at its end" in w]


def test_a_wfdb_recordings_header_gives_and_checks_its_length(tmp_path):
    # An EEG recording stored as a WFDB record (wfdb.wrsamp: 600 s at 256 Hz). Its
    # reference's duration_s of 700 s was taken without a check (an EDF input's length is
    # checked), so the false alarms per 24 h were counted over 700 s; and with no
    # duration_s the set was refused although the header states the length. Now the
    # header's frames / rate is the length, as wfdb.rdheader reads it; the false alarm
    # rate as timescoring counts it over that length.
    import wfdb
    from timescoring import scoring
    from timescoring.annotations import Annotation

    wfdb.wrsamp("w1", fs=256, units=["uV"], sig_name=["C3"],
                p_signal=np.zeros((600 * 256, 1)), fmt=["16"], write_dir=str(tmp_path))
    header = wfdb.rdheader(str(tmp_path / "w1"))
    length = header.sig_len / header.fs
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\nw1,p1,w1.hea,w1.dat,w1.json\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "w1.json").write_text(json.dumps({"events": [[100, 140], [400, 410]]}))
    (tmp_path / "w1.json").write_text(json.dumps({"duration_s": 700, "events": [[100, 150]]}))
    with pytest.raises(medeval.MedevalError, match=(
            r"case w1: reference w1.json: duration_s = 700 s, but its recording w1.hea lasts "
            r"600 s \(153600 frames at 256 Hz by its header\)")):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    (tmp_path / "w1.json").write_text(json.dumps({"events": [[100, 150]]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    n = round(length * 10)
    scored = scoring.EventScoring(Annotation([(100, 150)], 10, n),
                                  Annotation([(100, 140), (400, 410)], 10, n))
    assert (scored.tp, scored.fp) == (1, 1)
    assert result.metric("fp_per_24h").estimate.value == pytest.approx(scored.fpRate)


def test_wfdb_seizure_marks_without_rate_count_at_the_records_header_rate(tmp_path):
    # A WFDB EEG record (wfdb.wrsamp, 600 s at 256 Hz) and its seizure marks '[' ']'
    # written without fs, kept in another folder (wfdb.rdann there: fs None). The set was
    # refused ("states no sampling frequency and no header w1.hea is beside it") although
    # the manifest lists the record's header, whose rate the ECG task already uses. The
    # marks at samples 25600 and 38400 are 100 s and 150 s at 256 Hz (by hand); scored
    # against a detection of 100-140 s with timescoring.
    import wfdb
    from timescoring import scoring
    from timescoring.annotations import Annotation

    wfdb.wrsamp("w1", fs=256, units=["uV"], sig_name=["C3"],
                p_signal=np.zeros((600 * 256, 1)), fmt=["16"], write_dir=str(tmp_path))
    (tmp_path / "refs").mkdir()
    wfdb.wrann("w1", "seizures", np.array([25600, 38400]), symbol=["[", "]"],
               write_dir=str(tmp_path / "refs"))
    assert wfdb.rdann(str(tmp_path / "refs" / "w1"), "seizures").fs is None
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "w1,p1,w1.hea,w1.dat,refs/w1.seizures\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "w1.json").write_text(json.dumps({"events": [[100, 140]]}))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    scored = scoring.EventScoring(Annotation([(100, 150)], 10, 6000),
                                  Annotation([(100, 140)], 10, 6000))
    events = json.loads(result.to_json())["tables"]["events"]
    assert (events["n_reference"], events["tp"], events["fp"]) == (
        scored.refTrue, scored.tp, scored.fp) == (1, 1, 0)


def test_every_recording_failed_leaves_the_false_alarm_rate_undefined(folder, tmp_path):
    # Worst case: a failed recording adds no time to the false alarms per 24 h. With
    # every recording failed the rate is 0 false alarms over 0 s, undefined; before,
    # their hours made it 0 per 24 h, a PASS of any false-alarm criterion by an
    # algorithm that produced nothing. Said in English and in Korean.
    from medeval.report.notes_ko import warning_ko

    empty = tmp_path / "none"
    empty.mkdir()
    result = medeval.evaluate(folder / "protocol.toml", empty)
    assert result.flow.scored == 0
    rate = result.metric("fp_per_24h").estimate
    assert math.isnan(rate.value) and math.isnan(rate.low) and math.isnan(rate.high)
    [warning] = [w for w in result.warnings if w.startswith("all cases: fp_per_24h")]
    assert warning == (f"all cases: fp_per_24h: no recording time scored (0 s) in any of the "
                       f"{len(RECORDINGS)} recording(s), so the pooled fp_per_24h is "
                       "undefined (NaN)")
    assert "채점된 기록 시간이 없어 (0초)" in warning_ko(warning)
    verdicts = {v.metric: v.outcome for v in result.verdicts}
    assert verdicts["fp_per_24h"] == "INCONCLUSIVE"  # the example's goal: at most 10


def test_a_multi_segment_records_length_is_its_own_headers(tmp_path):
    # An EEG recording stored as a multi-segment WFDB record: two 300-s segments
    # (wfdb.wrsamp) and the record's own header 'w1/2 1 256 153600'. The manifest lists
    # the segments' headers first (as a column order may); the length was the first
    # header's, a segment's 300 s: without duration_s the false alarms per 24 h were
    # counted over 300 s (288 where timescoring counts 144 over the record's 600 s),
    # silently, and with duration_s = 600 the set was refused ('its recording w1_1.hea
    # lasts 300 s'). The length is now the record's own header's, as wfdb.rdheader reads
    # the multi-segment record (sig_len / fs).
    import wfdb
    from timescoring import scoring
    from timescoring.annotations import Annotation

    for k in (1, 2):
        wfdb.wrsamp(f"w1_{k}", fs=256, units=["uV"], sig_name=["C3"],
                    p_signal=np.zeros((300 * 256, 1)), fmt=["16"], write_dir=str(tmp_path))
    (tmp_path / "w1.hea").write_text("w1/2 1 256 153600\nw1_1 76800\nw1_2 76800\n")
    record = wfdb.rdheader(str(tmp_path / "w1"))
    length = record.sig_len / record.fs
    assert type(record).__name__ == "MultiRecord" and length == 600
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_seg1,input_dat1,input_seg2,input_dat2,input_header,"
        "reference\nw1,p1,w1_1.hea,w1_1.dat,w1_2.hea,w1_2.dat,w1.hea,w1.json\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "w1.json").write_text(json.dumps({"events": [[100, 140], [250, 260]]}))
    n = round(length * 10)
    scored = scoring.EventScoring(Annotation([(100, 150)], 10, n),
                                  Annotation([(100, 140), (250, 260)], 10, n))
    assert (scored.tp, scored.fp) == (1, 1)
    for reference in ({"events": [[100, 150]]}, {"duration_s": 600, "events": [[100, 150]]}):
        (tmp_path / "w1.json").write_text(json.dumps(reference))
        result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
        assert result.metric("fp_per_24h").estimate.value == pytest.approx(scored.fpRate)
        assert result.cases[0]["duration_s"] == length


def test_wfdb_rhythm_changes_without_event_marks_are_refused(tmp_path):
    # Atrial-fibrillation episodes as MIT-BIH writes them: rhythm changes ('+' with aux
    # '(AFIB' / '(N', wfdb.wrann), no '[' ']' marks. The task read them as no event: both
    # detections of the two AF episodes (310-490 s, 805-895 s) counted as false alarms
    # (fp_per_24h 2 / 1200 s x 86400 = 144), sensitivity NaN, manifest check OK. Now the
    # set is refused, naming what the file holds; a file of marks is still read.
    import wfdb

    wfdb.wrsamp("af1", fs=250, units=["mV"], sig_name=["ECG"],
                p_signal=np.zeros((1200 * 250, 1)), fmt=["16"], write_dir=str(tmp_path))
    wfdb.wrann("af1", "atr", np.array([0, 300, 500, 800, 900]) * 250, symbol=["+"] * 5,
               aux_note=["(N", "(AFIB", "(N", "(AFIB", "(N"], fs=250,
               write_dir=str(tmp_path))
    assert wfdb.rdann(str(tmp_path / "af1"), "atr").aux_note[1] == "(AFIB"
    (tmp_path / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "af1,p1,af1.hea,af1.dat,af1.atr\n")
    (tmp_path / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "af1.json").write_text(json.dumps({"events": [[310, 490], [805, 895]]}))
    with pytest.raises(medeval.MedevalError, match=r"af1\.atr: it holds 5 annotation\(s\) "
                       r"\('\+ \(N' x3, '\+ \(AFIB' x2\), and no '\['"):
        medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    wfdb.wrann("af1", "atr", np.array([300, 500]) * 250, symbol=["[", "]"], fs=250,
               write_dir=str(tmp_path))
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    events = json.loads(result.to_json())["tables"]["events"]
    assert (events["n_reference"], events["tp"], events["fp"]) == (1, 1, 1)


def test_a_discontinuous_edf_input_without_duration_is_named(folder):
    # r0's input an EDF+ file by pyedflib with its reserved field set to EDF+D (gaps
    # between data records; pyedflib then refuses to open it), its reference without
    # duration_s. The refusal said 'no input of the case is an EDF/BDF file ... stating
    # its length', of a case whose input is an EDF file; it now names the input as
    # discontinuous, with the remedy manifest check --read-files gives.
    import pyedflib

    edf = folder / "in" / "r0.edf"
    _edf(edf, seconds=20, record_s=1)
    head = bytearray(edf.read_bytes())
    head[192:197] = b"EDF+D"
    edf.write_bytes(bytes(head))
    with pytest.raises(OSError, match="discontinuous"):
        pyedflib.EdfReader(str(edf))
    (folder / "ref" / "r0.json").write_text(json.dumps({"events": [[3, 5]]}))
    with pytest.raises(medeval.MedevalError, match=r"r0\.json has no \"duration_s\", and its "
                       r"input in/r0\.edf is discontinuous \(EDF\+D .*export the recording as "
                       r"one continuous file \(EDF\+C, BDF\+C\), or give duration_s"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_an_annotation_only_edf_input_without_duration_is_named(folder, shared_data):
    # A lab user listed Sleep-EDF's hypnogram SC4001EC-Hypnogram.edf (the PSG signals not
    # at hand) as r0's input, its reference without duration_s. pyedflib reads no signal
    # and a length of 0 s from it; the refusal said 'no input of the case is an EDF/BDF
    # file', of an EDF input. It now names the input as annotation-only, not the recording.
    import shutil

    import pyedflib

    hypnogram = shared_data / "eeg" / "SC4001EC-Hypnogram.edf"
    reader = pyedflib.EdfReader(str(hypnogram))
    try:
        assert (reader.signals_in_file, reader.getFileDuration()) == (0, 0)
    finally:
        reader.close()
    shutil.copy(hypnogram, folder / "in" / "r0.edf")
    (folder / "ref" / "r0.json").write_text(json.dumps({"events": [[3, 5]]}))
    with pytest.raises(medeval.MedevalError, match=r"r0\.json has no \"duration_s\", and its "
                       r"input in/r0\.edf is an annotation-only EDF\+ \(no signal; its header "
                       r"states 0 s\), not the recording: list the recording's EDF file as "
                       r"the input, or give duration_s"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred")


def test_a_korean_text_written_decomposed_is_the_text_the_protocol_names(folder):
    # a tool on macOS may write '발작' decomposed (NFD: 6 jamo, not 2 syllables); the
    # protocol's "발작" (NFC, as typed) named nothing, so the seizure was left out, and the
    # warning listed '발작' (1), the same text to the eye. Compared in NFC: 1 TP (by hand)
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "발작")
    assert decomposed != "발작" and len(decomposed) == 6
    _edf(folder / "in" / "r0.edf", seconds=RECORDINGS["r0"][2], record_s=10)
    (folder / "pred" / "r0.json").unlink()
    _annotations_edf(folder / "pred" / "r0.edf",
                     [(20.0, -1, "Montage changed"), (310.0, 10.0, decomposed)])
    _name_events(folder, ["발작"])
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred")
    data = json.loads(result.to_json())
    r0 = dict(zip(data["case_columns"], next(c for c in data["cases"] if c[0] == "r0")))
    # 310-320 s lies in r0's seizure 300-360 s: 1 TP of 2, no false alarm
    assert (r0["status"], r0["n_hypothesis"], r0["tp"], r0["fp"]) == ("ok", 1, 1, 0)
    assert any(w.endswith("not scored as detected events: r0: 1, 'Montage changed' (1)")
               for w in result.warnings)

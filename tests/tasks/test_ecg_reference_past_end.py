"""Reference beats after the record's end: bxb leaves them unscored, and the result says
so (an annotation file longer than its record, as a record cut short with its whole
annotation file beside it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecg-beats"
BEATS = set("NLRBAaJSVrFejnE/fQ?")  # WFDB's beat codes (isqrs)


def _record_100(shared_data: Path, folder: Path, frames: int) -> None:
    """MIT-BIH 100 with its whole .atr, its header stating ``frames``, and the .qrs
    detections up to that frame as the JSON prediction."""
    import wfdb

    source = shared_data / "ecg" / "mitdb"
    for ext in ("dat", "atr"):
        shutil.copy(source / f"100.{ext}", folder / f"100.{ext}")
    header = (source / "100.hea").read_text()
    assert "100 2 360 650000\n" in header
    (folder / "100.hea").write_text(header.replace("100 2 360 650000\n",
                                                   f"100 2 360 {frames}\n"))
    assert wfdb.rdheader(str(folder / "100")).sig_len == frames
    (folder / "manifest.csv").write_text(
        "case_id,patient_id,input_header,input_signal,reference\n"
        "100,p100,100.hea,100.dat,100.atr\n")
    (folder / "protocol.toml").write_text((EXAMPLE / "protocol.toml").read_text())
    qrs = wfdb.rdann(str(source / "100"), "qrs")
    kept = qrs.sample <= frames
    (folder / "pred").mkdir()
    (folder / "pred" / "100.json").write_text(json.dumps(
        {"fs": 360, "samples": qrs.sample[kept].tolist()}))


@pytest.mark.parametrize("predicted", [True, False])
def test_reference_beats_after_the_records_end_are_warned_of(shared_data, tmp_path,
                                                             predicted):
    # The header says 216000 frames (600 s), the .atr runs to 30 min: before, 1513 of
    # its 2273 beats (its one V beat among them) went unscored without a word, the QRS
    # figures resting on the 389 beats of minutes 5-10 alone. bxb stops at the record's
    # end too, so the counts stay; a failed record (no prediction) is said the same.
    import wfdb
    from wfdb import processing

    _record_100(shared_data, tmp_path, 216000)
    if not predicted:
        (tmp_path / "pred" / "100.json").unlink()
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    atr = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "atr")
    ref = np.array([t for t, c in zip(atr.sample, atr.symbol) if c in BEATS])
    late = ref[ref / 360 > 600 + 0.15]
    assert (late.size, late[-1]) == (1513, 649991)  # 649991 / 360 = 1805.53 s
    facts = [w for w in result.warnings if "reference beat(s)" in w]
    assert facts == [
        "all cases: 1513 reference beat(s) in 1 record(s) lie after the record's end and "
        "were not scored, as bxb leaves them (an annotation file longer than its record: "
        "the signal cut short and not its annotations, a header stating fewer frames, "
        "another record's file): 100: 1513, the last at 1805.53 s of 600 s"]
    # the figures as bxb's: beats from 5 min to the record's end (compare_annotations'
    # strict 55 samples is bxb's inclusive 54 at 360 Hz; these beats lie further apart)
    scored = ref[(ref >= 108000) & (ref <= 216000)]
    tp = 0  # no prediction: every beat missed (compare_annotations takes no empty test)
    if predicted:
        qrs = wfdb.rdann(str(shared_data / "ecg" / "mitdb" / "100"), "qrs")
        tp = processing.compare_annotations(
            scored, qrs.sample[(qrs.sample >= 108000) & (qrs.sample <= 216000)], 55).tp
    se = result.metric("qrs_sensitivity").estimate
    assert (se.numerator, se.n) == (tp, scored.size) == ((389 if predicted else 0), 389)


def test_a_reference_ending_within_its_record_is_not_warned_of(shared_data, tmp_path):
    # Record 100 as it is: its last beat at sample 649991 of 650000
    _record_100(shared_data, tmp_path, 650000)
    result = medeval.evaluate(tmp_path / "protocol.toml", tmp_path / "pred")
    assert not [w for w in result.warnings if "reference beat(s)" in w]
    assert result.metric("qrs_sensitivity").estimate.n == 1902


def test_manifest_check_names_reference_beats_after_the_records_end(shared_data, tmp_path):
    # the laboratory's check of the set, before any prediction: the same word, on stderr
    import subprocess
    import sys

    _record_100(shared_data, tmp_path, 216000)
    done = subprocess.run(
        [sys.executable, "-m", "medeval", "manifest", "check", str(tmp_path / "manifest.csv"),
         "--protocol", str(tmp_path / "protocol.toml"), "--read-files"],
        capture_output=True, text=True, check=False)
    assert "1513 reference beat(s) in 1 record(s) lie after the record's end" in done.stderr
    assert "100: 1513, the last at 1805.53 s of 600 s" in done.stderr

"""Rebuild this example's held-out set (not needed to run the example: its output is
committed). Synthetic data made here from a fixed seed; no third-party data.

6 scalp EEG recordings of 3 patients, 100 s each, written with pyedflib as EDF+
(``recordings/<case>.edf``: two bipolar channels, F7-T7 and F8-T8, 64 Hz, in uV; no
annotation, since the algorithm must not see the answer): background activity, and in 4
recordings one seizure, a rhythmic 3-6 Hz discharge of 100-200 uV lasting 15-30 s.
``references/<case>.json`` holds the seizures as ``{"duration_s": 100, "events":
[[start_s, end_s]]}``; ``predictions/<case>.json`` a detector's output ``{"events":
[[start_s, end_s], ...]}``: it finds E-01's and E-03's seizures (late, early), raises a
false alarm in the seizure-free E-02 and misses E-04's; E-05 has no prediction file and
E-06's is not a list of events.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261207
FS = 64
DURATION_S = 100
CHANNELS = ("EEG F7-T7", "EEG F8-T8")
PATIENTS = ["Z01", "Z01", "Z02", "Z02", "Z03", "Z03"]
#: Seizures (start, end) in seconds, per recording; None: seizure-free.
SEIZURES = [(31.0, 52.0), None, (58.5, 85.0), (20.0, 36.5), (44.0, 70.0), None]
#: What the detector reports (before the broken cases are broken).
DETECTED = [[[35.0, 50.0]], [[60.0, 71.0]], [[55.0, 80.0]], [], [[45.0, 69.0]], []]
MISSING, INVALID = 4, 5


def recording(rng: np.random.Generator, seizure: tuple[float, float] | None) -> np.ndarray:
    """Two channels of synthetic EEG in uV, shape (2, FS * DURATION_S)."""
    from scipy import signal

    n = FS * DURATION_S
    t = np.arange(n) / FS
    # background: 1/f-like noise around 20 uV, plus a little 10 Hz alpha
    b, a = signal.butter(2, [0.5, 25.0], btype="band", fs=FS)
    data = np.stack([signal.lfilter(b, a, rng.normal(0.0, 40.0, n)) for _ in CHANNELS])
    data += 5.0 * np.sin(2 * np.pi * 10.0 * t + rng.uniform(0, 2 * np.pi, (2, 1)))
    if seizure is not None:
        start, end = seizure
        inside = (t >= start) & (t < end)
        phase = (t[inside] - start) / (end - start)
        frequency = 6.0 - 3.0 * phase  # the discharge slows as it evolves
        amplitude = 100.0 + 100.0 * np.sin(np.pi * phase)
        wave = amplitude * np.sin(2 * np.pi * np.cumsum(frequency) / FS)
        data[:, inside] += wave * np.array([[1.0], [0.6]])
    return data


def write_edf(path: Path, data: np.ndarray, patient: str) -> None:
    import pyedflib

    writer = pyedflib.EdfWriter(str(path), len(CHANNELS), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        writer.setSignalHeaders([
            {"label": name, "dimension": "uV", "sample_frequency": FS,
             "physical_min": -1000.0, "physical_max": 1000.0, "digital_min": -32768,
             "digital_max": 32767, "transducer": "AgAgCl electrode", "prefilter": ""}
            for name in CHANNELS])
        writer.setPatientCode(patient)
        writer.setStartdatetime(dt.datetime(2026, 1, 1, 9, 0, 0))
        writer.setDatarecordDuration(10)  # 10 records, not 100: less EDF+ overhead
        writer.writeSamples(np.ascontiguousarray(data))
    finally:
        writer.close()


def main() -> None:
    rng = np.random.default_rng(SEED)
    for folder in ("recordings", "references", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
    rows = []
    for k, patient in enumerate(PATIENTS):
        case = f"E-{k + 1:02d}"
        write_edf(HERE / "recordings" / f"{case}.edf", recording(rng, SEIZURES[k]), patient)
        events = [] if SEIZURES[k] is None else [list(SEIZURES[k])]
        (HERE / "references" / f"{case}.json").write_text(
            json.dumps({"duration_s": DURATION_S, "events": events}) + "\n")
        prediction = HERE / "predictions" / f"{case}.json"
        if k == INVALID:
            prediction.write_text('{"events": "none found"}\n')
        elif k != MISSING:
            prediction.write_text(json.dumps({"events": DETECTED[k]}) + "\n")
        rows.append([case, patient, f"recordings/{case}.edf", f"references/{case}.json"])
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input", "reference"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()

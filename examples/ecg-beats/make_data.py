"""Rebuild this example's held-out set (not needed to run the example: its output is
committed).

Four single-lead ECG records of four patients, 6 minutes each (EC57 scores the beats
after a 5-minute learning period), as WFDB records (``records/<name>.hea`` + ``.dat``,
format 212) with reference beat annotations (``references/<name>.atr``), written with
wfdb-python:

- ``100``: MIT-BIH Arrhythmia Database record 100, its first 6 minutes, lead MLII only,
  and its reference annotations over the same span, cut from the excerpt medeval's demo
  ships (``medeval/demo/ecg``; credits and licence in README.md). The samples are the
  database's own digital values, unchanged.
- ``syn01`` .. ``syn03``: synthetic ECG made here from a fixed seed (128 Hz, 200 adu/mV):
  beats built from Gaussian P, Q, R, S and T waves with heart-rate variability, baseline
  wander and noise; some premature supraventricular beats (A: earlier, another P wave)
  and premature ventricular beats (V: wide QRS, inverted T, compensatory pause).

``predictions/<case>.json`` is the output of a simple detector and classifier on each
record's signal: wfdb-python's XQRS finds the beats, and a beat is called V when it comes
early (RR interval below 80 % of the record's median), N otherwise. It therefore calls
the premature supraventricular beats V too. ``syn03`` has no prediction file.

    python3 make_data.py
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261208
MINUTES = 6
SYNTHETIC_FS = 128
GAIN = 200.0  # adu/mV
MISSING = "syn03"

#: Gaussian waves (amplitude mV, centre s relative to the R peak, width s) per beat type.
WAVES = {
    "N": [(0.15, -0.20, 0.025), (-0.10, -0.03, 0.010), (1.10, 0.0, 0.012),
          (-0.25, 0.03, 0.012), (0.30, 0.25, 0.050)],
    "A": [(0.10, -0.15, 0.020), (-0.10, -0.03, 0.010), (1.05, 0.0, 0.012),
          (-0.25, 0.03, 0.012), (0.28, 0.24, 0.050)],
    "V": [(1.40, 0.0, 0.040), (-0.50, 0.08, 0.040), (-0.40, 0.32, 0.070)],
}


def synthetic_record(rng: np.random.Generator) -> tuple[np.ndarray, list[int], list[str]]:
    """Digital samples (int, adu) and the reference beats (sample, symbol)."""
    fs, n = SYNTHETIC_FS, SYNTHETIC_FS * 60 * MINUTES
    base_rr = rng.uniform(0.7, 1.0)
    p_v, p_a = rng.uniform(0.04, 0.09), rng.uniform(0.02, 0.05)
    samples, symbols = [], []
    t, previous = 0.6, "N"
    while True:
        kind = "N"
        if previous == "N":
            kind = "V" if rng.random() < p_v else "A" if rng.random() < p_a else "N"
        rr = base_rr * (1 + 0.03 * rng.normal())
        if kind == "V":
            rr *= 0.65
        elif kind == "A":
            rr *= 0.72
        if previous == "V":  # compensatory pause
            rr = 2 * base_rr - (samples[-1] - samples[-2]) / fs if len(samples) > 1 else rr
        t += rr
        if t > n / fs - 0.6:
            break
        samples.append(int(round(t * fs)))
        symbols.append(kind)
        previous = kind
    time = np.arange(n) / fs
    ecg = 0.1 * np.sin(2 * np.pi * 0.2 * time + rng.uniform(0, 2 * np.pi))
    ecg += rng.normal(0.0, 0.02, n)
    for sample, kind in zip(samples, symbols):
        lo, hi = max(0, sample - fs // 2), min(n, sample + fs)
        local = time[lo:hi] - sample / fs
        for amplitude, centre, width in WAVES[kind]:
            ecg[lo:hi] += amplitude * np.exp(-0.5 * ((local - centre) / width) ** 2)
    return np.round(ecg * GAIN).astype(np.int64), samples, symbols


def detect(signal_mv: np.ndarray, fs: float) -> dict[str, object]:
    """XQRS beats; V when premature (RR < 80 % of the median), N otherwise."""
    from wfdb import processing

    beats = np.asarray(processing.xqrs_detect(signal_mv, fs=fs, verbose=False), dtype=int)
    rr = np.diff(beats)
    early = np.concatenate([[False], rr < 0.8 * np.median(rr)])
    return {"fs": fs, "samples": beats.tolist(),
            "symbols": ["V" if e else "N" for e in early]}


def write_record(name: str, digital: np.ndarray, fs: float, lead: str, gain: float,
                 baseline: int, comments: list[str]) -> None:
    import wfdb

    wfdb.wrsamp(name, fs=fs, units=["mV"], sig_name=[lead],
                d_signal=digital.reshape(-1, 1).astype(np.int64), fmt=["212"],
                adc_gain=[gain], baseline=[baseline], comments=comments,
                write_dir=str(HERE / "records"))


def main() -> None:
    import wfdb

    for folder in ("records", "references", "predictions"):
        (HERE / folder).mkdir(exist_ok=True)
    rows = []
    # MIT-BIH record 100: the first MINUTES minutes of lead MLII, as the database has them.
    demo = resources.files("medeval") / "demo" / "ecg"
    with resources.as_file(demo / "100.hea") as header:
        name = str(Path(header).with_suffix(""))
        end = 360 * 60 * MINUTES
        record = wfdb.rdrecord(name, sampto=end, channels=[0], physical=False)
        atr = wfdb.rdann(name, "atr", sampto=end)
    write_record("100", record.d_signal[:, 0], 360, "MLII", record.adc_gain[0],
                 record.baseline[0], list(record.comments))
    wfdb.wrann("100", "atr", atr.sample, atr.symbol, aux_note=atr.aux_note, fs=360,
               write_dir=str(HERE / "references"))
    physical = (record.d_signal[:, 0] - record.baseline[0]) / record.adc_gain[0]
    predictions = {"mitdb-100": detect(physical, 360.0)}
    rows.append(["mitdb-100", "mitdb-100", "records/100.hea", "records/100.dat",
                 "references/100.atr", "MIT-BIH"])
    rng = np.random.default_rng(SEED)
    for k in range(1, 4):
        name = f"syn{k:02d}"
        digital, samples, symbols = synthetic_record(rng)
        write_record(name, digital, SYNTHETIC_FS, "II", GAIN, 0,
                     ["synthetic ECG (medeval example), not a patient's"])
        wfdb.wrann(name, "atr", np.asarray(samples), symbols, fs=SYNTHETIC_FS,
                   write_dir=str(HERE / "references"))
        predictions[name] = detect(digital / GAIN, float(SYNTHETIC_FS))
        rows.append([name, f"S{k:02d}", f"records/{name}.hea", f"records/{name}.dat",
                     f"references/{name}.atr", "synthetic"])
    for case, prediction in predictions.items():
        if case != MISSING:
            (HERE / "predictions" / f"{case}.json").write_text(json.dumps(prediction) + "\n")
    with (HERE / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case_id", "patient_id", "input_header", "input_signal", "reference",
                         "source"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()

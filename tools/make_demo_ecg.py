"""Build the demo's ECG record shipped in src/medeval/demo/ecg/ (run once; needs wfdb).

Source: MIT-BIH Arrhythmia Database record 100 (PhysioNet, ODC-By 1.0), as the
wfdb-python repository ships it in ``sample-data/`` (MIT licence); this repository keeps
a copy under ``/work/shared/data/ecg/mitdb/`` (give another folder as the argument).

The excerpt is the record's first 10 minutes (216,000 samples at 360 Hz), both
channels (MLII, V5), in the original format 212 with the original gains and baselines,
the header comments less the line "unnecessary comment" that wfdb-python's copy adds,
and the reference annotations (``.atr``) of that span: every beat and the rhythm label
``+`` ``(N`` at sample 18, kept as the database has it (the ECG task scores beat
symbols only). With the EC57 learning period of 5 minutes, 5 minutes are scored.

    python tools/make_demo_ecg.py [SOURCE_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import wfdb

SOURCE = Path("/work/shared/data/ecg/mitdb")
OUT = Path(__file__).resolve().parents[1] / "src" / "medeval" / "demo" / "ecg"
RECORD = "100"
MINUTES = 10


def main(source: Path = SOURCE) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    header = wfdb.rdheader(str(source / RECORD))
    stop = int(MINUTES * 60 * header.fs)
    record = wfdb.rdrecord(str(source / RECORD), sampto=stop, physical=False)
    # The checksums of the header are the full record's: recompute them for the excerpt.
    # (The WFDB checksum: the sum of the samples as a signed 16-bit number.)
    record.checksum = [((int(np.sum(column.astype(np.int64))) + 32768) & 0xFFFF) - 32768
                       for column in record.d_signal.T]
    # wfdb-python's copy adds a first comment line of its own; PhysioNet's header has
    # only the patient's age, sex and medications.
    record.comments = [c for c in record.comments if c != "unnecessary comment"]
    record.wrsamp(write_dir=str(OUT))
    annotation = wfdb.rdann(str(source / RECORD), "atr", sampto=stop - 1)
    keep = np.asarray(annotation.sample) < stop
    aux = [a if a else "" for a in annotation.aux_note]
    wfdb.wrann(
        RECORD, "atr", np.asarray(annotation.sample)[keep],
        symbol=list(np.asarray(annotation.symbol)[keep]),
        aux_note=list(np.asarray(aux, dtype=object)[keep]), fs=annotation.fs,
        write_dir=str(OUT),
    )
    # Read back: the excerpt is the original's first samples, bit for bit.
    again = wfdb.rdrecord(str(OUT / RECORD), physical=False)
    assert np.array_equal(again.d_signal, record.d_signal)
    beats = wfdb.rdann(str(OUT / RECORD), "atr")
    assert list(beats.sample) == list(np.asarray(annotation.sample)[keep])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)

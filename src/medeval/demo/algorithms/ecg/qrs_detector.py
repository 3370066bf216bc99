"""The demo's ECG algorithm: a QRS detector (wfdb-python's XQRS) on the first channel.

A medeval Python plugin (``qrs_detector.py:QrsDetector``). Each case's inputs are a
WFDB record's header (``.hea``) and signal (``.dat``); the plugin detects the QRS
complexes on the record's first channel with :func:`wfdb.processing.xqrs_detect` and
returns the beats as ``{"fs": ..., "samples": [...], "symbols": [...]}``, every beat
labelled ``"N"``: it detects beats, it does not classify them, so its VEB and SVEB
sensitivities are 0 by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class QrsDetector:
    """QRS detection with XQRS (wfdb-python), all beats labelled normal."""

    def predict(self, case: Any) -> dict[str, Any]:
        """Detect the beats of the case's record."""
        import wfdb
        from wfdb import processing

        headers = [Path(p) for p in case.input_paths if str(p).endswith(".hea")]
        if len(headers) != 1:
            raise ValueError(f"case {case.case_id}: expected one WFDB header (.hea) among "
                             f"the inputs, got {len(headers)}")
        header = headers[0]
        record = wfdb.rdrecord(str(header.with_suffix("")), channels=[0])
        samples = processing.xqrs_detect(record.p_signal[:, 0], fs=record.fs, verbose=False)
        beats = [int(s) for s in samples]
        return {"fs": float(record.fs), "samples": beats, "symbols": ["N"] * len(beats)}

"""Ctrl-C while evaluate scores (found in the scale pass: 37,500 frames' masks scored for
minutes, and Ctrl-C then brought the prompt back without a word on what was kept)."""

from __future__ import annotations

import _thread
import csv
import shutil
import sys
import threading
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _larger_polyp_set(folder: Path, copies: int) -> None:
    """The polyp-segmentation example with each frame listed ``copies`` times under new
    case ids (its own copy of the files, so that no file is shared by two cases)."""
    shutil.copytree(EXAMPLES / "polyp-segmentation", folder,
                    ignore=shutil.ignore_patterns("result"))
    with open(folder / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for k in range(copies):
        for row in rows:
            case = {**row, "case_id": f"{row['case_id']}-{k}"}
            for column in ("input", "reference"):
                source = folder / row[column]
                case[column] = f"{source.parent.name}/{case['case_id']}{source.suffix}"
                shutil.copy(source, folder / case[column])
            prediction = folder / "predictions" / f"{row['case_id']}.png"
            if prediction.exists():
                shutil.copy(prediction, folder / "predictions" / f"{case['case_id']}.png")
            out.append(case)
    for row in rows:  # the originals leave the set
        for name in (row["input"], row["reference"], f"predictions/{row['case_id']}.png"):
            (folder / name).unlink(missing_ok=True)
    with open(folder / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out)


def _interrupt_once_scoring(main_thread: int, seen: threading.Event) -> None:
    """Raise KeyboardInterrupt in the main thread (as Ctrl-C's SIGINT does) once it is
    inside medeval's scoring loop."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(main_thread)
        while frame is not None:
            if frame.f_code.co_name == "score_cases":
                seen.set()
                _thread.interrupt_main()
                return
            frame = frame.f_back
        time.sleep(0.001)


def test_ctrl_c_while_scoring_says_nothing_was_written(tmp_path, capsys):
    from medeval.cli import main

    folder = tmp_path / "seg"
    _larger_polyp_set(folder, copies=20)  # 300 frames: some seconds of scoring
    seen = threading.Event()
    watcher = threading.Thread(target=_interrupt_once_scoring,
                               args=(threading.get_ident(), seen), daemon=True)
    watcher.start()
    status = main(["evaluate", str(folder / "protocol.toml"), "--predictions",
                   str(folder / "predictions"), "--out", str(tmp_path / "out"),
                   "--workers", "1"])
    watcher.join()
    assert seen.is_set()  # it was interrupted while scoring, as a tester's Ctrl-C
    assert status == 130
    err = capsys.readouterr().err
    assert "medeval: interrupted: no result was written" in err
    assert not (tmp_path / "out" / "result.json").exists()

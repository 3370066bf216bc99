"""Facts the example READMEs state about their files, checked against the files (the
user pass found two that had drifted: multiclass said 12 right and 4 one grade off,
detection gave its frames as 48 x 64)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_multiclass_readme_counts_right_and_off_answers():
    folder = EXAMPLES / "multiclass-classification"
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    grades = ["G1", "G2", "G3"]
    right, off = 0, []
    for row in rows:
        file = folder / "predictions" / f"{row['case_id']}.json"
        if not file.is_file():
            continue
        label = json.loads(file.read_text(encoding="utf-8"))["label"]
        if label == row["reference"]:
            right += 1
        elif label in grades and abs(grades.index(label) - grades.index(row["reference"])) == 1:
            off.append(f"`{row['case_id']}`, {row['reference']} read as {label}"
                       if not off else f"`{row['case_id']}`, {row['reference']} as {label}")
    readme = " ".join((folder / "README.md").read_text(encoding="utf-8").split())
    assert f"{right} right, {len(off)} one grade off ({'; '.join(off)})" in readme
    assert f"(accuracy {right}/{len(rows)})" in readme


def test_detection_readme_gives_the_frame_size_as_pillow_reads_it():
    folder = EXAMPLES / "detection"
    sizes = {Image.open(path).size for path in (folder / "frames").glob("*.png")}
    ((columns, rows),) = sizes
    readme = " ".join((folder / "README.md").read_text(encoding="utf-8").split())
    assert f"{columns} x {rows} pixels (columns x rows)" in readme


def test_breast_ultrasound_readme_takes_the_plugin_from_the_protocols_folder(
        tmp_path, monkeypatch):
    # The README said the plugin's path is "relative to the folder the command runs in";
    # medeval takes it from the protocol's folder, as the manifest (docs/runner.md), so
    # 'medeval run examples/breast-ultrasound/protocol.toml' from the root finds it too.
    from medeval.evaluation import _plugin_path
    from medeval.protocol import load_protocol

    folder = EXAMPLES / "breast-ultrasound"
    monkeypatch.chdir(tmp_path)  # a folder holding no algorithm/
    file, _, attribute = _plugin_path(load_protocol(folder / "protocol.toml")).rpartition(":")
    assert Path(file) == folder / "algorithm" / "classifier.py" and Path(file).is_file()
    assert attribute == "Classifier"
    readme = " ".join((folder / "README.md").read_text(encoding="utf-8").split())
    assert ("the protocol's `[algorithm] plugin`, a path relative to the protocol's folder, "
            "as its manifest is") in readme

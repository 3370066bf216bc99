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


def test_detection_readme_gives_the_case_auc_scikit_learn_gives(tmp_path):
    # The README printed case_auc 0.5000 from before 056427a3: the failed frames (F-06
    # missing, F-10 a box of 3 numbers) then tied with F-11 (no polyp, no detection);
    # they are ranked wrongly now, both holding a polyp: below every frame.
    import shutil
    import subprocess
    import sys

    from sklearn.metrics import roc_auc_score

    folder = EXAMPLES / "detection"
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    truth, scores = [], []
    for row in rows:
        polyps = json.loads((folder / row["reference"]).read_text(encoding="utf-8"))["boxes"]
        truth.append(int(bool(polyps)))
        file = folder / "predictions" / f"{row['case_id']}.json"
        found = json.loads(file.read_text(encoding="utf-8"))["detections"] \
            if file.is_file() else None
        if found is None or any(len(d["box"]) != 4 for d in found):
            scores.append(-1e9 if polyps else 1e9)  # a failed frame, ranked wrongly
        else:
            scores.append(max((d["score"] for d in found), default=0.0))
    assert (sum(truth), len(truth) - sum(truth)) == (8, 4)
    auc = roc_auc_score(truth, scores)
    assert auc == 15 / 32
    readme = (folder / "README.md").read_text(encoding="utf-8")
    (line,) = [x for x in readme.splitlines() if x.strip().startswith("case_auc ")]
    assert line.split()[1] == f"{auc:.4f}"
    copy = shutil.copytree(folder, tmp_path / "detection",
                           ignore=shutil.ignore_patterns("result", "__pycache__"))
    done = subprocess.run([sys.executable, "-m", "medeval", "evaluate", "protocol.toml",
                           "--predictions", "predictions/", "--out", "result/"],
                          cwd=copy, capture_output=True, text=True, check=True)
    assert line.strip() in [x.strip() for x in done.stdout.splitlines()], done.stdout

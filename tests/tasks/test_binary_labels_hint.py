"""A binary set whose references are words, under a protocol that names no labels: the
refusal says once, below its list, where the two labels are declared."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.errors import ManifestError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"


def test_references_in_words_are_told_where_the_labels_are_declared(tmp_path: Path) -> None:
    # A newcomer's manifest says malignant/benign; the protocol, copied from the example,
    # names no labels (1 and 0 by default). Each of the 24 cases was refused as "not a
    # declared label ['0', '1']", without saying where labels are declared.
    folder = tmp_path / "words"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["reference"] = {"1": "malignant", "0": "benign"}[row["reference"]]
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ManifestError) as refused:
        medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")
    lines = str(refused.value).splitlines()
    # the head, one line a case for the first 20, how many more, the explanation once
    assert len(lines) == 1 + 20 + 1 + 1 and lines[21] == "  ... and 4 more"
    assert len(refused.value.problems) == 24  # every one of them in the error
    assert lines[1] == ("  - case WDBC-0001 (line 2): reference 'malignant' is not a "
                        "declared label ['0', '1'] (see 'binary labels' below)")
    assert lines[-1].startswith("'binary labels', 24 of the problems above (case WDBC-0001 "
                                "(line 2): reference 'malignant'; ")
    assert lines[-1].endswith(
        ": a binary-classification protocol's two labels are [task] positive_label and "
        "negative_label, 1 and 0 where the protocol does not write them: write the "
        "manifest's own words there, as the manifest writes them, letter case included "
        "(say positive_label = \"malignant\", negative_label = \"benign\"), or write the "
        "references as the protocol's labels (1 and 0 where it writes none)")
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        "threshold = 0.5", 'threshold = 0.5\npositive_label = "malignant"\n'
        'negative_label = "benign"'), encoding="utf-8")
    result = medeval.evaluate(protocol, predictions=folder / "predictions")
    sensitivity = result.metric("sensitivity").estimate  # the example README's 6/10
    assert (sensitivity.numerator, sensitivity.n) == (6, 10)


def test_a_label_in_another_letter_case_is_named(tmp_path: Path) -> None:
    # The new tester's pass: the protocol declares malignant/benign, the manifest writes
    # 'Malignant'. Each case was refused as "not a declared label ['benign', 'malignant']"
    # and the explanation said to write positive_label = "malignant" -- what the protocol
    # already said -- without naming the letter case, the one difference.
    folder = tmp_path / "cased"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["reference"] = {"1": "Malignant", "0": "benign"}[row["reference"]]
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        "threshold = 0.5", 'threshold = 0.5\npositive_label = "malignant"\n'
        'negative_label = "benign"'), encoding="utf-8")
    with pytest.raises(ManifestError) as refused:
        medeval.evaluate(protocol, predictions=folder / "predictions")
    first = str(refused.value).splitlines()[1]
    assert first == ("  - case WDBC-0001 (line 2): reference 'Malignant' is not a declared "
                     "label ['benign', 'malignant'] (the label 'malignant' in another letter "
                     "case: write it as the protocol does) (see 'binary labels' below)")
    # every 'Malignant' row is named (counted from the CSV itself); the benign ones are not
    assert len(refused.value.problems) == sum(row["reference"] == "Malignant" for row in rows)

"""A subgroup figure with a value but no interval. Found in the hsub exploratory pass: an
age band whose three frames were all of one patient printed its sensitivity as
"1.0000 (—)" in §8, with no word on the dash (the note under the table explains
"undefined" only); the reason was in the warnings, pages later. A result made after
medeval 0.11.0 says under the table what the dash means; one made by 0.11.0 renders as
issued."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

from pypdf import PdfReader
from sklearn.metrics import recall_score

import medeval
from medeval.report import render_certificate

from ..conftest import binary_study
from ..test_evaluation import protocol_file

NOTE_EN = "—: the metric has a value but no interval on these cases"
NOTE_KO = "—: 지표 값은 있으나 이 증례들에서는 신뢰구간이 정의되지 않습니다"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


def test_a_dash_beside_a_value_is_explained(tmp_path: Path) -> None:
    binary_study(tmp_path)
    with open(tmp_path / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:  # patient P001 (WDBC-0003 and -0004, both malignant) alone at site B
        row["site"] = "B" if row["patient_id"] == "P001" else "A"
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    [site_b] = [g for g in result.subgroups if g.value == "B"]
    sens = next(m for m in site_b.metrics if m.name == "sensitivity").estimate
    # the value is scikit-learn's on the two cases; the interval over one patient is none
    scores = {}
    for case in ("WDBC-0003", "WDBC-0004"):
        with open(tmp_path / "predictions" / f"{case}.json") as handle:
            scores[case] = float(handle.read().split(":")[1].strip(" }\n"))
    expected = recall_score([1, 1], [int(s >= 0.5) for s in scores.values()])
    assert sens.value == expected and math.isnan(sens.low) and math.isnan(sens.high)
    for lang, note in (("en", NOTE_EN), ("ko", NOTE_KO)):
        text = _text(render_certificate(result, tmp_path / f"{lang}.pdf", lang=lang))
        assert f"{expected:.4f} (—)" in text and note in text, lang
    # a result made by medeval 0.11.0 prints what its certificate printed: no such note
    issued = dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval="0.11.0"))
    assert NOTE_EN not in _text(render_certificate(issued, tmp_path / "issued.pdf", lang="en"))


def test_no_note_where_every_interval_is_there(tmp_path: Path) -> None:
    # two sites of many patients each: every figure shown has its interval, no note
    binary_study(tmp_path)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    shown = [m for g in result.subgroups for m in g.metrics
             if m.name in ("sensitivity", "specificity")]
    assert shown and not any(math.isnan(m.estimate.low) for m in shown)
    assert NOTE_EN not in _text(render_certificate(result, tmp_path / "en.pdf", lang="en"))

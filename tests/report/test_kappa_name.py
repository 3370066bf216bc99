"""A weighted kappa is named so on the certificate: under ``kappa_weights = "quadratic"``
the results, criteria and subgroup tables printed "Cohen's kappa" (the definitions table
alone said cohen_kappa@quadratic), for a figure that is not the unweighted kappa. The
value beside the name is scikit-learn's quadratic-weighted kappa of the example's scored
cases (failed ones excluded), read from its files without medeval."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multiclass-classification"


def _kappa_rows(weights: str, tmp_path: Path) -> list[tuple[object, ...]]:
    protocol = tmp_path / "protocol.toml"
    protocol.write_text((EXAMPLE / "protocol.toml").read_text(encoding="utf-8").replace(
        'manifest = "manifest.csv"', f'manifest = "{EXAMPLE / "manifest.csv"}"').replace(
        'kappa_weights = "none"', f'kappa_weights = "{weights}"')
        + '[failures]\npolicy = "exclude"\n[subgroups]\ncolumns = ["site"]\n', encoding="utf-8")
    certificate = build_certificate(medeval.evaluate(protocol, EXAMPLE / "predictions"))
    tables = [b for s in certificate.sections for b in s.blocks if isinstance(b, Table)]
    return [row for t in tables for row in (t.header, *t.rows)
            if any("kappa" in " ".join(texts(c, "en")) for c in row if isinstance(c, Msg))]


def test_a_quadratic_kappa_is_named_with_its_weights(tmp_path):
    truth, answered = [], []
    with open(EXAMPLE / "manifest.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = EXAMPLE / "predictions" / f"{row['case_id']}.json"
            label = json.loads(path.read_text())["label"] if path.exists() else None
            if label in ("G1", "G2", "G3"):
                truth.append(row["reference"])
                answered.append(label)
    expected = cohen_kappa_score(truth, answered, weights="quadratic")
    rows = _kappa_rows("quadratic", tmp_path)
    # the multi-class task's own definition (cohen_kappa@classes-quadratic, since 0.12.0),
    # named as cohen_kappa@quadratic was revised after 0.10.0 (no space before '(' in its
    # Korean; korean2-pass)
    named = Msg("metric.cohen_kappa@classes-quadratic")
    # criteria? none on kappa here: the results table, the definitions and the subgroups
    assert sum(named in row for row in rows) >= 3
    assert not any(cell in (Msg("metric.cohen_kappa"), Msg("metric.cohen_kappa@after-0.10.0"))
                   for row in rows for cell in row)
    results = next(row for row in rows if row[0] == named and len(row) == 6)
    assert float(results[1]) == pytest.approx(expected, abs=5e-5)
    assert texts(named, "ko+en") == ("Cohen 카파(이차 가중)", "Cohen's kappa, quadratic weights")
    assert texts(Msg("metric.cohen_kappa@quadratic"), "ko")[0] == "Cohen 카파 (이차 가중)"


def test_the_unweighted_kappa_keeps_its_name(tmp_path):
    rows = _kappa_rows("none", tmp_path)
    assert rows and all(Msg("metric.cohen_kappa@quadratic") not in row for row in rows)
    assert any(Msg("metric.cohen_kappa") in row for row in rows)

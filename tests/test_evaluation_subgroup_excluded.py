"""A subgroup whose cases all failed, under the policy "exclude": it vanished from the
result and the certificate (its column listed only the other values, as if the set held
none of it), and the certificate's held-out-set section gave the analysed cases per
subgroup as "Cases" beside the registered set's 369 (found in the KTL tester pass)."""

from __future__ import annotations

import math

import pandas as pd
from pypdf import PdfReader

import medeval
from medeval.report import render_certificate

from .conftest import BROKEN_PREDICTIONS, binary_study
from .test_evaluation import protocol_file


def test_a_subgroup_with_no_case_left_is_kept_and_named(tmp_path):
    binary_study(tmp_path)  # site B where i % 3 == 0: 123 of the 369 demo cases
    manifest = pd.read_csv(tmp_path / "manifest.csv", dtype=str)
    for case_id in manifest.loc[manifest["site"] == "B", "case_id"]:
        (tmp_path / "predictions" / f"{case_id}.json").unlink(missing_ok=True)
    result = medeval.evaluate(protocol_file(tmp_path, policy="exclude"),
                              tmp_path / "predictions")
    groups = {g.value: g for g in result.subgroups}
    assert set(groups) == {"A", "B"}
    site_a = set(manifest.loc[manifest["site"] == "A", "case_id"])
    analysed_a = 246 - len(site_a & set(BROKEN_PREDICTIONS))  # site A's broken outputs
    assert (groups["A"].n_cases, groups["B"].n_cases) == (analysed_a, 0)
    assert math.isnan(groups["B"].metrics[0].estimate.value)
    # one line for the subgroup, not one per figure: the binary task's 15 figures
    # (its metrics, counted here by the result itself) each with the note "no cases"
    figures = len(groups["B"].metrics)
    assert all(m.estimate.note == "no cases" for m in groups["B"].metrics)
    # and why it has none (hsub pass: "no cases" alone, beside the manifest's 123, read
    # as a set holding none of it): its cases, counted by pandas, all failed
    site_b = int((manifest["site"] == "B").sum())
    assert [w for w in result.warnings if w.startswith("site=B: ")] == [
        f"site=B: no cases, so each of its {figures} figures is undefined (NaN); its "
        f'{site_b} case(s) all failed and are left out (failures.policy = "exclude")']
    assert site_b == 123  # i = 0, 3, ..., 366
    text = "\n".join(p.extract_text() for p in PdfReader(
        render_certificate(result, tmp_path / "c.pdf", lang="en")).pages)
    assert "Cases analysed" in text

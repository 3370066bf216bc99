"""The measurement task's agreement intervals over several cases per patient: bias, the
limits of agreement, MAE, RMSE and Lin's CCC have intervals over independent cases, and
the example (12 patches of 9 patients, the unit the patient, a criterion on Lin's CCC)
said nothing of it (found in the KTL tester pass). The result's warnings now say so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

import medeval
from medeval.report.notes_ko import warning_ko

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "measurement"


def test_the_agreement_intervals_say_they_take_cases_as_independent(tmp_path: Path) -> None:
    folder = tmp_path / "measurement"
    shutil.copytree(EXAMPLE, folder)
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    failed = {c.case_id for c in result.failures.cases}
    measured = manifest[~manifest["case_id"].isin(failed)]
    n, k = len(measured), measured["patient_id"].nunique()  # by pandas
    assert k < n
    warning = (f"all cases: the intervals of bias, the limits of agreement, MAE, RMSE and "
               f"Lin's CCC take the {n} measured cases as independent, but they are of {k} "
               "patients, several per patient: they are too narrow if a patient's cases are "
               "alike (these intervals have no form over patients here)")
    assert warning in result.warnings
    assert warning_ko(warning).startswith(f"전체 증례: 편향, 일치 한계, MAE, RMSE, Lin의 CCC의 "
                                          f"신뢰구간은 측정된 증례 {n}개를")

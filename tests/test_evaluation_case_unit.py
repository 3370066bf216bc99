"""The unit "case" on a set with several cases per patient: the protocol's choice, but
every interval then takes a patient's frames as independent, and nothing said so (found
in the KTL tester pass: 36 ultrasound frames of 12 patients, resampling_unit = "case").
The Newcombe AUC interval already said it for itself."""

from __future__ import annotations

import medeval
from medeval.report.notes_ko import warning_ko

from .conftest import binary_study
from .test_evaluation import protocol_file


def _warning(result) -> list[str]:
    return [w for w in result.warnings if "several per patient, and the protocol's unit" in w]


def test_several_cases_per_patient_under_the_unit_case_is_named(tmp_path):
    binary_study(tmp_path)  # patient P{i // 2}: 369 demo cases of 185 patients
    path = protocol_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert 'resampling_unit = "patient"' in text
    assert _warning(medeval.evaluate(path, tmp_path / "predictions")) == []
    path.write_text(text.replace('resampling_unit = "patient"', 'resampling_unit = "case"'),
                    encoding="utf-8")
    [warning] = _warning(medeval.evaluate(path, tmp_path / "predictions"))
    assert warning.startswith("all cases: the 369 cases are of 185 patients, several per "
                              "patient")  # ceil(369 / 2) = 185 by hand
    assert warning_ko(warning).startswith("전체 증례: 증례 369개는 환자 185명의 것으로")

"""The demo: three held-out sets through the real runner (sandbox), the evaluation, the
result, the certificate and the HTML report; the same data bytes every run."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.demo import DemoError, DemoOutcome, ecg_available, run_demo

SETS = ("classification", "segmentation", "ecg") if ecg_available() else (
    "classification", "segmentation")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoOutcome, DemoOutcome]:
    """Two demo runs into two different folders."""
    first = run_demo(tmp_path_factory.mktemp("demo") / "medeval-demo", progress=False)
    second = run_demo(tmp_path_factory.mktemp("again") / "out", progress=False)
    return first, second


@pytest.fixture(scope="module")
def demo(runs: tuple[DemoOutcome, DemoOutcome]) -> DemoOutcome:
    return runs[0]


def _without_run_records(path: Path) -> dict[str, Any]:
    """The result's content less the records of one execution (its context block, which
    holds the times, the host and the hashes of the run log and summary)."""
    data = json.loads(path.read_bytes())
    data.pop("context")
    assert "run_log_sha256" not in data["algorithm"]["run"]
    return data


def test_every_set_runs_through_the_sandboxed_runner(demo):
    assert tuple(s.name for s in demo.sets) == SETS
    for item in demo.sets:
        data = json.loads(item.result_json.read_bytes())
        assert data["mode"] == "certificate"
        assert data["algorithm"]["predictions"] == "runner"
        assert data["algorithm"]["run"]["isolation"] == "bubblewrap"
        assert data["protocol"]["laboratory"]["name"] == "medeval demo laboratory"
        assert all(c["source"] for c in data["protocol"]["criteria"])
        assert data["overall"] == item.verdict
        assert item.verdict in ("PASS", "FAIL", "INCONCLUSIVE")
        assert item.n_failed == 0, data["failures"]["cases"]
        assert item.protocol.parent == item.result_json.parent == demo.out_dir / item.name


def test_results_verify_and_certificates_print_them(demo):
    from pypdf import PdfReader

    from medeval.report import verify_certificate

    for item in demo.sets:
        assert medeval.verify_result(item.result_json) == item.fingerprint
        text = "".join(page.extract_text() for page in PdfReader(item.certificate_pdf).pages)
        flat = "".join(text.split())
        assert item.report_number in flat
        assert item.fingerprint in flat
        assert "medeval demo laboratory" in text
        # the customer's address (ISO/IEC 17025 7.8.2.1 e) given, not "not given"
        assert "no customer ordered this test" in " ".join(text.split())
        verify_certificate(item.result_json, item.certificate_pdf,
                           report_info=item.protocol.with_name("report-info.toml")).check()
        # alone, and against the result without the report info: the PDF carries both
        alone = verify_certificate(item.certificate_pdf)
        assert alone.status == "genuine", alone.differences
        assert (alone.report_number, alone.fingerprint) == (item.report_number,
                                                            item.fingerprint)
        verify_certificate(item.result_json, item.certificate_pdf).check()
        html = item.report_html.read_text(encoding="utf-8")
        assert item.report_number in html and item.fingerprint in html


def test_classification_equals_the_shipped_tables(demo):
    # The plugin, run in the sandbox on each case's features, gives the numbers of the
    # shipped score table evaluated directly.
    shipped = resources.files("medeval") / "demo"
    with resources.as_file(shipped / "references.csv") as ref, \
            resources.as_file(shipped / "predictions.csv") as pred:
        table = medeval.evaluate_classification(ref, pred, threshold=0.5)
        scores = pd.read_csv(pred).set_index("case_id")["score"]
    ran = medeval.read_result(demo["classification"].result_json)
    for name in ("sensitivity", "specificity", "roc_auc"):
        expected = table.metric(name).estimate
        got = ran.metric(name).estimate
        assert (got.value, got.low, got.high) == (
            expected.value, expected.low, expected.high), name
    predictions = demo.out_dir / "classification" / "run" / "predictions"
    produced = {p.stem: json.loads(p.read_text())["score"] for p in predictions.glob("*.json")}
    assert produced == scores.to_dict()


def test_the_synthetic_ct_is_a_dicom_series_on_the_grid_of_its_mask(demo):
    import pydicom

    from medeval.demo._synthetic_ct import SHAPE, SPACING_MM

    data = demo.out_dir / "data" / "segmentation"
    manifest = pd.read_csv(data / "manifest.csv")
    assert len(manifest) == 6
    for case_id, image_path, mask_path in zip(manifest["case_id"], manifest["input"],
                                              manifest["reference"]):
        image = medeval.loaders.read_image(data / image_path)
        mask = medeval.loaders.read_image(data / mask_path)
        assert image.shape == mask.shape == SHAPE
        assert image.spacing_mm == pytest.approx(SPACING_MM)
        medeval.check_compatible(image, mask)
        assert image.metadata["modality"] == "CT"
        assert np.isin(mask.array, (0, 1)).all() and mask.array.sum() > 100
        # The stone is brighter than soft tissue and darker than bone.
        inside = image.array[mask.array == 1]
        assert 150 < np.median(inside) < 800
        first = pydicom.dcmread(next(iter(sorted((data / image_path).iterdir()))))
        assert first.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
        assert first.PatientID == case_id
        assert float(first.SliceThickness) == SPACING_MM[0]


def test_the_ecg_excerpt_and_its_credit_are_shipped(demo):
    shipped = resources.files("medeval") / "demo" / "ecg"
    readme = (shipped / "README.md").read_text(encoding="utf-8")
    for credit in ("PhysioNet", "ODC-By", "Moody", "Goldberger", "wfdb-python", "MIT"):
        assert credit in readme
    with resources.as_file(shipped / "100.atr") as atr:
        annotations = medeval.loaders.read_annotations(atr)
    assert annotations.fs == 360
    assert len(annotations.beats().samples) == 760
    record = demo.out_dir / "data" / "ecg" / "records" / "100.hea"
    signal = medeval.loaders.read_record(record)
    assert signal.samples.shape == (216000, 2) and signal.fs == 360


def test_a_folder_below_a_file_is_refused_by_name(tmp_path):
    # afile/demo: mkdir raised NotADirectoryError (a traceback from the command line)
    (tmp_path / "afile").write_text("mine")
    with pytest.raises(DemoError, match="a folder above .* is a file"):
        run_demo(tmp_path / "afile" / "demo", progress=False)
    assert (tmp_path / "afile").read_text() == "mine"


@pytest.mark.skipif(not ecg_available(), reason="this medeval has no ecg-beats task")
def test_the_qrs_detector_finds_the_beats(demo):
    data = medeval.read_result(demo["ecg"].result_json)
    assert data.metric("qrs_sensitivity").estimate.n == 389  # beats after the learning period
    assert data.metric("qrs_sensitivity").estimate.value > 0.99
    assert data.metric("qrs_ppv").estimate.value > 0.99


def test_the_held_out_sets_are_the_same_bytes_every_run(runs):
    first, second = runs
    for a, b in zip(first.sets, second.sets):
        one, two = _without_run_records(a.result_json), _without_run_records(b.result_json)
        assert one["dataset"]["fingerprint"] == two["dataset"]["fingerprint"]
        assert one == two, a.name


def test_a_second_run_gives_the_same_content_fingerprints(runs):
    first, second = runs
    assert [s.fingerprint for s in first.sets] == [s.fingerprint for s in second.sets]


def test_a_second_run_replaces_the_first_in_the_same_folder(demo, tmp_path):
    # The first run: a copy of the module's demo folder (a whole run, marker and all), less
    # the ECG set's data, which the second run, of the classification set only, must write
    # again (every set's data is written, evaluated or not).
    shutil.copytree(demo.out_dir, tmp_path / "demo")
    (tmp_path / "demo" / "classification" / "stale.txt").write_text("old")
    shutil.rmtree(tmp_path / "demo" / "data" / "ecg")
    again = run_demo(tmp_path / "demo", progress=False, sets=["classification"])
    assert not (again.out_dir / "classification" / "stale.txt").exists()
    assert again["classification"].verdict == demo["classification"].verdict
    assert [s.name for s in again.sets] == ["classification"]
    assert (tmp_path / "demo" / "data" / "ecg" / "references" / "100.atr").is_file()


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DemoError, match="not empty"):
        run_demo(tmp_path, progress=False)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(DemoError, match="unknown set"):
        run_demo(tmp_path / "new", progress=False, sets=["mri"])


@pytest.mark.skipif(not ecg_available(), reason="this medeval has no ecg-beats task")
def test_the_ecg_certificate_prints_the_beat_label_matrix(demo):
    # The pooled N/S/V/F/Q matrix as the result file holds it (read as plain JSON), row by
    # row on the certificate: "N <Nn> <Ns> ...".
    from pypdf import PdfReader

    item = demo["ecg"]
    matrix = json.loads(item.result_json.read_bytes())["tables"]["ec57"]["matrix"]
    text = "\n".join(page.extract_text() for page in PdfReader(item.certificate_pdf).pages)
    flat = " ".join(text.split())
    for label, row in zip(matrix["rows"], matrix["pooled"]):
        assert " ".join([label, *map(str, row)]) in flat, label
    assert matrix["pooled"][0][0] > 300  # MIT-BIH 100: normal beats matched as normal

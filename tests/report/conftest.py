"""Real results for the certificate tests, made by medeval.evaluate as the tests of the
evaluation do: binary classification on the shipped demo tables (three broken outputs,
subgroups by site) and segmentation on small synthetic NIfTI volumes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import medeval
from medeval.result import write_result

from ..conftest import binary_study

LABORATORY = "Korea Testing Laboratory (KTL), Medical AI Testing Team"
ADDRESS = "87 Digital-ro 26-gil, Guro-gu, Seoul 08389"
CUSTOMER = "Example Medical AI Co., Ltd."
ALGORITHM = "WDBC logistic regression"

PROTOCOL = f"""
[test]
id = "KTL-2026-0001"
title = "Binary classification of breast masses (WDBC)"
version = "2"
mode = "{{mode}}"

[laboratory]
name = "{LABORATORY}"
address = "{ADDRESS}"

[customer]
name = "{CUSTOMER}"
address = "123 Teheran-ro, Gangnam-gu, Seoul"

[algorithm]
name = "{ALGORITHM}"
version = "1.0.3"
manufacturer = "{CUSTOMER}"
plugin = "wdbc_model:Classifier"

[dataset]
manifest = "manifest.csv"
selection = "all 369 cases of the demo set, consecutive, no exclusion"
sample_size = "fixed by the demo set, all 369 cases (not planned)"
received = "2026-11-02"

[task]
type = "binary-classification"
threshold = 0.5

[statistics]
seed = 7
resampling_unit = "patient"
n_resamples = 200

[subgroups]
columns = ["site"]

[[criteria]]
metric = "sensitivity"
goal = 0.75
source = "MFDS guidance, performance goal"

[[criteria]]
metric = "specificity"
goal = 0.999
source = "customer's claim"
"""

INFO = """
issue_date = "2026-11-27"
accreditation = "KOLAS KT-000 (ISO/IEC 17025:2017)"
place = "KTL Seoul, AI test room 3"
external_providers = "none"
deviations = ["case WDBC-0011 re-submitted after a transfer error"]

[tested_by]
name = "홍길동 (Hong Gildong)"
title = "Tester"

[approved_by]
name = "김철수 (Kim Cheolsu)"
title = "Technical manager"
"""



def _registered(text: str, folder: Path, kind: str) -> str:
    """The protocol text with the set's fingerprint (a certified run needs it)."""
    from medeval.manifest import Manifest

    digest = Manifest.from_csv(folder / "manifest.csv", reference_kind=kind).fingerprint(
        progress=False)
    return text.replace('manifest = "manifest.csv"\n',
                        f'manifest = "manifest.csv"\nfingerprint = "sha256:{digest}"\n', 1)


def _binary_study(folder: Path, mode: str) -> Path:
    binary_study(folder, sites=("Seoul", "Busan"))
    protocol = folder / "protocol.toml"
    protocol.write_text(_registered(PROTOCOL.replace("{mode}", mode), folder, "label"))
    return protocol


def _as_runner(result: medeval.Result) -> medeval.Result:
    """The run as the laboratory's runner would record it (the runner is built elsewhere)."""
    return replace(result, algorithm=replace(result.algorithm, predictions="runner"))


def dated_26_november(result: medeval.Result) -> medeval.Result:
    """The run dated 26 November 2026, so that the dates of issue the tests write (27
    November on) come after the testing, as a certificate requires, whatever day they run."""
    return replace(result, context=replace(
        result.context, started="2026-11-26T01:00:00+00:00",
        finished="2026-11-26T02:00:00+00:00"))


@pytest.fixture(scope="session")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A certified run's result JSON (with its .sha256 and per-case CSV)."""
    folder = tmp_path_factory.mktemp("certified")
    protocol = _binary_study(folder / "study", "certificate")
    result = _as_runner(medeval.evaluate(protocol, folder / "study" / "predictions"))
    return write_result(dated_26_november(result), folder / "out" / "result.json")


@pytest.fixture(scope="session")
def precheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A company's pre-check: its own predictions, mode pre-check."""
    folder = tmp_path_factory.mktemp("precheck")
    protocol = _binary_study(folder / "study", "pre-check")
    result = medeval.evaluate(protocol, folder / "study" / "predictions")
    return write_result(dated_26_november(result), folder / "out" / "result.json")


@pytest.fixture(scope="session")
def info_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("info") / "report-info.toml"
    path.write_text(INFO, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def certificate(certified: Path, info_file: Path) -> Path:
    """The bilingual certificate of the certified run."""
    from medeval.report import render_certificate

    return render_certificate(certified, certified.with_name("certificate.pdf"),
                              report_info=info_file)


@pytest.fixture(scope="session")
def segmentation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A segmentation result on 8 synthetic CT volumes (one empty output, one missing)."""
    import SimpleITK as sitk

    folder = tmp_path_factory.mktemp("segmentation")
    spacing = (2.5, 0.8, 0.8)
    shape = (10, 32, 32)

    def ball(centre: tuple[float, float, float], radius_mm: float) -> np.ndarray:
        grid = np.indices(shape, dtype=float)
        dist = sum(((g - c) * s) ** 2 for g, c, s in zip(grid, centre, spacing))
        return (dist <= radius_mm**2).astype(np.uint8)

    def save(array: np.ndarray, path: Path) -> None:
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(tuple(reversed(spacing)))
        sitk.WriteImage(image, str(path))

    for sub in ("images", "masks", "pred"):
        (folder / sub).mkdir()
    rng = np.random.default_rng(1)
    rows = []
    for i in range(8):
        cid = f"CT{i:03d}"
        save(ball((5, 16, 16), 5.0 + i * 0.6), folder / "masks" / f"{cid}.nii.gz")
        save(np.zeros(shape, np.int16), folder / "images" / f"{cid}.nii.gz")
        pred = ball((5, 16 + rng.integers(-2, 3), 16 + rng.integers(-2, 3)), 5.3 + i * 0.6)
        if i == 3:
            pred[:] = 0
        if i != 6:
            save(pred, folder / "pred" / f"{cid}.nii.gz")
        rows.append({"case_id": cid, "patient_id": f"p{i}", "input": f"images/{cid}.nii.gz",
                     "reference": f"masks/{cid}.nii.gz", "vendor": "GE" if i % 2 else "Siemens"})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    protocol = PROTOCOL.split("[dataset]")[0].replace("{mode}", "certificate") + """
[dataset]
manifest = "manifest.csv"
selection = "synthetic spheres"

[task]
type = "segmentation"
nsd_tolerance_mm = 1.0

[statistics]
seed = 3
n_resamples = 200
resampling_unit = "case"

[subgroups]
columns = ["vendor"]

[failures]
worst_distance_mm = 50.0

[[criteria]]
metric = "dice"
goal = 0.7
source = "test"
"""
    (folder / "protocol.toml").write_text(_registered(protocol, folder, "image"))
    result = _as_runner(medeval.evaluate(folder / "protocol.toml", folder / "pred", workers=1))
    return write_result(result, folder / "out" / "result.json")

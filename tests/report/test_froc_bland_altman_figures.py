"""A detection result's FROC curve and a measurement result's Bland–Altman plot on the
certificate. The certificate looked for ``tables.froc["fp_rates"]`` and
``tables.bland_altman["mean"]``, which no task ever wrote, so neither figure was drawn for
a real result; they are drawn for results made after medeval 0.9.0 (``FIGURES_UNTIL``),
from what the result holds, and a result of 0.9.0 or before renders as issued, without
them. The plotted numbers are checked here against the example's own files (numpy), not
against medeval's tables alone."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import medeval
from medeval.report import build_certificate, render_certificate
from medeval.report.blocks import Figure

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _evaluated(name: str, tmp_path: Path) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / name, tmp_path / name)
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _kinds(result: medeval.Result) -> dict[str, Figure]:
    return {b.kind: b for s in build_certificate(result).sections for b in s.blocks
            if isinstance(b, Figure)}


def _as_made_by(result: medeval.Result, version: str) -> medeval.Result:
    return dataclasses.replace(result, parameters=dataclasses.replace(
        result.parameters, medeval=version))


@pytest.fixture(scope="module")
def detection(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    return _evaluated("detection", tmp_path_factory.mktemp("det"))


@pytest.fixture(scope="module")
def measurement(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    return _evaluated("measurement", tmp_path_factory.mktemp("meas"))


def test_the_froc_curve_is_the_results_and_passes_through_its_operating_points(
        detection: medeval.Result) -> None:
    froc = _kinds(detection)["froc"]
    table = detection.tables["froc"]
    assert froc.data["fp"] == table["fp_per_case"]
    assert froc.data["sensitivity"] == table["sensitivity"]
    # each marked operating point lies on the drawn step curve: the sensitivity of the
    # last curve point at or below that rate (the curve's plateau past its end)
    fp, sensitivity = np.array(froc.data["fp"]), np.array(froc.data["sensitivity"])
    rates = detection.parameters.task["fp_rates"]
    assert [r for r, _ in froc.data["points"]] == [float(r) for r in rates]
    for rate, value in froc.data["points"]:
        on_curve = sensitivity[np.flatnonzero(fp <= rate)[-1]]
        assert value == pytest.approx(on_curve, abs=1e-12)
    assert froc.data["per_frame"] is False


def test_the_bland_altman_plot_is_the_cases_differences_against_their_means(
        measurement: medeval.Result) -> None:
    plot = _kinds(measurement)["bland_altman"]
    folder = EXAMPLES / "measurement"
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as f:
        reference = {row["case_id"]: float(row["reference"]) for row in csv.DictReader(f)}
    pairs = []
    for case_id, ref in reference.items():
        path = folder / "predictions" / f"{case_id}.json"
        if not path.exists():
            continue
        try:
            value = float(json.loads(path.read_text(encoding="utf-8"))["value"])
        except (KeyError, TypeError, ValueError):
            continue  # a failed case: not in the agreement figures
        pairs.append((ref, value))
    ref, out = np.array(pairs).T
    assert sorted(plot.data["difference"]) == pytest.approx(sorted(out - ref), abs=1e-12)
    assert sorted(plot.data["mean"]) == pytest.approx(sorted((out + ref) / 2), abs=1e-12)
    # the bias and 95% limits of agreement (Bland & Altman 1986) by numpy, with the
    # normal quantile z(0.975) = 1.95996... the definition states
    from scipy.stats import norm

    d, z = out - ref, norm.ppf(0.975)
    bias, sd = d.mean(), d.std(ddof=1)
    assert plot.data["bias"] == pytest.approx(bias, abs=1e-12)
    assert plot.data["loa"] == pytest.approx((bias - z * sd, bias + z * sd), abs=1e-12)
    assert plot.data["unit"] == "mm"


@pytest.mark.parametrize("version", ["0.9.0", "0.8.0"])
def test_a_result_of_090_or_before_has_neither(detection: medeval.Result,
                                               measurement: medeval.Result,
                                               version: str) -> None:
    assert "froc" not in _kinds(_as_made_by(detection, version))
    assert "bland_altman" not in _kinds(_as_made_by(measurement, version))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_certificate_prints_both_captions(detection: medeval.Result,
                                             measurement: medeval.Result,
                                             tmp_path: Path) -> None:
    captions = {"froc": ("FROC 곡선", "FROC curve: lesion sensitivity against false "
                                       "positives per case"),
                "bland_altman": ("Bland–Altman 도표", "Bland–Altman plot")}
    for kind, result in (("froc", detection), ("bland_altman", measurement)):
        pdf = render_certificate(result, tmp_path / f"{kind}.pdf")
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                       capture_output=True, text=True).stdout.split())
        for caption in captions[kind]:
            assert caption in text, (kind, caption)


def _example_with(tmp_path: Path, name: str, replace: tuple[str, str]) -> Path:
    folder = shutil.copytree(EXAMPLES / name, tmp_path / name)
    protocol = folder / "protocol.toml"
    text = protocol.read_text(encoding="utf-8")
    assert replace[0] in text
    protocol.write_text(text.replace(*replace), encoding="utf-8")
    return folder


def test_a_linear_reading_is_drawn_as_the_straight_lines_it_reads_between(
        tmp_path: Path) -> None:
    """With ``interpolation = "linear"`` the sensitivity at a rate is read on the straight
    line between operating points (LUNA16's numpy.interp); a step curve drawn under it
    left the marked point off the curve where one score holds a hit and a false positive.
    Found in the review of 52f481c."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    from medeval.report.figures import _draw

    folder = _example_with(tmp_path, "detection", (
        "fp_rates = [0.5, 1.0, 2.0]", 'fp_rates = [0.05]\ninterpolation = "linear"'))
    for path in (folder / "predictions").glob("*.json"):
        path.write_text('{"detections": []}', encoding="utf-8")
    # F-01's polyp (references/F-01.json) hit, and a false positive, at one score 0.9
    (folder / "predictions" / "F-01.json").write_text(json.dumps({"detections": [
        {"box": [27, 18, 35, 26], "score": 0.9}, {"box": [0, 0, 6, 6], "score": 0.9}]}),
        encoding="utf-8")
    froc = _kinds(medeval.evaluate(folder / "protocol.toml", folder / "predictions"))["froc"]
    # 9 reference polyps; 11 frames scored (F-06 has no prediction file: failed, not a
    # frame of the FP rate): the one threshold goes from (0, 0) to (1/11, 1/9), so at
    # 0.05 FP per frame the straight line reads 0.05 * 11 / 9 = 0.0611 (a step, 0)
    (rate, value), = froc.data["points"]
    assert (rate, value) == (0.05, pytest.approx(0.05 * 11 / 9, abs=1e-12))
    line = _draw(froc, "en").axes[0].lines[0]
    x, y = STEP_LOOKUP_MAP[line.get_drawstyle()](*line.get_data())
    assert np.interp(rate, x, y) == pytest.approx(value, abs=1e-12)


def test_no_reference_lesion_draws_no_froc_curve(tmp_path: Path) -> None:
    """A set without a reference lesion has an undefined (NaN) sensitivity at every
    threshold: the certificate drew empty axes under the FROC caption. Found in the
    review of 52f481c."""
    folder = shutil.copytree(EXAMPLES / "detection", tmp_path / "detection")
    for path in (folder / "references").glob("*.json"):
        path.write_text('{"boxes": []}', encoding="utf-8")
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert result.tables["froc"]["n_lesions"] == 0
    assert "froc" not in _kinds(result)


def test_the_legend_prints_the_bias_and_limits_as_the_table_does(tmp_path: Path) -> None:
    """The legend printed the bias and limits with 3 significant digits: 3e+03 for a
    bias of 3000 mm³ and 0.3 where the certificate's table prints 0.30. Found in the
    review of 52f481c."""
    from medeval.report.figures import _draw

    folder = _example_with(tmp_path, "measurement", ('unit = "mm"', 'unit = "mm3"'))
    manifest = folder / "manifest.csv"
    with open(manifest, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:  # the example's values times 10,000 (a volume)
        row["reference"] = f"{float(row['reference']) * 10_000:g}"
    with open(manifest, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pairs = []
    for path in (folder / "predictions").glob("*.json"):
        value = json.loads(path.read_text(encoding="utf-8"))["value"]
        if isinstance(value, float):
            path.write_text(json.dumps({"value": value * 10_000}), encoding="utf-8")
            pairs.append((float(next(r["reference"] for r in rows
                                     if r["case_id"] == path.stem)), value * 10_000))
    plot = _kinds(medeval.evaluate(folder / "protocol.toml", folder / "predictions"))[
        "bland_altman"]
    ref, out = np.array(pairs).T
    d = out - ref  # bias 3000 (0.3 mm times 10,000), limits by z(0.975) = 1.959964
    bias, half = d.mean(), 1.959963984540054 * d.std(ddof=1)
    legend = [t.get_text() for t in _draw(plot, "en").axes[0].get_legend().get_texts()]
    assert legend == [f"Bias {bias:.2f}",
                      f"95% limits of agreement {bias - half:.2f}, {bias + half:.2f}"]


def test_nothing_detected_is_drawn_as_sensitivity_zero_at_every_rate(tmp_path: Path) -> None:
    """An algorithm that detected nothing in any frame has a FROC table without an
    operating point: only the origin was plotted (a line of one point, invisible), so the
    figure showed the protocol's operating points at 0 and no curve through them. Now
    the dotted plateau starts at the origin. Found in the review of 52f481c."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    from medeval.report.figures import _draw

    folder = shutil.copytree(EXAMPLES / "detection", tmp_path / "detection")
    for path in (folder / "predictions").glob("*.json"):
        path.write_text('{"detections": []}', encoding="utf-8")
    froc = _kinds(medeval.evaluate(folder / "protocol.toml", folder / "predictions"))["froc"]
    # no detection: no true positive, so 0 of the 9 polyps found at every rate
    assert froc.data["points"] == [(0.5, 0.0), (1.0, 0.0), (2.0, 0.0)]
    drawn = [STEP_LOOKUP_MAP[line.get_drawstyle()](*line.get_data())
             for line in _draw(froc, "en").axes[0].lines]
    for rate, value in froc.data["points"]:
        assert any(x[0] <= rate <= x[-1] and np.interp(rate, x, y) == value
                   for x, y in drawn), rate

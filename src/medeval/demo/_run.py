"""run_demo: the whole certified flow on the demo's three sets."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import _toml
from ._sets import GOAL_SOURCE, SETS, DemoError, SetPlan

__all__ = ["DemoOutcome", "DemoSet", "ecg_available", "run_demo"]

#: The laboratory named on the demo's certificates.
LABORATORY = "medeval demo laboratory"
#: The file that marks a folder as the demo's output (so a new run may replace it).
MARKER = ".medeval-demo"
_OWNED = ("data", *SETS)


@dataclass(frozen=True)
class DemoSet:
    """What the demo produced for one held-out set.

    Attributes
    ----------
    name : str
        ``"classification"``, ``"segmentation"`` or ``"ecg"``.
    title : str
        The test's title, as on the certificate.
    report_number : str
        The certificate's report number (the protocol's test id).
    verdict : str
        The overall verdict: ``"PASS"``, ``"FAIL"`` or ``"INCONCLUSIVE"``.
    criteria : tuple of (str, str)
        Each acceptance criterion's metric and verdict, in the protocol's order.
    n_cases : int
        Cases in the held-out set.
    n_failed : int
        Cases the algorithm failed on (counted as the protocol's failure policy says).
    fingerprint : str
        The result's content fingerprint (SHA-256, hex).
    protocol, result_json, certificate_pdf, report_html : Path
    """

    name: str
    title: str
    report_number: str
    verdict: str
    criteria: tuple[tuple[str, str], ...]
    n_cases: int
    n_failed: int
    fingerprint: str
    protocol: Path
    result_json: Path
    certificate_pdf: Path
    report_html: Path


@dataclass(frozen=True)
class DemoOutcome:
    """What :func:`run_demo` produced.

    Attributes
    ----------
    out_dir : Path
        The demo's folder.
    sets : tuple of DemoSet
        The sets evaluated, in the order they ran.
    skipped : tuple of (str, str)
        Sets not evaluated, with the reason (empty when all ran).
    """

    out_dir: Path
    sets: tuple[DemoSet, ...]
    skipped: tuple[tuple[str, str], ...] = ()

    def __getitem__(self, name: str) -> DemoSet:
        """The set called ``name``."""
        for item in self.sets:
            if item.name == name:
                return item
        raise KeyError(f"the demo has no evaluated set {name!r}; it has "
                       f"{[s.name for s in self.sets]}")


def ecg_available() -> bool:
    """Whether this medeval evaluates the ``ecg-beats`` task (the ECG set can run)."""
    from ..protocol import TASK_METRICS
    from ..tasks.registry import TASK_TYPES

    return "ecg-beats" in TASK_TYPES and "qrs_sensitivity" in TASK_METRICS.get("ecg-beats", {})


def run_demo(
    out_dir: str | Path = "medeval-demo",
    *,
    progress: bool = True,
    sets: Sequence[str] | None = None,
    mode: Literal["certificate", "pre-check"] = "certificate",
) -> DemoOutcome:
    """Run the certified flow on the demo's data and example algorithms.

    For each of three held-out sets the package ships or generates — 369 breast-mass
    cases (classification), 6 synthetic CT volumes as DICOM series with NIfTI masks
    (segmentation), 10 minutes of MIT-BIH record 100 with its reference beats (ECG) —
    this writes the data under ``out_dir/data`` (the same bytes on every run, so the
    held-out sets' fingerprints repeat), writes a protocol and report info, runs the
    example algorithm through the runner in its sandbox (:func:`medeval.evaluate`), and
    writes the result JSON, the certificate PDF (Korean and English) and the HTML report
    into ``out_dir/<set>/``.

    Parameters
    ----------
    out_dir : path
        The demo's folder: created, or replaced when it holds a previous demo run.
    progress : bool
        Show the runner's progress on stderr.
    sets : sequence of str, optional
        Evaluate only these of ``"classification"``, ``"segmentation"``, ``"ecg"``
        (default: all three; the ECG set is skipped, with the reason in
        ``DemoOutcome.skipped``, when this medeval has no ``ecg-beats`` task).
    mode : {"certificate", "pre-check"}
        ``"certificate"`` (default) refuses to run without the bubblewrap sandbox;
        ``"pre-check"`` runs without it, and the documents say "pre-check".

    Returns
    -------
    DemoOutcome
        The paths of each set's result, certificate and report, and its verdict.

    Raises
    ------
    DemoError
        ``out_dir`` holds files that are not a previous demo run; an unknown set name;
        the ECG set was asked for but this medeval cannot evaluate it; shipped demo
        files are missing.
    RunnerError
        Certificate mode on a machine without the sandbox (use ``mode="pre-check"``).

    Examples
    --------
    A run takes about ten seconds and writes some 9 MB::

        outcome = run_demo("medeval-demo", progress=False)
        outcome["segmentation"].verdict                # 'PASS'
        outcome["segmentation"].certificate_pdf        # .../segmentation/certificate.pdf
    """
    from .. import evaluate
    from ..report import render_certificate, render_html
    from ..result import write_result

    wanted = list(SETS) if sets is None else list(dict.fromkeys(sets))
    unknown = [name for name in wanted if name not in SETS]
    if unknown:
        raise DemoError(f"run_demo: unknown set(s) {unknown}; choose from {list(SETS)}")
    _refuse_certificate_without_sandbox(mode)
    skipped: list[tuple[str, str]] = []
    if "ecg" in wanted and not ecg_available():
        if sets is not None:
            raise DemoError("run_demo: this medeval has no 'ecg-beats' task; leave 'ecg' "
                            "out of sets=")
        wanted.remove("ecg")
        skipped.append(("ecg", "this medeval has no 'ecg-beats' task yet; the ECG data "
                               "and algorithm are written, not evaluated"))
    out = _prepare(Path(out_dir))
    done = []
    for name in SETS:
        plan = SETS[name](out / "data" / name)  # every set's data, evaluated or not
        if name not in wanted:
            continue
        folder = out / name
        folder.mkdir()
        protocol = folder / "protocol.toml"
        protocol.write_text(_protocol_text(plan, protocol, mode), encoding="utf-8")
        info = folder / "report-info.toml"
        info.write_text(_report_info_text(plan, mode), encoding="utf-8")
        result = evaluate(protocol, run_dir=folder / "run", workers=1, progress=progress)
        result_json = write_result(result, folder / "result.json")
        pdf = render_certificate(result_json, folder / "certificate.pdf", lang="ko+en",
                                 report_info=info)
        html = render_html(result_json, folder / "report.html", lang="ko+en",
                           report_info=info)
        done.append(DemoSet(
            name=name, title=plan.title, report_number=plan.report_number,
            verdict=str(result.overall),
            criteria=tuple((v.metric, v.outcome) for v in result.verdicts),
            n_cases=result.dataset.n_cases, n_failed=result.failures.n_failed,
            fingerprint=result.fingerprint, protocol=protocol, result_json=result_json,
            certificate_pdf=pdf, report_html=html,
        ))
    return DemoOutcome(out_dir=out, sets=tuple(done), skipped=tuple(skipped))


def _refuse_certificate_without_sandbox(mode: str) -> None:
    """Certificate mode where bubblewrap cannot run: refused before anything is written,
    pointing to the pre-check demo, which runs the example algorithms unsandboxed."""
    if mode != "certificate":
        return
    from ..errors import RunnerError
    from ..runner.sandbox import bubblewrap_available

    problem = bubblewrap_available()
    if problem is not None:
        raise RunnerError(
            f"the demo's certificate mode needs the bubblewrap sandbox, and {problem}; "
            "without it, run the demo as a pre-check (medeval demo --pre-check, or "
            "run_demo(mode=\"pre-check\")): the example algorithms then run unsandboxed "
            "and every document says pre-check")


def _prepare(out: Path) -> Path:
    """Create the demo folder, or clear the parts a previous demo run wrote in it."""
    marker = out / MARKER
    if out.exists():
        if not out.is_dir():
            raise DemoError(f"medeval demo: {out} is a file; give a folder for the demo")
        if any(out.iterdir()) and not marker.is_file():
            raise DemoError(f"medeval demo: {out} is not empty and holds no previous demo "
                            f"run ({MARKER} is missing); give a new or empty folder")
        for name in _OWNED:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DemoError(f"medeval demo: a folder above {out} is a file; give a path in a "
                        "folder for the demo") from None
    marker.write_text("This folder is written by `medeval demo`; a new run replaces "
                      f"{', '.join(_OWNED)}.\n", encoding="utf-8")
    return out.resolve()


def _protocol_text(plan: SetPlan, protocol: Path, mode: str) -> str:
    manifest = Path(os.path.relpath(plan.manifest, protocol.parent))
    document: dict[str, Any] = {
        "test": {"id": plan.report_number, "title": plan.title, "version": "1",
                 "mode": mode},
        "laboratory": {"name": LABORATORY,
                       "address": "(a demonstration; not an accredited laboratory)"},
        "customer": {"name": "medeval demo customer",
                     "address": "(a demonstration; no customer ordered this test)"},
        "algorithm": dict(plan.algorithm),
        "dataset": {"manifest": manifest.as_posix(), "selection": plan.selection,
                    # the registered set: a certified run refuses any other
                    "fingerprint": f"sha256:{_fingerprint(plan)}",
                    "sample_size": "fixed by the data the demo ships, not planned (a "
                                   "laboratory sizes its set with medeval sample-size)"},
        "task": dict(plan.task),
        "statistics": dict(plan.statistics),
        "failures": dict(plan.failures),
        "runner": {"workers": 1, "timeout_s": 120.0, **plan.runner},
        "criteria": [{**c, "rule": "guarded", "source": GOAL_SOURCE} for c in plan.criteria],
    }
    if not document["failures"]:
        del document["failures"]
    return _toml.dumps(document, comment=(
        f"medeval demo: {plan.title}\nWritten by medeval.demo.run_demo; "
        "`medeval evaluate protocol.toml --run-dir ...` reruns it."))


def _fingerprint(plan: SetPlan) -> str:
    """The fingerprint of the set's manifest, read as its task reads the references."""
    from ..manifest import Manifest
    from ..tasks.registry import task_class

    kind = task_class(str(plan.task["type"])).reference_kind
    return Manifest.from_csv(plan.manifest, reference_kind=kind).fingerprint(progress=False)


def _report_info_text(plan: SetPlan, mode: str) -> str:
    info: dict[str, Any] = {
        "report_number": plan.report_number,
        "place": "wherever `medeval demo` was run (the laboratory's premises are fictitious)",
        "accreditation": "none (demonstration)",
        "external_providers": "none",
        "opinions": ["This is a demonstration of medeval on example data and an example "
                     "algorithm shipped with the software. It certifies no product."],
        "tested_by": {"name": "medeval demo (automated run)", "title": "Tester"},
    }
    if mode == "certificate":
        info["approved_by"] = {"name": "medeval demo (not reviewed by a person)",
                               "title": "Technical manager"}
    return _toml.dumps(info, comment="Report info of the medeval demo certificate.")

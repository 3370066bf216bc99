"""Shared fixtures: the paths of the small real data sets in ../shared/data.

Hypothesis runs derandomized, so that the suite checks the same examples on every run
and a clean clone reproduces a failure; ``pytest --hypothesis-profile=explore`` searches
fresh examples (add what it finds as an ``@example``).
"""

from __future__ import annotations

import fcntl
import json
import locale
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile("default")


def _still_ignored(number: int, frame: object) -> None:
    """Ignore the signal, as the tests' process was told to, by a handler: a process the
    tests start gets the default action, as a handler is not inherited across exec."""


# A shell without job control starts a background job (`bash .ci/run &`, some CI runners)
# with SIGINT ignored, and `nohup` starts it with SIGHUP ignored; every process the tests
# start inherited that, and the tests that send a real SIGINT or SIGHUP (to `medeval
# predict`, to the hashing, to the CLI as it starts) saw nothing stop and failed by their
# timeouts. The tests' own process keeps ignoring them; its children get the default.
for _number in (signal.SIGINT, signal.SIGHUP):
    if signal.getsignal(_number) is signal.SIG_IGN:
        signal.signal(_number, _still_ignored)

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _locale_kept() -> Iterator[None]:
    """The process's C locale put back after each test: SimpleITK's DICOM writer (GDCM)
    sets LC_ALL to "C" where a test writes a series slice by slice with its tags, and
    every later test of that worker then wrote Path.write_text's Korean or '㎜' in ASCII
    ('ascii' codec can't encode ...), failing by the order the tests ran in."""
    kept = locale.setlocale(locale.LC_ALL)
    yield
    if locale.setlocale(locale.LC_ALL) != kept:
        locale.setlocale(locale.LC_ALL, kept)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests needing it skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def asah(shared_data: Path):  # type: ignore[no-untyped-def]
    """pROC's aSAH data (Turck et al. 2010), read in place; outcome Poor is positive."""
    import pandas as pd

    table = pd.read_csv(shared_data / "tables" / "aSAH.csv")
    table["poor"] = (table["outcome"] == "Poor").astype(int)
    return table


#: The demo cases whose prediction the binary study breaks, and how.
BROKEN_PREDICTIONS = {"WDBC-0001": "missing", "WDBC-0011": "garbage", "WDBC-0020": "nan"}


def binary_study(folder: Path, sites: tuple[str, str] = ("A", "B")):  # type: ignore[no-untyped-def]
    """A held-out set built from the shipped demo tables (inputs, manifest with patients
    and a ``site`` column, one prediction file per case) with three broken predictions
    (``BROKEN_PREDICTIONS``); returns the reference and prediction tables."""
    import pandas as pd

    demo = resources.files("medeval") / "demo"
    ref = pd.read_csv(demo / "references.csv", dtype={"case_id": str})
    pred = pd.read_csv(demo / "predictions.csv", dtype={"case_id": str})
    (folder / "inputs").mkdir(parents=True)
    (folder / "predictions").mkdir()
    rows = []
    for i, (cid, label) in enumerate(zip(ref["case_id"], ref["label"])):
        (folder / "inputs" / f"{cid}.txt").write_text(cid)
        rows.append({"case_id": cid, "patient_id": f"P{i // 2:03d}",
                     "input": f"inputs/{cid}.txt", "reference": str(label),
                     "site": sites[0] if i % 3 else sites[1]})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    for cid, score in zip(pred["case_id"], pred["score"]):
        kind = BROKEN_PREDICTIONS.get(cid)
        if kind == "missing":
            continue
        text = {"garbage": "{not json", "nan": '{"score": NaN}'}.get(
            kind, json.dumps({"score": float(score)}))
        (folder / "predictions" / f"{cid}.json").write_text(text)
    return ref, pred


#: The international clinical diabetic retinopathy scale, in its order (not a-z).
DR_SCALE = ["none", "mild", "moderate", "severe", "PDR"]


@pytest.fixture(scope="session")
def dr_scale_result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A multi-class result on :data:`DR_SCALE`, referable from moderate: ten cases, each
    grade twice, answered one grade up (PDR as none) and then right; the multi-class
    example's protocol otherwise, with 100 resamples."""
    import warnings

    import medeval

    folder = tmp_path_factory.mktemp("dr-scale")
    (folder / "pred").mkdir()
    rows = ["case_id,patient_id,input,reference"]
    answers = DR_SCALE[1:] + DR_SCALE[:1] + DR_SCALE
    for i, (truth, answer) in enumerate(zip(DR_SCALE * 2, answers)):
        (folder / f"c{i}.txt").write_text("x")
        rows.append(f"c{i},p{i},c{i}.txt,{truth}")
        (folder / "pred" / f"c{i}.json").write_text(json.dumps({"label": answer}))
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    example = Path(__file__).resolve().parents[1] / "examples" / "multiclass-classification"
    text = (example / "protocol.toml").read_text(encoding="utf-8")
    (folder / "protocol.toml").write_text(text.replace(
        'labels = ["G1", "G2", "G3"]', f"labels = {json.dumps(DR_SCALE)}\nreferable_from = "
        '"moderate"').replace("n_resamples = 200", "n_resamples = 100"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return medeval.evaluate(folder / "protocol.toml", folder / "pred")


#: The strictest setting a user's shell gives ``medeval``: the C locale, UTC, and Python's
#: UTF-8 mode off, so that text files and the standard streams default to ASCII.
C_SETTING = {"LC_ALL": "C", "LANG": "C", "TZ": "UTC0", "PYTHONUTF8": "0",
             "PYTHONIOENCODING": ""}


def c_environment() -> dict[str, str]:
    """This process's environment with no locale variable of its own, under C_SETTING."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(C_SETTING)
    return env


@dataclass(frozen=True)
class CommandDemo:
    """``python -m medeval demo --out FOLDER --quiet`` as it ran, and its folder."""

    folder: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def command_demo(tmp_path_factory: pytest.TempPathFactory) -> CommandDemo:
    """The demo run once by the command line under C_SETTING, in a process of its own: all
    three sets through the sandboxed runner, results, certificates and HTML reports. Its
    folder is read, never written, by the tests that take it (the command line's test and
    the locale tests' run under C). One run for the whole session: the xdist workers share
    the folder of the session's temporary root, the first to ask runs the demo under a
    lock and the others wait for it and read what it recorded."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    record, folder = root / "command-demo.json", root / "command-demo" / "demo"
    with open(root / "command-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released as the file closes, or the worker ends
        if not record.is_file():
            done = subprocess.run([sys.executable, "-m", "medeval", "demo", "--out",
                                   str(folder), "--quiet"], env=c_environment(),
                                  capture_output=True, timeout=600, check=False)
            record.write_text(json.dumps({
                "returncode": done.returncode,
                "stdout": done.stdout.decode("utf-8", "replace"),
                "stderr": done.stderr.decode("utf-8", "replace")}), encoding="utf-8")
        ran = json.loads(record.read_text(encoding="utf-8"))
    return CommandDemo(folder, ran["returncode"], ran["stdout"], ran["stderr"])

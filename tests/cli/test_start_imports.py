"""The command line imports what a command uses, not what every command might.

Before: ``medeval --help`` and ``medeval verify result.json`` imported scipy.stats and
pandas before doing anything (cli/__init__ imports every subcommand's module, which
imported medeval.result, medeval.stats.intervals, ...; medeval.stats and medeval.metrics
imported all their submodules), 2.4-2.7 s of CPU for a help text or a SHA-256; rendering
and verifying a certificate did too, through report.content -> reader_study_table ->
stats.mrmc. One fresh interpreter runs the commands one after another and records, after
each, which of the heavy libraries are loaded (a library one command loaded stays for
the next, so a step's list is what it and the steps before it loaded).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import medeval

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"

#: Imported by none of the commands below. numpy is checked after the help texts only:
#: the result's model (medeval.result -> _validation) uses it; matplotlib is not checked:
#: the certificate draws its ROC curve (and verifying one renders it again).
HEAVY = ("scipy", "scipy.stats", "pandas", "sklearn", "statsmodels")

RUN = """
import json, sys
from medeval.cli import main

steps = json.loads(sys.argv[1])
loaded = {}
for name, argv in steps:
    try:
        status = main(argv)
    except SystemExit as exc:  # --help
        status = exc.code
    loaded[name] = [status, sorted(m for m in (*HEAVY, "numpy") if m in sys.modules)]
print(json.dumps(loaded))
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("start") / "binary-classification"
    shutil.copytree(EXAMPLE, folder)
    evaluated = medeval.evaluate(folder / "protocol.toml", predictions=folder / "predictions")
    return medeval.write_result(evaluated, folder / "result" / "result.json")


def test_help_verify_and_report_import_no_scipy_or_pandas(result: Path) -> None:
    cert = result.parent / "cert.pdf"
    steps = [
        ("--help", ["--help"]),
        ("registry --help", ["registry", "--help"]),
        ("serve --help", ["serve", "--help"]),
        ("verify RESULT.json", ["verify", str(result)]),
        ("report", ["report", str(result), "--out", str(cert), "--lang", "en"]),
        ("verify CERT.pdf", ["verify", str(cert)]),
    ]
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{RUN}", json.dumps(steps)],
        capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert {name: status for name, (status, _) in loaded.items()} == dict.fromkeys(
        loaded, 0), done.stderr
    assert cert.is_file()
    heavy = {name: [m for m in modules if m != "numpy"] for name, (_, modules) in
             loaded.items()}
    assert heavy == dict.fromkeys(loaded, []), loaded
    # and nothing of numpy for the help texts
    assert loaded["serve --help"][1] == [], loaded

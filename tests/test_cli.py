"""The command line: demo, evaluate, verify, exit codes and messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from medeval.cli import main


def test_demo_writes_result_and_prints_summary(tmp_path, capsys):
    out = tmp_path / "demo" / "result.json"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "TP 124" in printed and "FN 21" in printed
    # sensitivity 124/145 with statsmodels' Wilson interval, printed to 4 decimals.
    low, high = proportion_confint(124, 145, method="wilson")
    assert re.search(rf"sensitivity\s+0\.8552\s+{low:.4f} - {high:.4f}\s+124/145\s+wilson",
                     printed)
    data = json.loads(out.read_text())
    assert data["inputs"][0]["source"] == "medeval/demo/references.csv"
    assert (tmp_path / "demo" / "result.cases.csv").is_file()
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_demo_is_reproducible_to_the_byte(tmp_path):
    main(["demo", "--out", str(tmp_path / "a.json")])
    main(["demo", "--out", str(tmp_path / "b.json")])
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_evaluate_with_options(tmp_path, capsys):
    pd.DataFrame({"id": ["x1", "x2", "x3", "x4"], "truth": ["pos", "neg", "pos", "neg"]}
                 ).to_csv(tmp_path / "ref.csv", index=False)
    pd.DataFrame({"id": ["x1", "x2", "x3", "x4"], "p": [0.8, 0.3, 0.4, 0.6]}
                 ).to_csv(tmp_path / "pred.csv", index=False)
    code = main(["evaluate", "--reference", str(tmp_path / "ref.csv"),
                 "--predictions", str(tmp_path / "pred.csv"), "--threshold", "0.5",
                 "--out", str(tmp_path / "r.json"), "--id-column", "id",
                 "--label-column", "truth", "--score-column", "p", "--pos-label", "pos",
                 "--proportion-method", "clopper-pearson", "--confidence", "0.9"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "90% CI" in printed and "clopper-pearson" in printed
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["tables"]["confusion_matrix"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    assert data["parameters"]["pos_label"] == "pos"


def test_bad_input_exits_2_with_the_reason(tmp_path, capsys):
    pd.DataFrame({"case_id": ["a", "b"], "label": [0, 1]}).to_csv(tmp_path / "ref.csv",
                                                                  index=False)
    pd.DataFrame({"case_id": ["a", "c"], "score": [0.1, 0.2]}).to_csv(tmp_path / "p.csv",
                                                                      index=False)
    code = main(["evaluate", "--reference", str(tmp_path / "ref.csv"), "--predictions",
                 str(tmp_path / "p.csv"), "--threshold", "0.5", "--out",
                 str(tmp_path / "r.json")])
    assert code == 2
    err = capsys.readouterr().err
    assert "medeval: error:" in err and ": b" in err and ": c" in err
    assert not (tmp_path / "r.json").exists()


def test_verify_detects_tampering(tmp_path, capsys):
    out = tmp_path / "result.json"
    main(["demo", "--out", str(out)])
    out.write_text(out.read_text().replace('"threshold": 0.5', '"threshold": 0.4'))
    assert main(["verify", str(out)]) == 1
    assert "verification failed" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: medeval" in capsys.readouterr().err


def test_installed_console_script_and_module(tmp_path):
    done = subprocess.run([sys.executable, "-m", "medeval", "demo", "--out",
                           str(tmp_path / "r.json")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "fingerprint  sha256:" in done.stdout

"""An --out naming a file to write, typed as a folder (``out/``), is refused.

``Path("out/")`` is ``Path("out")``: ``medeval evaluate --reference ... --out result/``
wrote the result JSON as a file named ``result`` (with ``result.cases.csv`` and
``result.sha256`` beside it), where an existing folder of that name was refused, and
``medeval report ... --out certs/`` wrote the PDF as a file named ``certs``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from medeval.cli import main

DEMO = resources.files("medeval") / "demo"


def test_evaluate_two_tables_into_a_folder_name_is_refused_and_writes_nothing(tmp_path,
                                                                              capsys):
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        status = main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                       "--threshold", "0.5", "--out", f"{tmp_path / 'result'}/"])
    assert status == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path / 'result'}/: a folder; give the result file's name" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--out", "--html"])
def test_report_into_a_folder_name_is_refused_before_reading_the_result(tmp_path, capsys,
                                                                        option):
    # refused as the command line is read: the result file need not even exist
    argv = ["report", str(tmp_path / "result.json"), "--out", str(tmp_path / "c.pdf")]
    argv += [option, f"{tmp_path / 'certs'}/"]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {tmp_path / 'certs'}/: ends in '/', a folder's name" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    # the registry's files written (found in the review of the reproducibility-pass:
    # 'registry issue RESULT --render certs/' issued a report and wrote its certificate
    # as a file named 'certs'; export and backup wrote files 'exp' and 'bk')
    ["registry", "issue", "RESULT", "--render", "{dir}/certs/"],
    ["registry", "amend", "LAB-AI-2026-0001", "RESULT", "--reason", "r",
     "--render", "{dir}/certs/"],
    ["registry", "export", "{dir}/exp/"],
    ["registry", "backup", "{dir}/bk/"],
    # 'out/.' is 'out' to Path as 'out/' is
    ["report", "RESULT", "--out", "{dir}/certs/."],
])
def test_a_file_the_registry_writes_named_as_a_folder_is_refused(tmp_path, capsys, argv):
    registry = tmp_path / "lab.sqlite"
    assert main(["registry", "init", "--registry", str(registry)]) == 0
    before = sorted(tmp_path.iterdir())
    argv = [a.replace("{dir}", str(tmp_path)).replace("RESULT", str(tmp_path / "r.json"))
            for a in argv]
    if argv[0] == "registry":
        argv += ["--registry", str(registry)]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    typed = next(a for a in argv if a.startswith(f"{tmp_path}/") and "lab" not in a
                 and "r.json" not in a)
    ending = "." if typed.endswith(".") else "/"
    assert f"{typed}: ends in '{ending}', a folder's name; give the file's name" in err, err
    assert sorted(tmp_path.iterdir()) == before  # nothing written, no report issued


def test_registry_export_to_standard_output_is_still_a_dash(tmp_path, capsys):
    registry = str(tmp_path / "lab.sqlite")
    assert main(["registry", "init", "--registry", registry]) == 0
    capsys.readouterr()
    assert main(["registry", "export", "-", "--registry", registry]) == 0
    assert capsys.readouterr().out.lstrip("\ufeff").startswith("number,")


def test_evaluate_two_tables_into_a_dot_folder_name_is_refused_as_typed(tmp_path, capsys):
    # 'result/.' is the folder 'result' (Path forgets the '.'): it was written as a file
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        status = main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                       "--threshold", "0.5", "--out", f"{tmp_path / 'result'}/."])
    assert status == 2
    assert f"--out {tmp_path / 'result'}/.: a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["report", "r.json", "--out", ""],
                                  ["report", "r.json", "--out", "c.pdf", "--html", ""],
                                  ["registry", "backup", ""]])
def test_an_empty_file_name_is_refused_as_empty(capsys, argv):
    # Path("") is the current folder: 'report --out ""' said 'certificate .: cannot be
    # written (Device or resource busy)'
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert ": an empty name; give the file's name" in capsys.readouterr().err


def test_evaluate_with_an_empty_out_is_refused_as_empty(tmp_path, capsys, monkeypatch):
    # Path("") is the current folder: without a protocol 'evaluate ... --out ""' said
    # '--out .: a folder', a name the user did not type; with one it wrote result.json
    # into the working folder. Found in the review-lead pass (the README: an option
    # naming a file to write is refused when it is empty).
    example = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
    monkeypatch.chdir(tmp_path)
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        tables = ["evaluate", "--reference", str(ref), "--predictions", str(pred),
                  "--threshold", "0.5", "--out", ""]
        protocol = ["evaluate", str(example / "protocol.toml"), "--predictions",
                    str(example / "predictions"), "--out", ""]
        for argv in (tables, protocol):
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert "--out: an empty name; give the result file's name" in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_result_name_too_long_for_its_digest_is_refused_before_anything_is_written(
        tmp_path, capsys):
    # 'r' * 250 + '.json' is 255 bytes, the limit of ext4/tmpfs names; its digest
    # '....json.sha256' would be 262 and its CSV '....cases.csv' 260: the result JSON
    # was written, then 'File name too long' on the CSV, a result without its cases
    name = "r" * 250 + ".json"
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        status = main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                       "--threshold", "0.5", "--out", str(tmp_path / name)])
    assert status == 2
    err = capsys.readouterr().err
    # 262 - 255 = 7 bytes too many: at most 255 - 7 = 248 bytes for the result's name
    assert "would take 262 bytes" in err and "give a name of at most 248 bytes" in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_hangul_result_name_is_counted_in_bytes(tmp_path, capsys):
    # each syllable 3 bytes in UTF-8: 78 of them + '.json' = 239 bytes, the digest 246,
    # written; 81 + '.json' = 248, the digest 255 (fits), 82 -> 258 (refused)
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        common = ["evaluate", "--reference", str(ref), "--predictions", str(pred),
                  "--threshold", "0.5", "--out"]
        assert main(common + [str(tmp_path / ("가" * 81 + ".json"))]) == 0
        assert main(common + [str(tmp_path / ("나" * 82 + ".json"))]) == 2
    assert "would take 258 bytes" in capsys.readouterr().err
    assert sorted(len(p.name.encode()) for p in tmp_path.iterdir()) == [248, 253, 255]


@pytest.mark.parametrize("command", ["evaluate", "run"])
def test_a_protocol_with_a_json_out_is_refused(tmp_path, capsys, command):
    # with a protocol --out is a folder: '--out result.json' made a folder 'result.json'
    # holding result.json; the protocol need not exist for the refusal
    argv = [command, str(tmp_path / "protocol.toml"), "--out", str(tmp_path / "out.json")]
    if command == "evaluate":
        argv += ["--predictions", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path / 'out.json'}: with a protocol, --out names a folder" in err
    assert f"e.g. --out {tmp_path / 'out'}/" in err
    assert list(tmp_path.iterdir()) == []

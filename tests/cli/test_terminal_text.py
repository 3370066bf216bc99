"""What the command line prints of user text: ESC, C1 controls, bidirectional overrides
and zero-width characters shown as their escapes, Korean as written.

``medeval evaluate`` printed a subgroup's value raw in its warnings: a site named
``A<ESC>[2J`` cleared the tester's screen, ``서울<U+202E>AB`` drew the rest of the line
reversed; ``registry list`` and ``show`` printed a customer's zero-width space raw (two
customers then look alike); a protocol file's name with U+202E reordered its error line.
The expected texts below are written by hand: each escape as Python's ``repr`` writes the
character (``'\\x1b'``, ``'\\u202e'``, ``'\\u200b'``), as medeval's messages already quote
names. What the result JSON and the registry's export hold is the data as written."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.registry import Registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
ESC, RLO, ZWSP = "\x1b", "\u202e", "\u200b"
#: what a terminal acts on rather than draws; none may reach it raw
OBEYED = (ESC, RLO, ZWSP, "\x9b")


def _raw_free(text: str) -> bool:
    return not any(char in text for char in OBEYED)


def _example(tmp_path: Path) -> Path:
    """The binary example, its sites renamed: 'A<ESC>[2J', '서울<RLO>AB', '부산<ZWSP>' in
    turn, and its title in Korean."""
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    sites = [f"A{ESC}[2J", f"서울{RLO}AB", f"부산{ZWSP}"]
    for i, row in enumerate(rows[1:]):
        row[rows[0].index("site")] = sites[i % 3]
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'title = "Binary classification end to end"', 'title = "이진 분류 사전 점검"'),
        encoding="utf-8")
    return folder


def test_evaluate_shows_subgroup_values_with_escapes(tmp_path, capsys, monkeypatch):
    folder = _example(tmp_path)
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    code = main(["evaluate", str(folder / "protocol.toml"), "--predictions",
                 str(folder / "predictions"), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert _raw_free(captured.out) and _raw_free(captured.err)
    out = captured.out.encode("utf-8")
    # the three sites' warnings (an undefined resampled statistic in each small site)
    for shown in ("site=A\\x1b[2J: ", "site=서울\\u202eAB: ", "site=부산\\u200b: "):
        assert shown.encode("utf-8") in out, shown
    # Korean as written: the title's UTF-8 bytes, no escape
    assert "KTL-TEST-0001 이진 분류 사전 점검 (binary-classification".encode() in out
    # the result keeps the values as the manifest wrote them
    stored = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    starts = {w.split(":")[0] for w in stored["warnings"] if w.startswith("site=")}
    assert starts == {f"site=A{ESC}[2J", f"site=서울{RLO}AB", f"site=부산{ZWSP}"}


def test_an_error_naming_a_file_shows_its_escapes(tmp_path, capsys):
    protocol = tmp_path / f"p{RLO}x.toml"
    protocol.write_text((EXAMPLE / "protocol.toml").read_text(encoding="utf-8").replace(
        'mode = "pre-check"', 'mode = "pre-check"\nsurplus = 1'), encoding="utf-8")
    assert main(["protocol", "check", str(protocol)]) == 2
    captured = capsys.readouterr()
    assert _raw_free(captured.err)
    assert f"medeval: error: protocol {tmp_path}/p\\u202ex.toml: " in captured.err


def test_registry_list_and_show_escape_export_keeps(tmp_path, capsys):
    reg = tmp_path / "lab.sqlite"
    registry = Registry.create(reg)
    registry.issue(fingerprint="a" * 64, pdf_sha256="b" * 64, test_id="KTL-1",
                   customer=f"주식회사 메디{ZWSP}", tester="홍길동", approver="김철수",
                   issue_date="2026-11-27")
    registry.issue(fingerprint="c" * 64, pdf_sha256="d" * 64, test_id="KTL-2",
                   customer="Acme", tester="A", approver="B", issue_date="2026-11-28")
    registry.close()
    # a row changed outside medeval (a registry kept before its checks, or edited by
    # hand): ESC and U+202E, which the registry refuses to write
    with sqlite3.connect(reg) as db:
        db.execute("UPDATE medeval_reports SET customer = ? WHERE test_id = 'KTL-2'",
                   (f"Ac{ESC}[2Jme{RLO}oC",))
    assert main(["registry", "list", "--registry", str(reg)]) == 0
    listed = capsys.readouterr().out
    assert _raw_free(listed)
    assert "KTL-1  주식회사 메디\\u200b\n" in listed
    assert "KTL-2  Ac\\x1b[2Jme\\u202eoC\n" in listed
    assert main(["registry", "show", "LAB-AI-2026-0001", "--registry", str(reg)]) == 0
    assert "customer           주식회사 메디\\u200b\n" in capsys.readouterr().out
    # the export is data: the CSV holds the customer as the registry does
    assert main(["registry", "export", "-", "--registry", str(reg)]) == 0
    exported = list(csv.DictReader(capsys.readouterr().out.lstrip("\ufeff").splitlines()))
    assert [row["customer"] for row in exported] == [f"주식회사 메디{ZWSP}",
                                                     f"Ac{ESC}[2Jme{RLO}oC"]


def test_predict_shows_a_plugins_exception_text_with_escapes(tmp_path, capsys):
    # the algorithm's exception text is the algorithm's to write: ESC, U+202E and U+200B
    # in it, and Korean
    data = shutil.copytree(EXAMPLE.parent / "runner" / "data", tmp_path / "data")
    (tmp_path / "alg").mkdir()
    (tmp_path / "alg" / "bad.py").write_text(
        "class Bad:\n"
        "    def setup(self):\n        pass\n"
        "    def predict(self, case):\n"
        "        if case.case_id == 'm01':\n"
        "            raise ValueError('boom \\x1b[2J 악성\\u202eXY\\u200b')\n"
        "        return {'score': 0.5}\n", encoding="utf-8")
    code = main(["predict", "--algorithm", f"{tmp_path / 'alg' / 'bad.py'}:Bad",
                 "--manifest", str(data / "manifest.csv"), "--out", str(tmp_path / "run"),
                 "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert _raw_free(captured.out) and _raw_free(captured.err)
    assert ("  failed m01: exception: ValueError: boom \\x1b[2J 악성\\u202eXY\\u200b\n"
            in captured.out)


def test_a_simpleitk_warning_on_a_file_shows_its_name_with_escapes(tmp_path):
    # A reference mask named 'S-02<ESC>[2J<U+202E>판독.nii.gz' whose sform scales z by
    # 1.001 against its qform (written by nibabel): SimpleITK reads it with the warning
    # 'has unexpected scales in sform', which medeval passes on as a UserWarning naming
    # the file, shown by Python's warning display (a subprocess: pytest records warnings
    # instead of displaying them).
    import os
    import subprocess
    import sys

    import nibabel as nib
    import numpy as np

    folder = shutil.copytree(EXAMPLE.parent / "segmentation", tmp_path / "seg",
                             ignore=shutil.ignore_patterns("result"))
    name = f"S-02{ESC}[2J{RLO}판독.nii.gz"
    mask = nib.load(folder / "masks" / "S-02.nii.gz")
    qform = mask.get_qform()
    sform = qform.copy()
    sform[2, 2] *= 1.001
    odd = nib.Nifti1Image(np.asarray(mask.dataobj), qform, header=mask.header)
    odd.set_qform(qform, code=1)
    odd.set_sform(sform, code=2)
    nib.save(odd, folder / "masks" / name)
    (folder / "masks" / "S-02.nii.gz").unlink()
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "masks/S-02.nii.gz", f"masks/{name}"), encoding="utf-8")
    import medeval

    env = {**os.environ, "PYTHONPATH": str(Path(medeval.__file__).resolve().parents[1]),
           "MEDEVAL_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "medeval", "evaluate",
                           str(folder / "protocol.toml"), "--predictions",
                           str(folder / "predictions"), "--out", str(tmp_path / "out")],
                          capture_output=True, env=env, check=False)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 0, err
    assert _raw_free(err) and _raw_free(done.stdout.decode("utf-8"))
    assert (f"UserWarning: image {folder}/masks/S-02\\x1b[2J\\u202e판독.nii.gz: SimpleITK: "
            in err)
    assert "판독.nii.gz has unexpected scales in sform" in err


def test_a_file_name_not_in_utf8_prints_instead_of_a_traceback(tmp_path):
    # A protocol file named with the Latin-1 byte E9 ('é' written by a Windows tool):
    # Python reads the name as the lone surrogate U+DCE9, which a strict UTF-8 standard
    # output (PYTHONIOENCODING=utf-8, as under en_US.UTF-8 or ko_KR.UTF-8 rather than the C
    # locale) cannot encode: 'protocol check' ended in a UnicodeEncodeError traceback.
    import os
    import subprocess
    import sys

    import medeval

    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    protocol = os.path.join(os.fsencode(folder), b"p\xe9.toml")
    with open(protocol, "wb") as f:
        f.write((EXAMPLE / "protocol.toml").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(Path(medeval.__file__).resolve().parents[1]),
           "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "medeval", "protocol", "check", protocol],
                          capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.decode("utf-8").startswith(f"OK  {folder}/p\\udce9.toml  KTL-TEST-0001 ")


def test_argparse_repeats_unknown_words_with_escapes(capsys):
    # 'unrecognized arguments' repeats the words as given, a file name from a glob
    # among them; argparse's own 'invalid choice' quotes with repr already
    with pytest.raises(SystemExit) as stop:
        main(["protocol", "check", "p.toml", f"extra{ESC}[2J{RLO}판독.toml"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert _raw_free(err)
    assert err.endswith("medeval: error: unrecognized arguments: extra\\x1b[2J\\u202e판독.toml\n")


def test_a_line_break_in_a_subgroup_value_or_the_title_stays_in_its_line(tmp_path, capsys,
                                                                          monkeypatch):
    # A quoted CSV cell may hold a line break: a site 'A<LF>overall: PASS' printed each of
    # its warnings as two lines, the second at the margin reading 'overall: PASS: ...';
    # a TOML title "Test\nline" broke the summary's first line.
    folder = shutil.copytree(EXAMPLE, tmp_path / "example",
                             ignore=shutil.ignore_patterns("result"))
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for i, row in enumerate(rows[1:]):
        row[rows[0].index("site")] = "A\noverall: PASS" if i % 2 else "B"
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8").replace(
        'title = "Binary classification end to end"', 'title = "검사\\n둘째 줄"'),
        encoding="utf-8")
    monkeypatch.setenv("MEDEVAL_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["evaluate", str(protocol), "--predictions", str(folder / "predictions"),
                 "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("medeval ") and " - KTL-TEST-0001 검사\\n둘째 줄 (binary" in lines[0]
    site_a = [line for line in lines if "site=A" in line]
    assert site_a and all(line.startswith("    site=A\\noverall: PASS: ") for line in site_a)
    assert not any(line.startswith("overall: PASS:") for line in lines)

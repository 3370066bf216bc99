"""Subgroup columns with blank values. A manifest row whose subgroup column is blank is
its own subgroup, value "": the certificate printed it as a row with counts and figures
but no name (found in the KTL tester pass); a column blank in every row made one
subgroup of every case, and the protocol was accepted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import medeval
from medeval.protocol import ProtocolError, load_protocol
from medeval.report import render_certificate

from ..conftest import binary_study
from ..test_evaluation import protocol_file


def test_a_blank_value_is_named_on_the_certificate(tmp_path: Path) -> None:
    binary_study(tmp_path, sites=("A", ""))  # row i blank where i % 3 == 0
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    # 369 demo cases: i = 0, 3, ..., 366 blank (123), the other 246 site A
    assert {g.value: g.n_cases for g in result.subgroups} == {"": 123, "A": 246}
    for lang, name in (("en", "(blank in the manifest)"), ("ko", "(매니페스트에 값 없음)")):
        pdf = render_certificate(result, tmp_path / f"{lang}.pdf", lang=lang)
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        # §4's composition: the name, then the count
        assert re.search(re.escape(name) + r"\s+123\b", text), name


def test_a_column_blank_in_every_row_is_refused(tmp_path: Path) -> None:
    binary_study(tmp_path, sites=(" ", ""))
    with pytest.raises(ProtocolError, match=r"subgroups\.columns: 'site' is blank in every "
                       r"row of the manifest manifest\.csv"):
        load_protocol(protocol_file(tmp_path))


def test_a_column_of_another_value_in_every_row_is_refused(tmp_path: Path) -> None:
    # Found in the scale pass: a frame-number column listed as a subgroup column made a
    # subgroup of each case (3,000 frames: 3,000 subgroups, 33,008 warnings and a
    # 152-page pre-check; 37,500 frames would make some 1,900 pages), every interval
    # undefined. Refused like a blank column. Its values and count are read here with
    # the csv module; a column that does group cases (two sites) still passes.
    import csv

    binary_study(tmp_path, sites=("A", "B"))
    with open(tmp_path / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    load_protocol(protocol_file(tmp_path))  # sites A and B: accepted
    for i, row in enumerate(rows):
        row["site"] = f"{i:06d}"  # a frame number
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ProtocolError, match=(
            rf"subgroups\.columns: 'site' holds a different value in every row of the "
            rf"manifest manifest\.csv \({len(rows)} values, e\.g\. '000000', '000001'\): "
            r"each subgroup would be one case")):
        load_protocol(protocol_file(tmp_path))
    rows[1]["site"] = rows[0]["site"]  # two cases share a value: a group, accepted
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    load_protocol(protocol_file(tmp_path))


def test_a_blank_values_warnings_name_it(tmp_path: Path) -> None:
    # Found in the hsub exploratory pass: the warnings of the blank value's subgroup were
    # scoped "site=: sensitivity: ...", which names no group, where its tables print
    # "(blank in the manifest)"; they now say "site=(blank in the manifest): ...", in
    # Korean "site=(매니페스트에 값 없음): ...". Every case of one patient in three is blank
    # (two cases a patient: clustered intervals, whose notes are warnings); the blank
    # cases are counted here with the csv module.
    import csv

    binary_study(tmp_path)
    with open(tmp_path / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["site"] = "" if int(row["patient_id"][1:]) % 3 == 0 else "A"
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    blank = sum(row["site"] == "" for row in rows)
    result = medeval.evaluate(protocol_file(tmp_path), tmp_path / "predictions")
    assert {g.value: g.n_cases for g in result.subgroups} == {"": blank, "A": len(rows) - blank}
    named = [w for w in result.warnings if w.startswith("site=(blank in the manifest): ")]
    assert named and not [w for w in result.warnings if w.startswith("site=: ")]
    assert any(w.startswith("site=(blank in the manifest): sensitivity: ") for w in named)
    pdf = render_certificate(result, tmp_path / "ko.pdf", lang="ko")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "site=(매니페스트에 값 없음): sensitivity: " in text

"""A classification protocol's predictions as one table (``--predictions PRED.csv``):
the figures scikit-learn gives on the same scores, each bad row failing its case, rows of
no case refused. Before, a table was refused as "a file; give the folder"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

import medeval
from medeval.errors import TableError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def binary(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A copy of the binary example and every case's score (its file's, or 0.5)."""
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "binary-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    scores = []
    for case_id in manifest["case_id"]:
        file = folder / "predictions" / f"{case_id}.json"
        data = json.loads(file.read_text()) if file.is_file() else {}
        score = data.get("score")
        scores.append(score if isinstance(score, float) else 0.5)
    return folder, pd.DataFrame({"case_id": manifest["case_id"],
                                 "truth": manifest["reference"].astype(int), "score": scores})


def _write(frame: pd.DataFrame, path: Path, form: str) -> Path:
    if form == "csv":
        frame.to_csv(path, index=False)
    elif form == "excel":  # ';' between fields, a decimal comma, a BOM, CRLF
        text = frame.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    else:
        frame.to_json(path, orient="records")
    return path


@pytest.mark.parametrize("form", ["csv", "excel", "json"])
def test_a_binary_table_gives_scikit_learns_figures(binary, form):
    folder, cases = binary
    table = _write(cases[["case_id", "score"]], folder / f"pred.{form}", form)
    result = medeval.evaluate(folder / "protocol.toml", table)
    truth, scores = cases["truth"].to_numpy(), cases["score"].to_numpy()
    assert result.failures.n_failed == 0
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        skm.roc_auc_score(truth, scores), abs=1e-12)
    threshold = 0.5  # the example protocol's
    assert result.metric("sensitivity").estimate.value == pytest.approx(
        skm.recall_score(truth, scores >= threshold), abs=1e-12)
    assert result.metric("specificity").estimate.value == pytest.approx(
        skm.recall_score(truth, scores >= threshold, pos_label=0), abs=1e-12)
    data = json.loads(result.to_json())
    assert data["algorithm"]["predictions"] == "supplied-table"
    assert data["inputs"][-1]["source"] == table.name and data["inputs"][-1]["rows"] == 24


def test_each_bad_row_fails_its_case_and_a_missing_row_is_missing_output(binary):
    folder, cases = binary
    text = cases[["case_id", "score"]].astype(str).to_numpy().tolist()
    text[0][1], text[1][1] = "", "high"  # an empty cell, a word (the column is then text)
    lines = ["case_id,score"] + [",".join(row) for row in text[:-1]]  # the last row gone
    (folder / "pred.csv").write_text("\n".join(lines) + "\n")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    failed = {c.case_id: (c.reason, c.detail) for c in result.failures.cases}
    first, second, last = cases["case_id"].iloc[[0, 1, -1]]
    # each refused row named by its line in the file (lines[k] is line k + 1)
    assert failed == {
        first: ("invalid-output", f"case {first}: no score: NaN (in a table, an empty cell or "
                                  "#N/A, which are read as NaN); write the score as a number "
                                  "(pred.csv, line 2)"),
        second: ("invalid-output", f"case {second}: the prediction must hold a number or "
                                   "{\"score\": number}, got 'high' (pred.csv, line 3)"),
        last: ("missing-output", f"case {last}: no prediction in the table")}
    assert result.failures.n_failed == 3  # the others' text read as numbers: scored


def test_an_empty_or_na_cell_is_said_to_be_one(binary):
    # a tester's spreadsheet: '#N/A' where a formula found no score, and a cell left
    # empty; each failed as 'score nan is not finite', a word neither line holds
    folder, cases = binary
    text = cases[["case_id", "score"]].astype(str).to_numpy().tolist()
    text[2][1], text[4][1] = "#N/A", ""
    lines = ["case_id,score"] + [",".join(row) for row in text]
    (folder / "pred.csv").write_text("\n".join(lines) + "\n")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    failed = {c.case_id: c.detail for c in result.failures.cases}
    na, empty = cases["case_id"].iloc[[2, 4]]
    why = "no score: NaN (in a table, an empty cell or #N/A, which are read as NaN)"
    # lines[k] is line k + 1: the third row is line 4, the fifth line 6
    assert failed == {na: f"case {na}: {why}; write the score as a number (pred.csv, line 4)",
                      empty: f"case {empty}: {why}; write the score as a number "
                             "(pred.csv, line 6)"}


def test_a_score_written_with_pythons_digit_grouping_fails_its_case(binary):
    # float('0_83') is 83.0, a score no table writer means (pandas' to_numeric: NaN)
    folder, cases = binary
    lines = ["case_id,score"] + [f"{c},{s}" for c, s in zip(cases["case_id"], cases["score"])]
    lines[1] = f"{cases['case_id'][0]},0_83"
    (folder / "pred.csv").write_text("\n".join(lines) + "\n")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    assert [(c.case_id, c.detail) for c in result.failures.cases] == [
        (cases["case_id"][0], f"case {cases['case_id'][0]}: the prediction must hold a number "
                              "or {\"score\": number}, got '0_83' (pred.csv, line 2)")]


@pytest.mark.parametrize("form", ["csv", "json", "json-columns"])
def test_a_refused_cell_is_found_where_the_file_holds_it(binary, form):
    # In a table of 37,500 rows the case id alone leaves a search: the failure names the
    # CSV file's line (a blank line and a note over two lines before it, as a text editor
    # counts them) or the JSON list's entry, found here again with Python's csv and json
    # modules; a JSON object of rows (pandas' column form) has no order to name
    import csv

    folder, cases = binary
    table = cases[["case_id", "score"]].sample(frac=1, random_state=7).astype(object)
    table.insert(2, "note", "")
    table.iloc[1, 2] = "seen twice,\nre-read"
    bad = table["case_id"].iloc[9]
    table.loc[table["case_id"] == bad, "score"] = "high"
    path = folder / f"pred.{form.partition('-')[0]}"
    if form == "csv":
        text = table.to_csv(index=False, lineterminator="\n")
        head, rest = text.split("\n", 1)
        path.write_text(f"{head}\n\n{rest}", encoding="utf-8")  # a blank line after it
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            place = next(f"line {reader.line_num}" for row in reader if row and row[0] == bad)
    elif form == "json":
        table.to_json(path, orient="records")
        rows = json.loads(path.read_text(encoding="utf-8"))
        place = f"entry {1 + [r['case_id'] for r in rows].index(bad)} of {len(rows)}"
    else:
        table.to_json(path, orient="columns")
        place = None
    result = medeval.evaluate(folder / "protocol.toml", path)
    (failure,) = result.failures.cases
    refusal = (f"case {bad}: the prediction must hold a number or {{\"score\": number}}, "
               "got 'high'")
    assert failure.detail == (refusal if place is None else f"{refusal} ({path.name}, {place})")
    if form == "csv":  # below the blank line and the two-line note: not the 10th row + 1
        assert place == "line 13", place


def test_a_table_is_read_again_for_its_places_only_when_a_cell_is_refused(binary):
    # Finding each row's line reads the table a second time, as text (29 ms for 37,500
    # rows); a table whose every cell is taken never needs it. Counted with Python's
    # audit events ('open', PEP 578): a refused cell opens the file again (for its
    # dialect and its lines), a table of numbers only does not.
    import sys

    folder, cases = binary
    path = folder / "pred.csv"
    opened: list[str] = []
    watching = [False]

    def hook(event: str, args: tuple) -> None:
        if watching[0] and event == "open" and str(args[0]) == str(path):
            opened.append(event)

    sys.addaudithook(hook)

    def opens(table: pd.DataFrame) -> tuple[int, int]:
        table.to_csv(path, index=False)
        opened.clear()
        watching[0] = True
        try:
            result = medeval.evaluate(folder / "protocol.toml", path)
        finally:
            watching[0] = False
        return len(opened), result.failures.n_failed

    taken, none_failed = opens(cases[["case_id", "score"]])
    refused = cases[["case_id", "score"]].astype(object)
    refused.iloc[3, 1] = "high"
    again, one_failed = opens(refused)
    assert (none_failed, one_failed) == (0, 1)
    assert again > taken, (taken, again)


def test_rows_of_no_case_are_refused_naming_them(binary):
    folder, cases = binary
    table = cases[["case_id", "score"]].copy()
    table.loc[0, "case_id"] = table.loc[0, "case_id"] + ".png"
    table.to_csv(folder / "pred.csv", index=False)
    with pytest.raises(TableError, match=rf"predictions table .*pred.csv: 1 case\(s\) are "
                                         rf"not in the manifest .*: {cases['case_id'][0]}.png; "
                                         r"1 id\(s\) differ .* only by a file suffix"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")


def test_a_multiclass_table_gives_scikit_learns_figures(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    rng = np.random.default_rng(2)
    predicted = np.where(rng.random(len(manifest)) < 0.7, manifest["reference"],
                         rng.choice(["G1", "G2", "G3"], len(manifest)))
    pd.DataFrame({"case_id": manifest["case_id"], "label": predicted}).to_csv(
        folder / "pred.csv")  # with pandas' index column, as to_csv() writes it
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    truth = manifest["reference"].to_numpy()
    assert result.metric("accuracy").estimate.value == pytest.approx(
        skm.accuracy_score(truth, predicted), abs=1e-12)
    assert result.metric("f1@macro").estimate.value == pytest.approx(
        skm.f1_score(truth, predicted, average="macro"), abs=1e-12)


def test_other_tasks_still_want_a_folder(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "detection", folder, ignore=shutil.ignore_patterns("result"))
    (folder / "pred.csv").write_text("case_id,score\nF-01,0.5\n")
    with pytest.raises(medeval.MedevalError, match="is a file; give the folder"):
        medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")


def test_a_coco_results_file_of_the_set_names_split_coco(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "polyp-detection", folder, ignore=shutil.ignore_patterns("result"))
    with pytest.raises(medeval.MedevalError, match=r"detections.json: is a file; .* 'medeval "
                                                   r"predictions split-coco FILE --protocol"):
        medeval.evaluate(folder / "protocol.toml", folder / "detections.json")


def test_a_table_of_class_probabilities_says_what_the_protocol_reads(tmp_path):
    # before: "(choose other column names with the id/label/score options)", options the
    # protocol's evaluation does not have
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    pd.DataFrame({"case_id": manifest["case_id"], "G1": 0.2, "G2": 0.5, "G3": 0.3}).to_csv(
        folder / "pred.csv", index=False)
    with pytest.raises(TableError) as info:
        medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    assert str(info.value).endswith(
        "missing column(s) 'label'; it has 'case_id', 'G1', 'G2', 'G3' (a "
        "multiclass-classification protocol's predictions table holds 'case_id' and 'label', "
        "the class predicted for each case (class probabilities are read with "
        "probabilities = true in [task]); rename its columns so)")


def test_a_table_of_ids_typed_on_macos_is_placed_on_the_manifests_cases(tmp_path):
    import unicodedata

    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest["case_id"] = "환자-" + manifest["case_id"]  # the manifest in NFC
    manifest.to_csv(folder / "manifest.csv", index=False)
    pd.DataFrame({"case_id": [unicodedata.normalize("NFD", c) for c in manifest["case_id"]],
                  "label": manifest["reference"]}).to_csv(folder / "pred.csv", index=False)
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    assert result.failures.n_failed == 0 and result.metric("accuracy").estimate.value == 1.0


@pytest.mark.parametrize("labels", [["01", "02", "03"], ["None", "NA", "G3"]])
def test_labels_are_read_as_written(tmp_path, labels):
    # labels "01", "02", "03": a CSV column of them was read as the integers 1, 2, 3, so
    # every case failed as 'predicted label 3 is not one of ['01', '02', '03']' (accuracy
    # 0); classes named None or NA were read as empty cells (pandas' NA words) and failed
    # as 'predicted label nan'; the same table as JSON, or as files, was scored
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text().replace(
        'labels = ["G1", "G2", "G3"]', "labels = " + json.dumps(labels)))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest["reference"] = manifest["reference"].map(dict(zip(["G1", "G2", "G3"], labels)))
    manifest.to_csv(folder / "manifest.csv", index=False)
    rng = np.random.default_rng(3)
    predicted = np.where(rng.random(len(manifest)) < 0.7, manifest["reference"],
                         rng.choice(labels, len(manifest)))
    pd.DataFrame({"case_id": manifest["case_id"], "label": predicted}).to_csv(
        folder / "pred.csv", index=False)
    result = medeval.evaluate(protocol, folder / "pred.csv")
    assert result.failures.n_failed == 0
    assert result.metric("accuracy").estimate.value == pytest.approx(
        skm.accuracy_score(manifest["reference"], predicted), abs=1e-12)


def test_integer_labels_written_as_floats_are_still_read(tmp_path):
    # pandas writes an integer label column holding an empty cell as 2.0: still label 2
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    protocol = folder / "protocol.toml"
    protocol.write_text(protocol.read_text().replace('labels = ["G1", "G2", "G3"]',
                                                     'labels = [1, 2, 3]'))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    manifest["reference"] = manifest["reference"].str.replace("G", "")
    manifest.to_csv(folder / "manifest.csv", index=False)
    predicted = manifest["reference"].astype(float)
    predicted.iloc[0] = np.nan
    pd.DataFrame({"case_id": manifest["case_id"], "label": predicted}).to_csv(
        folder / "pred.csv", index=False)
    assert ".0\n" in (folder / "pred.csv").read_text()  # written as floats
    result = medeval.evaluate(protocol, folder / "pred.csv")
    assert [c.case_id for c in result.failures.cases] == [manifest["case_id"][0]]
    # the empty cell is named so, not 'predicted label nan' (as if the algorithm had
    # answered the word nan; found in the grading pass)
    [failure] = result.failures.cases
    assert failure.reason == "invalid-output" and "nan" not in failure.detail
    assert "no predicted label (an empty cell of the predictions table" in failure.detail
    # 17 of 18 right, the empty one wrong (worst case): 17/18 by hand
    assert result.metric("accuracy").estimate.value == pytest.approx(17 / 18, abs=1e-12)


def test_an_excel_error_cell_fails_its_case_only(binary):
    # Excel's ';' export with one cell '#DIV/0!': pandas read the column as text, so every
    # '0,8861' in it was no number and all 24 cases failed (AUC 0); a comma CSV failed one
    folder, cases = binary
    lines = ["case_id;score"] + [f"{c};{s}".replace(".", ",")
                                 for c, s in zip(cases["case_id"], cases["score"])]
    lines[2] = f"{cases['case_id'][1]};#DIV/0!"
    (folder / "pred.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    assert [c.case_id for c in result.failures.cases] == [cases["case_id"][1]]
    # the failed case ranked wrongly (the example's policy worst-case): a positive case
    # below every score, a negative one above
    truth, scores = cases["truth"].to_numpy(), cases["score"].to_numpy(dtype=float, copy=True)
    scores[1] = scores.min() - 1 if truth[1] else scores.max() + 1
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        skm.roc_auc_score(truth, scores), abs=1e-12)


def test_a_certificate_protocols_table_is_named_a_pre_check_and_fingerprinted(binary, capsys):
    # the summary said "(binary-classification, certificate)" of predictions the laboratory
    # did not run, where the certificate's banner says PRE-CHECK
    import hashlib

    from medeval.cli import main
    from medeval.manifest import Manifest

    folder, cases = binary
    table = _write(cases[["case_id", "score"]], folder / "pred.csv", "csv")
    fingerprint = Manifest.from_csv(folder / "manifest.csv", reference_kind="label").fingerprint()
    protocol = folder / "protocol.toml"
    text = protocol.read_text().replace('mode = "pre-check"', 'mode = "certificate"')
    protocol.write_text(text.replace("[dataset]\n",
                                     f'[dataset]\nfingerprint = "sha256:{fingerprint}"\n'))
    assert main(["evaluate", str(protocol), "--predictions", str(table),
                 "--out", str(folder / "out")]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("(binary-classification, certificate protocol; a pre-check: the "
                          "predictions were supplied, not run by the laboratory)")
    data = json.loads((folder / "out" / "result.json").read_text())
    digest = hashlib.sha256(table.read_bytes()).hexdigest()
    assert data["inputs"][-1] == {"role": "predictions", "rows": 24, "sha256": digest,
                                  "source": "pred.csv"}
    assert data["algorithm"]["run"] == {"predictions_sha256": digest}


def test_a_measurement_table_from_excel_with_a_unit_column(tmp_path):
    # A measurement's predictions as one table, as a company keeps them: before, refused
    # as "a file; give the folder". Excel's ';' export with decimal commas, a byte-order
    # mark and CRLF, a unit column: ST-02's "cm" fails its case (as {"unit": "cm"} in a
    # file does), ST-05 has no row (missing-output), the rest are read as numbers; the
    # bias is the t interval of the differences computed here with numpy and scipy.
    from scipy import stats

    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "measurement", folder, ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    rows, pairs = ["case_id;value;unit"], []
    for case_id, reference in zip(manifest["case_id"], manifest["reference"]):
        if case_id == "ST-05":
            continue
        value = round(float(reference) * 1.05 + 0.1, 2)
        rows.append(f"{case_id};{str(value).replace('.', ',')};"
                    f"{'cm' if case_id == 'ST-02' else 'mm'}")
        if case_id != "ST-02":
            pairs.append((float(reference), value))
    table = folder / "measured.csv"
    table.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    result = medeval.evaluate(folder / "protocol.toml", table)
    failures = {c.case_id: (c.reason, c.detail) for c in result.failures.cases}
    line = 1 + [r.split(";")[0] for r in rows].index("ST-02")  # rows[0]: the header, line 1
    assert failures == {
        "ST-02": ("invalid-output", 'case ST-02: the prediction states unit "cm", and the '
                  'protocol measures in "mm": write the value in mm (nothing is converted) '
                  f"(measured.csv, line {line})"),
        "ST-05": ("missing-output", "case ST-05: no prediction in the table")}
    d = np.array([m - r for r, m in pairs])
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    bias = result.metric("bias").estimate
    assert (bias.value, bias.low, bias.high, bias.n) == pytest.approx(
        (d.mean(), d.mean() - half, d.mean() + half, len(d)))


@pytest.mark.parametrize("column", ["Unit", "units", " unit"])
def test_a_unit_column_written_otherwise_is_refused_not_left_unread(tmp_path, column):
    # dcd7dfa checks a column named 'unit' exactly; one headed 'Unit' (or 'units', or with
    # a space: Excel keeps it) was dropped unread, so values it said were in cm were
    # scored as mm with no failed case (found in the review-measure pass). The table is
    # now refused, naming the column. A duplicate case is refused too, as for the others.
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "measurement", folder, ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    table = folder / "measured.csv"
    table.write_text(f"case_id,value,{column}\n" + "".join(
        f"{c},{float(r) / 10:g},cm\n" for c, r in zip(manifest["case_id"],
                                                       manifest["reference"])))
    with pytest.raises(TableError, match=f"column {column!r} is not read as the optional "
                       "column 'unit', which must be named exactly so; rename it"):
        medeval.evaluate(folder / "protocol.toml", table)
    # named 'unit', each case states cm and fails
    table.write_text(table.read_text().replace(column, "unit", 1))
    result = medeval.evaluate(folder / "protocol.toml", table)
    assert result.failures.n_failed == len(manifest) and result.flow.scored == 0
    table.write_text(table.read_text() + f"{manifest['case_id'][0]},0.5,mm\n")
    with pytest.raises(TableError, match=f"duplicate 'case_id' value.*{manifest['case_id'][0]}"):
        medeval.evaluate(folder / "protocol.toml", table)


def test_every_kind_of_problem_of_a_table_is_reported_in_one_run(binary):
    # before, the duplicate was refused first, and the unknown id only in the next run
    folder, cases = binary
    ids = cases["case_id"].tolist()
    text = "case_id,score\n" + "".join(f"{i},0.5\n" for i in ids)  # lines 2 to 25
    text += f"{ids[3]},0.7\n,0.1\nWDBC-9999,0.2\n"  # line 26 repeats line 5's id
    (folder / "pred.csv").write_text(text)
    with pytest.raises(TableError) as info:
        medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    message = str(info.value)
    assert "empty 'case_id' on line(s) 27;" in message
    assert f"duplicate 'case_id' value(s) {ids[3]} (lines 5, 26);" in message
    assert "1 case(s) are not in the manifest " in message
    assert message.endswith(": WDBC-9999")


@pytest.mark.parametrize(("example", "extra", "label"), [
    ("multilabel-classification", "score@AFIB", "AFIB"),
    ("multilabel-classification", "score@mi", "mi"),
    ("multiclass-probabilities", "probability@5", "5")])
def test_a_column_for_a_label_the_protocol_does_not_hold_is_refused(tmp_path, example, extra,
                                                                     label):
    # Found in the tasks pass: a table's score@AFIB (or score@mi beside score@MI, or a
    # sixth grade's probability@5) was left unread without a word, where the same
    # prediction as a file, {"scores": {..., "AFIB": 0.2}}, fails its case. The table
    # is refused naming the column, as a 'units' column is. Without the column the
    # figures are scikit-learn's (the examples' tests), so only the refusal is new here.
    folder = shutil.copytree(EXAMPLES / example, tmp_path / example,
                             ignore=shutil.ignore_patterns("out", "result"))
    table = pd.read_csv(folder / "predictions.csv", dtype=str)
    table[extra] = "0.0"
    table.to_csv(folder / "extra.csv", index=False)
    with pytest.raises(TableError, match=rf"column\(s\) '{extra}' name no label of the "
                                         r"protocol \(its columns are '(score|probability)@"):
        medeval.evaluate(folder / "protocol.toml", folder / "extra.csv")
    # the file form of the same prediction fails its case (the behaviour matched)
    first = sorted((folder / "predictions").glob("*.json"))[0]
    given = json.loads(first.read_text())
    key = "scores" if "scores" in given else "probabilities"
    given[key][label] = 0.0
    first.write_text(json.dumps(given))
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    assert {c.case_id: c.reason for c in result.failures.cases}[first.stem] == "invalid-output"


def test_a_header_written_again_is_named_by_its_line(binary, tmp_path):
    # two exports joined with `cat a.csv b.csv`: pandas reads the second header as a row,
    # which was refused as "1 case(s) are not in the manifest: case_id"
    folder, cases = binary
    first, second = cases[["case_id", "score"]][:10], cases[["case_id", "score"]][10:]
    table = folder / "pred.csv"
    table.write_text(first.to_csv(index=False) + second.to_csv(index=False))
    assert "case_id" in pd.read_csv(table, dtype=str)["case_id"].tolist()
    # line 1 the header, lines 2-11 the first ten cases, line 12 the header again
    with pytest.raises(TableError, match=r"pred.csv: line\(s\) 12 repeat the header \("
                       r"'case_id' as an id\): two tables joined into one file\? delete them$"):
        medeval.evaluate(folder / "protocol.toml", table)
    manifest = tmp_path / "manifest.csv"
    lines = (folder / "manifest.csv").read_text().splitlines(keepends=True)
    manifest.write_text("".join(lines[:6] + lines[:1] + ["\n"] + lines[6:]))
    with pytest.raises(medeval.MedevalError, match=r"manifest .*manifest.csv: line\(s\) 7 "
                       r"repeat the header \(two manifests joined into one file\?\)"):
        medeval.Manifest.from_csv(manifest, reference_kind="label")



def test_a_header_written_again_after_its_byte_order_mark_is_named(binary, tmp_path):
    # two Excel 'CSV UTF-8' exports (a byte-order mark first: pandas' utf-8-sig) joined
    # with cat: the second header is read as the id '\ufeffcase_id' (pandas shows it), so
    # it was not seen as the header again; the table was refused as an id of no case, the
    # manifest as a case '\ufeffcase_id' whose input 'input' is no file
    folder, cases = binary
    first, second = cases[["case_id", "score"]][:10], cases[["case_id", "score"]][10:]
    table = folder / "pred.csv"
    first.to_csv(table, index=False, encoding="utf-8-sig")
    second.to_csv(tmp_path / "b.csv", index=False, encoding="utf-8-sig")
    table.write_bytes(table.read_bytes() + (tmp_path / "b.csv").read_bytes())
    read = pd.read_csv(table, dtype=str, encoding="utf-8-sig")["case_id"].tolist()
    assert read[10] == "\ufeffcase_id"  # line 12: the header, lines 2-11 ten cases
    with pytest.raises(TableError, match=r"pred.csv: line\(s\) 12 repeat the header \("
                       r"'case_id' as an id\): two tables joined into one file\? delete them$"):
        medeval.evaluate(folder / "protocol.toml", table)
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    joined = tmp_path / "manifest.csv"
    manifest[:5].to_csv(joined, index=False, encoding="utf-8-sig")
    manifest[5:].to_csv(tmp_path / "m2.csv", index=False, encoding="utf-8-sig")
    joined.write_bytes(joined.read_bytes() + (tmp_path / "m2.csv").read_bytes())
    with pytest.raises(medeval.MedevalError, match=r"manifest .*manifest.csv: line\(s\) 7 "
                       r"repeat the header \(two manifests joined into one file\?\)"):
        medeval.Manifest.from_csv(joined, reference_kind="label", root=folder)

def test_a_score_written_with_a_decimal_comma_says_so(binary):
    # to_csv(decimal=",") keeps ',' between fields and quotes each score: "0,8861". The
    # cases failed as 'got '0,8861'' with nothing said of the comma (a measurement said it)
    folder, cases = binary
    table = cases[["case_id", "score"]][:3].copy()
    table.to_csv(folder / "pred.csv", index=False, decimal=",")
    written = pd.read_csv(folder / "pred.csv", dtype=str)["score"].tolist()
    assert all("," in s for s in written)
    (folder / "pct.csv").write_text(f"case_id,score\n{cases['case_id'][3]},85%\n")
    for name in ("pred.csv", "pct.csv"):
        result = medeval.evaluate(folder / "protocol.toml", folder / name)
        details = {c.case_id: c.detail for c in result.failures.cases
                   if c.reason == "invalid-output"}
        if name == "pred.csv":
            assert len(details) == 3
            for case_id, text in zip(cases["case_id"][:3], written):
                assert (f"got {text!r}; a decimal comma? write {text.replace(',', '.')} "
                        "(pred.csv, line") in str(details[case_id])
        else:
            assert "got '85%'; a percentage (Excel's % format)? write the number alone" in \
                str(details[cases["case_id"][3]])


def test_a_label_in_other_letter_case_says_so(tmp_path):
    # labels are compared as written: 'g3' is no G3. A class written with spaces around
    # it was said so; one lower-cased (by hand, or a tool's export) failed as 'not one of'
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLES / "multiclass-classification", folder,
                    ignore=shutil.ignore_patterns("result"))
    manifest = pd.read_csv(folder / "manifest.csv", dtype=str)
    table = folder / "pred.csv"
    table.write_text("case_id,label\n" + "".join(
        f"{c},{r.lower() if k == 0 else ' ' + r if k == 1 else r}\n"
        for k, (c, r) in enumerate(zip(manifest["case_id"], manifest["reference"]))))
    result = medeval.evaluate(folder / "protocol.toml", table)
    details = {c.case_id: str(c.detail) for c in result.failures.cases}
    first, second = manifest["case_id"][:2]
    assert details[first] == (
        f"case {first}: predicted label {manifest['reference'][0].lower()!r} is not one of "
        f"['G1', 'G2', 'G3'] (it is {manifest['reference'][0]!r} in other letter case: "
        "labels are compared as written) (pred.csv, line 2)")
    assert "with spaces around it" in details[second]
    assert "letter case" not in details[second]
    assert result.flow.scored == len(manifest) - 2


def test_a_score_of_three_decimals_written_with_a_comma_is_a_decimal_comma(binary):
    # Excel in a comma-decimal locale writes 0.886 as 0,886: its leading 0 groups no
    # thousands (a thousands group starts with 1-9), yet the hint said 'a thousands
    # separator? write 0886'. pandas' float_format='%.3f' with decimal=',' writes the
    # scores so; each is said to be a decimal comma, its number the score rounded to 3
    # decimals (written out by Python's own round, not by medeval)
    folder, cases = binary
    table = cases[["case_id", "score"]][:3].copy()
    table.to_csv(folder / "pred.csv", index=False, decimal=",", float_format="%.3f")
    written = pd.read_csv(folder / "pred.csv", dtype=str)["score"].tolist()
    assert all(len(s.split(",")[1]) == 3 for s in written)
    result = medeval.evaluate(folder / "protocol.toml", folder / "pred.csv")
    details = {c.case_id: str(c.detail) for c in result.failures.cases}
    for case_id, text, score in zip(cases["case_id"][:3], written, table["score"]):
        assert float(text.replace(",", ".")) == round(float(score), 3)
        assert f"got {text!r}; a decimal comma? write {text.replace(',', '.')} (" in \
            details[case_id], details[case_id]

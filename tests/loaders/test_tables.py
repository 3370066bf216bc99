"""Reading case tables: ids as text, every problem reported at once."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import recall_score, roc_auc_score

from medeval import evaluate_classification
from medeval.errors import InvalidInputError, TableError
from medeval.loaders import join_cases, read_table


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_ids_stay_text_and_file_is_hashed(tmp_path):
    path = write(tmp_path, "ref.csv", "case_id,label\n007,1\n010,0\n")
    table = read_table(path, columns=["label"], role="reference")
    assert table.frame.index.tolist() == ["007", "010"]
    assert table.frame["label"].tolist() == [1, 0]
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert table.source == str(path)


def test_other_column_names(tmp_path):
    path = write(tmp_path, "p.csv", "id,prob,extra\na,0.3,x\nb,0.9,y\n")
    table = read_table(path, columns=["prob"], id_column="id")
    assert list(table.frame.columns) == ["prob"]


def test_every_problem_is_reported(tmp_path):
    path = write(tmp_path, "ref.csv", "case_id,label\na,1\nb,0\na,1\n,0\nc,1\nc,0\n")
    with pytest.raises(TableError) as info:
        read_table(path, columns=["label"], role="reference")
    message = str(info.value)
    assert str(path) in message
    # each duplicate with its lines: a on lines 2 and 4, c on 6 and 7 (the header is 1)
    assert "duplicate 'case_id' value(s) a (lines 2, 4), c (lines 6, 7)" in message
    assert "empty 'case_id' on line(s) 5" in message



def test_a_missing_column_and_the_ids_problems_are_reported_together(tmp_path):
    # the score column misnamed 'scor', and c1 twice (lines 2, 3; the header is 1) and an
    # empty id (line 4): the ids' problems were said only after the column was renamed
    path = write(tmp_path, "pred.csv", "case_id,scor\nc1,0.1\nc1,0.2\n,0.3\nc2,0.4\n")
    with pytest.raises(TableError) as info:
        read_table(path, columns=["score"], role="predictions")
    message = str(info.value)
    assert "missing column(s) 'score'; it has 'case_id', 'scor'" in message
    assert "duplicate 'case_id' value(s) c1 (lines 2, 3)" in message
    assert "empty 'case_id' on line(s) 4" in message

def test_missing_columns_listed(tmp_path):
    path = write(tmp_path, "p.csv", "case,score\na,0.1\n")
    with pytest.raises(TableError, match=r"missing column\(s\) 'case_id', 'prob'"):
        read_table(path, columns=["prob"], role="predictions")


def test_missing_file(tmp_path):
    with pytest.raises(TableError, match="no such file"):
        read_table(tmp_path / "nope.csv", columns=["label"], role="reference")


def test_unparseable_file(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(TableError, match="cannot be read"):
        read_table(path, columns=["label"])


def test_dataframe_ids_become_text():
    table = read_table(pd.DataFrame({"case_id": [1, 2], "label": [0, 1]}), columns=["label"])
    assert table.frame.index.tolist() == ["1", "2"] and table.sha256 is None


def test_join_names_every_missing_and_extra_case():
    ref = read_table(pd.DataFrame({"case_id": list("abcd"), "label": [1, 0, 1, 0]}),
                     columns=["label"], role="reference")
    pred = read_table(pd.DataFrame({"case_id": list("bdxy"), "score": [.1, .2, .3, .4]}),
                      columns=["score"], role="predictions")
    with pytest.raises(TableError) as info:
        join_cases(ref, pred)
    message = str(info.value)
    assert "2 case(s) of reference <DataFrame> have no row in predictions" in message
    assert ": a, c" in message and ": x, y" in message


def test_join_sorts_by_id_and_suffixes_clashing_columns():
    ref = read_table(pd.DataFrame({"case_id": ["b", "a"], "label": [1, 0]}), columns=["label"])
    pred = read_table(pd.DataFrame({"case_id": ["a", "b"], "label": [1, 1]}), columns=["label"])
    joined = join_cases(ref, pred)
    assert joined.index.tolist() == ["a", "b"]
    assert list(joined.columns) == ["label", "label_prediction"]


def test_excel_csv_of_a_comma_decimal_locale_is_read(tmp_path):
    # Excel in a German or French locale: a byte order mark, ';' between the fields, the
    # decimal mark a comma, CRLF line ends. Before, one column 'case_id;score' (refused
    # with advice to rename columns); now the numbers as written: 0,25 is 0.25
    path = tmp_path / "pred.csv"
    path.write_bytes(b"\xef\xbb\xbfcase_id;score;note\r\n0012;0,25;a\r\n0013;1,5e-3;b\r\n"
                     b"0014;0,75;c\r\n")
    table = read_table(path, columns=["score"], role="predictions")
    assert table.frame.index.tolist() == ["0012", "0013", "0014"]
    assert table.frame["score"].tolist() == [0.25, 0.0015, 0.75]


def test_excel_predictions_evaluate_as_scikit_learn_computes(tmp_path):
    rng = np.random.default_rng(5)
    labels, scores = rng.integers(0, 2, 30), rng.random(30).round(4)
    ids = [f"{k:04d}" for k in range(30)]
    pd.DataFrame({"case_id": ids, "label": labels}).to_csv(tmp_path / "ref.csv", index=False)
    lines = "".join(f"{i};{str(v).replace('.', ',')}\r\n" for i, v in zip(ids, scores))
    (tmp_path / "pred.csv").write_bytes(("\ufeffcase_id;score\r\n" + lines).encode())
    result = evaluate_classification(tmp_path / "ref.csv", tmp_path / "pred.csv",
                                     threshold=0.5)
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        roc_auc_score(labels, scores), abs=1e-12)
    assert result.metric("sensitivity").estimate.value == pytest.approx(
        recall_score(labels, scores >= 0.5), abs=1e-12)


@pytest.mark.parametrize("name", ["pred.tsv", "pred.csv"])
def test_tab_separated_files_are_read(tmp_path, name):
    path = write(tmp_path, name, "case_id\tscore\n007\t0.5\n008\t0.25\n")
    table = read_table(path, columns=["score"], role="predictions")
    assert table.frame.to_dict()["score"] == {"007": 0.5, "008": 0.25}


def test_a_comma_file_is_still_read_with_a_point(tmp_path):
    # a semicolon inside a quoted comma-separated field changes nothing
    path = write(tmp_path, "ref.csv", 'case_id,label,note\na,1,"x;y"\nb,0,z\n')
    table = read_table(path, columns=["label", "note"])
    assert table.frame.to_dict() == {"label": {"a": 1, "b": 0}, "note": {"a": "x;y", "b": "z"}}


def test_a_cp949_file_says_to_save_it_as_utf8(tmp_path):
    path = tmp_path / "ref.csv"
    path.write_bytes("case_id,label\na,양성\nb,음성\n".encode("cp949"))
    with pytest.raises(TableError, match=r"ref.csv: is not UTF-8 text .*'CSV UTF-8'"):
        read_table(path, columns=["label"], role="reference")


def test_a_cp949_cell_deep_in_a_table_is_found_by_its_line(tmp_path):
    # pandas' error names a byte of the chunk it was decoding ("position 0"), no line:
    # the one CP949 cell of a 20,000-row table could not be found from it
    path = tmp_path / "pred.csv"
    rows = "".join(f"c{i},0.5,\n" for i in range(20_000))  # lines 2 to 20,001
    path.write_bytes(b"case_id,score,note\n" + rows.encode() + "c20000,0.5,양성\n".encode("cp949"))
    with pytest.raises(UnicodeDecodeError, match="position 0"):
        pd.read_csv(path)
    # line 20,002; 'c20000,0.5,' is 11 bytes, the CP949 '양' starts at its byte 12
    with pytest.raises(TableError, match=r"pred.csv: is not UTF-8 text \(line 20002, byte 12 "
                       r"of the line, file offset \d+\); save it as UTF-8"):
        read_table(path, columns=["score"], role="predictions")


def test_an_unnamed_index_column_is_named_in_the_message(tmp_path):
    path = tmp_path / "pred.csv"
    pd.DataFrame({"score": [0.1, 0.9]}, index=["a", "b"]).to_csv(path)
    with pytest.raises(TableError, match=r"'Unnamed: 0' has no name: pandas' index"):
        read_table(path, columns=["score"], role="predictions")


@pytest.mark.parametrize("written, hint", [
    (["12", "13"], "2 id(s) differ from the other table's only in leading zeros (e.g. 12 "
                   "for 0012)"),
    (["0012.png", "0013.png"], "only by a file suffix (e.g. 0012.png for 0012)"),
    (["0012 ", "0013"], "1 id(s) differ from the other table's only in letter case or spaces "
                        "(e.g. '0012 ' for '0012')"),
])
def test_ids_written_otherwise_are_named_with_what_differs(written, hint):
    ref = read_table(pd.DataFrame({"case_id": ["0012", "0013"], "label": [1, 0]}),
                     columns=["label"], role="reference")
    pred = read_table(pd.DataFrame({"case_id": written, "score": [0.2, 0.9]}),
                      columns=["score"], role="predictions")
    with pytest.raises(TableError) as info:
        join_cases(ref, pred)
    assert hint in str(info.value)


def test_ids_numbered_in_another_width_are_named_so():
    # Found pre-checking a model: predictions written f"c{i}" against a manifest's
    # f"c{i:02d}" ('c8' for 'c08') were listed with no hint; ids of digits alone keep
    # the leading-zeros hint only
    ref = read_table(pd.DataFrame({"case_id": [f"c{i:02d}" for i in range(12)],
                                   "label": [i % 2 for i in range(12)]}),
                     columns=["label"], role="reference")
    pred = read_table(pd.DataFrame({"case_id": [f"c{i}" for i in range(12)],
                                    "score": [0.5] * 12}), columns=["score"], role="predictions")
    with pytest.raises(TableError) as info:
        join_cases(ref, pred)
    assert str(info.value).endswith(
        "; 10 id(s) differ from the other table's only in the zeros before a number inside "
        "them (e.g. 'c0' for 'c00'): the ids were numbered in another width; give the case "
        "ids as the reference does")
    digits = read_table(pd.DataFrame({"case_id": ["12"], "score": [0.5]}),
                        columns=["score"], role="predictions")
    with pytest.raises(TableError) as info:
        join_cases(read_table(pd.DataFrame({"case_id": ["0012"], "label": [1]}),
                              columns=["label"], role="reference"), digits)
    assert "leading zeros" in str(info.value) and "inside them" not in str(info.value)


@pytest.mark.parametrize("orient", ["records", "columns", "index"])
def test_json_tables_are_read_with_ids_as_text(tmp_path, orient):
    # pandas' to_json in its three row-keeping forms; before, a JSON file was parsed as
    # CSV and refused listing its text as column names
    path = tmp_path / "pred.json"
    pd.DataFrame({"case_id": ["0012", "0013"], "score": [0.25, 0.5]}).to_json(
        path, orient=orient)
    table = read_table(path, columns=["score"], role="predictions")
    assert table.frame["score"].to_dict() == {"0012": 0.25, "0013": 0.5}


def test_json_tables_that_are_not_rows_say_so(tmp_path):
    path = write(tmp_path, "pred.json", '{"0012": 0.25, "0013": 0.5}')
    with pytest.raises(TableError, match=r"pred.json: cannot be read: a JSON table is a list "
                                         r"of rows .* it is an object of 2 key\(s\), not of "
                                         r"rows \(a \{case_id: value\} mapping\?\)"):
        read_table(path, columns=["score"], role="predictions")
    path = write(tmp_path, "ids.json", '[{"case_id": 12, "score": 0.25}, {"score": 0.5}]')
    with pytest.raises(TableError, match=r"empty 'case_id' in row\(s\) 2$"):
        read_table(path, columns=["score"], role="predictions")


def test_a_utf16_file_is_named_as_excels_unicode_text(tmp_path):
    path = tmp_path / "pred.txt"
    path.write_bytes("case_id\tscore\r\na\t0.5\r\n".encode("utf-16"))  # with its BOM
    with pytest.raises(TableError, match=r"pred.txt: is UTF-16 text \(Excel's 'Unicode "
                                         r"Text'\); save it as UTF-8"):
        read_table(path, columns=["score"], role="predictions")


def test_ids_in_either_unicode_form_are_one_id():
    # 환자01 typed on Windows (NFC) in the reference, on macOS (NFD) in the predictions:
    # before, each table's four ids were listed as missing from the other, printed alike
    import unicodedata

    ids = ["환자01", "환자02", "환자03"]
    decomposed = [unicodedata.normalize("NFD", i) for i in ids]
    assert decomposed != ids
    ref = read_table(pd.DataFrame({"case_id": ids, "label": [1, 0, 1]}), columns=["label"],
                     role="reference")
    pred = read_table(pd.DataFrame({"case_id": decomposed, "score": [0.9, 0.2, 0.4]}),
                      columns=["score"], role="predictions")
    assert join_cases(ref, pred)["score"].to_dict() == {"환자01": 0.9, "환자02": 0.2,
                                                        "환자03": 0.4}
    with pytest.raises(TableError, match="duplicate 'case_id' value\\(s\\) 환자01"):
        read_table(pd.DataFrame({"case_id": [ids[0], decomposed[0]], "label": [1, 0]}),
                   columns=["label"])


def test_parquet_without_its_reader_says_what_to_install(tmp_path, monkeypatch):
    # where neither pyarrow nor fastparquet is installed (medeval installs neither),
    # pandas' own message was four lines about engines
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow: ImportError
    monkeypatch.setitem(sys.modules, "fastparquet", None)
    path = tmp_path / "pred.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(TableError) as info:
        read_table(path, columns=["score"], role="predictions")
    assert str(info.value) == (f"predictions table {path}: cannot be read: reading Parquet "
                               "needs pyarrow, which medeval does not install: pip install "
                               "pyarrow, or save the table as CSV")


def test_an_empty_json_table_says_it_has_no_column(tmp_path):
    path = write(tmp_path, "pred.json", "[]")
    with pytest.raises(TableError, match=r"missing column\(s\) 'case_id', 'score'; it has no "
                                         r"column \("):
        read_table(path, columns=["score"], role="predictions")


@pytest.mark.parametrize("name, member, match", [
    # an .xlsx is a zip archive: its first bytes PK\3\4
    ("pred.xlsx", ("[Content_Types].xml", "<Types/>"),
     r"pred.xlsx: is an Excel workbook, not text; save it as UTF-8 \(Excel: 'CSV UTF-8'"),
    # the predictions as delivered: was called 'an Excel workbook, not text ... save it
    # as UTF-8', which a ZIP of a CSV is not
    ("pred.zip", ("pred.csv", "case_id,score\na,0.9\n"),
     r"pred\.zip: is a ZIP archive, not a table: extract it and give the table's CSV file$"),
], ids=["xlsx", "zip"])
def test_an_excel_workbook_or_a_zip_archive_is_named_so(tmp_path, name, member, match):
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(*member)
    with pytest.raises(TableError, match=match):
        read_table(path, columns=["score"], role="predictions")


def test_a_tar_archive_is_named_so_as_a_zip_is(tmp_path):
    # predictions packed by the standard library's tarfile: pandas reads the one CSV
    # inside, so they were scored under the archive's name while a .zip was refused
    import tarfile

    inside = write(tmp_path, "pred.csv", "case_id,score\na,0.9\n")
    path = tmp_path / "pred.tar.gz"
    with tarfile.open(path, "w:gz") as packed:
        packed.add(inside, "pred.csv")
    assert list(pd.read_csv(path)["score"]) == [0.9]
    with pytest.raises(TableError, match=r"pred\.tar\.gz: is a TAR archive, not a table: "
                                         r"extract it and give the table's CSV file$"):
        read_table(path, columns=["score"], role="predictions")


def test_a_row_of_one_field_more_than_the_header_is_refused(tmp_path):
    # decimal commas in a comma-separated file: pandas took 'c1' for an index column and
    # shifted the row, reading case_id '0' and score 8861 (a lone row: case '0')
    path = write(tmp_path, "pred.csv", "case_id,score\nc1,0,8861\n")
    with pytest.raises(TableError, match=r"pred.csv: cannot be read: line 2 has 3 fields, "
                                         r"its header 2 \(a decimal comma, as in 0,83\?"):
        read_table(path, columns=["score"], role="predictions")
    path = write(tmp_path, "pred.tsv", "case_id\tscore\nc1\t0\t8861\n")
    with pytest.raises(TableError, match=r"line 2 has 3 fields, its header 2$"):
        read_table(path, columns=["score"], role="predictions")


def test_a_later_row_of_one_field_more_is_named_by_its_line(tmp_path):
    # the same decimal comma further down: pandas raised its own words, "Error tokenizing
    # data. C error: Expected 2 fields in line 5, saw 3", naming neither the row nor what
    # to do, and its line counts a quoted line break as none. Lines by hand: 1 header,
    # 2 c1, 3 blank, 4-5 c2 (a note broken over two lines), 6 c3 with '0,83'
    text = 'case_id,note\nc1,a\n\nc2,"two\nlines"\nc3,0,83\n'
    path = write(tmp_path, "pred.csv", text)
    with pytest.raises(pd.errors.ParserError, match="Expected 2 fields in line 5, saw 3"):
        pd.read_csv(path)
    with pytest.raises(TableError, match=re.escape(
            "pred.csv: cannot be read: line 6 has 3 fields, the header 2 ('c3', '0', '83'): "
            'a value holding a comma must be in double quotes ("..."); a decimal comma, as '
            "in 0,83? write 0.83, or separate the fields by ';'")):
        read_table(path, columns=["note"], role="predictions")
    path = write(tmp_path, "pred.tsv", "case_id\tscore\nc1\t0.5\nc2\t0\t83\n")
    with pytest.raises(TableError, match=re.escape(
            "line 3 has 3 fields, the header 2 ('c2', '0', '83'): a value holding a tab "
            'must be in double quotes ("...")') + "$"):
        read_table(path, columns=["score"], role="predictions")


def test_ids_of_dotted_numbers_are_not_said_to_differ_by_a_file_suffix():
    # DICOM UIDs as case ids: 1.2.840.12 for 1.2.840.10 was said to differ 'only by a file
    # suffix'; they differ in their last number
    ref = read_table(pd.DataFrame({"case_id": ["1.2.840.10", "1.2.840.11"], "label": [1, 0]}),
                     columns=["label"], role="reference")
    pred = read_table(pd.DataFrame({"case_id": ["1.2.840.12", "1.2.840.11.dcm"],
                                    "score": [0.2, 0.9]}), columns=["score"], role="predictions")
    with pytest.raises(TableError) as info:
        join_cases(ref, pred)
    assert str(info.value).endswith("; 1 id(s) differ from the other table's only by a file "
                                    "suffix (e.g. 1.2.840.11.dcm for 1.2.840.11): give the case "
                                    "ids as the reference does")


def test_decimal_commas_beside_an_excel_error_are_numbers(tmp_path):
    # Excel's ';' export: a column with '#DIV/0!' is text to pandas; its numbers, also
    # Excel's scientific form of a small one, are the numbers written (by hand)
    path = write(tmp_path, "pred.csv", "case_id;score\na;1,5E-05\nb;0,25\nc;#DIV/0!\n")
    table = read_table(path, columns=["score"], role="predictions")
    assert table.frame["score"].tolist() == [1.5e-05, 0.25, "#DIV/0!"]


def test_a_json_id_that_is_a_list_is_named_by_its_row(tmp_path):
    # it said 'The truth value of an array with more than one element is ambiguous'
    path = write(tmp_path, "pred.json", '[{"case_id": "a", "score": 0.5}, '
                                        '{"case_id": ["b", "c"], "score": 0.2}]')
    with pytest.raises(TableError, match=r"pred.json: cannot be read: 'case_id' of row\(s\) 2 "
                                         r"is a JSON list or object, not an id"):
        read_table(path, columns=["score"], role="predictions")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_header_saved_on_macos_names_the_columns_asked_in_nfc(tmp_path, separator):
    # Excel on macOS writes Hangul decomposed (NFD); the tester types the names in NFC.
    # The id column stays text (00123 keeps its zeros), found in either form.
    import unicodedata
    header = unicodedata.normalize("NFD", separator.join(["증례번호", "점수"]))
    path = tmp_path / "pred.csv"
    path.write_text(f"{header}\n00123{separator}0{',' if separator == ';' else '.'}83\n",
                    encoding="utf-8")
    table = read_table(path, columns=["점수"], id_column="증례번호")
    assert table.frame.index.tolist() == ["00123"]
    assert table.frame["점수"].tolist() == [0.83]


def test_labels_in_nfd_nfc_and_with_spaces_are_one_class(tmp_path):
    # '악성' from macOS (NFD), from Windows (NFC) and typed '악성 ' is one label, as the
    # manifest's reference labels are; the 2x2 table and AUC as scikit-learn's on 0/1.
    import unicodedata
    y = [1, 0, 1, 1, 0, 0]
    s = [0.9, 0.4, 0.3, 0.8, 0.6, 0.1]
    forms = [unicodedata.normalize("NFD", "악성"), "양성", "악성 ", "악성",
             unicodedata.normalize("NFD", "양성"), " 양성"]
    ref = pd.DataFrame({"case_id": list("abcdef"), "label": forms})
    pred = pd.DataFrame({"case_id": list("abcdef"), "score": s})
    result = evaluate_classification(ref, pred, threshold=0.5, pos_label="악성")
    assert result.tables["confusion_matrix"] == {"tp": 2, "fn": 1, "fp": 1, "tn": 2}
    assert result.metric("sensitivity").estimate.value == recall_score(y, np.array(s) >= .5)
    assert result.metric("roc_auc").estimate.value == roc_auc_score(y, s)


def test_scores_typed_full_width_are_numbers_and_refusals_show_the_cell(tmp_path):
    # '０.８３' (full-width digits) and '\u3000 0.4' are read as Python's float reads them,
    # as a predictions table under a protocol is; '83%', '#DIV/0!', '#N/A' and '０．６'
    # (a full-width point) are refused, each case named with its cell and the fix.
    ref = write(tmp_path, "ref.csv", "case_id,label\na,1\nb,0\nc,1\nd,0\n")
    good = write(tmp_path, "good.csv", "case_id,score\na,０.８３\nb,\u3000 0.4\nc,0.3\nd,0.1\n")
    result = evaluate_classification(ref, good, threshold=0.5)
    assert result.metric("roc_auc").estimate.value == roc_auc_score([1, 0, 1, 0],
                                                                    [.83, .4, .3, .1])
    bad = write(tmp_path, "bad.csv", "case_id,score\na,83%\nb,#DIV/0!\nc,#N/A\nd,０．６\n")
    with pytest.raises(InvalidInputError) as info:
        evaluate_classification(ref, bad, threshold=0.5)
    message = str(info.value)
    for part in ("a '83%'", "b '#DIV/0!'", "c (blank, NaN or #N/A)", "d '０．６'",
                 "write 83% as 0.83", "half-width"):
        assert part in message


def test_a_nan_score_is_named_as_nan_not_only_as_a_blank_cell(tmp_path):
    # numpy's savetxt and a model's float('nan') written with str() give 'nan', pandas'
    # to_csv(na_rep='NaN') 'NaN': pandas reads each as missing, and the refusal named them
    # '(blank or #N/A)', a cell the file does not hold
    ref = write(tmp_path, "ref.csv", "case_id,label\na,1\nb,0\nc,1\nd,0\n")
    bad = write(tmp_path, "bad.csv", "case_id,score\na,nan\nb,0.4\nc,NaN\nd,0.1\n")
    assert pd.read_csv(bad)["score"].isna().tolist() == [True, False, True, False]
    with pytest.raises(InvalidInputError) as info:
        evaluate_classification(ref, bad, threshold=0.5)
    assert "(written a (blank, NaN or #N/A), c (blank, NaN or #N/A))" in str(info.value)


@pytest.mark.parametrize("space", ["", " "], ids=["digits", "spaced"])
def test_a_patient_column_is_read_as_text_without_its_spaces(tmp_path, space):
    # --patient-column of a CSV was read as numbers: patient 00005 became 5 in the
    # result's rows (the same patients, other ids than the hospital's). Read as text
    # (3aea8c8), ' 00005' and '00005' were two patients (as numbers they were one, and a
    # manifest's patient_id is stripped): one again
    ref = write(tmp_path, "ref.csv", "case_id,label,patient\n" + "".join(
        f"c{k},{k % 2},{space * (k % 2)}{k // 2:05d}\n" for k in range(8)))
    pred = write(tmp_path, "pred.csv", "case_id,score\n" + "".join(
        f"c{k},{(k % 2) * 0.5 + k / 40}\n" for k in range(8)))
    result = evaluate_classification(ref, pred, threshold=0.5, patient_column="patient")
    expected = pd.read_csv(ref, dtype=str).set_index("case_id")["patient"].str.strip()
    assert {c["case_id"]: c["patient_id"] for c in result.cases} == expected.to_dict()
    assert result.dataset.n_patients == expected.nunique() == 4


def test_a_patient_id_of_spaces_is_empty(tmp_path):
    ref = write(tmp_path, "ref.csv", "case_id,label,patient\nc0,0,00001\nc1,1,  \n")
    with pytest.raises(TableError,
                       match=r"empty 'patient' for case\(s\) c1: write each case's patient "):
        evaluate_classification(ref, write(tmp_path, "p.csv", "case_id,score\nc0,.1\nc1,.9\n"),
                                threshold=0.5, patient_column="patient")


@pytest.mark.parametrize("ref, pred, error, match", [
    # '#N/A' (a VLOOKUP that found nothing) is read by pandas as missing; the message said
    # 'empty label', of a cell the tester sees filled
    ("case_id,label\na,1\nb,#N/A\nc,0\n", "case_id,score\na,0.9\nb,0.2\nc,0.1\n",
     InvalidInputError, r"empty label \(a blank cell, or Excel's #N/A\) for case\(s\) b$"),
    # a predictions table saved by pandas from a float id column (an empty cell made it
    # float): 123.0 for 123; both listed, and why
    ("case_id,label\n123,1\n124,0\n", "case_id,score\n123.0,0.9\n124.0,0.2\n", TableError,
     r"2 id\(s\) differ from the other table's only by a trailing '\.0' \(e\.g\. 123\.0 for "
     r"123\)"),
    # an export that writes ids as Excel's text formula to keep their zeros
    ("case_id,label\n00123,1\n00124,0\n", 'case_id,score\n="00123",0.9\n="00124",0.2\n',
     TableError, r"2 id\(s\) differ from the other table's only by Excel's text formula "
     r"\(e\.g\. =\"00123\" for 00123\)"),
], ids=["excel-na-label", "decimal-ids", "text-formula-ids"])
def test_what_excel_and_pandas_write_is_named_in_the_refusal(tmp_path, ref, pred, error,
                                                               match):
    with pytest.raises(error, match=match):
        evaluate_classification(write(tmp_path, "ref.csv", ref),
                                write(tmp_path, "pred.csv", pred), threshold=0.5)


@pytest.mark.parametrize("text, column, match", [
    # Excel writes ',,' for rows whose cells were cleared but not deleted
    ("case_id,label,,\r\na,1,,\r\n,,,\r\n,,,\r\n", "label",
     r"empty 'case_id' on line\(s\) 3, 4 \(every field blank: rows Excel writes"),
    ("case_id,label\r\na,1\r\n,0\r\n", "label", r"empty 'case_id' on line\(s\) 3$"),
    # Excel in a comma-decimal locale writes 1234 under '#,##0' as 1.234 in its ';' CSV:
    # read as 1.234 (float('1.234')), a volume 1000 times too small; such cells are named
    ("case_id;value\na;1.234\nb;2,5\nc;12.345.678\n", "value",
     r"line 2 'value': '1\.234', line 4 'value': '12\.345\.678' reads as a thousands "
     r"separator"),
    # lines as the file numbers them (pandas skips blank lines, a quoted cell holds a line
    # break): by hand, the header is line 1, a's row 2-3, the blank line 4, b's row 5
    ("case_id;value;note\na;1;\"x\ny\"\n\nb;1.234;z\n", "value",
     r"line 5 'value': '1\.234' reads as"),
    ("case_id,label,note\na,1,\"x\ny\"\n  \n,0,z\n", "label",
     r"empty 'case_id' on line\(s\) 5$"),
], ids=["blank-rows", "blank-id", "thousands-point", "line-after-breaks",
        "id-line-after-breaks"])
def test_what_excel_writes_in_a_table_is_refused_named(tmp_path, text, column, match):
    with pytest.raises(TableError, match=match):
        read_table(write(tmp_path, "t.csv", text), columns=[column])


def test_points_that_group_no_thousands_are_read_in_a_semicolon_file(tmp_path):
    # 0.834 and 12.5 (no group of three after a non-zero lead), 1234 and decimal commas
    path = write(tmp_path, "m.csv", "case_id;value\na;1234\nb;2,5\nc;0.834\nd;12.5\n")
    values = read_table(path, columns=["value"]).frame["value"].tolist()
    assert [float(v) for v in values] == [1234.0, 2.5, 0.834, 12.5]


def test_a_semicolon_file_written_with_points_reads_its_1000_as_pandas_does(tmp_path):
    # pandas' to_csv(sep=';') writes decimal points: the column's 0.834 shows its point to
    # be a decimal one, so its 1.000 and 1.500 are 1.0 and 1.5 (they were refused as
    # perhaps 1000 and 1500); a column not asked for (a version 1.234) is not looked at.
    # The reference: pandas reading the file with its own decimal point.
    frame = pd.DataFrame({"case_id": ["a", "b", "c"], "score": [0.834, 1.0, 1.5],
                          "version": ["1.234", "1.234", "2.345"]})
    path = tmp_path / "p.csv"
    frame.to_csv(path, sep=";", index=False, float_format="%.3f")
    assert "1.000" in path.read_text()
    values = read_table(path, columns=["score"]).frame["score"].tolist()
    assert [float(v) for v in values] == pd.read_csv(path, sep=";")["score"].tolist()
    # the same cells beside a decimal comma still read both ways: refused
    write(tmp_path, "q.csv", "case_id;score\na;0,834\nb;1.000\n")
    with pytest.raises(TableError, match=r"line 3 'score': '1\.000' reads as a thousands"):
        read_table(tmp_path / "q.csv", columns=["score"])


def test_a_score_written_with_pythons_digit_grouping_is_refused(tmp_path):
    # float('0_83') is 83.0 (Python's '_' between digits); pandas reads no such number
    # (to_numeric gives NaN), and no table writer means one: refused, named with its cell
    ref = write(tmp_path, "ref.csv", "case_id,label\na,1\nb,0\n")
    pred = write(tmp_path, "pred.csv", "case_id,score\na,0_83\nb,0.1\n")
    assert np.isnan(pd.to_numeric(pd.Series(["0_83"]), errors="coerce")[0])
    with pytest.raises(InvalidInputError, match=r"not so for case\(s\) a \(written a '0_83'\)"):
        evaluate_classification(ref, pred, threshold=0.5)


def test_a_column_written_in_both_unicode_forms_is_refused_not_picked(tmp_path):
    # a header holding '점수' typed on Windows (NFC) and on macOS (NFD): pandas reads two
    # columns; renamed alike they were one name, so that one of them was read, unsaid
    # (a score column), or the id column crashed ('DataFrame' object has no attribute 'str')
    nfd = unicodedata.normalize("NFD", "점수")
    assert nfd != "점수" and unicodedata.normalize("NFC", nfd) == "점수"
    path = write(tmp_path, "p.csv", f"case_id,점수,{nfd}\na,0.1,0.9\n")
    assert len(pd.read_csv(path).columns) == 3
    with pytest.raises(TableError, match=r"column\(s\) '점수' written twice, in Unicode's "
                                         r"two forms"):
        read_table(path, columns=["점수"])
    path = write(tmp_path, "q.csv", f"증례,{unicodedata.normalize('NFD', '증례')},점수\na,b,1\n")
    with pytest.raises(TableError, match=r"column\(s\) '증례' written twice"):
        read_table(path, columns=["점수"], id_column="증례")


def test_a_folder_given_as_a_table_is_named_a_folder(tmp_path):
    # 'evaluate --reference a.csv --predictions b' (b a folder, PRED.csv|DIR in the usage)
    # said 'predictions table b: no such file' of a folder that is there (found in the
    # review of the reproducibility-pass)
    (tmp_path / "b").mkdir()
    with pytest.raises(TableError, match=r"predictions table .*b: is a folder; give the "
                                         r"table's file"):
        read_table(tmp_path / "b", columns=["score"], role="predictions")
    with pytest.raises(TableError, match=r"predictions table .*c: no such file"):
        read_table(tmp_path / "c", columns=["score"], role="predictions")


def test_a_table_without_a_role_is_named_table_once(tmp_path):
    # the default role is "table": its messages began "table table pred.csv: ..." (the
    # whole message is compared: a pattern "^table .*" took the second "table" in ".*")
    with pytest.raises(TableError) as missing:
        read_table(tmp_path / "nothing.csv", columns=["score"])
    assert str(missing.value) == f"table {tmp_path / 'nothing.csv'}: no such file"
    path = write(tmp_path, "ids.csv", "case_id,score\na,0.1\na,0.2\n")
    with pytest.raises(TableError) as twice:
        read_table(path, columns=["score"])
    assert str(twice.value) == f"table {path}: duplicate 'case_id' value(s) a (lines 2, 3)"


def test_thousands_points_before_a_decimal_comma_are_read_as_pandas_reads_them(tmp_path):
    # Excel's '#,##0.00' where the decimal mark is a comma writes 5700.25 as 5.700,25;
    # such a cell was left as text, and every measurement failed as 'got '5.700,25''
    text = ("case_id;value\r\na;5.700,25\r\nb;0,5\r\nc;-1.234.567,5\r\nd;12\r\n"
            "e;1.000,0E+02\r\n")
    path = tmp_path / "de.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    expected = pd.read_csv(path, sep=";", decimal=",", thousands=".", dtype={"case_id": str})
    assert expected["value"].tolist() == [5700.25, 0.5, -1234567.5, 12.0, 100000.0]
    table = read_table(path, columns=["value"], role="predictions")
    # a column holding text keeps '12' as written; the task reads it as the number
    assert [float(v) for v in table.frame["value"]] == expected["value"].tolist()


@pytest.mark.parametrize("text", ["", "\n\n", "\r\n \r\n"])
def test_an_empty_file_is_named_empty(tmp_path, text):
    # pandas' own words were "No columns to parse from file"
    from medeval import Manifest
    from medeval.errors import ManifestError

    path = tmp_path / "pred.csv"
    path.write_text(text)
    with pytest.raises(pd.errors.EmptyDataError):
        pd.read_csv(path)
    with pytest.raises(TableError, match=r"^predictions table .*pred.csv: is empty \(no header "
                       r"line, only blank lines or none\): export the table again"):
        read_table(path, columns=["score"], role="predictions")
    with pytest.raises(ManifestError, match=r"pred.csv: is empty \(no header line"):
        Manifest.from_csv(path, reference_kind="label")


def test_gzip_tables_evaluate_as_their_text_and_a_cut_one_is_refused(tmp_path):
    # Found in the review of the compressed-file commits (hrev11): a manifest or readings
    # file may be a .csv.gz (pandas decompresses it, its lines named inside since
    # 4c44208f), but --reference/--predictions tables were sniffed for their separator
    # as plain text, so a ref.csv.gz was refused as 'is not UTF-8 text (line 1, byte 2
    # of the line, file offset 1); save it as UTF-8 ...', a place in gzip's magic number.
    # They are now read as the text inside: the figures are scikit-learn's on the
    # ratings, a ';' export with decimal commas is read as one, a CP949 cell is named at
    # its line in the text, and a file cut short is refused naming it.
    import gzip

    rng = np.random.default_rng(11)
    labels, scores = rng.integers(0, 2, 40), rng.random(40).round(4)
    ids = [f"{k:04d}" for k in range(40)]
    reference = "case_id,label\n" + "".join(f"{i},{v}\n" for i, v in zip(ids, labels))
    (tmp_path / "ref.csv.gz").write_bytes(gzip.compress(reference.encode()))
    lines = "".join(f"{i};{str(v).replace('.', ',')}\r\n" for i, v in zip(ids, scores))
    (tmp_path / "pred.csv.gz").write_bytes(gzip.compress(("\ufeffcase_id;score\r\n"
                                                          + lines).encode()))
    result = evaluate_classification(tmp_path / "ref.csv.gz", tmp_path / "pred.csv.gz",
                                     threshold=0.5)
    assert result.metric("roc_auc").estimate.value == pytest.approx(
        roc_auc_score(labels, scores), abs=1e-12)
    assert result.metric("sensitivity").estimate.value == pytest.approx(
        recall_score(labels, scores >= 0.5), abs=1e-12)
    korean = tmp_path / "korean.csv.gz"  # line 3; 'b,' is 2 bytes, '양' starts at byte 3
    korean.write_bytes(gzip.compress("case_id,label\na,1\nb,양성\n".encode("cp949")))
    with pytest.raises(TableError, match=r"korean.csv.gz: is not UTF-8 text \(line 3, "
                       r"byte 3 of the line"):
        read_table(korean, columns=["label"], role="reference")
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress((reference * 50).encode())[:200])
    with pytest.raises(EOFError):
        gzip.decompress(cut.read_bytes())
    with pytest.raises(TableError, match=r"cut.csv.gz: cannot be read: it does not "
                       r"decompress as the gzip file its name says"):
        read_table(cut, columns=["label"], role="reference")

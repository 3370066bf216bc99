"""Reading case tables: ids as text, every problem reported at once."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from medeval.errors import TableError
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
    assert "duplicate 'case_id' value(s) a, c" in message
    assert "empty 'case_id' on line(s) 5" in message


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

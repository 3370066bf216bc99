"""evaluate_classification: two tables evaluated from any folder give one result."""

from __future__ import annotations

import shutil

import pytest
from sklearn.metrics import roc_auc_score

from medeval.classification_tables import evaluate_classification
from medeval.errors import TableError


def _tables(folder):
    folder.mkdir(parents=True)
    (folder / "ref.csv").write_text("case_id,label\na,1\nb,0\nc,1\nd,0\ne,1\n")
    (folder / "pred.csv").write_text("case_id,score\na,0.9\nb,0.4\nc,0.35\nd,0.2\ne,0.7\n")
    return folder


def test_the_same_tables_typed_by_other_paths_give_the_same_fingerprint(tmp_path,
                                                                         monkeypatch):
    # A second laboratory evaluates the same two files from another folder: by an
    # absolute path, and by a relative one from another working directory. The result
    # named each table by the path as typed ('/tmp/.../lab-a/pred.csv', 'lab-b/pred.csv'),
    # in the title, the algorithm's name, the dataset and the inputs, all of which the
    # content fingerprint covers: the same measurement had two fingerprints.
    first = _tables(tmp_path / "lab-a")
    second = tmp_path / "lab-b"
    shutil.copytree(first, second)
    a = evaluate_classification(first / "ref.csv", first / "pred.csv", threshold=0.5,
                                n_resamples=100)
    monkeypatch.chdir(tmp_path)
    b = evaluate_classification("lab-b/ref.csv", "lab-b/pred.csv", threshold=0.5,
                                n_resamples=100)
    assert a.fingerprint == b.fingerprint
    assert a.algorithm.name == "pred.csv" and a.dataset.manifest == "ref.csv"
    assert [i.source for i in a.inputs] == ["ref.csv", "pred.csv"]
    assert a.protocol.title == "binary classification of pred.csv"
    # and it is the measurement: scikit-learn's AUC of the five scores, 5/6 by hand
    # (positives 0.9, 0.35, 0.7 against negatives 0.4, 0.2: 5 of 6 pairs ordered)
    auc = roc_auc_score([1, 0, 1, 0, 1], [0.9, 0.4, 0.35, 0.2, 0.7])
    assert auc == pytest.approx(5 / 6)
    assert a.metric("roc_auc").estimate.value == pytest.approx(auc, rel=1e-12)


def test_both_tables_problems_are_reported_in_one_run(tmp_path):
    # the reference's duplicate was refused first; the predictions' empty id only after
    # it was fixed
    ref = tmp_path / "ref.csv"
    pred = tmp_path / "pred.csv"
    ref.write_text("case_id,label\n001,1\n002,0\n001,1\n")
    pred.write_text("case_id,score\n001,0.9\n,0.2\n002,0.1\n")
    with pytest.raises(TableError) as info:
        evaluate_classification(ref, pred, threshold=0.5)
    assert str(info.value) == (
        f"reference table {ref}: duplicate 'case_id' value(s) 001 (lines 2, 4); "
        f"predictions table {pred}: empty 'case_id' on line(s) 3")

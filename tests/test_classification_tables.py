"""evaluate_classification: two tables evaluated from any folder give one result."""

from __future__ import annotations

import shutil

import pytest
from sklearn.metrics import roc_auc_score

from medeval.classification_tables import evaluate_classification


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

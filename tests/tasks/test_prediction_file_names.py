"""Finding a case's JSON prediction on disk as Windows and macOS tools name it: the suffix
in capitals (``.JSON``), the case id in the other Unicode form (NFD, as macOS writes
Hangul). Real files in a copy of examples/binary-classification; the scores expected are
read from the JSON files with the json module."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

import medeval
from medeval.tasks.base import PredictionError, prediction_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "binary-classification"
HANGUL = "WDBC-환자-0003"  # a case id with Hangul: NFC (composed) in the manifest
assert unicodedata.is_normalized("NFC", HANGUL)
assert unicodedata.normalize("NFD", HANGUL) != HANGUL  # 2 syllables -> 5 jamo


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("result"))
    return folder


def _cases(folder: Path) -> dict[str, dict[str, object]]:
    result = medeval.evaluate(folder / "protocol.toml", folder / "predictions")
    return {str(c["case_id"]): c for c in result.cases}


def test_an_upper_case_suffix_and_an_nfd_name_are_found(study: Path) -> None:
    predictions = study / "predictions"
    expected = json.loads((predictions / "WDBC-0001.json").read_text())["score"]
    (predictions / "WDBC-0001.json").rename(predictions / "WDBC-0001.JSON")
    manifest = study / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "WDBC-0003,", f"{HANGUL},", 1), encoding="utf-8")
    hangul_score = json.loads((predictions / "WDBC-0003.json").read_text())["score"]
    nfd = unicodedata.normalize("NFD", HANGUL)
    (predictions / "WDBC-0003.json").rename(predictions / f"{nfd}.json")
    assert sorted(p.name for p in predictions.iterdir() if "0001" in p.name) == [
        "WDBC-0001.JSON"]
    cases = _cases(study)
    assert cases["WDBC-0001"]["status"] == "ok", cases["WDBC-0001"]
    assert cases["WDBC-0001"]["score"] == expected
    assert cases[HANGUL]["status"] == "ok", cases[HANGUL]
    assert cases[HANGUL]["score"] == hangul_score
    assert prediction_file(predictions, HANGUL, (".json",)).name == f"{nfd}.json"


def test_names_differing_only_in_case_or_form_are_refused(tmp_path: Path) -> None:
    (tmp_path / "c1.json").write_text('{"score": 0.1}')
    (tmp_path / "c1.JSON").write_text('{"score": 0.9}')
    if len(list(tmp_path.iterdir())) == 2:  # a case-sensitive file system (Linux)
        with pytest.raises(PredictionError, match=r"case c1: 2 prediction files .*"
                           r"'c1\.json', 'c1\.JSON'") as refused:
            prediction_file(tmp_path, "c1", (".json",))
        assert refused.value.reason == "invalid-output"
    nfd = unicodedata.normalize("NFD", HANGUL)
    (tmp_path / f"{HANGUL}.json").write_text('{"score": 0.1}')
    (tmp_path / f"{nfd}.json").write_text('{"score": 0.9}')
    if len(list(tmp_path.glob("WDBC*"))) == 2:  # a file system that keeps both forms
        with pytest.raises(PredictionError, match="differ only in letter case or Unicode"):
            prediction_file(tmp_path, HANGUL, (".json",))


def test_the_lower_case_name_alone_and_none_at_all(tmp_path: Path) -> None:
    (tmp_path / "c1.json").write_text("{}")
    assert prediction_file(tmp_path, "c1", (".json",)) == tmp_path / "c1.json"
    (tmp_path / "c2.json").mkdir()  # a folder is not a prediction file
    with pytest.raises(PredictionError, match=r"case c2: no prediction file c2\{\.json\}") \
            as missing:
        prediction_file(tmp_path, "c2", (".json",))
    assert missing.value.reason == "missing-output"


def _unnamed_files_warning(study: Path, predictions: Path) -> str:
    """Evaluate the study on ``predictions``, whose files name no case: every case fails
    as missing-output (nothing is guessed); the warning naming the files."""
    result = medeval.evaluate(study / "protocol.toml", predictions)
    assert {c.reason for c in result.failures.cases} == {"missing-output"}
    texts = [w for w in result.warnings if "name no case" in w]
    assert texts
    return texts[0]


def test_file_names_that_lost_their_leading_zeros_are_named_so(study: Path) -> None:
    # case ids 0001 ... of a set whose prediction files were written from ids pandas read
    # as numbers (1.json): every case fails as missing-output (nothing is guessed), and
    # the warning naming the files says what they differ in
    manifest = study / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("\nWDBC-", "\n"),
                        encoding="utf-8")
    predictions = study / "predictions"
    for file in sorted(predictions.iterdir()):
        file.rename(predictions / (file.name.removeprefix("WDBC-").lstrip("0")))
    # 23 files, the first by name 1.json (case 0001)
    assert _unnamed_files_warning(study, predictions).endswith(
        "; a prediction is read only as <case_id> with its suffix; 23 of them differ from a "
        "case id only in leading zeros (e.g. 1.json for case 0001): the ids were read as "
        "numbers; name each file as the manifest writes its case id")


def test_file_names_numbered_in_another_width_are_named_so(study: Path) -> None:
    # Found pre-checking a model whose predictions folder was written with f"c{i}" for a
    # manifest's f"c{i:02d}" (c8.json for case c08): every case failed as missing-output
    # and the warning listed the files with no hint, where a table of the same ids is told
    # they were numbered in another width (loaders.tables.id_hints)
    predictions = study / "predictions"
    for file in sorted(predictions.iterdir()):
        number = int(file.name.removeprefix("WDBC-").removesuffix(".json"))
        file.rename(predictions / f"WDBC-{number}.json")  # the manifest's is f"{n:04d}"
    # 23 files, the first by its case id WDBC-1.json (case WDBC-0001)
    assert _unnamed_files_warning(study, predictions).endswith(
        "; a prediction is read only as <case_id> with its suffix; 23 of them differ from a "
        "case id only in the zeros before a number inside it (e.g. WDBC-1.json for case "
        "WDBC-0001): the ids were numbered in another width; name each file as the "
        "manifest writes its case id")


def test_file_names_in_another_letter_case_are_named_so(study: Path) -> None:
    # Found by an exploratory tester: every prediction file written in lower case
    # (wdbc-0001.json for case WDBC-0001) failed every case as missing-output, and the
    # warning said only that the files name no case. On a file system that tells letter
    # case apart (Linux) nothing is guessed, and the warning now says what they differ in.
    predictions = study / "predictions"
    probe = predictions / "Probe.tmp"
    probe.write_text("")
    alike = (predictions / "probe.tmp").exists()
    probe.unlink()
    if alike:
        pytest.skip("this file system ignores letter case: the files are found (macOS, "
                    "Windows)")
    for file in sorted(predictions.iterdir()):
        file.rename(predictions / file.name.lower())
    # 23 files, the first by name wdbc-0001.json (case WDBC-0001)
    assert _unnamed_files_warning(study, predictions).endswith(
        "; a prediction is read only as <case_id> with its suffix; 23 of them differ from a "
        "case id only in letter case (e.g. wdbc-0001.json for case WDBC-0001): this "
        "system's file names tell letter case apart; name each file as the manifest writes "
        "its case id")


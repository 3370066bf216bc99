"""``medeval verify RESULT.json CERT.pdf`` where RESULT.json has no ``.sha256`` beside it
(a recipient sent the JSON and its per-case CSV): the CSV is checked against the JSON.

Found as a recipient: with one row of result.cases.csv changed (a true positive made a
false negative) and no .sha256, verify printed "OK result.json ..." (exit 0), and the
figures recomputed from that CSV (scikit-learn) were not the certificate's. The CSV is
edited with the csv module; its first changed line is counted by hand (line 2: the
header is line 1).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from medeval.cli import main
from medeval.report import verify_certificate


def _copy(certified: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(certified, folder / "result.json")
    shutil.copy(certified.with_name("result.cases.csv"), folder / "result.cases.csv")
    return folder / "result.json"  # no result.json.sha256


def test_a_changed_row_of_the_csv_beside_is_named(certified: Path, certificate: Path,
                                                  tmp_path: Path) -> None:
    result = _copy(certified, tmp_path / "sent")
    assert verify_certificate(result, certificate).ok  # as written: nothing to say
    table = result.with_name("result.cases.csv")
    with table.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    first = rows[1]
    first[header.index("prediction")] = "0" if first[header.index("prediction")] == "1" else "1"
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    verdict = verify_certificate(result, certificate)
    assert verdict.status == "altered"
    assert verdict.differences == (
        f"the per-case table {table} differs from the per-case rows of result {result} "
        "(first at line 2)",)
    assert main(["verify", str(result), str(certificate)]) == 1


OLD = Path(__file__).resolve().parents[1] / "data" / "results-0.1"


def test_a_result_of_medeval_0_1_with_its_own_csv_beside_is_not_altered(
        tmp_path: Path) -> None:
    # Found reviewing 8a0890e: v1-tables.json and the CSV medeval 0.1 wrote beside it
    # (no .sha256 sent) verified 'the per-case table v1-tables.cases.csv differs from the
    # per-case rows of result v1-tables.json (first at line 1)': the CSV was compared
    # with the rows of the result as read now (converted: another column order). That the
    # CSV is the one 0.1 wrote: its SHA-256 (hashlib) is the one 0.1's .sha256 records.
    import hashlib

    for name in ("v1-tables", "v1-protocol"):
        recorded = dict(reversed(line.split("  ")) for line in
                        (OLD / f"{name}.json.sha256").read_text().splitlines())
        table = OLD / f"{name}.cases.csv"
        assert hashlib.sha256(table.read_bytes()).hexdigest() == recorded[table.name]
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(OLD / f"{name}.json", folder)
        shutil.copy(table, folder)  # no .sha256
        result = folder / f"{name}.json"
        verdict = verify_certificate(result)
        assert verdict.ok, verdict.differences
        # a score rewritten in it is still found (line 4: the header, then the third case)
        lines = table.read_text().splitlines(keepends=True)
        cells = lines[3].split(",")
        score = cells[lines[0].split(",").index("score")]
        assert score and float(score) != 0.5
        lines[3] = lines[3].replace(score, "0.5", 1)
        (folder / table.name).write_text("".join(lines))
        assert verify_certificate(result).differences == (
            f"the per-case table {folder / table.name} differs from the per-case rows of "
            f"result {result} (first at line 4)",)


def test_the_csv_saved_again_with_crlf_is_not_said_to_differ_past_its_end(
        certified: Path, tmp_path: Path) -> None:
    # Found reviewing 8a0890e: the CSV written again with \r\n (as a spreadsheet program
    # saves it) was said to differ 'first at line 371' of a 370-line file: every line is
    # the same (the csv module reads the same rows), the line endings are not
    result = _copy(certified, tmp_path / "sent")
    table = result.with_name("result.cases.csv")
    original = table.read_bytes()
    table.write_bytes(original.replace(b"\n", b"\r\n"))
    with table.open(newline="", encoding="utf-8") as a, \
            certified.with_name("result.cases.csv").open(newline="", encoding="utf-8") as b:
        assert list(csv.reader(a)) == list(csv.reader(b))
    assert verify_certificate(result).differences == (
        f"the per-case table {table} differs from the per-case rows of result {result} "
        "(the same lines, other line endings)",)


def test_the_page_words_the_line_endings_in_korean() -> None:
    from medeval.web.differences_ko import difference_ko

    assert difference_ko(
        "the uploaded file: its attached result.cases.csv differs from the per-case rows of "
        "the result attached to the uploaded file (the same lines, other line endings)") == (
        "올린 파일: 첨부된 증례별 표(result.cases.csv)가 올린 파일에 첨부된 결과의 증례별 "
        "행과 다릅니다 (줄의 내용은 같고 줄바꿈 문자가 다릅니다)")

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

"""``medeval registry check``: rows changed by hand (sqlite3, psycopg: not medeval) are
named, row by row; a registry medeval wrote is consistent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RegistryError
from medeval.registry import Registry

from .conftest import PEOPLE, PostgresServer, sha


def _filled(target: str) -> None:
    """KTL-2026-001 issued then amended by -002 (amended again by -003), -004 withdrawn,
    -005 issued; KTL-2025-001 issued (another year's counter)."""
    with Registry.create(target, pattern="KTL-{year}-{seq:03d}") as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date="2026-01-05", **PEOPLE)
        second = registry.amend(first.number, "address corrected", fingerprint=sha("r1"),
                                pdf_sha256=sha("p2"), issue_date="2026-01-06")
        registry.amend(second.number, "again", fingerprint=sha("r1"), pdf_sha256=sha("p3"),
                       issue_date="2026-01-07")
        gone = registry.issue(fingerprint=sha("r4"), pdf_sha256=sha("p4"),
                              issue_date="2026-01-08", **PEOPLE)
        registry.withdraw(gone.number, "reference standard found wrong")
        registry.issue(fingerprint=sha("r5"), pdf_sha256=sha("p5"), issue_date="2026-01-09",
                       **PEOPLE)
        registry.issue(fingerprint=sha("r6"), pdf_sha256=sha("p6"), issue_date="2025-12-30",
                       **PEOPLE)


def _tamper(target: str, postgres: PostgresServer | None, sql: str) -> None:
    if postgres is None:
        with sqlite3.connect(target) as connection:
            connection.execute(sql)
        return
    import psycopg

    with psycopg.connect(postgres.libpq(target.split("@/")[1].split("?")[0])) as connection:
        connection.execute(sql)


def _check(capsys: pytest.CaptureFixture[str], target: str) -> tuple[int, list[str], str]:
    code = main(["registry", "check", "--registry", target])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


# each: the change made by hand, and what check must say (worked out from _filled). The
# hash chain's links, in _filled's order: 1 issued 001, 2 issued 002, 3 amended 001,
# 4 issued 003, 5 amended 002, 6 issued 004, 7 withdrawn 004, 8 issued 005, 9 issued
# 2025-001; a row changed is named against the last link recording it (the counter is
# no report: in no link)
CHANGES = [
    # the counter of 2026 put back: the next issue would draw KTL-2026-003 again
    ("UPDATE medeval_counters SET last_seq = 2 WHERE scope = '2026'",
     ["counter of scope '2026': at 2, behind running number 5 issued: the next issue "
      "would draw a number in use (and be refused)"]),
    # a number renamed: seq 5 of 2026 is KTL-2026-005 under the pattern
    ("UPDATE medeval_reports SET number = 'KTL-2026-099' WHERE number = 'KTL-2026-005'",
     ["report KTL-2026-099: the pattern 'KTL-{year}-{seq:03d}' gives running number 5 of "
      "2026 (issue date 2026-01-09) the number KTL-2026-005 in scope '2026', but the row "
      "holds KTL-2026-099 in scope '2026'",
      "report KTL-2026-099: differs from hash chain link 8 (issued), which recorded it: "
      "number 'KTL-2026-099' (the chain recorded 'KTL-2026-005')"]),
    # a withdrawn report put back to issued by its status alone
    ("UPDATE medeval_reports SET status = 'issued' WHERE number = 'KTL-2026-004'",
     ["report KTL-2026-004: status issued, but its status changed at ",
      "report KTL-2026-004: differs from hash chain link 7 (withdrawn), which recorded it: "
      "status 'issued' (the chain recorded 'withdrawn')"]),
    # an amended report made to stand again: its amendment still names it
    ("UPDATE medeval_reports SET status = 'issued', replaced_by = NULL, "
     "status_changed_at = NULL WHERE number = 'KTL-2026-002'",
     ["report KTL-2026-003: replaces KTL-2026-002, which does not name it as its "
      "replacement",
      "reports KTL-2026-002, KTL-2026-003: all issued (standing) for one result sha256:"
      + sha("r1") + "; the registry issues a result one standing report",
      "report KTL-2026-002: differs from hash chain link 5 (amended), which recorded it: "
      "status 'issued' (the chain recorded 'amended'); replaced_by None (the chain "
      "recorded 'KTL-2026-003'); status_changed_at None (the chain recorded '2"]),
    ("UPDATE medeval_reports SET amendment = 7 WHERE number = 'KTL-2026-003'",
     ["report KTL-2026-003: amendment 7, but it is amendment 2 of its chain",
      "report KTL-2026-003: differs from hash chain link 4 (issued), which recorded it: "
      "amendment 7 (the chain recorded 2)"]),
]


@pytest.mark.parametrize("change", CHANGES, ids=[c[0][:40] for c in CHANGES])
def test_a_row_changed_by_hand_is_named(registry_url, request, capsys, change):
    postgres = request.getfixturevalue("postgres") if "://" in registry_url else None
    _filled(registry_url)
    code, out, err = _check(capsys, registry_url)
    assert (code, out[-1].split(":")[0]) == (0, "consistent"), out
    assert "6 report(s)" in out[-1]
    sql, said = change
    _tamper(registry_url, postgres, sql)
    code, out, err = _check(capsys, registry_url)
    assert code == 1 and f"{len(said)} problem(s)" in err
    assert len(out) == len(said)
    for line, expected in zip(out, said):
        assert line.startswith(expected), (line, expected)


def test_a_value_that_is_no_date_is_named_not_a_traceback(tmp_path: Path, capsys):
    # SQLite types nothing: sqlite3 stores '2026-13-45' in a DATE column as it is
    target = str(tmp_path / "registry.sqlite")
    _filled(target)
    _tamper(target, None, "UPDATE medeval_reports SET issue_date = '2026-13-45' "
            "WHERE number = 'KTL-2026-005'")
    code, out, _ = _check(capsys, target)
    assert code == 1 and out == ["report KTL-2026-005: issue_date '2026-13-45': not a date",
                                 "report KTL-2026-005: differs from hash chain link 8 "
                                 "(issued), which recorded it: issue_date '2026-13-45' "
                                 "(the chain recorded '2026-01-09')"]
    with Registry.open(target) as registry:
        with pytest.raises(RegistryError, match=r"stored value cannot be read \(month must "
                           r"be in 1\.\.12\).*medeval registry check"):
            registry.list()
        with pytest.raises(RegistryError, match="stored value cannot be read"):
            registry.get("KTL-2026-005")
        with pytest.raises(RegistryError, match="stored value cannot be read"):
            registry.withdraw("KTL-2026-005", "found wrong")
        assert registry.get("KTL-2026-001") is not None  # the other rows read as before
    assert main(["registry", "list", "--registry", target]) == 2
    assert "registry check" in capsys.readouterr().err



def test_an_amendment_rank_that_is_no_number_is_named_not_a_traceback(tmp_path: Path, capsys):
    # SQLite stores 'abc' in the INTEGER column, and its CHECK (amendment >= 0) holds
    # ('abc' >= 0 is true there: text sorts after numbers); check then ended in a
    # TypeError counting KTL-2026-003's rank from KTL-2026-002's
    target = str(tmp_path / "registry.sqlite")
    _filled(target)
    _tamper(target, None, "UPDATE medeval_reports SET amendment = 'abc' "
            "WHERE number = 'KTL-2026-002'")
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT amendment FROM medeval_reports WHERE number = "
                                  "'KTL-2026-002'").fetchone() == ("abc",)
    code, out, err = _check(capsys, target)
    assert "Traceback" not in err
    assert code == 1 and out == ["report KTL-2026-002: amendment 'abc': not a whole number >= 0",
                                 "report KTL-2026-002: differs from hash chain link 5 "
                                 "(amended), which recorded it: amendment 'abc' (the chain "
                                 "recorded 1)"]


def test_an_issue_refused_by_a_counter_put_back_points_at_check(registry_url, request,
                                                                capsys):
    # the 2026 counter put back to 2 (by hand, not medeval): the next draw is seq 3, which
    # KTL-2026-003 holds, and the database's UNIQUE (scope, seq) refuses it
    postgres = request.getfixturevalue("postgres") if "://" in registry_url else None
    _filled(registry_url)
    _tamper(registry_url, postgres,
            "UPDATE medeval_counters SET last_seq = 2 WHERE scope = '2026'")
    with Registry.open(registry_url) as registry:
        with pytest.raises(RegistryError, match=r"refused by the database \(.*\); nothing "
                           "was stored; `medeval registry check` names rows changed"):
            registry.issue(fingerprint=sha("r9"), pdf_sha256=sha("p9"),
                           issue_date="2026-02-01", **PEOPLE)
        assert len(registry.list()) == 6
    assert _check(capsys, registry_url)[0] == 1

"""Issuing, amending, withdrawing and looking up reports, on SQLite and on PostgreSQL.

What is stored is also read back without medeval (sqlite3, psycopg, the csv module).
"""

from __future__ import annotations

import csv
import io
import signal
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from medeval.errors import RegistryError
from medeval.registry import CSV_COLUMNS, Registry, Status

from .conftest import PEOPLE, sha


def _raw_rows(url: str, sql: str) -> list[tuple[object, ...]]:
    """Rows straight from the database (not through medeval)."""
    if "://" not in url:
        with sqlite3.connect(url) as connection:
            return connection.execute(sql).fetchall()
    import psycopg

    host = url.split("host=")[1]
    database = url.split("/")[3].split("?")[0]
    with psycopg.connect(f"host={host} dbname={database} user=postgres") as connection:
        return connection.execute(sql).fetchall()  # type: ignore[arg-type]


def test_a_date_of_issue_ahead_of_tomorrow_is_refused(registry_url):
    # registry issue refused it; Registry.issue in Python recorded a report issued two
    # days from now, or next year, drawing next year's number. Tomorrow is a day's grace
    # for the laboratory's time zone (as the command's)
    ahead = date.today() + timedelta(days=2)
    with Registry.create(registry_url) as registry:
        for day in (ahead, ahead.isoformat(), date(ahead.year + 1, 1, 2)):
            with pytest.raises(RegistryError, match=f"issue date {day}: after today"):
                registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date=day, **PEOPLE)
        assert registry.list() == ()
        tomorrow = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                                  issue_date=date.today() + timedelta(days=1), **PEOPLE)
    assert tomorrow.number.endswith("-0001")


def test_issue_draws_numbers_by_the_pattern(registry_url):
    with Registry.create(registry_url) as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date="2025-12-30", **PEOPLE)
        second = registry.issue(fingerprint=sha("r2"), pdf_sha256=sha("p2"),
                                issue_date=date(2025, 12, 31), **PEOPLE)
        # the running number starts again with the year of the date of issue
        third = registry.issue(fingerprint=sha("r3"), pdf_sha256=sha("p3"),
                               issue_date="2026-01-02", **PEOPLE)
    assert [first.number, second.number, third.number] == [
        "LAB-AI-2025-0001", "LAB-AI-2025-0002", "LAB-AI-2026-0001"]
    assert first.status is Status.ISSUED and first.amendment == 0
    assert first.replaces is None and first.replaced_by is None
    assert first.issue_date == date(2025, 12, 30) and first.tester == PEOPLE["tester"]
    assert first.issued_at.tzinfo is not None
    assert abs((datetime.now(timezone.utc) - first.issued_at).total_seconds()) < 3600
    rows = _raw_rows(registry_url, "SELECT number, fingerprint, pdf_sha256, status, customer "
                                   "FROM medeval_reports ORDER BY id")
    assert rows[0] == ("LAB-AI-2025-0001", sha("r1"), sha("p1"), "issued", PEOPLE["customer"])
    assert len(rows) == 3
    counters = dict(_raw_rows(registry_url, "SELECT scope, last_seq FROM medeval_counters"))
    assert counters == {"2025": 2, "2026": 1}


def test_the_registry_is_opened_again_with_its_pattern(registry_url):
    Registry.create(registry_url, pattern="KTL/{seq:05d}").close()
    with Registry.open(registry_url) as registry:
        assert registry.numbering.pattern == "KTL/{seq:05d}"
        made = [registry.issue(fingerprint=sha(f"r{k}"), pdf_sha256=sha("p"),
                               issue_date=f"{2025 + k}-01-01", **PEOPLE).number
                for k in range(2)]
    assert made == ["KTL/00001", "KTL/00002"]  # no {year}: the numbers never restart


def test_amend_names_the_old_report_and_the_old_names_the_new(registry_url):
    with Registry.create(registry_url) as registry:
        old = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                             issue_date="2026-11-27", **PEOPLE)
        new = registry.amend(old.number, "customer's address misspelt",
                             fingerprint=sha("r1"), pdf_sha256=sha("p1-amended"),
                             issue_date="2026-12-01")
        again = registry.amend(new.number, "approver changed", fingerprint=sha("r1b"),
                               pdf_sha256=sha("p1-amended-2"), approver="Lee")
        old_now = registry.get(old.number)
        new_now = registry.get(new.number)
        with pytest.raises(RegistryError, match=f"already amended by {new.number}"):
            registry.amend(old.number, "again", fingerprint=sha("r1"), pdf_sha256=sha("x"))
        chain = registry.find_by_fingerprint(sha("r1"))
    assert new.number == "LAB-AI-2026-0002" and again.number == "LAB-AI-2026-0003"
    assert (new.replaces, new.amendment, new.status) == (old.number, 1, Status.ISSUED)
    assert (again.replaces, again.amendment, again.approver) == (new.number, 2, "Lee")
    # fields not given are the old report's
    assert (new.customer, new.tester, new.test_id) == (
        PEOPLE["customer"], PEOPLE["tester"], PEOPLE["test_id"])
    assert old_now is not None and new_now is not None
    assert (old_now.status, old_now.replaced_by) == (Status.AMENDED, new.number)
    assert old_now.reason == "customer's address misspelt" and old_now.status_changed_at
    assert new_now.replaced_by == again.number and new_now.status is Status.AMENDED
    assert [r.number for r in chain] == [old.number, new.number]


def test_an_amendment_dated_before_the_report_it_replaces_is_refused(registry_url):
    # report 1 issued on 1 December; an amendment dated 27 November would replace a
    # report not yet issued on its own date of issue: refused, nothing stored, report 1
    # stands. The same day is accepted.
    with Registry.create(registry_url) as registry:
        old = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                             issue_date="2026-12-01", **PEOPLE)
        with pytest.raises(RegistryError, match=(
                f"issue date 2026-11-27: before the report it amends, {old.number}, "
                "issued 2026-12-01")):
            registry.amend(old.number, "typo", fingerprint=sha("r1"),
                           pdf_sha256=sha("p2"), issue_date="2026-11-27")
        assert [(r.number, r.status) for r in registry.list()] == [
            (old.number, Status.ISSUED)]
        new = registry.amend(old.number, "typo", fingerprint=sha("r1"),
                             pdf_sha256=sha("p2"), issue_date="2026-12-01")
    assert new.replaces == old.number


def test_withdraw_and_what_can_no_longer_be_done(registry_url):
    with Registry.create(registry_url) as registry:
        report = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
        withdrawn = registry.withdraw(report.number, "reference standard found wrong")
        assert withdrawn.status is Status.WITHDRAWN
        assert withdrawn.reason == "reference standard found wrong"
        assert withdrawn.status_changed_at is not None
        with pytest.raises(RegistryError, match="withdrawn .reference standard"):
            registry.withdraw(report.number, "twice")
        with pytest.raises(RegistryError, match="cannot amend"):
            registry.amend(report.number, "late", fingerprint=sha("r1"), pdf_sha256=sha("q"))
        with pytest.raises(RegistryError, match="reason: empty"):
            registry.withdraw(report.number, "  ")
        with pytest.raises(RegistryError, match="LAB-AI-2026-9999: not in the registry"):
            registry.withdraw("LAB-AI-2026-9999", "unknown")
        # a withdrawn result is issued again (a new number) only with the reason why
        with pytest.raises(RegistryError, match=f"its report {report.number} was "
                           r"withdrawn \(reference standard found wrong\); it is issued "
                           "again only with the reason"):
            registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p2"), **PEOPLE)
        reissued = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p2"), **PEOPLE,
                                  reason="withdrawn in error: the standard was right")
        assert reissued.number != report.number
        assert reissued.reason == "withdrawn in error: the standard was right"
        assert reissued.status is Status.ISSUED and reissued.replaces is None
        assert registry.list(status="withdrawn") == (registry.get(report.number),)
        assert registry.get("LAB-AI-2026-9999") is None


def test_a_result_replaced_by_another_results_report_needs_a_reason(registry_url):
    with Registry.create(registry_url) as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
        # amended with the same result (an address corrected): r1 still stands in the
        # amendment, and is not issued a second number
        same = registry.amend(first.number, "address corrected", fingerprint=sha("r1"),
                              pdf_sha256=sha("p2"))
        assert registry.ended(sha("r1")) == ()
        with pytest.raises(RegistryError, match="already issued as"):
            registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p3"), **PEOPLE,
                           reason="again")
        # amended with another result (r2, re-evaluated): r1 no longer stands
        other = registry.amend(same.number, "re-evaluated", fingerprint=sha("r2"),
                               pdf_sha256=sha("p3"))
        assert [r.number for r in registry.ended(sha("r1"))] == [same.number]
        with pytest.raises(RegistryError, match=f"its report {same.number} was replaced "
                           f"by {other.number}, of another result .re-evaluated."):
            registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p4"), **PEOPLE)
        # a result no report of which ended has no reason to give
        with pytest.raises(RegistryError, match="no report of it was withdrawn"):
            registry.issue(fingerprint=sha("r3"), pdf_sha256=sha("p5"), **PEOPLE,
                           reason="because")
        assert len(registry.list()) == 3  # nothing issued by the refusals
        # r2's amendment withdrawn: r2 ended too; r1's reason is the one recorded
        registry.withdraw(other.number, "reference standard found wrong")
        assert [r.number for r in registry.ended(sha("r2"))] == [other.number]
        back = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p6"), **PEOPLE,
                              reason="r2's reference was wrong; r1 stands")
        assert registry.get(back.number).reason == "r2's reference was wrong; r1 stands"
        rows = _raw_rows(registry_url, "SELECT number, reason FROM medeval_reports "
                                       "ORDER BY id")
        assert rows[-1] == (back.number, "r2's reference was wrong; r1 stands")


def test_one_result_is_not_issued_twice(registry_url):
    with Registry.create(registry_url) as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
        with pytest.raises(RegistryError, match=f"already issued as {first.number}; amend"):
            registry.issue(fingerprint="sha256:" + sha("r1").upper(), pdf_sha256=sha("p2"),
                           **PEOPLE)
        assert len(registry.list()) == 1


def test_a_printed_number_is_registered_and_the_counter_moves_past_it(registry_url):
    with Registry.create(registry_url) as registry:
        printed = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                                 number="LAB-AI-2026-0010", issue_date="2026-05-01", **PEOPLE)
        drawn = registry.issue(fingerprint=sha("r2"), pdf_sha256=sha("p2"),
                               issue_date="2026-05-02", **PEOPLE)
        gap = registry.issue(fingerprint=sha("r3"), pdf_sha256=sha("p3"),
                             number="LAB-AI-2026-0003", issue_date="2026-05-03", **PEOPLE)
        for number, match in (("LAB-AI-2026-0010", "already in the registry"),
                              ("LAB-AI-2025-0020", "of 2025, but the date of issue"),
                              ("LAB-AI-2026-10", "not written the way the pattern"),
                              ("KTL-2026-0001", "does not follow the registry's pattern")):
            with pytest.raises(RegistryError, match=match):
                registry.issue(fingerprint=sha("r4"), pdf_sha256=sha("p4"), number=number,
                               issue_date="2026-05-04", **PEOPLE)
        assert len(registry.list()) == 3
    assert (printed.number, drawn.number, gap.number) == (
        "LAB-AI-2026-0010", "LAB-AI-2026-0011", "LAB-AI-2026-0003")


def test_issuing_renders_inside_the_transaction(registry_url):
    with Registry.create(registry_url) as registry:
        with pytest.raises(OSError, match="disk full"):
            with registry.issuing(fingerprint=sha("r1"), issue_date="2026-03-01",
                                  **PEOPLE) as pending:
                assert pending.number == "LAB-AI-2026-0001"
                raise OSError("disk full")  # the rendering fails: nothing stored, no number used
        with pytest.raises(RegistryError, match="no pdf_sha256 set"):
            with registry.issuing(fingerprint=sha("r1"), issue_date="2026-03-01", **PEOPLE):
                pass
        with registry.issuing(fingerprint=sha("r1"), issue_date="2026-03-01",
                              **PEOPLE) as pending:
            pending.pdf_sha256 = sha("rendered with " + pending.number)
        with registry.issuing(fingerprint=sha("r2"), amends=pending.number,
                              reason="typo", test_id=None, customer=None, tester=None,
                              approver=None) as amendment:
            assert (amendment.amendment, amendment.replaces) == (1, pending.number)
            amendment.pdf_sha256 = sha("amendment")
        record = registry.get("LAB-AI-2026-0001")
    assert pending.number == "LAB-AI-2026-0001"  # drawn again after the failures
    assert record is not None and record.pdf_sha256 == sha("rendered with LAB-AI-2026-0001")
    assert _raw_rows(registry_url, "SELECT count(*) FROM medeval_reports") == [(2,)]


def test_list_filters_and_limit(registry_url):
    with Registry.create(registry_url) as registry:
        for k in range(5):
            registry.issue(fingerprint=sha(f"r{k}"), pdf_sha256=sha(f"p{k}"),
                           issue_date=f"{2025 + k % 2}-06-01",
                           **{**PEOPLE, "customer": f"Customer {k % 2}"})
        registry.withdraw("LAB-AI-2025-0001", "test")
        assert [r.number for r in registry.list(year=2026)] == [
            "LAB-AI-2026-0001", "LAB-AI-2026-0002"]
        assert [r.number for r in registry.list(customer="Customer 0", status="issued")] \
            == ["LAB-AI-2025-0002", "LAB-AI-2025-0003"]
        assert [r.number for r in registry.list(limit=2)] == [
            "LAB-AI-2026-0002", "LAB-AI-2025-0003"]  # the newest two, in order issued
        assert [r.number for r in registry.find_by_fingerprint("sha256:" + sha("r3"))] == [
            "LAB-AI-2026-0002"]
        with pytest.raises(RegistryError, match="status 'lost': one of issued, amended"):
            registry.list(status="lost")


def test_export_csv_reads_back_with_the_csv_module(registry_url, tmp_path):
    awkward = 'Kim, "Lee" & 박; DROP TABLE medeval_reports; --'
    with Registry.create(registry_url) as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date="2026-02-03", **{**PEOPLE, "customer": awkward})
        registry.amend(first.number, "address misspelt, \"twice\"",
                       fingerprint=sha("r1"), pdf_sha256=sha("p2"))
        records = registry.list()
        count = registry.export_csv(tmp_path / "registry.csv")
        stream = io.StringIO()
        assert registry.export_csv(stream, status="issued") == 1
    assert count == 2
    raw = (tmp_path / "registry.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheets
    with open(tmp_path / "registry.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["customer"] == awkward and rows[1]["customer"] == awkward
    assert rows[0]["status"] == "amended" and rows[0]["replaced_by"] == rows[1]["number"]
    assert rows[1]["replaces"] == first.number and rows[1]["amendment"] == "1"
    assert rows[1]["replaced_by"] == "" and rows[0]["issue_date"] == "2026-02-03"
    assert rows[0]["pdf_sha256"] == sha("p1") and rows[1]["pdf_sha256"] == sha("p2")
    assert datetime.fromisoformat(rows[0]["issued_at"]) == records[0].issued_at
    filtered = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert [r["number"] for r in filtered] == [records[1].number]
    # the table is still there, and the awkward text was stored as it is
    assert _raw_rows(registry_url, "SELECT customer FROM medeval_reports") == [(awkward,)] * 2


def test_a_read_only_registry_reads_and_refuses_to_write(registry_url):
    with Registry.create(registry_url) as registry:
        issued = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
    with Registry.open(registry_url, read_only=True) as public:
        assert public.get(issued.number) == issued
        assert public.find_by_fingerprint(sha("r1")) == (issued,)
        with pytest.raises(RegistryError, match="read-only|readonly"):
            public.issue(fingerprint=sha("r2"), pdf_sha256=sha("p2"), **PEOPLE)
        with pytest.raises(RegistryError, match="read-only|readonly"):
            public.withdraw(issued.number, "attempt from the public page")
    assert _raw_rows(registry_url, "SELECT number, status FROM medeval_reports") == [
        (issued.number, "issued")]


def test_a_number_in_another_letter_case_finds_the_report(tmp_path):
    # a pattern written in lower case: its numbers are ktl/2026-007 ...; typed in upper
    # case they name the same report (the letters come from the pattern only)
    with Registry.create(tmp_path / "r.sqlite", pattern="ktl/{year}-{seq:03d}") as registry:
        made = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                              issue_date="2026-11-27", **PEOPLE)
        assert made.number == "ktl/2026-001"
        found = registry.get("KTL/2026-001")
        assert found is not None and found.number == "ktl/2026-001"
        assert registry.get("Ktl/2026-001") == found
        assert registry.get("KTL/2026-01") is None  # another padding: not the pattern's
        assert registry.get("KTL/2026-002") is None
    assert _raw_rows(str(tmp_path / "r.sqlite"),
                     "SELECT number FROM medeval_reports") == [("ktl/2026-001",)]


#: A writer killed while committing, its changes partly written to the file: the
#: page cache of 2 pages spills the update of every report into the file before the
#: commit, and the process dies with the "-journal" still beside it (a hot journal).
_KILLED_WHILE_COMMITTING = """
import os, signal, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size = 2")
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE medeval_reports SET customer = customer || ' (half-written)'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_read_only_open_after_a_writer_killed_while_committing(tmp_path):
    # medeval serve opens the file read only (mode=ro), and SQLite cannot roll back a hot
    # journal read only: the page refused to start, and answered 503 to every look-up,
    # 'attempt to write a readonly database', until a tester wrote again
    path = tmp_path / "registry.sqlite"
    with Registry.create(path) as registry:
        for k in range(200):
            registry.issue(fingerprint=sha(f"r{k}"), pdf_sha256=sha(f"p{k}"),
                           issue_date="2026-12-01", **PEOPLE)
    killed = subprocess.run([sys.executable, "-c", _KILLED_WHILE_COMMITTING, str(path)],
                            check=False)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "registry.sqlite-journal").stat().st_size > 0
    with Registry.open(path, read_only=True) as public:
        records = public.list()
    assert len(records) == 200
    assert {record.customer for record in records} == {PEOPLE["customer"]}
    assert not (tmp_path / "registry.sqlite-journal").exists()
    assert _raw_rows(str(path), "PRAGMA integrity_check") == [("ok",)]


def test_a_writer_killed_while_committing_after_the_page_opened_the_registry(tmp_path):
    # medeval serve keeps the registry open read only for days; a tester's process
    # killed while committing then left a hot journal that the page's read-only
    # connections cannot roll back: every look-up failed ('attempt to write a readonly
    # database', a 503) until a tester wrote again. The reports and the integrity are
    # read with sqlite3, not medeval.
    path = tmp_path / "registry.sqlite"
    with Registry.create(path) as registry:
        for k in range(200):
            registry.issue(fingerprint=sha(f"r{k}"), pdf_sha256=sha(f"p{k}"),
                           issue_date="2026-12-01", **PEOPLE)
    with Registry.open(path, read_only=True) as public:
        assert len(public.list()) == 200
        killed = subprocess.run([sys.executable, "-c", _KILLED_WHILE_COMMITTING, str(path)],
                                check=False)
        assert killed.returncode == -signal.SIGKILL
        assert (tmp_path / "registry.sqlite-journal").stat().st_size > 0
        records = public.list()
        assert public.get(records[0].number) is not None
    assert len(records) == 200
    assert {record.customer for record in records} == {PEOPLE["customer"]}
    assert not (tmp_path / "registry.sqlite-journal").exists()
    assert _raw_rows(str(path), "PRAGMA integrity_check") == [("ok",)]
    assert len(_raw_rows(str(path), "SELECT number FROM medeval_reports")) == 200


def test_amend_and_withdraw_take_a_number_in_another_letter_case(tmp_path):
    # show and the page found lab-ai-2026-0001, but amend and withdraw answered 'not in
    # the registry' (and amend, once found, would have refused the result as issued
    # already under LAB-AI-2026-0001). Found in the lifecycle pass.
    path = tmp_path / "r.sqlite"
    with Registry.create(path) as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date="2026-11-27", **PEOPLE)
        other = registry.issue(fingerprint=sha("r2"), pdf_sha256=sha("p2"),
                               issue_date="2026-11-27", **PEOPLE)
        new = registry.amend(first.number.lower(), "주소 정정", fingerprint=sha("r1"),
                             pdf_sha256=sha("p3"), issue_date="2026-11-28")
        assert (new.number, new.replaces) == ("LAB-AI-2026-0003", "LAB-AI-2026-0001")
        gone = registry.withdraw(" lab-ai-2026-0002 ", "참조 표준 오류")
        assert gone.number == other.number == "LAB-AI-2026-0002"
        with pytest.raises(RegistryError, match="already withdrawn"):
            registry.withdraw("Lab-Ai-2026-0002", "again")
    assert _raw_rows(str(path), "SELECT number, status, replaced_by FROM medeval_reports "
                                "ORDER BY id") == [
        ("LAB-AI-2026-0001", "amended", "LAB-AI-2026-0003"),
        ("LAB-AI-2026-0002", "withdrawn", None),
        ("LAB-AI-2026-0003", "issued", None)]

"""The registry's hash chain, recomputed here without medeval (sqlite3 or psycopg to read,
hashlib and json over the encoding docs/registry.md defines), and values changed by hand
into other valid ones (which no other check sees) named by ``registry check``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from medeval.cli import main
from medeval.errors import RegistryError
from medeval.registry import Registry

from .conftest import PEOPLE, sha

# docs/registry.md, "The hash chain": the fields after position, event and row id
FIELDS = ["number", "scope", "seq", "fingerprint", "pdf_sha256", "test_id", "customer",
          "issue_date", "tester", "approver", "status", "reason", "amendment", "replaces",
          "replaced_by", "issued_at", "status_changed_at"]


def _plain(name: str, value: Any) -> Any:
    """A stored value as the documented encoding writes it."""
    if isinstance(value, datetime):  # PostgreSQL: timestamptz
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if name.endswith("_at") and isinstance(value, str):  # SQLite: '2026-12-06 15:40:00.5'
        day, time = value.split(" ")
        whole, _, fraction = time.partition(".")
        return f"{day}T{whole}.{fraction.ljust(6, '0')}Z"
    return value


def _sql(target: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with sqlite3 or psycopg (not medeval); the rows it returns."""
    if "://" not in target:
        connection = sqlite3.connect(target)
        try:
            with connection:
                return connection.execute(sql, args).fetchall()
        finally:
            connection.close()
    import psycopg

    host = target.split("?host=")[1]
    name = target.split("@/")[1].split("?")[0]
    with psycopg.connect(f"host={host} dbname={name} user=postgres") as connection:
        cursor = connection.execute(sql.replace("?", "%s"), args)
        return cursor.fetchall() if cursor.description else []


def _recomputed(target: str) -> dict[str, str]:
    """Check the chain as docs/registry.md says, by hand: every hash, the head, and each
    report against the last link recording it. Returns each report's chain hash."""
    previous, last = "0" * 64, {}
    links = _sql(target, "SELECT position, report_id, event, record, hash FROM "
                         "medeval_chain ORDER BY position")
    for k, (position, report_id, event, record, stored) in enumerate(links, start=1):
        previous = hashlib.sha256(f"{previous}\n{record}".encode()).hexdigest()
        assert (position, stored) == (k, previous)
        assert json.loads(record)[:3] == [position, event, report_id]
        last[report_id] = (position, event, record, stored)
    assert _sql(target, "SELECT chain_length, chain_head FROM medeval_registry") == [
        (len(links), previous if links else None)]
    hashes = {}
    for row in _sql(target, f"SELECT id, {', '.join(FIELDS)} FROM medeval_reports"):
        position, event, record, stored = last.pop(row[0])
        mine = [position, event, row[0], *(_plain(n, v) for n, v in zip(FIELDS, row[1:]))]
        assert record == json.dumps(mine, ensure_ascii=False, separators=(",", ":"))
        hashes[row[1]] = stored
    assert last == {}
    return hashes


def _filled(target: str) -> None:
    """Two years; an amendment chain of three; a withdrawal; a withdrawn result issued
    again with its reason; a number registered beyond the counter; Korean names."""
    with Registry.create(target, pattern="KTL-{year}-{seq:03d}") as registry:
        first = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                               issue_date="2026-01-05", **PEOPLE)
        second = registry.amend(first.number, "주소 정정 (address corrected)",
                                fingerprint=sha("r1"), pdf_sha256=sha("p2"),
                                issue_date="2026-01-06")
        registry.amend(second.number, "again", fingerprint=sha("r2"), pdf_sha256=sha("p3"),
                       issue_date="2026-01-07")
        gone = registry.issue(fingerprint=sha("r4"), pdf_sha256=sha("p4"),
                              issue_date="2026-01-08", **PEOPLE)
        registry.withdraw(gone.number, "reference standard found wrong")
        registry.issue(fingerprint=sha("r4"), pdf_sha256=sha("p5"), issue_date="2026-01-09",
                       reason="withdrawn in error", **PEOPLE)
        registry.issue(fingerprint=sha("r6"), pdf_sha256=sha("p6"), issue_date="2025-12-30",
                       **PEOPLE)
        registry.issue(fingerprint=sha("r7"), pdf_sha256=sha("p7"), issue_date="2026-02-01",
                       number="KTL-2026-010", **PEOPLE)


def _check(capsys: pytest.CaptureFixture[str], target: str) -> tuple[int, list[str]]:
    code = main(["registry", "check", "--registry", target])
    return code, capsys.readouterr().out.splitlines()


def test_an_untouched_registry_checks_clean_and_its_chain_recomputes(registry_url, capsys):
    _filled(registry_url)
    hashes = _recomputed(registry_url)
    # 7 issues, 2 amendments (a link each for the old report), 1 withdrawal
    assert _sql(registry_url, "SELECT count(*) FROM medeval_chain") == [(10,)]
    code, out = _check(capsys, registry_url)
    head = _sql(registry_url, "SELECT hash FROM medeval_chain WHERE position = 10")[0][0]
    assert code == 0 and len(out) == 1 and out[0].startswith("consistent: 7 report(s) in ")
    assert out[0].endswith(f"; hash chain of 10 link(s) ending sha256:{head}")
    # the export carries each report's chain hash: the last link recording it
    assert main(["registry", "export", "-", "--registry", registry_url]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["number"]: row["chain_hash"] for row in rows} == hashes
    assert main(["registry", "show", "KTL-2026-001", "--registry", registry_url]) == 0
    assert f"{'chain_hash':<18} {hashes['KTL-2026-001']}\n" in capsys.readouterr().out


def test_a_reports_history_keeps_the_reasons_its_row_no_longer_holds(registry_url, capsys):
    """An amendment's reason is the new report's ``reason`` until it is withdrawn; the
    withdrawal's reason then overwrites it in the row, and only the chain keeps it.
    ``history``/``show`` give each event from the links (read here with sqlite3/psycopg
    and json, not medeval)."""
    _filled(registry_url)
    with Registry.open(registry_url) as registry:
        registry.withdraw("KTL-2026-003", "reference standard found wrong")
        assert registry.get("KTL-2026-003").reason == "reference standard found wrong"
        events = registry.history("ktl-2026-003")  # the pattern's letter case found
        assert registry.history("KTL-2026-001")[-1].replaced_by == "KTL-2026-002"
        with pytest.raises(RegistryError, match="report KTL-2026-099: not in the registry"):
            registry.history("KTL-2026-099")
    links = _sql(registry_url, "SELECT position, event, record, hash FROM medeval_chain "
                 "WHERE report_id = (SELECT id FROM medeval_reports WHERE number = ?) "
                 "ORDER BY position", "KTL-2026-003")
    # link 4 issued 003 (replacing 002, the amendment's reason), link 11 its withdrawal
    assert [(p, e) for p, e, _, _ in links] == [(4, "issued"), (11, "withdrawn")]
    records = [json.loads(record) for _, _, record, _ in links]
    reason, issued_at, changed_at = 14, 18, 19  # 0-based positions in the record
    assert [r[reason] for r in records] == ["again", "reference standard found wrong"]
    assert [(e.position, e.event, e.status.value, e.reason, e.replaces, e.hash)
            for e in events] == [
        (4, "issued", "issued", "again", "KTL-2026-002", links[0][3]),
        (11, "withdrawn", "withdrawn", "reference standard found wrong", "KTL-2026-002",
         links[1][3])]
    assert [e.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") for e in events] == [
        records[0][issued_at], records[1][changed_at]]
    assert main(["registry", "show", "KTL-2026-003", "--registry", registry_url]) == 0
    shown = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("history ")]
    day = records[0][issued_at][:10] + " " + records[0][issued_at][11:19] + " UTC"
    gone = records[1][changed_at][:10] + " " + records[1][changed_at][11:19] + " UTC"
    assert shown == [f"{'history':<18} link 4  {day}  issued, replacing KTL-2026-002 (again)",
                     f"{'history':<18} link 11  {gone}  withdrawn (reference standard "
                     "found wrong)"]
    assert main(["registry", "show", "KTL-2026-001", "--registry", registry_url]) == 0
    shown = [line.split(" UTC  ", 1)[1] for line in capsys.readouterr().out.splitlines()
             if line.startswith("history ")]
    assert shown == ["issued", "amended: replaced by KTL-2026-002 (주소 정정 (address "
                     "corrected))"]


# each: the change made by hand (into values that agree with every other rule), and the
# lines check must print, worked out from _filled. Its links: 1 issued 001, 2 issued 002,
# 3 amended 001, 4 issued 003, 5 amended 002, 6 issued 004, 7 withdrawn 004, 8 issued 005,
# 9 issued 2025-001, 10 issued 010
CHANGES = {
    "customer renamed": (
        ["UPDATE medeval_reports SET customer = 'Other Co.' WHERE number = 'KTL-2026-005'"],
        ["report KTL-2026-005: differs from hash chain link 8 (issued), which recorded it: "
         "customer 'Other Co.' (the chain recorded 'Example Medical AI Co., Ltd.')"]),
    "issue date moved": (
        ["UPDATE medeval_reports SET issue_date = '2026-01-20' WHERE number = 'KTL-2026-005'"],
        ["report KTL-2026-005: differs from hash chain link 8 (issued), which recorded it: "
         "issue_date '2026-01-20' (the chain recorded '2026-01-09')"]),
    "two rows' results swapped": (
        [f"UPDATE medeval_reports SET fingerprint = '{sha('r6')}', pdf_sha256 = '{sha('p6')}' "
         "WHERE number = 'KTL-2026-010'",
         f"UPDATE medeval_reports SET fingerprint = '{sha('r7')}', pdf_sha256 = '{sha('p7')}' "
         "WHERE number = 'KTL-2025-001'"],
        [f"report KTL-2025-001: differs from hash chain link 9 (issued), which recorded it: "
         f"fingerprint '{sha('r7')}' (the chain recorded '{sha('r6')}'); pdf_sha256 "
         f"'{sha('p7')}' (the chain recorded '{sha('p6')}')",
         f"report KTL-2026-010: differs from hash chain link 10 (issued), which recorded "
         f"it: fingerprint '{sha('r6')}' (the chain recorded '{sha('r7')}'); pdf_sha256 "
         f"'{sha('p6')}' (the chain recorded '{sha('p7')}')"]),
    "the last report deleted": (
        ["DELETE FROM medeval_reports WHERE number = 'KTL-2026-010'"],
        ["hash chain link 10 (issued) records report KTL-2026-010 (row id 7), which is not "
         "in the registry (deleted outside medeval)"]),
    "the last report deleted with its link": (
        ["DELETE FROM medeval_reports WHERE number = 'KTL-2026-010'",
         "DELETE FROM medeval_chain WHERE position = 10"],
        ["hash chain: ends at link 9 (sha256:{h9}), but the registry recorded its end as "
         "link 10 (sha256:{h10}): links were deleted from its end, or the chain was "
         "rewritten, outside medeval"]),
    "a link's record changed with its report": (
        ["UPDATE medeval_reports SET tester = 'Someone Else' WHERE number = 'KTL-2026-005'",
         "UPDATE medeval_chain SET record = replace(record, '\"홍길동 (Hong Gildong)\"', "
         "'\"Someone Else\"') WHERE position = 8"],
        ["hash chain: breaks at link 8 (issued KTL-2026-005): its hash is not SHA-256 of "
         "link 7's hash and its record; links 8 to 10 are not vouched for (changed outside "
         "medeval)"]),
    # a record that is no JSON at all: check ended in a JSONDecodeError traceback
    "a link's record made unreadable": (
        ["UPDATE medeval_chain SET record = 'garbage' WHERE position = 10"],
        ["hash chain: breaks at link 10 (issued (unreadable record)): its hash is not "
         "SHA-256 of link 9's hash and its record; links 10 to 10 are not vouched for "
         "(changed outside medeval)",
         "report KTL-2026-010: differs from hash chain link 10 (issued), which recorded it: "
         "its record cannot be read (not a JSON array of 20 values)"]),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_value_changed_into_another_valid_one_is_named(registry_url, capsys, change):
    _filled(registry_url)
    hashes = {p: h for p, h in _sql(registry_url, "SELECT position, hash FROM medeval_chain")}
    statements, said = CHANGES[change]
    for statement in statements:
        _sql(registry_url, statement)
    code, out = _check(capsys, registry_url)
    assert code == 1
    assert out == [line.format(h9=hashes[9], h10=hashes[10]) for line in said]
    with pytest.raises(AssertionError):  # and the recomputation by hand sees it too
        _recomputed(registry_url)


def _r0001_registry(target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry as medeval made it before the chain (schema r0001), its rows written as
    that medeval wrote them: an amended report, its amendment, a withdrawn one."""
    from medeval.registry import database

    older = tmp_path / "migrations-r0001"
    shutil.copytree(Path(database.__file__).parent / "migrations", older,
                    ignore=shutil.ignore_patterns("__pycache__", "r0002_*"))
    with monkeypatch.context() as patch:
        patch.setattr(database, "SCRIPT_LOCATION", str(older))
        Registry.create(target, pattern="KTL-{year}-{seq:03d}").close()
    sqlite = "://" not in target
    times = ["2026-01-05 09:00:00.000001", "2026-01-06 10:30:00.250000",
             "2026-01-08 08:00:00.000000"]
    moments: list[Any] = times if sqlite else [datetime.fromisoformat(t).replace(
        tzinfo=timezone.utc) for t in times]
    rows = [("KTL-2026-001", 1, sha("o1"), sha("q1"), "2026-01-05", "amended", "typo", 0,
             None, None, moments[0], moments[1]),
            ("KTL-2026-002", 2, sha("o1"), sha("q2"), "2026-01-06", "issued", "typo", 1,
             "KTL-2026-001", None, moments[1], None),
            ("KTL-2026-003", 3, sha("o3"), sha("q3"), "2026-01-08", "withdrawn", "wrong",
             0, None, None, moments[2], moments[2])]
    for row in rows:  # ids 1, 2, 3 drawn by the database, as medeval's inserts draw them
        _sql(target, "INSERT INTO medeval_reports (number, scope, seq, fingerprint, "
             "pdf_sha256, test_id, customer, issue_date, tester, approver, status, reason, "
             "amendment, replaces, replaced_by, issued_at, status_changed_at) VALUES "
             "(?, '2026', ?, ?, ?, 'T-1', '고객 Co.', ?, '홍길동', 'Kim', ?, ?, ?, ?, ?, ?, ?)",
             *row)
    _sql(target, "UPDATE medeval_reports SET replaced_by = 'KTL-2026-002' WHERE id = 1")
    _sql(target, "INSERT INTO medeval_counters (scope, last_seq) VALUES ('2026', 3)")


def test_an_older_registry_is_chained_when_opened(registry_url, tmp_path, monkeypatch, capsys):
    _r0001_registry(registry_url, tmp_path, monkeypatch)
    with Registry.open(registry_url) as registry:  # upgraded to r0002: chained as it stands
        assert registry.check() == ()
        registry.issue(fingerprint=sha("o4"), pdf_sha256=sha("q4"), issue_date="2026-01-09",
                       **PEOPLE)
        registry.withdraw("KTL-2026-002", "found wrong")
    events = _sql(registry_url, "SELECT position, report_id, event FROM medeval_chain "
                                "ORDER BY position")
    assert events == [(1, 1, "chained"), (2, 2, "chained"), (3, 3, "chained"),
                      (4, 4, "issued"), (5, 2, "withdrawn")]
    _recomputed(registry_url)
    first = json.loads(_sql(registry_url, "SELECT record FROM medeval_chain WHERE "
                                          "position = 1")[0][0])
    assert first[-2:] == ["2026-01-05T09:00:00.000001Z", "2026-01-06T10:30:00.250000Z"]
    assert _check(capsys, registry_url)[0] == 0
    _sql(registry_url, "UPDATE medeval_reports SET customer = 'Other' WHERE id = 3")
    code, out = _check(capsys, registry_url)
    assert (code, out) == (1, ["report KTL-2026-003: differs from hash chain link 3 "
                               "(chained), which recorded it: customer 'Other' (the chain "
                               "recorded '고객 Co.')"])


#: A tester's process: issues in two years (two counters: on PostgreSQL, two rows locked
#: by different testers at once) and withdraws every second report it issued.
TESTER = textwrap.dedent("""
    import hashlib, os, sys, time
    from medeval.registry import Registry
    url, tag, count, gate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    people = {people!r}
    with Registry.open(url) as registry:
        while not os.path.exists(gate):
            time.sleep(0.005)
        for k in range(count):
            fingerprint = hashlib.sha256(f"{{tag}}-{{k}}".encode()).hexdigest()
            record = registry.issue(fingerprint=fingerprint, pdf_sha256=fingerprint,
                                    issue_date=f"{{2025 + k % 2}}-12-03", **people)
            if k % 2:
                registry.withdraw(record.number, "found wrong")
            print(record.number, flush=True)
""").format(people=PEOPLE)


def test_processes_issuing_and_withdrawing_at_once_keep_one_valid_chain(registry_url,
                                                                      tmp_path, capsys):
    processes, per_process = 4, 6
    Registry.create(registry_url).close()
    gate = tmp_path / "go"
    testers = [subprocess.Popen([sys.executable, "-c", TESTER, registry_url, f"p{p}",
                                 str(per_process), str(gate)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for p in range(processes)]
    gate.touch()
    numbers: list[str] = []
    for process in testers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        numbers += out.split()
    for year in (2025, 2026):
        seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if f"-{year}-" in n)
        assert seqs == list(range(1, processes * per_process // 2 + 1))
    hashes = _recomputed(registry_url)  # one chain, every link following the one before
    assert sorted(hashes) == sorted(numbers)
    assert _sql(registry_url, "SELECT count(*) FROM medeval_chain") == [
        (processes * per_process * 3 // 2,)]
    assert _check(capsys, registry_url)[0] == 0


#: A tester's process opening the registry when the gate opens, then issuing one report.
OPENER = textwrap.dedent("""
    import hashlib, os, sys, time
    from medeval.registry import Registry
    url, tag, gate = sys.argv[1], sys.argv[2], sys.argv[3]
    while not os.path.exists(gate):
        time.sleep(0.005)
    with Registry.open(url) as registry:
        fingerprint = hashlib.sha256(tag.encode()).hexdigest()
        print(registry.issue(fingerprint=fingerprint, pdf_sha256=fingerprint,
                             issue_date="2026-01-10", **{people!r}).number)
""").format(people=PEOPLE)


def test_testers_opening_an_older_registry_at_once_upgrade_it_once(registry_url, tmp_path,
                                                                   monkeypatch):
    # both find the schema older; the second to take the lock finds it upgraded (on
    # PostgreSQL the settings row is locked before the revision is read again)
    _r0001_registry(registry_url, tmp_path, monkeypatch)
    gate = tmp_path / "go"
    testers = [subprocess.Popen([sys.executable, "-c", OPENER, registry_url, f"opener-{p}",
                                 str(gate)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for p in range(3)]
    gate.touch()
    numbers = []
    for process in testers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        numbers += out.split()
    assert sorted(numbers) == ["KTL-2026-004", "KTL-2026-005", "KTL-2026-006"]
    assert [e for (e,) in _sql(registry_url, "SELECT event FROM medeval_chain ORDER BY "
                                             "position")] == ["chained"] * 3 + ["issued"] * 3
    _recomputed(registry_url)


def test_a_page_reader_granted_the_tables_before_the_chain_still_looks_up(postgres):
    # docs/verification-page.md granted the page's read-only user SELECT on the tables
    # by name; upgraded to r0002, every look-up also read medeval_chain, which that user
    # may not: the page would answer each one with 'permission denied'
    import psycopg

    target = postgres.database()
    with Registry.create(target) as registry:
        number = registry.issue(fingerprint=sha("g1"), pdf_sha256=sha("h1"),
                                issue_date="2026-01-05", **PEOPLE).number
    name = target.split("@/")[1].split("?")[0]
    role = f"reader_{name}"
    with psycopg.connect(postgres.libpq(name), autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN")
        connection.execute(f"GRANT SELECT ON medeval_registry, medeval_counters, "
                           f"medeval_reports, medeval_alembic_version TO {role}")
    reader = target.replace("postgres@", f"{role}@")
    with Registry.open(reader, read_only=True) as page:
        record = page.get(number)
        assert record is not None and record.chain_hash is None
        assert [r.number for r in page.list()] == [number]
    with psycopg.connect(postgres.libpq(name), autocommit=True) as connection:
        connection.execute(f"GRANT SELECT ON medeval_chain TO {role}")
    with Registry.open(reader, read_only=True) as page:
        record = page.get(number)
    assert record is not None
    assert record.chain_hash == _sql(target, "SELECT hash FROM medeval_chain")[0][0]


def test_an_older_registry_opened_read_only_names_the_command_that_upgrades_it(
        tmp_path, monkeypatch, capsys):
    # the page and verify --registry only read: "open it once for writing" named no
    # command; the one named is run here as written, and the page then opens
    import shlex

    from medeval.errors import RegistryError

    target = str(tmp_path / "old registry.sqlite")  # a space: the command quotes it
    _r0001_registry(target, tmp_path, monkeypatch)
    with pytest.raises(RegistryError, match="schema is older than this medeval's") as told:
        Registry.open(target, read_only=True)
    command = str(told.value).split("writes: ")[1]
    assert shlex.split(command)[:3] == ["medeval", "registry", "check"]
    assert main(shlex.split(command)[1:]) == 0
    assert "hash chain of 3 link(s)" in capsys.readouterr().out
    with Registry.open(target, read_only=True) as page:
        assert [r.number for r in page.list()] == ["KTL-2026-001", "KTL-2026-002",
                                                   "KTL-2026-003"]


def test_a_chain_rewritten_whole_is_found_by_an_end_written_down(registry_url, capsys):
    # anyone who can write the database can compute the chain again (docs: it holds no
    # secret): the last report's customer changed, its link's record and hash and the
    # head recomputed here with hashlib. check alone then finds nothing; the end the
    # check printed before, given with --known, is no link's hash any more, while a
    # hash of a link before the change still is
    _filled(registry_url)
    code, out = _check(capsys, registry_url)
    before = out[0].rsplit("sha256:", 1)[1]
    (h9,), ((record,),) = (_sql(registry_url, "SELECT hash FROM medeval_chain WHERE "
                                "position = 9")[0], _sql(registry_url, "SELECT record FROM "
                                "medeval_chain WHERE position = 10"))
    items = json.loads(record)
    items[3 + FIELDS.index("customer")] = "Other Co."
    record = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    rewritten = hashlib.sha256(f"{h9}\n{record}".encode()).hexdigest()
    _sql(registry_url, "UPDATE medeval_reports SET customer = 'Other Co.' WHERE number = "
                       "'KTL-2026-010'")
    _sql(registry_url, "UPDATE medeval_chain SET record = ?, hash = ? WHERE position = 10",
         record, rewritten)
    _sql(registry_url, "UPDATE medeval_registry SET chain_head = ?", rewritten)
    _recomputed(registry_url)  # consistent as rewritten
    assert _check(capsys, registry_url)[0] == 0
    code = main(["registry", "check", "--registry", registry_url, "--known", h9,
                 "--known", f"sha256:{before}"])
    assert (code, capsys.readouterr().out.splitlines()) == (1, [
        f"hash chain: sha256:{before}, given as known, is no link's hash: the chain was "
        "rewritten outside medeval since it was written down (or it is another registry's)"])
    assert main(["registry", "check", "--registry", registry_url, "--known", "abc"]) == 2
    assert "known chain hash" in capsys.readouterr().err

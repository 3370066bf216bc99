"""Bad input: report numbers with SQL in them or 10,000 characters, files and databases
that are not registries, malformed patterns, hashes, names and dates. Each is a clear
RegistryError naming the problem; nothing reaches the database unchecked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from medeval.cli import main
from medeval.errors import MedevalError, RegistryError
from medeval.registry import Registry, ReportNumbering, check_report_number

from .conftest import PEOPLE, sha

SQL_NUMBERS = [
    "LAB-AI-2026-0001'; DROP TABLE medeval_reports; --",
    "' OR '1'='1",
    'LAB"--',
    "LAB-AI-2026-0001 OR 1=1",
    "LAB%",
    "LAB_AI\\x00",
    "../../etc/passwd",
]


@pytest.mark.parametrize("number", SQL_NUMBERS)
def test_a_number_with_sql_in_it_is_refused_and_the_table_stays(registry_url, number):
    with Registry.create(registry_url) as registry:
        kept = registry.issue(fingerprint=sha("r"), pdf_sha256=sha("p"), **PEOPLE)
        for call in (lambda: registry.get(number), lambda: registry.withdraw(number, "x"),
                     lambda: registry.amend(number, "x", fingerprint=sha("r"),
                                            pdf_sha256=sha("q")),
                     lambda: registry.issue(fingerprint=sha("s"), pdf_sha256=sha("p"),
                                            number=number, **PEOPLE)):
            with pytest.raises(RegistryError, match="only letters, digits|longer than"):
                call()
        assert registry.list() == (registry.get(kept.number),)
        assert registry.get(kept.number).status.value == "issued"  # type: ignore[union-attr]


def test_a_ten_thousand_character_number_is_refused_briefly(registry_url):
    number = "LAB-" + "9" * 9996
    with Registry.create(registry_url) as registry:
        with pytest.raises(RegistryError) as caught:
            registry.get(number)
    message = str(caught.value)
    assert "longer than 64 characters" in message and "(10000 characters)" in message
    assert len(message) < 200
    with pytest.raises(RegistryError, match="not a string"):
        check_report_number(12)
    with pytest.raises(RegistryError, match="empty"):
        check_report_number("   ")
    assert isinstance(caught.value, (MedevalError, ValueError))


def test_a_pdf_is_not_a_registry(tmp_path):
    fake = tmp_path / "certificate.pdf"
    fake.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(RegistryError, match=r"certificate.pdf: opening the registry failed "
                                            r"\(file is not a database\)"):
        Registry.open(fake)
    with pytest.raises(RegistryError, match="exists already"):
        Registry.create(fake)


def test_another_applications_sqlite_file_is_named_as_such(tmp_path):
    other = tmp_path / "lims.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    with pytest.raises(RegistryError, match=r"not a medeval registry; it holds tables of "
                                            r"another application \(alembic_version, patients"):
        Registry.open(other)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(RegistryError, match="empty, not a registry yet .*registry init"):
        Registry.open(empty)
    with pytest.raises(RegistryError, match="no such file .*registry init"):
        Registry.open(tmp_path / "missing.sqlite")
    # opened read only (medeval serve, verify --registry) the laboratory's registry is
    # looked for: "create one" was the advice, and a new one calls every report unknown
    with pytest.raises(RegistryError) as caught:
        Registry.open(tmp_path / "missing.sqlite", read_only=True)
    assert str(caught.value) == (f"registry {tmp_path / 'missing.sqlite'}: no such file "
                                 "(give the path of the laboratory's registry)")
    with pytest.raises(RegistryError, match="folder .* does not exist"):
        Registry.create(tmp_path / "nowhere" / "registry.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()  # opening created nothing


def test_another_applications_postgresql_database(postgres):
    url = postgres.database()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num varchar(32))"))
        connection.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(RegistryError, match=r"another application \(alembic_version, "
                                            r"invoices\)"):
        Registry.open(url)
    with pytest.raises(RegistryError, match="holds tables of another application"):
        Registry.create(url)


def test_a_registry_of_a_newer_medeval_is_not_touched(registry_url):
    Registry.create(registry_url).close()
    engine = create_engine(registry_url if "://" in registry_url
                           else f"sqlite:///{registry_url}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE medeval_alembic_version SET version_num = 'r9999'"))
    with pytest.raises(RegistryError, match="revision 'r9999' is unknown to this medeval"):
        Registry.open(registry_url)
    with pytest.raises(RegistryError, match="holds a registry already|exists already"):
        Registry.create(registry_url)
    engine.dispose()


@pytest.mark.parametrize(("url", "match"), [
    ("mysql+pymysql://lab@db/registry", "mysql is not supported"),
    ("://nothing", "not a database URL"),
])
def test_unsupported_urls(url, match):
    with pytest.raises(RegistryError, match=match):
        Registry.open(url)


def test_an_unreachable_postgresql_is_a_clear_error(tmp_path):
    url = f"postgresql+psycopg://lab:s3cret@/nothing?host={tmp_path}"  # no server there
    with pytest.raises(RegistryError, match="opening the registry failed .*connection") as e:
        Registry.open(url)
    assert "s3cret" not in str(e.value) and "lab:***@" in str(e.value)


@pytest.mark.parametrize(("url", "match"), [
    # a port that is not a number: SQLAlchemy raised ValueError (a traceback)
    ("postgresql+psycopg://lab:s3cret@127.0.0.1:notaport/registry", "port is not a number"),
    ("postgresql+psycopg://lab:s3cret@[::1/registry", "port is not a number"),
    # not a URL at all: the message quoted it whole, password included
    ("post gres://lab:s3cret@db/registry", "not a database URL"),
    ("postgresql+psycopg://lab:s3/cr@et@db:x/registry", "port is not a number"),
    # the password in the query string (libpq's password=): printed as given
    ("postgresql+psycopg://lab@/nothing?host=/nonexistent&password=s3cret",
     "opening the registry failed"),
])
def test_no_message_prints_the_password(url, match, capsys):
    from medeval.cli import main

    with pytest.raises(RegistryError, match=match) as e:
        Registry.open(url)
    assert main(["registry", "list", "--registry", url]) == 2
    err = capsys.readouterr().err
    for shown in (str(e.value), err):
        assert "s3" not in shown and "cret" not in shown and "***" in shown, shown


@pytest.mark.parametrize(("pattern", "match"), [
    ("LAB-{year}", "has no {seq}"),
    ("{seq}-{seq}", "not {seq}"),
    ("LAB-{id}-{seq}", "not {id}"),
    ("LAB {seq}", "literal text"),
    ("LAB-{year:02d}-{seq}", "{year} takes no format"),
    ("LAB-{seq:x}", "takes a format like 04d"),
    ("LAB-{seq!r}", "not {seq}"),
    ("LAB-{seq", "report-number pattern"),
])
def test_malformed_patterns(pattern, match, tmp_path):
    with pytest.raises(RegistryError, match=match):
        ReportNumbering(pattern)
    with pytest.raises(RegistryError, match=match):
        Registry.create(tmp_path / "r.sqlite", pattern=pattern)
    assert not (tmp_path / "r.sqlite").exists()


def test_patterns_parse_what_they_format():
    numbering = ReportNumbering("KTL/AI.{year}_{seq:03d}")
    assert numbering.format(year=2026, seq=12) == "KTL/AI.2026_012"
    assert numbering.parse("KTL/AI.2026_012") == (2026, 12)
    assert numbering.format(year=2026, seq=1234) == "KTL/AI.2026_1234"  # wider, not cut
    assert ReportNumbering("R{seq}").parse("R7") == (None, 7)
    assert ReportNumbering("R{seq}").scope(2026) == "all"


@pytest.mark.parametrize(("field", "value", "match"), [
    ("fingerprint", "abc", "fingerprint 'abc': not a SHA-256"),
    ("fingerprint", "g" * 64, "not a SHA-256"),
    ("pdf_sha256", "", "PDF SHA-256 '': not a SHA-256"),
    ("customer", "=HYPERLINK(\"http://x\")", "may not start with '='"),
    ("customer", "@SUM(A1)", "may not start with '@'"),
    ("tester", "Hong\nGildong", "control character"),
    # U+2028 LINE SEPARATOR (category Zl, not Cc) was recorded: a name of two lines in
    # the terminal and to str.splitlines. Found in the review of the lifecycle-pass
    ("tester", "홍길동\u2028(시험자)", "control character"),
    ("customer", "ACME\u2029Ltd", "control character"),
    # a right-to-left override shows '홍길동 fdp.exe' reversed on the page and in the CSV
    # (Unicode category Cf, not Cc: it passed). Found in the lifecycle-pass
    ("tester", "\u202e홍길동 fdp.exe", "bidirectional control character U\\+202E"),
    ("customer", "ACME \u2067Ltd\u2069", "bidirectional control character U\\+2067"),
    ("approver", "", "approver: empty"),
    ("customer", "x" * 501, "501 characters, more than the 500"),
    ("test_id", None, "test id: not given"),
    ("issue_date", "2026-13-01", "not a date"),
    ("issue_date", 20261201, "not a date"),
])
def test_malformed_fields(tmp_path, field, value, match):
    fields = {"fingerprint": sha("r"), "pdf_sha256": sha("p"), **PEOPLE, field: value}
    with Registry.create(tmp_path / "r.sqlite") as registry:
        with pytest.raises(RegistryError, match=match):
            registry.issue(**fields)
        assert registry.list() == ()
        with pytest.raises(RegistryError, match="limit 0: give a positive number"):
            registry.list(limit=0)


@pytest.mark.parametrize("dsn", ["host=127.0.0.1 user=lab password=s3cret dbname=registry",
                                 "dbname=registry password='s3 cret'"])
def test_a_libpq_connection_string_is_refused_unquoted(dsn, tmp_path, monkeypatch, capsys):
    # libpq's keyword form, as psql takes it: read as a file name, it was printed whole
    # ('registry /dir/host=127.0.0.1 user=lab password=s3cret ...: no such file'), and
    # registry init made a SQLite registry of that name, where testers then issued
    from medeval.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(RegistryError, match="libpq connection string"):
        Registry.open(dsn)
    for action in ("init", "list"):
        assert main(["registry", action, "--registry", dsn]) == 2
        err = capsys.readouterr().err
        assert "libpq connection string" in err and "s3" not in err, err
    assert list(tmp_path.iterdir()) == []


def test_libpqs_postgres_scheme_opens_the_same_database(postgres):
    # libpq reads postgres:// as postgresql:// ("The URI scheme designator can be either
    # postgresql:// or postgres://", PostgreSQL's libpq documentation, 34.1.1); SQLAlchemy
    # no longer does, and medeval said 'postgres is not supported' of a URL as Heroku
    # and many administrators' tools print it. Checked with psycopg, not medeval: the
    # registry created through postgres:// is in the database the URL names.
    import psycopg

    url = postgres.database()
    name = url.split("@/")[1].split("?")[0]
    Registry.create(url.replace("postgresql+psycopg://", "postgres://")).close()
    with psycopg.connect(postgres.libpq(name)) as connection:
        tables = {row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert "medeval_alembic_version" in tables
    Registry.open(url.replace("postgresql+psycopg://", "postgres://")).close()


@pytest.mark.parametrize("year", [0, 20266, -1])
def test_a_year_no_date_can_have_is_refused_not_a_traceback(tmp_path: Path, capsys, year):
    # datetime.date accepts years 1 to 9999 only (Python's MINYEAR, MAXYEAR)
    target = str(tmp_path / "registry.sqlite")
    with Registry.create(target) as registry:
        for n, day in enumerate(("2026-01-05", "2026-03-01", "2025-12-30")):
            registry.issue(fingerprint=sha(f"r{n}"), pdf_sha256=sha(f"p{n}"),
                           issue_date=day, **PEOPLE)
    for action in (["list"], ["export", "-"]):
        code = main(["registry", *action, "--year", str(year), "--registry", target])
        err = capsys.readouterr().err
        assert code == 2 and f"year {year}: not a year of issue (1 to 9999)" in err
    with Registry.open(target) as registry:  # the bounds themselves are years
        assert registry.list(year=9999) == () and len(registry.list(year=2026)) == 2


@pytest.mark.parametrize("number, seq", [("LAB-AI-2026-0000", 0),
                                         ("LAB-AI-2026-2147483648", 2**31)])
def test_a_running_number_outside_the_column_is_refused_alike(registry_url, number, seq):
    # seq is a 32-bit INTEGER on PostgreSQL (largest 2**31 - 1 = 2147483647, PostgreSQL's
    # documented range of integer); SQLite stored 2**31, PostgreSQL said 'integer out of
    # range', and 0 met the database's CHECK seq >= 1 ('seq_positive')
    with Registry.create(registry_url) as registry:
        with pytest.raises(RegistryError, match=rf"report number {number}: running number "
                           rf"{seq} of scope '2026' outside 1 to 2147483647; nothing"):
            registry.issue(fingerprint=sha("a"), pdf_sha256=sha("p"), number=number,
                           issue_date="2026-11-27", **PEOPLE)
        top = registry.issue(fingerprint=sha("b"), pdf_sha256=sha("p"),
                             number="LAB-AI-2026-2147483647", issue_date="2026-11-27",
                             **PEOPLE)
        assert top.number == "LAB-AI-2026-2147483647"
        # the counter at its top: the next draw says so (PostgreSQL: integer out of range)
        with pytest.raises(RegistryError, match="running number 2147483648 of scope '2026' "
                           r"outside 1 to 2147483647 \(the counter is at its last number\)"):
            registry.issue(fingerprint=sha("c"), pdf_sha256=sha("p"),
                           issue_date="2026-11-27", **PEOPLE)
        assert [r.number for r in registry.list()] == ["LAB-AI-2026-2147483647"]
        # another year's counter is untouched
        assert registry.issue(fingerprint=sha("c"), pdf_sha256=sha("p"),
                              issue_date="2025-12-30", **PEOPLE).number == "LAB-AI-2025-0001"

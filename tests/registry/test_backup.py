"""``medeval registry backup``: a SQLite registry copied while testers issue.

Copying the file with ``cp`` during a commit can copy half of it (found in the KTL
administrator pass: one copy in 300 failed SQLite's integrity check, an index holding
an entry its table did not). Each backup taken here while two tester processes issue
must be the registry as of one commit: SQLite's own integrity check passes, and its
reports are numbers 1..n with the counter at n (checked with the sqlite3 module, not
medeval).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from medeval.cli import main
from medeval.errors import RegistryError
from medeval.registry import Registry

from .conftest import PEOPLE, sha
from .test_concurrency import TESTER

ISSUERS, PER_ISSUER, BACKUPS = 2, 60, 8


def _state(path: Path) -> tuple[str, list[int], int]:
    """(integrity check, the sequence numbers held, the counter) of a SQLite file."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
        state = copy.execute("PRAGMA integrity_check").fetchone()[0]
        seqs = [row[0] for row in copy.execute("SELECT seq FROM medeval_reports ORDER BY seq")]
        counter = copy.execute("SELECT last_seq FROM medeval_counters").fetchone()
    return state, seqs, counter[0] if counter else 0


def test_backups_taken_while_testers_issue_are_whole(tmp_path, capsys):
    source = tmp_path / "registry.sqlite"
    Registry.create(source).close()
    gate = tmp_path / "go"
    issuers = [subprocess.Popen([sys.executable, "-c", TESTER, str(source), f"t{k}",
                                 str(PER_ISSUER), str(gate)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for k in range(ISSUERS)]
    gate.touch()
    copies = []
    for k in range(BACKUPS):
        copies.append(tmp_path / f"backup-{k}.sqlite")
        assert main(["registry", "backup", str(copies[-1]), "--registry", str(source)]) == 0
    for issuer in issuers:
        _, err = issuer.communicate(timeout=300)
        assert issuer.returncode == 0, err
    copies.append(tmp_path / "backup-last.sqlite")
    assert main(["registry", "backup", str(copies[-1]), "--registry", str(source)]) == 0
    out = capsys.readouterr().out
    for copy in copies:
        state, seqs, counter = _state(copy)
        assert state == "ok", copy
        assert seqs == list(range(1, len(seqs) + 1)) and counter == len(seqs), copy
        assert f"to {copy}: {len(seqs)} report(s)" in out
    assert len(_state(copies[-1])[1]) == ISSUERS * PER_ISSUER
    # the copy is a registry medeval opens as it is
    with Registry.open(copies[-1], read_only=True) as restored:
        assert len(restored.list()) == ISSUERS * PER_ISSUER


def test_a_backup_never_overwrites(tmp_path, capsys):
    source = tmp_path / "registry.sqlite"
    Registry.create(source).close()
    before = source.read_bytes()
    assert main(["registry", "backup", str(source), "--registry", str(source)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert main(["registry", "backup", str(tmp_path / "no" / "b.sqlite"),
                 "--registry", str(source)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.sqlite"]


def test_a_backup_name_of_250_characters_and_a_folder_it_cannot_write_in(tmp_path, capsys):
    # Found in the lifecycle-pass: the backup's temporary copy is named after the backup
    # ('.NAME.xxxxxxxx.partial'), so a name of 250 characters (a good file name: at most
    # 255) was a traceback, 'File name too long'; so was a folder it cannot write in
    # (a read-only mount; /proc here, where no file can be made): 'OSError: [Errno 30]
    # Read-only file system' and the traceback, exit 1
    source = tmp_path / "registry.sqlite"
    with Registry.create(source) as registry:
        registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"),
                       issue_date="2026-11-27", **PEOPLE)
    long = tmp_path / ("b" * 243 + ".sqlite")
    assert main(["registry", "backup", str(long), "--registry", str(source)]) == 0, \
        capsys.readouterr().err
    assert _state(long) == ("ok", [1], 1)
    assert main(["registry", "backup", "/proc/b.sqlite", "--registry", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("medeval: error: backup /proc/b.sqlite: cannot write in its "
                          "folder /proc (") and "nothing was written" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [long.name, "registry.sqlite"]


def test_postgresql_is_backed_up_with_pg_dump(postgres):
    url = postgres.database()
    Registry.create(url).close()
    with Registry.open(url) as registry, pytest.raises(RegistryError, match="pg_dump"):
        registry.backup("/tmp/never-written.sqlite")
    assert not Path("/tmp/never-written.sqlite").exists()


@pytest.mark.parametrize("folder", ["lab#2", "a?b", "50%41", "검증 자료"])
def test_a_folder_named_with_uri_characters_is_read_only_and_backed_up(tmp_path, folder):
    # SQLite's file: URI takes '#' as the fragment, '?' as the query and '%41' as 'A':
    # unquoted, the read-only open of tmp/lab#2/registry.sqlite opened (and created)
    # the empty file tmp/lab, and said 'empty, not a registry'; the backup failed
    (tmp_path / folder).mkdir()
    source = tmp_path / folder / "registry.sqlite"
    with Registry.create(source) as registry:
        issued = registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
    with Registry.open(source, read_only=True) as public:
        assert public.get(issued.number) == issued
        with pytest.raises(RegistryError, match="readonly"):
            public.withdraw(issued.number, "attempt from the public page")
        assert public.backup(tmp_path / folder / "copy.sqlite") == 1
    with sqlite3.connect(tmp_path / folder / "copy.sqlite") as copy:  # a plain path
        assert copy.execute("SELECT number FROM medeval_reports").fetchall() == [
            (issued.number,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    assert sorted(p.name for p in (tmp_path / folder).iterdir()) == [
        "copy.sqlite", "registry.sqlite"]


def test_two_backups_to_one_name_at_once_overwrite_nothing(tmp_path):
    # both pass the check that the name is free, then copy: the first finished took the
    # name, and the second replaced it (os.replace) although a backup 'never overwrites'.
    # The registry is held locked (BEGIN EXCLUSIVE, sqlite3) until both are copying.
    source = tmp_path / "registry.sqlite"
    with Registry.create(source) as registry:
        registry.issue(fingerprint=sha("r1"), pdf_sha256=sha("p1"), **PEOPLE)
    backup = tmp_path / "backup.sqlite"
    outcomes: list[object] = []

    def take(registry: Registry) -> None:
        try:
            outcomes.append(registry.backup(backup))
        except RegistryError as exc:
            outcomes.append(str(exc))

    registries = [Registry.open(source) for _ in range(2)]
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    threads = [threading.Thread(target=take, args=(registry,)) for registry in registries]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 120  # both copying, or one refused at once
        while len(list(tmp_path.glob(".backup.sqlite.*.partial"))) + len(outcomes) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for thread in threads:
        thread.join(timeout=120)
    for registry in registries:
        registry.close()
    assert sorted(map(str, outcomes))[0] == "1", outcomes  # one backup of the 1 report
    assert "exists already" in sorted(map(str, outcomes))[1], outcomes
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT count(*) FROM medeval_reports").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite", "registry.sqlite"]


_BACKUP_WAITING_1_S = """
import sys
from pathlib import Path
from medeval.errors import RegistryError
from medeval.registry.backup import backup_sqlite
try:
    backup_sqlite(Path(sys.argv[1]), Path(sys.argv[2]), timeout_s=1.0)
except RegistryError as exc:
    sys.exit(str(exc))
"""


def test_a_backup_of_a_locked_registry_gives_up_after_its_wait(tmp_path):
    # a writer holding the file locked (BEGIN EXCLUSIVE here, sqlite3; a tester's process
    # stopped while committing): the backup waited as long as the lock was held, its
    # timeout unheeded (sqlite3's backup retries a busy file without end)
    source = tmp_path / "registry.sqlite"
    Registry.create(source).close()
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        child = subprocess.run([sys.executable, "-c", _BACKUP_WAITING_1_S, str(source),
                                str(tmp_path / "copy.sqlite")],
                               capture_output=True, text=True, timeout=120, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert child.returncode == 1 and "database is locked" in child.stderr, child.stderr
    assert "nothing was written" in child.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.sqlite"]


def test_a_backup_under_the_name_of_the_registrys_journal_is_refused(tmp_path, capsys):
    # 'registry backup registry.sqlite-journal' reported "backed up ...: 1 report(s)";
    # on the next opening SQLite took the file for a journal left behind, found it no
    # journal and deleted it: the backup was gone
    source = tmp_path / "registry.sqlite"
    with Registry.create(source) as registry:
        registry.issue(fingerprint=sha("r"), pdf_sha256=sha("p"), **PEOPLE)
    for end in ("-journal", "-wal"):
        journal = tmp_path / f"registry.sqlite{end}"
        assert main(["registry", "backup", str(journal), "--registry", str(source)]) == 2
        assert capsys.readouterr().err == (
            f"medeval: error: backup {journal}: is the registry's own file {journal}, which "
            "it would replace: give the backup a name of its own; nothing was written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.sqlite"]
    with Registry.open(source) as registry:
        assert len(registry.list()) == 1

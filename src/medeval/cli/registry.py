"""``medeval registry init|issue|amend|withdraw|list|show|check|export|backup``: the issued
reports.

Every action takes ``--registry`` (a SQLite file path or a PostgreSQL URL; default the
environment variable ``MEDEVAL_REGISTRY``, else ``medeval-registry.sqlite`` in the
current folder). ``issue`` and ``amend`` either render the certificate themselves with
the number they draw (``--render CERT.pdf``, in the same transaction: if rendering fails
nothing is issued) or register a certificate already rendered with its number
(``CERT.pdf`` and ``--number`` or the report info's ``report_number``; the PDF must print
it). Needs the ``registry`` extra.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import shlex
from collections.abc import Callable
from datetime import date, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .._atomic import hidden_prefix, identity, place
from .._hashing import sha256_bytes
from .._manifest_ids import nfc_id
from .._terminal_text import say
from ..errors import MedevalError, RegistryError
from ._signing import add_signing_options, make_certificate, signer_checked, signing_files
from ._usage import (
    UsageError,
    file_or_stdout_to_write,
    file_to_write,
    refuse_writing_over_inputs,
    result_inputs,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..registry import PendingReport, Registry, ReportEvent, ReportRecord
    from ..report.info import ReportInfo

__all__ = ["DEFAULT_REGISTRY", "add", "issue_report", "registry_files"]

#: The registry used when neither --registry nor MEDEVAL_REGISTRY names one.
DEFAULT_REGISTRY = "medeval-registry.sqlite"
_ENV = "MEDEVAL_REGISTRY"


def add(commands: Any) -> None:
    """The ``registry`` subcommands."""
    registry = commands.add_parser(
        "registry", help="the registry of issued reports: numbers, amendments, withdrawals",
        description="The laboratory's record of every report it issued (SQLite file or "
        "PostgreSQL). See docs/registry.md.")
    actions = registry.add_subparsers(dest="registry_command", metavar="ACTION")
    init = _action(actions, "init", _init, "make a new, empty registry")
    init.add_argument("--pattern", default=None, metavar="PATTERN",
                      help="report numbers, e.g. 'LAB-AI-{year}-{seq:04d}' (the default)")
    issue = _action(actions, "issue", _issue, "issue a report: draw its number and record "
                    "the result's fingerprint and the certificate's SHA-256")
    _certificate_options(issue)
    issue.add_argument("--reason", default=None,
                       help="why the result is issued again, where a report of it was "
                       "withdrawn or replaced by another result's (required then only)")
    amend = _action(actions, "amend", _amend, "issue a new report that replaces NUMBER "
                    "(NUMBER's status becomes amended)")
    amend.add_argument("old", metavar="NUMBER")
    _certificate_options(amend)
    amend.add_argument("--reason", required=True, help="why the report is amended")
    withdraw = _action(actions, "withdraw", _withdraw, "withdraw a report (with a reason)")
    withdraw.add_argument("number", metavar="NUMBER")
    withdraw.add_argument("--reason", required=True, help="why it is withdrawn")
    listing = _action(actions, "list", _list, "list the reports, oldest first")
    _filters(listing)
    listing.add_argument("--limit", type=int, default=None, help="the newest N only")
    show = _action(actions, "show", _show, "everything the registry holds on one report")
    show.add_argument("number", metavar="NUMBER")
    check = _action(actions, "check", _check, "check that the registry's rows agree with "
                    "one another (numbers, counters, amendment chains) and with the hash "
                    "chain that recorded them: exit 1 naming each that does not")
    check.add_argument("--known", action="append", default=[], metavar="SHA256",
                       help="a chain hash written down earlier (the end a check printed, "
                       "a chain_hash of an export): it must still be a link of the chain "
                       "(repeatable)")
    export = _action(actions, "export", _export, "write the reports as CSV (UTF-8 with BOM)")
    export.add_argument("out", type=file_or_stdout_to_write, metavar="OUT.csv",
                        help="a file, or - for standard output")
    _filters(export)
    export.set_defaults(data_output=True)  # the CSV as written, not shown with escapes
    backup = _action(actions, "backup", _backup, "copy a SQLite registry to a new file, "
                     "consistent while testers issue (PostgreSQL: pg_dump)")
    backup.add_argument("out", type=file_to_write, metavar="BACKUP.sqlite", help="a new file")


def _action(actions: Any, name: str, handler: Any, text: str) -> Any:
    action = actions.add_parser(name, help=text, description=text)
    action.add_argument("--registry", default=None, metavar="URL",
                        help=f"a SQLite file or postgresql+psycopg://user@host/db (default: "
                        f"${_ENV}, else {DEFAULT_REGISTRY})")
    action.set_defaults(handler=handler)
    return action


def _certificate_options(action: Any) -> None:
    action.add_argument("result", type=Path, metavar="RESULT.json")
    action.add_argument("pdf", type=Path, nargs="?", metavar="CERT.pdf",
                        help="a certificate already rendered with its number "
                        "(read from it, or --number)")
    action.add_argument("--render", type=file_to_write, metavar="CERT.pdf",
                        help="render the certificate here with the number drawn")
    action.add_argument("--info", type=Path, metavar="INFO.toml",
                        help="report info: signatories, date of issue, number ...")
    action.add_argument("--lang", choices=("ko+en", "ko", "en"), default="ko+en",
                        help="with --render")
    add_signing_options(action)  # with --render
    action.add_argument("--number", default=None,
                        help="the number CERT.pdf prints (default: read from its report info)")
    for option, text in (("--tester", "who tested (default: the info's tested_by; with "
                          "CERT.pdf the one it prints)"),
                         ("--approver", "who approved (default: the info's approved_by; "
                          "with CERT.pdf the one it prints)"),
                         ("--customer", "default: the result's protocol customer"),
                         ("--test-id", "default: the result's protocol id"),
                         ("--issue-date", "YYYY-MM-DD (default: the info's; else with "
                          "--render today, with CERT.pdf the day it prints)")):
        action.add_argument(option, default=None, help=text)


def _filters(action: Any) -> None:
    action.add_argument("--status", choices=("issued", "amended", "withdrawn"))
    action.add_argument("--customer", default=None)
    action.add_argument("--fingerprint", default=None, metavar="SHA256")
    action.add_argument("--year", type=int, default=None, help="year of issue")


def registry_files(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    """The SQLite file of the registry the command opens, and its journal, named (none
    for a database URL): a certificate rendered to the registry's own name was placed
    over it after the commit, or, the file changed by the commit, left under a hidden
    name with "another certificate took the name"."""
    target = args.registry or os.environ.get(_ENV) or DEFAULT_REGISTRY
    if "://" in str(target):
        return []
    own = Path(target)
    return [("the registry", own), ("the registry's journal",
                                    own.with_name(own.name + "-journal"))]


def _open(args: argparse.Namespace, *, create: bool = False) -> Registry:
    try:
        from ..registry import Registry
    except ModuleNotFoundError as exc:
        raise UsageError(f"registry: {exc}") from None
    target = args.registry or os.environ.get(_ENV) or DEFAULT_REGISTRY
    if create:
        from ..registry import DEFAULT_PATTERN

        return Registry.create(target, pattern=args.pattern or DEFAULT_PATTERN)
    return Registry.open(target)


def _init(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args, create=True) as registry:
        out.write(f"registry {registry.location}: created, numbers like "
                  f"{registry.numbering.format(year=date.today().year, seq=1)}\n")
    return 0


def _issue(args: argparse.Namespace, out: TextIO) -> int:
    return _issue_or_amend(args, out, amends=None)


def _amend(args: argparse.Namespace, out: TextIO) -> int:
    return _issue_or_amend(args, out, amends=args.old)


def _issue_or_amend(args: argparse.Namespace, out: TextIO, *, amends: str | None) -> int:
    if (args.pdf is None) == (args.render is None):
        raise UsageError("registry: give CERT.pdf (rendered with its number) or --render "
                         "CERT.pdf (rendered here with the number drawn), one of the two")
    command = f"registry {'amend' if amends else 'issue'}"
    if args.render is None and (args.sign or args.cert or args.chain or args.pdfa):
        raise UsageError(f"{command}: --sign, --cert, --chain and --pdfa make the "
                         "certificate rendered here (--render); a certificate rendered "
                         "beforehand is registered as it is")
    refuse_writing_over_inputs(command, [("--render", args.render)], [
        *result_inputs(Path(args.result)), ("the report info (--info)", args.info),
        *signing_files(args), *registry_files(args)])
    signer_checked(args, command)
    fingerprint, info, fields = _prepare(args, rendering=args.render is not None)
    with _open(args) as registry:
        if amends is not None:  # as the registry writes it: ktl-ai-2026-0001 is KTL-AI-...
            amends = registry.numbering.spelled(amends)
        _refuse_standing(registry, args.result, fingerprint, amends,
                         getattr(args, "reason", None), out_pdf=args.render)
        if args.render is not None:
            def make(path: Path, printed: ReportInfo) -> None:
                make_certificate(args, path, printed)

            # rendered here, the certificate prints the tester and approver recorded;
            # an amendment keeping the old report's would record people it does not print
            _require_people(args, fields, None, rendering_amendment=amends)
            record, _ = _issue_made(registry, args, fingerprint, info, fields, amends,
                                    args.render, make)
        else:
            payload = _certificate_bytes(args.pdf)
            # verified first: what cannot be a certificate (damaged, locked by a password,
            # made to break a parser) is refused as verify words it
            _certifies(args.pdf, args.result)
            shown = _printed_info(args.pdf)
            # the number it prints: given, or read from the report info it carries
            number = args.number or info.report_number or shown["report_number"]
            if number is None:
                raise UsageError(f"registry: {args.pdf} prints no report number; render it "
                                 "with one (report_number in its report info), or let the "
                                 "registry draw one and render: --render CERT.pdf")
            number = registry.numbering.spelled(number)  # ktl-ai-2026-0006: KTL-AI-...
            pdf_sha256 = _printed(payload, args.pdf, number, amends)
            for key in ("tester", "approver"):  # not given: the ones it prints (an
                fields[key] = fields[key] or shown[key]  # amendment kept the old report's)
            _require_people(args, fields, amends)
            if not (getattr(args, "issue_date", None) or info.issue_date) and shown["issue_date"]:
                fields["issue_date"] = shown["issue_date"]  # the day it prints, checked
                _check_issue_date(fields["issue_date"], _finished(args.result),
                                  source=f"certificate {args.pdf} prints ")
            with registry.issuing(fingerprint=fingerprint, number=number, amends=amends,
                                  reason=getattr(args, "reason", None),
                                  **fields) as pending:
                _numbered_alike(info, pending, args)
                _prints_alike(args.pdf, shown, fields, pending, args)
                pending.pdf_sha256 = pdf_sha256
            record = _known(registry, pending.number)
    _say(out, record)
    return 0


def issue_report(args: argparse.Namespace, out: TextIO,
                 make: Callable[[Path, ReportInfo], object]) -> ReportInfo:
    """``medeval report --issue``: draw the next number from the registry, make the
    certificate at ``args.out`` with it (``make(path, report_info)``: render, sign ...) and
    record it, in one transaction; return the report info the certificate prints.

    ``args`` holds ``result``, ``out``, ``info`` and ``registry`` as ``medeval report``
    parses them.
    """
    fingerprint, info, fields = _prepare(args, rendering=True)
    _require_people(args, fields, None)
    with _open(args) as registry:
        _refuse_standing(registry, args.result, fingerprint, None, out_pdf=args.out)
        record, printed = _issue_made(registry, args, fingerprint, info, fields, None,
                                      args.out, make)
    _say(out, record)
    return printed


def _prepare(args: argparse.Namespace, *,
             rendering: bool) -> tuple[str, ReportInfo, dict[str, Any]]:
    """The result's fingerprint (checked), the report info, and the record's fields from
    the options, else the info, else the result."""
    from ..report.cells import date_text
    from ..result import read_result, verify_result

    fingerprint = verify_result(args.result)
    result = read_result(args.result)
    if result.mode != "certificate":
        raise RegistryError(f"result {args.result}: a {result.mode}, not a certified run; "
                            "only a certificate is issued a report number")
    if result.precheck:  # a certificate protocol, the outputs not the laboratory's run
        raise RegistryError(
            f"result {args.result}: a pre-check, not a certified run: its protocol is in "
            f"certificate mode, but its predictions were supplied ("
            f"{result.algorithm.predictions}), "
            "not produced by the laboratory's runner (medeval run), so its document is a "
            "pre-check report; only a certificate is issued a report number")
    info = _info(args.info)
    given = {k: getattr(args, k, None)
             for k in ("tester", "approver", "customer", "test_id", "issue_date")}
    if given["issue_date"]:  # as the registry reads it (' 2026-11-27', 20261127), compared
        from ..registry.checks import check_date  # with what the info and the PDF print

        given["issue_date"] = check_date(given["issue_date"], what="issue date").isoformat()
    if given["issue_date"] and info.issue_date and given["issue_date"] != info.issue_date:
        say(f"medeval: --issue-date {given['issue_date']} overrides the info file's "
            f"issue_date {info.issue_date}")
    fields: dict[str, Any] = {
        "tester": given["tester"] or (info.tested_by.name if info.tested_by else None),
        "approver": given["approver"] or (info.approved_by.name if info.approved_by
                                          else None),
        "customer": given["customer"], "test_id": given["test_id"],
        # a certificate rendered beforehand without one prints the day the run finished
        "issue_date": given["issue_date"] or info.issue_date or (
            None if rendering else date_text(result.context.finished) or None)}
    # an amendment's too: the result's, as the certificate prints them (the replaced
    # report's were kept, so an amendment with a result of protocol KTL-BUS-0004 was
    # recorded as KTL-BUS-0002, its certificate printing 0004: found in the lifecycle-pass)
    _prints_the_results(given, result.protocol.customer.name, result.protocol.id)
    # what it prints (a value given is the same but for spaces or its Unicode form)
    fields["customer"] = result.protocol.customer.name
    fields["test_id"] = result.protocol.id
    _check_issue_date(fields["issue_date"], result.context.finished)
    return fingerprint, info, fields


def _refuse_standing(registry: Registry, result: Path, fingerprint: str,
                     amends: str | None, reason: str | None = None, *,
                     out_pdf: Path | None = None) -> None:
    """Refuse, naming the result file and the command to run, a result whose report
    stands (the registry refuses it again under its lock): the message named the result
    by its fingerprint only ("result sha256:...: already issued as ..."). Where the
    certificate of that report lies at ``out_pdf``, or beside it under the hidden name
    an issue killed after its commit left, it is named."""
    from ..registry import Status

    standing = [r for r in registry.find_by_fingerprint(fingerprint)
                if r.status is Status.ISSUED and r.number != amends]
    if standing:
        found = _issued_certificate(out_pdf, standing[0].pdf_sha256)
        where = ("" if found is None else f"; its certificate is {found}" if found == out_pdf
                 else f"; its certificate is {found}, left under a hidden name by an issue "
                 f"stopped after the report was recorded: rename it (mv "
                 f"{shlex.quote(str(found))} {shlex.quote(str(out_pdf))})")
        how = "amend that report instead" if found is None else "to change it, amend it"
        raise RegistryError(f"result {result} (sha256:{fingerprint}): already issued as "
                            f"{', '.join(r.number for r in standing)}, which stands"
                            f"{where}; {how}: medeval registry amend {standing[0].number} "
                            f"{result} --render CERT.pdf --reason WHY; nothing was issued")
    if amends is None:
        _refuse_ended(registry, result, fingerprint, reason)


def _issued_certificate(out_pdf: Path | None, pdf_sha256: str) -> Path | None:
    """``out_pdf``, or a hidden ``.NAME.<hex>.issuing`` beside it (an issue killed
    between its commit and the move: docs/registry.md), whose SHA-256 is the one the
    registry recorded; None when neither is. A tester issuing again after the kill was
    told to amend the report, whose certificate lay there under the hidden name."""
    if out_pdf is None or not out_pdf.parent.is_dir():
        return None
    candidates = [out_pdf, *sorted(out_pdf.parent.glob(
        f"{glob.escape(hidden_prefix(out_pdf))}*.issuing"))]
    for path in candidates:
        with contextlib.suppress(OSError):
            if path.is_file() and sha256_bytes(path.read_bytes()) == pdf_sha256:
                return path
    return None


def _refuse_ended(registry: Registry, result: Path, fingerprint: str,
                  reason: str | None) -> None:
    """A result whose report was withdrawn, or replaced by another result's, is issued
    again only with the reason it stands now (the registry refuses it again under its
    lock); a reason where there is none to give is refused, not dropped."""
    from ..registry.records import ended_text

    ended = registry.ended(fingerprint)
    if ended and not reason:
        raise RegistryError(f"result {result} (sha256:{fingerprint}): {ended_text(ended)}; "
                            "it is issued again only with the reason it stands now, "
                            f"recorded with the new report: medeval registry issue {result} "
                            "--render CERT.pdf --reason WHY; nothing was issued")
    if reason and not ended:
        raise UsageError(f"registry issue --reason: no report of result {result} was "
                         "withdrawn or replaced, so a new report has no reason to give "
                         "(an amendment's is given to registry amend); nothing was issued")


def _prints_the_results(given: dict[str, Any], customer: str, test_id: str) -> None:
    """Refuse a --customer or --test-id other than the result's: the certificate prints
    the result's protocol customer and id, and the registry recorded the one given (the
    page and the export then named another customer or test than the PDF issued). The
    two are compared without surrounding spaces and in NFC: a Korean name pasted from a
    macOS file name (NFD) is the name printed."""
    for flag, key, printed, where in (
            ("--customer", "customer", customer, "its protocol's [customer] name"),
            ("--test-id", "test_id", test_id, "its protocol's id")):
        value = given.get(key)
        if value is not None and nfc_id(value.strip()) != nfc_id(printed.strip()):
            raise RegistryError(f"{flag} {value!r}: the certificate prints the result's "
                                f"{printed!r} ({where}), and the registry records what it "
                                f"prints; leave {flag} out; nothing was issued")


def _finished(path: Path) -> str | None:
    from ..result import read_result

    return read_result(path).context.finished


def _check_issue_date(value: object, finished: str | None, *, source: str = "") -> None:
    """Refuse a date of issue after tomorrow (a future year would draw that year's
    numbers) or before the testing ended (``finished``, UTC; a day's grace either way
    for the laboratory's time zone)."""
    from datetime import date

    from .._issue_dates import issue_date_problem
    from ..registry.checks import check_date
    from ..report.cells import date_text

    if not value:
        return
    day = check_date(value, what="issue date")
    ended = date_text(finished)  # the UTC day, as the certificate prints the testing
    problem = issue_date_problem(day, date.fromisoformat(ended) if ended else None)
    if problem is not None:
        raise RegistryError(f"{source}issue date {day}: {problem}")


def _require_people(args: argparse.Namespace, fields: dict[str, Any],
                    amends: str | None, *, rendering_amendment: str | None = None) -> None:
    """A new report names its tester and approver (an amendment registered from a PDF
    may keep the old ones, which it prints): refused before a number is drawn, saying
    how to give them. An amendment rendered here (``rendering_amendment``) names them
    too: the certificate prints only the people given, so keeping the old report's
    would record people it does not print."""
    for name, source in (("tester", "tested_by"), ("approver", "approved_by")):
        if amends is None and not fields[name]:
            flag = f"pass --{name} NAME, or " if hasattr(args, name) else ""
            why = (f" (the amendment of {rendering_amendment} rendered here prints the "
                   f"{name} the registry records; it does not carry the old report's over)"
                   if rendering_amendment else "")
            raise RegistryError(f"the {name} of the report is not given{why}: {flag}give "
                                f"[{source}] name = ... in --info INFO.toml; nothing was "
                                "issued")


def _signatories(info: ReportInfo, fields: dict[str, Any]) -> dict[str, Any]:
    """The tested_by and approved_by a certificate rendered here prints: the people the
    registry records (``--tester``/``--approver``, else the info's), with the info's
    title when it names the same person."""
    out: dict[str, Any] = {}
    for key, source in (("tester", "tested_by"), ("approver", "approved_by")):
        person, name = getattr(info, source), fields.get(key)
        if not name:
            out[source] = person.model_dump() if person is not None else None
        elif person is not None and person.name == name:
            out[source] = person.model_dump()
        else:
            out[source] = {"name": name}
    return out


def _say(out: TextIO, record: ReportRecord) -> None:
    verb = f"amended  {record.replaces} ->" if record.replaces else "issued"
    out.write(f"{verb} {record.number}  sha256:{record.fingerprint}  "
              f"pdf sha256:{record.pdf_sha256}\n")


def _issue_made(registry: Registry, args: argparse.Namespace, fingerprint: str,
                info: ReportInfo, fields: dict[str, Any], amends: str | None, out_pdf: Path,
                make: Callable[[Path, ReportInfo], object]) -> tuple[ReportRecord, ReportInfo]:
    """Draw the number, make the certificate with it, record it: one transaction. The
    PDF is made beside its place and moved there once the record is committed. ``kill``
    (SIGTERM) or a closed terminal (SIGHUP) stops it as Ctrl-C does, before the commit:
    nothing issued, the half-made PDF removed (they ended Python on the spot, leaving
    it); from the commit on, they wait until the certificate is in its place."""
    from ..runner.stop_signals import StopSignals

    with StopSignals() as stop:
        return _made_and_issued(registry, args, fingerprint, info, fields, amends, out_pdf,
                                make, hold=stop.hold)


def _made_and_issued(registry: Registry, args: argparse.Namespace, fingerprint: str,
                     info: ReportInfo, fields: dict[str, Any], amends: str | None,
                     out_pdf: Path, make: Callable[[Path, ReportInfo], object], *,
                     hold: Callable[[], None]) -> tuple[ReportRecord, ReportInfo]:
    if out_pdf.is_dir():  # the move after the commit would fail: an issued report, no PDF
        raise RegistryError(f"certificate {out_pdf}: is a folder; give the certificate's "
                            f"file name (e.g. {out_pdf / 'certificate.pdf'}); nothing was "
                            "issued")
    # two testers issuing to one file at once: the second placed its certificate over
    # the first's, both told theirs was there (found in the lifecycle-pass); the file
    # under that name now, if any, is the only one the certificate may replace (found in
    # the review of the lifecycle-pass: an existing name was replaced by both)
    was = identity(out_pdf)
    partial: Path | None = None
    try:  # a name of its own: two issues writing one --out at once must not share a file
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        while partial is None:  # named before it is made: a stop signal landing as it is
            # made leaves a name to remove (tempfile.mkstemp gives the name only once the
            # file exists: a SIGTERM in between left the hidden file behind)
            partial = out_pdf.with_name(
                f"{hidden_prefix(out_pdf)}{os.urandom(6).hex()}.issuing")
            try:
                os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:  # pragma: no cover - 48 random bits taken already
                partial = None
        with registry.issuing(fingerprint=fingerprint, number=getattr(args, "number", None),
                              amends=amends, reason=getattr(args, "reason", None),
                              **fields) as pending:
            _numbered_alike(info, pending, args)
            # validated again: what the certificate carries must read back (model_copy
            # alone checks nothing, and verify reads the attached info with the checks)
            printed = type(info).model_validate({**info.model_dump(), **_signatories(
                info, fields), **{
                "report_number": pending.number, "replaces": pending.replaces,
                "amendment": pending.amendment or None,
                "amendment_reason": _amendment_reason(pending, args),
                "issue_date": pending.issue_date.isoformat()}})
            make(partial, printed)
            pending.pdf_sha256 = sha256_bytes(partial.read_bytes())
            hold()  # the commit and the move: a kill now waits until both are done
    except BaseException as exc:
        with contextlib.suppress(OSError):
            if partial is not None:
                partial.unlink(missing_ok=True)
        if isinstance(exc, KeyboardInterrupt):  # before the commit (held from it on):
            # said, as an interrupted run says what it kept; it was silent, and the
            # tester could not tell whether the report was issued. Ctrl-C by name: its
            # KeyboardInterrupt may carry reportlab's words ('stopped (\nparagraph text
            # ... caused exception)', found in the review of the lifecycle-pass)
            from ..runner.stop_signals import Stopped

            how = exc.args[0] if isinstance(exc, Stopped) else "Ctrl-C"
            say(f"medeval: stopped ({how}) before the report was recorded: no report "
                f"was issued, no certificate written to {out_pdf}")
        # a write that failed, here or in make (medeval's error, the OSError its cause):
        # named by the certificate's place, not the temporary name
        cause = exc if isinstance(exc, OSError) else exc.__cause__
        if isinstance(cause, OSError) and isinstance(exc, (OSError, MedevalError)):
            raise RegistryError(f"certificate {out_pdf}: cannot be written "
                                f"({cause.strerror or cause}); no report was issued") from None
        raise
    try:
        # a file there before this issue began is replaced, as before; never a
        # certificate another issue to that name placed meanwhile
        place(partial, out_pdf, over=was)
    except FileExistsError:
        raise RegistryError(
            f"report {pending.number} is issued, but another certificate took the name "
            f"{out_pdf} while it was made (another issue to the same file?), and is kept: "
            f"this report's certificate is {partial}; give it a name of its own") from None
    except OSError as exc:
        raise RegistryError(f"report {pending.number} is issued, but its certificate could "
                            f"not be moved to {out_pdf} ({exc.strerror}): it is {partial}"
                            ) from None
    say(f"medeval: certificate {out_pdf} printed with report number {pending.number}")
    return _known(registry, pending.number), printed


def _numbered_alike(info: ReportInfo, pending: PendingReport,
                    args: argparse.Namespace) -> None:
    """Refuse (inside the issuing transaction, so that nothing is stored) report info
    whose ``report_number``, ``replaces`` or ``amendment`` differs from what the
    registry assigns: the registry numbers the report, and an info file saying otherwise
    is a mistake, not something to override silently."""
    assigned: dict[str, object] = {"report_number": pending.number,
                                   "replaces": pending.replaces,
                                   "amendment": pending.amendment or None,
                                   "amendment_reason": _amendment_reason(pending, args)}
    for name, value in assigned.items():
        given = getattr(info, name)
        if given is not None and given != value:
            source = f"--info {args.info}" if getattr(args, "info", None) else "the info"
            raise RegistryError(
                f"{source} sets {name} {given}, but the registry assigns "
                f"{'none' if value is None else value} (report {pending.number}"
                f"{f', replacing {pending.replaces}' if pending.replaces else ''}): "
                f"remove {name} from the info file (the registry numbers the report); "
                "nothing was issued")


def _amendment_reason(pending: PendingReport, args: argparse.Namespace) -> str | None:
    """The reason an amendment prints (ISO/IEC 17025 7.8.8.1): the ``--reason`` the
    registry records; none on an original report."""
    reason = getattr(args, "reason", None)
    # as the registry stores it (stripped: registry.checks.check_text)
    return str(reason).strip() if pending.replaces and reason else None


def _info(path: Path | None) -> ReportInfo:
    from ..report.info import load_report_info

    return load_report_info(path)


def _certificate_bytes(pdf: Path) -> bytes:
    """The bytes of a certificate given to register, refused before anything else when
    they cannot be one (no such file, a folder, not a PDF): a missing file was asked
    "which number does it print?"."""
    from ..report import ReportError
    from ..report.pdfread import sniff_pdf

    try:
        payload = pdf.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"certificate {pdf}: no such file; nothing was issued") from None
    except OSError as exc:
        raise RegistryError(f"certificate {pdf}: cannot be read ({exc.strerror or exc}); "
                            "nothing was issued") from None
    try:
        sniff_pdf(payload, f"certificate {pdf}")
    except ReportError as exc:
        raise RegistryError(f"{exc}; nothing was issued") from None
    return payload


def _printed(payload: bytes, pdf: Path, number: str, amends: str | None) -> str:
    """The PDF's SHA-256, once it is seen to print ``number`` (and the report it amends)."""
    import io

    from pypdf import PdfReader

    from ..report.pdfread import quiet_pypdf, short_error

    try:
        with quiet_pypdf():  # its repair log is no message of ours
            text = PdfReader(io.BytesIO(payload)).pages[0].extract_text()
    except Exception as exc:  # hostile bytes: pypdf raises more than PdfReadError (an
        # unknown stream filter: NotImplementedError, which escaped as a traceback)
        raise RegistryError(f"certificate {pdf}: cannot be read as a PDF "
                            f"({short_error(exc)}); nothing was issued") from None
    for needed, what in ((number, "its report number"), (amends, "the report it amends")):
        if needed is not None and needed not in text:
            raise RegistryError(f"certificate {pdf}: its first page does not print {what} "
                                f"{needed}; render it with that number (or use --render)")
    return sha256_bytes(payload)


def _certifies(pdf: Path, result: Path) -> None:
    """Refuse a certificate rendered beforehand unless it verifies against the result it
    is registered for (with the report info it carries): the registry would otherwise
    vouch, byte for byte, for a PDF that prints another result (a certificate of one
    run registered with another run's result read *genuine* on the verification page)."""
    from ..report import ReportError, verify_certificate

    try:
        verdict = verify_certificate(result, pdf)
    except ReportError as exc:
        raise RegistryError(f"{exc}; nothing was issued") from None
    if not verdict.ok:
        shown = "\n  ".join(verdict.differences[:5])
        raise RegistryError(f"certificate {pdf} does not verify against result {result}, "
                            f"so it is not registered (nothing was issued):\n  {shown}")


def _printed_info(pdf: Path) -> dict[str, Any]:
    """The tester, approver and date of issue a certificate rendered beforehand prints
    (its attached report info; None for what it does not state)."""
    import json

    from ..report.attachments import INFO_NAME, read_attachments

    attached = {a.name: a for a in read_attachments(pdf.read_bytes())[0]}
    info = attached.get(INFO_NAME)
    printed = json.loads(info.data) if info is not None and info.data is not None else {}
    return {"tester": (printed.get("tested_by") or {}).get("name"),
            "approver": (printed.get("approved_by") or {}).get("name"),
            "issue_date": printed.get("issue_date"),
            **{key: printed.get(key) for key in ("report_number", "replaces", "amendment",
                                                 "amendment_reason")}}


def _prints_alike(pdf: Path, shown: dict[str, Any], fields: dict[str, Any],
                  pending: PendingReport, args: argparse.Namespace) -> None:
    """Refuse (inside the issuing transaction: nothing is stored) to record a report
    number, replaced report, tester, approver or date of issue other than the ones a
    certificate rendered beforehand prints: the registry and the verification page would
    name another report, other people, or another day, than the PDF."""
    recorded = {"report_number": pending.number, "replaces": pending.replaces,
                "amendment": pending.amendment or None,
                "amendment_reason": _amendment_reason(pending, args)}
    for key, printed in recorded.items():
        if shown[key] != printed:  # exactly: the page's text holds KTL-2026-1 in KTL-2026-10
            raise RegistryError(
                f"certificate {pdf} prints {key} {shown[key]!r} (its report info), but the "
                f"registry records {printed!r}; give what it prints, or render it again "
                "(--render); nothing was issued")
    for key in ("tester", "approver"):
        if shown[key] is None:
            # it prints none; the registry would record the one given, or for an
            # amendment the replaced report's: people the certificate does not name
            given = fields.get(key)
            would = (repr(given) if given else
                     f"the {key} of {pending.replaces}, which it replaces")
            source = "tested_by" if key == "tester" else "approved_by"
            raise RegistryError(
                f"certificate {pdf} prints no {key} (its report info names none), but the "
                f"registry would record {would}: render it with [{source}] name = ... "
                "in its report info, or let the registry render it (--render); nothing "
                "was issued")
    for key in ("tester", "approver", "issue_date"):
        value, given = shown[key], fields.get(key)
        if value is not None and given is not None and str(given) != str(value):
            option = key.replace("_", "-")
            raise RegistryError(
                f"certificate {pdf} prints {key} {value!r}, but --{option} (or --info) "
                f"gives {given!r}: the registry would name another than the certificate; "
                "give what it prints, or render it again (--render); nothing was issued")


def _known(registry: Registry, number: str) -> ReportRecord:
    record = registry.get(number)
    if record is None:
        raise RegistryError(f"report {number}: not in the registry {registry.location}")
    return record


def _withdraw(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as registry:
        record = registry.withdraw(args.number, args.reason)
    out.write(f"withdrawn {record.number}: {record.reason}\n")
    return 0


def _list(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as registry:
        records = registry.list(status=args.status, customer=args.customer,
                                fingerprint=args.fingerprint, year=args.year,
                                limit=args.limit)
    width = max((len(r.number) for r in records), default=6)
    for r in records:
        note = (f"  -> {r.replaced_by}" if r.replaced_by else "") + (
            f"  (replaces {r.replaces})" if r.replaces else "")
        out.write(f"{r.number:<{width}}  {r.status.value:<9}  {r.issue_date.isoformat()}  "
                  f"{r.test_id}  {r.customer}{note}\n")
    say(f"medeval: {len(records)} report(s) in {registry.location}")
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as registry:
        record = _known(registry, args.number)
        events = registry.history(record.number)
    for key, value in record.to_dict().items():
        out.write(f"{key:<18} {'' if value is None else value}\n")
    for event in events:  # the reasons the row no longer holds stay in their events
        out.write(f"{'history':<18} {_event_line(event)}\n")
    return 0


def _event_line(event: ReportEvent) -> str:
    """One event of a report's history: "link 3  2026-12-06 16:00:00 UTC  amended:
    replaced by LAB-AI-2026-0002 (customer's address corrected)"."""
    at = event.at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") \
        if event.at else "(no time recorded)"
    why = f" ({event.reason})" if event.reason else ""
    if event.event == "amended":
        what = f"amended: replaced by {event.replaced_by}{why}"
    elif event.event == "issued" and event.replaces:
        what = f"issued, replacing {event.replaces}{why}"
    elif event.event == "chained":
        what = f"chained when the registry was upgraded, standing {event.status.value}{why}"
    else:  # issued (again, with its reason), withdrawn
        what = f"{event.event}{why}"
    return f"link {event.position}  {at}  {what}"


def _check(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as registry:
        problems = registry.check(known=args.known)
        count = 0 if problems else len(registry.list())
        length, head = registry.chain_head()
    for problem in problems:
        out.write(f"{problem}\n")
    if problems:
        say(f"medeval: registry {registry.location}: {len(problems)} problem(s); the rows "
            "were changed outside medeval (compare with a backup)")
        return 1
    # the chain's end, to write down: a registry rewritten whole (every hash computed
    # again) checks clean, but no longer ends in this hash
    out.write(f"consistent: {count} report(s) in {registry.location}; hash chain of "
              f"{length} link(s) ending sha256:{head}\n")
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    filters = {"status": args.status, "customer": args.customer,
               "fingerprint": args.fingerprint, "year": args.year}
    with _open(args) as registry:
        count = registry.export_csv(out if args.out == "-" else Path(args.out), **filters)
    say(f"medeval: {count} report(s) written to {args.out}")
    return 0


def _backup(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args) as registry:
        count = registry.backup(args.out)
    out.write(f"backed up {registry.location} to {args.out.resolve()}: {count} report(s)\n")
    return 0

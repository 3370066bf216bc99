"""A certificate verified alone, from the files it carries: genuine as rendered (from the
test runs and from the examples' results); altered, and the difference named, after one
changed byte, a removed or a swapped attachment, a truncation; a clear ReportError for
what is not a medeval certificate at all. The alterations are made with pikepdf (qpdf),
a writer independent of the pypdf that medeval attaches and reads with."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import random
import re
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.cli import main
from medeval.report import ReportError, Verification, render_certificate, verify_certificate
from medeval.result import write_result

pikepdf = pytest.importorskip("pikepdf")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: The examples whose held-out outputs ship (evaluated directly, as their READMEs do).
WITH_PREDICTIONS = ("binary-classification", "multiclass-classification", "measurement",
                    "segmentation", "detection", "polyp-detection", "polyp-segmentation",
                    "ecg-beats", "eeg-events")


def _stream_span(payload: bytes, name: str) -> tuple[int, int]:
    """Where the compressed bytes of attachment ``name`` lie in the file, found with
    pikepdf (object number) and the PDF syntax (``N 0 obj ... stream\\n ... endstream``)."""
    with pikepdf.open(io.BytesIO(payload)) as pdf:
        number = pdf.attachments[name].obj.EF.F.objgen[0]
    start = re.search(rb"\n%d 0 obj" % number, payload)
    assert start is not None
    data = payload.index(b"stream\n", start.end()) + len(b"stream\n")
    return data, payload.index(b"endstream", data)


def _edited(certificate: Path, edit) -> bytes:  # type: ignore[no-untyped-def]
    with pikepdf.open(certificate) as pdf:
        edit(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_genuine_alone(certified: Path, certificate: Path, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing may be written where the caller stands
    for source in (certificate, str(certificate), certificate.read_bytes()):
        verdict = verify_certificate(source)
        assert verdict.status == "genuine" and verdict.ok, verdict.differences
        assert verdict.report_number == "KTL-2026-0001"
        assert verdict.fingerprint == verdict.printed == medeval.read_result(certified).fingerprint
        assert verdict.differences == () and not verdict.signed
        assert verdict.attachments == ("report-info.json", "result.cases.csv", "result.json")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.status = "altered"  # type: ignore[misc]
    assert isinstance(verdict, Verification)


def test_the_command_line_alone_and_without_info(certified: Path, certificate: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(certificate)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK  {certificate}  report KTL-2026-0001  sha256:")
    # Found in the trust-pass: a buyer read "OK ... genuine" as "the laboratory issued it",
    # which a certificate anyone renders from a made-up result also verifies as
    # (docs/certificate.md, "What verify reports"); the answer now says what it did not check
    issuer = ("    not checked: that the laboratory named issued it (anyone can render a "
              "certificate that verifies so): look its number up with --registry URL or on "
              "the laboratory's verification page, or check its signature with --trust "
              "CA.pem\n")
    assert out.endswith(issuer), out
    # the README's command: the report info comes from the certificate
    assert main(["verify", str(certified), str(certificate)]) == 0
    assert capsys.readouterr().out.endswith(issuer)


@pytest.fixture(scope="module")
def examples_certificates(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Certificates of the examples' results, evaluated as each README says."""
    folder = tmp_path_factory.mktemp("examples")
    saved = os.environ.get("MEDEVAL_CACHE_DIR")
    os.environ["MEDEVAL_CACHE_DIR"] = str(folder / "cache")
    try:
        out = []
        for name in WITH_PREDICTIONS:
            copy = shutil.copytree(EXAMPLES / name, folder / name,
                                   ignore=shutil.ignore_patterns("result", "__pycache__"))
            result = medeval.evaluate(copy / "protocol.toml", copy / "predictions")
            path = write_result(result, copy / "result" / "result.json")
            out.append(render_certificate(path, copy / "result" / "certificate.pdf",
                                          lang="en" if name == "measurement" else "ko+en"))
        return out
    finally:
        if saved is None:
            os.environ.pop("MEDEVAL_CACHE_DIR", None)
        else:
            os.environ["MEDEVAL_CACHE_DIR"] = saved


def test_the_examples_certificates_verify_alone(examples_certificates: list[Path]) -> None:
    for pdf in examples_certificates:
        verdict = verify_certificate(pdf)
        assert verdict.ok, (pdf, verdict.differences)
        assert verdict.fingerprint == medeval.read_result(
            pdf.with_name("result.json")).fingerprint
        assert verify_certificate(pdf.with_name("result.json"), pdf).ok


def test_segmentation_and_precheck_verify_alone(segmentation: Path, precheck: Path,
                                                tmp_path: Path) -> None:
    for result in (segmentation, precheck):
        pdf = render_certificate(result, tmp_path / f"{result.parent.parent.name}.pdf",
                                 lang="ko")
        assert verify_certificate(pdf).ok


def test_one_byte_anywhere(certificate: Path) -> None:
    payload = certificate.read_bytes()
    csv_start, csv_end = _stream_span(payload, "result.cases.csv")
    json_start, json_end = _stream_span(payload, "result.json")
    where = {"header": 10, "first page": 600, "middle": len(payload) // 2,
             "result.cases.csv": (csv_start + csv_end) // 2,
             "result.json": (json_start + json_end) // 2,
             "trailer": len(payload) - 40}
    for label, offset in where.items():
        altered = bytearray(payload)
        altered[offset] ^= 0x01
        verdict = verify_certificate(bytes(altered))
        assert verdict.status == "altered", label
        report = "\n".join(verdict.differences)
        if label.startswith("result."):
            assert f"attached file {label}" in report or f"attached {label}" in report, report
        else:
            assert f"at byte {offset}" in report, (label, report)


def test_a_removed_attachment_is_named(certificate: Path) -> None:
    for name in ("result.cases.csv", "report-info.json", "result.json"):
        def remove(pdf, name=name):  # type: ignore[no-untyped-def]
            del pdf.attachments[name]
        verdict = verify_certificate(_edited(certificate, remove))
        assert verdict.status == "altered"
        assert any(d.endswith(f"the attached file {name} is missing (removed)")
                   for d in verdict.differences), verdict.differences
        assert name not in verdict.attachments
        assert verdict.report_number == "KTL-2026-0001"


def test_a_swapped_result_is_named(certificate: Path, segmentation: Path) -> None:
    """Another certificate's result put in, by a careful forger who also mends the
    recorded size and checksum."""
    other = segmentation.read_bytes()
    other_fingerprint = medeval.read_result(segmentation).fingerprint

    def swap(pdf):  # type: ignore[no-untyped-def]
        stream = pdf.attachments["result.json"].obj.EF.F
        stream.write(other)
        stream.Params.Size = len(other)
        stream.Params.CheckSum = pikepdf.String(hashlib.md5(other).digest())

    verdict = verify_certificate(_edited(certificate, swap))
    assert verdict.status == "altered"
    report = "\n".join(verdict.differences)
    assert f"attached result.json has fingerprint sha256:{other_fingerprint}" in report
    assert f"prints sha256:{verdict.printed}" in report and "replaced" in report
    assert verdict.fingerprint == other_fingerprint != verdict.printed


def test_a_swapped_report_info_is_named(certificate: Path) -> None:
    forged = b'{"report_number": "KTL-2026-0999"}'

    def swap(pdf):  # type: ignore[no-untyped-def]
        pdf.attachments["report-info.json"].obj.EF.F.write(forged)

    verdict = verify_certificate(_edited(certificate, swap))
    assert verdict.status == "altered"
    assert any("attached report-info.json" in d and "replaced" in d
               for d in verdict.differences), verdict.differences


def test_a_truncated_file(certificate: Path) -> None:
    payload = certificate.read_bytes()
    # the end cut off: still readable, and the truncation named
    verdict = verify_certificate(payload[:-5])
    assert verdict.status == "altered"
    assert any("truncated" in d for d in verdict.differences), verdict.differences
    # cut in half or to its first line: not readable as a PDF, said so
    for cut in (len(payload) // 2, 100):
        with pytest.raises(ReportError, match="truncated"):
            verify_certificate(payload[:cut])


def test_what_is_not_a_certificate(certified: Path, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    for payload, message in ((certified.read_bytes(), "not a PDF"), (b"", "empty"),
                             (b"\x89PNG\r\n\x1a\n" + bytes(100), "not a PDF")):
        with pytest.raises(ReportError, match=message):
            verify_certificate(payload)
    other = tmp_path / "other.pdf"
    canvas = Canvas(str(other), invariant=1)
    canvas.drawString(100, 100, "hello")
    canvas.save()
    with pytest.raises(ReportError, match="not a medeval certificate"):
        verify_certificate(other)
    with pytest.raises(ReportError, match="no such file"):
        verify_certificate(tmp_path / "missing.pdf")


def test_damaged_files_give_a_verdict_or_a_report_error(certificate: Path) -> None:
    """Random damage (seeded): never an exception outside the MedevalError family."""
    payload = certificate.read_bytes()
    rng = random.Random(15)
    for _ in range(10):
        damaged = bytearray(payload)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        damaged = damaged[:rng.randrange(len(damaged) // 2, len(damaged) + 1)]
        try:
            verdict = verify_certificate(bytes(damaged))
        except ReportError as exc:
            assert str(exc).startswith("the uploaded file:"), exc
        else:
            assert verdict.status == "altered" and verdict.differences


def test_a_name_tree_that_loops_is_refused_not_followed(certificate: Path) -> None:
    def loop(pdf):  # type: ignore[no-untyped-def]
        tree = pdf.Root.Names.EmbeddedFiles
        tree.Kids = pikepdf.Array([tree])  # the tree is its own child

    verdict = verify_certificate(_edited(certificate, loop))
    assert verdict.status == "altered"
    assert any("embedded files cannot be read" in d and "too deep or too large" in d
               for d in verdict.differences), verdict.differences


def test_a_file_not_there_is_bad_input(certificate: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Found in the trust-pass: 'medeval verify nothere.json' (or a folder) said
    # "verification failed" with exit 1, the status of a certificate found altered, where
    # a missing certificate PDF was exit 2; a file not there is bad input (README: 2)
    missing = tmp_path / "nothere.json"
    assert main(["verify", str(missing)]) == 2
    assert f"verify: {missing}: no such file" in capsys.readouterr().err
    assert main(["verify", str(missing), str(certificate)]) == 2
    assert main(["verify", str(tmp_path)]) == 2
    assert f"verify: {tmp_path} is a folder" in capsys.readouterr().err


def test_a_certificate_of_a_result_with_edited_verdicts_is_not_genuine(
        certified: Path, info_file: Path, tmp_path: Path) -> None:
    # A certificate rendered (through the Python API, which takes a Result) from a
    # result whose verdicts were edited to PASS carried that result, and verified alone
    # as genuine: rendered again from what it carries, it gave its own bytes. The
    # verdicts are now judged again from the figures the result holds: each verdict
    # turned to its opposite, the first is named with the outcome its figure gives.
    result = medeval.read_result(certified)
    assert verify_certificate(render_certificate(
        result, tmp_path / "genuine.pdf", report_info=info_file)).ok
    changed = [dataclasses.replace(v, outcome="FAIL") for v in result.verdicts]
    forged = dataclasses.replace(result, verdicts=tuple(changed), overall="FAIL")
    first = result.verdicts[0]
    if first.outcome == "FAIL":  # the other way round where the run failed
        changed = [dataclasses.replace(v, outcome="PASS") for v in result.verdicts]
        forged = dataclasses.replace(result, verdicts=tuple(changed), overall="PASS")
    verdict = verify_certificate(render_certificate(forged, tmp_path / "forged.pdf",
                                                    report_info=info_file))
    assert not verdict.ok
    assert any(f"the verdict on {first.metric} is " in d and "judged again by the rule "
               f"gives {first.outcome}" in d for d in verdict.differences), verdict.differences

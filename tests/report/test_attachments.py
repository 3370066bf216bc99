"""The certificate carries its sources as PDF/A-3 associated files, read back here by two
independent readers (pypdf and pikepdf/qpdf) against the files medeval wrote."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from medeval.report import load_report_info, render_certificate
from medeval.result import read_result

pikepdf = pytest.importorskip("pikepdf")

NAMES = ["report-info.json", "result.cases.csv", "result.json"]
#: What each file is, as ISO 19005-3 asks it be said: MIME type and relationship.
EXPECTED = {"result.json": ("application/json", "Source"),
            "result.cases.csv": ("text/csv", "Data"),
            "report-info.json": ("application/json", "Source")}


def _sources(certified: Path) -> dict[str, bytes]:
    """The result and per-case CSV as medeval wrote them beside each other."""
    return {"result.json": certified.read_bytes(),
            "result.cases.csv": certified.with_name("result.cases.csv").read_bytes()}


def test_pypdf_reads_the_three_sources(certified: Path, info_file: Path,
                                       certificate: Path) -> None:
    reader = PdfReader(certificate)
    sources = _sources(certified)
    assert sorted(reader.attachments) == NAMES
    assert reader.attachments["result.json"] == [sources["result.json"]]
    assert reader.attachments["result.cases.csv"] == [sources["result.cases.csv"]]
    attached_info = json.loads(reader.attachments["report-info.json"][0])
    assert attached_info["tested_by"] == {"name": "홍길동 (Hong Gildong)", "title": "Tester"}
    assert attached_info["issue_date"] == "2026-11-27"
    assert load_report_info(attached_info) == load_report_info(info_file)


def test_pikepdf_reads_them_with_their_relationships(certified: Path, info_file: Path,
                                                     certificate: Path) -> None:
    sources = _sources(certified)
    with pikepdf.open(certificate) as pdf:
        assert sorted(pdf.attachments) == NAMES
        af = [spec.objgen for spec in pdf.Root.AF]  # the catalog's associated files
        assert len(af) == 3
        for name, spec in pdf.attachments.items():
            mime, relationship = EXPECTED[name]
            assert spec.obj.objgen in af, name
            assert spec.obj.AFRelationship == pikepdf.Name("/" + relationship)
            assert str(spec.obj.F) == str(spec.obj.UF) == name
            assert str(spec.obj.Desc)
            stream = spec.obj.EF.F
            assert stream.Type == pikepdf.Name.EmbeddedFile
            assert stream.Subtype == pikepdf.Name("/" + mime)
            data = spec.get_file().read_bytes()
            # /Params: the size and the MD5 checksum of PDF 32000-1 7.11.4, and the date
            assert int(stream.Params.Size) == len(data)
            assert bytes(stream.Params.CheckSum) == hashlib.md5(data).digest()
            assert str(stream.Params.ModDate) == "D:20261127000000Z"  # info issue_date
            if name != "report-info.json":
                assert data == sources[name]


def test_the_pdf_records_the_attached_info_digest(info_file: Path,
                                                  certificate: Path) -> None:
    reader = PdfReader(certificate)
    keywords = str(reader.metadata["/Keywords"])
    digest = hashlib.sha256(reader.attachments["report-info.json"][0]).hexdigest()
    assert f"report-info=sha256:{digest}" in keywords
    assert "attachments=report-info.json,result.cases.csv,result.json" in keywords


def test_same_inputs_same_bytes_with_attachments(certified: Path, info_file: Path,
                                                 tmp_path: Path) -> None:
    one = render_certificate(certified, tmp_path / "a.pdf", report_info=info_file)
    two = render_certificate(read_result(certified), tmp_path / "b.pdf",
                             report_info=load_report_info(info_file))
    assert one.read_bytes() == two.read_bytes()  # from the file or the typed result


def test_attachment_reader_on_the_rendering(certificate: Path) -> None:
    from medeval.report import read_attachments

    found, problems = read_attachments(certificate.read_bytes())
    assert not problems
    assert [a.name for a in found] == NAMES
    for attachment in found:
        assert attachment.associated and not attachment.mismatches()
        assert (attachment.mime, attachment.relationship) == EXPECTED[attachment.name]
    # the same bytes pikepdf reads
    with pikepdf.open(io.BytesIO(certificate.read_bytes())) as pdf:
        for attachment in found:
            assert pdf.attachments[attachment.name].get_file().read_bytes() == attachment.data

"""``medeval report --html`` where the HTML cannot go: refused before anything is made.

The HTML was written after the certificate (and, with ``--issue``, after its report was
issued): ``--html`` naming an existing folder ended in an error with the report issued
and its PDF written (a second try issued another number), and ``--html`` naming the
certificate's own file replaced the PDF with the HTML, the registry recording the PDF's
SHA-256. Found in the review of the reproducibility-pass.
"""

from __future__ import annotations

from importlib import resources

from medeval.cli import main

DEMO = resources.files("medeval") / "demo"

# a report info without a date of issue: the registry issues it today, after the testing
INFO = '[tested_by]\nname = "Kim Tester"\n[approved_by]\nname = "Lee Approver"\n'


def test_html_into_an_existing_folder_issues_no_report(certified, tmp_path, capsys):
    registry = tmp_path / "lab.sqlite"
    assert main(["registry", "init", "--registry", str(registry)]) == 0
    info = tmp_path / "info.toml"
    info.write_text(INFO, encoding="utf-8")
    (tmp_path / "html").mkdir()
    before = sorted(tmp_path.iterdir())
    status = main(["report", str(certified), "--out", str(tmp_path / "c.pdf"), "--info",
                   str(info), "--issue", "--registry", str(registry),
                   "--html", str(tmp_path / "html")])
    assert status == 2
    captured = capsys.readouterr()
    assert (f"HTML report {tmp_path / 'html'}: cannot be written: it is a folder; give a "
            "file's name" in captured.err)
    assert "nothing was written" in captured.err  # said before the certificate was made
    assert sorted(tmp_path.iterdir()) == before  # no certificate
    capsys.readouterr()
    assert main(["registry", "list", "--registry", str(registry)]) == 0
    assert "0 report(s)" in capsys.readouterr().err  # nothing issued


def test_html_over_the_certificate_itself_is_refused(tmp_path, capsys):
    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        assert main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                     "--threshold", "0.5", "--out", str(tmp_path / "r.json")]) == 0
    capsys.readouterr()
    # the same file written another way: ./c.pdf beside c.pdf, from the folder
    status = main(["report", str(tmp_path / "r.json"), "--out", str(tmp_path / "c.pdf"),
                   "--html", f"{tmp_path}/./c.pdf"])
    assert status == 2
    assert "is the certificate's file (--out" in capsys.readouterr().err
    assert not (tmp_path / "c.pdf").exists()


def test_out_named_html_is_refused_and_html_beside_a_pdf_is_html(tmp_path, capsys):
    # Found in the exploratory pass: 'medeval report r.json --out report.html' wrote the
    # certificate's PDF under that name (a PDF whose first bytes are %PDF, which a
    # browser shows as text), without a word; --html is the option for the HTML.
    from html.parser import HTMLParser

    with resources.as_file(DEMO / "references.csv") as ref, resources.as_file(
            DEMO / "predictions.csv") as pred:
        assert main(["evaluate", "--reference", str(ref), "--predictions", str(pred),
                     "--threshold", "0.5", "--out", str(tmp_path / "r.json")]) == 0
    capsys.readouterr()
    before = sorted(tmp_path.iterdir())
    for name in ("report.html", "REPORT.HTM"):
        assert main(["report", str(tmp_path / "r.json"), "--out", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert f"--out {tmp_path / name} names an HTML file" in err
        assert f"--html {tmp_path / name} for the HTML report" in err
    assert sorted(tmp_path.iterdir()) == before  # nothing written
    # as the message says: the PDF at --out, the HTML at --html
    assert main(["report", str(tmp_path / "r.json"), "--out", str(tmp_path / "report.pdf"),
                 "--html", str(tmp_path / "report.html")]) == 0
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    tags: list[str] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            tags.append(tag)

    Tags().feed((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert "html" in tags and "table" in tags

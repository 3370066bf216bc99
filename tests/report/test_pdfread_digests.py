"""The part digests a certificate's Keywords carry, read back by name. Found in the
volumes-pass: a multi-label segmentation result names its metrics ``label1:dice``; the
reader split ``metrics.label1:dice:<digest>`` at its first colon, so after one number of
the result was changed, ``medeval verify`` named every label's metric (and parts
``metrics.label1``, ``metrics.label2`` that do not exist) as changed."""

from __future__ import annotations

from types import SimpleNamespace

from medeval.report.pdf import certificate_keywords
from medeval.report.pdfread import _parse_keywords


def test_a_metric_name_holding_a_colon_keeps_its_digest():
    digests = (("metrics", "0123456789abcdef"), ("metrics.dice", "1111111111111111"),
               ("metrics.label1:dice", "aaaaaaaaaaaaaaaa"),
               ("metrics.label2:hd95@max-directed", "bbbbbbbbbbbbbbbb"))
    certificate = SimpleNamespace(digests=digests, fingerprint="f" * 64, info_digest="e" * 64,
                                  report_number="KTL-VOL-2026-017")
    record: dict = {}
    _parse_keywords(certificate_keywords(certificate, "ko+en"), record)
    assert record["digests"] == dict(digests)


def test_the_keywords_of_a_0_8_0_certificate_are_read_by_name():
    # Found in the review-volumes pass: the start of the Keywords entry of a certificate
    # rendered by medeval 0.8.0 (f8f119c) for the volumes-pass's two-label result, as
    # pypdf reads it, cut after two label metrics; one without a colon in its name and
    # the last item without a digest left out as malformed
    keywords = ("medeval-certificate; fingerprint=sha256:5d4aa7421a4b0b9b80b0b436578ad870950937e6"
                "55775b26f6e59a54133e03f4; lang=ko+en; report-number=KTL-VOL-2026-017; "
                "digests=metrics:681e7455eb6c4af6,metrics.label1:assd:d0289535a862392e,"
                "metrics.label1:hd95@max-directed:bbcd5ec25cfe427b,metrics.label1; "
                "attachments=result.json")
    record: dict = {}
    _parse_keywords(keywords, record)
    assert record["digests"] == {"metrics": "681e7455eb6c4af6",
                                 "metrics.label1:assd": "d0289535a862392e",
                                 "metrics.label1:hd95@max-directed": "bbcd5ec25cfe427b"}

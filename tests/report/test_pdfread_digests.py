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

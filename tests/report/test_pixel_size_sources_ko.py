"""Where the pixel sizes came from, in each language: a source that is not a DICOM
element name is medeval's own words and is printed in Korean on the Korean line.

Found as a reviewer reading the demo's segmentation certificate: "mm 단위 거리: 각
증례의 화소 크기를 가져온 곳(증례 수) image file header (6)." — English words in the
Korean sentence. The sources are the segmentation fixture's NIfTI files (their header
gives the spacing); the text is read with pypdf, the Korean written by hand.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

import medeval
from medeval.report import render_certificate


def test_the_image_file_header_in_korean_and_english(segmentation: Path,
                                                     tmp_path: Path) -> None:
    sources = medeval.read_result(segmentation).tables["distances"]["pixel_size_sources"]
    assert list(sources) == ["image file header"]
    n = sources["image file header"]
    pdf = render_certificate(segmentation, tmp_path / "certificate.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    # a result made now (after 0.9.0): the sources after a colon (the korean-pass; a
    # result of 0.9.0 prints '가져온 곳(증례 수) 영상 파일 헤더 (6).', as issued)
    assert ("mm 단위 거리: 각 증례의 화소 크기를 가져온 곳(괄호 안은 증례 수): 영상 파일 "
            f"헤더 ({n}).") in text
    assert ("Distances in mm: each case's pixel size was taken from (number of cases) "
            f"image file header ({n}).") in text

"""A report-info file saved by a Windows editor: with a byte-order mark it is read; in
CP949 it is refused naming the file and the place (it raised UnicodeDecodeError, a
traceback from ``medeval report --info``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medeval.report import ReportError
from medeval.report.info import load_report_info

INFO = '[tested_by]\nname = "이시험"\ntitle = "시험원"\n'


def test_a_byte_order_mark_and_crlf_are_read(tmp_path: Path) -> None:
    path = tmp_path / "info.toml"
    path.write_bytes(b"\xef\xbb\xbf" + INFO.replace("\n", "\r\n").encode("utf-8"))
    assert load_report_info(path).tested_by.name == "이시험"
    path = tmp_path / "info.json"
    path.write_bytes(b'\xef\xbb\xbf{"place": "KTL \xec\x84\x9c\xec\x9a\xb8"}')
    assert load_report_info(path).place == "KTL 서울"


def test_cp949_is_refused_naming_the_file_and_place(tmp_path: Path) -> None:
    path = tmp_path / "info.toml"
    path.write_bytes(INFO.encode("cp949"))
    # "[tested_by]\n" is 12 bytes, 'name = "' 8 more: the first Hangul byte is at file
    # offset 20, line 2's 9th byte
    with pytest.raises(ReportError, match=r"info\.toml: not UTF-8 text \(line 2, byte 9 of "
                       r"the line, file offset 20\)"):
        load_report_info(path)

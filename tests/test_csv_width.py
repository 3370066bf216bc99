"""data_lines against pandas' own row splitting.

Each data row's first field names, by hand, the line of the file it starts on (``L4``);
pandas reads the rows, and data_lines must give those lines in pandas' order."""

from __future__ import annotations

import pandas as pd
import pytest

from medeval._csv_width import data_lines

FILES = {
    "plain": "id,v\nL2,1\nL3,2\n",
    "blank line": "id,v\nL2,1\n\nL4,2\n",
    "line of spaces": "id,v\nL2,1\n   \nL4,2\n",
    "line of a tab": "id,v\nL2,1\n\t\nL4,2\n",
    "CR line ends": "id,v\rL2,1\r\rL4,2\r",
    "CRLF line ends": "id,v\r\nL2,1\r\n\r\nL4,2\r\n",
    "no final newline": "id,v\nL2,1\n\nL4,2",
    "byte order mark": "\ufeffid,v\nL2,1\n\nL4,2\n",
    "quoted line break": 'id,v\nL2,"a\nb"\n\nL5,2\n',
    "quoted blank line": 'id,v\nL2,"a\n\nb"\nL5,2\n',
    "blank lines before the header": "\n\nid,v\nL4,1\nL5,2\n",
    "quoted CRLF": 'id,v\r\nL2,"a\r\nb"\r\nL4,2\r\n',
}


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("name", list(FILES))
def test_data_lines_are_the_lines_pandas_rows_start_on(tmp_path, name, separator):
    path = tmp_path / "table.csv"
    path.write_bytes(FILES[name].replace(",", separator).encode("utf-8"))
    frame = pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False,
                        index_col=False)
    # by hand, above; with tabs between fields a line of a tab is a row of two empty
    # fields, which pandas keeps, on line 3
    written = [int(first.removeprefix("L")) if first else 3 for first in frame["id"]]
    assert data_lines(path, len(frame), separator=separator) == written


def test_a_field_past_the_csv_modules_limit_falls_back_to_index_plus_two(tmp_path):
    # csv.reader refuses a field past 131072 characters (csv.field_size_limit()), which
    # pandas reads; a blank line last keeps the file off the one-line-a-row shortcut
    path = tmp_path / "table.csv"
    path.write_text(f'id,v\nL2,"{"x" * 140_000}"\nL3,2\n\n', encoding="utf-8")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, index_col=False)
    assert len(frame) == 2
    assert data_lines(path, len(frame)) == [2, 3]


def test_a_column_named_twice_is_refused_where_pandas_reads_the_first_only(tmp_path):
    # two models' scores pasted under one name: pandas renames the second 'score.1', and
    # a reader of 'score' got the first model's, unsaid
    from medeval import Manifest
    from medeval.errors import ManifestError, TableError
    from medeval.loaders.tables import read_table

    table = tmp_path / "pred.csv"
    table.write_text("case_id,score,score\nc1,0.2,0.9\nc2,0.4,0.1\n")
    assert pd.read_csv(table).columns.tolist() == ["case_id", "score", "score.1"]
    with pytest.raises(TableError, match=r"pred.csv: cannot be read: its header names "
                       r"column 'score' twice \(columns 2 and 3\)"):
        read_table(table, columns=["score"], role="predictions")
    semicolons = tmp_path / "excel.csv"
    semicolons.write_text("case_id;score;note;score\nc1;0,2;a;0,9\n")
    with pytest.raises(TableError, match=r"column 'score' twice \(columns 2 and 4\)"):
        read_table(semicolons, columns=["score"], role="predictions")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("case_id,patient_id,input,reference,site,reference\n"
                        "c1,p1,c1.json,1,A,0\n")
    with pytest.raises(ManifestError, match=r"manifest.csv: .*'reference' twice \(columns 4 "
                       "and 6\\): pandas reads the first only"):
        Manifest.from_csv(manifest, reference_kind="label")
    # empty names of trailing separators are no column named twice
    table.write_text("case_id,score,,\nc1,0.2,,\n")
    assert read_table(table, columns=["score"]).frame["score"].tolist() == [0.2]


def test_each_column_pandas_renames_is_named_as_pandas_names_it(tmp_path):
    # 'score' three times and 'x' twice: the message named 'score.1' alone as renamed,
    # where pandas' own columns are score.1, score.2 and x.1
    from medeval.errors import TableError
    from medeval.loaders.tables import read_table

    table = tmp_path / "pred.csv"
    table.write_text("case_id,score,score,x,score,x\nc1,0.2,0.9,a,0.5,b\n")
    renamed = [c for c in pd.read_csv(table).columns if c not in ("case_id", "score", "x")]
    assert renamed == ["score.1", "score.2", "x.1"]
    with pytest.raises(TableError) as caught:
        read_table(table, columns=["score"], role="predictions")
    assert ("its header names column 'score' 3 times (columns 2, 3 and 5); 'x' twice "
            "(columns 4 and 6): pandas reads the first of each only and renames the others "
            + ", ".join(map(repr, renamed)) + "; keep one column of each name") in str(caught.value)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("name", ["blank line", "quoted line break", "CRLF line ends",
                                  "byte order mark"])
def test_a_compressed_file_names_the_lines_of_its_text(tmp_path, name, suffix):
    # Found in the second reader-study pass (hreader3): a readings.csv.gz (or a manifest,
    # a table) pandas decompresses was counted at index + 2, so after a blank line a bad
    # rating on line 6 of the text was named as on line 5. The lines are now those of the
    # text inside (by hand, in FILES), compressed here by the standard library
    import bz2
    import gzip
    import lzma

    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    path = tmp_path / f"table.csv{suffix}"
    path.write_bytes(compress(FILES[name].encode("utf-8")))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, index_col=False)
    written = [int(first.removeprefix("L")) for first in frame["id"]]
    assert written != [2 + i for i in range(len(frame))]  # index + 2 would be wrong
    assert data_lines(path, len(frame)) == written


def test_a_compressed_file_is_checked_for_repeated_columns_and_wide_rows(tmp_path):
    # Found with the above: read_csv_rows' two checks read the file's bytes as text, so a
    # readings.csv.gz whose header names 'rating' twice was read on its first column
    # unsaid (pandas renames the second 'rating.1', shown here), and one with a comma in
    # an unquoted treatment was refused as 'not UTF-8 text' from the gzip bytes. Both are
    # now found in the decompressed text, as in a plain file.
    import gzip

    from medeval._csv_width import read_csv_rows

    twice = tmp_path / "twice.csv.gz"
    twice.write_bytes(gzip.compress(b"reader,case,rating,rating\nR1,c1,3,5\n"))
    assert list(pd.read_csv(twice).columns) == ["reader", "case", "rating", "rating.1"]
    with pytest.raises(ValueError, match=r"its header names column 'rating' twice "
                                         r"\(columns 3 and 4\)"):
        read_csv_rows(twice)
    wide = tmp_path / "wide.csv.gz"
    # line 3 (by hand) holds 4 fields under a header of 3
    wide.write_bytes(gzip.compress("reader,treatment,rating\nR1,AI,3\nR1,AI v2, 임계값 없음,4\n"
                                   .encode()))
    with pytest.raises(ValueError, match=r"line 3 has 4 fields, the header 3"):
        read_csv_rows(wide)


def _cut(data: bytes) -> bytes:
    return data[:len(data) * 2 // 3]


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle:middle + 16]) + \
        data[middle + 16:]


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("spoil", [_cut, _flipped, lambda data: b"case_id,rating\n"])
def test_a_damaged_compressed_file_is_refused_naming_the_file(tmp_path, suffix, spoil):
    # Found in the review of the compressed-file commits (hrev11): a manifest.csv.gz or
    # readings.csv.gz cut short in a copy (EOFError), damaged (zlib.error, LZMAError) or
    # not compressed at all ended 'medeval manifest check' and mrmc(path) with a
    # traceback. Each is now the reader's error naming the file and the compression.
    # The standard library's own decompression refuses each file made here.
    import bz2
    import gzip
    import lzma
    import zlib

    from medeval.errors import InvalidInputError, ManifestError
    from medeval.manifest import Manifest
    from medeval.stats import mrmc
    from medeval.tasks.reader_study import read_readings

    module = {".gz": gzip, ".bz2": bz2, ".xz": lzma}[suffix]
    text = "".join(f"R1,AI,c{k},{k % 5},{k % 2}\n" for k in range(2000)).encode()
    data = spoil(module.compress(b"reader,treatment,case,rating,truth\n" + text))
    with pytest.raises((EOFError, OSError, ValueError, zlib.error, lzma.LZMAError)):
        module.decompress(data)
    path = tmp_path / f"readings.csv{suffix}"
    path.write_bytes(data)
    kind = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}[suffix]
    said = rf"{path.name}.*does not decompress as the {kind} file its name says"
    with pytest.raises(ManifestError, match=said):
        Manifest.from_csv(path)
    with pytest.raises(InvalidInputError, match=said):
        mrmc(path)
    with pytest.raises(InvalidInputError, match=said):
        read_readings(path)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_cp949_file_names_the_place_in_its_text(tmp_path, suffix):
    # Found in the review of the compressed-file commits (hrev11): a CP949 manifest.csv.gz
    # was refused as 'not UTF-8 text (line 1, byte 2 of the line, file offset 1)', a
    # place in the gzip bytes (the second byte of gzip's magic number), no place in the
    # CSV. The place is now that of the text it decompresses to: '양성' in CP949 is
    # BE E7 BC BA, its first byte the 7th of line 3 ('c2,p2,' is 6 bytes), at offset
    # 35 + 10 + 6 = 51 (the header line is 35 bytes, line 2 10; by hand, and Python's
    # decoder agrees below).
    import bz2
    import gzip
    import lzma

    from medeval.errors import ManifestError
    from medeval.manifest import Manifest

    text = "case_id,patient_id,input,reference\nc1,p1,a,b\nc2,p2,양성,b\n".encode("cp949")
    with pytest.raises(UnicodeDecodeError) as found:
        text.decode("utf-8")
    assert found.value.start == 35 + 10 + 6
    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    path = tmp_path / f"manifest.csv{suffix}"
    path.write_bytes(compress(text))
    with pytest.raises(ManifestError, match=r"manifest\.csv.*: not UTF-8 text \(line 3, "
                       r"byte 7 of the line, file offset 51 of the text it decompresses "
                       r"to\)"):
        Manifest.from_csv(path)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_a_header_is_checked_without_reading_the_whole_file(tmp_path, suffix):
    # Found in the review of f898a354 (hrev11): repeated_columns, run on every manifest,
    # readings and mrmc table, decoded the whole (decompressed) file to read its header
    # line: a 36 MB manifest.csv took 180 MB to check one line (tracemalloc), where it
    # had taken 0.1 MB. It reads the header line now, from a plain or a compressed file;
    # the bound is a tenth of the text's size (3.8 MB; the header line is 20 bytes).
    import gzip
    import tracemalloc

    from medeval._csv_width import repeated_columns

    text = ("case_id,score,score\n" + "".join(f"c{k:07d},0.{k % 997:03d},0.5\n"
                                               for k in range(200_000))).encode()
    path = tmp_path / f"table.csv{suffix}"
    path.write_bytes(gzip.compress(text) if suffix else text)
    tracemalloc.start()
    try:
        said = repeated_columns(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert said is not None and "'score' twice (columns 2 and 3)" in said
    assert peak < len(text) / 10


def test_a_zst_file_pandas_cannot_open_is_refused_naming_it(tmp_path):
    # Found in the review of the compressed-file commits (hrev11): data_lines' docstring
    # speaks of a .zst file pandas read, but without the zstandard package (not a
    # dependency of medeval) pandas raises ImportError, and a manifest.csv.zst, a
    # readings.csv.zst or mrmc('t.csv.zst') ended in that traceback. Each is now the
    # reader's error naming the file, with pandas' words and the way out.
    try:
        import zstandard  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("zstandard is installed: pandas reads a .zst file")
    from medeval.errors import InvalidInputError, ManifestError
    from medeval.manifest import Manifest
    from medeval.stats import mrmc
    from medeval.tasks.reader_study import read_readings

    path = tmp_path / "readings.csv.zst"
    path.write_bytes(b"reader,treatment,case,rating,truth\nR1,AI,c1,3,1\n")
    with pytest.raises(ImportError, match="zstandard"):
        pd.read_csv(path)  # pandas' own refusal
    said = r"readings\.csv\.zst.*pandas cannot decompress it \(.*zstandard.*\): decompress it"
    with pytest.raises(ManifestError, match=said):
        Manifest.from_csv(path)
    with pytest.raises(InvalidInputError, match=said):
        mrmc(path)
    with pytest.raises(InvalidInputError, match=said):
        read_readings(path)

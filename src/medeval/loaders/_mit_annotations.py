"""A direct reader of WFDB annotation files in MIT format (private).

``wfdb.rdann`` builds pandas tables for every file and takes ~15 ms on a 30-minute
record, fifteen times the cost of scoring it per EC57; a laboratory scores 100,000
recordings. This reader decodes the same bytes (WFDB Applications Guide, ``annot(5)``)
in a few hundred microseconds. It reads only what the evaluation needs — annotation
times, codes and auxiliary text — and returns None (the caller then uses ``wfdb``) for
anything it does not handle: definition annotations at time 0 (a time resolution or
custom labels), codes outside the standard table, a malformed stream. As ``wfdb`` does,
it drops a note (code 22) at time 0 and the NOTQRS code 0, whose intervals still count.

Each annotation is a 16-bit little-endian word: code = word >> 10, interval = word & 0x3FF;
pseudo-codes modify it — 59 SKIP (a 32-bit two's-complement interval follows, high half
first), 60 NUM, 61 SUB, 62 CHN (values in the low 10 bits), 63 AUX (that many bytes of
text follow, padded to an even count); a zero word ends the file.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

#: WFDB's standard annotation codes (``ecgcodes.h``) and their mnemonics.
CODE_SYMBOLS = {
    0: " ", 1: "N", 2: "L", 3: "R", 4: "a", 5: "V", 6: "F", 7: "J", 8: "A", 9: "S", 10: "E",
    11: "j", 12: "/", 13: "Q", 14: "~", 16: "|", 18: "s", 19: "T", 20: "*", 21: "D",
    22: '"', 23: "=", 24: "p", 25: "B", 26: "^", 27: "t", 28: "+", 29: "u", 30: "?",
    31: "!", 32: "[", 33: "]", 34: "e", 35: "n", 36: "@", 37: "x", 38: "f", 39: "(",
    40: ")", 41: "r",
}
_NOTE = 22
_STANDARD = np.zeros(64, dtype=bool)
_STANDARD[sorted(CODE_SYMBOLS)] = True
#: The codes of a plain file: the standard ones except NOTQRS (0), which the word-by-word
#: reader drops while its interval still counts.
_PLAIN_CODES = _STANDARD.copy()
_PLAIN_CODES[0] = False
SYMBOL_ARRAY = np.array([CODE_SYMBOLS.get(code, "") for code in range(64)])
#: The definition note of a file's time resolution, as wfdb writes and reads it.
_TIME_RESOLUTION = re.compile(r"## time resolution: (\d+\.?\d*)")


def read_mit_annotations(
    path: Path, data: bytes | None = None
) -> tuple[NDArray[np.int64], tuple[str, ...] | NDArray[np.str_], tuple[str, ...],
           float | None] | None:
    """Samples, symbols (an array for a file of beats only), auxiliary texts and stated
    time resolution (Hz, or None) of an MIT-format annotation file (its bytes ``data`` if
    already read); None when ``wfdb`` must read it."""
    if data is None:
        data = path.read_bytes()
    if len(data) < 2:
        return None
    array = np.frombuffer(data if len(data) % 2 == 0 else data[:-1], dtype="<u2")
    plain = plain_codes(array)
    if plain is not None:
        return plain[0], SYMBOL_ARRAY.take(plain[1]), ("",) * int(plain[0].size), None
    words = array.tolist()
    samples: list[int] = []
    codes: list[int] = []
    aux: list[str] = []
    time = 0
    k, n = 0, len(words)
    while k < n:
        word = words[k]
        code, low = word >> 10, word & 0x3FF
        if word == 0:
            break
        if code == 59:  # SKIP: a 32-bit interval, high 16 bits first
            if k + 2 >= n:
                return None
            skip = (words[k + 1] << 16) | words[k + 2]
            time += skip - (1 << 32) if skip >= 1 << 31 else skip
            k += 3
            continue
        if code in (60, 61, 62):  # NUM, SUB, CHN: fields the evaluation does not use
            if not codes:
                return None
            k += 1
            continue
        if code == 63:  # AUX: text of the preceding annotation
            if not codes:
                return None
            size = low
            start = 2 * (k + 1)
            raw = data[start:start + size]
            if len(raw) < size:
                return None
            aux[-1] = raw.decode("latin-1").rstrip("\x00")
            k += 1 + (size + 1) // 2
            continue
        if code not in CODE_SYMBOLS:
            return None
        time += low
        samples.append(time)
        codes.append(code)
        aux.append("")
        k += 1
    keep = []
    fs: float | None = None
    for index, (sample, code, text) in enumerate(zip(samples, codes, aux)):
        if sample == 0 and code == _NOTE:
            if text.startswith("## "):
                found = _TIME_RESOLUTION.fullmatch(text)
                if found is None or fs is not None:
                    return None  # custom label definitions: wfdb reads them
                fs = float(found.group(1))
            continue  # a note on the whole file, dropped as wfdb drops it
        if code == 0:
            continue  # NOTQRS: a time step, not an annotation (wfdb drops it too)
        keep.append(index)
    return (np.asarray([samples[i] for i in keep], dtype=np.int64),
            tuple(CODE_SYMBOLS[codes[i]] for i in keep), tuple(aux[i] for i in keep), fs)


def plain_codes(
    words: NDArray[np.uint16],
) -> tuple[NDArray[np.int64], NDArray[np.uint16]] | None:
    """The common file of beats only — no pseudo-code, no note at 0 — decoded at once:
    each annotation's sample and code (``CODE_SYMBOLS`` names it).

    None when the file holds anything else (then the word-by-word reader decodes it):
    no annotation before the first zero word, a code that is not standard, NOTQRS (0) or
    a pseudo-code (59-63), or a note (22) at time 0.
    """
    first = int(words.argmin())  # the first zero word, where there is one
    body = words[:first] if words[first] == 0 else words
    if body.size == 0:
        return None
    codes = body >> 10
    # take and the ufunc's accumulate: what [] and np.cumsum do, without their overhead
    # (this runs once per record of a set)
    if not _PLAIN_CODES.take(codes).all():
        return None
    if codes[0] == _NOTE and (body[0] & 0x3FF) == 0:
        return None
    return np.add.accumulate(body & 0x3FF, dtype=np.int64), codes.astype(np.uint16, copy=False)


def ends_properly(data: bytes) -> bool:
    """Whether the bytes end as an MIT-format annotation file does: whole 16-bit words,
    the last one zero (WFDB's end-of-file word). A file copied short lacks it."""
    return len(data) >= 2 and len(data) % 2 == 0 and data[-2:] == b"\0\0"


def header_sampling_frequency(header: str | Path) -> float | None:
    """The sampling frequency on a WFDB header's record line, or None if it states none.

    Record line: ``name[/segments] n_signals [fs[/counter_fs[(base)]] [n_samples ...]]``;
    comment lines start with ``#``. WFDB's default when the field is absent is 250 Hz;
    None is returned then, so that the caller asks ``wfdb``.
    """
    return header_timing(header)[0]


def header_timing(header: str | Path) -> tuple[float | None, int | None]:
    """The frame rate and the number of frames on a WFDB header's record line (fields 3
    and 4), each None where the line states none (a number of frames of 0 states none,
    as in WFDB) or the file cannot be read.

    ``n_samples / fs`` is the record's length in seconds, where ``bxb`` ends its
    comparison.
    """
    try:
        with open(header, "rb", buffering=0) as handle:
            # split as bytes: bytes.splitlines breaks at "\r\n", "\r" and "\n" only and
            # bytes.split at ASCII blanks only, as WFDB does; str's would also break a UTF-8
            # record name ('심전도': '전' holds the byte 0xA0, a blank in latin-1)
            lines = handle.read().splitlines()
    except OSError:
        return None, None
    for line in lines:
        fields = line.split(b"#", 1)[0].split()
        if not fields:
            continue
        if len(fields) < 3:
            return None, None
        value = fields[2].split(b"/", 1)[0].split(b"(", 1)[0]
        try:
            fs = float(value)
        except ValueError:
            return None, None
        if not fs > 0 or not math.isfinite(fs):
            return None, None
        frames = fields[3] if len(fields) > 3 else b""  # bytes.isdigit: ASCII digits only
        # WFDB: a number of samples of zero, like none, is unspecified (not a 0-s record)
        return fs, int(frames) if frames.isdigit() and int(frames) > 0 else None
    return None, None

"""Diagnoses written into an ECG record's own file, which the algorithm is handed with it.

The runner shows the algorithm its inputs and never the manifest's reference; but a DICOM
ECG exported by the cart carries the cart's interpretive statements
(WaveformAnnotationSequence: ``"Atrial fibrillation"``, ``"ECG NORMALE"``), and a WFDB
header of the PhysioNet/CinC challenges carries the diagnosis as a comment
(``#Dx: 164889003``). An algorithm can read a label there. ``manifest check
--read-files`` warns of such inputs (:func:`record_statements`); whether they may stay is
the laboratory's decision, as the protocol states.
"""

from __future__ import annotations

import re
from pathlib import Path

from .loaders._files import sniff

__all__ = ["record_statements"]

#: A WFDB header comment stating a diagnosis: the challenges' ``Dx:`` (2020, 2021),
#: ``diagnosis`` or ``diagnoses`` (PTB's ``Reason for admission``), ``rhythm``.
_DIAGNOSIS = re.compile(r"\b(dx|diagnos[ie]s|reason for admission|rhythm)\b\s*:",
                        re.IGNORECASE)
#: A letter of any script: a label without one (a number) is not looked for as a word.
_LETTER = re.compile(r"[^\W\d_]")


def record_statements(path: Path, reference: str | None = None) -> list[str]:
    """The statements of a diagnosis that an ECG input file holds, as written: the text
    and coded statements of a DICOM waveform's WaveformAnnotationSequence (not its
    measurements), and the comment lines of a WFDB header that state a diagnosis or hold
    the case's ``reference`` label as a word. A label without a letter (``1`` of a binary
    set, a grade, a measurement's value) is not looked for: as a word it is found in an
    age, a date or a count (``# ECG date: 10/1/1990``), which state no diagnosis. Empty
    for any other file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> header = pathlib.Path(tempfile.mkdtemp()) / "A0001.hea"
    >>> _ = header.write_text("A0001 1 500 5000\\nA0001.mat 16 1000 16 0 0 0 0 I\\n"
    ...                       "#Age: 74\\n#Dx: 59118001\\n")
    >>> record_statements(header)
    ['#Dx: 59118001']
    >>> _ = header.write_text("A0001 1 500 5000\\nA0001.mat 16 1000 16 0 0 0 0 I\\n"
    ...                       "#Age: 74\\n#AF episodes\\n")
    >>> record_statements(header, reference="AF")
    ['#AF episodes']
    >>> record_statements(header, reference="74")
    []
    """
    kind = sniff(path)
    if kind == "wfdb-header":
        return _header_statements(path, reference)
    if kind == "dicom":
        return _waveform_statements(path)
    return []


def _header_statements(path: Path, reference: str | None) -> list[str]:
    word = (reference or "").strip()
    label = (re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
             if _LETTER.search(word) else None)
    raw = Path(path).read_bytes()
    try:  # wfdb writes a header in UTF-8 (a Korean comment); an older one may be Latin-1
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    comments = [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    return [line for line in comments
            if _DIAGNOSIS.search(line) or (label is not None and label.search(line[1:]))]


def _waveform_statements(path: Path) -> list[str]:
    import pydicom

    try:
        dataset = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        items = list(dataset.get("WaveformAnnotationSequence") or [])
    except Exception:  # unreadable: the read check names it
        return []
    found = []
    for item in items:
        text = str(item.get("UnformattedTextValue", "") or "").strip()
        coded = item.get("ConceptCodeSequence")
        if coded:
            text = text or str(coded[0].get("CodeMeaning", "") or "").strip()
        if text:
            found.append(text)
    return found

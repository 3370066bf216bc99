"""A certificate rendered again from its result, to compare with the file given.

Private: :mod:`~medeval.report.verify` calls it. :func:`_render` renders as the
certificate was issued (its dates not judged anew), under the medeval version the file
names where that may be its renderer (:func:`_named_version`); :func:`_changed_lines`
names the printed lines a fresh rendering prints otherwise, and
:func:`_copy_differences` the words of a copy printed or saved again by other software.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .._version import __version__
from ..result import Result
from ._errors import ReportError
from ._word_match import WordMatcher
from .info import ReportInfo
from .pdf_objects import creator as _creator
from .pdfread import pdf_text, quiet_pypdf, record_pages, short_error

_FINGERPRINT_ONLY = re.compile(r"[0-9a-f]{64}")

#: Said after "its bytes differ from the certificate rendered ..." when no printed line
#: differs: a file saved again by other software (qpdf, a PDF editor) reads otherwise as
#: a changed figure to one who is not told that every word is the same.
SAME_TEXT = ("; its printed text is the rendering's, word for word: what differs is not in "
             "its words (as when other software, such as qpdf or a PDF editor, saved it "
             "again, or changed an attachment, image, drawing or font)")
#: Said of a copy whose printed words are all the result's.
COPY_SAME_TEXT = (": every printed word is the same (a copy's images, drawings and fonts "
                  "are not compared)")


def _render(data: Result, info: ReportInfo, record: Mapping[str, Any], payload: bytes,
            result_json: bytes | None, creator: str | None = None) -> bytes:
    """The certificate rendered again, as it was issued (its dates not judged anew).

    The last few renderings are kept (:data:`_KEPT`, four and 64 MB at most): the
    renderer is deterministic, and a certificate of the same result verified again in
    one process (a verification page's worker given altered copies of one certificate,
    each new bytes to it; a script or a test verifying a file again) is its rendering
    again, half a second each. Kept by the digest
    of everything the rendering reads: the result's canonical JSON, the attached JSON's
    bytes, the report info, the language, PDF/A or not, the /Creator and the version the
    renderer names itself; a result read from an older layout (a legacy fingerprint) is
    not kept.

    With the attached JSON given, the renderer prints the result as it is in memory,
    in the order its file listed its figures and tables, which its canonical JSON does
    not tell: it is then found by its ``repr`` (found by hrev: a result file whose keys
    stood in another order left its rendering under the attached JSON's key, and the
    certificate verified alone after it was "altered")."""
    from . import pdf

    lang, pdfa = _lang(record), b"/OutputIntents" in payload
    key = None if data.legacy_fingerprint is not None else _digest(
        data.to_json() if result_json is None else repr(data).encode(), result_json,
        info.model_dump_json().encode(), lang.encode(),
        b"pdfa" if pdfa else b"", creator.encode() if creator is not None else None,
        vars(pdf)["__version__"].encode())  # the name it gives itself
    if key is not None:
        with _KEPT_LOCK:
            kept = _KEPT.get(key)
            if kept is not None:
                _KEPT.move_to_end(key)
                return kept
    fresh = pdf.certificate_pdf(data, info, lang=lang, pdfa=pdfa, result_json=result_json,
                                check_dates=False, creator=creator)
    if key is not None and len(fresh) <= _KEEP_BYTES:
        with _KEPT_LOCK:
            _KEPT[key] = fresh
            while len(_KEPT) > _KEEP or sum(map(len, _KEPT.values())) > _KEEP_BYTES:
                _KEPT.popitem(last=False)
    return fresh


def _digest(*parts: bytes | None) -> bytes:
    """SHA-256 of the parts, each with its length (None apart from every bytes)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"-" if part is None else b"%d:" % len(part) + part)
    return digest.digest()


_KEEP = 4
#: At most this many bytes of renderings kept (a certificate attaches its result and its
#: cases: one of 100,000 cases is tens of MB; a server process holds these).
_KEEP_BYTES = 64 * 2**20
_KEPT: OrderedDict[bytes, bytes] = OrderedDict()
"""The last renderings of :func:`_render`, by the digest of what each read."""
_KEPT_LOCK = threading.Lock()


#: A ``/Creator`` that is a medeval version's name (PEP 440: release, pre-, post- and
#: development release, a short local label): ``medeval 0.7.0``, ``medeval 0.8.0.dev1``,
#: ``medeval 0.8.0rc1+g1a2b3c4``; not ``medeval 0.8.0approved`` or other words.
_VERSION_NAME = re.compile(r"medeval [0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?"
                           r"(\.dev[0-9]+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?")


def _named_version(payload: bytes, data: Result) -> str | None:
    """The medeval version the certificate names as its maker (its ``/Creator``), where
    that is another than this one and not earlier than the medeval that made its result,
    else None.

    A later medeval keeps an earlier result's wording (:mod:`~medeval.report.made_by`), so
    a certificate of another version is often this version's rendering but for the name:
    rendered again under the name it carries, its bytes are compared as they are. A name
    earlier than the result's maker cannot be the renderer's (:func:`_named_too_early`)."""
    made_by = _first_creator(payload)
    if made_by is None or made_by == f"medeval {__version__}" \
            or not _VERSION_NAME.fullmatch(made_by) or _named_too_early(made_by, data):
        return None
    return made_by


def _named_too_early(made_by: str, data: Result) -> bool:
    """Whether the version a certificate names as its renderer is earlier than the one
    that made its result: a result is never rendered by a medeval older than its own, so
    such a name was written over the renderer's."""
    from .made_by import made_after

    return made_after(data, made_by.removeprefix("medeval "))


def _first_creator(payload: bytes) -> str | None:
    """The ``/Creator`` of the file's first revision: the rendering's, not one an update
    appended (or a signature's revision) wrote over it, which the byte check names.

    Read from the bytes up to the first ``%%EOF`` that ends a readable revision; the
    whole file's where none does."""
    last = payload.rstrip().rfind(b"%%EOF")  # the file's own end: no revision before it
    for number, end in enumerate(re.finditer(rb"%%EOF", payload)):
        if number == 4 or end.start() >= last:
            break
        found = _creator(payload[:end.end()])
        if found is not None:
            return found
    return _creator(payload)


def _lang(record: Mapping[str, Any]) -> str:
    lang = str(record.get("lang") or "ko+en")
    return lang if lang in ("ko+en", "ko", "en") else "ko+en"


def _changed_lines(data: Result, info: ReportInfo | None, record: dict[str, Any],
                   payload: bytes, name: str, result_json: bytes | None,
                   rendered: bytes | None = None) -> list[str]:
    """Printed lines of the certificate that a fresh rendering of the result prints otherwise."""
    try:
        fresh = pdf_text(rendered if rendered is not None else
                         _render(data, info or ReportInfo(), record, payload, result_json))
    except ReportError:
        return []
    except Exception as exc:  # an altered result may hold what no evaluation writes
        return [f"{name}: the result it is compared with cannot be rendered to compare the "
                f"printed lines ({type(exc).__name__}: {short_error(exc)}): it is not as "
                "medeval wrote it"]
    pages = record_pages(record)
    old = [line for page in pages for line in page.splitlines()]
    new = [line for page in fresh for line in page.splitlines()]
    out = []
    if len(pages) != len(fresh):  # a page removed or added
        out.append(f"{name} has {len(pages)} page(s); the certificate "
                   f"rendered from the result has {len(fresh)}")
    matcher = WordMatcher(old, new)
    lines = list(out)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if " ".join(old[i1:i2]).split() == " ".join(new[j1:j2]).split():
            # the same words on lines broken otherwise: laid out by other software (a
            # program that saved it again), whose lines cannot be set against ours
            return out + _word_changes(pages, fresh, name,
                                       "the result gives", 10 - len(out))
        before = " | ".join(old[i1:i2]).strip()
        after = " | ".join(new[j1:j2]).strip()
        if _FINGERPRINT_ONLY.search(before) and _FINGERPRINT_ONLY.search(after):
            continue  # the fingerprint lines themselves: already reported
        where = f" (after {_clip(old[i1 - 1].strip())!r})" if i1 > 0 else ""
        line = f"{name} prints {_clip(before)!r}{where} where the result gives {_clip(after)!r}"
        if line in lines:
            continue  # one figure printed in two tables under the same line: said once
        lines.append(line)
        if len(lines) == 10:
            lines.append("(further differences not listed)")
            break
    return lines


def _word_changes(pages: list[str], fresh: list[str], name: str, gives: str,
                  limit: int,
                  matcher: WordMatcher | None = None) -> list[str]:
    """The printed words of ``pages`` that ``fresh`` (a rendering's pages) prints
    otherwise, each run of them named after the six words before it; at most ``limit``
    (then a note that more are not listed). ``matcher``: the comparison of these words
    already made (a copy's, by which its language was chosen), not made again."""
    old, new = " ".join(pages).split(), " ".join(fresh).split()
    if matcher is None:
        matcher = WordMatcher(old, new)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        if _FINGERPRINT_ONLY.fullmatch(before) and _FINGERPRINT_ONLY.fullmatch(after):
            continue  # the fingerprint itself: reported with the result's
        where = (f" (after the words {_clip(' '.join(old[max(0, i1 - 6):i1]))!r})"
                 if i1 > 0 else "")
        line = f"{name} prints {_clip(before)!r}{where} where {gives} {_clip(after)!r}"
        if line in out:
            continue  # the same words changed the same way after the same words: said once
        out.append(line)
        if len(out) >= limit:
            out.append("(further differences not listed)")
            break
    return out


def _copy_differences(data: Result, info: ReportInfo | None, info_given: bool,
                      record: dict[str, Any], payload: bytes, name: str, label: str,
                      result_json: bytes | None) -> list[str]:
    """A copy of a certificate made by other software (printed to PDF, saved again): it
    is not the PDF issued; its printed words are compared with a fresh rendering's."""
    producer = _metadata_entry(payload, "/Producer")
    by = f" (its producer: {producer!r})" if producer else ""
    default = "" if info_given else (
        "; the copy carries no report info, so the lines it sets (report number, date "
        "of issue, place, people, opinions) were compared with the default: pass the "
        "report info it was rendered with, --info INFO.toml")
    out = [f"{name}: not the PDF medeval rendered: it carries none of the metadata and "
           f"attached files a certificate has{by}: a copy printed or saved again by other "
           f"software. Its printed text was compared with {label} instead{default}"]
    printed = record.get("fingerprint")
    if printed != data.fingerprint:
        out.append(f"{name} prints result sha256:{printed}, but {label} has "
                   f"sha256:{data.fingerprint}: the result or the certificate was changed")
    pages = record_pages(record)
    # words, not lines: other software breaks a table's lines otherwise
    old = " ".join(pages).split()
    # the copy lost the Keywords that name its language: compared with the rendering in
    # each language, the closest kept (a Korean-only copy read against a ko+en rendering
    # was 'altered' in every heading, and 'has 6 page(s) ... has 9')
    tried: list[tuple[int, list[str], WordMatcher]] = []
    first = _copy_lang(pages)
    for lang in (first, *(x for x in ("ko+en", "ko", "en") if x != first)):
        try:
            fresh = pdf_text(_render(data, info or ReportInfo(), {**record, "lang": lang},
                                     payload, result_json))
        except Exception as exc:  # an altered result may hold what no evaluation writes
            return out + [f"{name}: {label} cannot be rendered to compare the printed text "
                          f"({type(exc).__name__}: {short_error(exc)})"]
        matcher = WordMatcher(old, " ".join(fresh).split())
        tried.append((sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2
                          in matcher.get_opcodes() if tag != "equal"), fresh, matcher))
        if tried[-1][0] <= len(old) // 20:  # close: a language's words differ by far more
            break
    _, fresh, matcher = min(tried, key=lambda t: t[0])  # the first of the closest
    if len(pages) != len(fresh):
        out.append(f"{name} has {len(pages)} page(s); the certificate of {label} has "
                   f"{len(fresh)}")
    changes = _word_changes(pages, fresh, name, f"{label} gives", 14 - len(out), matcher)
    if len(out) == 1 and not changes:
        out[0] += COPY_SAME_TEXT  # the comparison's outcome, not only that it was made
    return out + changes


def _copy_lang(pages: list[str]) -> str:
    """The language a copy's first page reads as, by the titles it prints (the
    catalogues' ``doc.title``, ``doc.title_precheck``); ko+en when it cannot tell."""
    from .catalogue import base_key, catalogue

    head = " ".join((pages[0] if pages else "").split())
    found = [lang for lang in ("ko", "en")
             if any(" ".join(phrase.split()) in head
                    for key, phrase in catalogue(lang).items()
                    if base_key(key) in ("doc.title", "doc.title_precheck"))]
    return found[0] if len(found) == 1 else "ko+en"


def _metadata_entry(payload: bytes, key: str) -> str | None:
    """One entry of the PDF's document information (``/Producer`` ...), or None."""
    from pypdf import PdfReader

    try:
        with quiet_pypdf():
            metadata: Any = PdfReader(io.BytesIO(payload), strict=False).metadata
            value = metadata.get(key) if metadata is not None else None
    except Exception:  # noqa: BLE001 - hostile bytes: nothing to name
        return None
    return _clip(str(value), 120) if value is not None else None


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."

"""The result's warnings in Korean: a catalogue of the notes medeval writes, each with its
Korean wording.

A result's warnings are English and stay so (the result file is the record; a
certificate of it must verify). A Korean certificate prints each warning in Korean,
rendered here from its parts:

``"<scope>: <metric>: <note>"`` (an estimate's note; ``<metric>, <metric> (<n> figures)``
where several figures share it) or ``"<scope>: <text>"`` (a task's
own text), where the scope is ``all cases``, ``failures excluded``, ``failures as worst
case`` or ``<column>=<value>`` (a subgroup), the metric is its name, and the note is one
or more texts joined by ``"; "`` (the bootstrap joins its reasons so). Each text is
matched against :data:`NOTES` (:mod:`~medeval.report.notes_ko_catalogue`), a regular
expression per sentence medeval can write, whose groups (numbers, names) are carried into
the Korean template unchanged. A warning with a part no pattern matches has no Korean
wording: :func:`warning_ko` gives None, and the certificate prints the English, marked as
the original.

A certificate is rendered again from its result and must print what it printed then: a
Korean wording revised after a release is added to :data:`REVISED` or
:data:`REVISED_LATER` (:mod:`~medeval.report.notes_ko_revised`: the note with its revised
template), which ``revised=True`` and ``later`` take first, for results made by a later
medeval (``medeval.report.content.NOTES_REVISED_AFTER``).

Examples
--------
>>> warning_ko("sex=F: auc: auc_ci: the AUC is undefined with one class only "
...            "(0 positives of 12)")
'sex=F: auc: auc_ci: 한 부류만 있어 AUC가 정의되지 않습니다 (12개 중 양성 0개)'
>>> warning_ko("all cases: dice: something medeval never writes") is None
True
"""

from __future__ import annotations

import re

from .notes_ko_catalogue import NOTES, Note
from .notes_ko_revised import REVISED, REVISED_LATER

__all__ = ["NOTES", "REVISED", "REVISED_LATER", "Note", "note_ko", "warning_ko"]


def _sentence_ko(text: str, *, revised: bool = False,
                 later: tuple[str, ...] = ()) -> str | None:
    """The Korean of one sentence of :data:`NOTES` (:data:`REVISED` first where
    ``revised``, and before it those of :data:`REVISED_LATER` of each release in
    ``later``, the newest first), else None."""
    first = tuple(note for release in reversed(later) for note in REVISED_LATER[release])
    for note in first + ((REVISED + NOTES) if revised else NOTES):
        korean = note.render(text)
        if korean is not None:
            return korean
    return None


def note_ko(note: str, *, revised: bool = False, later: tuple[str, ...] = ()) -> str | None:
    """The Korean of an estimate's note (or a task's warning text), else None; as
    revised after medeval 0.9.0 where ``revised`` (:data:`REVISED`), and after each
    release of ``later`` (:data:`REVISED_LATER`).

    A note is one sentence of :data:`NOTES` or several joined by ``"; "`` (a sentence may
    hold ``"; "`` itself): the longest run of parts that is a sentence is taken first.
    """
    parts = note.split("; ")
    out: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            korean = _sentence_ko("; ".join(parts[start:end]), revised=revised,
                                  later=later)
            if korean is not None:
                out.append(korean)
                start = end
                break
        else:
            return None
    return ". ".join(out)


_SCOPES = {"all cases": "전체 증례", "failures excluded": "실패 증례 제외",
           "failures as worst case": "실패 증례를 최악의 결과로 계산"}
_METRIC = re.compile(r"[\w@.+-]+")
#: A metric's name as a result made after medeval 0.11.0 is read (``labelled``): a class's
#: or label's figure carries the label as the protocol writes it, spaces, commas and
#: quotes included (``sensitivity@polyp, hyperplastic``, ``auc@Barrett's esophagus``),
#: which :data:`_METRIC` left to print in English.
_LABELLED = re.compile(r"[\w.+-]+@.+|[\w@.+-]+")


def warning_ko(warning: str, *, revised: bool = False,
               later: tuple[str, ...] = (), labelled: bool = False) -> str | None:
    """The Korean of one of a result's warnings, else None (see the module's docstring);
    as revised after medeval 0.9.0 where ``revised`` (:data:`REVISED`), and after each
    release of ``later`` (:data:`REVISED_LATER`).

    The scope is ``all cases`` and the like, or a subgroup's ``<column>=<value>`` (kept as
    the data write it); the metric's name is kept. ``labelled`` (a result made after
    medeval 0.11.0): a metric's label may hold any character but ``": "``
    (:data:`_LABELLED`).

    >>> text = ("all cases: auc@MALT lymphoma: auc_ci: the AUC is undefined with one "
    ...         "class only (0 positives of 72)")
    >>> warning_ko(text) is None
    True
    >>> warning_ko(text, labelled=True)[:54]
    '전체 증례: auc@MALT lymphoma: auc_ci: 한 부류만 있어 AUC가 정의되지 않'
    >>> warning_ko("site=A: dice, jaccard (2 figures): no cases")
    'site=A: dice, jaccard (수치 2개): 증례 없음'
    """
    metric_name = _LABELLED if labelled else _METRIC
    start = 0
    while (colon := warning.find(": ", start)) != -1:
        scope, rest = warning[:colon], warning[colon + 2:]
        start = colon + 1
        scope_ko = _SCOPES.get(scope) or (_subgroup_ko(scope) if "=" in scope else None)
        if scope_ko is None:
            continue
        text = note_ko(rest, revised=revised, later=later)
        if text is not None:
            return f"{scope_ko}: {text}"
        metric, sep, note = rest.partition(": ")
        shared = _SHARED.fullmatch(metric)  # several figures of one note, said once
        if shared is not None:
            metric = f"{shared['names']} (수치 {shared['n']}개)"
        if sep and (shared or metric_name.fullmatch(metric)) and (
                text := note_ko(note, revised=revised, later=later)) is not None:
            return f"{scope_ko}: {metric}: {text}"
    return None


#: The figures that share a note, as a result made after medeval 0.11.0 names them once
#: (``dice, jaccard, hausdorff (3 figures)``; ``medeval.evaluation._noted_once``).
_SHARED = re.compile(r"(?P<names>.+) \((?P<n>\d+) figures\)")


def _subgroup_ko(scope: str) -> str:
    """A subgroup's scope in Korean: kept as the data write it, but for the name of a
    value blank in the manifest (:data:`~medeval.result_sections.BLANK_SCOPE`), which the
    certificate's tables print in Korean too.

    >>> _subgroup_ko("sex=(blank in the manifest)"), _subgroup_ko("site=서울")
    ('sex=(매니페스트에 값 없음)', 'site=서울')
    """
    from ..result_sections import BLANK_SCOPE
    from .catalogue import catalogue

    column, _, value = scope.rpartition("=")
    return (f"{column}={catalogue('ko')['text.subgroup_blank']}" if value == BLANK_SCOPE
            else scope)

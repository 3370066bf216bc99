"""The definitions section prints each definition once (results made after 0.10.0).

A 0–4 grading printed "TP / (TP + FN)" and its references five times, once per class's
sensitivity, and the macro averages once per figure averaged; each row said the same
but for the figure's name, which the tables above already give. A result of 0.10.0 or
before renders as issued: a row per figure.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> medeval.Result:
    folder = shutil.copytree(EXAMPLES / "multiclass-classification",
                             tmp_path_factory.mktemp("mc") / "example")
    return medeval.evaluate(folder / "protocol.toml", folder / "predictions")


def _definition_rows(result: medeval.Result) -> list[tuple[object, ...]]:
    section = next(s for s in build_certificate(result).sections
                   if s.title == Msg("section.definitions"))
    table = next(b for b in section.blocks if isinstance(b, Table))
    return list(table.rows)


def test_each_definition_is_printed_once_in_the_order_of_its_first_figure(graded):
    rows = _definition_rows(graded)
    ids = [row[0] for row in rows]
    # from the result itself: the distinct definitions of its figures, first seen first
    expected = list(dict.fromkeys(m.definition for m in graded.metrics))
    assert sorted(ids) == sorted(expected)
    assert len(ids) == len(set(ids))
    # the example's three classes each have a sensitivity: one row stands for them
    assert sum(m.definition == "sensitivity" for m in graded.metrics) == 3
    assert ids.count("sensitivity") == 1
    sensitivity = rows[ids.index("sensitivity")]
    assert sensitivity[1] == Msg("metric.sensitivity")  # its own name, no class's


@pytest.mark.parametrize("version", ["0.10.0", "0.9.0"])
def test_a_result_of_0100_or_before_prints_a_row_per_figure(graded, version):
    old = dataclasses.replace(graded, parameters=dataclasses.replace(
        graded.parameters, medeval=version))
    rows = _definition_rows(old)
    assert len(rows) == len(graded.metrics)
    assert [row[0] for row in rows].count("sensitivity") == 3


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_shared_definition_is_named_in_each_language(graded, lang):
    # the macro averages of sensitivity, PPV and F1 share 'class_average@macro': one row
    # under the definition's own name, in Korean too (its written name is English)
    from medeval.report.catalogue import catalogue

    rows = _definition_rows(graded)
    shared = [m.definition for m in graded.metrics]
    macro = next(row for row in rows if row[0] == "class_average@macro")
    assert shared.count("class_average@macro") > 1
    assert macro[1] == Msg("definition.class_average@macro")
    assert catalogue(lang)["definition.class_average@macro"] == {
        "en": "Macro average over the protocol's classes",
        "ko": "시험 계획서의 분류별 값의 매크로 평균"}[lang]


def test_every_name_of_a_definition_names_a_written_definition():
    # a [definition] key for an id medeval does not define would never be printed
    from medeval.definitions import DEFINITIONS
    from medeval.report.catalogue import catalogue

    for lang in ("en", "ko"):
        # a name an overlay revises for later results ('bland_altman_loa@after-0.11.0')
        # is the same definition's
        names = {key.partition(".")[2].partition("@after-")[0] for key in catalogue(lang)
                 if key.startswith("definition.")}
        assert len(names) == 17
        assert names <= set(DEFINITIONS), names - set(DEFINITIONS)

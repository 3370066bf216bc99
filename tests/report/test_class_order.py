"""Each class's sensitivity on a multi-class certificate comes in the order of the
protocol's labels. It came a-z by name within its definition, as every figure does: the
international diabetic retinopathy scale none, mild, moderate, severe, PDR printed as
PDR, mild, moderate, none, severe, and grades 0-10 as 0, 1, 10, 2 ... Found in the
review of the grading pass (1c3976b), on the figures table and the definitions (pdftotext).
A result made by 0.9.0 or before keeps the a-z order it was issued with (none of them
holds a figure of one class, so none of their certificates changes)."""

from __future__ import annotations

import dataclasses

import pytest

import medeval
from medeval.report import build_certificate
from medeval.report.blocks import Table
from medeval.report.catalogue import Msg, texts

#: The scale as the protocol of the ``dr_scale_result`` fixture (tests/conftest.py) lists it.
SCALE = ["none", "mild", "moderate", "severe", "PDR"]


def _sensitivities(result: medeval.Result, section: str) -> list[str]:
    """The rows 'Sensitivity of class ...' of the figures' (or definitions') table under
    ``section`` (a catalogue key), in their order, as the English certificate prints them."""
    [found] = [s for s in build_certificate(result).sections if s.title == Msg(section)]
    column = 1 if section == "section.definitions" else 0
    table = next(b for b in found.blocks if isinstance(b, Table) and b.header[column] in (
        Msg("column.metric"), Msg("column.name")))
    names = [texts(row[column], "en")[0] for row in table.rows]
    return [n.removeprefix("Sensitivity of class ") for n in names
            if n.startswith("Sensitivity of class ")]


@pytest.mark.parametrize("section", ["section.results", "section.definitions"])
def test_each_class_comes_in_the_protocols_order(dr_scale_result, section) -> None:
    # the definitions give a row per class's sensitivity to results of 0.10.0 and before
    # (made after 0.9.0: in the protocol's order); a later result's give the shared
    # definition once (b1ce6e0, tests/report/test_definition_rows.py)
    result = dr_scale_result if section == "section.results" else dataclasses.replace(
        dr_scale_result, parameters=dataclasses.replace(dr_scale_result.parameters,
                                                        medeval="0.10.0"))
    assert _sensitivities(result, section) == SCALE


@pytest.mark.parametrize("section", ["section.results", "section.definitions"])
def test_a_result_of_0_9_0_keeps_the_order_by_name(dr_scale_result, section) -> None:
    old = dataclasses.replace(dr_scale_result, parameters=dataclasses.replace(
        dr_scale_result.parameters, medeval="0.9.0"))
    assert _sensitivities(old, section) == sorted(SCALE)  # PDR, mild, moderate, none, ...


def _composition(result: medeval.Result) -> list[str]:
    """The classes of the held-out set's composition table (section 4), in their order,
    as the English certificate prints them (the total row left out)."""
    [found] = [s for s in build_certificate(result).sections
               if s.title == Msg("section.dataset")]
    table = next(b for b in found.blocks if isinstance(b, Table)
                 and b.header[0] == Msg("field.composition"))
    return [texts(row[0], "en")[0] for row in table.rows][:-1]


def test_the_sets_composition_comes_in_the_protocols_order(dr_scale_result) -> None:
    # it came a-z (PDR, mild, moderate, none, severe) beside a confusion matrix and class
    # sensitivities in the scale's order; found in the ecg12-pass (Normal, AF, Other,
    # Noisy printed as AF, Noisy, Normal, Other)
    assert _composition(dr_scale_result) == SCALE


def test_a_result_of_0_10_0_keeps_its_composition_by_name(dr_scale_result) -> None:
    old = dataclasses.replace(dr_scale_result, parameters=dataclasses.replace(
        dr_scale_result.parameters, medeval="0.10.0"))
    assert _composition(old) == sorted(SCALE)


def test_a_declared_class_without_case_is_listed_with_0(dr_scale_result) -> None:
    # a pre-check set of the scale without a PDR case: the composition left PDR out (the
    # confusion matrix gives its row of zeros, the warnings say its figures are undefined);
    # it is listed with 0 cases, counted by hand from the result's cases, and the total
    # stays the number of cases. A result of 0.11.0 keeps the table it was issued with.
    cases = [c for c in dr_scale_result.cases if c["reference"] != "PDR"]
    assert len(cases) < len(dr_scale_result.cases)
    no_pdr = dataclasses.replace(dr_scale_result, cases=cases)
    [found] = [s for s in build_certificate(no_pdr).sections
               if s.title == Msg("section.dataset")]
    table = next(b for b in found.blocks if isinstance(b, Table)
                 and b.header[0] == Msg("field.composition"))
    rows = [(texts(row[0], "en")[0], row[1]) for row in table.rows]
    expected = [(label, str(sum(c["reference"] == label for c in cases))) for label in SCALE]
    assert rows[:-1] == expected and expected[-1] == ("PDR", "0")
    assert rows[-1][1] == str(len(cases))
    old = dataclasses.replace(no_pdr, parameters=dataclasses.replace(
        no_pdr.parameters, medeval="0.11.0"))
    assert _composition(old) == SCALE[:-1]

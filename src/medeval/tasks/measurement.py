"""Measurement: a measured quantity (stone size, lesion volume) against its reference.

The manifest's ``reference`` is the reference value (a number, in the protocol's unit);
the prediction is ``<case_id>.json`` holding a number or ``{"value": number}``; a
``"unit"`` beside the value must be the protocol's (``{"value": 0.61, "unit": "cm"}``
under ``unit = "mm"`` is refused, not read as 0.61 mm, nor converted).
Reported: Bland–Altman bias and 95% limits of agreement with their intervals, MAE,
RMSE, Lin's concordance correlation — and the completion rate (cases with a valid
measurement over all cases, with the protocol's proportion interval).

A failed case has no measurement, and agreement statistics cannot invent one: whatever
the policy, failed cases are left out of the agreement figures, counted in the
completion rate (which a criterion can require) and listed in the failures. Under
``exclude`` too, the completion rate is over every case (``sees_failed_cases``): left out
of its own denominator, a failed case would make it 1 by construction.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._plural import counted
from ..loaders.tables import number_text
from ..manifest import Case
from ..metrics.agreement import MAX_MAGNITUDE, bland_altman, lins_ccc, mae, rmse
from ._json_numbers import shown_value
from ._number_hints import is_number_text as _is_number
from ._number_hints import number_hint as _number_hint
from ._scalar_json import read_json_prediction
from .base import (
    Aggregate,
    CaseRow,
    PredictionError,
    TaskType,
    metric_record,
    proportion_estimate,
    several_per_patient,
)

__all__ = ["Measurement"]


class Measurement(TaskType):
    """The ``measurement`` task type behind :func:`medeval.evaluate`."""

    type = "measurement"
    reference_kind = "label"
    scores_values = True
    sees_failed_cases = True
    case_columns = ("reference", "measurement", "difference")

    def __init__(self, spec: Any, statistics: Any, failures: Any = None) -> None:
        self.spec = spec
        self.statistics = statistics

    def reference_problem(self, case: Case, root: Path) -> str | None:
        """A message when the reference is not a finite number."""
        try:
            value = number_text(case.reference)  # not 0_5, which float() reads as 5
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            hint = _number_hint(case.reference, getattr(self.spec, "unit", None))
            return (f"case {case.case_id} (line {case.line}): reference {case.reference!r} is "
                    f"not a finite number{hint}")
        if abs(value) > MAX_MAGNITUDE:
            return (f"case {case.case_id} (line {case.line}): reference {case.reference!r} is "
                    f"{_beyond()}")
        return None

    def score_case(self, case: Case, root: Path, predictions: Path) -> dict[str, Any]:
        """Read the measured value."""
        return self.score_value(case, read_json_prediction(case, predictions))

    def score_value(self, case: Case, value: Any) -> dict[str, Any]:
        """The measured value (or ``{"value": number}``) against the reference."""
        if isinstance(value, dict):
            if "value" not in value:  # {"score": 7.5}: say so, not "got None"
                keys = ", ".join(json.dumps(str(k), ensure_ascii=False)
                                 for k in list(value)[:10]) or "none"
                # medeval's runner stores a plugin's bare number as {"score": number}
                runner = ("; a plugin returning a bare number has it stored as \"score\": "
                          "return {\"value\": number} from predict" if "score" in value
                          else "")
                raise PredictionError(
                    f"case {case.case_id}: the prediction has no \"value\" (its keys: "
                    f"{keys}); the measurement must be a finite number or "
                    f"{{\"value\": number}}{runner}")
            _unit_misnamed(case, value)
            _check_unit(case, value.get("unit"), self.spec.unit)
            value = value["value"]
        if isinstance(value, float) and math.isnan(value):  # not the text 'nan'
            raise PredictionError(
                f"case {case.case_id}: no measurement (an empty cell of the predictions "
                "table, or NaN); the measurement must be a finite number or "
                "{\"value\": number}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            hint = ("" if not isinstance(value, str) else
                    "; a number in quotes is text in JSON: write it without them"
                    if _is_number(value) else _number_hint(value, self.spec.unit))
            raise PredictionError(
                f"case {case.case_id}: the measurement must be a finite number or "
                f"{{\"value\": number}}, got {shown_value(value)}{hint}"
            )
        if abs(value) > MAX_MAGNITUDE:  # 1e200 made the aggregate raise OverflowError
            raise PredictionError(f"case {case.case_id}: the measurement {value!r} is "
                                  f"{_beyond()}")
        reference = float(case.reference)
        return {"reference": reference, "measurement": float(value),
                "difference": float(value) - reference}

    def failed_values(self, case: Case, root: Path) -> dict[str, Any]:
        """No measurement."""
        return {"reference": float(case.reference), "measurement": None, "difference": None}

    def aggregate(self, rows: Sequence[CaseRow], *, clusters: Sequence[str] | None) -> Aggregate:
        """Agreement on the measured cases; the completion rate over all of them."""
        st = self.statistics
        measured = [r for r in rows if r.values["measurement"] is not None]
        ref = np.array([r.values["reference"] for r in measured], dtype=float)
        meas = np.array([r.values["measurement"] for r in measured], dtype=float)
        completion = proportion_estimate(
            [r.values["measurement"] is not None for r in rows], clusters,
            method=st.proportion_method, confidence=st.confidence)
        metrics = [metric_record("completion_rate", "completion_rate", completion, "1")]
        unit = self.spec.unit
        tables: dict[str, Any] = {"bland_altman": None}
        if len(measured) >= 2:
            ba = bland_altman(ref, meas, confidence=st.confidence)
            metrics += [
                metric_record("bias", "bland_altman_bias", ba.bias, unit),
                metric_record("lower_loa", "bland_altman_loa", ba.lower_loa, unit),
                metric_record("upper_loa", "bland_altman_loa", ba.upper_loa, unit),
            ]
            for name, function, metric_unit in (("mae", mae, unit), ("rmse", rmse, unit),
                                                ("lins_ccc", lins_ccc, "1")):
                estimate = function(ref, meas, confidence=st.confidence)
                metrics.append(metric_record(name, name, estimate, metric_unit))
            tables["bland_altman"] = {"sd": ba.sd, "n": ba.n, "unit": unit}
            patients = None if clusters is None else [
                c for c, r in zip(clusters, rows) if r.values["measurement"] is not None]
            return Aggregate(tuple(metrics), tables,
                             _independent(patients) + _unit_slip(ref, meas, unit))
        return Aggregate(tuple(metrics), tables, (
            f"{len(measured)} measured case(s) of {len(rows)}: agreement needs at least 2, "
            "so bias, limits of agreement, MAE, RMSE and Lin's CCC are not reported",))




def _beyond() -> str:
    """Why a value too large for the agreement figures is refused."""
    return (f"beyond {MAX_MAGNITUDE:g} in magnitude, where the agreement figures overflow: "
            "no measurement is that large (a sentinel or an overflowed number?)")


def _unit_slip(reference: np.ndarray, measured: np.ndarray, unit: str) -> tuple[str, ...]:
    """A warning where the measurements' median is a power of ten (within 25%) times the
    references' and the pairs agree far better so scaled (the median absolute difference
    under half of what it is unscaled): one side written in another unit (cm against mm,
    mL against mm³), which nothing converts. The figures stand as computed. The medians
    alone would name a quantity near zero (a signed shift, a volume mostly 0) whose
    medians happen to be 10 times apart, while scaling its references does not bring the
    pairs together. A quantity below zero on both sides (a displacement, an offset) is
    compared by the medians' sizes; medians of opposite signs or at zero are no slip.

    Examples
    --------
    >>> _unit_slip(np.array([52.2, 60.1, 70.3]), np.array([5.3, 6.0, 7.1]), "mm")[0][:58]
    'the measurements are about 0.1 times the references (media'
    >>> _unit_slip(np.array([52.2, 60.1]), np.array([53.0, 59.0]), "mm")
    ()
    >>> _unit_slip(np.array([-4.0, 0.05, 3.0]), np.array([-3.0, 0.5, 3.5]), "mm")
    ()
    >>> _unit_slip(np.array([-52.2, -60.1]), np.array([-5.3, -6.0]), "mm")[0][:58]
    'the measurements are about 0.1 times the references (media'
    """
    ref_median, meas_median = float(np.median(reference)), float(np.median(measured))
    if not ref_median * meas_median > 0:
        return ()
    power = math.log10(meas_median / ref_median)
    if round(power) == 0 or abs(power - round(power)) > math.log10(1.25):
        return ()
    scaled = np.median(np.abs(measured - reference * 10.0 ** round(power)))
    if not scaled < np.median(np.abs(measured - reference)) / 2:
        return ()
    return (f"the measurements are about {10.0 ** round(power):g} times the references "
            f"(medians {meas_median:g} and {ref_median:g} {unit}): is one side in another "
            f"unit (cm or m against mm, mL against mm³)? Both are read as {unit}; nothing "
            "is converted",)


def _independent(patients: Sequence[str] | None) -> tuple[str, ...]:
    """A warning where the protocol's unit is the patient and some patient holds several
    measured cases: the agreement figures' intervals (t, Carkeet, Lin's z) take the
    cases as independent, having no clustered form here, so they are too narrow if a
    patient's cases are alike. (The completion rate's interval is clustered.)

    Examples
    --------
    >>> _independent(["p1", "p1", "p2"])[0][:52]
    'the intervals of bias, the limits of agreement, MAE,'
    >>> _independent(["p1", "p2"]), _independent(None)
    ((), ())
    """
    if patients is None or not several_per_patient(list(patients)):
        return ()
    return (f"the intervals of bias, the limits of agreement, MAE, RMSE and Lin's CCC take "
            f"the {len(patients)} measured cases as independent, but they are of "
            f"{counted(len(set(patients)), 'patient')}, several per patient: they are too "
            "narrow if a patient's cases are alike (these intervals have no form over "
            "patients here)",)


def _check_unit(case: Case, stated: Any, unit: str) -> None:
    """A unit the prediction states must be the protocol's (letter case, spaces and
    Unicode's compatibility forms aside: "MM", the one-character "㎜" a Korean or
    Japanese keyboard types, "µm" with the micro sign): a value in cm scored as mm would
    be ten times too small without a word."""
    if stated is None:
        return
    if not isinstance(stated, str) or _unit_form(stated) != _unit_form(unit):
        raise PredictionError(
            f"case {case.case_id}: the prediction states unit "
            f"{json.dumps(stated, ensure_ascii=False)}, and the protocol measures in "
            f"{json.dumps(unit, ensure_ascii=False)}: write the value in {unit} (nothing "
            "is converted)")


def _unit_misnamed(case: Case, value: dict[str, Any]) -> None:
    """Refuse a key that is ``"unit"`` in another letter case, with spaces or as a plural
    (``"units"``, ``"Unit"``): left unread, ``{"value": 0.6, "units": "cm"}`` was scored
    as 0.6 of the protocol's mm. A predictions table's ``units`` column is refused alike
    (:func:`medeval.loaders.tables.read_table`)."""
    misnamed = [key for key in value if key != "unit" and isinstance(key, str)
                and key.strip().casefold().removesuffix("s") == "unit"]
    if misnamed:
        stated = value[misnamed[0]]
        example = json.dumps(stated if isinstance(stated, str) else "mm", ensure_ascii=False)
        raise PredictionError(
            f"case {case.case_id}: the prediction names its unit "
            f"{json.dumps(misnamed[0], ensure_ascii=False)}, which is not read: the unit "
            "beside the value is named exactly \"unit\" ({\"value\": number, \"unit\": "
            f"{example}}}), and a unit other than the protocol's fails the case")


def _unit_form(unit: str) -> str:
    """A unit as compared: NFKC ("㎜" is "mm", "㎤" "cm3"), without spaces, case-folded."""
    return unicodedata.normalize("NFKC", unit).strip().casefold()

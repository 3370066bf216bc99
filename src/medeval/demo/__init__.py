"""The demo: the whole certified flow on data and example algorithms medeval ships.

:func:`run_demo` evaluates three held-out sets, each with its example algorithm run
through the runner in its sandbox, and writes each set's result JSON, certificate PDF
(Korean and English) and HTML report:

=================  ===========================================  ========================
set                data                                         algorithm (a plugin)
=================  ===========================================  ========================
classification     369 breast-mass cases, five nucleus features  logistic regression
                   each (Breast Cancer Wisconsin, CC BY 4.0)     (``wdbc_logistic.py``)
segmentation       6 synthetic CT volumes, DICOM series, one     HU window + largest
                   stone each, NIfTI reference masks             component
                                                                 (``ct_threshold.py``)
ecg                MIT-BIH record 100, first 10 min, reference   XQRS QRS detector
                   beats (PhysioNet, ODC-By 1.0)                 (``qrs_detector.py``)
=================  ===========================================  ========================

The shipped files (``references.csv``, ``predictions.csv``, ``features.csv``,
``ecg/``) and their credits are described in ``README.md`` and ``ecg/README.md`` beside
this module; the example algorithms are in ``algorithms/<set>/``, each folder holding
the algorithm alone.
"""

from __future__ import annotations

from ._run import DemoOutcome, DemoSet, ecg_available, run_demo
from ._sets import DemoError

__all__ = ["DemoError", "DemoOutcome", "DemoSet", "ecg_available", "run_demo"]

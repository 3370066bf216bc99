"""The metric-definition registry: every definition has a conformance test, and back.

Adding a definition to ``medeval.definitions`` without naming here the test that checks
it against a peer or a worked case fails ``test_every_definition_has_a_conformance_test``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medeval.definitions import DEFINITIONS, definition

TESTS = Path(__file__).resolve().parents[1]
BINARY = "tasks/test_binary_classification.py"

# definition id -> "file::test" that compares it with something medeval did not compute
CONFORMANCE = {
    "prevalence": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "sensitivity": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "specificity": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "ppv": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "npv": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "accuracy": f"{BINARY}::test_proportions_match_sklearn_and_statsmodels",
    "balanced_accuracy": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "youden_j": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "f1": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "lr_positive": "stats/test_ratios.py::test_positive_by_hand",
    "lr_negative": "stats/test_ratios.py::test_negative_by_hand",
    "roc_auc": "metrics/test_ranking.py::test_acceptance_sklearn_with_many_ties",
    "average_precision": "metrics/test_ranking.py::test_average_precision_against_sklearn",
    "brier_score": f"{BINARY}::test_ranking_and_composites_match_sklearn",
    "ece@uniform": f"{BINARY}::test_ece_by_hand",
    "dice": "metrics/test_segmentation.py::test_against_medpy",
    "jaccard": "metrics/test_segmentation.py::test_against_medpy",
    "mask_sensitivity": "metrics/test_segmentation.py::test_against_medpy",
    "mask_precision": "metrics/test_segmentation.py::test_against_medpy",
    "relative_volume_difference": "metrics/test_segmentation.py::test_against_medpy",
    "volume_ml": "metrics/test_segmentation.py::test_volume_by_hand",
    "hausdorff": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "hd95@pooled": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "hd95@max-directed": "metrics/test_surface.py::test_two_single_voxels",
    "assd": "metrics/test_surface.py::test_hausdorff_hd95_pooled_assd",
    "masd": "metrics/test_surface.py::test_directed_distances_are_medpys",
    "nsd@surfel": "metrics/test_surface.py::test_surfel_nsd",
    "nsd@count": "metrics/test_surface.py::test_two_single_voxels",
    "lesion_sensitivity": "metrics/test_lesions.py::test_iou_criterion",
    "false_positive_lesions": "metrics/test_lesions.py::test_iou_criterion",
}


def test_every_definition_has_a_conformance_test():
    assert set(DEFINITIONS) == set(CONFORMANCE), (
        f"no conformance test named for {sorted(set(DEFINITIONS) - set(CONFORMANCE))}; "
        f"stale entries {sorted(set(CONFORMANCE) - set(DEFINITIONS))}"
    )


@pytest.mark.parametrize(("definition_id", "node"), sorted(CONFORMANCE.items()))
def test_named_test_exists(definition_id, node):
    path, _, name = node.partition("::")
    text = (TESTS / path).read_text(encoding="utf-8")
    assert re.search(rf"def {re.escape(name)}\(", text), f"{definition_id}: {node} not found"


def test_lookup():
    assert definition("hd95@max-directed").unit == "mm"
    assert definition("dice").higher_is_better is True
    with pytest.raises(KeyError, match="known"):
        definition("hd95")

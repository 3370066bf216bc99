"""Task types: each reads references and predictions, scores cases, aggregates with CIs."""

from .binary_classification import evaluate_classification

__all__ = ["evaluate_classification"]

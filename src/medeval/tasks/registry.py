"""Which module implements which task type."""

from __future__ import annotations

from typing import Any

from ..protocol import Protocol
from .base import TaskType

__all__ = ["TASK_TYPES", "make_task", "task_class"]

#: task type -> "module:Class" under medeval.tasks (imported on use).
TASK_TYPES = {
    "binary-classification": "binary_classification:BinaryClassification",
    "coco-detection": "coco_detection:CocoDetectionTask",
    "detection": "detection:Detection",
    "ecg-beats": "ecg_beats:EcgBeats",
    "eeg-events": "eeg_events:EegEvents",
    "measurement": "measurement:Measurement",
    "multiclass-classification": "multiclass_classification:MulticlassClassification",
    "multilabel-classification": "multilabel_classification:MultilabelClassification",
    "reader-study": "reader_study:ReaderStudy",
    "segmentation": "segmentation:Segmentation",
}


def task_class(kind: str) -> Any:
    """The class implementing task type ``kind`` (its ``reference_kind`` says what the
    manifest's reference column holds).

    Examples
    --------
    >>> task_class("segmentation").reference_kind, task_class("ecg-beats").reference_kind
    ('image', 'annotations')
    """
    from importlib import import_module

    from ..protocol import ProtocolError

    if kind not in TASK_TYPES:
        raise ProtocolError(
            f"task.type: {kind!r} has no evaluation yet in this medeval version; available: "
            f"{', '.join(sorted(TASK_TYPES))}"
        )
    module, _, name = TASK_TYPES[kind].partition(":")
    return getattr(import_module(f"medeval.tasks.{module}"), name)


def make_task(protocol: Protocol) -> TaskType:
    """The task object of a protocol's task type."""
    cls = task_class(protocol.task.type)
    task: TaskType = cls(protocol.task, protocol.statistics, protocol.failures)
    return task

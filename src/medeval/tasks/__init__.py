"""Task types: each reads references and predictions, scores cases, aggregates with CIs.

One module per task type, each a class implementing :class:`medeval.tasks.base.TaskType`;
:mod:`medeval.tasks.registry` names which module implements which type.
"""

__all__: list[str] = []

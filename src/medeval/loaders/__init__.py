"""Readers of the held-out set's files, one module per format."""

from .tables import CaseTable, join_cases, read_table

__all__ = ["CaseTable", "join_cases", "read_table"]

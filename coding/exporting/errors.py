"""Errors of the export layer. All are ``ValueError``s with a message for the researcher."""

from __future__ import annotations


class ExportError(ValueError):
    """Base class of export errors."""


class ExportLayoutError(ExportError):
    """The codebook cannot be exported this way: an unknown ``derived`` rule, a column name
    used twice, or a format that does not fit the codebook (PLOVER JSONL for a non-PLOVER
    codebook). Raised when the writer is called, before any chunk is produced."""


class ExportDataError(ExportError):
    """An event breaks the ``ExportEvent`` contract (e.g. a dictionary reference that the
    database layer did not resolve). Raised while streaming, at the offending event."""

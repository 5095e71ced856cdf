"""Article import parsing: JSON, JSON Lines, CSV, plain text and zip uploads → articles.

Pure Python (no Django): the database-side service decides what to do with the report.
See docs/import-format.md for the formats, fields, errors and limits.
"""

from coding.importing.formats import SUPPORTED_FORMATS
from coding.importing.limits import DEFAULT_LIMITS, ImportLimits
from coding.importing.parse import iter_article_rows, parse_upload
from coding.importing.records import ArticleInput, ParsedRow, RowError
from coding.importing.report import ImportReport

__all__ = [
    "DEFAULT_LIMITS",
    "SUPPORTED_FORMATS",
    "ArticleInput",
    "ImportLimits",
    "ImportReport",
    "ParsedRow",
    "RowError",
    "iter_article_rows",
    "parse_upload",
]

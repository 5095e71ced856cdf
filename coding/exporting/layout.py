"""The column layout of the tabular exports (CSV, GeoJSON properties, Data Package).

* A codebook with an ``export.columns`` layout (the ACLED preset) gets exactly those columns,
  in that order; the ``acled`` preset also gets ACLED's value conventions.
* Any other codebook gets one column per field (its ``export_column``, in field order), then
  ``event_type``, ``event_type_label``, ``event_subtype``, ``event_subtype_label``; the
  ``ucdp`` preset has UCDP GED's ``number_of_sources`` (reports of the dataset event) first.
* Both are followed by Athar's provenance columns (``athar_event_id`` ... ``athar_validated_at``).
"""

from __future__ import annotations

from collections import Counter

from coding.codebook_spec import CodebookSpec

from .cells import Cell
from .column import (
    ExportColumn,
    event_type_columns,
    field_column,
    number_of_sources_column,
    provenance_columns,
)
from .derived import derived_column
from .errors import ExportLayoutError
from .records import ExportEvent
from .values import ACLED_PRESET

UCDP_PRESET = "ucdp"

PROVENANCE_COLUMNS: tuple[str, ...] = (
    "athar_event_id",
    "athar_article_id",
    "athar_codebook",
    "athar_evidence",
    "athar_decision",
    "athar_source_events",
    "athar_validated_at",
)


def uses_acled_conventions(spec: CodebookSpec) -> bool:
    return spec.preset == ACLED_PRESET


def export_columns(spec: CodebookSpec) -> tuple[ExportColumn, ...]:
    """Every column of the tabular exports of ``spec``, in order.

    Raises ``ExportLayoutError`` for an unknown derived rule or a column name used twice
    (e.g. a field whose ``export_column`` is ``athar_event_id``).
    """
    acled = uses_acled_conventions(spec)
    if spec.export is not None:
        native = []
        for column in spec.export.columns:
            if column.field is not None:
                spec_field = spec.field_by_key(column.field)
                if spec_field is None:
                    raise ExportLayoutError(
                        f"column {column.name!r}: unknown field {column.field!r}"
                    )
                native.append(field_column(spec, spec_field, name=column.name, acled=acled))
            else:
                native.append(derived_column(spec, column.name, column.derived or "", acled=acled))
        columns = (*native, *provenance_columns(spec))
    else:
        fields = tuple(
            field_column(spec, spec_field, name=spec_field.export_column, acled=False)
            for spec_field in spec.fields
        )
        sources = (number_of_sources_column(),) if spec.preset == UCDP_PRESET else ()
        columns = (*fields, *sources, *event_type_columns(spec), *provenance_columns(spec))
    repeated = [name for name, count in Counter(c.name for c in columns).items() if count > 1]
    if repeated:
        raise ExportLayoutError(
            "column names used more than once: "
            + ", ".join(repeated)
            + " (rename the field's export_column)"
        )
    return columns


def csv_header(spec: CodebookSpec) -> list[str]:
    """The column names of ``spec``'s CSV export, in order."""
    return [column.name for column in export_columns(spec)]


def row_cells(event: ExportEvent, columns: tuple[ExportColumn, ...]) -> list[Cell]:
    """The typed cells of one event, in column order."""
    return [column.cell(event) for column in columns]

"""Export of validated (gold) events: CSV, JSONL, GeoJSON, PLOVER JSONL and Data Package.

Pure Python (stdlib csv/json/zipfile + PyYAML through coding.codebook_spec); no Django. The
database layer turns gold events into ``ExportEvent`` records; the writers here turn those
into text chunks (generators, for streaming with bounded memory) or a zip. Each text format
is also an incremental writer (``CsvSink``, ``JsonlSink``...: ``chunks.TextSink``), so that one
pass over the events can feed every format of a release.
See docs/export-formats.md for the formats, columns and conventions.
"""

from coding.exporting.acled import event_id_cnty, interaction_code
from coding.exporting.cells import Cell
from coding.exporting.chunks import CHUNK_CHARS, TextSink, sink_chunks
from coding.exporting.column import ExportColumn
from coding.exporting.countries import COUNTRIES, Country, country_for
from coding.exporting.csv_writer import CsvSink, csv_chunks
from coding.exporting.datapackage import (
    DataPackageWriter,
    PackageSummary,
    table_schema,
    write_datapackage,
)
from coding.exporting.dataset_events import DatasetLayout, combine_reports
from coding.exporting.errors import ExportDataError, ExportError, ExportLayoutError
from coding.exporting.geojson_writer import GeoJsonSink, geojson_chunks
from coding.exporting.jsonl_writer import JsonlSink, event_record, jsonl_chunks
from coding.exporting.layout import PROVENANCE_COLUMNS, csv_header, export_columns
from coding.exporting.plover import PloverSink, plover_jsonl_chunks, plover_record
from coding.exporting.records import (
    ExportActor,
    ExportArticle,
    ExportCodebook,
    ExportEvent,
    ExportEventType,
    ExportLocation,
    ExportProvenance,
    ExportReport,
    ExportSpan,
)
from coding.exporting.rows import RowPlan

__all__ = [
    "CHUNK_CHARS",
    "COUNTRIES",
    "PROVENANCE_COLUMNS",
    "Cell",
    "Country",
    "CsvSink",
    "DataPackageWriter",
    "DatasetLayout",
    "ExportActor",
    "ExportArticle",
    "ExportCodebook",
    "ExportColumn",
    "ExportDataError",
    "ExportError",
    "ExportEvent",
    "ExportEventType",
    "ExportLayoutError",
    "ExportLocation",
    "ExportProvenance",
    "ExportReport",
    "ExportSpan",
    "GeoJsonSink",
    "JsonlSink",
    "PackageSummary",
    "PloverSink",
    "RowPlan",
    "TextSink",
    "combine_reports",
    "country_for",
    "csv_chunks",
    "csv_header",
    "event_id_cnty",
    "event_record",
    "export_columns",
    "geojson_chunks",
    "interaction_code",
    "jsonl_chunks",
    "plover_jsonl_chunks",
    "plover_record",
    "sink_chunks",
    "table_schema",
    "write_datapackage",
]

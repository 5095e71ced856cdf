"""Frictionless Data Package export: a zip with the events, their schema, the codebook and
the agreement report (https://specs.frictionlessdata.io/data-package/).

Zip members, in writing order:

* ``codebook.yaml`` — the codebook version the events were coded with, as given;
* ``agreement.json`` — the agreement report, as given (NaN/infinities written as null);
* ``events.csv`` — the CSV export (``csv_chunks`` without BOM; text cells a spreadsheet
  would take for formulas guarded unless ``formula_guard=False``), streamed;
* ``datapackage.json`` — the descriptor, last because it records the size and SHA-256 of
  ``events.csv``, which are known only once the events have been written.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from coding.codebook_spec import CodebookSpec

from .chunks import sink_chunks
from .csv_writer import CsvSink
from .layout import export_columns
from .records import ExportEvent

EVENTS_PATH = "events.csv"
CODEBOOK_PATH = "codebook.yaml"
AGREEMENT_PATH = "agreement.json"
DESCRIPTOR_PATH = "datapackage.json"
PRIMARY_KEY = "athar_event_id"

# Zip entries carry the zip epoch rather than the current time, so the same events give the
# same bytes (reproducible archives; the export date belongs in `version`).
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_NAME = re.compile(r"[a-z0-9._-]+", flags=re.ASCII)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """What ``write_datapackage`` wrote: the number of event rows and the size (bytes) and
    SHA-256 (hex) of ``events.csv``, as recorded in the descriptor."""

    rows: int
    events_bytes: int
    events_sha256: str


def table_schema(spec: CodebookSpec) -> dict[str, Any]:
    """The Table Schema of ``events.csv`` for ``spec``: one field per CSV column, with types,
    enums from choices (``constraints.enum``), descriptions from field definitions, and
    ``athar_event_id`` as primary key. Empty cells are missing values."""
    return {
        "fields": [column.schema_field() for column in export_columns(spec)],
        "missingValues": [""],
        "primaryKey": [PRIMARY_KEY],
    }


def write_datapackage(
    zip_fileobj: IO[bytes],
    events: Iterable[ExportEvent],
    spec: CodebookSpec,
    *,
    codebook_yaml: str,
    agreement_report: dict[str, Any],
    name: str,
    version: str,
    formula_guard: bool = True,
) -> PackageSummary:
    """Write the Data Package zip of the live ``events`` to ``zip_fileobj``.

    ``zip_fileobj`` may be unseekable (a streaming response): members are written with data
    descriptors and ``events.csv`` is written chunk by chunk, so memory stays bounded.
    ``name`` must be a Data Package name (lowercase letters, digits, ``.``, ``_``, ``-``);
    ``version`` is the dataset's version (e.g. ``"2025.03.1"``); ``formula_guard`` is that
    of ``csv_chunks``. Raises ``ValueError`` for a
    bad name or an agreement report that is not JSON data, before any event is read.
    """
    package = DataPackageWriter(
        zip_fileobj,
        spec,
        codebook_yaml=codebook_yaml,
        agreement_report=agreement_report,
        name=name,
        version=version,
    )
    sink = CsvSink(spec, formula_guard=formula_guard)
    try:
        for chunk in sink_chunks(sink, events):
            package.write_events(chunk.encode("utf-8"))
    except BaseException:
        package.abandon()
        raise
    return package.close(rows=sink.rows)


class DataPackageWriter:
    """A Data Package zip written incrementally, for a caller that writes ``events.csv``
    itself (a release writes the CSV once, for its own file and for the package).

    The constructor checks ``name`` and the agreement report (``ValueError``) and writes
    ``codebook.yaml`` and ``agreement.json``; ``write_events`` appends bytes of
    ``events.csv`` (the CSV export without BOM, header first); ``close(rows=n)`` ends
    ``events.csv``, writes ``datapackage.json`` and the zip directory, and returns what was
    written. ``abandon()`` ends the zip after a failure (its content is then incomplete).
    """

    def __init__(
        self,
        zip_fileobj: IO[bytes],
        spec: CodebookSpec,
        *,
        codebook_yaml: str,
        agreement_report: dict[str, Any],
        name: str,
        version: str,
    ) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"data package name {name!r} must match [a-z0-9._-]+")
        agreement_text = json.dumps(
            _strict_json(agreement_report), ensure_ascii=False, indent=2, allow_nan=False
        )
        self._spec = spec
        self._schema = table_schema(spec)
        self._name = name
        self._version = version
        self._digest = hashlib.sha256()
        self._size = 0
        self._files = {
            CODEBOOK_PATH: codebook_yaml.encode("utf-8"),
            AGREEMENT_PATH: (agreement_text + "\n").encode("utf-8"),
        }
        self._archive = zipfile.ZipFile(zip_fileobj, "w", compression=zipfile.ZIP_DEFLATED)
        for path, data in self._files.items():
            self._archive.writestr(_entry(path), data)
        self._member = self._archive.open(_entry(EVENTS_PATH), "w", force_zip64=True)

    def write_events(self, data: bytes) -> None:
        """Append UTF-8 bytes of ``events.csv``."""
        self._digest.update(data)
        self._size += len(data)
        self._member.write(data)

    def close(self, *, rows: int) -> PackageSummary:
        """Finish the package; ``rows`` is the number of event rows in ``events.csv``."""
        self._member.close()
        summary = PackageSummary(rows, self._size, self._digest.hexdigest())
        descriptor = package_descriptor(
            self._spec,
            self._schema,
            name=self._name,
            version=self._version,
            summary=summary,
            files=self._files,
        )
        text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        self._archive.writestr(_entry(DESCRIPTOR_PATH), text.encode("utf-8"))
        self._archive.close()
        return summary

    def abandon(self) -> None:
        self._member.close()
        self._archive.close()


def package_descriptor(
    spec: CodebookSpec,
    schema: dict[str, Any],
    *,
    name: str,
    version: str,
    summary: PackageSummary,
    files: dict[str, bytes],
) -> dict[str, Any]:
    """The ``datapackage.json`` content; ``files`` holds the bytes of the codebook and
    agreement members (for their size and hash)."""
    codebook_id = f"{spec.slug}@{spec.version}" if spec.version is not None else spec.slug
    return {
        "profile": "data-package",
        "name": name,
        "version": version,
        "title": f"{spec.name}: validated events",
        "description": (
            f"Gold (adjudicated) events coded in Athar with codebook {codebook_id}. "
            "Evidence offsets are Unicode code points into the article text."
        ),
        "resources": [
            {
                "name": "events",
                "type": "table",
                "path": EVENTS_PATH,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": summary.events_bytes,
                "hash": f"sha256:{summary.events_sha256}",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            },
            _file_resource(
                "codebook",
                CODEBOOK_PATH,
                "yaml",
                "application/yaml",
                f"Codebook {codebook_id} (athar-codebook/1 format).",
                files[CODEBOOK_PATH],
            ),
            _file_resource(
                "agreement",
                AGREEMENT_PATH,
                "json",
                "application/json",
                "Inter-coder agreement report of the exported articles.",
                files[AGREEMENT_PATH],
            ),
        ],
    }


def _file_resource(
    name: str, path: str, file_format: str, mediatype: str, description: str, data: bytes
) -> dict[str, Any]:
    # `type: file` tells frictionless this is an opaque file: without it a .yaml or .json
    # resource would be read as a Data Package descriptor and fail validation.
    return {
        "name": name,
        "type": "file",
        "path": path,
        "format": file_format,
        "mediatype": mediatype,
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "description": description,
    }


def _entry(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r-- for unzip tools
    return info


def _strict_json(value: Any) -> Any:
    """A copy with NaN and infinities replaced by None (strict JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _strict_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strict_json(item) for item in value]
    return value

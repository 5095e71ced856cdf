"""GeoJSON export (RFC 7946): a FeatureCollection of points, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from coding.codebook_spec import CodebookSpec

from .cells import compact_json
from .chunks import batched_text
from .column import ExportColumn
from .layout import export_columns, row_cells
from .records import ExportEvent

_HEADER = '{"type":"FeatureCollection","features":['
_FOOTER = "]}\n"


def geojson_chunks(events: Iterable[ExportEvent], spec: CodebookSpec) -> Iterator[str]:
    """The GeoJSON export of ``events`` as text chunks (encode them as UTF-8).

    One ``Point`` feature per live event whose location has coordinates, at
    ``[longitude, latitude]`` (RFC 7946 order, WGS 84, full stored precision). The feature's
    ``id`` is the Athar event id and its ``properties`` are the CSV columns with typed values
    (numbers as numbers, ``athar_evidence`` as a list). Events without coordinates and
    retracted events are left out. The first chunk is the collection's opening alone.
    """
    columns = export_columns(spec)
    return _generate(events, columns)


def _generate(events: Iterable[ExportEvent], columns: tuple[ExportColumn, ...]) -> Iterator[str]:
    yield _HEADER
    names = [column.name for column in columns]
    features = (
        feature
        for feature in (_feature(event, columns, names) for event in events if not event.retracted)
        if feature is not None
    )
    separated = (("," if index else "") + text for index, text in enumerate(features))
    yield from batched_text(separated)
    yield _FOOTER


def _feature(event: ExportEvent, columns: tuple[ExportColumn, ...], names: list[str]) -> str | None:
    place = event.location
    if place is None or place.latitude is None or place.longitude is None:
        return None
    feature: dict[str, Any] = {
        "type": "Feature",
        "id": event.event_id,
        "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
        "properties": dict(zip(names, row_cells(event, columns), strict=True)),
    }
    return compact_json(feature)

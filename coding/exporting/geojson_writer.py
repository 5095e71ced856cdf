"""GeoJSON export (RFC 7946): a FeatureCollection of points, streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from coding.codebook_spec import CodebookSpec

from .cells import compact_json
from .chunks import sink_chunks
from .jsonl_writer import report_record
from .layout import export_columns
from .records import ExportEvent
from .rows import RowPlan

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
    return sink_chunks(GeoJsonSink(spec), events)


class GeoJsonSink:
    """The GeoJSON export as an incremental writer (``chunks.TextSink``). ``plan`` lets a
    CSV sink of the same pass share the computed cells."""

    def __init__(self, spec: CodebookSpec, *, plan: RowPlan | None = None) -> None:
        self.plan = plan if plan is not None else RowPlan(export_columns(spec))
        self.features = 0
        self._parts: list[str] = []
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def opening(self) -> str:
        return _HEADER

    def add(self, event: ExportEvent) -> None:
        feature = self.feature_text(event)
        if not feature:
            return
        text = ("," if self.features else "") + feature
        self.features += 1
        self._parts.append(text)
        self._pending += len(text)

    def feature_text(self, event: ExportEvent) -> str:
        """The JSON of ``event``'s feature, without a separator; "" when the event has none
        (retracted, or no coordinates). Stored renderings keep exactly this text."""
        place = event.location
        if event.retracted or place is None or place.latitude is None or place.longitude is None:
            return ""
        feature: dict[str, Any] = {
            "type": "Feature",
            "id": event.event_id,
            "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
            "properties": dict(zip(self.plan.names, self.plan.cells(event), strict=True)),
        }
        if event.reports:  # a dataset event with several reports: each with its evidence
            feature["properties"]["athar_reports"] = [report_record(r) for r in event.reports]
        return compact_json(feature)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        self._pending = 0
        return text

    def closing(self) -> str:
        return _FOOTER

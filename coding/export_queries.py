"""Query helpers shared by the export readers (coding.export_selectors and
coding.export_dataset_events): the gold event columns a record is built from, an ``= ANY``
lookup for a chunk's ids, and the ``{"id": n}`` references inside stored values."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Lookup

EVENT_COLUMNS = (
    "id",
    "article_id",
    "adjudication_id",
    "event_type_id",
    "event_subtype_id",
    "values",
    "date_start",
    "date_end",
    "date_precision",
    "geo_precision",
    "fatalities",
    "location_id",
)


class AnyOf(Lookup):
    """``column = ANY('{1,2,...}'::bigint[])``: a chunk's thousands of ids as one array
    literal on PostgreSQL (as ``IN (...)`` they would be thousands of parameters to send and
    parse, and psycopg adapts a list element by element in Python); ``IN`` on other
    databases. Used as ``.filter(AnyOf(F("event_id"), ids))``; the ids are integers."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(map(int, self.rhs))
        if not ids:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, ids)) + "}")
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


def reference_ids(keys: tuple[str, ...], rows: list[tuple[Any, ...]]) -> set[int]:
    """Ids of the ``{"id": n}`` references under ``keys`` in the rows' values."""
    ids: set[int] = set()
    for row in rows:
        values = row[5]
        for key in keys:
            value = values.get(key)
            if value is None:
                continue
            if type(value) is dict:  # the usual shape: one reference
                ref = value.get("id")
                if ref is not None:
                    ids.add(int(ref))
                continue
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict) and item.get("id") is not None:
                    ids.add(int(item["id"]))
    return ids


def resolved_entries(
    values: dict[str, Any], keys: tuple[str, ...], table: dict[int, Any]
) -> dict[str, tuple[Any, ...]]:
    """The entries each field under ``keys`` refers to (fields without a reference are left
    out); ``table`` holds every id ``reference_ids`` found, placeholders included."""
    out: dict[str, tuple[Any, ...]] = {}
    for key in keys:
        value = values.get(key)
        if value is None:
            continue
        if type(value) is dict:  # the usual shape: one reference
            ref = value.get("id")
            if ref is not None:
                out[key] = (table[int(ref)],)
            continue
        items = value if isinstance(value, list) else (value,)
        resolved = tuple(
            table[int(i["id"])] for i in items if isinstance(i, dict) and i.get("id") is not None
        )
        if resolved:
            out[key] = resolved
    return out

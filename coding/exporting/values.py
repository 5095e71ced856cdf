"""Rendering one field's stored value as one cell.

Generic rules (every codebook): choice codes as they are (as integers when every code of the
field is a canonical integer such as ``"1"``), multiple values joined with ``"; "``,
dictionary references as entry names, dates as ``start`` or ``start/end`` (ISO 8601
interval), integers, text and booleans as they are. The ``acled`` preset adds ACLED's
conventions (one day per event, the ``civilian_targeting`` label); see ``acled.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from coding.codebook_spec import FieldSpec

from .acled import CIVILIAN_TARGETING_VALUE, midpoint
from .cells import LIST_SEPARATOR, Cell
from .errors import ExportDataError
from .records import ExportActor, ExportEvent, ExportLocation

Entry = ExportActor | ExportLocation | str
"""A resolved reference: a dictionary entry, or the name a coder proposed (``{"name": s}``)."""

ACLED_PRESET = "acled"
PLOVER_PRESET = "plover"


def has_integer_codes(field: FieldSpec) -> bool:
    """Whether every choice code is a canonical integer (``"1"``, not ``"01"``)."""
    return bool(field.choices) and all(_canonical_int(choice.code) for choice in field.choices)


def _canonical_int(code: str) -> bool:
    try:
        return str(int(code)) == code
    except ValueError:
        return False


def is_empty(value: Any) -> bool:
    """None, blank text and empty lists mean "no value" (docs/codebook-format.md)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return False


def field_cell(
    event: ExportEvent, field: FieldSpec, *, acled: bool, integer_codes: bool | None = None
) -> Cell:
    """The cell of ``field`` for ``event``; ``acled`` switches on ACLED's conventions.
    ``integer_codes`` is ``has_integer_codes(field)``, passed in when already known."""
    value: Any = event.values.get(field.key)
    if is_empty(value):
        return None
    kind = field.kind
    if kind == "choice":
        if integer_codes is None:
            integer_codes = has_integer_codes(field)
        return _choice_cell(event, field, value, integer_codes)
    if kind == "multi_choice":
        return LIST_SEPARATOR.join(str(code) for code in value)
    if kind in ("actor", "location"):
        return LIST_SEPARATOR.join(entry_name(entry) for entry in resolve_references(event, field))
    if kind == "date":
        start, end = date_span(event, field.key)
        if acled:
            return midpoint(start, end).isoformat()
        return start.isoformat() if end == start else f"{start.isoformat()}/{end.isoformat()}"
    if kind == "boolean" and acled and field.key == "civilian_targeting":
        return CIVILIAN_TARGETING_VALUE if value is True else None
    if kind in ("integer", "text", "boolean"):
        return value
    raise ExportDataError(f"event {event.event_id}: field {field.key!r} has unknown kind {kind!r}")


def _choice_cell(event: ExportEvent, field: FieldSpec, value: Any, integer_codes: bool) -> Cell:
    if not integer_codes:
        return str(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ExportDataError(
            f"event {event.event_id}: field {field.key!r} holds {value!r}, not one of its codes"
        ) from None


def entry_name(entry: Entry) -> str:
    return entry if isinstance(entry, str) else entry.name


def resolve_references(event: ExportEvent, field: FieldSpec) -> list[Entry]:
    """The entries an actor/location field refers to, in stored order.

    ``{"id": n}`` is looked up in ``event.actors[field.key]`` (actor fields) or in
    ``event.places[field.key]`` and ``event.location`` (location fields); ``{"name": s}``
    gives ``s``. An id the database layer did not resolve raises ``ExportDataError``: a
    gold export must not silently drop or invent a name.
    """
    raw = event.values.get(field.key)
    if is_empty(raw):
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    known = _candidates(event, field)
    entries: list[Entry] = []
    for item in items:
        if isinstance(item, Mapping) and item.get("id") is not None:
            entry = known.get(_as_id(item["id"]))
            if entry is None:
                raise ExportDataError(
                    f"event {event.event_id}: {field.kind} {item['id']} of field "
                    f"{field.key!r} was not resolved by the database layer"
                )
            entries.append(entry)
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            entries.append(item["name"])
        else:
            raise ExportDataError(
                f"event {event.event_id}: field {field.key!r} holds {item!r}, "
                'not {"id": n} or {"name": s}'
            )
    return entries


def _as_id(value: Any) -> Any:
    # Ids are ints in stored values; tolerate "12" from a hand-edited import.
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _candidates(event: ExportEvent, field: FieldSpec) -> dict[Any, ExportActor | ExportLocation]:
    if field.kind == "actor":
        return {actor.id: actor for actor in event.actors.get(field.key, ())}
    places: dict[Any, ExportActor | ExportLocation] = {
        place.id: place for place in event.places.get(field.key, ())
    }
    if event.location is not None:
        places.setdefault(event.location.id, event.location)
    return places


def date_span(event: ExportEvent, key: str) -> tuple[date, date]:
    """``(start, end)`` of a stored date value; ``end`` missing or null means ``start``."""
    value: Any = event.values.get(key)
    try:
        start = date.fromisoformat(value["start"])
        end_text = value.get("end")
        end = date.fromisoformat(end_text) if end_text else start
    except (TypeError, KeyError, ValueError, AttributeError):
        raise ExportDataError(
            f"event {event.event_id}: field {key!r} holds {value!r}, not a date value"
        ) from None
    return start, end

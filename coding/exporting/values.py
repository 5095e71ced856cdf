"""Rendering one field's stored value as one cell.

Generic rules (every codebook): choice codes as they are (as integers when every code of the
field is a canonical integer such as ``"1"``), multiple values joined with ``"; "``,
dictionary references as entry names, dates as ``start`` or ``start/end`` (ISO 8601
interval), integers, text and booleans as they are. The ``acled`` preset adds ACLED's
conventions (one day per event, the ``civilian_targeting`` label); see ``acled.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    if isinstance(value, (list, tuple)):  # a tuple of types is faster than a union
        return not value
    return False


CellFunction = Callable[[ExportEvent], Cell]

_DATE_CACHE_LIMIT = 4096
"""Distinct stored dates remembered by one date column (the cache is cleared when full)."""


def field_cell(
    event: ExportEvent, field: FieldSpec, *, acled: bool, integer_codes: bool | None = None
) -> Cell:
    """The cell of ``field`` for ``event``; ``acled`` switches on ACLED's conventions.
    ``integer_codes`` is ``has_integer_codes(field)``, passed in when already known."""
    return field_cell_function(field, acled=acled, integer_codes=integer_codes)(event)


def field_cell_function(
    field: FieldSpec, *, acled: bool, integer_codes: bool | None = None
) -> CellFunction:
    """``field_cell`` for one field as a function of the event, with the field's kind and
    conventions decided once: export columns call it for every row.

    Cells: None for an empty value (``is_empty``); choice codes as they are, or as ``int``
    when ``integer_codes``; multiple choices, dictionary entries and proposed names joined
    with ``"; "``; dates as ``start`` or ``start/end`` (ACLED: the midpoint); integers, text
    and booleans as stored (ACLED's ``civilian_targeting``: its label when true, else None).
    Malformed values raise ``ExportDataError`` when the cell is computed.
    """
    key = field.key
    kind = field.kind
    if kind == "choice":
        as_int = has_integer_codes(field) if integer_codes is None else integer_codes

        def choice_cell(event: ExportEvent) -> Cell:
            value = event.values.get(key)
            if type(value) is str and value.strip():  # the usual shape: a code
                if not as_int:
                    return value
                try:
                    return int(value)
                except ValueError:
                    pass  # _choice_cell raises with the message
            elif is_empty(value):
                return None
            return _choice_cell(event, field, value, as_int)

        return choice_cell
    if kind == "multi_choice":

        def multi_choice_cell(event: ExportEvent) -> Cell:
            value: Any = event.values.get(key)
            return None if is_empty(value) else LIST_SEPARATOR.join(str(code) for code in value)

        return multi_choice_cell
    if kind in ("actor", "location"):

        def reference_cell(event: ExportEvent) -> Cell:
            value = event.values.get(key)
            if type(value) is dict:  # the usual shape: one reference
                ref = value.get("id")
                if type(ref) is int:
                    entry = _lookup(event, field, ref)
                    if entry is not None:
                        return entry.name
                return entry_name(_resolve(event, field, value))
            if is_empty(value):
                return None
            items = value if isinstance(value, list | tuple) else (value,)
            if len(items) == 1:
                return entry_name(_resolve(event, field, items[0]))
            return LIST_SEPARATOR.join([entry_name(_resolve(event, field, item)) for item in items])

        return reference_cell
    if kind == "date":
        return _date_cell_function(field, acled=acled)
    if kind == "boolean" and acled and key == "civilian_targeting":

        def targeting_cell(event: ExportEvent) -> Cell:
            # Only true gives the label; every other value, empty or not, an empty cell.
            return CIVILIAN_TARGETING_VALUE if event.values.get(key) is True else None

        return targeting_cell
    if kind in ("integer", "text", "boolean"):

        def stored_cell(event: ExportEvent) -> Cell:
            value: Any = event.values.get(key)
            if type(value) is str:
                return value if value.strip() else None
            return None if is_empty(value) else value

        return stored_cell

    def unknown_kind_cell(event: ExportEvent) -> Cell:
        if is_empty(event.values.get(key)):
            return None
        raise ExportDataError(f"event {event.event_id}: field {key!r} has unknown kind {kind!r}")

    return unknown_kind_cell


def _date_cell_function(field: FieldSpec, *, acled: bool) -> CellFunction:
    """A date column: ``date_span`` rendered, remembered per distinct stored (start, end)."""
    key = field.key
    rendered: dict[tuple[str, str | None], str] = {}

    def render(event: ExportEvent) -> str:
        start, end = date_span(event, key)
        if acled:
            return midpoint(start, end).isoformat()
        return start.isoformat() if end == start else f"{start.isoformat()}/{end.isoformat()}"

    def date_cell(event: ExportEvent) -> Cell:
        value = event.values.get(key)
        if is_empty(value):
            return None
        if type(value) is not dict:
            return render(event)  # raises ExportDataError for what is not a date value
        start, end = value.get("start"), value.get("end")
        if type(start) is not str or (end is not None and type(end) is not str):
            return render(event)
        text = rendered.get((start, end))
        if text is None:
            text = render(event)
            if len(rendered) >= _DATE_CACHE_LIMIT:
                rendered.clear()
            rendered[start, end] = text
        return text

    return date_cell


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
    return [_resolve(event, field, item) for item in items]


def _resolve(event: ExportEvent, field: FieldSpec, item: Any) -> Entry:
    if type(item) is dict or isinstance(item, Mapping):
        ref = item.get("id")
        if ref is not None:
            entry = _lookup(event, field, _as_id(ref))
            if entry is None:
                raise ExportDataError(
                    f"event {event.event_id}: {field.kind} {ref} of field "
                    f"{field.key!r} was not resolved by the database layer"
                )
            return entry
        if isinstance(item.get("name"), str):
            name: str = item["name"]
            return name
    raise ExportDataError(
        f"event {event.event_id}: field {field.key!r} holds {item!r}, "
        'not {"id": n} or {"name": s}'
    )


def _as_id(value: Any) -> Any:
    # Ids are ints in stored values; tolerate "12" from a hand-edited import.
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _lookup(event: ExportEvent, field: FieldSpec, ref: Any) -> ExportActor | ExportLocation | None:
    """The resolved entry with id ``ref``: for an actor field the last of
    ``event.actors[field.key]`` with that id; for a location field the last of
    ``event.places[field.key]`` with it, else ``event.location`` when it has it."""
    actor = field.kind == "actor"
    entries: tuple[ExportActor | ExportLocation, ...] = (
        event.actors.get(field.key, ()) if actor else event.places.get(field.key, ())
    )
    for entry in reversed(entries):
        if entry.id == ref:
            return entry
    location = event.location
    if not actor and location is not None and location.id == ref:
        return location
    return None


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

"""The cells of the tabular exports, row by row, computing shared cells once.

A ``RowPlan`` is built once per export from the columns. For every event it calls the cell
function of each column without a ``scope``; the cells of scoped columns (location facts,
type labels, article facts... see ``scopes.py``) are computed once per distinct scope and
reused for every other event with the same scope objects. The result is exactly
``[column.cell(event) for column in columns]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import is_, itemgetter
from typing import Any

from .cells import Cell, cell_text
from .column import ExportColumn
from .records import ExportEvent
from .scopes import Scope

SCOPE_CACHE_LIMIT = 4096
"""Distinct scopes remembered per scope kind; the cache starts over when it is full, so
memory stays bounded whatever the export (the database layer shares far fewer objects)."""

# Cells of these types are written by csv.writer exactly as ``cell_text`` writes them
# (str as is, None as "", int and float through str(), which is their repr).
_CSV_NATIVE = frozenset({str, int, float, type(None)})
# Column types whose cells need ``cell_text`` (JSON lists, true/false) before csv.writer.
_CSV_CONVERTED_TYPES = frozenset({"array", "boolean", "any"})


class _ScopedCells:
    """The cells of the columns sharing one scope, remembered by the identity of the scope's
    objects (the cache keeps those objects alive, so their ids cannot be reused)."""

    __slots__ = ("cache", "cells", "scope")

    def __init__(self, scope: Scope, cells: tuple[Callable[[ExportEvent], Cell], ...]) -> None:
        self.scope = scope
        self.cells = cells
        self.cache: dict[tuple[int, ...], tuple[tuple[object, ...], list[Cell]]] = {}

    def of(self, event: ExportEvent) -> list[Cell]:
        anchors = self.scope(event)
        key = tuple(map(id, anchors))
        hit = self.cache.get(key)
        if hit is not None and all(map(is_, hit[0], anchors)):
            return hit[1]
        cells = [cell(event) for cell in self.cells]
        if len(self.cache) >= SCOPE_CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = (anchors, cells)
        return cells


class RowPlan:
    """Computes the typed cells (and CSV values) of ``columns`` for events.

    With ``texts=True`` (a plan for CSV alone) the cells of columns that have a ``text``
    function are that text, which ``csv_values`` then passes on as it is.
    """

    def __init__(self, columns: Sequence[ExportColumn], *, texts: bool = False) -> None:
        self.columns = tuple(columns)
        self.names = [column.name for column in self.columns]
        as_text = {i for i, column in enumerate(self.columns) if texts and column.text is not None}
        own = [i for i, column in enumerate(self.columns) if column.scope is None]
        scoped: dict[Scope, list[int]] = {}
        for i, column in enumerate(self.columns):
            if column.scope is not None:
                scoped.setdefault(column.scope, []).append(i)
        self._own = tuple(self._own_cell(i, as_text) for i in own)
        self._groups = tuple(
            _ScopedCells(scope, tuple(self.columns[i].cell for i in indexes))
            for scope, indexes in scoped.items()
        )
        # Cells are computed own columns first, then group by group; this puts them back in
        # column order in one C call.
        computed = own + [i for indexes in scoped.values() for i in indexes]
        where = {column: position for position, column in enumerate(computed)}
        positions = [where[i] for i in range(len(self.columns))]
        self._arrange: Callable[[list[Cell]], tuple[Cell, ...]] = (
            itemgetter(*positions) if len(positions) > 1 else lambda cells: (cells[0],)
        )
        self._converted = tuple(
            i
            for i, column in enumerate(self.columns)
            if column.type in _CSV_CONVERTED_TYPES and i not in as_text
        )
        self._last: tuple[ExportEvent | None, tuple[Cell, ...]] = (None, ())

    def _own_cell(self, i: int, as_text: set[int]) -> Callable[[ExportEvent], Cell]:
        column = self.columns[i]
        return column.text if i in as_text and column.text is not None else column.cell

    def cells(self, event: ExportEvent) -> tuple[Cell, ...]:
        """The typed cells of ``event`` in column order. Asking again for the same event
        (the CSV and GeoJSON writers of one release) returns the same tuple."""
        last_event, last_cells = self._last
        if event is last_event:
            return last_cells
        computed = [cell(event) for cell in self._own]
        for group in self._groups:
            computed += group.of(event)
        row = self._arrange(computed)
        self._last = (event, row)
        return row

    def csv_values(self, cells: tuple[Cell, ...]) -> Sequence[Any]:
        """Values for ``csv.writer.writerow`` that it writes exactly as the texts
        ``[cell_text(cell) for cell in cells]``, converting only what it would not."""
        values: Sequence[Any] = cells
        if self._converted:
            converted = list(cells)
            for i in self._converted:
                converted[i] = cell_text(converted[i])
            values = converted
        if _CSV_NATIVE.issuperset(map(type, values)):
            return values
        return [cell_text(value) for value in values]  # a bool or list where none is expected

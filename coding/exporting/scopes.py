"""What a column's cell is computed from, so that writers compute it once per distinct input.

A scope is a function giving the objects a cell is computed from (besides the codebook and
the column's own settings). Two events whose scope objects are the *same objects* get the same
cell, so a writer may compute it once and reuse it (``rows.RowPlan``). The database layer
shares one ``ExportLocation``, ``ExportEventType``, ``ExportArticle``, ``ExportCodebook`` and
validation time among all the events that refer to it, so reuse is the rule; records are
immutable, which is what makes it safe. A scope may name more objects than a cell needs
(cells that change together share one scope): that only costs a recomputation. A column
without a scope is computed for every event.
"""

from __future__ import annotations

from collections.abc import Callable

from .records import ExportEvent

Scope = Callable[[ExportEvent], tuple[object, ...]]


def location_scope(event: ExportEvent) -> tuple[object, ...]:
    """Cells computed from the event's location (gazetteer facts)."""
    return (event.location,)


def types_scope(event: ExportEvent) -> tuple[object, ...]:
    """Cells computed from the event's type and sub-type (labels, attributes)."""
    return (event.event_type, event.event_subtype)


def article_scope(event: ExportEvent) -> tuple[object, ...]:
    """Cells computed from the article, its validation time or the codebook version (ids,
    source, timestamps, ``slug@version``): these change together, from article to article.
    A dataset event with several reports also draws its sources from ``reports``."""
    return (event.article, event.validated_at, event.codebook, event.reports)

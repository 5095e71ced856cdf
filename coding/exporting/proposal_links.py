"""Names coders proposed, read through the entries a supervisor later resolved them into.

A proposed name is stored in an event's values as ``{"name": s}``. When a supervisor turns
it into a dictionary entry, open events are rewritten to ``{"id": n}``; frozen ones
(validated gold) keep ``{"name": s}``. Exports apply the project's links here so that a
released row shows the entry either way. A name with no link stays a proposed name.

Pure: the caller loads the links and passes the folding function (``alias_key``), so the
matching rule is the one the resolution used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Links = Mapping[tuple[str, str], int]
"""``(kind, folded name) -> entry id``; kind is ``"actor"`` or ``"location"``."""


def relink_values(
    values: Mapping[str, Any],
    fields: Mapping[str, str],
    links: Links,
    fold: Callable[[str], str],
) -> Mapping[str, Any]:
    """``values`` with every linked ``{"name": s}`` under ``fields`` (field key -> kind)
    replaced by ``{"id": n}``; a list keeps one reference to an entry (the first, as the
    resolution service does). Returns ``values`` itself when nothing is linked."""
    changed: dict[str, Any] | None = None
    for key, kind in fields.items():
        value = values.get(key)
        if value is None:
            continue
        new = _relink(value, kind, links, fold)
        if new is not value:
            if changed is None:
                changed = dict(values)
            changed[key] = new
    return values if changed is None else changed


def _relink(value: Any, kind: str, links: Links, fold: Callable[[str], str]) -> Any:
    if isinstance(value, list):
        items = [_relink(item, kind, links, fold) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        out: list[Any] = []
        for item in items:
            if item not in out:
                out.append(item)
        return out
    if isinstance(value, Mapping) and value.get("id") is None:
        name = value.get("name")
        if isinstance(name, str):
            entry = links.get((kind, fold(name)))
            if entry is not None:
                return {"id": entry}
    return value

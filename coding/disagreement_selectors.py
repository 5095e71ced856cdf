"""What each coder actually coded behind a disagreement, for people to read.

A disagreement row (coding.models.Disagreement) keeps the *comparable* form of the values —
free text folded for matching, choices as codes, evidence as code-point offsets — because
that is what agreement compares. A supervisor reading the list needs the values as the coders
stored them and the quoted words; this module reads both for a page of disagreements in two
queries (the coders' events, the articles' texts), whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from coding.models import Article, CodedEvent, Disagreement

# The kinds whose `field_key` names a codebook field (the others name a role or nothing).
_FIELD_KINDS = {Disagreement.Kind.ACTORS_LOCATION, Disagreement.Kind.OTHER_FIELD}


def disagreements_as_coded(disagreements: Iterable[Disagreement]) -> dict[int, dict[str, Any]]:
    """Disagreement id → ``{"direction": the article's, "coders": {coder id (str): {"value",
    "quotes"}}}``.

    ``value`` is what the coder stored: the field's JSON value for a field disagreement,
    ``{"type", "subtype"}`` codes for an event-type one, None otherwise. ``quotes`` are the
    coder's evidence spans behind the disagreement, ``{"role", "quote"}`` in text order, the
    quote being the article's text between the stored offsets (code points)."""
    rows = list(disagreements)
    event_ids = {e for d in rows for e in d.details.get("events", [])}
    events: dict[int, tuple[int | None, str, str | None, dict[str, Any]]] = {
        pk: (coder, type_code, subtype_code, values)
        for pk, coder, type_code, subtype_code, values in CodedEvent.objects.filter(
            pk__in=event_ids
        ).values_list(
            "id", "assignment__coder_id", "event_type__code", "event_subtype__code", "values"
        )
    }
    articles = {
        pk: (text, direction)
        for pk, text, direction in Article.objects.filter(
            pk__in={d.article_id for d in rows}
        ).values_list("id", "text", "direction")
    }
    return {
        d.pk: {
            "direction": articles[d.article_id][1],
            "coders": _as_coded(d, events, articles[d.article_id][0]),
        }
        for d in rows
    }


def _as_coded(
    d: Disagreement,
    events: dict[int, tuple[int | None, str, str | None, dict[str, Any]]],
    text: str,
) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for event_id in d.details.get("events", []):
        if event_id not in events:
            continue  # deleted since the run (the article was reopened): nothing to show
        coder, type_code, subtype_code, values = events[event_id]
        value: Any = None
        if d.kind == Disagreement.Kind.EVENT_TYPE:
            value = {"type": type_code, "subtype": subtype_code}
        elif d.kind in _FIELD_KINDS and d.field_key:
            value = values.get(d.field_key)
        shown[str(coder)] = {"value": value, "quotes": []}
    for coder, spans in d.details.get("spans", {}).items():
        quotes = [{"role": role, "quote": text[start:end]} for role, start, end in spans]
        shown.setdefault(coder, {"value": None, "quotes": []})["quotes"] = quotes
    return shown

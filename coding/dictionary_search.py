"""Dictionary reads: ranked search over folded aliases, and the alias matcher for suggestions.

Search folds the query exactly as aliases were folded when stored (coding.text.matching), so
`مالى` finds `مالي`, `Tombouctou` and `تنبكتو` find Timbuktu (through its aliases), and
Latin accents and case do not matter. Ranking: exact alias, then prefix, then substring;
shorter aliases first within a rank.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.db.models.functions import Length

from coding.models import Actor, ActorAlias, Location, LocationAlias
from coding.text.matching import AliasMatcher, normalize_for_search

Kind = Literal["actor", "location"]


@dataclass(frozen=True)
class SearchHit:
    entry_id: int
    matched_alias: str
    rank: int  # 0 exact, 1 prefix, 2 substring


def dictionary_search(kind: Kind, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Best alias per entry for `query`, at most `limit` entries, best first."""
    key = normalize_for_search(query)
    if not key:
        return []
    alias_model = ActorAlias if kind == "actor" else LocationAlias
    owner = "actor_id" if kind == "actor" else "location_id"
    rows = (
        alias_model.objects.filter(normalized__contains=key)
        .annotate(
            rank=Case(
                When(normalized=key, then=Value(0)),
                When(normalized__startswith=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            alias_length=Length("normalized"),
        )
        .order_by("rank", "alias_length", owner)
        .values_list(owner, "text", "rank")[: limit * 5]
    )
    hits: dict[int, SearchHit] = {}
    for entry_id, text, rank in rows:
        if entry_id not in hits:
            hits[entry_id] = SearchHit(entry_id, text, rank)
            if len(hits) == limit:
                break
    return list(hits.values())


def actors_by_id(ids: list[int]) -> dict[int, Actor]:
    return Actor.objects.in_bulk(ids)


def locations_by_id(ids: list[int]) -> dict[int, Location]:
    return Location.objects.in_bulk(ids)


# --- The alias matcher used for suggestions ---------------------------------------------------

_matcher_lock = threading.Lock()
_matcher_cache: dict[str, Any] = {"stamp": None, "matcher": None}


def _dictionary_stamp() -> tuple[int, int, int, int]:
    """Changes whenever aliases are added or removed (ids only grow; counts catch deletes)."""
    actor = ActorAlias.objects.aggregate(n=Count("id"), m=Max("id"))
    place = LocationAlias.objects.aggregate(n=Count("id"), m=Max("id"))
    return (actor["n"], actor["m"] or 0, place["n"], place["m"] or 0)


def alias_matcher() -> AliasMatcher:
    """An Aho–Corasick matcher over every alias, rebuilt only when the dictionaries change."""
    stamp = _dictionary_stamp()
    with _matcher_lock:
        if _matcher_cache["stamp"] != stamp:
            entries: list[tuple[int, str, str]] = [
                (actor_id, "actor", text)
                for actor_id, text in ActorAlias.objects.values_list("actor_id", "text")
            ]
            entries += [
                (location_id, "location", text)
                for location_id, text in LocationAlias.objects.values_list("location_id", "text")
            ]
            _matcher_cache["matcher"] = AliasMatcher(entries)
            _matcher_cache["stamp"] = stamp
        matcher: AliasMatcher = _matcher_cache["matcher"]
    return matcher

"""Suggestions from the dictionary *files* (no database): what the benchmark and the quality
test run, so they measure exactly the shipped fixtures and the production matcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coding.dictionary_files import read_actors, read_places
from coding.text.evaluation import Scored
from coding.text.matching import AliasMatcher
from coding.text.suggest import ACTOR_KIND, LOCATION_KIND, suggest

__all__ = ["ShippedSuggester", "shipped_suggester"]


@dataclass(frozen=True)
class ShippedSuggester:
    matcher: AliasMatcher
    key_of: dict[int, str]  # matcher entry id -> dictionary key
    keys: set[tuple[str, str]]  # (kind, key) pairs in the dictionary

    def suggest(self, text: str) -> list[Scored]:
        found = suggest(text, self.matcher)
        return [
            Scored(m.kind, self.key_of[m.entry_id], m.start, m.end, m.confidence)
            for m in found.actors + found.locations
        ]


def shipped_suggester(fixtures: Path) -> ShippedSuggester:
    """Matcher over every ``*.yaml`` in ``fixtures/gazetteer`` and ``fixtures/actors``."""
    entries: list[tuple[int, str, str]] = []
    key_of: dict[int, str] = {}
    keys: set[tuple[str, str]] = set()
    records: list[tuple[str, str, tuple[str, ...]]] = []
    for path in sorted((fixtures / "gazetteer").glob("*.yaml")):
        records += [
            (LOCATION_KIND, p.key, tuple(a.text for a in p.aliases)) for p in read_places(path)
        ]
    for path in sorted((fixtures / "actors").glob("*.yaml")):
        records += [
            (ACTOR_KIND, a.key, tuple(x.text for x in a.aliases)) for a in read_actors(path)
        ]
    for entry_id, (kind, key, aliases) in enumerate(records, start=1):
        key_of[entry_id] = key
        keys.add((kind, key))
        entries += [(entry_id, kind, alias) for alias in aliases]
    return ShippedSuggester(AliasMatcher(entries), key_of, keys)

"""Load actor and place records into the dictionaries (idempotent by key)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from coding.dictionary_files import ActorRecord, Alias, PlaceRecord
from coding.models import Actor, ActorAlias, Location, LocationAlias, User
from coding.services.audit import audit_record
from coding.services.export_rows import csv_rows_schedule
from coding.text.matching import normalize_for_search


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int


def _alias_rows(aliases: Iterable[Alias], name: str) -> list[tuple[str, str, str]]:
    """(text, lang, script) for every alias, plus the name itself (lang "") when no alias
    spells it, so that searching the name always finds the entry."""
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    for alias in aliases:
        lang = alias.lang or ""
        rows.setdefault((alias.text, lang), (alias.text, lang, alias.script or ""))
    if not any(text == name for text, _ in rows):
        rows[(name, "")] = (name, "", "")
    return list(rows.values())


def stored_aliases(name: str, rows: Iterable[tuple[str, str, str]]) -> tuple[Alias, ...]:
    """The aliases of a stored entry as they were given (without the added name row)."""
    return tuple(
        Alias(text, lang or None, script or None)
        for text, lang, script in rows
        if not (text == name and lang == "")
    )


@dataclass(frozen=True)
class _Dictionary:
    """What differs between the two dictionaries; the loading itself is shared."""

    entry_model: type[models.Model]
    alias_model: type[models.Model]
    owner_field: str  # the alias's foreign key to its entry
    columns: tuple[str, ...]  # record attributes copied to the entry
    action: str  # audit action


_PLACES = _Dictionary(
    Location,
    LocationAlias,
    "location",
    (
        "name",
        "country",
        "admin1",
        "admin2",
        "latitude",
        "longitude",
        "feature_kind",
        "external_id",
        "coord_source",
    ),
    "gazetteer.load",
)
_ACTORS = _Dictionary(
    Actor,
    ActorAlias,
    "actor",
    ("name", "actor_type", "country", "valid_from", "valid_to", "external_id", "description"),
    "actors.load",
)


def _load(kind: _Dictionary, records: Iterable[Any], actor: User | None) -> LoadReport:
    """Upsert entries by key, replace their aliases, then link parents (which may come later
    in the file). Precondition: inside a transaction (all or nothing)."""
    records = list(records)
    created = updated = 0
    by_key: dict[str, Any] = {}
    manager = kind.entry_model._default_manager
    for record in records:
        entry, was_created = manager.update_or_create(
            key=record.key, defaults={c: getattr(record, c) for c in kind.columns}
        )
        created += was_created
        updated += not was_created
        by_key[record.key] = entry
        kind.alias_model._default_manager.filter(**{kind.owner_field: entry}).delete()
        kind.alias_model._default_manager.bulk_create(
            kind.alias_model(
                **{kind.owner_field: entry},
                text=text,
                lang=lang,
                script=script,
                normalized=normalize_for_search(text),
            )
            for text, lang, script in _alias_rows(record.aliases, record.name)
        )
    for record in records:
        if record.parent:
            parent = by_key.get(record.parent) or manager.get(key=record.parent)
            manager.filter(pk=by_key[record.key].pk).update(parent=parent)
    audit_record(
        action=kind.action, actor=actor, project=None, data={"created": created, "updated": updated}
    )
    if updated:  # changed entries make stored export lines stale (the export epoch)
        csv_rows_schedule()
    return LoadReport(created=created, updated=updated)


@transaction.atomic
def places_load(*, records: Iterable[PlaceRecord], actor: User | None = None) -> LoadReport:
    return _load(_PLACES, records, actor)


@transaction.atomic
def actors_load(*, records: Iterable[ActorRecord], actor: User | None = None) -> LoadReport:
    return _load(_ACTORS, records, actor)

"""Load actor and place records into the dictionaries (idempotent by key)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from coding.dictionary_files import ActorRecord, Alias, PlaceRecord
from coding.models import Actor, ActorAlias, Location, LocationAlias, User
from coding.services.audit import audit_record
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


@transaction.atomic
def places_load(*, records: Iterable[PlaceRecord], actor: User | None = None) -> LoadReport:
    records = list(records)
    created = updated = 0
    by_key: dict[str, Location] = {}
    for record in records:
        location, was_created = Location.objects.update_or_create(
            key=record.key,
            defaults={
                "name": record.name,
                "country": record.country,
                "admin1": record.admin1,
                "admin2": record.admin2,
                "latitude": record.latitude,
                "longitude": record.longitude,
                "feature_kind": record.feature_kind,
                "external_id": record.external_id,
                "coord_source": record.coord_source,
            },
        )
        created += was_created
        updated += not was_created
        by_key[record.key] = location
        location.aliases.all().delete()
        LocationAlias.objects.bulk_create(
            LocationAlias(
                location=location,
                text=text,
                lang=lang,
                script=script,
                normalized=normalize_for_search(text),
            )
            for text, lang, script in _alias_rows(record.aliases, record.name)
        )
    for record in records:
        if record.parent:
            parent = by_key.get(record.parent) or Location.objects.get(key=record.parent)
            Location.objects.filter(pk=by_key[record.key].pk).update(parent=parent)
    audit_record(
        action="gazetteer.load",
        actor=actor,
        project=None,
        data={"created": created, "updated": updated},
    )
    return LoadReport(created=created, updated=updated)


@transaction.atomic
def actors_load(*, records: Iterable[ActorRecord], actor: User | None = None) -> LoadReport:
    records = list(records)
    created = updated = 0
    by_key: dict[str, Actor] = {}
    for record in records:
        entry, was_created = Actor.objects.update_or_create(
            key=record.key,
            defaults={
                "name": record.name,
                "actor_type": record.actor_type,
                "country": record.country,
                "valid_from": record.valid_from,
                "valid_to": record.valid_to,
                "external_id": record.external_id,
                "description": record.description,
            },
        )
        created += was_created
        updated += not was_created
        by_key[record.key] = entry
        entry.aliases.all().delete()
        ActorAlias.objects.bulk_create(
            ActorAlias(
                actor=entry,
                text=text,
                lang=lang,
                script=script,
                normalized=normalize_for_search(text),
            )
            for text, lang, script in _alias_rows(record.aliases, record.name)
        )
    for record in records:
        if record.parent:
            parent = by_key.get(record.parent) or Actor.objects.get(key=record.parent)
            Actor.objects.filter(pk=by_key[record.key].pk).update(parent=parent)
    audit_record(
        action="actors.load",
        actor=actor,
        project=None,
        data={"created": created, "updated": updated},
    )
    return LoadReport(created=created, updated=updated)

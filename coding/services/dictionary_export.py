"""Dictionary entries back to records (for export as YAML or CSV)."""

from __future__ import annotations

from coding.dictionary_files import ActorRecord, PlaceRecord
from coding.models import Actor, Location
from coding.services.dictionaries import stored_aliases


def place_records() -> list[PlaceRecord]:
    places = Location.objects.select_related("parent").prefetch_related("aliases").order_by("key")
    return [
        PlaceRecord(
            key=p.key,
            name=p.name,
            aliases=stored_aliases(
                p.name,
                ((a.text, a.lang, a.script) for a in sorted(p.aliases.all(), key=lambda a: a.pk)),
            ),
            country=p.country,
            admin1=p.admin1,
            admin2=p.admin2,
            latitude=p.latitude,
            longitude=p.longitude,
            feature_kind=p.feature_kind,
            external_id=p.external_id,
            coord_source=p.coord_source,
            parent=p.parent.key if p.parent else None,
        )
        for p in places
    ]


def actor_records() -> list[ActorRecord]:
    actors = Actor.objects.select_related("parent").prefetch_related("aliases").order_by("key")
    return [
        ActorRecord(
            key=a.key,
            name=a.name,
            aliases=stored_aliases(
                a.name,
                ((x.text, x.lang, x.script) for x in sorted(a.aliases.all(), key=lambda x: x.pk)),
            ),
            actor_type=a.actor_type,
            country=a.country,
            parent=a.parent.key if a.parent else None,
            valid_from=a.valid_from,
            valid_to=a.valid_to,
            external_id=a.external_id,
            description=a.description,
        )
        for a in actors
    ]

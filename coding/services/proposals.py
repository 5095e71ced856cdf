"""Writes for proposed names: a supervisor turns a name coders typed into a dictionary entry
(merged into an existing entry as aliases, or a new entry), and the *open* events that carry
the name then point at the entry.

Rule for frozen events: coder events of a submitted assignment and gold events of a
validated adjudication are never rewritten (agreement was computed on them, and validated
gold is frozen by the database); they keep the typed name and are counted in the result as
``frozen_events``. Reopening an adjudication makes its gold events open again.

Exports show the entry all the same: every resolution records a ``ProposalLink`` (project,
kind, folded name → entry) that the export reader applies to the names frozen gold still
carries (coding/exporting/proposal_links.py). The link raises the export epoch (stored CSV
lines go stale and are stored again in the background), and the dataset events reported by
frozen gold that carries the name get a new ``changed_at``, so an incremental sync sends
them again with the entry. Resolving the same name again moves the link to the new entry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from coding.codebook_runtime import version_spec
from coding.codebook_spec.model import REFERENCE_KINDS
from coding.dictionary_files import Alias
from coding.errors import NotFound, ValidationFailed
from coding.models import (
    Actor,
    ActorAlias,
    Adjudication,
    Assignment,
    CodedEvent,
    DatasetEvent,
    DictionaryStatus,
    Location,
    LocationAlias,
    Project,
    ProposalLink,
    User,
)
from coding.services.audit import audit_record
from coding.services.events import typed_columns
from coding.services.export_rows import csv_rows_schedule
from coding.text.matching import alias_key, normalize_for_search

__all__ = ["NewEntry", "ProposalResolution", "proposed_name_resolve"]


@dataclass(frozen=True)
class NewEntry:
    """Fields of the entry to create; coordinates both or neither (WGS84 degrees)."""

    name: str
    country: str = ""
    actor_type: int | None = None  # actors: ACLED inter code 1-8
    latitude: float | None = None  # places
    longitude: float | None = None
    feature_kind: str = ""


@dataclass(frozen=True)
class ProposalResolution:
    kind: str
    entry_id: int
    created: bool
    aliases_added: int
    events_rewritten: int
    frozen_events: int


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, errors=[{"field": field, "code": "invalid", "message": message}]
    )


def _check_new_entry(kind: str, new: NewEntry) -> None:
    if not new.name.strip():
        raise _refuse("new_entry.name", "a name is required")
    if new.country and (len(new.country) != 2 or not new.country.isalpha()):
        raise _refuse("new_entry.country", "an ISO 3166-1 alpha-2 code, like ML")
    if kind == "actor" and new.actor_type is not None and not 1 <= new.actor_type <= 8:
        raise _refuse("new_entry.actor_type", "an ACLED inter code from 1 to 8")
    if (new.latitude is None) != (new.longitude is None):
        raise _refuse("new_entry.latitude", "give both latitude and longitude, or neither")
    if (
        new.latitude is not None
        and new.longitude is not None
        and not (-90 <= new.latitude <= 90 and -180 <= new.longitude <= 180)
    ):
        raise _refuse("new_entry.latitude", "outside -90..90 / -180..180")


def _rewrite(value: Any, key: str, entry_id: int) -> Any:
    """``value`` with every ``{"name": s}`` whose folded key is ``key`` replaced by the entry;
    a list keeps one reference to the entry."""
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            new = _rewrite(item, key, entry_id)
            if new not in out:
                out.append(new)
        return out
    if (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and alias_key(value["name"]) == key
    ):
        return {"id": entry_id}
    return value


def _is_open(event: CodedEvent) -> bool:
    if event.layer == CodedEvent.Layer.GOLD:
        return event.adjudication is not None and (
            event.adjudication.status == Adjudication.Status.OPEN
        )
    return event.assignment is not None and (event.assignment.status != Assignment.Status.SUBMITTED)


@transaction.atomic
def proposed_name_resolve(
    *,
    project: Project,
    kind: str,
    name: str,
    actor: User,
    entry_id: int | None = None,
    new_entry: NewEntry | None = None,
) -> ProposalResolution:
    """Merge the proposal ``name`` (any spelling folding like it) into entry ``entry_id``, or
    create ``new_entry``; add its spellings as aliases; rewrite the open events of
    ``project`` that carry it. Refuses (changing nothing) an unknown kind, a name no event of
    the project proposes, both or neither target, an unknown entry, invalid new fields."""
    if kind not in REFERENCE_KINDS:
        raise _refuse("kind", "actor or location")
    key = alias_key(name)
    if not key:
        raise _refuse("name", "a proposed name is required")
    if (entry_id is None) == (new_entry is None):
        raise _refuse("entry_id", "give either entry_id (merge) or new_entry (create)")
    entry_model = Actor if kind == "actor" else Location
    alias_model = ActorAlias if kind == "actor" else LocationAlias

    events = list(
        CodedEvent.objects.select_for_update(of=("self",))
        .filter(article__project=project)
        .filter(Q(layer=CodedEvent.Layer.CODER) | Q(layer=CodedEvent.Layer.GOLD))
        .select_related("assignment", "adjudication", "codebook_version")
        .order_by("pk")
    )
    specs: dict[int, dict[str, str]] = {}
    carrying: list[tuple[CodedEvent, list[str]]] = []
    spellings: dict[str, None] = {}
    for event in events:
        if event.codebook_version_id not in specs:
            spec = version_spec(event.codebook_version)
            specs[event.codebook_version_id] = {
                f.key: f.kind for f in spec.fields if f.kind in REFERENCE_KINDS
            }
        fields = [
            k for k, field_kind in specs[event.codebook_version_id].items() if field_kind == kind
        ]
        hits = []
        for field_key in fields:
            value = (event.values or {}).get(field_key)
            for ref in value if isinstance(value, list) else [value]:
                if (
                    isinstance(ref, dict)
                    and isinstance(ref.get("name"), str)
                    and alias_key(ref["name"]) == key
                ):
                    spellings.setdefault(ref["name"].strip(), None)
                    hits.append(field_key)
        if hits:
            carrying.append((event, hits))
    if not carrying:
        raise NotFound(f"no event of this project proposes the {kind} name {name!r}")

    created = new_entry is not None
    entry: Actor | Location | None
    if new_entry is not None:
        _check_new_entry(kind, new_entry)
        base = slugify(new_entry.name)[:80] or kind
        common = {
            "key": f"{base}-{secrets.token_hex(3)}",
            "name": new_entry.name.strip(),
            "country": new_entry.country.upper(),
            "status": DictionaryStatus.PROPOSED,
            "proposed_by": carrying[0][0].created_by,
        }
        if kind == "actor":
            entry = Actor.objects.create(**common, actor_type=new_entry.actor_type)
        else:
            has_point = new_entry.latitude is not None
            entry = Location.objects.create(
                **common,
                latitude=new_entry.latitude,
                longitude=new_entry.longitude,
                feature_kind=new_entry.feature_kind,
                coord_source="given by a supervisor when the proposal was accepted"
                if has_point
                else "",
            )
    else:
        entry = entry_model.objects.select_for_update().filter(pk=entry_id or 0).first()
        if entry is None:
            raise NotFound(f"no {kind} with id {entry_id}")

    owner = {"actor" if kind == "actor" else "location": entry}
    existing = set(alias_model.objects.filter(**owner).values_list("text", "lang"))
    new_aliases = [
        alias_model(
            **owner,
            text=text,
            lang="",
            script=Alias(text).script or "",
            normalized=normalize_for_search(text),
        )
        for text in spellings
        if (text, "") not in existing
    ]
    alias_model.objects.bulk_create(new_aliases)  # type: ignore[arg-type]

    rewritten = frozen = 0
    now = timezone.now()
    frozen_gold: list[int] = []
    for event, fields in carrying:
        if not _is_open(event):
            frozen += 1
            if event.layer == CodedEvent.Layer.GOLD:
                frozen_gold.append(event.pk)
            continue
        values = dict(event.values)
        for field_key in set(fields):
            values[field_key] = _rewrite(values[field_key], key, entry.pk)
        spec = version_spec(event.codebook_version)
        CodedEvent.objects.filter(pk=event.pk).update(
            values=values, version=F("version") + 1, updated_at=now, **typed_columns(spec, values)
        )
        rewritten += 1
        audit_record(
            action="event.update",
            actor=actor,
            project=project,
            target=event,
            data={"version": event.version + 1, "proposal": name, f"{kind}_id": entry.pk},
        )
    _link(project, kind, key, name, entry, actor, frozen_gold, now)
    audit_record(
        action=f"dictionary.proposal_{'create' if created else 'merge'}",
        actor=actor,
        project=project,
        target=entry,
        data={
            "kind": kind,
            "name": name,
            "aliases_added": len(new_aliases),
            "events_rewritten": rewritten,
            "frozen_events": frozen,
        },
    )
    return ProposalResolution(kind, entry.pk, created, len(new_aliases), rewritten, frozen)


def _link(
    project: Project,
    kind: str,
    key: str,
    name: str,
    entry: Actor | Location,
    actor: User,
    frozen_gold: list[int],
    now: Any,
) -> None:
    """Record (or move) the project's link from the folded name to ``entry``, so exports show
    the entry for the frozen gold that keeps the name; resend its dataset events."""
    ProposalLink.objects.update_or_create(
        project=project,
        kind=kind,
        key=key,
        defaults={
            "name": name.strip(),
            "actor": entry if isinstance(entry, Actor) else None,
            "location": entry if isinstance(entry, Location) else None,
            "created_by": actor,
        },
    )
    if frozen_gold:
        DatasetEvent.objects.filter(
            project=project, retired_at__isnull=True, reports__gold_event_id__in=frozen_gold
        ).update(changed_at=now)
    # the link raised the export epoch (a trigger): every stored line is stale
    csv_rows_schedule()

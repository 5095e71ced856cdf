"""Reads for the supervisors' review list of *proposed names*: actor and place names coders
typed because the dictionary had no entry for them (``{"name": s}`` in an event's values).

Spellings that fold to the same key (coding.text.matching.alias_key: harakat, alef forms,
case, accents) are one proposal, shown with its most frequent spelling. Each proposal says
how many events use it, how many of those are still *open* (coder events of an assignment
not yet submitted, gold events of an adjudication not yet validated: the ones a merge may
rewrite; validated gold is frozen), and the dictionary entries its name already resembles,
so that a supervisor can merge it as an alias of an entry instead of creating a duplicate.

A name already resolved (a ``ProposalLink``: frozen events still carry it, exports show the
entry) is listed with the entry it is linked to; ``status`` chooses open ones, linked ones or
both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.codebook_spec.model import REFERENCE_KINDS
from coding.dictionary_search import SearchHit, dictionary_search
from coding.export_links import project_links
from coding.models import Adjudication, Assignment, CodebookVersion, CodedEvent, Project
from coding.text.matching import alias_key

__all__ = ["PROPOSAL_STATUSES", "ProposedName", "proposed_names", "with_candidates"]

PROPOSAL_STATUSES = ("open", "linked", "all")

CANDIDATES_PER_NAME = 3


@dataclass(frozen=True)
class ProposedName:
    kind: str  # "actor" or "location"
    key: str  # folded key shared by the spellings
    name: str  # the most frequent spelling
    spellings: tuple[str, ...]  # every spelling, most frequent first
    events: int
    open_events: int
    fields: tuple[str, ...]  # codebook fields it was proposed in
    candidates: tuple[SearchHit, ...]  # entries the name resembles, best first (with_candidates)
    linked_entry_id: int | None = None  # the entry it was resolved into, if it was


def _reference_fields(spec: CodebookSpec) -> dict[str, str]:
    return {f.key: f.kind for f in spec.fields if f.kind in REFERENCE_KINDS}


def _proposed(
    values: Mapping[str, Any], fields: Mapping[str, str]
) -> Iterator[tuple[str, str, str]]:
    """(field, kind, name) for every proposed name in one event's values."""
    for field_key, kind in fields.items():
        value = values.get(field_key)
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, dict) and isinstance(ref.get("name"), str) and ref["name"].strip():
                yield field_key, kind, ref["name"].strip()


def _is_open(layer: str, assignment_status: str | None, adjudication_status: str | None) -> bool:
    if layer == CodedEvent.Layer.GOLD:
        return adjudication_status == Adjudication.Status.OPEN
    return assignment_status != Assignment.Status.SUBMITTED


def proposed_names(project: Project, status: str = "all") -> list[ProposedName]:
    """Every proposed name in the project's events, most used first (then by name):
    ``open`` ones (never resolved), ``linked`` ones, or ``all``."""
    links = project_links(project)
    rows = CodedEvent.objects.filter(article__project=project).values_list(
        "codebook_version_id", "layer", "assignment__status", "adjudication__status", "values"
    )
    specs: dict[int, dict[str, str]] = {}
    spellings: dict[tuple[str, str], Counter[str]] = {}
    events: Counter[tuple[str, str]] = Counter()
    open_events: Counter[tuple[str, str]] = Counter()
    fields: dict[tuple[str, str], set[str]] = {}
    for version_id, layer, assignment_status, adjudication_status, values in rows.iterator():
        if version_id not in specs:
            version = CodebookVersion.objects.get(pk=version_id)
            specs[version_id] = _reference_fields(version_spec(version))
        seen_in_event: set[tuple[str, str]] = set()
        for field_key, kind, name in _proposed(values or {}, specs[version_id]):
            group = (kind, alias_key(name))
            if not group[1]:
                continue
            spellings.setdefault(group, Counter())[name] += 1
            fields.setdefault(group, set()).add(field_key)
            if group not in seen_in_event:
                seen_in_event.add(group)
                events[group] += 1
                open_events[group] += _is_open(layer, assignment_status, adjudication_status)
    proposals = []
    for group, counter in spellings.items():
        kind, key = group
        linked = links.get(group)
        if (status == "open" and linked is not None) or (status == "linked" and linked is None):
            continue
        ordered = tuple(name for name, _ in counter.most_common())
        proposals.append(
            ProposedName(
                kind=kind,
                key=key,
                name=ordered[0],
                spellings=ordered,
                events=events[group],
                open_events=open_events[group],
                fields=tuple(sorted(fields[group])),
                candidates=(),
                linked_entry_id=linked,
            )
        )
    proposals.sort(key=lambda p: (-p.events, p.kind, p.name))
    return proposals


def with_candidates(proposals: Iterable[ProposedName]) -> list[ProposedName]:
    """``proposals`` each with the dictionary entries its name resembles (one search a name:
    call it on the page shown, not on the whole list)."""
    return [
        replace(
            p,
            candidates=tuple(
                dictionary_search(p.kind, p.name, limit=CANDIDATES_PER_NAME)  # type: ignore[arg-type]
            ),
        )
        for p in proposals
    ]

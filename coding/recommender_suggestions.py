"""The machine coder's events for one article: what a coder sees as ghost items, and what
the machine is measured with.

Per suggested event (coding.recommender.predict): its type and sub-type with their
calibrated probabilities, the likely trigger, and the fields Athar already finds in that
sentence (coding.text.suggest): the first dictionary actor for each actor field, the first
dictionary place for each location field, the first date for each date field (only fields
that apply to the type), each with its evidence span when the field has an evidence role.
Offsets are code points. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.dictionary_search import alias_matcher
from coding.models import Article, RecommenderModel
from coding.recommender_selectors import model_artifact
from coding.text.suggest import Suggestions, suggest

TRIGGER_ROLE = "trigger"


@dataclass(frozen=True)
class MachineEvent:
    key: str
    event_type: str
    event_subtype: str | None
    confidence: float
    subtype_confidence: float | None
    sentence: tuple[int, int]
    values: dict[str, Any] = field(default_factory=dict)
    spans: tuple[tuple[str, int, int], ...] = ()  # (role, start, end)


def _inside(start: int, end: int, sentence: tuple[int, int]) -> bool:
    return sentence[0] <= start and end <= sentence[1]


def _prefill(
    spec: CodebookSpec, code: str, found: Suggestions, sentence: tuple[int, int]
) -> tuple[dict[str, Any], list[tuple[str, int, int]]]:
    values: dict[str, Any] = {}
    spans: list[tuple[str, int, int]] = []
    actors = [m for m in found.actors if _inside(m.start, m.end, sentence)]
    places = [m for m in found.locations if _inside(m.start, m.end, sentence)]
    dates = [d for d in found.dates if _inside(d.start, d.end, sentence)]
    used_actors = 0
    for fdef in spec.fields:
        if not spec.field_applies(fdef, code):
            continue
        span: tuple[int, int] | None = None
        if fdef.kind == "actor" and used_actors < len(actors):
            match = actors[used_actors]
            used_actors += 1  # actor1, actor2, …: the sentence's actors in reading order
            values[fdef.key] = [{"id": match.entry_id}] if fdef.multiple else {"id": match.entry_id}
            span = (match.start, match.end)
        elif fdef.kind == "location" and places:
            match = places[0]
            values[fdef.key] = [{"id": match.entry_id}] if fdef.multiple else {"id": match.entry_id}
            span = (match.start, match.end)
        elif fdef.kind == "date" and dates:
            date = dates[0]
            value = {"start": date.date_start.isoformat()}
            if date.date_end != date.date_start:
                value["end"] = date.date_end.isoformat()
            values[fdef.key] = value
            span = (date.start, date.end)
        if span is not None and fdef.evidence_role:
            spans.append((fdef.evidence_role, *span))
    return values, spans


def machine_events(
    model: RecommenderModel, article: Article, *, threshold: float | None = None
) -> list[MachineEvent]:
    """The model's events for ``article`` (the model must be ready)."""
    from coding.recommender.predict import suggest_events  # scikit-learn: loaded on use

    artifact = model_artifact(model)
    suggested = suggest_events(
        artifact, article.text, threshold=model.threshold if threshold is None else threshold
    )
    if not suggested:
        return []
    spec = version_spec(model.codebook_version)
    anchor = article.published_at.date() if article.published_at else None
    found = suggest(article.text, alias_matcher(), anchor=anchor)
    events = []
    for s in suggested:
        code = s.event_subtype or s.event_type
        values, spans = _prefill(spec, code, found, s.sentence)
        if s.trigger is not None:
            spans.insert(0, (TRIGGER_ROLE, *s.trigger))
        events.append(
            MachineEvent(
                key=f"m{model.number}:{s.sentence[0]}:{s.event_type}",
                event_type=s.event_type,
                event_subtype=s.event_subtype,
                confidence=s.confidence,
                subtype_confidence=s.subtype_confidence,
                sentence=s.sentence,
                values=values,
                spans=_distinct(spans),
            )
        )
    return events


def _distinct(spans: Sequence[tuple[str, int, int]]) -> tuple[tuple[str, int, int], ...]:
    seen: list[tuple[str, int, int]] = []
    for span in spans:
        if span not in seen:
            seen.append(span)
    return tuple(seen)


@dataclass(frozen=True)
class AssignmentSuggestions:
    status: str  # ready, off, none, stale, training
    message: str
    model: RecommenderModel | None
    events: list[MachineEvent]


HIDDEN_MESSAGE = "the machine coder is turned off for this project"


def assignment_suggestions(assignment: Any, user: Any) -> AssignmentSuggestions:
    """The suggestions a coder's assignment shows: none while the recommender is off, for a
    coder of the control group (told exactly what an "off" project tells, so the group stays
    blind), or without a usable model; else the current model's events not yet accepted on
    this assignment. ``assignment`` comes from coding.access (its project loaded)."""
    from coding.models import CodedEvent
    from coding.recommender_selectors import (
        current_model,
        hidden_coder_ids,
        recommender_status,
    )

    project = assignment.project
    status, message = recommender_status(project)
    if status == "ready" and assignment.coder_id in hidden_coder_ids(project):
        return AssignmentSuggestions("off", HIDDEN_MESSAGE, None, [])
    if status != "ready":
        return AssignmentSuggestions(status, message, None, [])
    model = current_model(project)
    if model is None:  # trained under another version since the status was read
        return AssignmentSuggestions("stale", message, None, [])
    used = set(
        CodedEvent.objects.filter(assignment=assignment)
        .exclude(suggestion_key="")
        .values_list("suggestion_key", flat=True)
    )
    found = [e for e in machine_events(model, assignment.article) if e.key not in used]
    return AssignmentSuggestions("ready", message, model, found)

"""The machine coder measured like a coder, and the anchoring report.

Machine vs gold and machine vs each coder, on the articles validated after the model's
gold was read (never an article it was trained on): the machine's events and the other
side's are aligned by ``coding.agreement.compute_article_agreement`` exactly as two coders
are, then event detection F1 (2·TP / (|A| + |B|), summed over articles) and Krippendorff's α
per field over all aligned clusters (the two-row matrices of every article side by side).
Values are normalised as for coders (coding.services.agreement_inputs).

Anchoring, over the articles validated since the first model of this codebook version:
of the coders' events, the share that began from a suggestion, and for each group (began
from a suggestion / did not) the share that matches a gold event and α per field against
gold. Control group: coders hidden from suggestions against the others, each coder's
events against gold (detection F1, α per field). The figures are stored on the model
(``evaluation``); they are never pooled into the coders' agreement figures.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from coding import recommender_selectors as selectors
from coding.agreement import (
    AlignableEvent,
    DetectionCounts,
    FieldSpec,
    Span,
    compute_article_agreement,
    pairwise_detection,
)
from coding.agreement.article import field_alpha
from coding.codebook_runtime import event_type_codes, version_spec
from coding.codebook_spec import CodebookSpec
from coding.models import Adjudication, Article, CodedEvent, EvidenceSpan, RecommenderModel
from coding.recommender_suggestions import MachineEvent, machine_events
from coding.services.agreement_inputs import (
    agreement_fields,
    load_article_inputs,
    location_hierarchies,
    normalize_value,
)

MACHINE = -1
GOLD = 0
MAX_ARTICLES = 2000
CHUNK = 200


@dataclass
class _Pair:
    """Detection counts and per-field value pairs of one side against another."""

    articles: int = 0
    counts: DetectionCounts = field(default_factory=DetectionCounts)
    columns: dict[str, list[tuple[object, object]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(
        self, events: Sequence[AlignableEvent], fields: Sequence[FieldSpec], a: int, b: int
    ) -> None:
        result = compute_article_agreement(events, fields, [a, b])
        self.articles += 1
        for _, counts in pairwise_detection(result.presence, result.coders):
            self.counts.add(counts)
        for key, agreement in result.fields.items():
            row_a, row_b = agreement.matrix
            self.columns[key].extend(zip(row_a, row_b, strict=True))

    def figures(self, fields: Sequence[FieldSpec]) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "detection": {
                "f1": _finite(self.counts.f1),
                "true_positives": self.counts.true_positives,
                "events": self.counts.events,
            },
            "fields": [_alpha_row(spec, self.columns.get(spec.key, [])) for spec in fields],
        }


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _alpha_row(spec: FieldSpec, pairs: list[tuple[object, object]]) -> dict[str, Any]:
    matrix = [[a for a, _ in pairs], [b for _, b in pairs]]
    result = field_alpha(spec, matrix) if pairs else None
    return {
        "field": spec.key,
        "level": spec.level,
        "alpha": None if result is None else _finite(result.value),
        "status": "no units" if result is None else str(result.status),
        "n_pairable": 0 if result is None else result.n_pairable_units,
        "percent_agreement": None if result is None else _finite(result.percent_agreement),
    }


def _gold_events(
    article_ids: Sequence[int], spec: CodebookSpec, version_id: int
) -> dict[int, list[AlignableEvent]]:
    codes = event_type_codes(version_id)
    rows = list(
        CodedEvent.objects.filter(
            layer="gold", article_id__in=article_ids, codebook_version_id=version_id
        ).values_list("id", "article_id", "event_type_id", "event_subtype_id", "values")
    )
    spans: dict[int, list[Span]] = defaultdict(list)
    for event_id, role, start, end in EvidenceSpan.objects.filter(
        event_id__in=[r[0] for r in rows]
    ).values_list("event_id", "role", "start", "end"):
        spans[event_id].append(Span(role, start, end))
    place_keys = [f.key for f in spec.fields if f.distance == "place_hierarchy"]
    places = location_hierarchies(r[4].get(k) for r in rows for k in place_keys)
    found: dict[int, list[AlignableEvent]] = defaultdict(list)
    for event_id, article_id, type_id, subtype_id, values in rows:
        found[article_id].append(
            AlignableEvent(
                id=event_id,
                coder=GOLD,
                event_type=codes[type_id],
                event_subtype=codes[subtype_id] if subtype_id else None,
                spans=tuple(sorted(spans[event_id], key=lambda s: (s.start, s.end, s.role))),
                values={f.key: normalize_value(f, values.get(f.key), places) for f in spec.fields},
            )
        )
    return found


def _machine_alignable(events: Iterable[MachineEvent], spec: CodebookSpec) -> list[AlignableEvent]:
    made = list(events)
    place_keys = [f.key for f in spec.fields if f.distance == "place_hierarchy"]
    places = location_hierarchies(e.values.get(k) for e in made for k in place_keys)
    return [
        AlignableEvent(
            id=-(k + 1),
            coder=MACHINE,
            event_type=e.event_type,
            event_subtype=e.event_subtype,
            spans=tuple(
                sorted(
                    (Span(r, s, t) for r, s, t in e.spans), key=lambda x: (x.start, x.end, x.role)
                )
            ),
            values={f.key: normalize_value(f, e.values.get(f.key), places) for f in spec.fields},
        )
        for k, e in enumerate(made)
    ]


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _machine_figures(
    model: RecommenderModel, spec: CodebookSpec, fields: list[FieldSpec]
) -> dict[str, Any]:
    trained = set(model.article_ids)
    ids = [
        a
        for a in Adjudication.objects.filter(
            project_id=model.project_id, status="validated", validated_at__gt=model.trained_through
        )
        .order_by("-validated_at", "-article_id")
        .values_list("article_id", flat=True)[: MAX_ARTICLES + len(trained)]
        if a not in trained
    ][:MAX_ARTICLES]
    vs_gold = _Pair()
    vs_coder: dict[int, _Pair] = defaultdict(_Pair)
    version_id = model.codebook_version_id
    for chunk in _chunks(sorted(ids)):
        gold = _gold_events(chunk, spec, version_id)
        coded = {
            inputs.article_id: inputs for inputs in load_article_inputs(chunk, spec, version_id)
        }
        for article in Article.objects.filter(pk__in=chunk).order_by("pk"):
            machine = _machine_alignable(machine_events(model, article), spec)
            vs_gold.add([*machine, *gold.get(article.pk, [])], fields, MACHINE, GOLD)
            inputs = coded.get(article.pk)
            if inputs is None:
                continue
            for coder in inputs.coders:
                mine = [e for e in inputs.events if e.coder == coder]
                vs_coder[coder].add([*machine, *mine], fields, MACHINE, coder)
    return {
        "articles": len(ids),
        "capped": len(ids) >= MAX_ARTICLES,
        "machine_vs_gold": vs_gold.figures(fields),
        "machine_vs_coders": [
            {"coder": coder, **pair.figures(fields)} for coder, pair in sorted(vs_coder.items())
        ],
    }


@dataclass
class _Origin:
    events: int = 0
    matched: int = 0
    columns: dict[str, list[tuple[object, object]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def figures(self, fields: Sequence[FieldSpec]) -> dict[str, Any]:
        return {
            "events": self.events,
            "matched_gold": self.matched,
            "matched_share": _finite(self.matched / self.events) if self.events else None,
            "fields": [_alpha_row(spec, self.columns.get(spec.key, [])) for spec in fields],
        }


def _anchoring_figures(
    model: RecommenderModel, spec: CodebookSpec, fields: list[FieldSpec]
) -> dict[str, Any]:
    first = (
        RecommenderModel.objects.filter(
            project_id=model.project_id,
            status="ready",
            codebook_version_id=model.codebook_version_id,
        )
        .order_by("number")
        .values_list("trained_through", flat=True)
        .first()
    )
    ids = list(
        Adjudication.objects.filter(
            project_id=model.project_id, status="validated", validated_at__gt=first
        )
        .order_by("-validated_at", "-article_id")
        .values_list("article_id", flat=True)[:MAX_ARTICLES]
    )
    hidden = set(selectors.hidden_coder_ids(model.project))
    origins = {"suggested": _Origin(), "own": _Origin()}
    groups = {"hidden": _Pair(), "shown": _Pair()}
    for chunk in _chunks(sorted(ids)):
        suggested = set(
            CodedEvent.objects.filter(
                article_id__in=chunk, layer="coder", suggested_by__isnull=False
            ).values_list("id", flat=True)
        )
        gold = _gold_events(chunk, spec, model.codebook_version_id)
        for inputs in load_article_inputs(chunk, spec, model.codebook_version_id):
            for coder in inputs.coders:
                mine = [e for e in inputs.events if e.coder == coder]
                events = [*mine, *gold.get(inputs.article_id, [])]
                groups["hidden" if coder in hidden else "shown"].add(events, fields, coder, GOLD)
                result = compute_article_agreement(events, fields, [coder, GOLD])
                for cluster in result.clusters:
                    event = cluster.events.get(coder)
                    if event is None:
                        continue
                    origin = origins["suggested" if event.id in suggested else "own"]
                    origin.events += 1
                    gold_event = cluster.events.get(GOLD)
                    if gold_event is None:
                        continue
                    origin.matched += 1
                    for spec_ in fields:
                        key = spec_.key
                        origin.columns[key].append((_value(event, key), _value(gold_event, key)))
    total = sum(o.events for o in origins.values())
    return {
        "articles": len(ids),
        "coder_events": total,
        "suggested_share": _finite(origins["suggested"].events / total) if total else None,
        "suggested": origins["suggested"].figures(fields),
        "own": origins["own"].figures(fields),
        "control": {
            "hidden_coders": sorted(hidden),
            "hidden": groups["hidden"].figures(fields),
            "shown": groups["shown"].figures(fields),
        },
    }


def _value(event: AlignableEvent, key: str) -> object:
    if key == "event_type":
        return event.event_type
    if key == "event_subtype":
        return event.event_subtype
    return event.values.get(key)


def recommender_evaluate(*, model_id: int) -> RecommenderModel | None:
    """Measure a ready model (see the module docstring) and store the figures on it."""
    model = (
        RecommenderModel.objects.select_related("project", "codebook_version")
        .filter(pk=model_id, status="ready")
        .first()
    )
    if model is None or model.trained_through is None:
        return None
    spec = version_spec(model.codebook_version)
    fields = agreement_fields(spec)
    evaluation = {
        **_machine_figures(model, spec, fields),
        "anchoring": _anchoring_figures(model, spec, fields),
    }
    with transaction.atomic():
        RecommenderModel.objects.filter(pk=model.pk).update(
            evaluation=evaluation, evaluated_at=timezone.now()
        )
    model.evaluation = evaluation
    return model

"""Reads for adjudication: the disagreement queue and the side-by-side view of one article."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from coding.codebook_runtime import event_type_codes
from coding.models import (
    REAL_ASSIGNMENT,
    REAL_EVENT,
    Adjudication,
    AdjudicationDecision,
    AgreementRun,
    Article,
    Assignment,
    CodedEvent,
    Disagreement,
    EvidenceSpan,
    Project,
)
from coding.review_queue_selectors import adjudication_queue, adjudication_queue_count
from coding.text.offsets import OffsetMap

__all__ = [
    "adjudication_queue",
    "adjudication_queue_count",
    "event_dict",
    "latest_article_runs",
    "side_by_side",
]


def latest_article_runs(project: Project) -> QuerySet[AgreementRun]:
    """The newest finished agreement run of each article of the project: the done article
    runs with no done run of the same article with a higher id.

    Written as "no newer run" (NOT EXISTS) rather than "id IN (GROUP BY article MAX(id))":
    PostgreSQL runs it as one hash anti-join, where for the grouped form it expected 200
    rows and fetched every run again by primary key (10,000 lookups for 10,000 articles).
    The same rows either way, on SQLite too.
    """
    newer = AgreementRun.objects.filter(
        article_id=OuterRef("article_id"),
        scope=AgreementRun.Scope.ARTICLE,
        status=AgreementRun.Status.DONE,
        id__gt=OuterRef("id"),
    )
    return AgreementRun.objects.filter(
        project=project, scope=AgreementRun.Scope.ARTICLE, status=AgreementRun.Status.DONE
    ).filter(~Exists(newer))


def event_dict(event: CodedEvent, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": event.pk,
        "event_type": codes[event.event_type_id],
        "event_subtype": codes[event.event_subtype_id] if event.event_subtype_id else None,
        "values": event.values,
        "memo": event.memo,
        "version": event.version,
        "spans": [
            {"role": s.role, "start": s.start, "end": s.end, "quote": s.quote}
            for s in event.spans.all()
        ],
    }


def _event_dicts(
    events: QuerySet[CodedEvent], codes: dict[int, str], offsets: OffsetMap | None = None
) -> list[dict[str, Any]]:
    """`event_dict` of each event, in id order, read as plain rows in two queries (events,
    then their spans). A side-by-side article has ~100 events with ~500 spans: model
    instances and one related queryset per event's spans were most of the view's time."""
    rows = list(
        events.order_by("id").values_list(
            "id", "event_type_id", "event_subtype_id", "values", "memo", "version"
        )
    )
    spans: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in rows}
    if spans:
        for event_id, role, start, end, quote in (
            EvidenceSpan.objects.filter(event_id__in=list(spans))
            .order_by("start", "end", "id")  # EvidenceSpan's own ordering, as event.spans.all()
            .values_list("event_id", "role", "start", "end", "quote")
        ):
            span = {"role": role, "start": start, "end": end, "quote": quote}
            if offsets is not None:
                span["start_u16"] = offsets.cp_to_u16(start)
                span["end_u16"] = offsets.cp_to_u16(end)
            spans[event_id].append(span)
    return [
        {
            "id": pk,
            "event_type": codes[type_id],
            "event_subtype": codes[subtype_id] if subtype_id else None,
            "values": values,
            "memo": memo,
            "version": version,
            "spans": spans[pk],
        }
        for pk, type_id, subtype_id, values, memo, version in rows
    ]


def side_by_side(article: Article, run: AgreementRun | None, *, anonymize: bool) -> dict[str, Any]:
    """Aligned events in rows (clusters), coders in columns, differing fields marked; unmatched
    events as clusters with one coder; gold events and live decisions. Five queries before
    the adjudication is opened, eight after."""
    codes = event_type_codes(article.project.codebook_version_id)
    offsets = OffsetMap(article.text)
    coders = list(run.params.get("coders", [])) if run else []
    usernames = dict(
        Assignment.objects.filter(REAL_ASSIGNMENT, article=article).values_list(
            "coder_id", "coder__username"
        )
    )
    labels = {
        c: (f"Coder {chr(65 + i)}" if anonymize else usernames[c])
        for i, c in enumerate(coders)
        if c in usernames
    }
    coder_events = {
        e["id"]: e
        for e in _event_dicts(
            CodedEvent.objects.filter(REAL_EVENT, article=article, layer="coder"), codes, offsets
        )
    }
    differences: dict[str, list[dict[str, Any]]] = {}
    if run:
        for key, kind, severity, field in (
            Disagreement.objects.filter(run=run)
            .order_by("-severity", "id")
            .values_list("cluster_key", "kind", "severity", "field_key")
        ):
            differences.setdefault(key, []).append(
                {"kind": kind, "severity": severity, "field": field}
            )
    adjudication = Adjudication.objects.filter(article=article).first()
    decisions: dict[str, AdjudicationDecision] = {}
    gold: list[dict[str, Any]] = []
    if adjudication:
        decisions = {
            d.cluster_key or f"add:{d.pk}": d
            for d in AdjudicationDecision.objects.filter(
                adjudication=adjudication, active=True
            ).select_related("decided_by")
        }
        gold = _event_dicts(
            CodedEvent.objects.filter(adjudication=adjudication, layer="gold"), codes, offsets
        )
    rows = []
    for cluster in run.params.get("clusters", []) if run else []:
        by_coder = {int(c): int(e) for c, e in cluster["events"].items()}
        decision = decisions.get(cluster["key"])
        rows.append(
            {
                "key": cluster["key"],
                "cohesion": cluster.get("cohesion"),
                "unmatched": len(by_coder) < len(coders),
                "events": {
                    labels.get(c, str(c)): coder_events[e]
                    for c, e in sorted(by_coder.items())
                    if e in coder_events
                },
                "differences": differences.get(cluster["key"], []),
                "differing_fields": sorted(
                    {d["field"] for d in differences.get(cluster["key"], []) if d["field"]}
                ),
                "decision": {
                    "id": decision.pk,
                    "kind": decision.kind,
                    "version": decision.version,
                    "gold_event": decision.gold_event_id,
                    "reason": decision.reason,
                    "reason_code": decision.reason_code,
                    "field_sources": decision.field_sources,
                    "decided_by": None if anonymize else decision.decided_by.username,
                    "decided_at": decision.decided_at.isoformat(),
                }
                if decision
                else None,
            }
        )
    return {
        "article": {
            "id": article.pk,
            "title": article.title,
            "text": article.text,
            "paragraphs": article.paragraphs,
            "len_cp": article.len_cp,
            "len_u16": article.len_u16,
            "language": article.language,
            "direction": article.direction,
        },
        "coders": [
            {"label": labels[c], "id": None if anonymize else c} for c in coders if c in labels
        ],
        "clusters": rows,
        "adjudication": {
            "id": adjudication.pk,
            "status": adjudication.status,
            "revision": adjudication.revision,
            "version": adjudication.version,
        }
        if adjudication
        else None,
        "gold_events": gold,
        "added_decisions": [
            {"id": d.pk, "kind": d.kind, "gold_event": d.gold_event_id, "version": d.version}
            for key, d in decisions.items()
            if key.startswith("add:")
        ],
    }

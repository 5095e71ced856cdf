"""Reads for adjudication: the disagreement queue and the side-by-side view of one article."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery

from coding.codebook_runtime import event_type_codes
from coding.models import (
    Adjudication,
    AdjudicationDecision,
    AgreementRun,
    Article,
    Assignment,
    CodedEvent,
    Disagreement,
    Project,
)
from coding.selectors import latest_article_run_ids


def adjudication_queue(
    project: Project,
    *,
    unanimous: bool = False,
    event_type: str | None = None,
    coder: int | None = None,
    min_severity: int | None = None,
    status: str | None = None,
) -> QuerySet[AgreementRun]:
    """One row per article whose coders have all submitted, from its latest agreement run:
    most severe disagreement first (5 = an event found by one coder only). `unanimous=True`
    lists the articles without any disagreement instead."""
    runs = AgreementRun.objects.filter(pk__in=latest_article_run_ids(project)).annotate(
        max_severity=Max("disagreements__severity"),
        n_disagreements=Count("disagreements"),
        adjudication_status=Subquery(
            Adjudication.objects.filter(article_id=OuterRef("article_id")).values("status")[:1]
        ),
        title=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("title")[:1]),
    )
    runs = (
        runs.filter(max_severity__isnull=True)
        if unanimous
        else runs.filter(max_severity__isnull=False)
    )
    if min_severity:
        runs = runs.filter(max_severity__gte=min_severity)
    if event_type:
        runs = runs.filter(
            Exists(
                CodedEvent.objects.filter(
                    article_id=OuterRef("article_id"), layer="coder", event_type__code=event_type
                )
            )
        )
    if coder:
        runs = runs.filter(
            Exists(Assignment.objects.filter(article_id=OuterRef("article_id"), coder_id=coder))
        )
    if status == "none":
        runs = runs.filter(adjudication_status__isnull=True)
    elif status:
        runs = runs.filter(adjudication_status=status)
    return runs.order_by("-max_severity", "-n_disagreements", "article_id").values(
        "article_id",
        "title",
        "max_severity",
        "n_disagreements",
        "adjudication_status",
        "finished_at",
    )  # type: ignore[return-value]


def event_dict(event: CodedEvent, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": event.pk,
        "event_type": codes[event.event_type_id],
        "event_subtype": codes[event.event_subtype_id] if event.event_subtype_id else None,
        "values": event.values,
        "notes": event.notes,
        "version": event.version,
        "spans": [
            {"role": s.role, "start": s.start, "end": s.end, "quote": s.quote}
            for s in event.spans.all()
        ],
    }


def side_by_side(article: Article, run: AgreementRun | None, *, anonymize: bool) -> dict[str, Any]:
    """Aligned events in rows (clusters), coders in columns, differing fields marked; unmatched
    events as clusters with one coder; gold events and live decisions. Five queries."""
    codes = event_type_codes(article.project.codebook_version_id)
    coders = list(run.params.get("coders", [])) if run else []
    assignments = {
        a.coder_id: a for a in Assignment.objects.filter(article=article).select_related("coder")
    }
    labels = {
        c: (f"Coder {chr(65 + i)}" if anonymize else assignments[c].coder.username)
        for i, c in enumerate(coders)
        if c in assignments
    }
    coder_events = {
        e.pk: e
        for e in CodedEvent.objects.filter(article=article, layer="coder").prefetch_related("spans")
    }
    differences: dict[str, list[dict[str, Any]]] = {}
    if run:
        for d in Disagreement.objects.filter(run=run).order_by("-severity", "id"):
            differences.setdefault(d.cluster_key, []).append(
                {"kind": d.kind, "severity": d.severity, "field": d.field_key}
            )
    adjudication = Adjudication.objects.filter(article=article).first()
    decisions: dict[str, AdjudicationDecision] = {}
    gold: list[CodedEvent] = []
    if adjudication:
        decisions = {
            d.cluster_key or f"add:{d.pk}": d
            for d in AdjudicationDecision.objects.filter(adjudication=adjudication, active=True)
        }
        gold = list(
            CodedEvent.objects.filter(adjudication=adjudication, layer="gold").prefetch_related(
                "spans"
            )
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
                    labels.get(c, str(c)): event_dict(coder_events[e], codes)
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
        "gold_events": [event_dict(e, codes) for e in gold],
        "added_decisions": [
            {"id": d.pk, "kind": d.kind, "gold_event": d.gold_event_id, "version": d.version}
            for key, d in decisions.items()
            if key.startswith("add:")
        ],
    }

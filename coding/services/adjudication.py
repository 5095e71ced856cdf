"""Adjudication: supervisors decide each aligned event of an article, building the gold layer.

Decisions: accept one coder's event, merge field by field, add an event no coder found,
reject, edit a gold event, and automatic "unanimous" acceptance when the project allows it.
Every decision records who, when, why and the coder events it came from. At most one live
decision per aligned cluster (a database constraint): two supervisors deciding the same
event at once get one success and one Conflict carrying the winning decision. An article is
validated when every cluster of its latest agreement run is decided; it can be reopened
(a new revision, audited). Coder events are never modified here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from coding.models import (
    REAL_ASSIGNMENT,
    Adjudication,
    AdjudicationDecision,
    Assignment,
    CodedEvent,
    Disagreement,
    OutboxItem,
    User,
)
from coding.services.agreement import article_agreement_compute, latest_article_run
from coding.services.audit import audit_record
from coding.services.dataset_reports import reports_attach_validated
from coding.services.events import EventInput, SpanInput
from coding.services.export_rows import csv_rows_schedule
from coding.services.gold import (
    event_input_of,
    gold_event_create,
    gold_event_replace,
    merged_input,
    system_user,
)
from coding.services.gold_reopen import adjudication_reopen_locked
from coding.services.outbox import outbox_record
from coding.services.recommender_schedule import recommender_check_schedule
from coding.services.review_queue import review_queue_refresh

Kind = AdjudicationDecision.Kind


def article_clusters(article_id: int) -> list[dict[str, Any]]:
    """The aligned clusters of the article's latest agreement run (key, events by coder)."""
    run = latest_article_run(article_id)
    return list(run.params.get("clusters", [])) if run else []


@transaction.atomic
def adjudication_open(*, article_id: int, actor: User | None = None) -> Adjudication:
    """The article's adjudication, created when every assigned coder has submitted."""
    from coding.models import Article

    article = Article.objects.select_related("project").get(pk=article_id)
    existing = Adjudication.objects.filter(article=article).first()
    if existing:
        _ensure_run(article_id)
        return existing
    if (
        Assignment.objects.filter(REAL_ASSIGNMENT, article=article)
        .exclude(status=Assignment.Status.SUBMITTED)
        .exists()
    ):
        raise Conflict("coders are still working on this article", code="not_ready")
    _ensure_run(article_id)
    adjudication, created = Adjudication.objects.get_or_create(
        article=article, defaults={"project": article.project}
    )
    if created:
        review_queue_refresh(article_ids=[article_id])
        audit_record(
            action="adjudication.open", actor=actor, project=article.project, target=adjudication
        )
    return adjudication


def _ensure_run(article_id: int) -> None:
    """Compute the article's agreement run (its clusters) if it has none yet: a task may not
    have run, or the adjudication predates runs for articles with a single coder."""
    if latest_article_run(article_id) is None:
        article_agreement_compute(article_id=article_id)


def _locked(adjudication: Adjudication) -> Adjudication:
    locked = (
        # Only the adjudication's row (of=self): FOR UPDATE on the joined project and article
        # rows made every decision of a project wait for each other, and deadlocked with a
        # transaction that holds an article's row lock (a queue refresh) and, at COMMIT,
        # checks its new rows' foreign keys to the project (KEY SHARE).
        Adjudication.objects.select_for_update(of=("self",))
        .select_related("project__codebook_version", "article")
        .get(pk=adjudication.pk)
    )
    if locked.status == Adjudication.Status.VALIDATED:
        raise Conflict("the article is validated; reopen it to change decisions", code="validated")
    return locked


def _cluster(adjudication: Adjudication, cluster_key: str) -> dict[str, Any]:
    for cluster in article_clusters(adjudication.article_id):
        if cluster["key"] == cluster_key:
            return cluster
    raise NotFound(f"no aligned event {cluster_key!r} in this article")


def _cluster_events(cluster: Mapping[str, Any]) -> dict[int, CodedEvent]:
    ids = [int(e) for e in cluster["events"].values()]
    events = CodedEvent.objects.filter(pk__in=ids, layer=CodedEvent.Layer.CODER).prefetch_related(
        "spans"
    )
    return {e.pk: e for e in events}


def _record(
    adjudication: Adjudication,
    *,
    kind: str,
    actor: User,
    cluster_key: str,
    gold: CodedEvent | None,
    sources: Sequence[CodedEvent],
    reason: str,
    reason_code: str,
    field_sources: Mapping[str, Any] | None = None,
) -> AdjudicationDecision:
    try:
        with transaction.atomic():
            decision = AdjudicationDecision.objects.create(
                adjudication=adjudication,
                revision=adjudication.revision,
                kind=kind,
                cluster_key=cluster_key,
                gold_event=gold,
                reason=reason,
                reason_code=reason_code,
                decided_by=actor,
                field_sources=dict(field_sources or {}),
            )
    except IntegrityError:
        winner = AdjudicationDecision.objects.filter(
            adjudication=adjudication, cluster_key=cluster_key, active=True
        ).first()
        raise Conflict(
            "this event was decided by someone else a moment ago; nothing of yours was saved",
            code="already_decided",
            extra={"decision": decision_dict(winner) if winner else None},
        ) from None
    decision.source_events.set(sources)
    audit_record(
        action=f"adjudication.{kind}",
        actor=actor,
        project=adjudication.project,
        target=decision,
        data={
            "article": adjudication.article_id,
            "cluster": cluster_key,
            "gold_event": gold.pk if gold else None,
            "sources": [s.pk for s in sources],
            "reason": reason,
        },
    )
    return decision


def _ensure_undecided(adjudication: Adjudication, cluster_key: str) -> None:
    winner = AdjudicationDecision.objects.filter(
        adjudication=adjudication, cluster_key=cluster_key, active=True
    ).first()
    if winner:
        raise Conflict(
            "this event is already decided; undo that decision first",
            code="already_decided",
            extra={"decision": decision_dict(winner)},
        )


def _undecided_cluster(
    adjudication: Adjudication, cluster_key: str
) -> tuple[Adjudication, dict[int, CodedEvent]]:
    """The locked adjudication and the coder events of a cluster nobody has decided yet.
    Precondition: inside the caller's transaction (the lock lasts until it ends)."""
    locked = _locked(adjudication)
    _ensure_undecided(locked, cluster_key)
    return locked, _cluster_events(_cluster(locked, cluster_key))


@transaction.atomic
def decision_accept(
    *,
    adjudication: Adjudication,
    actor: User,
    cluster_key: str,
    event_id: int,
    reason: str = "",
    reason_code: str = "",
) -> AdjudicationDecision:
    locked, events = _undecided_cluster(adjudication, cluster_key)
    if event_id not in events:
        raise ValidationFailed(
            "accept an event of this cluster",
            errors=[{"field": "event", "code": "not_in_cluster", "message": str(event_id)}],
        )
    gold = gold_event_create(
        adjudication=locked, actor=actor, data=event_input_of(events[event_id])
    )
    return _record(
        locked,
        kind=Kind.ACCEPT,
        actor=actor,
        cluster_key=cluster_key,
        gold=gold,
        sources=[events[event_id]],
        reason=reason,
        reason_code=reason_code,
        field_sources={"all": event_id},
    )


@transaction.atomic
def decision_merge(
    *,
    adjudication: Adjudication,
    actor: User,
    cluster_key: str,
    base_event: int,
    fields: Mapping[str, Mapping[str, Any]],
    event_type_from: int | None = None,
    spans_from: Sequence[int] | None = None,
    spans: Sequence[SpanInput] | None = None,
    reason: str = "",
    reason_code: str = "",
) -> AdjudicationDecision:
    locked, events = _undecided_cluster(adjudication, cluster_key)
    if base_event not in events:
        raise ValidationFailed(
            "the base event must be in this cluster",
            errors=[{"field": "base_event", "code": "not_in_cluster", "message": str(base_event)}],
        )
    data, field_sources = merged_input(
        events[base_event],
        events,
        spec=version_spec(locked.project.codebook_version),
        fields=fields,
        event_type_from=event_type_from,
        spans_from=spans_from,
        spans=spans,
    )
    gold = gold_event_create(adjudication=locked, actor=actor, data=data)
    chosen = [*field_sources["fields"].values(), field_sources.get("event_type")]
    used = {base_event} | {v for v in chosen if isinstance(v, int)}
    if isinstance(field_sources.get("spans"), list):
        used |= set(field_sources["spans"])
    return _record(
        locked,
        kind=Kind.MERGE,
        actor=actor,
        cluster_key=cluster_key,
        gold=gold,
        sources=[events[e] for e in sorted(used)],
        reason=reason,
        reason_code=reason_code,
        field_sources={"base": base_event, **field_sources},
    )


@transaction.atomic
def decision_reject(
    *,
    adjudication: Adjudication,
    actor: User,
    cluster_key: str,
    reason: str,
    reason_code: str = "",
) -> AdjudicationDecision:
    if not reason.strip():
        raise ValidationFailed(
            "say why the event is rejected",
            errors=[{"field": "reason", "code": "required", "message": "required"}],
        )
    locked, events = _undecided_cluster(adjudication, cluster_key)
    return _record(
        locked,
        kind=Kind.REJECT,
        actor=actor,
        cluster_key=cluster_key,
        gold=None,
        sources=list(events.values()),
        reason=reason,
        reason_code=reason_code,
    )


@transaction.atomic
def decision_add(
    *,
    adjudication: Adjudication,
    actor: User,
    data: EventInput,
    reason: str = "",
    reason_code: str = "",
) -> AdjudicationDecision:
    """An event no coder found (no cluster; provenance: typed by the supervisor)."""
    locked = _locked(adjudication)
    gold = gold_event_create(adjudication=locked, actor=actor, data=data)
    return _record(
        locked,
        kind=Kind.ADD,
        actor=actor,
        cluster_key="",
        gold=gold,
        sources=[],
        reason=reason,
        reason_code=reason_code,
        field_sources={"all": "typed"},
    )


@transaction.atomic
def gold_event_edit(
    *,
    adjudication: Adjudication,
    actor: User,
    event_id: int,
    data: EventInput,
    expected_version: int,
    reason: str = "",
    reason_code: str = "",
) -> AdjudicationDecision:
    locked = _locked(adjudication)
    event = CodedEvent.objects.filter(
        pk=event_id, adjudication=locked, layer=CodedEvent.Layer.GOLD
    ).first()
    if event is None:
        raise NotFound("gold event not found")
    updated = gold_event_replace(
        event=event, adjudication=locked, data=data, expected_version=expected_version
    )
    return _record(
        locked,
        kind=Kind.EDIT,
        actor=actor,
        cluster_key="",
        gold=updated,
        sources=[],
        reason=reason,
        reason_code=reason_code,
        field_sources={"edited_version": expected_version},
    )


@transaction.atomic
def decision_undo(
    *, adjudication: Adjudication, actor: User, decision_id: int, expected_version: int
) -> AdjudicationDecision:
    """Undo a live decision: it stays as history (inactive); its gold event is removed (its
    content is kept in the audit row)."""
    locked = _locked(adjudication)
    decision = (
        AdjudicationDecision.objects.select_for_update()
        .filter(pk=decision_id, adjudication=locked, active=True)
        .first()
    )
    if decision is None:
        raise NotFound("no live decision with that id")
    if decision.version != expected_version:
        raise StaleVersion("the decision changed since you loaded it")
    gold = decision.gold_event
    snapshot = None
    if gold is not None:
        snapshot = {
            "values": gold.values,
            "spans": list(gold.spans.values_list("role", "start", "end", "quote")),
        }
        others = AdjudicationDecision.objects.filter(gold_event=gold).exclude(pk=decision.pk)
        others.update(gold_event=None)
        gold.delete()
        decision.gold_event = None
    decision.active = False
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.version += 1
    decision.save(update_fields=["active", "undone_at", "undone_by", "version", "gold_event"])
    audit_record(
        action="adjudication.undo",
        actor=actor,
        project=locked.project,
        target=decision,
        data={"gold_event": snapshot},
    )
    return decision


def unanimous_cluster_keys(article_id: int) -> list[str]:
    """Clusters every coder has and on which they differ in nothing (not even spans).

    None when the article has fewer than two coders: one coder cannot agree with anyone, so
    a supervisor accepts, edits or rejects each of that coder's events by hand."""
    run = latest_article_run(article_id)
    if run is None:
        return []
    n_coders = len(run.params.get("coders", []))
    if n_coders < 2:
        return []
    differing = set(Disagreement.objects.filter(run=run).values_list("cluster_key", flat=True))
    return [
        c["key"]
        for c in run.params.get("clusters", [])
        if len(c["events"]) == n_coders and c["key"] not in differing
    ]


@transaction.atomic
def auto_accept_unanimous(*, adjudication: Adjudication) -> int:
    """Accept every unanimous cluster (kind "unanimous", by the system account); validate the
    article when that decides everything. Returns the number of decisions made."""
    actor = system_user()
    locked = _locked(adjudication)
    decided = set(
        AdjudicationDecision.objects.filter(adjudication=locked, active=True).values_list(
            "cluster_key", flat=True
        )
    )
    made = 0
    for key in unanimous_cluster_keys(locked.article_id):
        if key in decided:
            continue
        events = _cluster_events(_cluster(locked, key))
        first = min(events)
        gold = gold_event_create(
            adjudication=locked, actor=actor, data=event_input_of(events[first])
        )
        _record(
            locked,
            kind=Kind.UNANIMOUS,
            actor=actor,
            cluster_key=key,
            gold=gold,
            sources=list(events.values()),
            reason="all coders agreed",
            reason_code="unanimous",
            field_sources={"all": first},
        )
        made += 1
    if not undecided_clusters(locked):
        _validate(locked, actor)
    return made


def undecided_clusters(adjudication: Adjudication) -> list[str]:
    decided = set(
        AdjudicationDecision.objects.filter(adjudication=adjudication, active=True).values_list(
            "cluster_key", flat=True
        )
    )
    return [c["key"] for c in article_clusters(adjudication.article_id) if c["key"] not in decided]


def _validate(locked: Adjudication, actor: User) -> Adjudication:
    locked.status = Adjudication.Status.VALIDATED
    locked.validated_at = timezone.now()
    locked.validated_by = actor
    locked.version += 1
    locked.save(update_fields=["status", "validated_at", "validated_by", "version"])
    review_queue_refresh(article_ids=[locked.article_id])
    reports_attach_validated(locked=locked, now=locked.validated_at)
    # The "same event?" search for its reports runs after the commit (outbox_drain).
    outbox_record(
        kind=OutboxItem.Kind.DEDUP_ARTICLE,
        key=f"article:{locked.article_id}",
        payload={"article_id": locked.article_id},
    )
    csv_rows_schedule(project_id=locked.project_id, article_ids=[locked.article_id])
    recommender_check_schedule(project_id=locked.project_id)
    audit_record(
        action="adjudication.validate",
        actor=actor,
        project=locked.project,
        target=locked,
        data={"revision": locked.revision, "gold_events": locked.gold_events.count()},
    )
    return locked


@transaction.atomic
def adjudication_validate(
    *, adjudication: Adjudication, actor: User, expected_version: int
) -> Adjudication:
    locked = _locked(adjudication)
    if locked.version != expected_version:
        raise StaleVersion(
            "the adjudication changed since you loaded it",
            extra={"current_version": locked.version},
        )
    # A coder added or reopened after the adjudication began is still coding: their work
    # will change the agreement this gold layer is decided on.
    if (
        Assignment.objects.filter(REAL_ASSIGNMENT, article_id=locked.article_id)
        .exclude(status=Assignment.Status.SUBMITTED)
        .exists()
    ):
        raise Conflict(
            "a coder is still coding this article; validate once they have submitted",
            code="not_ready",
        )
    _ensure_run(locked.article_id)  # never validate without the clusters to decide
    missing = undecided_clusters(locked)
    if missing:
        raise ValidationFailed(
            f"{len(missing)} aligned event(s) are not decided yet",
            code="undecided",
            errors=[
                {"field": key, "code": "undecided", "message": "needs a decision"}
                for key in missing
            ],
        )
    return _validate(locked, actor)


@transaction.atomic
def adjudication_reopen(*, adjudication: Adjudication, actor: User, reason: str) -> Adjudication:
    if not reason.strip():
        raise ValidationFailed(
            "a reason is required to reopen",
            errors=[{"field": "reason", "code": "required", "message": "required"}],
        )
    locked = (
        Adjudication.objects.select_for_update(of=("self",))  # not the project's row (_locked)
        .select_related("project")
        .get(pk=adjudication.pk)
    )
    if locked.status != Adjudication.Status.VALIDATED:
        raise Conflict("only a validated article can be reopened", code="not_validated")
    return adjudication_reopen_locked(locked=locked, actor=actor, reason=reason)


def decision_dict(decision: AdjudicationDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "cluster": decision.cluster_key,
        "gold_event": decision.gold_event_id,
        "revision": decision.revision,
        "reason": decision.reason,
        "reason_code": decision.reason_code,
        "field_sources": decision.field_sources,
        "decided_by": decision.decided_by_id,
        "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
        "source_events": sorted(decision.source_events.values_list("pk", flat=True))
        if decision.pk
        else [],
        "active": decision.active,
        "version": decision.version,
    }


def adjudication_auto(*, article_id: int) -> int:
    """When the project allows it: open the article's adjudication and accept its unanimous
    events (validating the article if that decides everything). Returns decisions made."""
    from coding.models import Article

    article = Article.objects.select_related("project").get(pk=article_id)
    if not article.project.settings.get("auto_accept_unanimous"):
        return 0
    adjudication = adjudication_open(article_id=article_id)
    if adjudication.status != Adjudication.Status.OPEN:
        return 0
    return auto_accept_unanimous(adjudication=adjudication)

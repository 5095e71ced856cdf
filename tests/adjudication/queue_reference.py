"""The adjudication queue as it was computed before ReviewQueueEntry (until migration 0020):
straight from every latest agreement run of the project, with per-run subqueries. Kept here
as the oracle the maintained table must always agree with (tests/adjudication/
test_review_queue.py); too slow to serve (issue #19, item 1), exact by construction."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from coding.adjudication_selectors import latest_article_runs
from coding.models import Adjudication, Article, Assignment, CodedEvent, Disagreement, Project
from coding.services.review_queue import JsonArrayLength


def queue_from_runs(
    project: Project,
    *,
    unanimous: bool = False,
    event_type: str | None = None,
    coder: int | None = None,
    min_severity: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    of_run = Disagreement.objects.filter(run_id=OuterRef("pk"))
    single_coder = Q(n_run_coders__lt=2)
    runs = latest_article_runs(project).annotate(
        n_run_coders=JsonArrayLength(KeyTransform("coders", "params"))
    )
    if unanimous:
        runs = runs.filter(~Exists(of_run), ~single_coder).annotate(
            max_severity=Value(None, output_field=PositiveSmallIntegerField()),
            n_disagreements=Value(0, output_field=IntegerField()),
        )
        if min_severity:
            runs = runs.none()
    else:
        severe = of_run.filter(severity__gte=min_severity) if min_severity else of_run
        needs_review = Exists(severe) if min_severity else Exists(severe) | single_coder
        runs = runs.filter(needs_review).annotate(
            max_severity=Subquery(of_run.order_by("-severity").values("severity")[:1]),
            n_disagreements=Coalesce(
                Subquery(
                    of_run.values("run_id").annotate(n=Count("*")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
    if event_type:
        runs = runs.filter(
            Exists(
                CodedEvent.objects.filter(
                    Q(event_type__code=event_type) | Q(event_subtype__code=event_type),
                    article_id=OuterRef("article_id"),
                    layer="coder",
                )
            )
        )
    if coder:
        runs = runs.filter(
            Exists(Assignment.objects.filter(article_id=OuterRef("article_id"), coder_id=coder))
        )
    adjudication = Adjudication.objects.filter(article_id=OuterRef("article_id"))
    if status == "none":
        runs = runs.filter(~Exists(adjudication))
    elif status:
        runs = runs.filter(Exists(adjudication.filter(status=status)))
    runs = runs.annotate(
        adjudication_status=Subquery(adjudication.values("status")[:1]),
        title=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("title")[:1]),
    )
    return list(
        runs.order_by(
            F("max_severity").desc(nulls_last=True), "-n_disagreements", "article_id"
        ).values(
            "article_id",
            "title",
            "max_severity",
            "n_disagreements",
            "adjudication_status",
            "finished_at",
        )
    )

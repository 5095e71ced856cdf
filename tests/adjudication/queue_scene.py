"""Many queued articles at once, for paging and filtering tests: articles with submitted
assignments, coder events, a finished agreement run and its disagreements stored as rows,
then the queue rebuilt by the service (as `rebuild_review_queue` does after a bulk load)."""

from __future__ import annotations

from django.utils import timezone

from coding.models import (
    AgreementRun,
    Article,
    Assignment,
    CodedEvent,
    Disagreement,
    EventType,
    Project,
    User,
)
from coding.services.review_queue import review_queue_rebuild
from tests.factories import ArticleFactory


def queued_articles(project: Project, coders: list[User], n: int) -> list[Article]:
    """`n` articles, each coded by every coder: article i has severity 1 + i % 5 and
    1 + i % 3 disagreements, but every seventh has none (unanimous); every third is a
    truce (coder events of type TRUCE), the others attacks (ATTACK / ARMED_ASSAULT); the
    last coder is assigned to even articles only."""
    types = dict(
        EventType.objects.filter(version=project.codebook_version).values_list("code", "pk")
    )
    now = timezone.now()
    articles = []
    for i in range(n):
        article = ArticleFactory(project=project, title=f"Queued {i:03d}")
        articles.append(article)
        who = coders if i % 2 == 0 else coders[:-1]
        for coder in who:
            assignment = Assignment.objects.create(
                project=project,
                article=article,
                coder=coder,
                status=Assignment.Status.SUBMITTED,
                submitted_at=now,
            )
            truce = i % 3 == 0
            CodedEvent.objects.create(
                article=article,
                assignment=assignment,
                codebook_version=project.codebook_version,
                layer=CodedEvent.Layer.CODER,
                event_type_id=types["TRUCE" if truce else "ATTACK"],
                event_subtype_id=None if truce else types["ARMED_ASSAULT"],
                values={},
                created_by=coder,
            )
        run = AgreementRun.objects.create(
            project=project,
            article=article,
            scope=AgreementRun.Scope.ARTICLE,
            status=AgreementRun.Status.DONE,
            input_digest=f"scene-{article.pk}",
            params={"coders": sorted(c.pk for c in who), "clusters": []},
            finished_at=now,
        )
        if i % 7:
            Disagreement.objects.bulk_create(
                Disagreement(
                    run=run,
                    article=article,
                    kind=Disagreement.Kind.OTHER_FIELD,
                    severity=1 + i % 5,
                    cluster_key=f"c{j}",
                )
                for j in range(1 + i % 3)
            )
    review_queue_rebuild(project=project)
    return articles

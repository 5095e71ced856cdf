"""A generated project for the throughput tests: coders, articles with two assignments
each at known times, events, active time per day, adjudications; and the plan it followed,
for computing the expected figures independently."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from coding.models import Adjudication, Assignment, Membership, Project, TimeDay, TimeLedger
from tests.factories import (
    ArticleFactory,
    AssignmentFactory,
    CodedEventFactory,
    EventTypeFactory,
    ProjectFactory,
    UserFactory,
)

START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Plan:
    project: Project
    coders: list[Any]
    supervisor: Any
    # assignment id -> (coder id, created, submitted or None, events, seconds or None)
    assignments: dict[int, tuple[int, datetime, datetime | None, int, float | None]] = field(
        default_factory=dict
    )
    # article id -> (imported, opened or None, validated or None)
    articles: dict[int, tuple[datetime, datetime | None, datetime | None]] = field(
        default_factory=dict
    )
    # (user id, day, activity) -> seconds
    days: dict[tuple[int, date, str], float] = field(default_factory=dict)


def generate(seed: int = 7, n_articles: int = 30) -> Plan:
    rng = random.Random(seed)
    project = ProjectFactory(slug=f"gen-{seed}")
    coders = [UserFactory(username=f"coder{seed}_{i}") for i in range(4)]
    supervisor = UserFactory(username=f"sup{seed}")
    for coder in coders:
        Membership.objects.create(project=project, user=coder, role="coder")
    Membership.objects.create(project=project, user=supervisor, role="supervisor")
    event_type = EventTypeFactory(version=project.codebook_version)
    plan = Plan(project=project, coders=coders, supervisor=supervisor)
    for n in range(n_articles):
        imported = START + timedelta(days=rng.randrange(0, 21), hours=rng.randrange(0, 8))
        article = ArticleFactory(project=project, title=f"A{n}")
        type(article).objects.filter(pk=article.pk).update(imported_at=imported)
        all_done = True
        last_submit = imported
        for coder in rng.sample(coders, 2):
            created = imported + timedelta(hours=1)
            submitted = None
            if rng.random() < 0.7:
                submitted = created + timedelta(
                    days=rng.randrange(0, 10), minutes=rng.randrange(1, 600)
                )
                last_submit = max(last_submit, submitted)
            else:
                all_done = False
            a = AssignmentFactory(article=article, coder=coder)
            status = "submitted" if submitted else rng.choice(["assigned", "in_progress"])
            Assignment.objects.filter(pk=a.pk).update(
                created_at=created, submitted_at=submitted, status=status
            )
            n_events = rng.randrange(0, 4)
            for _ in range(n_events):
                CodedEventFactory(assignment=a, event_type=event_type)
            seconds = None
            if rng.random() < 0.8:
                ledger = TimeLedger.objects.create(
                    project=project, user=coder, article=article, assignment=a, activity="coding"
                )
                seconds = 0.0
                for k in range(rng.randrange(1, 3)):
                    day = (created + timedelta(days=k)).date()
                    s = float(rng.randrange(30, 3000))
                    TimeDay.objects.create(
                        ledger=ledger,
                        project=project,
                        user=coder,
                        activity="coding",
                        day=day,
                        seconds=s,
                    )
                    seconds += s
                    key = (coder.pk, day, "coding")
                    plan.days[key] = plan.days.get(key, 0.0) + s
                TimeLedger.objects.filter(pk=ledger.pk).update(seconds=seconds)
            plan.assignments[a.pk] = (coder.pk, created, submitted, n_events, seconds)
        opened = validated = None
        if all_done and rng.random() < 0.7:
            opened = last_submit + timedelta(days=rng.randrange(0, 5))
            adj = Adjudication.objects.create(project=project, article=article)
            fields: dict[str, Any] = {"created_at": opened}
            if rng.random() < 0.6:
                validated = opened + timedelta(days=rng.randrange(0, 6))
                fields.update(status="validated", validated_at=validated, validated_by=supervisor)
            Adjudication.objects.filter(pk=adj.pk).update(**fields)
            review = TimeLedger.objects.create(
                project=project, user=supervisor, article=article, activity="review", seconds=120
            )
            TimeDay.objects.create(
                ledger=review,
                project=project,
                user=supervisor,
                activity="review",
                day=opened.date(),
                seconds=120,
            )
            key = (supervisor.pk, opened.date(), "review")
            plan.days[key] = plan.days.get(key, 0.0) + 120
        plan.articles[article.pk] = (imported, opened, validated)
    return plan

"""Factories for the team-operations, machine-coder, recompute-chunk and proposal-link
models (kept apart from tests/factories.py, which is already long); merged into
``ALL_FACTORIES`` by tests/models/test_factories.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from coding import models as m
from tests.factories import (
    ActorFactory,
    AgreementRunFactory,
    ArticleFactory,
    AssignmentFactory,
    CodedEventFactory,
    ProjectFactory,
    UserFactory,
)


class ProposalLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProposalLink

    project = factory.SubFactory(ProjectFactory)
    kind = m.ProposalLink.Kind.ACTOR
    name = factory.Sequence(lambda n: f"كتيبة {n}")
    key = factory.Sequence(lambda n: f"كتيبه {n}")
    actor = factory.SubFactory(ActorFactory)
    location = None


class AgreementChunkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgreementChunk

    run = factory.SubFactory(AgreementRunFactory)
    index = factory.Sequence(lambda n: n)
    article_ids = factory.LazyFunction(lambda: [1, 2, 3])


class TimeLedgerFactory(factory.django.DjangoModelFactory):
    """A coder's active time on one assignment (the services write the real ones)."""

    class Meta:
        model = m.TimeLedger

    assignment = factory.SubFactory(AssignmentFactory)
    project = factory.LazyAttribute(lambda o: o.assignment.project)
    article = factory.LazyAttribute(lambda o: o.assignment.article)
    user = factory.LazyAttribute(lambda o: o.assignment.coder)
    activity = "coding"
    seconds = 90.0


class AssignmentFactFactory(factory.django.DjangoModelFactory):
    """Derived: on PostgreSQL the assignment's insert trigger writes the row and this gets it
    (written here, with the same values, on other databases)."""

    class Meta:
        model = m.AssignmentFact
        django_get_or_create = ("assignment",)

    assignment = factory.SubFactory(AssignmentFactory)
    project = factory.LazyAttribute(lambda o: o.assignment.project)
    coder = factory.LazyAttribute(lambda o: o.assignment.coder)
    article = factory.LazyAttribute(lambda o: o.assignment.article)
    created_at = factory.LazyAttribute(lambda o: o.assignment.created_at)
    submitted_at = None
    validated_at = None
    n_events = 0
    seconds = None


class ArticleFactFactory(factory.django.DjangoModelFactory):
    """Derived: on PostgreSQL the article's insert trigger writes the row and this gets it."""

    class Meta:
        model = m.ArticleFact
        django_get_or_create = ("article",)

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    imported_at = factory.LazyAttribute(lambda o: o.article.imported_at)
    complete_at = None
    opened_at = None
    validated_at = None


class ThroughputCountFactory(factory.django.DjangoModelFactory):
    """A folded weekly count (the triggers write the real ones)."""

    class Meta:
        model = m.ThroughputCount

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    week = dt.date(2026, 3, 2)
    kind = m.ThroughputCount.Kind.CREATED
    amount = 3.0


class ProgressCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProgressCount

    project = factory.SubFactory(ProjectFactory)
    imported_week = dt.date(2026, 3, 2)
    complete_week = None
    opened_week = None
    validated_week = None
    n = 2


class TimeDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TimeDay

    ledger = factory.SubFactory(TimeLedgerFactory)
    project = factory.LazyAttribute(lambda o: o.ledger.project)
    user = factory.LazyAttribute(lambda o: o.ledger.user)
    activity = factory.LazyAttribute(lambda o: o.ledger.activity)
    day = factory.LazyFunction(lambda: timezone.localdate())
    seconds = 90.0


class TimeIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TimeInterval

    ledger = factory.SubFactory(TimeLedgerFactory)
    start = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=2))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(seconds=90))


class TimeTabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TimeTab

    ledger = factory.SubFactory(TimeLedgerFactory)
    tab = factory.Sequence(lambda n: f"tab-{n}")
    last_report_at = factory.LazyFunction(timezone.now)


class CalibrationPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CalibrationPolicy

    project = factory.SubFactory(ProjectFactory)
    rate = 0.1


class CalibrationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CalibrationItem

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    marked_by = factory.SubFactory(UserFactory)
    marked_at = factory.LazyFunction(timezone.now)


class CalibrationAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CalibrationAssignment

    item = factory.SubFactory(CalibrationItemFactory)
    assignment = factory.LazyAttribute(
        lambda o: AssignmentFactory(article=o.item.article, project=o.item.project)
    )


class RecommenderSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RecommenderSettings

    project = factory.SubFactory(ProjectFactory)


class RecommenderModelFactory(factory.django.DjangoModelFactory):
    """A queued training request (a trained model needs its artifact and digests)."""

    class Meta:
        model = m.RecommenderModel

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    codebook_version = factory.LazyAttribute(lambda o: o.project.codebook_version)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A queued import of a small JSON Lines file (its upload: ImportUploadChunkFactory)."""

    class Meta:
        model = m.ImportJob

    project = factory.SubFactory(ProjectFactory)
    created_by = factory.SubFactory(UserFactory)
    filename = factory.Sequence(lambda n: f"batch-{n}.jsonl")
    size = 28
    sha256 = "a" * 64


class ImportUploadChunkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ImportUploadChunk

    job = factory.SubFactory(ImportJobFactory)
    index = 0
    data = b'{"title": "t", "text": "x"}\n'


class EventRenderingFactory(factory.django.DjangoModelFactory):
    """A stored rendering of a coder event at its current stamp (normally the read stores
    them; the text here is a placeholder, not what the read would render)."""

    class Meta:
        model = m.EventRendering

    event = factory.SubFactory(CodedEventFactory)
    stamp = factory.LazyAttribute(lambda o: o.event.render_stamp)
    body = factory.LazyAttribute(lambda o: f'{{"id":{o.event.pk}}}')


OPS_FACTORIES: dict[type[Any], type[factory.django.DjangoModelFactory]] = {
    f._meta.model: f
    for f in [
        ImportJobFactory,
        ImportUploadChunkFactory,
        ProposalLinkFactory,
        AgreementChunkFactory,
        TimeLedgerFactory,
        AssignmentFactFactory,
        ArticleFactFactory,
        ThroughputCountFactory,
        ProgressCountFactory,
        TimeDayFactory,
        TimeIntervalFactory,
        TimeTabFactory,
        CalibrationPolicyFactory,
        CalibrationItemFactory,
        CalibrationAssignmentFactory,
        RecommenderSettingsFactory,
        RecommenderModelFactory,
        EventRenderingFactory,
    ]
}

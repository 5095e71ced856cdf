"""factory_boy factories: one per model. They build valid rows with the least set-up."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import factory
from django.utils import timezone

from coding import models as m


def _line_starts(text: str) -> list[tuple[int, str]]:
    starts, position = [], 0
    for line in text.split("\n"):
        starts.append((position, line))
        position += len(line) + 1
    return starts


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class CodebookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Codebook

    slug = factory.Sequence(lambda n: f"codebook-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())


class CodebookVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CodebookVersion

    codebook = factory.SubFactory(CodebookFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = m.CodebookVersion.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    spec = factory.LazyAttribute(lambda o: {"slug": o.codebook.slug, "version": o.number})


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.EventType

    version = factory.SubFactory(CodebookVersionFactory)
    code = factory.Sequence(lambda n: f"TYPE_{n}")
    labels = factory.LazyAttribute(lambda o: {"en": o.code.title()})


class FieldDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FieldDefinition

    version = factory.SubFactory(CodebookVersionFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    kind = "text"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Actor

    key = factory.Sequence(lambda n: f"actor-{n}")
    name = factory.Sequence(lambda n: f"Actor {n}")
    actor_type = 1


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ActorAlias

    actor = factory.SubFactory(ActorFactory)
    text = factory.Sequence(lambda n: f"alias {n}")
    normalized = factory.LazyAttribute(lambda o: o.text.casefold())


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Location

    key = factory.Sequence(lambda n: f"place-{n}")
    name = factory.Sequence(lambda n: f"Place {n}")
    country = "ML"
    latitude = 16.27
    longitude = -0.04
    coord_source = "test data"


class LocationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.LocationAlias

    location = factory.SubFactory(LocationFactory)
    text = factory.Sequence(lambda n: f"place alias {n}")
    normalized = factory.LazyAttribute(lambda o: o.text.casefold())


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    codebook_version = factory.SubFactory(CodebookVersionFactory)
    overlap = 2


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = m.Membership.Role.CODER


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Article

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(lambda n: f"هاجم مسلحون قرية في مالي 😢 ({n}).\nJNIM claimed it.")
    text_sha256 = factory.LazyAttribute(lambda o: _sha(o.text))
    len_cp = factory.LazyAttribute(lambda o: len(o.text))
    len_u16 = factory.LazyAttribute(lambda o: len(o.text.encode("utf-16-le")) // 2)
    language = "ar"
    direction = "rtl"
    paragraphs = factory.LazyAttribute(
        lambda o: [[start, start + len(line), "rtl"] for start, line in _line_starts(o.text)]
    )
    published_at = factory.LazyFunction(lambda: dt.datetime(2022, 6, 12, 8, 0, tzinfo=dt.UTC))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Assignment

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    coder = factory.SubFactory(UserFactory)


class CodedEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CodedEvent

    assignment = factory.SubFactory(AssignmentFactory)
    article = factory.LazyAttribute(lambda o: o.assignment.article)
    codebook_version = factory.LazyAttribute(lambda o: o.article.project.codebook_version)
    layer = m.CodedEvent.Layer.CODER
    event_type = factory.LazyAttribute(
        lambda o: EventTypeFactory(version=o.article.project.codebook_version)
    )
    created_by = factory.LazyAttribute(lambda o: o.assignment.coder)


class EvidenceSpanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.EvidenceSpan

    event = factory.SubFactory(CodedEventFactory)
    role = "trigger"
    start = 0
    end = 4
    quote = factory.LazyAttribute(lambda o: o.event.article.text[o.start : o.end])


class AdjudicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Adjudication

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)


class AdjudicationDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AdjudicationDecision

    adjudication = factory.SubFactory(AdjudicationFactory)
    revision = 1
    kind = m.AdjudicationDecision.Kind.REJECT
    cluster_key = factory.Sequence(lambda n: f"c{n}")
    decided_by = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Comment

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    author = factory.SubFactory(UserFactory)
    body = "Check the date against the second source."


class AgreementRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgreementRun

    project = factory.SubFactory(ProjectFactory)
    scope = m.AgreementRun.Scope.PROJECT
    input_digest = factory.Sequence(lambda n: f"{n:064x}")


class ReviewQueueEntryFactory(factory.django.DjangoModelFactory):
    """A queue row; the services write the real ones (coding.services.review_queue)."""

    class Meta:
        model = m.ReviewQueueEntry

    run = factory.SubFactory(
        AgreementRunFactory,
        scope=m.AgreementRun.Scope.ARTICLE,
        status=m.AgreementRun.Status.DONE,
        article=factory.SubFactory(ArticleFactory),
        project=factory.LazyAttribute(lambda o: o.article.project),
        finished_at=factory.LazyFunction(timezone.now),
    )
    article = factory.LazyAttribute(lambda o: o.run.article)
    project = factory.LazyAttribute(lambda o: o.run.project)
    unanimous = False
    top_severity = 5
    n_disagreements = 1
    n_coders = 2
    finished_at = factory.LazyAttribute(lambda o: o.run.finished_at)


class ReviewQueueKeyFactory(factory.django.DjangoModelFactory):
    """A queue filter key; the services write the real ones (coding.services.review_queue)."""

    class Meta:
        model = m.ReviewQueueKey

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    kind = m.ReviewQueueKey.Kind.EVENT_TYPE
    value = "ATTACK"
    unanimous = False
    order_key = factory.LazyAttribute(lambda o: o.article.pk)


class ReviewQueueCountFactory(factory.django.DjangoModelFactory):
    """A change to a queue count; the services append the real ones."""

    class Meta:
        model = m.ReviewQueueCount

    project = factory.SubFactory(ProjectFactory)
    unanimous = False
    top_severity = 5
    n = 1


class AgreementResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AgreementResult

    run = factory.SubFactory(AgreementRunFactory)
    metric = "alpha"
    field_key = "event_type"
    value = 0.8


class DisagreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Disagreement

    article = factory.SubFactory(ArticleFactory)
    run = factory.LazyAttribute(
        lambda o: AgreementRunFactory(project=o.article.project, scope="article", article=o.article)
    )
    kind = m.Disagreement.Kind.UNMATCHED_EVENT
    severity = 5
    cluster_key = "c0"


class DatasetReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DatasetRelease

    project = factory.SubFactory(ProjectFactory)
    tag = factory.Sequence(lambda n: f"v1.{n}.0")
    codebook_version = factory.LazyAttribute(lambda o: o.project.codebook_version)
    created_by = factory.SubFactory(UserFactory)


class ReleaseFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ReleaseFile

    release = factory.SubFactory(DatasetReleaseFactory)
    format = "csv"
    filename = "events.csv"
    file = factory.django.FileField(filename="events.csv", data=b"a,b\n1,2\n")
    size = 8
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(b"a,b\n1,2\n").hexdigest())


class GoldRetractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.GoldRetraction

    article = factory.SubFactory(ArticleFactory)
    project = factory.LazyAttribute(lambda o: o.article.project)
    event_id = factory.Sequence(lambda n: n + 1)
    revision = 1
    retracted_at = factory.LazyFunction(timezone.now)


def validated_gold_event(project: m.Project | None = None) -> m.CodedEvent:
    """A gold event of an adjudication (of a new article, in `project` or a new one) that is
    then marked validated (the order PostgreSQL's triggers allow: a validated adjudication's
    gold events no longer change)."""
    adjudication = (
        AdjudicationFactory(article__project=project) if project else AdjudicationFactory()
    )
    version = adjudication.project.codebook_version
    supervisor = UserFactory()
    gold = m.CodedEvent.objects.create(
        article=adjudication.article,
        codebook_version=version,
        layer=m.CodedEvent.Layer.GOLD,
        adjudication=adjudication,
        event_type=EventTypeFactory(version=version),
        created_by=supervisor,
    )
    m.Adjudication.objects.filter(pk=adjudication.pk).update(
        status="validated", validated_at=timezone.now(), validated_by=supervisor
    )
    return gold


class DatasetEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DatasetEvent

    # Far above the gold events' ids, which dataset events otherwise share.
    id = factory.Sequence(lambda n: 10**12 + n)
    project = factory.SubFactory(ProjectFactory)
    changed_at = factory.LazyFunction(timezone.now)


class DatasetEventReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DatasetEventReport

    gold_event = factory.LazyFunction(validated_gold_event)
    article = factory.LazyAttribute(lambda o: o.gold_event.article)
    dataset_event = factory.LazyAttribute(
        lambda o: DatasetEventFactory(project=o.gold_event.adjudication.project)
    )


def _gold_pair() -> list[m.CodedEvent]:
    """Two validated gold events of one project, in id order (a candidate's a < b)."""
    first = validated_gold_event()
    return [first, validated_gold_event(first.adjudication.project)]


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DuplicateCandidate

    class Params:
        pair = factory.LazyFunction(lambda: _gold_pair())

    event_a = factory.LazyAttribute(lambda o: o.pair[0])
    event_b = factory.LazyAttribute(lambda o: o.pair[1])
    project = factory.LazyAttribute(lambda o: o.event_a.adjudication.project)
    score = 0.75
    reasons = factory.LazyFunction(lambda: {"same_day": True})


class ExportEpochFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ExportEpoch
        django_get_or_create = ("id",)  # one row at most

    id = 1
    value = 0


class ExportCsvRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ExportCsvRow
        exclude = ("event",)

    event = factory.SubFactory(CodedEventFactory)
    event_id = factory.LazyAttribute(lambda o: o.event.pk)
    codebook_version_id = factory.LazyAttribute(lambda o: o.event.codebook_version_id)
    epoch = 0
    event_version = 1
    validated_at = factory.LazyFunction(timezone.now)
    line = "1,2,3\r\n"


class OutboxItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OutboxItem

    kind = "project_agreement"
    key = factory.Sequence(lambda n: f"project:{n}")
    payload = factory.LazyAttribute(lambda o: {"project_id": int(o.key.split(":")[1])})


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AuditEntry

    action = "test.action"


ALL_FACTORIES: dict[type[Any], type[factory.django.DjangoModelFactory]] = {
    f._meta.model: f
    for f in [
        UserFactory,
        CodebookFactory,
        CodebookVersionFactory,
        EventTypeFactory,
        FieldDefinitionFactory,
        ActorFactory,
        ActorAliasFactory,
        LocationFactory,
        LocationAliasFactory,
        ProjectFactory,
        MembershipFactory,
        ArticleFactory,
        AssignmentFactory,
        CodedEventFactory,
        EvidenceSpanFactory,
        AdjudicationFactory,
        AdjudicationDecisionFactory,
        CommentFactory,
        AgreementRunFactory,
        AgreementResultFactory,
        DisagreementFactory,
        ReviewQueueEntryFactory,
        ReviewQueueKeyFactory,
        ReviewQueueCountFactory,
        OutboxItemFactory,
        DatasetReleaseFactory,
        ReleaseFileFactory,
        GoldRetractionFactory,
        DatasetEventFactory,
        DatasetEventReportFactory,
        DuplicateCandidateFactory,
        ExportEpochFactory,
        ExportCsvRowFactory,
        AuditEntryFactory,
    ]
}

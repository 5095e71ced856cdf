"""The database itself refuses bad rows: each invariant is tried with a raw ORM write,
bypassing the services, and must raise IntegrityError with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from coding import models as m
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_evidence_span_start_must_precede_end() -> None:
    span = f.EvidenceSpanFactory()
    refused(
        lambda: m.EvidenceSpan.objects.create(event=span.event, role="x", start=5, end=5, quote="")
    )
    refused(
        lambda: m.EvidenceSpan.objects.create(event=span.event, role="x", start=6, end=5, quote="a")
    )
    assert m.EvidenceSpan.objects.count() == 1


def test_evidence_span_quote_length_matches_offsets() -> None:
    span = f.EvidenceSpanFactory()
    refused(
        lambda: m.EvidenceSpan.objects.create(
            event=span.event, role="x", start=0, end=3, quote="ab"
        )
    )
    refused(lambda: m.EvidenceSpan.objects.filter(pk=span.pk).update(quote="toolong"))
    span.refresh_from_db()
    assert span.quote == span.event.article.text[0:4]


def test_evidence_span_length_counts_code_points_not_utf16_units() -> None:
    article = f.ArticleFactory(text="🇲🇱 مالي")
    event = f.CodedEventFactory(assignment=f.AssignmentFactory(article=article))
    # The flag is 2 code points (4 UTF-16 units): a 2-code-point quote fits [0, 2).
    m.EvidenceSpan.objects.create(event=event, role="x", start=0, end=2, quote="🇲🇱")
    refused(
        lambda: m.EvidenceSpan.objects.create(event=event, role="x", start=0, end=4, quote="🇲🇱")
    )


def test_assignment_unique_per_project_article_coder() -> None:
    a = f.AssignmentFactory()
    refused(
        lambda: m.Assignment.objects.create(project=a.project, article=a.article, coder=a.coder)
    )
    assert m.Assignment.objects.count() == 1


def test_assignment_status_and_submitted_time() -> None:
    a = f.AssignmentFactory()
    refused(lambda: m.Assignment.objects.filter(pk=a.pk).update(status="done"))
    refused(lambda: m.Assignment.objects.filter(pk=a.pk).update(status="submitted"))
    a.refresh_from_db()
    assert a.status == "assigned"


def test_article_text_hash_unique_per_project_but_not_across_projects() -> None:
    article = f.ArticleFactory()
    refused(lambda: f.ArticleFactory(project=article.project, text=article.text))
    other = f.ArticleFactory(text=article.text)  # another project may hold the same text
    assert other.text_sha256 == article.text_sha256
    assert m.Article.objects.count() == 2


def test_article_lengths_and_direction() -> None:
    article = f.ArticleFactory()
    refused(lambda: m.Article.objects.filter(pk=article.pk).update(len_cp=0))
    refused(lambda: m.Article.objects.filter(pk=article.pk).update(len_u16=1))
    refused(lambda: m.Article.objects.filter(pk=article.pk).update(direction="ttb"))


def test_project_overlap_positive() -> None:
    project = f.ProjectFactory()
    refused(lambda: m.Project.objects.filter(pk=project.pk).update(overlap=0))


def test_membership_unique_and_role_valid() -> None:
    ms = f.MembershipFactory()
    refused(
        lambda: m.Membership.objects.create(project=ms.project, user=ms.user, role="supervisor")
    )
    refused(lambda: m.Membership.objects.filter(pk=ms.pk).update(role="owner"))


def test_codebook_version_number_unique_status_valid() -> None:
    v = f.CodebookVersionFactory()
    refused(lambda: m.CodebookVersion.objects.create(codebook=v.codebook, number=v.number, spec={}))
    refused(lambda: m.CodebookVersion.objects.filter(pk=v.pk).update(status="archived"))
    refused(
        lambda: m.CodebookVersion.objects.create(
            codebook=v.codebook, number=v.number + 1, spec={}, status="published", published_at=None
        )
    )


def test_event_type_code_unique_per_version_and_tree_shape() -> None:
    et = f.EventTypeFactory()
    refused(lambda: m.EventType.objects.create(version=et.version, code=et.code))
    refused(
        lambda: m.EventType.objects.create(version=et.version, code="CHILD", depth=0, parent=et)
    )
    refused(lambda: m.EventType.objects.create(version=et.version, code="ORPHAN", depth=1))
    m.EventType.objects.create(version=et.version, code="CHILD", depth=1, parent=et)


def test_field_definition_kind_level_key_typed_column() -> None:
    fd = f.FieldDefinitionFactory(typed_column="fatalities", kind="integer")
    refused(lambda: m.FieldDefinition.objects.create(version=fd.version, key=fd.key, kind="text"))
    refused(lambda: m.FieldDefinition.objects.create(version=fd.version, key="k2", kind="colour"))
    refused(
        lambda: m.FieldDefinition.objects.create(
            version=fd.version, key="k3", kind="text", level="fuzzy"
        )
    )
    refused(
        lambda: m.FieldDefinition.objects.create(
            version=fd.version, key="k4", kind="integer", typed_column="fatalities"
        )
    )
    refused(
        lambda: m.FieldDefinition.objects.create(
            version=fd.version, key="k5", kind="integer", min_value=5, max_value=1
        )
    )


def test_actor_type_range_and_validity_dates() -> None:
    actor = f.ActorFactory()
    refused(lambda: m.Actor.objects.filter(pk=actor.pk).update(actor_type=9))
    refused(
        lambda: m.Actor.objects.filter(pk=actor.pk).update(
            valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2019, 1, 1)
        )
    )
    refused(lambda: m.Actor.objects.create(key=actor.key, name="dup"))


def test_location_coordinates_in_range_paired_and_sourced() -> None:
    place = f.LocationFactory()
    refused(lambda: m.Location.objects.filter(pk=place.pk).update(latitude=91))
    refused(lambda: m.Location.objects.filter(pk=place.pk).update(longitude=None))
    refused(lambda: m.Location.objects.filter(pk=place.pk).update(coord_source=""))


def test_alias_unique_per_entry() -> None:
    alias = f.ActorAliasFactory()
    refused(lambda: m.ActorAlias.objects.create(actor=alias.actor, text=alias.text, normalized="x"))
    # The same spelling in another language is another alias.
    m.ActorAlias.objects.create(actor=alias.actor, text=alias.text, lang="fr", normalized="x")
    place_alias = f.LocationAliasFactory()
    refused(
        lambda: m.LocationAlias.objects.create(
            location=place_alias.location, text=place_alias.text, normalized="x"
        )
    )


def test_coded_event_belongs_to_exactly_one_layer() -> None:
    event = f.CodedEventFactory()
    adjudication = f.AdjudicationFactory(article=event.article)
    refused(lambda: m.CodedEvent.objects.filter(pk=event.pk).update(adjudication=adjudication))
    refused(lambda: m.CodedEvent.objects.filter(pk=event.pk).update(layer="gold"))
    refused(lambda: m.CodedEvent.objects.filter(pk=event.pk).update(assignment=None))


def test_coded_event_fatalities_dates_version() -> None:
    event = f.CodedEventFactory()
    refused(lambda: m.CodedEvent.objects.filter(pk=event.pk).update(fatalities=-1))
    refused(
        lambda: m.CodedEvent.objects.filter(pk=event.pk).update(
            date_start=dt.date(2022, 6, 12), date_end=dt.date(2022, 6, 11)
        )
    )
    refused(lambda: m.CodedEvent.objects.filter(pk=event.pk).update(version=0))


def test_adjudication_one_per_article_and_validated_needs_who_when() -> None:
    adj = f.AdjudicationFactory()
    refused(lambda: m.Adjudication.objects.create(project=adj.project, article=adj.article))
    refused(lambda: m.Adjudication.objects.filter(pk=adj.pk).update(status="validated"))
    refused(lambda: m.Adjudication.objects.filter(pk=adj.pk).update(status="closed"))


def test_decision_kind_and_one_live_decision_per_cluster() -> None:
    d = f.AdjudicationDecisionFactory()
    refused(
        lambda: m.AdjudicationDecision.objects.create(
            adjudication=d.adjudication,
            revision=d.revision + 1,
            kind="reject",
            cluster_key=d.cluster_key,
            decided_by=d.decided_by,
        )
    )
    refused(lambda: m.AdjudicationDecision.objects.filter(pk=d.pk).update(kind="guess"))
    refused(lambda: m.AdjudicationDecision.objects.filter(pk=d.pk).update(active=False))
    # Once undone (kept as history), the cluster may be decided again.
    from django.utils import timezone

    m.AdjudicationDecision.objects.filter(pk=d.pk).update(active=False, undone_at=timezone.now())
    m.AdjudicationDecision.objects.create(
        adjudication=d.adjudication,
        revision=d.revision,
        kind="reject",
        cluster_key=d.cluster_key,
        decided_by=d.decided_by,
    )


def test_comment_not_empty() -> None:
    c = f.CommentFactory()
    refused(lambda: m.Comment.objects.filter(pk=c.pk).update(body=""))


def test_agreement_run_scope_digest_progress() -> None:
    run = f.AgreementRunFactory()
    refused(
        lambda: m.AgreementRun.objects.create(
            project=run.project, scope="project", input_digest=run.input_digest
        )
    )
    article = f.ArticleFactory(project=run.project)
    refused(
        lambda: m.AgreementRun.objects.create(
            project=run.project, scope="project", article=article, input_digest="b" * 64
        )
    )
    refused(
        lambda: m.AgreementRun.objects.create(
            project=run.project, scope="article", input_digest="c" * 64
        )
    )
    refused(
        lambda: m.AgreementRun.objects.filter(pk=run.pk).update(progress_done=2, progress_total=1)
    )


def test_agreement_result_value_and_ci() -> None:
    r = f.AgreementResultFactory()
    refused(lambda: m.AgreementResult.objects.filter(pk=r.pk).update(value=1.5))
    refused(lambda: m.AgreementResult.objects.filter(pk=r.pk).update(ci_low=0.9, ci_high=0.1))


def test_release_tag_unique_status_and_file_checksum() -> None:
    rf = f.ReleaseFileFactory()
    release = rf.release
    refused(
        lambda: m.DatasetRelease.objects.create(
            project=release.project,
            tag=release.tag,
            codebook_version=release.codebook_version,
            created_by=release.created_by,
        )
    )
    refused(lambda: m.DatasetRelease.objects.filter(pk=release.pk).update(status="ready"))
    refused(lambda: m.ReleaseFile.objects.filter(pk=rf.pk).update(sha256="XYZ"))
    refused(
        lambda: m.ReleaseFile.objects.create(
            release=release, format="csv", filename="x.csv", file="x.csv", size=1, sha256="0" * 64
        )
    )


def test_outbox_item_kind_valid() -> None:
    refused(lambda: m.OutboxItem.objects.create(kind="send_email", key="k", payload={}))
    m.OutboxItem.objects.create(kind="csv_rows", key="all", payload={"project_id": None})
    assert list(m.OutboxItem.objects.values_list("kind", flat=True)) == ["csv_rows"]

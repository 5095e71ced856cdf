"""Agreement computed after the last submission, stored per article and per project."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from coding.models import AgreementResult, AgreementRun, Disagreement, OutboxItem
from coding.services.agreement import article_agreement_compute, project_agreement_compute
from coding.services.agreement_schedule import project_agreement_schedule
from coding.services.outbox_drain import outbox_drain
from tests.world import World

pytestmark = pytest.mark.django_db


def test_last_submission_computes_the_article_and_the_project(coded: World) -> None:
    article_run = AgreementRun.objects.get(scope="article", article=coded.article)
    assert article_run.status == "done"
    clusters = article_run.params["clusters"]
    assert len(clusters) == 2  # the attacks align; the truce stays unmatched
    kinds = {
        (d.kind, d.field_key, d.severity) for d in Disagreement.objects.filter(run=article_run)
    }
    assert ("unmatched_event", "", 5) in kinds
    assert ("other_field", "fatalities", 2) in kinds
    fatalities = Disagreement.objects.get(run=article_run, field_key="fatalities")
    assert fatalities.details["values"] == {str(coded.coder_a.pk): 5, str(coded.coder_b.pk): 7}
    detection = AgreementResult.objects.get(run=article_run, field_key="")
    assert detection.n_units == 2
    assert detection.status == "ok"
    project_run = AgreementRun.objects.get(scope="project", project=coded.project)
    assert project_run.status == "done"
    assert project_run.progress_done == project_run.progress_total == 1
    overall = AgreementResult.objects.get(
        run=project_run,
        metric="alpha",
        field_key="fatalities",
        event_type_code="",
        coder_a__isnull=True,
    )
    assert overall.level == "ratio"


def test_recomputing_the_same_inputs_changes_nothing(coded: World) -> None:
    before = (
        AgreementRun.objects.count(),
        AgreementResult.objects.count(),
        Disagreement.objects.count(),
    )
    first = AgreementRun.objects.get(scope="article", article=coded.article)
    again = article_agreement_compute(article_id=coded.article.pk)
    assert again is not None
    assert again.pk == first.pk
    assert (
        AgreementRun.objects.count(),
        AgreementResult.objects.count(),
        Disagreement.objects.count(),
    ) == before


def test_an_article_with_a_pending_coder_is_not_computed(world: World) -> None:
    assert article_agreement_compute(article_id=world.article.pk) is None
    assert not AgreementRun.objects.exists()


def test_project_runs_are_debounced(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    """Three completions within the debounce window make one project run, not three."""
    settings.ATHAR_AGREEMENT_DEBOUNCE_SECONDS = 30
    with transaction.atomic():
        for _ in range(3):
            project_agreement_schedule(project_id=world.project.pk)
    assert OutboxItem.objects.filter(kind="project_agreement").count() == 3
    assert outbox_drain() == 0  # not due yet: nothing runs
    assert not AgreementRun.objects.filter(scope="project").exists()
    first = OutboxItem.objects.order_by("id").first()
    assert first is not None
    OutboxItem.objects.filter(pk=first.pk).update(available_at=timezone.now())
    assert outbox_drain() == 1
    assert AgreementRun.objects.filter(scope="project").count() == 1
    assert not OutboxItem.objects.exists()


def test_project_figures_are_reproducible(coded: World) -> None:
    a = project_agreement_compute(project_id=coded.project.pk)
    b = project_agreement_compute(project_id=coded.project.pk)

    def figures(run: AgreementRun) -> list[tuple]:  # type: ignore[type-arg]
        # Sorted in Python over every value compared: several rows share field, type and
        # coders (one per metric and week), so an ORDER BY on those left ties in the order
        # the rows happened to be read, and the test failed at random.
        return sorted(
            AgreementResult.objects.filter(run=run).values_list(
                "metric",
                "field_key",
                "event_type_code",
                "coder_a",
                "coder_b",
                "level",
                "value",
                "ci_low",
                "ci_high",
                "status",
            ),
            key=repr,
        )

    assert figures(a) == figures(b)
    assert a.params["inputs_digest"] == b.params["inputs_digest"]


def test_agreement_api_permissions_and_shapes(coded: World) -> None:
    url = f"/api/v1/projects/{coded.project.pk}/agreement/"
    assert coded.client(coded.coder_a).get(url).status_code == 403
    assert coded.client(coded.outsider).get(url).status_code == 404
    body = coded.client(coded.researcher).get(url).json()
    assert body["run"]["status"] == "done"
    fields = {row["field"]: row for row in body["results"]}
    assert set(fields) >= {"", "event_type", "fatalities", "actor1"}
    assert fields[""]["interpretation"] in {"reliable", "tentative", "unreliable", None}
    by_pair = coded.client(coded.supervisor).get(url, {"by": "coder_pair"}).json()["results"]
    assert {(r["coder_a"], r["coder_b"]) for r in by_pair} == {
        tuple(sorted((coded.coder_a.pk, coded.coder_b.pk)))
    }
    assert coded.client(coded.supervisor).get(url, {"by": "colour"}).status_code == 422
    disagreements = (
        coded.client(coded.supervisor)
        .get(f"/api/v1/projects/{coded.project.pk}/disagreements/")
        .json()["results"]
    )
    assert [d["severity"] for d in disagreements] == sorted(
        (d["severity"] for d in disagreements), reverse=True
    )
    assert disagreements[0]["kind"] == "unmatched_event"
    assert (
        coded.client(coded.researcher)
        .get(f"/api/v1/projects/{coded.project.pk}/disagreements/")
        .status_code
        == 403
    )
    detail = coded.client(coded.supervisor).get(disagreements[0]["link"]).json()
    assert len(detail["run"]["params"]["clusters"]) == 2


def test_recompute_reports_progress(coded: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/projects/{coded.project.pk}/agreement/recompute/"
    assert coded.client(coded.coder_a).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = coded.client(coded.supervisor).post(url)
    assert response.status_code == 202
    run = (
        coded.client(coded.supervisor)
        .get(f"/api/v1/projects/{coded.project.pk}/agreement/runs/{response.json()['id']}/")
        .json()
    )
    assert run["status"] == "done"
    assert run["progress_done"] == run["progress_total"] == 1

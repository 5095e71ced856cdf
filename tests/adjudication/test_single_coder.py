"""An article coded by one coder only (overlap 1): the coder's events reach the adjudication
as clusters to decide, are never auto-accepted, and the article cannot be validated empty."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache

from coding.models import (
    AdjudicationDecision,
    AgreementResult,
    AgreementRun,
    Assignment,
    CodedEvent,
    Project,
)
from coding.services.agreement import project_agreement_compute
from coding.services.assignment import assignments_balance
from coding.services.projects import membership_set, project_create
from tests.world import ARTICLE_TEXT, Item, World, code_and_submit, complete_event, span

pytestmark = pytest.mark.django_db


@pytest.fixture
def solo(world: World, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A project with overlap 1: coder_a alone codes the attack and a truce, and submits."""
    from coding.services.articles import articles_create

    cache.clear()
    project = project_create(
        slug="solo", name="Solo", codebook_version=world.project.codebook_version, overlap=1
    )
    membership_set(project=project, user=world.coder_a, role="coder")
    membership_set(project=project, user=world.supervisor, role="supervisor")
    membership_set(project=project, user=world.researcher, role="researcher")
    article = articles_create(project=project, items=[Item("Solo", ARTICLE_TEXT)], actor=None)
    assignments_balance(project=project)
    assignment = Assignment.objects.get(project=project)
    assert assignment.coder_id == world.coder_a.pk
    truce = {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"]) | {"fatalities": None},  # type: ignore[arg-type]
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    events = code_and_submit(
        world,
        assignment,
        world.coder_a,
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    world.solo_project = project  # type: ignore[attr-defined]
    world.solo_article = article.created[0]  # type: ignore[attr-defined]
    world.solo_events = events  # type: ignore[attr-defined]
    return world


def _base(world: World) -> str:
    return (
        f"/api/v1/projects/{world.solo_project.pk}/articles/"  # type: ignore[attr-defined]
        f"{world.solo_article.pk}/adjudication/"  # type: ignore[attr-defined]
    )


def test_a_single_coders_events_are_clusters_to_decide(solo: World) -> None:
    sup = solo.client(solo.supervisor)
    view = sup.post(_base(solo))
    assert view.status_code == 201, view.json()
    clusters = view.json()["clusters"]
    ids = sorted(e["id"] for e in solo.solo_events)  # type: ignore[attr-defined]
    assert sorted(e["id"] for c in clusters for e in c["events"].values()) == ids
    assert [list(c["events"]) for c in clusters] == [["coder_a"], ["coder_a"]]
    assert all(c["decision"] is None and c["differences"] == [] for c in clusters)

    before = list(CodedEvent.objects.filter(layer="gold").values_list("id", flat=True))
    refused = sup.post(_base(solo) + "validate/", {"version": 1}, format="json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "undecided"
    assert {e["field"] for e in refused.json()["errors"]} == {c["key"] for c in clusters}
    assert list(CodedEvent.objects.filter(layer="gold").values_list("id", flat=True)) == before
    assert sup.get(_base(solo)).json()["adjudication"]["status"] == "open"

    attack = next(c for c in clusters if c["events"]["coder_a"]["event_type"] == "ATTACK")
    truce = next(c for c in clusters if c is not attack)
    accepted = sup.post(
        _base(solo) + "decisions/",
        {"kind": "accept", "cluster": attack["key"], "event": attack["events"]["coder_a"]["id"]},
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    rejected = sup.post(
        _base(solo) + "decisions/",
        {"kind": "reject", "cluster": truce["key"], "reason": "not an event"},
        format="json",
    )
    assert rejected.status_code == 201, rejected.json()
    version = sup.get(_base(solo)).json()["adjudication"]["version"]
    assert (
        sup.post(_base(solo) + "validate/", {"version": version}, format="json").status_code == 200
    )

    export = solo.client(solo.researcher).get(
        f"/api/v1/projects/{solo.solo_project.pk}/export/"  # type: ignore[attr-defined]
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["fatalities"] == "5"
    assert {e["quote"] for e in json.loads(rows[0]["athar_evidence"])} >= {"JNIM", "بولكيسي"}


def test_auto_accept_leaves_a_single_coders_events_to_a_human(solo: World) -> None:
    project: Project = solo.solo_project  # type: ignore[attr-defined]
    project.settings = {"auto_accept_unanimous": True}
    project.save(update_fields=["settings"])
    view = solo.client(solo.supervisor).post(_base(solo))
    assert view.status_code == 201
    assert view.json()["adjudication"]["status"] == "open"
    assert len(view.json()["clusters"]) == 2
    assert all(c["decision"] is None for c in view.json()["clusters"])
    assert not AdjudicationDecision.objects.exists()
    assert not CodedEvent.objects.filter(layer="gold").exists()


def test_the_queue_lists_a_single_coded_article_after_disagreements(
    solo: World, django_capture_on_commit_callbacks
) -> None:
    from coding.services.articles import articles_create

    project: Project = solo.solo_project  # type: ignore[attr-defined]
    sup = solo.client(solo.supervisor)
    url = f"/api/v1/projects/{project.pk}/adjudication/queue/"
    rows = sup.get(url).json()["results"]
    assert [(r["article_id"], r["max_severity"], r["n_disagreements"]) for r in rows] == [
        (solo.solo_article.pk, None, 0)  # type: ignore[attr-defined]
    ]
    assert sup.get(url, {"unanimous": "true"}).json()["results"] == []
    assert sup.get(url, {"min_severity": "1"}).json()["results"] == []

    # A project with a disagreeing article (two coders) and one coded by a single coder.
    disputed_project = solo.project
    code_and_submit(
        solo,
        solo.assignment_a,
        solo.coder_a,
        [complete_event(solo)],
        django_capture_on_commit_callbacks,
    )
    code_and_submit(solo, solo.assignment_b, solo.coder_b, [], django_capture_on_commit_callbacks)
    disputed_project.overlap = 1
    disputed_project.save(update_fields=["overlap"])
    second = articles_create(
        project=disputed_project, items=[Item("Second", ARTICLE_TEXT + " ")], actor=None
    ).created[0]
    assignments_balance(project=disputed_project)
    lone = Assignment.objects.get(article=second)
    code_and_submit(
        solo, lone, lone.coder, [complete_event(solo)], django_capture_on_commit_callbacks
    )
    both = sup.get(f"/api/v1/projects/{disputed_project.pk}/adjudication/queue/").json()
    assert [(r["article_id"], r["max_severity"]) for r in both["results"]] == [
        (solo.article.pk, 5),
        (second.pk, None),
    ]


def test_project_figures_leave_single_coded_articles_out(solo: World) -> None:
    project: Project = solo.solo_project  # type: ignore[attr-defined]
    article_run = AgreementRun.objects.get(scope="article", article=solo.solo_article)  # type: ignore[attr-defined]
    assert article_run.params["coders"] == [solo.coder_a.pk]
    assert len(article_run.params["clusters"]) == 2
    run = project_agreement_compute(project_id=project.pk)
    assert run.params["n_articles"] == 0
    presence = AgreementResult.objects.get(
        run=run, metric="alpha", field_key="", event_type_code="", coder_a__isnull=True
    )
    assert presence.n_units == 0

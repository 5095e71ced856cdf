"""The adjudication queue's maintained rows (ReviewQueueEntry) against the former query
(queue_reference.queue_from_runs), after every kind of change and along random sequences of
them: the same rows in the same order under every filter, at every step."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from coding.adjudication_selectors import (
    adjudication_queue,
    adjudication_queue_count,
    latest_article_runs,
)
from coding.models import (
    Adjudication,
    Article,
    Assignment,
    Project,
    ReviewQueueCount,
    ReviewQueueEntry,
    ReviewQueueKey,
    User,
)
from coding.services.agreement import project_agreement_compute
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.projects import membership_set, project_create
from coding.services.review_queue import review_queue_rebuild
from tests.adjudication.queue_reference import queue_from_runs
from tests.factories import UserFactory
from tests.world import ARTICLE_TEXT, Item, World, complete_event, span

pytestmark = pytest.mark.django_db


def _filters(coders: list[User]) -> list[dict[str, Any]]:
    return [
        {},
        {"unanimous": True},
        {"unanimous": True, "min_severity": 1},
        {"unanimous": True, "status": "open"},
        *({"min_severity": s} for s in range(1, 6)),
        {"status": "none"},
        {"status": "open"},
        {"status": "validated"},
        {"event_type": "ATTACK"},
        {"event_type": "TRUCE"},
        {"event_type": "DRONE_STRIKE"},
        *({"coder": c.pk} for c in coders),
        {"min_severity": 2, "event_type": "ATTACK", "status": "none"},
        {"unanimous": True, "event_type": "ATTACK", "coder": coders[0].pk},
        *({"event_type": "ATTACK", "coder": c.pk} for c in coders),
        *({"event_type": "TRUCE", "coder": c.pk, "status": "none"} for c in coders),
        {"event_type": "ARMED_ASSAULT", "coder": coders[-1].pk, "min_severity": 3},
    ]


def _stored_state(project: Project) -> tuple[list[Any], list[Any], dict[Any, int]]:
    entries = list(
        ReviewQueueEntry.objects.filter(project=project)
        .order_by("article_id")
        .values_list(
            "article_id",
            "run_id",
            "unanimous",
            "top_severity",
            "n_disagreements",
            "n_coders",
            "adjudication_state",
            "order_key",
        )
    )
    keys = list(
        ReviewQueueKey.objects.filter(project=project)
        .order_by("article_id", "kind", "value")
        .values_list("article_id", "kind", "value", "unanimous", "adjudication_state", "order_key")
    )
    counts: dict[Any, int] = {}
    for *combination, n in ReviewQueueCount.objects.filter(project=project).values_list(
        "kind", "value", "unanimous", "adjudication_state", "top_severity", "n"
    ):
        counts[tuple(combination)] = counts.get(tuple(combination), 0) + n
    return entries, keys, {c: n for c, n in counts.items() if n}


def assert_equal_to_rebuild(project: Project) -> None:
    """The entries, filter keys and counts the services kept equal those a from-scratch
    rebuild writes (the rebuild is then undone with the transaction's savepoint)."""
    kept = _stored_state(project)
    with transaction.atomic():
        ReviewQueueEntry.objects.filter(project=project).delete()
        ReviewQueueKey.objects.filter(project=project).delete()
        ReviewQueueCount.objects.filter(project=project).delete()
        review_queue_rebuild(project=project)
        rebuilt = _stored_state(project)
        transaction.set_rollback(True)
    assert kept == rebuilt


def assert_queue_matches(project: Project, coders: list[User]) -> int:
    """Every filter gives the former query's rows, and its count the number of those rows;
    returns how many articles are queued."""
    for filters in _filters(coders):
        rows = [
            {k: v for k, v in row.items() if k != "order_key"}
            for row in adjudication_queue(project, **filters)
        ]
        assert rows == queue_from_runs(project, **filters), filters
        assert adjudication_queue_count(project, **filters) == (len(rows), True), filters
    entries = ReviewQueueEntry.objects.filter(project=project)
    assert sorted(entries.values_list("run_id", flat=True)) == sorted(
        latest_article_runs(project).values_list("id", flat=True)
    )
    assert_equal_to_rebuild(project)
    return entries.count()


def _adjudication_url(project: Project, article_id: int) -> str:
    return f"/api/v1/projects/{project.pk}/articles/{article_id}/adjudication/"


def _attack(world: World, fatalities: int, subtype: str = "ARMED_ASSAULT") -> dict[str, Any]:
    event = complete_event(world)
    event["event_subtype"] = subtype
    event["values"] = dict(event["values"]) | {"fatalities": fatalities}  # type: ignore[arg-type]
    return event


def _truce(world: World) -> dict[str, Any]:
    return {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"]) | {"fatalities": None},  # type: ignore[arg-type]
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }


class Steps:
    """The changes a queue row depends on, made through the API as users make them."""

    def __init__(self, world: World, project: Project, capture: Any) -> None:
        self.world = world
        self.project = project
        self.capture = capture
        self.sup = world.client(world.supervisor)

    def code_and_submit(self, assignment: Assignment, events: list[dict[str, Any]]) -> None:
        client = self.world.client(assignment.coder)
        for body in events:
            answer = client.post(
                f"/api/v1/assignments/{assignment.pk}/events/", body, format="json"
            )
            assert answer.status_code == 201, answer.json()
        with self.capture(execute=True):
            answer = client.post(f"/api/v1/assignments/{assignment.pk}/submit/")
        assert answer.status_code == 200, answer.json()

    def open(self, article_id: int) -> dict[str, Any]:
        answer = self.sup.post(_adjudication_url(self.project, article_id))
        assert answer.status_code in (200, 201), answer.json()
        return answer.json()  # type: ignore[no-any-return]

    def decide_all_and_validate(self, article_id: int) -> None:
        view = self.open(article_id)
        url = _adjudication_url(self.project, article_id)
        for cluster in view["clusters"]:
            if cluster["decision"] is None:
                event = next(iter(cluster["events"].values()))
                answer = self.sup.post(
                    url + "decisions/",
                    {"kind": "accept", "cluster": cluster["key"], "event": event["id"]},
                    format="json",
                )
                assert answer.status_code == 201, answer.json()
        version = Adjudication.objects.get(article_id=article_id).version
        answer = self.sup.post(url + "validate/", {"version": version}, format="json")
        assert answer.status_code == 200, answer.json()

    def reopen(self, article_id: int) -> None:
        answer = self.sup.post(
            _adjudication_url(self.project, article_id) + "reopen/",
            {"reason": "a new source"},
            format="json",
        )
        assert answer.status_code == 200, answer.json()

    def reopen_assignment(self, assignment: Assignment) -> None:
        answer = self.sup.post(
            f"/api/v1/assignments/{assignment.pk}/reopen/", {"reason": "recheck"}, format="json"
        )
        assert answer.status_code == 200, answer.json()

    def reassign(self, assignment: Assignment, coder: User) -> None:
        answer = self.sup.post(
            f"/api/v1/assignments/{assignment.pk}/reassign/",
            {"coder": coder.pk, "discard_drafts": True},
            format="json",
        )
        assert answer.status_code == 200, answer.json()


def test_every_kind_of_change_keeps_the_queue_equal_to_the_former_query(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cache.clear()
    coder_c = UserFactory(username="coder_c")
    membership_set(project=world.project, user=coder_c, role="coder")
    coders = [world.coder_a, world.coder_b, coder_c]
    steps = Steps(world, world.project, django_capture_on_commit_callbacks)
    article = world.article.pk
    assert assert_queue_matches(world.project, coders) == 0

    steps.code_and_submit(world.assignment_a, [_attack(world, 5), _truce(world)])
    assert assert_queue_matches(world.project, coders) == 0  # coder_b has not submitted
    steps.code_and_submit(world.assignment_b, [_attack(world, 7)])  # an agreement run
    assert assert_queue_matches(world.project, coders) == 1
    row = adjudication_queue(world.project).get()
    assert (row["max_severity"], row["adjudication_status"]) == (5, None)

    steps.open(article)
    assert assert_queue_matches(world.project, coders) == 1
    assert adjudication_queue(world.project, status="open").get()["article_id"] == article
    steps.decide_all_and_validate(article)
    assert assert_queue_matches(world.project, coders) == 1
    assert adjudication_queue(world.project, status="validated").get()["article_id"] == article
    steps.reopen(article)
    assert assert_queue_matches(world.project, coders) == 1
    assert adjudication_queue(world.project, status="open").get()["article_id"] == article

    steps.decide_all_and_validate(article)
    steps.reopen_assignment(world.assignment_b)  # reopens the validated adjudication too
    assert assert_queue_matches(world.project, coders) == 1
    assert adjudication_queue(world.project).get()["adjudication_status"] == "open"
    steps.reassign(world.assignment_b, coder_c)  # the coder filter follows the assignment
    assert assert_queue_matches(world.project, coders) == 1
    assert not adjudication_queue(world.project, coder=world.coder_b.pk).exists()
    steps.code_and_submit(
        Assignment.objects.get(pk=world.assignment_b.pk), [_attack(world, 5), _truce(world)]
    )  # a new run: coder_c agrees with coder_a
    assert assert_queue_matches(world.project, coders) == 1
    assert adjudication_queue(world.project, unanimous=True).get()["article_id"] == article
    assert not adjudication_queue(world.project).exists()


def _random_project(world: World, n_articles: int) -> tuple[Project, list[User]]:
    project = project_create(
        slug="rand", name="Rand", codebook_version=world.project.codebook_version, overlap=2
    )
    coder_c = UserFactory(username="coder_c")
    coders = [world.coder_a, world.coder_b, coder_c]
    for coder in coders[:2]:
        membership_set(project=project, user=coder, role="coder")
    membership_set(project=project, user=world.supervisor, role="supervisor")
    items = [Item(f"Article {i}", ARTICLE_TEXT) for i in range(n_articles)]
    articles_create(project=project, items=items, actor=None)
    assignments_balance(project=project)
    membership_set(project=project, user=coder_c, role="coder")  # for reassignments only
    return project, coders


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_sequences_keep_the_queue_equal_to_the_former_query(
    world: World, django_capture_on_commit_callbacks: Any, seed: int
) -> None:
    cache.clear()
    rng = random.Random(seed)
    project, coders = _random_project(world, 3)
    steps = Steps(world, project, django_capture_on_commit_callbacks)
    pool = [
        lambda: _attack(world, 5),
        lambda: _attack(world, 7),
        lambda: _attack(world, 5, "DRONE_STRIKE"),
        lambda: _truce(world),
    ]
    done = []
    for _ in range(24):
        assignments = list(Assignment.objects.filter(project=project).order_by("pk"))
        articles = list(Article.objects.filter(project=project).order_by("pk"))
        adjudications = {a.article_id: a for a in Adjudication.objects.filter(project=project)}
        ready = [
            a.pk
            for a in articles
            if all(s.status == "submitted" for s in assignments if s.article_id == a.pk)
        ]
        moves: list[tuple[str, Any]] = []
        moves += [("code", s) for s in assignments if s.status != "submitted"]
        moves += [("open", pk) for pk in ready if pk not in adjudications]
        moves += [
            ("validate", pk)
            for pk in ready
            if pk in adjudications and adjudications[pk].status == "open"
        ]
        moves += [("reopen", pk) for pk, a in adjudications.items() if a.status == "validated"]
        moves += [("recode", s) for s in assignments if s.status == "submitted"]
        moves += [
            ("reassign", s)
            for s in assignments
            if s.status != "submitted"
            and not any(
                o.article_id == s.article_id and o.coder_id == coders[2].pk for o in assignments
            )
        ]
        if rng.random() < 0.3:  # always possible: kept rarer so the others get their turn
            moves.append(("recompute", None))
        # A kind of change first, then its target: every kind as likely as the others.
        kind = rng.choice(sorted({k for k, _ in moves}))
        target = rng.choice([t for k, t in moves if k == kind])
        if kind == "code":
            steps.code_and_submit(target, [rng.choice(pool)() for _ in range(rng.randint(0, 2))])
        elif kind == "open":
            steps.open(target)
        elif kind == "validate":
            steps.decide_all_and_validate(target)
        elif kind == "reopen":
            steps.reopen(target)
        elif kind == "recode":
            steps.reopen_assignment(target)
        elif kind == "reassign":
            steps.reassign(target, coders[2])
        else:
            project_agreement_compute(project_id=project.pk)
        done.append(kind)
        assert_queue_matches(project, coders)
    assert len(set(done)) >= 4, done  # the sequence visited several kinds of change


def test_rebuild_command_restores_rows_lost_or_altered(disputed: World) -> None:
    coders = [disputed.coder_a, disputed.coder_b]
    before = list(adjudication_queue(disputed.project))
    assert len(before) == 1
    ReviewQueueEntry.objects.update(top_severity=1, n_disagreements=99)
    assert list(adjudication_queue(disputed.project)) != before  # the damage shows
    call_command("rebuild_review_queue", "--project", disputed.project.slug)
    assert list(adjudication_queue(disputed.project)) == before
    ReviewQueueEntry.objects.all().delete()
    call_command("rebuild_review_queue")
    assert list(adjudication_queue(disputed.project)) == before
    assert_queue_matches(disputed.project, coders)

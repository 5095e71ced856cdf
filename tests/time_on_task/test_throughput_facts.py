"""The throughput dashboard's stored facts on PostgreSQL (coding/models/throughput_facts.py):
after random sequences of writes, through the services and around them (factories, bulk
updates, deletes), the rows the triggers keep equal a from-scratch computation written here
from the sources; the rebuild command repairs damaged rows; writers of different assignments
never wait for each other; two coders submitting one article's last assignments at once
both succeed and the article's fact sees both."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from coding.models import (
    Adjudication,
    Article,
    ArticleFact,
    Assignment,
    AssignmentFact,
    CodedEvent,
    ProgressCount,
    ThroughputCount,
    TimeDay,
    TimeLedger,
)
from coding.services.events import event_delete
from coding.services.time_on_task import coding_target, time_report_record
from coding.services.workflow import assignment_reopen
from tests.factories import (
    AdjudicationFactory,
    ArticleFactory,
    AssignmentFactory,
    CodedEventFactory,
    EventTypeFactory,
)
from tests.world import World, complete_event


def expected_assignment_facts(project_id: int) -> dict[int, tuple[Any, ...]]:
    """Every assignment's facts, computed from the sources in Python."""
    out = {}
    for a in Assignment.objects.filter(project_id=project_id).select_related("article"):
        adjudication = Adjudication.objects.filter(article_id=a.article_id).first()
        validated = (
            adjudication.validated_at
            if adjudication and adjudication.status == Adjudication.Status.VALIDATED
            else None
        )
        ledger = TimeLedger.objects.filter(
            assignment=a, project_id=a.project_id, activity="coding"
        ).first()
        out[a.pk] = (
            a.project_id,
            a.coder_id,
            a.article_id,
            a.created_at,
            a.submitted_at if a.status == Assignment.Status.SUBMITTED else None,
            _week(a.submitted_at) if a.status == Assignment.Status.SUBMITTED else None,
            validated,
            CodedEvent.objects.filter(assignment=a, layer=CodedEvent.Layer.CODER).count(),
            ledger.seconds if ledger else None,
        )
    return out


def expected_article_facts(project_id: int) -> dict[int, tuple[Any, ...]]:
    out = {}
    for art in Article.objects.filter(project_id=project_id):
        mine = list(Assignment.objects.filter(article=art, project_id=art.project_id))
        complete = (
            max(a.submitted_at for a in mine)  # type: ignore[type-var]
            if mine and all(a.status == Assignment.Status.SUBMITTED for a in mine)
            else None
        )
        adjudication = Adjudication.objects.filter(article=art).first()
        out[art.pk] = (
            art.project_id,
            art.imported_at,
            complete,
            adjudication.created_at if adjudication else None,
            adjudication.validated_at
            if adjudication and adjudication.status == Adjudication.Status.VALIDATED
            else None,
        )
    return out


def stored_assignment_facts(project_id: int) -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in AssignmentFact.objects.filter(project_id=project_id).values_list(
            "assignment_id",
            "project_id",
            "coder_id",
            "article_id",
            "created_at",
            "submitted_at",
            "submitted_week",
            "validated_at",
            "n_events",
            "seconds",
        )
    }


def stored_article_facts(project_id: int) -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in ArticleFact.objects.filter(project_id=project_id).values_list(
            "article_id", "project_id", "imported_at", "complete_at", "opened_at", "validated_at"
        )
    }


def _week(moment: datetime | None) -> date | None:
    return None if moment is None else monday(timezone.localtime(moment).date())


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def expected_counts(project_id: int) -> dict[tuple[int, date, str], float]:
    """The weekly counts and seconds from the sources, by the share rule's weeks."""
    out: dict[tuple[int, date, str], float] = defaultdict(float)
    for (
        _project,
        coder,
        _article,
        created,
        submitted,
        _submitted_week,
        validated,
        _n,
        _s,
    ) in expected_assignment_facts(project_id).values():
        out[(coder, _week(created), "created")] += 1  # type: ignore[index]
        if submitted is not None:
            out[(coder, _week(max(submitted, created)), "submitted")] += 1  # type: ignore[index]
            if validated is not None:
                done = max(submitted, created, validated)
                out[(coder, _week(done), "validated")] += 1  # type: ignore[index]
    for user, day, activity, seconds in TimeDay.objects.filter(project_id=project_id).values_list(
        "user_id", "day", "activity", "seconds"
    ):
        out[(user, monday(day), activity)] += seconds
    return {k: v for k, v in out.items() if v}


def stored_counts(project_id: int) -> dict[tuple[int, date, str], float]:
    rows = (
        ThroughputCount.objects.filter(project_id=project_id)
        .values("user_id", "week", "kind")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "week", "kind", "total")
    )
    return {(u, w, k): t for u, w, k, t in rows if abs(t) > 1e-9}


def expected_progress(project_id: int) -> dict[tuple[Any, ...], int]:
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for _p, imported, complete, opened, validated in expected_article_facts(project_id).values():
        out[(_week(imported), _week(complete), _week(opened), _week(validated))] += 1
    return dict(out)


def stored_progress(project_id: int) -> dict[tuple[Any, ...], int]:
    rows = (
        ProgressCount.objects.filter(project_id=project_id)
        .values("imported_week", "complete_week", "opened_week", "validated_week")
        .annotate(total=Sum("n"))
        .values_list("imported_week", "complete_week", "opened_week", "validated_week", "total")
    )
    return {tuple(r[:4]): r[4] for r in rows if r[4]}


def assert_facts_current(project_id: int) -> None:
    assert stored_assignment_facts(project_id) == expected_assignment_facts(project_id)
    assert stored_article_facts(project_id) == expected_article_facts(project_id)
    wanted = expected_counts(project_id)
    got = stored_counts(project_id)
    assert set(got) == set(wanted)
    for key, amount in wanted.items():
        assert got[key] == pytest.approx(amount), key
    assert stored_progress(project_id) == expected_progress(project_id)


class Scene:
    """The world's project with more articles, and the random writes the test draws from."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.event_type = EventTypeFactory(version=world.project.codebook_version)
        # Every write's time is later than every assignment's creation (time reports may
        # not reach back before it).
        self.clock = timezone.now() + timedelta(minutes=1)
        Assignment.objects.filter(project=world.project).update(
            created_at=timezone.now() - timedelta(days=1)
        )

    def _tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randrange(1, 3000))
        return self.clock

    def _factory_assignments(self) -> list[Assignment]:
        return list(
            Assignment.objects.filter(project=self.world.project)
            .exclude(article=self.world.article)
            .order_by("pk")
        )

    # -- writes through the services (the world's article, coded through the API) --

    def api_event(self) -> None:
        coder = self.rng.choice([self.world.coder_a, self.world.coder_b])
        assignment = Assignment.objects.get(article=self.world.article, coder=coder)
        if assignment.status != Assignment.Status.SUBMITTED:
            answer = self.world.client(coder).post(
                f"/api/v1/assignments/{assignment.pk}/events/",
                complete_event(self.world),
                format="json",
            )
            assert answer.status_code == 201, answer.json()

    def api_submit(self) -> None:
        coder = self.rng.choice([self.world.coder_a, self.world.coder_b])
        assignment = Assignment.objects.get(article=self.world.article, coder=coder)
        answer = self.world.client(coder).post(f"/api/v1/assignments/{assignment.pk}/submit/")
        assert answer.status_code in (200, 409, 422), answer.json()

    def service_reopen(self) -> None:
        submitted = Assignment.objects.filter(
            project=self.world.project, status=Assignment.Status.SUBMITTED
        ).order_by("pk")
        if submitted:
            assignment_reopen(
                assignment=self.rng.choice(list(submitted)),
                actor=self.world.supervisor,
                reason="look again",
            )

    def service_event_delete(self) -> None:
        events = CodedEvent.objects.filter(
            article=self.world.article, layer=CodedEvent.Layer.CODER
        ).exclude(assignment__status=Assignment.Status.SUBMITTED)
        event = events.order_by("pk").first()
        if event is not None:
            event_delete(event=event, actor=event.created_by, expected_version=None)

    def service_time(self) -> None:
        open_ones = (
            Assignment.objects.filter(project=self.world.project)
            .exclude(status=Assignment.Status.SUBMITTED)
            .order_by("pk")
        )
        if open_ones:
            assignment = self.rng.choice(list(open_ones))
            time_report_record(
                target=coding_target(assignment, assignment.coder),
                tab=f"tab-{self.rng.randrange(3)}-abcdef",
                intervals=[[-float(self.rng.randrange(10, 200)), 0.0]],
                received_at=self._tick(),
            )

    # -- writes around them (imports, bulk loads, admin, SQL) ---------------------------

    def new_article(self) -> None:
        article = ArticleFactory(project=self.world.project)
        Article.objects.filter(pk=article.pk).update(imported_at=self._tick())
        for coder in (self.world.coder_a, self.world.coder_b):
            if self.rng.random() < 0.8:
                AssignmentFactory(article=article, coder=coder)

    def factory_event(self) -> None:
        assignments = self._factory_assignments()
        if assignments:
            CodedEventFactory(assignment=self.rng.choice(assignments), event_type=self.event_type)

    def bulk_submit(self) -> None:
        assignments = self._factory_assignments()
        if assignments:
            chosen = self.rng.sample(assignments, min(len(assignments), 3))
            Assignment.objects.filter(pk__in=[a.pk for a in chosen]).update(
                status=Assignment.Status.SUBMITTED, submitted_at=self._tick()
            )

    def open_adjudication(self) -> None:
        article = (
            Article.objects.filter(project=self.world.project, adjudication__isnull=True)
            .order_by("?")
            .first()
        )
        if article is not None:
            adjudication = AdjudicationFactory(article=article)
            Adjudication.objects.filter(pk=adjudication.pk).update(created_at=self._tick())

    def validate_or_reopen(self) -> None:
        adjudication = Adjudication.objects.filter(project=self.world.project).order_by("?").first()
        if adjudication is None:
            return
        if adjudication.status == Adjudication.Status.OPEN:
            Adjudication.objects.filter(pk=adjudication.pk).update(
                status=Adjudication.Status.VALIDATED,
                validated_at=self._tick(),
                validated_by=self.world.supervisor,
            )
        else:
            Adjudication.objects.filter(pk=adjudication.pk).update(
                status=Adjudication.Status.OPEN, revision=adjudication.revision + 1
            )

    def delete_assignment(self) -> None:
        assignments = self._factory_assignments()
        if assignments:
            self.rng.choice(assignments).delete()

    def delete_event(self) -> None:
        event = (
            CodedEvent.objects.filter(
                layer=CodedEvent.Layer.CODER, assignment__project=self.world.project
            )
            .exclude(article=self.world.article)
            .order_by("?")
            .first()
        )
        if event is not None:
            event.delete()

    def ledger_change(self) -> None:
        ledger = TimeLedger.objects.filter(project=self.world.project).order_by("?").first()
        if ledger is not None:
            TimeLedger.objects.filter(pk=ledger.pk).update(seconds=ledger.seconds + 30)

    def step(self) -> None:
        move = self.rng.choice(
            [
                self.api_event,
                self.api_submit,
                self.service_reopen,
                self.service_event_delete,
                self.service_time,
                self.new_article,
                self.new_article,
                self.factory_event,
                self.bulk_submit,
                self.open_adjudication,
                self.validate_or_reopen,
                self.delete_assignment,
                self.delete_event,
                self.ledger_change,
            ]
        )
        move()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_equal_a_computation_from_the_sources_after_random_writes(
    world: World, seed: int
) -> None:
    scene = Scene(world, random.Random(seed))
    assert_facts_current(world.project.pk)
    for _ in range(40):
        scene.step()
    assert_facts_current(world.project.pk)
    assert AssignmentFact.objects.filter(project=world.project).exists()
    # One writer at a time holds the fold lock, so every key is folded to one row: the
    # appended deltas do not pile up.
    per_key = ThroughputCount.objects.values("project", "user", "kind", "week").annotate(
        n=Count("id")
    )
    assert max(row["n"] for row in per_key) == 1
    per_group = ProgressCount.objects.values(
        "project", "imported_week", "complete_week", "opened_week", "validated_week"
    ).annotate(n=Count("id"))
    assert max(row["n"] for row in per_group) == 1
    # The other project's facts are its own, and were computed too.
    assert_facts_current(world.other_project.pk)


def test_a_refused_write_leaves_the_facts_unchanged(world: World) -> None:
    before = stored_assignment_facts(world.project.pk), stored_article_facts(world.project.pk)
    answer = world.client(world.coder_a).post(
        f"/api/v1/assignments/{world.assignment_a.pk}/events/",
        {**complete_event(world), "event_type": "NO_SUCH_TYPE"},
        format="json",
    )
    assert answer.status_code == 422
    answer = world.client(world.coder_b).post(
        f"/api/v1/assignments/{world.assignment_a.pk}/submit/"
    )
    assert answer.status_code in (403, 404, 409)  # not coder_b's assignment
    assert Assignment.objects.get(pk=world.assignment_a.pk).status != "submitted"
    assert (stored_assignment_facts(world.project.pk), stored_article_facts(world.project.pk)) == (
        before
    )


def test_the_rebuild_command_repairs_damaged_facts(world: World) -> None:
    scene = Scene(world, random.Random(5))
    for _ in range(25):
        scene.step()
    wanted = stored_assignment_facts(world.project.pk), stored_article_facts(world.project.pk)
    with connection.cursor() as cursor:
        # Damage them as a restore of an old table or a disabled trigger would.
        cursor.execute("ALTER TABLE coding_assignmentfact DISABLE TRIGGER ALL")
        cursor.execute(
            "UPDATE coding_assignmentfact SET n_events = n_events + 7 WHERE project_id = %s",
            [world.project.pk],
        )
        cursor.execute("DELETE FROM coding_articlefact WHERE project_id = %s", [world.project.pk])
        cursor.execute(
            "DELETE FROM coding_throughputcount WHERE project_id = %s AND kind = 'created'",
            [world.project.pk],
        )
        cursor.execute("ALTER TABLE coding_assignmentfact ENABLE TRIGGER ALL")
    assert stored_assignment_facts(world.project.pk) != wanted[0]
    out = StringIO()
    call_command("rebuild_throughput_facts", "--project", world.project.slug, stdout=out)
    assert (stored_assignment_facts(world.project.pk), stored_article_facts(world.project.pk)) == (
        wanted
    )
    n_assignments = Assignment.objects.filter(project=world.project).count()
    n_articles = Article.objects.filter(project=world.project).count()
    assert out.getvalue().strip() == (
        f"p1: facts of {n_assignments} assignment(s), {n_articles} article(s)"
    )
    assert_facts_current(world.project.pk)


@pytest.mark.django_db(transaction=True)
def test_writers_of_different_assignments_do_not_wait_for_each_other(world: World) -> None:
    """Coder A's transaction holds its event write open; coder B's event write and a time
    report on B's assignment finish meanwhile (lock_timeout 3 s would refuse a wait)."""
    Assignment.objects.filter(project=world.project).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def coder_a() -> None:
        try:
            with transaction.atomic():
                answer = world.client(world.coder_a).post(
                    f"/api/v1/assignments/{world.assignment_a.pk}/events/",
                    complete_event(world),
                    format="json",
                )
                assert answer.status_code == 201
                holding.set()
                assert release.wait(30)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=coder_a)
    thread.start()
    try:
        assert holding.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            answer = world.client(world.coder_b).post(
                f"/api/v1/assignments/{world.assignment_b.pk}/events/",
                complete_event(world),
                format="json",
            )
            assert answer.status_code == 201
            time_report_record(
                target=coding_target(
                    Assignment.objects.get(pk=world.assignment_b.pk), world.coder_b
                ),
                tab="tab-b-123456",
                intervals=[[-60.0, 0.0]],
            )
    finally:
        release.set()
        thread.join(30)
    assert not failures
    facts = stored_assignment_facts(world.project.pk)
    assert facts[world.assignment_a.pk][7] == 1
    assert facts[world.assignment_b.pk][7:] == (1, pytest.approx(60.0, abs=2))
    assert_facts_current(world.project.pk)


@pytest.mark.django_db(transaction=True)
def test_two_coders_submitting_one_article_at_once_complete_it(world: World) -> None:
    for assignment, coder in (
        (world.assignment_a, world.coder_a),
        (world.assignment_b, world.coder_b),
    ):
        answer = world.client(coder).post(
            f"/api/v1/assignments/{assignment.pk}/events/", complete_event(world), format="json"
        )
        assert answer.status_code == 201
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def submit(assignment: Assignment, coder: Any) -> None:
        try:
            barrier.wait(10)
            codes.append(
                world.client(coder).post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(world.assignment_a, world.coder_a)),
        threading.Thread(target=submit, args=(world.assignment_b, world.coder_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [200, 200]
    last = max(
        Assignment.objects.filter(article=world.article).values_list("submitted_at", flat=True)
    )
    assert ArticleFact.objects.get(article=world.article).complete_at == last
    assert_facts_current(world.project.pk)

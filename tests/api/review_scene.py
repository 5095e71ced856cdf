"""The world after coding: the state the review, agreement, adjudication and export endpoints
act on, built once per test module (it takes a few seconds) by `scene_in_transaction`.

The people are those of tests.world (admin1, super1, research1, coder_a, coder_b, and the
outsider, a coder of p2 only) plus a site superuser. In p1 (overlap 2) coder_a and coder_b
coded three articles, all submitted, each with its agreement run:

    disputed  coder_a: the attack (5 dead) and a truce; coder_b: the attack (7 dead).
              Adjudication open: the attack accepted from coder_a (decision {d}, gold
              event {g}); the truce still undecided.
    settled   the same coding, adjudicated and validated: the attack accepted from
              coder_b, the truce rejected. Comments: on the article, on each coder's
              attack, a reply on the comment about coder_b's, and on the gold event.
    ready     both coded the same attack; no adjudication yet.

p1 has a project agreement run {run} and a ready release {r}; p2 a ready (empty) release
{r_q}. The mini codebook's published version {v} is used by both projects; {v_draft} is a
draft no project uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from coding.models import (
    AdjudicationDecision,
    AgreementRun,
    Article,
    Assignment,
    CodebookVersion,
    CodedEvent,
    Comment,
    DatasetRelease,
    User,
)
from coding.services import adjudication as adjudicating
from coding.services.agreement import article_agreement_compute, project_agreement_compute
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.codebooks import codebook_version_new_draft
from coding.services.comments import comment_add
from coding.services.events import EventInput, SpanInput, event_create
from coding.services.projects import membership_set, project_create
from coding.services.releases import release_build, release_request
from coding.services.workflow import assignment_submit
from tests.factories import ActorFactory, LocationFactory, UserFactory
from tests.world import ARTICLE_TEXT, Item, World, complete_event, mini_version, span


@dataclass
class CodedArticle:
    article: Article
    mine: Assignment  # coder_a's
    theirs: Assignment  # coder_b's
    my_events: list[CodedEvent]
    their_events: list[CodedEvent]


@dataclass
class ReviewScene:
    world: World  # article/assignment_a/assignment_b: the disputed article's
    superuser: User
    disputed: CodedArticle
    settled: CodedArticle
    ready: CodedArticle
    decision: AdjudicationDecision  # {d}: the live accept on the disputed article
    gold: CodedEvent  # {g}: its gold event
    settled_gold: list[CodedEvent]
    comments: dict[str, Comment]  # on the settled article, by what they are about
    run: AgreementRun  # {run}: p1's project figures
    release: DatasetRelease  # {r}
    release_q: DatasetRelease  # {r_q}
    assignment_q: Assignment  # {a_q}
    version: CodebookVersion  # {v}
    draft: CodebookVersion  # {v_draft}
    baseline: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def ids(self) -> dict[str, object]:
        world = self.world
        return {
            "p": world.project.pk,
            "q": world.other_project.pk,
            "art": self.disputed.article.pk,
            "art_v": self.settled.article.pk,
            "art_r": self.ready.article.pk,
            "art_q": self.assignment_q.article_id,
            "a": self.disputed.mine.pk,
            "a_v": self.settled.mine.pk,
            "a_q": self.assignment_q.pk,
            "d": self.decision.pk,
            "g": self.gold.pk,
            "run": self.run.pk,
            "r": self.release.pk,
            "r_q": self.release_q.pk,
            "fmt": "csv",
            "v": self.version.pk,
            "v_draft": self.draft.pk,
        }

    def user(self, actor: str) -> User | None:
        world = self.world
        return {
            "anonymous": None,
            "coder": world.coder_a,
            "other_coder": world.coder_b,
            "supervisor": world.supervisor,
            "researcher": world.researcher,
            "admin": world.admin,
            "outsider": world.outsider,
            "superuser": self.superuser,
            "ex_coder": world.coder_a,
        }[actor]


def event_input(body: dict[str, Any]) -> EventInput:
    """An API event body as the service's input."""
    return EventInput(
        event_type=body["event_type"],
        event_subtype=body.get("event_subtype"),
        values=body.get("values") or {},
        spans=[SpanInput(**s) for s in body.get("spans") or []],
    )


def disputed_bodies(world: World) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """coder_a: the attack with 5 dead and a truce; coder_b: the attack with 7 dead (as in
    tests.world's `disputed`)."""
    attack = complete_event(world)
    truce = {
        "event_type": "TRUCE",
        "values": {**attack["values"], "fatalities": None},  # type: ignore[dict-item]
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    seven = {**attack, "values": {**attack["values"], "fatalities": 7}}  # type: ignore[dict-item]
    return [attack, truce], [seven]


def code_article(
    world: World, article: Article, mine: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> CodedArticle:
    """coder_a and coder_b code the article with these bodies and submit; its agreement run
    is computed (as the task run after the last submission would)."""
    coded = []
    for coder, bodies in ((world.coder_a, mine), (world.coder_b, theirs)):
        assignment = Assignment.objects.get(article=article, coder=coder)
        events = [
            event_create(assignment=assignment, actor=coder, data=event_input(b)) for b in bodies
        ]
        assignment_submit(assignment=assignment, actor=coder)
        assignment.refresh_from_db()
        coded.append((assignment, events))
    assert article_agreement_compute(article_id=article.pk) is not None
    return CodedArticle(article, coded[0][0], coded[1][0], coded[0][1], coded[1][1])


def clusters(article: Article) -> tuple[str, str]:
    """The keys of the article's matched cluster (both coders) and unmatched one."""
    found = adjudicating.article_clusters(article.pk)
    matched = next(c["key"] for c in found if len(c["events"]) == 2)
    unmatched = next(c["key"] for c in found if len(c["events"]) == 1)
    return matched, unmatched


def _new_article(world: World, title: str, suffix: str) -> Article:
    # Same text (so the spans fit), made distinct: a project refuses duplicate texts.
    created = articles_create(
        project=world.project, items=[Item(title, ARTICLE_TEXT + suffix)], actor=None
    )
    return created.created[0]


def build_review_scene() -> ReviewScene:
    version = mini_version()
    project = project_create(slug="p1", name="P1", codebook_version=version, overlap=2)
    other = project_create(slug="p2", name="P2", codebook_version=version, overlap=1)
    names = ["admin1", "super1", "research1", "coder_a", "coder_b", "outsider"]
    users = {name: UserFactory(username=name) for name in names}
    for name, role in [
        ("admin1", "admin"),
        ("super1", "supervisor"),
        ("research1", "researcher"),
        ("coder_a", "coder"),
        ("coder_b", "coder"),
    ]:
        membership_set(project=project, user=users[name], role=role)
    membership_set(project=other, user=users["outsider"], role="coder")
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    probe = World(  # just enough of a World for complete_event()
        project=project,
        other_project=other,
        admin=users["admin1"],
        supervisor=users["super1"],
        researcher=users["research1"],
        coder_a=users["coder_a"],
        coder_b=users["coder_b"],
        outsider=users["outsider"],
        article=None,  # type: ignore[arg-type]
        assignment_a=None,  # type: ignore[arg-type]
        assignment_b=None,  # type: ignore[arg-type]
        actor=ActorFactory(name="JNIM"),
        location=LocationFactory(name="Boulkessi"),
    )
    articles = [
        _new_article(probe, title, f"\n({n})")
        for n, title in enumerate(["Disputed", "Settled", "Ready"])
    ]
    articles_create(project=other, items=[Item("Other", "Another article.", "en")], actor=None)
    assignments_balance(project=project)
    assignments_balance(project=other)

    mine, theirs = disputed_bodies(probe)
    disputed = code_article(probe, articles[0], mine, theirs)
    settled = code_article(probe, articles[1], mine, theirs)
    ready = code_article(probe, articles[2], [complete_event(probe)], [complete_event(probe)])
    supervisor = probe.supervisor

    open_one = adjudicating.adjudication_open(article_id=disputed.article.pk, actor=supervisor)
    attack, _truce = clusters(disputed.article)
    decision = adjudicating.decision_accept(
        adjudication=open_one,
        actor=supervisor,
        cluster_key=attack,
        event_id=disputed.my_events[0].pk,
    )
    assert decision.gold_event is not None

    closed = adjudicating.adjudication_open(article_id=settled.article.pk, actor=supervisor)
    attack, truce = clusters(settled.article)
    adjudicating.decision_accept(
        adjudication=closed,
        actor=supervisor,
        cluster_key=attack,
        event_id=settled.their_events[0].pk,
    )
    adjudicating.decision_reject(
        adjudication=closed, actor=supervisor, cluster_key=truce, reason="Not a truce"
    )
    closed.refresh_from_db()
    adjudicating.adjudication_validate(
        adjudication=closed, actor=supervisor, expected_version=closed.version
    )
    settled_gold = list(CodedEvent.objects.filter(adjudication=closed).order_by("pk"))

    comments: dict[str, Comment] = {}

    def comment(key: str, body: str, event: CodedEvent | None = None, parent: str = "") -> None:
        comments[key] = comment_add(
            article=settled.article,
            author=supervisor,
            body=body,
            event_id=event.pk if event else None,
            parent_id=comments[parent].pk if parent else None,
        )

    comment("article", "Check the fatalities")
    comment("mine", "A counted 5", settled.my_events[0])
    comment("theirs", "B counted 7", settled.their_events[0])
    comment("reply_to_theirs", "B's source is the ministry", parent="theirs")
    comment("gold", "Gold follows B", settled_gold[0])

    run = project_agreement_compute(project_id=project.pk)
    release = release_request(project=project, actor=supervisor, tag="v1.0.0")
    release_build(release_id=release.pk)
    release_q = release_request(project=other, actor=superuser, tag="v1.0.0", confirm_empty=True)
    release_build(release_id=release_q.pk)
    release.refresh_from_db()
    release_q.refresh_from_db()

    world = World(
        **{
            **probe.__dict__,
            "article": disputed.article,
            "assignment_a": disputed.mine,
            "assignment_b": disputed.theirs,
        }
    )
    return ReviewScene(
        world=world,
        superuser=superuser,
        disputed=disputed,
        settled=settled,
        ready=ready,
        decision=decision,
        gold=decision.gold_event,
        settled_gold=settled_gold,
        comments=comments,
        run=run,
        release=release,
        release_q=release_q,
        assignment_q=Assignment.objects.get(project=other),
        version=version,
        draft=codebook_version_new_draft(version=version),
    )


def scene_in_transaction(
    django_db_blocker: Any, snapshot: Callable[[], dict[str, list[tuple[Any, ...]]]]
) -> Iterator[ReviewScene]:
    """The scene inside a transaction rolled back at the end; each test runs in a savepoint
    of it (pytest-django's `db`), so what one test writes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        scene = build_review_scene()
        scene.baseline = snapshot()
        yield scene
        transaction.set_rollback(True)

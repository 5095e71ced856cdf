"""Blind coding in every state: a coder who codes a validated article again (added by a
balance after the overlap was raised, or whose assignment a supervisor reopened) sees neither
the gold layer nor the comments, and their work sends the article back to adjudication —
visibly (audited, retracted from exports) — until a supervisor validates it again."""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import (
    Adjudication,
    Assignment,
    AuditEntry,
    CodedEvent,
    Comment,
    GoldRetraction,
    Project,
)
from coding.services.projects import membership_set
from tests.exports.test_export_api import _adjudicate, _body, _export
from tests.factories import CommentFactory, UserFactory
from tests.world import World, complete_event

pytestmark = pytest.mark.django_db


def _adjudicated_url(assignment: Assignment) -> str:
    return f"/api/v1/assignments/{assignment.pk}/adjudicated/"


def _comments_url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/comments/"


def _adjudication(world: World) -> Adjudication:
    return Adjudication.objects.get(article=world.article)


def _validated(world: World) -> Adjudication:
    _adjudicate(world)
    CommentFactory(
        article=world.article, author=world.supervisor, body="The supervisor's reasoning."
    )
    adjudication = _adjudication(world)
    assert adjudication.status == "validated"
    return adjudication


CLOSED_409 = (
    409,
    {
        "code": "not_validated",
        "detail": "the adjudicated version opens once your assignment is submitted and the "
        "article validated",
    },
)
CLOSED_403 = (
    403,
    {
        "code": "permission_denied",
        "detail": "comments open to a coder once their assignment is submitted and the "
        "article validated",
    },
)


def _answer(response: Any) -> tuple[int, dict[str, Any]]:
    body = response.json()
    return response.status_code, {"code": body["code"], "detail": body["detail"]}


def test_a_coder_added_after_validation_codes_blind_and_reopens_the_article(
    disputed: World,
) -> None:
    world = disputed
    before = _validated(world)
    gold_ids = set(CodedEvent.objects.filter(adjudication=before).values_list("pk", flat=True))
    assert len(_body(_export(world, format="csv")).splitlines()) == 2  # header + one event
    coder_c = UserFactory(username="coder_c")
    membership_set(project=world.project, user=coder_c, role="coder")
    Project.objects.filter(pk=world.project.pk).update(overlap=3)

    response = world.client(world.supervisor).post(
        f"/api/v1/projects/{world.project.pk}/assignments/balance/"
    )

    assert response.status_code == 200
    assert response.json() == {"created": 1, "short_articles": 0, "reopened_articles": 1}
    after = _adjudication(world)
    assert (after.status, after.revision, after.version) == (
        "open",
        before.revision + 1,
        before.version + 1,
    )
    audit = AuditEntry.objects.get(action="adjudication.reopen")
    assert audit.actor == world.supervisor
    assert audit.target_id == after.pk
    assert audit.data == {
        "reason": "a coder was added to the article",
        "revision": before.revision + 1,
        "cause": "assignment.balance",
    }
    assert set(GoldRetraction.objects.values_list("event_id", flat=True)) == gold_ids
    assert len(_body(_export(world, format="csv")).splitlines()) == 1  # header only

    new = Assignment.objects.get(article=world.article, coder=coder_c)
    client = world.client(coder_c)
    assert _answer(client.get(_adjudicated_url(new))) == CLOSED_409
    assert _answer(client.get(_comments_url(world))) == CLOSED_403
    comments = Comment.objects.count()
    assert _answer(client.post(_comments_url(world), {"body": "hi"}, format="json")) == CLOSED_403
    assert Comment.objects.count() == comments
    # The coders who had submitted see no gold layer while it is being decided again.
    assert _answer(world.client(world.coder_a).get(_adjudicated_url(world.assignment_a))) == (
        CLOSED_409
    )


def test_a_validation_waits_for_the_coder_still_coding(disputed: World) -> None:
    world = disputed
    _validated(world)
    sup = world.client(world.supervisor)
    reopened = sup.post(
        f"/api/v1/assignments/{world.assignment_a.pk}/reopen/",
        {"reason": "the date is wrong"},
        format="json",
    )
    assert reopened.status_code == 200
    adjudication = _adjudication(world)
    base = f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"

    refused = sup.post(base + "validate/", {"version": adjudication.version}, format="json")

    assert _answer(refused) == (
        409,
        {
            "code": "not_ready",
            "detail": "a coder is still coding this article; validate once they have submitted",
        },
    )
    after = _adjudication(world)
    assert (after.status, after.version, after.validated_at) == (
        "open",
        adjudication.version,
        adjudication.validated_at,
    )


def test_an_assignment_reopened_after_validation_codes_blind_and_reopens_the_article(
    disputed: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = disputed
    before = _validated(world)
    sup = world.client(world.supervisor)

    response = sup.post(
        f"/api/v1/assignments/{world.assignment_a.pk}/reopen/",
        {"reason": "the date is wrong"},
        format="json",
    )

    assert response.status_code == 200
    after = _adjudication(world)
    assert (after.status, after.revision) == ("open", before.revision + 1)
    audit = AuditEntry.objects.get(action="adjudication.reopen")
    assert (audit.actor, audit.data) == (
        world.supervisor,
        {
            "reason": f"assignment {world.assignment_a.pk} reopened for its coder: "
            "the date is wrong",
            "revision": before.revision + 1,
            "cause": "assignment.reopen",
        },
    )
    coder = world.client(world.coder_a)
    assert _answer(coder.get(_adjudicated_url(world.assignment_a))) == CLOSED_409
    assert _answer(coder.get(_comments_url(world))) == CLOSED_403

    # The coder's new work goes to the open adjudication: the article's agreement is computed
    # again on submission, and nothing is validated behind anyone's back.
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {"fatalities": 9}  # type: ignore[arg-type]
    assert (
        coder.post(
            f"/api/v1/assignments/{world.assignment_a.pk}/events/", body, format="json"
        ).status_code
        == 201
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/").status_code == (
            200
        )
    assert _adjudication(world).status == "open"
    # Validated again by a supervisor: the gold layer and comments open to the coder again.
    _adjudicate(world)
    assert coder.get(_adjudicated_url(world.assignment_a)).status_code == 200
    assert coder.get(_comments_url(world)).status_code == 200


def test_a_coder_not_submitted_on_a_validated_article_sees_no_gold_or_comments(
    disputed: World,
) -> None:
    """Whatever wrote the state (an old balance, a raw edit): the rule is the access layer's."""
    world = disputed
    _validated(world)
    coder = world.client(world.coder_a)
    assert coder.get(_adjudicated_url(world.assignment_a)).status_code == 200
    assert coder.get(_comments_url(world)).status_code == 200
    Assignment.objects.filter(pk=world.assignment_a.pk).update(
        status="in_progress", submitted_at=None
    )

    assert _answer(coder.get(_adjudicated_url(world.assignment_a))) == CLOSED_409
    assert _answer(coder.get(_comments_url(world))) == CLOSED_403
    # Supervisors keep their view of both.
    sup = world.client(world.supervisor)
    assert sup.get(_adjudicated_url(world.assignment_a)).status_code == 200
    assert sup.get(_comments_url(world)).status_code == 200


def test_a_reassign_on_a_validated_article_reopens_it(disputed: World) -> None:
    """A validated article with an unsubmitted assignment (data from before validations waited
    for every coder): giving that assignment to a new coder sends the article back too."""
    world = disputed
    before = _validated(world)
    Assignment.objects.filter(pk=world.assignment_b.pk).update(
        status="in_progress", submitted_at=None
    )
    coder_c = UserFactory(username="coder_c")
    membership_set(project=world.project, user=coder_c, role="coder")

    response = world.client(world.supervisor).post(
        f"/api/v1/assignments/{world.assignment_b.pk}/reassign/",
        {"coder": coder_c.pk, "discard_drafts": True},
        format="json",
    )

    assert response.status_code == 200
    after = _adjudication(world)
    assert (after.status, after.revision) == ("open", before.revision + 1)
    audit = AuditEntry.objects.get(action="adjudication.reopen")
    assert audit.data == {
        "reason": f"assignment {world.assignment_b.pk} given to another coder",
        "revision": before.revision + 1,
        "cause": "assignment.reassign",
    }
    assert _answer(world.client(coder_c).get(_adjudicated_url(world.assignment_b))) == CLOSED_409

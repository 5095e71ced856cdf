"""Scenes for the calibration tests.

`calibrated`: the world's article coded by coder_a and coder_b and adjudicated (gold: the
attack with 7 dead, actor JNIM, Boulkessi, 2022-06-12), marked as a calibration item; a new
coder, coder_c, joins, the rate is 1 and a second article is imported: the balance gives
coder_c that article for real and slips the calibration article into their queue.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from coding.models import Assignment, Project, User
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.projects import membership_set
from tests.exports.test_export_api import _adjudicate
from tests.factories import UserFactory
from tests.world import Item, World

SECOND_TEXT = "Des hommes armés ont attaqué un marché à Mopti le 3 mars 2023."


def calibration_url(world: World, rest: str = "") -> str:
    return f"/api/v1/projects/{world.project.pk}/calibration/{rest}"


@pytest.fixture
def calibrated(disputed: World) -> World:
    world = disputed
    _adjudicate(world)
    sup = world.client(world.supervisor)
    response = sup.post(
        calibration_url(world, "items/"), {"article": world.article.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert sup.patch(calibration_url(world), {"rate": 1.0}, format="json").status_code == 200
    coder_c = UserFactory(username="coder_c")
    membership_set(project=world.project, user=coder_c, role="coder")
    second = articles_create(
        project=world.project, items=[Item("Market", SECOND_TEXT, "fr")], actor=None
    ).created[0]
    report = assignments_balance(project=world.project)
    assert report.calibration == 1
    world.coder_c = coder_c  # type: ignore[attr-defined]
    world.second = second  # type: ignore[attr-defined]
    world.cal_assignment = Assignment.objects.get(article=world.article, coder=coder_c)  # type: ignore[attr-defined]
    world.real_assignment = Assignment.objects.get(article=second, coder=coder_c)  # type: ignore[attr-defined]
    return world


def submitted_real(project: Project, article_id: int, coder: User) -> Assignment:
    """A real assignment already submitted (scene set-up for articles whose gold a supervisor
    typed: it gives them their k coders, as coded and adjudicated articles have)."""
    return Assignment.objects.create(
        project=project,
        article_id=article_id,
        coder=coder,
        status=Assignment.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )


def keys_of(value: Any) -> Any:
    """The shape of an API answer: dict keys (recursively) and list lengths, no values."""
    if isinstance(value, dict):
        return {k: keys_of(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys_of(v) for v in value]
    return type(value).__name__

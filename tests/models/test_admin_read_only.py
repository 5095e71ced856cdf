"""Django admin shows releases, their files, events, evidence spans and adjudications but never
changes them: a superuser's POST to a change or delete page is refused and the row stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coding import models as m
from coding.services.dataset_events import dataset_events_link
from tests import factories as f
from tests.dataset_events.scene import validated_report
from tests.models.test_integrity_triggers import _ready_release
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    return client


def _objects() -> dict[str, models.Model]:
    release, file = _ready_release()
    release.refresh_from_db()
    span = f.EvidenceSpanFactory()
    adjudication = f.AdjudicationFactory()
    supervisor = f.UserFactory()
    m.Adjudication.objects.filter(pk=adjudication.pk).update(
        status="validated", validated_at=timezone.now(), validated_by=supervisor
    )
    adjudication.refresh_from_db()
    return {
        "datasetrelease": release,
        "releasefile": file,
        "evidencespan": span,
        "codedevent": span.event,
        "adjudication": adjudication,
        "assignment": f.AssignmentFactory(status="submitted", submitted_at=timezone.now()),
    }


# A plausible edit of each: the fields the issue was reproduced with.
EDITS: dict[str, dict[str, Any]] = {
    "datasetrelease": {"tag": "v6.6.6", "status": "building", "row_count": "1"},
    "releasefile": {"filename": "forged.csv", "size": "1", "sha256": "b" * 64},
    "evidencespan": {"quote": "ZZZZ", "role": "trigger", "start": "0", "end": "4"},
    "codedevent": {"fatalities": "99", "memo": "forged"},
    "adjudication": {"status": "open", "revision": "9"},
    "assignment": {"status": "in_progress"},
}


@pytest.mark.parametrize("model", sorted(EDITS))
def test_the_change_page_is_read_only_and_a_post_changes_nothing(staff: Client, model: str) -> None:
    _assert_read_only(staff, model, _objects()[model], EDITS[model])


def _dataset_objects(world: World) -> dict[str, models.Model]:
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
    }
    a, b = (
        validated_report(
            project=world.project,
            supervisor=world.supervisor,
            text=text,
            trigger=trigger,
            values=values,
        )
        for text, trigger in [("هاجم مسلحون بولكيسي.", "هاجم"), ("Attaque à Boulkessi.", "Attaque")]
    )
    candidate = m.DuplicateCandidate.objects.create(
        project=world.project, event_a=a, event_b=b, score=0.9, reasons={"same_day": True}
    )
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="same",
    )
    return {
        "datasetevent": m.DatasetEvent.objects.get(pk=a.pk),
        "datasetevent_tombstone": m.DatasetEvent.objects.get(pk=b.pk),
        "dataseteventreport": m.DatasetEventReport.objects.get(gold_event=b),
        "duplicatecandidate": m.DuplicateCandidate.objects.get(pk=candidate.pk),
    }


DATASET_EDITS: dict[str, dict[str, Any]] = {
    "datasetevent": {"version": "9", "resolution": '{"fatalities": {"rule": "typed", "value": 0}}'},
    "datasetevent_tombstone": {"retired_at": "", "merged_into": ""},
    "dataseteventreport": {"dataset_event": "1"},
    "duplicatecandidate": {"status": "open", "score": "0.1", "reason": "forged"},
}


@pytest.mark.parametrize("name", sorted(DATASET_EDITS))
def test_dataset_events_their_reports_and_candidates_are_read_only(
    staff: Client, world: World, name: str
) -> None:
    obj = _dataset_objects(world)[name]
    _assert_read_only(staff, name.split("_")[0], obj, DATASET_EDITS[name])


def _assert_read_only(staff: Client, model: str, obj: models.Model, edit: dict[str, Any]) -> None:
    before = model_to_dict(obj)
    url = reverse(f"admin:coding_{model}_change", args=[obj.pk])

    page = staff.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # no save button: a view page

    form = {key: str(value) for key, value in before.items() if value is not None} | edit
    assert staff.post(url, form).status_code == 403
    delete = reverse(f"admin:coding_{model}_delete", args=[obj.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert staff.get(reverse(f"admin:coding_{model}_add")).status_code == 403

    obj.refresh_from_db()
    assert model_to_dict(obj) == before


@pytest.mark.parametrize("model", ["project", "article"])
def test_projects_and_articles_with_coded_work_are_never_deleted_in_admin(
    staff: Client, model: str
) -> None:
    event = f.CodedEventFactory()
    obj = event.article if model == "article" else event.article.project
    delete = reverse(f"admin:coding_{model}_delete", args=[obj.pk])
    assert staff.get(delete).status_code == 403
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:coding_{model}_changelist")
    bulk = staff.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)  # the action is not offered: nothing to run
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert m.CodedEvent.objects.filter(pk=event.pk).exists()
    # still editable: the change page has its save button
    assert (
        b'name="_save"' in staff.get(reverse(f"admin:coding_{model}_change", args=[obj.pk])).content
    )

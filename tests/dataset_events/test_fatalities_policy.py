"""The project's fatalities policy: PostgreSQL and the API refuse anything but the two rules,
and a UCDP project's linked events get low / best / high by default."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from coding.dataset_event_selectors import dataset_event_detail
from coding.models import Project
from coding.services.dataset_events import dataset_events_link
from tests.dataset_events.scene import validated_report
from tests.factories import UserFactory
from tests.world import World


def test_only_the_two_policies_are_stored(world: World) -> None:
    before = list(Project.objects.order_by("pk").values_list("pk", "settings"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=world.project.pk).update(settings={"fatalities_policy": "max"})
    site_admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = world.client(site_admin).post(
        "/api/v1/projects/",
        {
            "slug": "p9",
            "name": "P9",
            "codebook_version": world.project.codebook_version_id,
            "settings": {"fatalities_policy": "highest"},
        },
        format="json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "settings",
            "code": "invalid",
            "message": "fatalities_policy must be conservative or low_best_high",
        }
    ]
    assert list(Project.objects.order_by("pk").values_list("pk", "settings")) == before


def test_a_ucdp_project_resolves_fatalities_to_low_best_high(world: World) -> None:
    Project.objects.filter(pk=world.project.pk).update(
        settings={"fatalities_policy": "low_best_high"}
    )
    world.project.refresh_from_db()
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
    }
    made = [
        validated_report(
            project=world.project,
            supervisor=world.supervisor,
            text=text,
            trigger=trigger,
            values={**values, "fatalities": dead},
        )
        for text, trigger, dead in [
            ("هاجم مسلحون بولكيسي وقتلوا 7.", "هاجم", 7),
            ("Attaque à Boulkessi : 3 morts.", "Attaque", 3),
            ("Boulkessi attack, 12 killed.", "attack", 12),
        ]
    ]
    first, *rest = (e.pk for e in made)
    for other in rest:
        dataset_events_link(
            project=world.project,
            event_ids=(first, other),
            expected_versions={first: 1 + rest.index(other), other: 1},
            actor=world.supervisor,
            reason="same",
        )
    resolved = dataset_event_detail(world.project, first)["resolved"]
    fatalities = next(f for f in resolved["fields"] if f["key"] == "fatalities")
    assert fatalities["value"] == {"low": 3, "best": 7, "high": 12}
    assert fatalities["source"] == {"rule": "low_best_high"}
    assert resolved["values"]["fatalities"] == 7
